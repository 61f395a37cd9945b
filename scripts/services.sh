#!/usr/bin/env bash
# Makes sure the services the tests use are running: PostgreSQL on 127.0.0.1:5432.
# On a machine without PostgreSQL installed it says how to get it and carries on:
# the PostgreSQL half of the tests is then skipped (or fails where
# PARLEY_TEST_REQUIRE_POSTGRES=1).
set -u

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }

if command -v pg_isready >/dev/null 2>&1 && pg_up; then
  exit 0
fi
if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
  echo "services: starting PostgreSQL" >&2
  for v in $(ls /etc/postgresql); do
    pg_ctlcluster --skip-systemctl-redirect "$v" main start 2>/dev/null || true
  done
  for _ in $(seq 1 30); do pg_up && exit 0; sleep 1; done
  echo "services: PostgreSQL did not come up" >&2
  exit 1
fi
echo "services: PostgreSQL is not installed; install it with 'apt-get install postgresql' to run the PostgreSQL tests" >&2
exit 0
