#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# falco.ko in a QEMU guest: builds the module against each Debian kernel
# of FALCO_KMOD_KERNELS (ids of tests/vm/kernels.list; default: all three),
# boots it and runs tests/kmod/guest.sh there.  Prints the guest's
# PASS/FAIL/SKIP lines, prefixed with the kernel id, plus one line for
# the guest's kernel log.  The logs of a run with failures stay in
# build/vm/kmod-<id>.XXXXXX.
set -eu

src=${FALCO_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
kernels=${FALCO_KMOD_KERNELS:-deb12 deb12bpo deb11}
vm=$src/tests/vm/vm.sh

missing=
for tool in qemu-system-x86_64 busybox cpio depmod; do
	command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
if [ -n "$missing" ]; then
	echo "SKIP: kmod: missing$missing (scripts/install-deps.sh --test)"
	exit 0
fi
if [ ! -x "$src/build/bin/kmodctl" ]; then
	echo "SKIP: kmod: build/bin/kmodctl not built (make all)"
	exit 0
fi

mkdir -p "$src/build/vm"
for id in $kernels; do
	# A folder per run: make check may run while someone else boots the
	# same kernel.  It is removed when every check passed.
	run=$(mktemp -d "$src/build/vm/kmod-$id.XXXXXX")
	log=$run/log
	t0=$(date +%s)
	if ! sh "$vm" fetch "$id" > "$log" 2>&1; then
		echo "SKIP: kmod-$id: kernel packages unavailable ($(tail -n 1 "$log"))"
		continue
	fi
	if ! sh "$vm" build "$id" >> "$log" 2>&1; then
		echo "FAIL: kmod-$id-build: $(grep -m 1 -E 'error|warning' "$log" || tail -n 1 "$log")"
		continue
	fi
	echo "PASS: kmod-$id-build"
	FALCO_VM_RESULTS=$run/results \
	    sh "$vm" run "$id" "$src/tests/kmod/guest.sh" >> "$log" 2>&1 || true
	grep -E '^(PASS|FAIL|SKIP): ' "$log" | tr -d '\r' |
	    sed "s/^\(PASS\|FAIL\|SKIP\): kmod-/\1: kmod-$id-/"
	if ! grep -q '^FALCO-VM-EXIT' "$log"; then
		echo "FAIL: kmod-$id-guest: no exit marker (see $log)"
	elif ! grep -q '^FALCO-VM-EXIT 0' "$log"; then
		echo "FAIL: kmod-$id-guest: $(grep -m 1 '^FALCO-VM-EXIT' "$log") (see $log)"
	elif ! grep -q '^FAIL' "$log"; then
		rm -rf "$run"
	fi
	echo "kmod: $id took $(($(date +%s) - t0)) s" >&2
done
