#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# The daemon on falco.ko: boots the deb12 kernel in QEMU (one boot, to
# keep the run short), loads the module there and runs the live tests
# of tests/live with LIVE_ENGINE=kmod (tests/kmod/guest_daemon.sh).
# Prints the guest's PASS/FAIL/SKIP lines prefixed with kmod-<id>-daemon-
# plus one line for the guest's kernel log.  FALCO_KMOD_DAEMON_KERNEL
# picks another id of tests/vm/kernels.list; the logs of a run with
# failures stay in build/vm/kmod-daemon-<id>.XXXXXX.
set -eu

src=${FALCO_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
id=${FALCO_KMOD_DAEMON_KERNEL:-deb12}
vm=$src/tests/vm/vm.sh
kdir=${FALCO_VM_DIR:-$src/build/vm}/$id

missing=
for tool in qemu-system-x86_64 busybox cpio depmod; do
	command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
if [ -n "$missing" ]; then
	echo "SKIP: kmod-daemon: missing$missing (scripts/install-deps.sh --test)"
	exit 0
fi
for b in falco falco-bpf-dump; do
	if [ ! -x "$src/build/bin/$b" ]; then
		echo "SKIP: kmod-daemon: build/bin/$b not built (make all)"
		exit 0
	fi
done

mkdir -p "$src/build/vm"
run=$(mktemp -d "$src/build/vm/kmod-daemon-$id.XXXXXX")
log=$run/log
t0=$(date +%s)
if ! sh "$vm" fetch "$id" > "$log" 2>&1; then
	echo "SKIP: kmod-daemon-$id: kernel packages unavailable ($(tail -n 1 "$log"))"
	exit 0
fi
# The module is rebuilt only when its sources are newer than the one
# tests/kmod/t_kmod.sh (or an earlier run) left.
if [ ! -f "$kdir/falco.ko" ] ||
    [ -n "$(find "$src/kmod" "$src/Kbuild" -newer "$kdir/falco.ko" |
    head -n 1)" ]; then
	if ! sh "$vm" build "$id" >> "$log" 2>&1; then
		echo "FAIL: kmod-$id-daemon-build: $(grep -m 1 -E 'error|warning' "$log" || tail -n 1 "$log")"
		exit 0
	fi
fi
FALCO_VM_TIMEOUT=${FALCO_VM_TIMEOUT:-900} FALCO_VM_RESULTS=$run/results \
    sh "$vm" run "$id" "$src/tests/kmod/guest_daemon.sh" >> "$log" 2>&1 ||
    true
grep -E '^(PASS|FAIL|SKIP): ' "$log" | tr -d '\r' |
    sed -e "s/^\(PASS\|FAIL\|SKIP\): kmod-daemon-/\1: kmod-$id-daemon-/" \
	-e "s/^\(PASS\|FAIL\|SKIP\): vm-$id-/\1: vm-$id-daemon-/"
if ! grep -q '^FALCO-VM-EXIT' "$log"; then
	echo "FAIL: kmod-$id-daemon-guest: no exit marker (see $log)"
elif ! grep -q '^FAIL' "$log"; then
	rm -rf "$run"
fi
echo "kmod-daemon: $id took $(($(date +%s) - t0)) s" >&2
