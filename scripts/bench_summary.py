#!/usr/bin/env python3
"""Summarise a bench run (scripts/bench.sh): medians of the parley-load JSON
summaries in DIR, checked against the targets of docs/performance.md, written
as DIR/results.json and DIR/results.md."""
import glob
import json
import os
import platform
import statistics
import sys

out, elapsed, base_ref, cores, loadavg = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]


def runs(name):
    found = []
    for path in sorted(glob.glob(os.path.join(out, name + ".json")) + glob.glob(os.path.join(out, name + "-[0-9]*.json"))):
        with open(path) as f:
            found.append(json.load(f))
    return found


def median(values):
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 2) if values else None


def cpu_per_post(s):
    """Server CPU milliseconds per post of a post run."""
    return 1000 * s["server"]["cpu_seconds"] / max(s["counts"]["posts"], 1)


def cpu_per_frame(s):
    """Server CPU microseconds per posted event a listener received, of a post run."""
    return 1e6 * s["server"]["cpu_seconds"] / max(s["counts"]["deliveries"], 1)


def resumed(s):
    """Share of a post run's reconnects that resumed the connection; None without any."""
    c = s["counts"]
    return c["resumes"] / c["reconnects"] if c.get("reconnects") else None


def lat(s, key, q):
    return s.get("latency", {}).get(key, {}).get(q)


def ltng_supported(found):
    """supported_users of parley-load ltng: the settled average, or the bound
    when it was reached with no alert (then "at least" that many)."""
    vals = []
    for s in found:
        v = s["values"].get("supported_users") or 0
        if not v and any("bound reached" in n for n in s.get("notes", [])):
            v = s["values"].get("max_users_without_alert")
        vals.append(v or None)
    return median(vals)


# (figure, unit, target, better, function of the runs of one store)
figures = [
    ("posts/s, 10 posters, no listeners", "posts/s", None, "higher",
     lambda st: median([s["rates"]["posts"] for s in runs(st + "-post-0")])),
    ("post p99, 10 posters, no listeners", "ms", None, "lower",
     lambda st: median([lat(s, "post", "p99_ms") for s in runs(st + "-post-0")])),
    ("server CPU per post, no listeners", "ms", None, "lower",
     lambda st: median([cpu_per_post(s) for s in runs(st + "-post-0")])),
    ("posts/s, 10 posters, 500 listeners", "posts/s", {"sqlite": 1500, "postgres": 1000}, "higher",
     lambda st: median([s["rates"]["posts"] for s in runs(st + "-post-max")])),
    ("post p99, 10 posters, 500 listeners", "ms", None, "lower",
     lambda st: median([lat(s, "post", "p99_ms") for s in runs(st + "-post-max")])),
    ("server CPU per post, 500 listeners", "ms", 1.2, "lower",
     lambda st: median([cpu_per_post(s) for s in runs(st + "-post-max")])),
    ("server CPU per delivered WebSocket frame, 500 listeners", "µs", 1, "lower",
     lambda st: median([cpu_per_frame(s) for s in runs(st + "-post-max")])),
    ("delivery p99 at 500 posts/s, 500 listeners", "ms", 50, "lower",
     lambda st: median([lat(s, "delivery", "p99_ms") for s in runs(st + "-post-500")])),
    ("posts/s reached when asking 500/s", "posts/s", None, "higher",
     lambda st: median([s["rates"]["posts"] for s in runs(st + "-post-500")])),
    ("history page 0 p99, 16 readers", "ms", 20, "lower",
     lambda st: median([lat(s, "page0", "p99_ms") for s in runs(st + "-history")])),
    ("history before-cursor page p99, 16 readers", "ms", 20, "lower",
     lambda st: median([lat(s, "before_cursor", "p99_ms") for s in runs(st + "-history")])),
    ("history deep page (random page=N) p99, 16 readers", "ms", 20, "lower",
     lambda st: median([lat(s, "deep_page", "p99_ms") for s in runs(st + "-history")])),
    ("history channel size", "posts", None, "info",
     lambda st: median([s["counts"]["channel_posts"] for s in runs(st + "-history")])),
    ("two-word search p50", "ms", None, "lower",
     lambda st: median([lat(s, "search", "p50_ms") for s in runs(st + "-search")])),
    ("two-word search p99", "ms", None, "lower",
     lambda st: median([lat(s, "search", "p99_ms") for s in runs(st + "-search")])),
    ("start to first ping (median of 3)", "ms", 300, "lower",
     lambda st: median([lat(s, "start_to_first_ping", "p50_ms") for s in runs(st + "-start")])),
    ("idle RSS after start", "MB", 40, "lower",
     lambda st: median([s["values"]["idle_rss_mb"] for s in runs(st + "-start")])),
    ("RSS per idle WebSocket", "KB", 16, "lower",
     lambda st: median([s.get("values", {}).get("rss_kb_per_connection") for s in runs(st + "-idle-ws")])),
    ("delivery p99, 10,000 listeners at 50 posts/s", "ms", 100, "lower",
     lambda st: median([lat(s, "delivery", "p99_ms") for s in runs(st + "-post-big")])),
    ("deliveries received / expected, 10,000 listeners", "ratio", 1, "higher",
     lambda st: median([s["counts"]["deliveries"] / max(s["counts"]["deliveries_expected"], 1) for s in runs(st + "-post-big")])),
    ("dropped listeners that resumed (no fresh hello), 10,000 listeners", "of reconnects", None, "info",
     lambda st: median([resumed(s) for s in runs(st + "-post-big")])),
    ("delivery p99, 10,000 listeners over 20 channels (each user in 2) at 50 posts/s", "ms", 100, "lower",
     lambda st: median([lat(s, "delivery", "p99_ms") for s in runs(st + "-post-spread")])),
    ("deliveries received / expected, spread", "ratio", None, "info",
     lambda st: median([s["counts"]["deliveries"] / max(s["counts"]["deliveries_expected"], 1) for s in runs(st + "-post-spread")])),
    ("mixed: simulated users held", "users", 20000, "higher",
     lambda st: median([s["values"]["users_held"] for s in runs(st + "-mixed")])),
    # Mattermost publishes about 217 for one 2-vCPU/4 GiB node (issue 26).
    ("supported users (load-test-ng definition)", "users", {"sqlite": 21700}, "higher",
     lambda st: ltng_supported(runs(st + "-ltng"))),
    ("load-test-ng: users active before the first alert", "users", None, "info",
     lambda st: median([s["values"]["max_users_without_alert"] for s in runs(st + "-ltng")])),
]

