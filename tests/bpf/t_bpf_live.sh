#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Live test of the eBPF driver on this host: attach, run
# workload_live.py (open, openat, a failing open, dup2, a loopback
# connect, fork + execve, an exit status), check the exact parameter
# values of its events.  Needs root and a kernel that supports the
# driver; says SKIP otherwise.
set -eu

: "${FALCO_SRC:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${FALCO_BUILD:=$FALCO_SRC/build}"
dump=$FALCO_BUILD/bin/falco-bpf-dump

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: bpf_live: needs root"
	exit 0
fi
if [ ! -x "$dump" ]; then
	echo "FAIL: bpf_live: $dump not built"
	exit 0
fi
if ! why=$("$dump" -c 2>&1); then
	echo "SKIP: bpf_live: $why"
	exit 0
fi
if ! command -v python3 >/dev/null; then
	echo "SKIP: bpf_live: python3 not installed"
	exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

syscalls=open,openat,close,dup2,socket,bind,listen,connect,accept4,accept
syscalls=$syscalls,clone,clone3,fork,vfork,execve,execveat
if ! "$dump" -q -e "$syscalls" -o "$tmp/raw" -- \
    python3 "$FALCO_SRC/tests/bpf/workload_live.py" "$tmp/exp.json"; then
	echo "FAIL: bpf_live: capture failed"
	exit 0
fi
if [ ! -s "$tmp/exp.json" ]; then
	echo "FAIL: bpf_live: the workload did not finish"
	exit 0
fi
PYTHONPATH=$FALCO_SRC/tests/bpf python3 \
    "$FALCO_SRC/tests/bpf/check_live.py" "$FALCO_SRC" "$tmp/raw" \
    "$tmp/exp.json" || echo "FAIL: bpf_live: checker crashed"
