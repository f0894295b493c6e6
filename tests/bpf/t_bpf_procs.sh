#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Live test of the eBPF driver's process events on this host: capture
# workload_procs.sh (a child subreaper adopting an orphan, execs from an
# overlay's layers and by a user who can or cannot write the file, a
# memfd exec, failing clone and execve, vfork, a new pid namespace) and
# check the exact parameter values with check_procs.py.  Needs root;
# says SKIP otherwise.
set -eu

: "${FALCO_SRC:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${FALCO_BUILD:=$FALCO_SRC/build}"
dump=$FALCO_BUILD/bin/falco-bpf-dump
procs=$FALCO_BUILD/testbin/live_procs

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: bpf_procs: needs root"
	exit 0
fi
for b in "$dump" "$procs"; do
	if [ ! -x "$b" ]; then
		echo "FAIL: bpf_procs: $b not built"
		exit 0
	fi
done
if ! why=$("$dump" -c 2>&1); then
	echo "SKIP: bpf_procs: $why"
	exit 0
fi
for t in python3 setpriv unshare; do
	if ! command -v "$t" >/dev/null 2>&1; then
		echo "SKIP: bpf_procs: $t is not installed"
		exit 0
	fi
done
if ! grep -qw overlay /proc/filesystems; then
	echo "SKIP: bpf_procs: the kernel has no overlayfs"
	exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
# Programs run by nobody live here.
chmod 755 "$tmp"
mkdir "$tmp/w"
chmod 755 "$tmp/w"

syscalls=clone,clone3,fork,vfork,execve,execveat,open,openat,creat
if ! "$dump" -q -e "$syscalls" -o "$tmp/raw" -- unshare -m \
    sh "$FALCO_SRC/tests/bpf/workload_procs.sh" "$tmp/w" "$procs" \
    2>"$tmp/err"; then
	echo "FAIL: bpf_procs: capture failed: $(tail -3 "$tmp/err")"
	exit 0
fi
if [ ! -s "$tmp/w/procs.json" ] || [ ! -s "$tmp/w/reaper.out" ]; then
	echo "FAIL: bpf_procs: the workload did not finish:" \
	    "$(tail -3 "$tmp/err")"
	exit 0
fi
PYTHONPATH=$FALCO_SRC/tests/bpf python3 \
    "$FALCO_SRC/tests/bpf/check_procs.py" "$FALCO_SRC" "$tmp/raw" \
    "$tmp/w" || echo "FAIL: bpf_procs: checker crashed"
