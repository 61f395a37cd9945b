#!/usr/bin/env bash
# Builds dist/parley_<version>_<arch>.deb from bin/parley and deploy/ with
# dpkg-deb: the binary, its manual pages, the documentation, the systemd unit,
# /etc/parley/config.json (a conffile) and the maintainer scripts that create
# the parley user and restart the service. VERSION is scripts/version.sh's
# (make deb passes it), the one the binary was built with.
# Usage: scripts/build-deb.sh VERSION [BINARY]
set -euo pipefail
version="${1:?usage: build-deb.sh VERSION [BINARY]}"
binary="${2:-bin/parley}"
arch="$(dpkg --print-architecture)"
top="$(cd "$(dirname "$0")/.." && pwd)"
stage="$(mktemp -d)"
chmod 0755 "$stage"
trap 'rm -rf "$stage"' EXIT

# One date for the changelog and the manual pages: the commit's, so a rebuild
# of the same commit makes the same package.
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git -C "$top" log -1 --format=%ct 2>/dev/null || date +%s)}"
doc="$stage/usr/share/doc/parley"
install -D -m 0755 "$binary" "$stage/usr/bin/parley"
install -D -m 0644 "$top/deploy/parley.service" "$stage/lib/systemd/system/parley.service"
install -D -m 0644 "$top/deploy/config.json" "$stage/etc/parley/config.json"
install -D -m 0644 "$top/deploy/debian/copyright" "$doc/copyright"
install -D -m 0644 "$top/deploy/nginx.conf" "$doc/examples/nginx.conf"
install -D -m 0644 "$top/deploy/debian/lintian-overrides" "$stage/usr/share/lintian/overrides/parley"
# The documentation, compressed above 4 KiB as Debian policy asks.
install -m 0644 "$top/README.md" "$top"/docs/*.md "$doc/"
find "$doc" -maxdepth 1 -name '*.md' -size +4k -exec gzip -9n {} +
# A manual page per command, generated from the command tree.
"$binary" gen-man "$stage/usr/share/man/man1"
gzip -9n "$stage"/usr/share/man/man1/*.1
chmod 0755 "$stage/usr/share/man" "$stage/usr/share/man/man1"
chmod 0644 "$stage"/usr/share/man/man1/*
# A version without a Debian revision (-N) is a native package's: its
# changelog is changelog.gz.
changelog=changelog.gz
case "$version" in *-*) changelog=changelog.Debian.gz ;; esac
printf 'parley (%s) stable; urgency=medium\n\n  * Release %s.\n\n -- Parley developers <parley@example.com>  %s\n' \
  "$version" "$version" "$(date -R -u -d @"$SOURCE_DATE_EPOCH")" | gzip -9n > "$doc/$changelog"
chmod 0644 "$doc/$changelog"

mkdir -p "$stage/DEBIAN"
install -m 0755 "$top/deploy/debian/postinst" "$top/deploy/debian/prerm" "$top/deploy/debian/postrm" "$stage/DEBIAN/"
echo /etc/parley/config.json > "$stage/DEBIAN/conffiles"
(cd "$stage" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | sort -z | xargs -0 md5sum) > "$stage/DEBIAN/md5sums"
chmod 0644 "$stage/DEBIAN/md5sums"
size="$(du -sk --exclude=DEBIAN "$stage" | cut -f1)"
cat > "$stage/DEBIAN/control" <<CONTROL
Package: parley
Version: $version
Architecture: $arch
Maintainer: Parley developers <parley@example.com>
Installed-Size: $size
Depends: passwd
Section: net
Priority: optional
Homepage: https://github.com/parley-chat/parley
Description: self-hosted team chat server compatible with Mattermost clients
 Parley speaks the Mattermost REST API v4 and WebSocket API, so Mattermost
 clients, bots and scripts work against it. It runs as one binary on an
 embedded SQLite database, or on PostgreSQL.
CONTROL

mkdir -p "$top/dist"
out="$top/dist/parley_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$stage" "$out" >/dev/null
echo "$out"
