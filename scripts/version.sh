#!/usr/bin/env bash
# Prints the version of the checkout in the current directory, the same for
# `parley version` and the Debian package, and always increasing along history
# even in a shallow clone (so apt upgrade takes a newer build). The release in
# the top-level VERSION file is the base:
#   the commit tagged v<VERSION>:  <VERSION>
#   any other commit:              <VERSION>+git<commit time, UTC, YYYYMMDDHHMMSS>.<short hash>
# which dpkg ranks above the release and above every earlier commit. A checkout
# with uncommitted changes gets .dirty appended. To release: set VERSION, commit,
# tag v<VERSION>.
# Usage: scripts/version.sh [REV]   (default HEAD)
set -euo pipefail
rev="${1:-HEAD}"
if ! git rev-parse --verify -q "$rev^{commit}" >/dev/null 2>&1; then
  echo "$(cat VERSION 2>/dev/null || echo 0.1.0)+unknown"
  exit 0
fi
base="$(git show "$rev:VERSION" 2>/dev/null || echo 0.1.0)"
base="$(echo "$base" | tr -d '[:space:]')"
if [ "$(git rev-parse -q --verify "refs/tags/v$base^{commit}" 2>/dev/null)" = "$(git rev-parse "$rev^{commit}")" ]; then
  v="$base"
else
  when="$(TZ=UTC git log -1 --format=%cd --date=format-local:%Y%m%d%H%M%S "$rev")"
  v="$base+git$when.$(git rev-parse --short=12 "$rev")"
fi
if [ "$rev" = HEAD ] && [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  v="$v.dirty"
fi
echo "$v"
