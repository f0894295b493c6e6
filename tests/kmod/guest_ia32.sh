#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Runs inside the QEMU guest (from tests/kmod/guest.sh, or alone with
# tests/vm/vm.sh run ID tests/kmod/guest_ia32.sh): ia32_workload makes
# 32-bit syscalls (int $0x80) under falco.ko (kmod_record);
# tests/bpf/check_ia32.py checks that they come out as the events of
# their x86_64 counterparts, enter events included.  Loads falco.ko if
# it is not loaded (and then unloads it).  Prints "PASS|FAIL|SKIP:
# kmod-ia32-..." lines; exits 1 on a failure.
set -u

src=$FALCO_SRC
out=$RESULTS
rec=$src/build/testbin/kmod_record
work=$src/build/testbin/ia32_workload
dir=/tmp/falco-ia32

for tool in "$rec" "$work"; do
	if [ ! -x "$tool" ]; then
		echo "SKIP: kmod-ia32: $tool not built (make all unit-tests)"
		exit 0
	fi
done
if ! command -v python3 >/dev/null 2>&1; then
	echo "SKIP: kmod-ia32: no python3 in the guest"
	exit 0
fi
rm -rf "$dir"
mkdir -p "$dir/probe"
if ! "$work" "$dir/probe" "$dir/probe.out" 2>/dev/null ||
    ! grep -q '^open_fd [0-9]' "$dir/probe.out"; then
	echo "SKIP: kmod-ia32: no ia32 syscalls on $(uname -r)"
	exit 0
fi
loaded=0
if ! grep -q '^falco ' /proc/modules; then
	if ! insmod "$FALCO_KO"; then
		echo "FAIL: kmod-ia32-insmod: cannot load $FALCO_KO"
		exit 1
	fi
	loaded=1
fi

failed=0
mkdir -p "$dir/run"
if timeout 300 "$rec" -s 80 "$out/ia32-kmod.raw" "$work" "$dir/run" \
    "$out/ia32-kmod.out" 2> "$out/ia32-kmod.err"; then
	echo "PASS: kmod-ia32-capture"
	PYTHONPATH=$src/tests/bpf python3 "$src/tests/bpf/check_ia32.py" \
	    "$src" "$out/ia32-kmod.raw" "$out/ia32-kmod.out" kmod-ia32 \
	    enter > "$out/ia32.txt" 2>&1 || echo "FAIL: kmod-ia32: checker crashed"
	cat "$out/ia32.txt"
	! grep -q '^FAIL' "$out/ia32.txt" || failed=1
else
	echo "FAIL: kmod-ia32-capture: $(tail -n 1 "$out/ia32-kmod.err")"
	failed=1
fi
rm -rf "$dir"
[ "$loaded" -eq 0 ] || rmmod falco
exit "$failed"
