#!/usr/bin/env bash
# make bench: builds Parley and parley-load, then for SQLite and for PostgreSQL
# (a fresh database) starts Parley on a data set made by `parley sampledata`,
# runs the load scenarios RUNS times each and writes the medians to
# bench/results/<date>-<commit>.json and .md. Optionally (BASE_REF=<git ref>)
# it also builds that revision and alternates post runs between the two on
# SQLite, so the ratio holds on a shared, noisy machine. Runs in about 12
# minutes on a 2-core machine, plus 2 × LTNG_DURATION for the load-test-ng
# figure; docs/performance.md explains the figures.
#
# Environment: RUNS (3), BASE_REF (none), STORES ("sqlite postgres"),
# PG_ADMIN (postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable),
# HISTORY_POSTS (posts per sampledata channel, 100000), MIXED_STEPS
# (2000,5000,7500,10000,12500,15000,19000), BIG_CONNS (10000), GO_BENCH (1: also run the Go benchmarks),
# LTNG (1: also scripts/ltng.sh per store) and LTNG_DURATION (9m).
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-3}
BASE_REF=${BASE_REF:-}
STORES=${STORES:-sqlite postgres}
PG_ADMIN=${PG_ADMIN:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
HISTORY_POSTS=${HISTORY_POSTS:-100000}
# 19,000, not 20,000: this machine's hard open-file limit is 20,000 a process.
MIXED_STEPS=${MIXED_STEPS:-2000,5000,7500,10000,12500,15000,19000}
BIG_CONNS=${BIG_CONNS:-10000}
GO_BENCH=${GO_BENCH:-1}
# LTNG=1 also runs scripts/ltng.sh per store, LTNG_DURATION each (it adds
# twice that to the run); LTNG_MAX_USERS, LTNG_INC, LTNG_SAMPLES go through.
LTNG=${LTNG:-1}
LTNG_DURATION=${LTNG_DURATION:-9m}
ADMIN=sysadmin:Sys@dmin-sample1 # made by parley sampledata

command -v python3 >/dev/null || { echo "bench: python3 is needed to summarise the results" >&2; exit 1; }
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
# The server and the driver each hold one descriptor per connection.
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((BIG_CONNS + 1000)) ]; then
  echo "bench: open-file limit $(ulimit -n) is too low for $BIG_CONNS connections; raise the hard limit (ulimit -Hn)" >&2
  exit 1
fi

T0=$(date +%s)
STAMP=$(date -u +%Y%m%d-%H%M%S)-$(git rev-parse --short HEAD 2>/dev/null || echo dev)
OUT=bench/results/$STAMP
WORK=$(mktemp -d)
mkdir -p "$OUT" bin
SERVER_PID=
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  [ -n "${PG_DB:-}" ] && psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1
  [ -n "${BASE_TREE:-}" ] && git worktree remove --force "$BASE_TREE" >/dev/null 2>&1
  rm -rf "$WORK"
}
trap cleanup EXIT

log() { printf '[bench %4ss] %s\n' $(($(date +%s) - T0)) "$*" >&2; }

log "building into bin/"
CGO_ENABLED=0 go build -trimpath -o bin/parley ./cmd/parley
CGO_ENABLED=0 go build -trimpath -o bin/parley-load ./cmd/parley-load
if [ -n "$BASE_REF" ]; then
  BASE_TREE=$WORK/base
  git worktree add --detach "$BASE_TREE" "$BASE_REF" >/dev/null 2>&1
  (cd "$BASE_TREE" && CGO_ENABLED=0 go build -trimpath -o "$WORK/parley-base" ./cmd/parley)
  log "baseline $BASE_REF built"
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# start_server BIN DATA [DSN]: starts Parley with rate limiting off, waits for ping.
start_server() {
  local bin=$1 data=$2 dsn=${3:-}
  PORT=$(free_port)
  URL=http://127.0.0.1:$PORT
  PARLEY_RATE_LIMIT_ENABLED=false PARLEY_METRICS_LISTEN= PARLEY_LOG_LEVEL=warn \
    "$bin" --listen "127.0.0.1:$PORT" --data "$data" ${dsn:+--database "$dsn"} >>"$OUT/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 300); do
    curl -sf "$URL/api/v4/system/ping" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "bench: server did not start; see $OUT/server.log" >&2
  exit 1
}

stop_server() {
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=
}

# load NAME SCENARIO ARGS...: one run, its JSON summary kept as $OUT/NAME.json.
load() {
  local name=$1
  shift
  bin/parley-load "$@" --url "$URL" --admin "$ADMIN" --pid "$SERVER_PID" --json-out "$OUT/$name.json" >"$OUT/$name.txt" 2>&1 ||
    { echo "bench: $name failed:" >&2; tail -5 "$OUT/$name.txt" >&2; exit 1; }
}

