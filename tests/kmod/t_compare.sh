#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# The driver comparison of the guest suite (compare_drivers.py) checked
# on synthetic captures, on the host: tests/kmod/compare_cases.txt.
set -eu

src=${FALCO_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
if ! command -v python3 >/dev/null 2>&1; then
	echo "SKIP: compare: python3 missing"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
python3 "$src/tests/kmod/check_compare.py" "$src" "$tmp"
