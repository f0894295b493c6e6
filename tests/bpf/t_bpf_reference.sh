#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Capture the actions of the reference workload with the eBPF driver and
# compare with Falco's own driver's capture of them
# ($FALCO_TESTDATA/reference-driver/workload-6.1-modern-ebpf.scap): the
# same event types, parameter counts and fixed parameter sizes.  The
# capture is written as a .scap file (-w), which also checks that the
# driver's records go through the scapfile writer unchanged.
set -eu

: "${FALCO_SRC:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${FALCO_BUILD:=$FALCO_SRC/build}"
: "${FALCO_TESTDATA:=$FALCO_SRC/../shared/testdata}"
dump=$FALCO_BUILD/bin/falco-bpf-dump
ref=$FALCO_TESTDATA/reference-driver/workload-6.1-modern-ebpf.scap

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: bpf_reference: needs root"
	exit 0
fi
if [ ! -r "$ref" ]; then
	echo "SKIP: bpf_reference: $ref missing"
	exit 0
fi
if [ ! -x "$dump" ]; then
	echo "FAIL: bpf_reference: $dump not built"
	exit 0
fi
if ! why=$("$dump" -c 2>&1); then
	echo "SKIP: bpf_reference: $why"
	exit 0
fi
for tool in python3 unshare; do
	if ! command -v "$tool" >/dev/null; then
		echo "SKIP: bpf_reference: $tool not installed"
		exit 0
	fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
if ! "$dump" -q -w "$tmp/cap.scap" -- \
    sh "$FALCO_SRC/tests/bpf/workload_ref.sh" "$tmp"; then
	echo "FAIL: bpf_reference: capture failed"
	exit 0
fi
PYTHONPATH=$FALCO_SRC/tests/bpf python3 \
    "$FALCO_SRC/tests/bpf/check_reference.py" "$FALCO_SRC" "$tmp/cap.scap" \
    "$tmp/pid" "$ref" || echo "FAIL: bpf_reference: checker crashed"
