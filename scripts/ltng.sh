#!/usr/bin/env bash
# scripts/ltng.sh STORE OUTDIR: starts a fresh Parley on STORE (sqlite or
# postgres, a new database dropped afterwards) with rate limiting off and runs
# `parley-load ltng`, mattermost-load-test-ng's simulated users and its
# supported-users definition (docs/performance.md), writing
# OUTDIR/NAME-ltng.json and .txt. make bench runs it for each store (and, with
# BASE_REF, for each binary); run it alone for that figure only (it builds bin/
# if needed).
#
# Environment: LTNG_DURATION (9m), LTNG_MAX_USERS (20000), LTNG_INC (8, the
# tool's NumUsersInc), LTNG_PRESIGN (0: users sign up on their first login, as
# on the tool's first run; N: N users exist before the run, as the tool's later
# runs find them, signed up untimed), LTNG_SAMPLES (2m: the tool's 30 minutes of settled
# samples do not fit a bounded run), LTNG_BINARY (the server, bin/parley; the
# driver is always bin/parley-load), LTNG_NAME (NAME above, STORE),
# PG_ADMIN as for make bench.
set -euo pipefail
cd "$(dirname "$0")/.."

STORE=${1:?usage: scripts/ltng.sh sqlite|postgres OUTDIR}
OUT=${2:?usage: scripts/ltng.sh sqlite|postgres OUTDIR}
LTNG_DURATION=${LTNG_DURATION:-9m}
LTNG_MAX_USERS=${LTNG_MAX_USERS:-20000}
LTNG_INC=${LTNG_INC:-8}
LTNG_SAMPLES=${LTNG_SAMPLES:-2m}
LTNG_PRESIGN=${LTNG_PRESIGN:-0}
LTNG_BINARY=${LTNG_BINARY:-bin/parley}
LTNG_NAME=${LTNG_NAME:-$STORE}
PG_ADMIN=${PG_ADMIN:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}

mkdir -p "$OUT" bin
[ -x bin/parley ] || CGO_ENABLED=0 go build -trimpath -o bin/parley ./cmd/parley
[ -x bin/parley-load ] || CGO_ENABLED=0 go build -trimpath -o bin/parley-load ./cmd/parley-load
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

DATA=$(mktemp -d)
PID=
DB=
cleanup() {
  [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
  [ -n "$DB" ] && psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1
  rm -rf "$DATA"
}
trap cleanup EXIT

dsn=
if [ "$STORE" = postgres ]; then
  DB=parley_ltng_$(date +%s)
  psql "$PG_ADMIN" -qc "CREATE DATABASE $DB" >/dev/null
  dsn=$(python3 -c 'import sys, urllib.parse as u; p=u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/"+sys.argv[2])))' "$PG_ADMIN" "$DB")
fi
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
URL=http://127.0.0.1:$PORT
PARLEY_RATE_LIMIT_ENABLED=false PARLEY_METRICS_LISTEN='' PARLEY_LOG_LEVEL=warn PARLEY_SITE_URL=$URL \
  "$LTNG_BINARY" --listen "127.0.0.1:$PORT" --data "$DATA" ${dsn:+--database "$dsn"} >>"$OUT/$LTNG_NAME-ltng-server.log" 2>&1 &
PID=$!
for _ in $(seq 1 300); do
  curl -sf "$URL/api/v4/system/ping" >/dev/null 2>&1 && break
  sleep 0.1
done
bin/parley-load ltng --url "$URL" --pid "$PID" --duration "$LTNG_DURATION" --max-users "$LTNG_MAX_USERS" \
  --inc "$LTNG_INC" --presign "$LTNG_PRESIGN" --samples-range "$LTNG_SAMPLES" --json-out "$OUT/$LTNG_NAME-ltng.json" >"$OUT/$LTNG_NAME-ltng.txt" 2>&1 ||
  { echo "ltng: $LTNG_NAME run failed:" >&2; tail -5 "$OUT/$LTNG_NAME-ltng.txt" >&2; exit 1; }
grep -E '^(supported_users|max_users_without_alert|note)' "$OUT/$LTNG_NAME-ltng.txt" >&2 || true