stores = [st for st in ("sqlite", "postgres") if runs(st + "-post-max")]
results = {"elapsed_s": elapsed, "cores": cores, "loadavg_at_end": loadavg, "machine": platform.machine(),
           "stores": {}, "targets": {}}
for name, unit, target, better, fn in figures:
    for st in stores:
        try:
            v = fn(st)
        except (KeyError, TypeError, ZeroDivisionError):
            v = None
        results["stores"].setdefault(st, {})[name] = v
    results["targets"][name] = {"unit": unit, "target": target, "better": better}

compare = {}
if base_ref:
    base = median([s["rates"]["posts"] for s in runs("compare-base")])
    head = median([s["rates"]["posts"] for s in runs("compare-head")])
    base_p99 = median([lat(s, "post", "p99_ms") for s in runs("compare-base")])
    head_p99 = median([lat(s, "post", "p99_ms") for s in runs("compare-head")])
    # Server CPU per post barely moves with the machine's other load, while
    # posts/s does: on a shared machine the CPU ratio is the one to trust.
    base_cpu = median([cpu_per_post(s) for s in runs("compare-base")])
    head_cpu = median([cpu_per_post(s) for s in runs("compare-head")])
    compare = {"base_ref": base_ref, "base_posts_per_s": base, "head_posts_per_s": head,
               "ratio": round(head / base, 2) if base and head else None,
               "base_post_p99_ms": base_p99, "head_post_p99_ms": head_p99,
               "base_cpu_ms_per_post": base_cpu, "head_cpu_ms_per_post": head_cpu,
               "cpu_ratio": round(head_cpu / base_cpu, 2) if base_cpu and head_cpu else None}
    results["compare"] = compare

mixed_notes = {st: [n for s in runs(st + "-mixed") for n in s.get("notes", [])] for st in stores}
results["mixed_steps"] = mixed_notes
ltng_notes = {st: [n for s in runs(st + "-ltng") for n in s.get("notes", [])] for st in stores}
results["ltng"] = ltng_notes

with open(os.path.join(out, "results.json"), "w") as f:
    json.dump(results, f, indent=2)


def verdict(v, target, better, st):
    if isinstance(target, dict):
        target = target.get(st)
    if target is None or v is None:
        return ""
    ok = v >= target if better == "higher" else v <= target
    return " ✓" if ok else " ✗"


def fmt(v):
    if v is None:
        return "–"
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:g}"


lines = [f"# Parley bench {os.path.basename(os.path.normpath(out))}", "",
         f"{cores} cores, load average at the end {loadavg}; `make bench` took {elapsed // 60} min {elapsed % 60} s. "
         "Medians of the runs; ✓/✗ against the targets of docs/performance.md.", "",
         "| figure | unit | target | " + " | ".join(stores) + " |",
         "|---|---|---|" + "---|" * len(stores)]
for name, unit, target, better, _ in figures:
    sign = "≥ " if better == "higher" else "≤ "
    if target is None:
        t = ""
    elif isinstance(target, dict):
        t = sign + " / ".join(f"{v:,} ({k})" for k, v in target.items())
    else:
        t = sign + f"{target:,}"
    cells = [fmt(results["stores"][st][name]) + verdict(results["stores"][st][name], target, better, st) for st in stores]
    lines.append(f"| {name} | {unit} | {t} | " + " | ".join(cells) + " |")
if compare:
    lines += ["", f"Same run, SQLite, 10 posters, 50 listeners, alternating binaries: baseline `{base_ref}` "
              f"{fmt(compare['base_posts_per_s'])} posts/s (p99 {fmt(compare['base_post_p99_ms'])} ms), this revision "
              f"{fmt(compare['head_posts_per_s'])} posts/s (p99 {fmt(compare['head_post_p99_ms'])} ms): "
              f"ratio {compare['ratio']}; server CPU per post {fmt(compare['base_cpu_ms_per_post'])} → "
              f"{fmt(compare['head_cpu_ms_per_post'])} ms, ratio {compare['cpu_ratio']}."]
for st in stores:
    if mixed_notes[st]:
        lines += ["", f"Mixed steps on {st}:", ""] + [f"- {n}" for n in mixed_notes[st]]
for st in stores:
    if ltng_notes[st]:
        lines += ["", f"load-test-ng definition on {st} (Mattermost: about 217 for one 2-vCPU/4 GiB node):", ""] + \
                 [f"- {n}" for n in ltng_notes[st]]
bench = os.path.join(out, "go-bench.txt")
if os.path.exists(bench):
    with open(bench) as f:
        rows = [l.rstrip() for l in f if l.startswith("Benchmark")]
    lines += ["", "Go benchmarks (`go test -bench . -benchtime 200ms`):", "", "```"] + rows + ["```"]
with open(os.path.join(out, "results.md"), "w") as f:
    f.write("\n".join(lines) + "\n")
print("\n".join(lines))
