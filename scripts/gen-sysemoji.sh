#!/bin/sh
# Regenerates internal/model/sysemoji.go, the standard emoji short names that
# custom emoji may not take, from the gemoji list vendored in the Go distribution.
set -eu
src="$(go env GOROOT)/src/cmd/vendor/rsc.io/markdown/emoji.go"
out="$(dirname "$0")/../internal/model/sysemoji.go"
{
	echo '// Code generated from the GitHub emoji short names (gemoji, as vendored by'
	echo '// rsc.io/markdown in the Go distribution: src/cmd/vendor/rsc.io/markdown/emoji.go,'
	echo '// BSD licence); regenerate with scripts/gen-sysemoji.sh. DO NOT EDIT.'
	echo
	echo 'package model'
	echo
	echo '// systemEmojiNames lists the short names of the standard emoji, one a line,'
	echo '// with a newline before the first and after the last so a lookup is a'
	printf '%s\n' '// Contains of "\n"+name+"\n".'
	printf '%s\n' 'const systemEmojiNames = "\n" +'
	grep -oP '^\t"\K[^"]+(?=":)' "$src" | LC_ALL=C sort -u | awk '{printf "\t\"%s\\n\" +\n", $0}'
	echo '	""'
} >"$out"
gofmt -l "$out"
