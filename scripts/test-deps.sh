#!/usr/bin/env bash
# Installs what the test suite uses when it is missing: mailpit (the SMTP
# server the mail tests deliver to, built from the Go module proxy into the
# cache directory internal/mailtest looks in), zitadel/oidc's example OpenID
# provider (the OpenID Connect tests' provider, built the same way for
# internal/oidctest), SeaweedFS (the S3 server of the S3 file store tests,
# internal/s3test) and the Debian packages lintian
# (the package test), nginx (the reverse-proxy test, which starts its own
# nginx) and slapd with ldap-utils (the LDAP tests, which start their own
# slapd on a random port with a temporary database), rsyslog with
# rsyslog-gnutls (the audit-log forwarding tests, which start their own
# rsyslogd on random UDP, TCP and TLS ports); the packages' services are kept
# from starting. Runs apt-get only when something is missing.
set -euo pipefail
mailpit_version=v1.27.11 # internal/mailtest.Version
mailpit_dir="${XDG_CACHE_HOME:-$HOME/.cache}/parley/mailpit-$mailpit_version"
if [ -z "${PARLEY_MAILPIT:-}" ] && [ ! -x "$mailpit_dir/mailpit" ]; then
  echo "test-deps: building mailpit $mailpit_version" >&2
  GOBIN="$mailpit_dir" go install "github.com/axllent/mailpit@$mailpit_version"
fi
op_version=v3.52.0 # internal/oidctest.Version
op_dir="${XDG_CACHE_HOME:-$HOME/.cache}/parley/zitadel-op-$op_version"
if [ ! -x "$op_dir/server" ]; then
  echo "test-deps: building the zitadel/oidc example OP $op_version" >&2
  GOBIN="$op_dir" go install "github.com/zitadel/oidc/v3/example/server@$op_version"
fi
weed_version=v0.0.0-20261109003541-7506e5f91cd6 # internal/s3test.Version
weed_dir="${XDG_CACHE_HOME:-$HOME/.cache}/parley/seaweedfs-$weed_version"
if [ -z "${PARLEY_WEED:-}" ] && [ ! -x "$weed_dir/weed" ]; then
  # SeaweedFS's go.mod has replace directives, which go install refuses: the
  # module is downloaded and built as the main module instead (minutes).
  echo "test-deps: building SeaweedFS $weed_version (a few minutes)" >&2
  src=$(cd / && go mod download -json "github.com/seaweedfs/seaweedfs@$weed_version" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  (cd "$src" && go build -o "$weed_dir/weed" ./weed)
fi
missing=()
command -v lintian >/dev/null 2>&1 || missing+=(lintian)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
[ -x /usr/sbin/slapd ] || missing+=(slapd)
command -v slapadd >/dev/null 2>&1 || [ -x /usr/sbin/slapadd ] || missing+=(ldap-utils)
[ -x /usr/sbin/rsyslogd ] || missing+=(rsyslog)
ls /usr/lib/*/rsyslog/lmnsd_gtls.so >/dev/null 2>&1 || missing+=(rsyslog-gnutls)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "test-deps: missing ${missing[*]}; install with: sudo apt-get install ${missing[*]}" >&2
  exit 0
fi
echo "test-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# The tests start nginx, slapd and rsyslogd themselves; the packaged services
# must not take ports 80 and 389, nor read the machine's logs.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod 0755 "$policy"
  trap 'rm -f "$policy"' EXIT
fi
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
