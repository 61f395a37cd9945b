#!/usr/bin/env bash
# Installs the Debian packages the test suite uses when they are missing:
# lintian (the package test) and nginx (the reverse-proxy test, which starts its
# own nginx; the package's service is kept from starting). Runs apt-get only
# when something is missing.
set -euo pipefail
missing=()
command -v lintian >/dev/null 2>&1 || missing+=(lintian)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "test-deps: missing ${missing[*]}; install with: sudo apt-get install ${missing[*]}" >&2
  exit 0
fi
echo "test-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# The tests start nginx themselves; the packaged service must not take port 80.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod 0755 "$policy"
  trap 'rm -f "$policy"' EXIT
fi
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
