#!/usr/bin/env bash
# Builds dist/parley_<version>_<arch>.deb from bin/parley and deploy/ with
# dpkg-deb: the binary, the systemd unit, /etc/parley/config.json (a conffile)
# and the maintainer scripts that create the parley user and restart the service.
# Usage: scripts/build-deb.sh VERSION [BINARY]
set -euo pipefail
version="${1:?usage: build-deb.sh VERSION [BINARY]}"
binary="${2:-bin/parley}"
arch="$(dpkg --print-architecture)"
top="$(cd "$(dirname "$0")/.." && pwd)"
stage="$(mktemp -d)"
chmod 0755 "$stage"
trap 'rm -rf "$stage"' EXIT

install -D -m 0755 "$binary" "$stage/usr/bin/parley"
install -D -m 0644 "$top/deploy/parley.service" "$stage/lib/systemd/system/parley.service"
install -D -m 0644 "$top/deploy/config.json" "$stage/etc/parley/config.json"
install -D -m 0644 "$top/deploy/debian/copyright" "$stage/usr/share/doc/parley/copyright"
install -D -m 0644 "$top/deploy/nginx.conf" "$stage/usr/share/doc/parley/examples/nginx.conf"
install -D -m 0644 "$top/deploy/debian/lintian-overrides" "$stage/usr/share/lintian/overrides/parley"
printf 'parley (%s) stable; urgency=medium\n\n  * Release %s.\n\n -- Parley developers <parley@example.com>  %s\n' \
  "$version" "$version" "$(date -R -d @"${SOURCE_DATE_EPOCH:-$(git -C "$top" log -1 --format=%ct 2>/dev/null || date +%s)}")" \
  | gzip -9n > "$stage/usr/share/doc/parley/changelog.Debian.gz"
chmod 0644 "$stage/usr/share/doc/parley/changelog.Debian.gz"

mkdir -p "$stage/DEBIAN"
install -m 0755 "$top/deploy/debian/postinst" "$top/deploy/debian/prerm" "$top/deploy/debian/postrm" "$stage/DEBIAN/"
echo /etc/parley/config.json > "$stage/DEBIAN/conffiles"
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