for store in $STORES; do
  data=$WORK/$store
  dsn=
  if [ "$store" = postgres ]; then
    PG_DB=parley_bench_$(date +%s)
    psql "$PG_ADMIN" -qc "CREATE DATABASE $PG_DB" >/dev/null
    dsn=$(python3 -c 'import sys, urllib.parse as u; p=u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/"+sys.argv[2])))' "$PG_ADMIN" "$PG_DB")
  fi
  log "$store: sampledata, 3 channels of $HISTORY_POSTS posts"
  bin/parley sampledata --data "$data" ${dsn:+--database "$dsn"} --users 20 --teams 1 --team-memberships 1 \
    --channel-memberships 1 --channels-per-team 1 --posts-per-channel "$HISTORY_POSTS" \
    --direct-channels 0 --group-channels 0 >"$OUT/$store-sampledata.txt" 2>&1
  team=$(bin/parley team list --data "$data" ${dsn:+--database "$dsn"} | head -1)
  channel=$(bin/parley channel list "$team" --data "$data" ${dsn:+--database "$dsn"} | grep -v -e town-square -e off-topic | head -1)

  log "$store: start (runs 3, on the filled data directory)"
  bin/parley-load start --binary bin/parley --data "$data" ${dsn:+--arg=--database="$dsn"} --runs 3 --settle 2s \
    --json-out "$OUT/$store-start.json" >"$OUT/$store-start.txt" 2>&1

  start_server bin/parley "$data" "$dsn"
  load "$store-setup" setup --users 50 --channels 2
  for i in $(seq 1 "$RUNS"); do
    log "$store: post run $i (10 posters, no listeners, as fast as possible)"
    load "$store-post-0-$i" post --users 50 --channels 2 --posters 10 --listeners 0 --duration 5s
    log "$store: post run $i (10 posters, 500 listeners, as fast as possible)"
    load "$store-post-max-$i" post --users 50 --channels 2 --posters 10 --listeners 500 --duration 5s
    log "$store: post run $i (500 listeners at 500 posts/s)"
    load "$store-post-500-$i" post --users 50 --channels 2 --posters 10 --listeners 500 --rate 500 --duration 5s
    log "$store: history run $i ($channel)"
    load "$store-history-$i" history --users 50 --channels 2 --existing "$team:$channel" --readers 16 --duration 5s
    log "$store: search run $i"
    load "$store-search-$i" search --users 50 --channels 2 --posts 2000 --concurrency 2 --duration 4s
  done
  log "$store: idle-ws, $BIG_CONNS connections"
  load "$store-idle-ws" idle-ws --users 50 --channels 2 --conns "$BIG_CONNS" --hold 3s
  log "$store: post, $BIG_CONNS listeners at 50 posts/s"
  load "$store-post-big" post --users 50 --channels 2 --posters 5 --listeners "$BIG_CONNS" --rate 50 --duration 8s
  log "$store: post, $BIG_CONNS listeners over 20 channels at 50 posts/s"
  load "$store-post-spread" post --users 50 --channels 20 --member-of 2 --team ltspread --spread --posters 5 \
    --listeners "$BIG_CONNS" --rate 50 --duration 8s
  log "$store: mixed, steps $MIXED_STEPS"
  load "$store-mixed" mixed --users 100 --channels 20 --member-of 2 --team ltmixed --steps "$MIXED_STEPS" --step-duration 10s
  stop_server
  if [ "$LTNG" = 1 ]; then
    log "$store: ltng (load-test-ng's simulated users and supported-users definition, $LTNG_DURATION, fresh server)"
    LTNG_DURATION=$LTNG_DURATION PG_ADMIN=$PG_ADMIN scripts/ltng.sh "$store" "$OUT"
  fi

  if [ -n "$BASE_REF" ] && [ "$store" = sqlite ]; then
    # The same post run, alternating the baseline binary and this one on
    # copies of one data directory, so both see the same machine load. The
    # baseline makes the directory: this binary migrates a copy forward, while
    # the baseline would refuse a newer schema.
    "$WORK/parley-base" sampledata --data "$WORK/cmp-seed" --users 2 --teams 1 --team-memberships 1 \
      --channel-memberships 1 --channels-per-team 1 --posts-per-channel 10 --direct-channels 0 --group-channels 0 >/dev/null
    start_server "$WORK/parley-base" "$WORK/cmp-seed"
    load compare-setup setup --users 50 --channels 2
    stop_server
    for i in $(seq 1 "$RUNS"); do
      for which in base head; do
        bin=bin/parley
        [ "$which" = base ] && bin=$WORK/parley-base
        rm -rf "$WORK/cmp" && cp -r "$WORK/cmp-seed" "$WORK/cmp"
        start_server "$bin" "$WORK/cmp"
        log "compare: $which run $i (10 posters, 50 listeners)"
        load "compare-$which-$i" post --users 50 --channels 2 --posters 10 --listeners 50 --duration 6s
        stop_server
      done
    done
  fi
  if [ "$store" = postgres ]; then
    psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null
    PG_DB=
  fi
done

if [ "$GO_BENCH" = 1 ]; then
  log "Go benchmarks"
  # The search benchmark seeds its own corpus: 20,000 posts keep it to seconds.
  PARLEY_BENCH_POSTS=20000 go test -run '^$' -bench . -benchmem -benchtime 200ms -count 1 \
    ./internal/ws/ ./internal/store/sqlstore/ ./internal/app/ >"$OUT/go-bench.txt" 2>&1 ||
    { echo "bench: Go benchmarks failed:" >&2; tail -20 "$OUT/go-bench.txt" >&2; exit 1; }
fi

ELAPSED=$(($(date +%s) - T0))
python3 scripts/bench_summary.py "$OUT" "$ELAPSED" "$BASE_REF" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
cp "$OUT/results.json" "bench/results/$STAMP.json"
cp "$OUT/results.md" "bench/results/$STAMP.md"
log "done in ${ELAPSED}s: bench/results/$STAMP.md"
