#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# The cost of capturing, measured inside one QEMU guest (deb12): the
# syscall loops of bpf_syscall_bench bare, under falco.ko and under the
# eBPF driver, alternating (tests/kmod/guest_bench.sh), printed as ns per
# syscall and as ratios to the bare loop.  The guest's CPUs are emulated
# (TCG): absolute figures mean nothing, only the ratios of one boot do.
# Never fails on a timing; fails only when the guest cannot be run.
# KMOD_BENCH_ITERS (default 20000) and KMOD_BENCH_ROUNDS (default 3).
set -eu

src=${FALCO_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
vm=$src/tests/vm/vm.sh
id=deb12

for tool in qemu-system-x86_64 busybox cpio depmod; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "b_kmod_guest: skipped ($tool missing," \
		    "scripts/install-deps.sh --test)"
		exit 0
	fi
done
for f in bin/kmodctl bin/falco-bpf-dump bench/bpf_syscall_bench; do
	if [ ! -x "$src/build/$f" ]; then
		echo "b_kmod_guest: build/$f not built"
		exit 1
	fi
done
mkdir -p "$src/build/vm"
run=$(mktemp -d "$src/build/vm/bench-$id.XXXXXX")
log=$run/log
if ! sh "$vm" fetch "$id" > "$log" 2>&1; then
	echo "b_kmod_guest: skipped (kernel packages unavailable:" \
	    "$(tail -n 1 "$log"))"
	rm -rf "$run"
	exit 0
fi
if ! sh "$vm" build "$id" >> "$log" 2>&1; then
	echo "b_kmod_guest: module build failed (see $log)"
	exit 1
fi
if ! FALCO_VM_RESULTS=$run/results sh "$vm" run "$id" \
    "$src/tests/kmod/guest_bench.sh" "${KMOD_BENCH_ITERS:-20000}" \
    "${KMOD_BENCH_ROUNDS:-3}" >> "$log" 2>&1; then
	echo "b_kmod_guest: the guest run failed (see $log)"
	exit 1
fi
grep '^skip ' "$log" | sed 's/^skip \([a-z]*\) /b_kmod_guest: \1 skipped: /'
echo "b_kmod_guest: Linux $(cat "$src/build/vm/$id/release") under QEMU" \
    "TCG: emulated CPUs, so only the ratios (same boot) mean anything"
awk '$1 == "result" { g[$2] = $4; o[$2] = $6; d[$2] = $8 }
END {
	if (!("bare" in g)) {
		print "b_kmod_guest: no bare figures"
		exit 1
	}
	printf "%-6s %14s %8s %22s %8s %6s\n", "mode", "getppid ns",
	    "ratio", "open+read+close ns", "ratio", "drops"
	n = split("bare kmod ebpf", m, " ")
	for (i = 1; i <= n; i++) {
		k = m[i]
		if (!(k in g))
			continue
		printf "%-6s %14.1f %7.2fx %22.1f %7.2fx %6d\n", k, g[k],
		    g[k] / g["bare"], o[k], o[k] / o["bare"], d[k]
	}
	if (("kmod" in g) && ("ebpf" in g))
		printf "kmod/ebpf: getppid %.2fx, open+read+close %.2fx\n",
		    g["kmod"] / g["ebpf"], o["kmod"] / o["ebpf"]
}' "$log" || { echo "b_kmod_guest: see $log"; exit 1; }
rm -rf "$run"
