#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Every syscall filler of the eBPF driver, exercised once by
# workload_cover.py: its event is there, with the schema's parameter
# count and the expected values (check_cover.py).
set -eu

: "${FALCO_SRC:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${FALCO_BUILD:=$FALCO_SRC/build}"
dump=$FALCO_BUILD/bin/falco-bpf-dump

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: bpf_cover: needs root"
	exit 0
fi
if [ ! -x "$dump" ]; then
	echo "FAIL: bpf_cover: $dump not built"
	exit 0
fi
if ! why=$("$dump" -c 2>&1); then
	echo "SKIP: bpf_cover: $why"
	exit 0
fi
if ! command -v python3 >/dev/null; then
	echo "SKIP: bpf_cover: python3 not installed"
	exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
if ! "$dump" -q -s 64 -o "$tmp/raw" -- \
    python3 "$FALCO_SRC/tests/bpf/workload_cover.py" "$tmp" \
    >"$tmp/out" 2>&1; then
	echo "FAIL: bpf_cover: capture failed"
	exit 0
fi
if [ ! -s "$tmp/pid" ]; then
	echo "FAIL: bpf_cover: workload did not start: $(cat "$tmp/out")"
	exit 0
fi
PYTHONPATH=$FALCO_SRC/tests/bpf python3 \
    "$FALCO_SRC/tests/bpf/check_cover.py" "$FALCO_SRC" "$tmp/raw" \
    "$tmp/pid" || echo "FAIL: bpf_cover: checker crashed"
