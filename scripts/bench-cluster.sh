#!/usr/bin/env bash
# scripts/bench-cluster.sh: supported users on one node and on three. Builds
# Parley and parley-load, then for each node count in NODES starts that many
# cluster nodes (cluster mode: one fresh PostgreSQL database, one NATS, one
# shared files directory), runs the load driver's `mixed` scenario with its
# simulated users spread over the nodes (--url of each), and prints users
# held and the nodes' CPU. Not part of `make test` or `make bench`; the driver
# runs on the same machine, so on a small machine the nodes and the driver
# share its cores (docs/cluster.md, docs/performance.md).
#
# Environment: NODES ("1 3"), MIXED_STEPS (500,1000,2000,3000,4000),
# STEP_DURATION (10s), NATS_URL (nats://127.0.0.1:4222),
# PG_ADMIN (postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable).
set -euo pipefail
cd "$(dirname "$0")/.."

NODES=${NODES:-1 3}
MIXED_STEPS=${MIXED_STEPS:-500,1000,2000,3000,4000}
STEP_DURATION=${STEP_DURATION:-10s}
NATS_URL=${NATS_URL:-nats://127.0.0.1:4222}
PG_ADMIN=${PG_ADMIN:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}

command -v python3 >/dev/null || { echo "bench-cluster: python3 is needed" >&2; exit 1; }
command -v psql >/dev/null || { echo "bench-cluster: psql is needed" >&2; exit 1; }
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

T0=$(date +%s)
STAMP=$(date -u +%Y%m%d-%H%M%S)-$(git rev-parse --short HEAD 2>/dev/null || echo dev)
OUT=bench/results/$STAMP-cluster
WORK=$(mktemp -d)
mkdir -p "$OUT" bin
PIDS=()
PG_DB=
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
  [ -n "$PG_DB" ] && psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1
  rm -rf "$WORK"
}
trap cleanup EXIT

log() { printf '[bench-cluster %4ss] %s\n' $(($(date +%s) - T0)) "$*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# cpu PID: user + system CPU seconds of a process so far.
cpu() { awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$1/stat"; }

log "building into bin/"
CGO_ENABLED=0 go build -trimpath -o bin/parley ./cmd/parley
CGO_ENABLED=0 go build -trimpath -o bin/parley-load ./cmd/parley-load

SUMMARY=$OUT/summary.md
{
  echo "| nodes | users held | steps | node CPU seconds (all nodes) |"
  echo "|---|---|---|---|"
} >"$SUMMARY"

for n in $NODES; do
  PG_DB=parley_bench_cluster_$(date +%s)
  psql "$PG_ADMIN" -qc "CREATE DATABASE $PG_DB" >/dev/null
  dsn=$(python3 -c 'import sys, urllib.parse as u; p=u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/"+sys.argv[2])))' "$PG_ADMIN" "$PG_DB")
  # One cluster name for every run, so that the streams a run leaves on
  # the shared NATS are reused by the next, not added to (their limits empty
  # them within minutes, docs/cluster.md).
  cluster=parleybench
  files=$WORK/files-$n
  mkdir -p "$files"
  urls=()
  PIDS=()
  for i in $(seq 1 "$n"); do
    port=$(free_port)
    PARLEY_DATABASE=$dsn PARLEY_CLUSTER_NATS_URL=$NATS_URL PARLEY_CLUSTER_NAME=$cluster PARLEY_NODE_NAME=node$i \
      MM_FILESETTINGS_DIRECTORY=$files PARLEY_RATE_LIMIT_ENABLED=false PARLEY_METRICS_LISTEN= PARLEY_LOG_LEVEL=warn \
      bin/parley --listen "127.0.0.1:$port" --data "$WORK/data-$n-$i" >>"$OUT/nodes-$n.log" 2>&1 &
    PIDS+=($!)
    urls+=("http://127.0.0.1:$port")
    # One at a time: the first migrates the fresh database.
    for _ in $(seq 1 300); do
      curl -sf "http://127.0.0.1:$port/api/v4/system/ping" >/dev/null 2>&1 && break
      sleep 0.1
    done
    curl -sf "http://127.0.0.1:$port/api/v4/system/ping" >/dev/null 2>&1 ||
      { echo "bench-cluster: node$i of $n did not join; see $OUT/nodes-$n.log" >&2; exit 1; }
  done
  log "$n node(s) joined: ${urls[*]}"
  url_list=$(IFS=,; echo "${urls[*]}")
  before=0
  for p in "${PIDS[@]}"; do before=$(python3 -c "print($before + $(cpu "$p"))"); done
  log "$n node(s): mixed, steps $MIXED_STEPS of $STEP_DURATION"
  bin/parley-load mixed --url "$url_list" --users 100 --channels 20 --member-of 2 --team ltmixed \
    --steps "$MIXED_STEPS" --step-duration "$STEP_DURATION" --json-out "$OUT/mixed-$n.json" >"$OUT/mixed-$n.txt" 2>&1 ||
    { echo "bench-cluster: mixed on $n node(s) failed:" >&2; tail -5 "$OUT/mixed-$n.txt" >&2; exit 1; }
  after=0
  for p in "${PIDS[@]}"; do after=$(python3 -c "print($after + $(cpu "$p"))"); done
  held=$(python3 -c 'import json, sys; print(int(json.load(open(sys.argv[1]))["values"]["users_held"]))' "$OUT/mixed-$n.json")
  grep '^mixed:' "$OUT/mixed-$n.txt" | sed "s/^mixed:/  $n node(s):/" >&2
  steps=$(grep -c '^mixed:' "$OUT/mixed-$n.txt" || true)
  printf '| %s | %s | %s run | %.1f |\n' "$n" "$held" "$steps" "$(python3 -c "print($after - $before)")" >>"$SUMMARY"
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  PIDS=()
  psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null
  PG_DB=
done

echo "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end, $(($(date +%s) - T0)) s" >>"$SUMMARY"
cat "$SUMMARY"
log "done: $OUT"
