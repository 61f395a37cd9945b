#!/bin/sh
# Runs every go test -fuzz target for FUZZTIME (default 60s) each. go test
# -fuzz takes one package and one target per run, so the targets are listed
# first. Crashers land in the package's testdata/fuzz/<Target>/ and then run
# as regular test cases with `go test`. FUZZ=pattern narrows the targets;
# FUZZPARALLEL=n limits the fuzzing workers per target (default: one per CPU),
# so two runs over different targets can share a machine.
set -eu
GO=${GO:-go}
FUZZTIME=${FUZZTIME:-60s}
FUZZ=${FUZZ:-.}
FUZZPARALLEL=${FUZZPARALLEL:-$(nproc)}
status=0
for pkg in $($GO list ./...); do
	for target in $($GO test -list '^Fuzz' "$pkg" | grep '^Fuzz' | grep -E "$FUZZ" || true); do
		echo "== $pkg $target ($FUZZTIME)"
		if ! $GO test -run '^$' -fuzz "^$target\$" -fuzztime "$FUZZTIME" -parallel "$FUZZPARALLEL" "$pkg"; then
			status=1
		fi
	done
done
exit $status
