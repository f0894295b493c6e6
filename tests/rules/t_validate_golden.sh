#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# falco -V / -L output against golden files: see golden/cases.txt.
set -eu

top=${FALCO_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
falco=${FALCO_BUILD:-$top/build}/bin/falco
golden=$top/tests/rules/golden
tab=$(printf '\t')
out=$(mktemp)
trap 'rm -f "$out"' EXIT

if [ ! -x "$falco" ]; then
	echo "SKIP: validate_golden: $falco is not built"
	exit 0
fi
cd "$top/tests/rules/data"
grep -v '^#' "$golden/cases.txt" | while IFS=$tab read -r name args; do
	rc=0
	# shellcheck disable=SC2086
	"$falco" $args >"$out" 2>/dev/null || rc=$?
	if ! cmp -s "$out" "$golden/$name.out"; then
		echo "FAIL: validate_golden/$name: stdout differs:"
		diff "$golden/$name.out" "$out" | head -20 || true
	elif [ "$rc" != "$(cat "$golden/$name.rc")" ]; then
		echo "FAIL: validate_golden/$name: exit status $rc"
	else
		echo "PASS: validate_golden/$name"
	fi
done
