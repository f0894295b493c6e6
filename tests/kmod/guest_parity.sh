#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Runs inside the QEMU guest (from tests/kmod/guest.sh, or alone with
# tests/vm/vm.sh run ID tests/kmod/guest_parity.sh): the deterministic
# parity_workload once under falco.ko (kmod_record) and once under the
# eBPF driver (falco-bpf-dump -o), then compare_drivers.py on the two
# captures.  Loads falco.ko if it is not loaded (and then unloads it).
# Prints "PASS|FAIL|SKIP: kmod-parity-..." lines; exits 1 on a failure.
# FALCO_BPF_DUMP overrides the eBPF capture tool.
set -u

src=$FALCO_SRC
out=$RESULTS
rec=$src/build/testbin/kmod_record
work=$src/build/testbin/parity_workload
dump=${FALCO_BPF_DUMP:-$src/build/bin/falco-bpf-dump}
dir=/tmp/falco-parity

for tool in "$rec" "$work" "$dump"; do
	if [ ! -x "$tool" ]; then
		echo "SKIP: kmod-parity: $tool not built (make all unit-tests)"
		exit 0
	fi
done
if ! command -v python3 >/dev/null 2>&1; then
	echo "SKIP: kmod-parity: no python3 in the guest"
	exit 0
fi
if ! "$dump" -c >/dev/null 2>&1; then
	echo "SKIP: kmod-parity: the eBPF driver cannot run on $(uname -r)"
	exit 0
fi
loaded=0
if ! grep -q '^falco ' /proc/modules; then
	if ! insmod "$FALCO_KO"; then
		echo "FAIL: kmod-parity-insmod: cannot load $FALCO_KO"
		exit 1
	fi
	loaded=1
fi

failed=0
rm -rf "$dir"
if timeout 300 "$rec" -s 80 "$out/parity-kmod.raw" "$work" "$dir" \
    2> "$out/parity-kmod.err"; then
	echo "PASS: kmod-parity-capture-kmod"
else
	echo "FAIL: kmod-parity-capture-kmod: $(tail -n 1 "$out/parity-kmod.err")"
	failed=1
fi
rm -rf "$dir"
if timeout 300 "$dump" -q -s 80 -o "$out/parity-bpf.raw" -- "$work" "$dir" \
    2> "$out/parity-bpf.err"; then
	echo "PASS: kmod-parity-capture-bpf"
else
	echo "FAIL: kmod-parity-capture-bpf: $(tail -n 1 "$out/parity-bpf.err")"
	failed=1
fi
if [ "$failed" -eq 0 ]; then
	python3 "$src/tests/kmod/compare_drivers.py" "$src" \
	    "$out/parity-kmod.raw" "$out/parity-bpf.raw" \
	    "$src/tests/kmod/parity_exceptions.txt" > "$out/parity.txt" 2>&1 ||
	    failed=1
	sed 's/^\(PASS\|FAIL\): parity-/\1: kmod-parity-/' "$out/parity.txt"
	grep -q '^PASS: parity-exceptions-used' "$out/parity.txt" || failed=1
fi
[ "$loaded" -eq 0 ] || rmmod falco
exit "$failed"
