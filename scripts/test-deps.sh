#!/usr/bin/env bash
# Installs the Debian packages the test suite uses when they are missing:
# lintian (the package test). Runs apt-get only when something is missing.
set -euo pipefail
missing=()
command -v lintian >/dev/null 2>&1 || missing+=(lintian)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "test-deps: missing ${missing[*]}; install with: sudo apt-get install ${missing[*]}" >&2
  exit 0
fi
echo "test-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
