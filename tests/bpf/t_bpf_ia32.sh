#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# 32-bit syscalls through the eBPF driver on this host: ia32_workload
# makes open, openat, close, getpid, execve, socketcall and readv
# calls with int $0x80 from a 64-bit program; check_ia32.py checks
# that they come out as the events of their x86_64 counterparts, with
# the arguments passed.  Two captures: through the sys_enter dispatcher
# (-E; enter events checked too) and as the driver loads by default
# (fentry where allowed: exit events only, see FB_ENTER_PROG).  Needs
# root, driver support and ia32 emulation in the kernel; says SKIP
# otherwise.
set -eu

: "${FALCO_SRC:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${FALCO_BUILD:=$FALCO_SRC/build}"
dump=$FALCO_BUILD/bin/falco-bpf-dump
work=$FALCO_BUILD/testbin/ia32_workload

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: bpf_ia32: needs root"
	exit 0
fi
for f in "$dump" "$work"; do
	if [ ! -x "$f" ]; then
		echo "FAIL: bpf_ia32: $f not built"
		exit 0
	fi
done
if ! why=$("$dump" -c 2>&1); then
	echo "SKIP: bpf_ia32: $why"
	exit 0
fi
if ! command -v python3 >/dev/null; then
	echo "SKIP: bpf_ia32: python3 not installed"
	exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# Without the driver first: a kernel without ia32 emulation fails the
# 32-bit calls (ENOSYS or a signal), which is no fault of the driver.
mkdir "$tmp/probe"
if ! "$work" "$tmp/probe" "$tmp/probe.out" 2>/dev/null ||
    ! grep -q '^open_fd [0-9]' "$tmp/probe.out"; then
	echo "SKIP: bpf_ia32: no ia32 syscalls on this kernel"
	exit 0
fi

syscalls=open,openat,close,getpid,execve,socket,connect,readv
# run NAME [dump options]: capture one run of the workload, check it.
run() {
	name=$1
	shift
	mkdir "$tmp/$name"
	if ! "$dump" -e "$syscalls" "$@" -o "$tmp/$name.raw" -- \
	    "$work" "$tmp/$name" "$tmp/$name.out" 2>"$tmp/$name.err"; then
		echo "FAIL: $name: capture failed: $(tail -1 "$tmp/$name.err")"
		return 0
	fi
	# The readv call is counted as sent generic (when wanted).
	if [ "$syscalls" = socket ]; then
		:
	elif grep -Eq 'ia32 generic [1-9]' "$tmp/$name.err"; then
		echo "PASS: ${name}_generic_counted"
	else
		echo "FAIL: ${name}_generic_counted: $(tail -1 "$tmp/$name.err")"
	fi
	mode=
	case $name in
	bpf_ia32_sysenter) mode=enter ;;
	bpf_ia32_mask) mode=socket-only ;;
	esac
	PYTHONPATH=$FALCO_SRC/tests/bpf python3 \
	    "$FALCO_SRC/tests/bpf/check_ia32.py" "$FALCO_SRC" \
	    "$tmp/$name.raw" "$tmp/$name.out" "$name" $mode ||
	    echo "FAIL: $name: checker crashed"
}

run bpf_ia32_sysenter -E
run bpf_ia32_default
# Only socket wanted: socketcall connect, open... must not come out.
syscalls=socket
run bpf_ia32_mask -E
