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
phrase_posts = int(sys.argv[6]) if len(sys.argv) > 6 else 0


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


def go_metric(name, benchmark, unit):
    """The value reported in UNIT by BENCHMARK (its name without the -GOMAXPROCS
    suffix) in the `go test -bench` output DIR/NAME.txt; None if absent."""
    path = os.path.join(out, name + ".txt")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        for line in f:
            fields = line.split()
            if fields and fields[0].rsplit("-", 1)[0] == benchmark:
                for value, u in zip(fields[2::2], fields[3::2]):
                    if u == unit:
                        return float(value)
    return None


def phrase(st):
    """Median phrase-search latency of the PostgreSQL Go benchmark; st is a
    store name with the binary's prefix (base-postgres). Without a run of its
    own (no BASE_REF, PHRASE_POSTS the Go benchmarks' size) it is the one of
    the Go benchmarks."""
    if not st.endswith("postgres") or not phrase_posts:
        return None
    prefix = st[:-len("postgres")]
    name = prefix + "go-phrase"
    if not prefix and not os.path.exists(os.path.join(out, name + ".txt")):
        name = "go-bench"
    return go_metric(name, "BenchmarkSearchPosts/postgres/phrase", "ms-median")


PHRASE = "phrase of two common words, PostgreSQL (Go benchmark, median search)"

# (figure, unit, target, better, function of the runs of one store; the store
# name carries the binary's prefix, e.g. base-sqlite)
figures = [
    ("posts/s, 10 posters, no listeners", "posts/s", {"sqlite": 2000, "postgres": 1000}, "higher",
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
    ("delivery p99, 10 posters, 500 listeners", "ms", None, "lower",
     lambda st: median([lat(s, "delivery", "p99_ms") for s in runs(st + "-post-max")])),
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
    ("two-word search p99", "ms", 50, "lower",
     lambda st: median([lat(s, "search", "p99_ms") for s in runs(st + "-search")])),
    # The target is for 1,000,000 posts; PHRASE_POSTS says how many
    # this run seeded (results.md names it under the table).
    (PHRASE, "ms", {"postgres": 20}, "lower", phrase),
    ("start to first ping", "ms", 300, "lower",
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
    ("mixed: simulated users held", "users", {"sqlite": 20000, "postgres": 15000}, "higher",
     lambda st: median([s["values"]["users_held"] for s in runs(st + "-mixed")])),
    # Mattermost publishes about 217 for one 2-vCPU/4 GiB node (issue 26).
    ("supported users (load-test-ng definition)", "users", {"sqlite": 21700}, "higher",
     lambda st: ltng_supported(runs(st + "-ltng"))),
    ("load-test-ng: users active before the first alert", "users", None, "info",
     lambda st: median([s["values"]["max_users_without_alert"] for s in runs(st + "-ltng")])),
]

def evaluate(prefix):
    """The figures of every store for the binary whose files carry prefix."""
    values = {}
    for name, _, _, _, fn in figures:
        for st in stores:
            try:
                v = fn(prefix + st)
            except (KeyError, TypeError, ZeroDivisionError):
                v = None
            values.setdefault(st, {})[name] = v
    return values


def ratio(head, base):
    return round(head / base, 2) if head is not None and base else None


stores = [st for st in ("sqlite", "postgres") if runs(st + "-post-max")]
results = {"elapsed_s": elapsed, "cores": cores, "loadavg_at_end": loadavg, "machine": platform.machine(),
           "phrase_posts": phrase_posts, "stores": evaluate(""), "targets": {}}
for name, unit, target, better, _ in figures:
    results["targets"][name] = {"unit": unit, "target": target, "better": better}
if base_ref:
    base = evaluate("base-")
    results["base"] = {"ref": base_ref, "stores": base}
    results["ratio_head_over_base"] = {
        st: {name: ratio(results["stores"][st][name], base[st][name]) for name, *_ in figures} for st in stores}


def notes(prefix, scenario):
    return {st: [n for s in runs(prefix + st + "-" + scenario) for n in s.get("notes", [])] for st in stores}


mixed_notes, ltng_notes = notes("", "mixed"), notes("", "ltng")
results["mixed_steps"], results["ltng"] = mixed_notes, ltng_notes
if base_ref:
    results["base"]["mixed_steps"], results["base"]["ltng"] = notes("base-", "mixed"), notes("base-", "ltng")

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


def target_cell(target, better, st=None):
    """The target as a table cell: one store's, or every store's when st is None."""
    sign = "≥ " if better == "higher" else "≤ "
    if isinstance(target, dict):
        if st is not None:
            return sign + f"{target[st]:,}" if st in target else ""
        return sign + " / ".join(f"{v:,} ({k})" for k, v in target.items())
    return "" if target is None else sign + f"{target:,}"


def cell(values, st, name, target, better):
    return fmt(values[st][name]) + verdict(values[st][name], target, better, st)


def store_notes(st):
    """The mixed steps and load-test-ng notes of one store, each binary's."""
    found = []
    for label, prefix in [("", "")] + ([(" (base)", "base-")] if base_ref else []):
        for scenario, intro in (("mixed", "Mixed steps on"),
                                ("ltng", "load-test-ng definition (Mattermost: about 217 for one 2-vCPU/4 GiB node) on")):
            ns = notes(prefix, scenario)[st]
            if ns:
                found += ["", f"{intro} {st}{label}:", ""] + [f"- {n}" for n in ns]
    return found


lines = [f"# Parley bench {os.path.basename(os.path.normpath(out))}", "",
         f"{cores} cores, load average at the end {loadavg}; `make bench` took {elapsed // 60} min {elapsed % 60} s. "
         "Medians of the runs; ✓/✗ against the targets of docs/performance.md."]
if phrase_posts:
    lines += ["", f"The phrase search ran on {phrase_posts:,} seeded posts (`PHRASE_POSTS`); "
              "the target is for 1,000,000 (`PHRASE_POSTS=1000000`, about 7 minutes of seeding per binary)."]
if base_ref:
    lines += ["", f"Every figure was measured for this revision (head) and for `{base_ref}` (base) in the same run, "
              "the two binaries alternating run by run on copies of one data set; the driver is this revision's. "
              "head/base below 1 is better for a figure where lower is better, above 1 where higher is."]
    for st in stores:
        lines += ["", f"## {st}", "", "| figure | unit | target | head | base | head/base |", "|---|---|---|---|---|---|"]
        for name, unit, target, better, _ in figures:
            if name == PHRASE and st != "postgres":
                continue
            lines.append(f"| {name} | {unit} | {target_cell(target, better, st)} | "
                         f"{cell(results['stores'], st, name, target, better)} | {cell(base, st, name, target, better)} | "
                         f"{fmt(results['ratio_head_over_base'][st][name])} |")
        lines += store_notes(st)
else:
    lines += ["", "| figure | unit | target | " + " | ".join(stores) + " |", "|---|---|---|" + "---|" * len(stores)]
    for name, unit, target, better, _ in figures:
        lines.append(f"| {name} | {unit} | {target_cell(target, better)} | " +
                     " | ".join(cell(results["stores"], st, name, target, better) for st in stores) + " |")
    for st in stores:
        lines += store_notes(st)

bench = os.path.join(out, "go-bench.txt")
if os.path.exists(bench):
    with open(bench) as f:
        rows = [l.rstrip() for l in f if l.startswith("Benchmark")]
    lines += ["", "Go benchmarks of this revision (`go test -bench . -benchtime 200ms`):", "", "```"] + rows + ["```"]
with open(os.path.join(out, "results.md"), "w") as f:
    f.write("\n".join(lines) + "\n")
print("\n".join(lines))
