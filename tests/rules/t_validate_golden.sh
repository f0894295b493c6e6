#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# falco -V / -L / --list output against golden files: see golden/cases.txt.
# Runs the plain build and, when present, the sanitizer build, whose
# reports on stderr also fail a case.
set -eu

top=${FALCO_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${FALCO_BUILD:-$top/build}
golden=$top/tests/rules/golden
tab=$(printf '\t')
out=$(mktemp)
err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT

cd "$top/tests/rules/data"
for falco in "$build/bin/falco" "$build/san/bin/falco"; do
	tag=plain
	case $falco in */san/*) tag=san ;; esac
	if [ ! -x "$falco" ]; then
		echo "SKIP: validate_golden/$tag: $falco is not built"
		continue
	fi
	grep -v '^#' "$golden/cases.txt" | while IFS=$tab read -r name args
	do
		rc=0
		# shellcheck disable=SC2086
		"$falco" $args >"$out" 2>"$err" || rc=$?
		if ! cmp -s "$out" "$golden/$name.out"; then
			echo "FAIL: validate_golden/$tag/$name: stdout differs:"
			diff "$golden/$name.out" "$out" | head -20 || true
		elif [ "$rc" != "$(cat "$golden/$name.rc")" ]; then
			echo "FAIL: validate_golden/$tag/$name: exit status $rc"
		elif grep -q 'Sanitizer\|runtime error' "$err"; then
			echo "FAIL: validate_golden/$tag/$name: sanitizer report"
		else
			echo "PASS: validate_golden/$tag/$name"
		fi
	done
done
