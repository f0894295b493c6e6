#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Runs inside the QEMU guest (from tests/kmod/b_kmod_guest.sh):
# bpf_syscall_bench bare, under falco.ko (kmodctl capture, consuming
# every event of the guest) and under the eBPF driver (falco-bpf-dump),
# alternating for ROUNDS rounds, then prints the best figure of each as
#	result MODE getppid_ns N open_read_close_ns N drops N
# MODE is bare, kmod or ebpf; a driver that cannot run prints
#	skip MODE reason
# Arguments: iterations per loop (default 20000), rounds (default 3).
set -eu

n=${1:-20000}
rounds=${2:-3}
bench=$FALCO_SRC/build/bench/bpf_syscall_bench
ctl=$FALCO_SRC/build/bin/kmodctl
dump=$FALCO_SRC/build/bin/falco-bpf-dump
tmp=$(mktemp -d)

field() {
	sed -n "s/^$1 //p" "$2"
}

best() {
	sort -g "$1" | head -n 1
}

# The loop opens /etc/hostname, which the guest reads from the host over
# 9p at milliseconds per open: a copy on the guest's tmpfs is bound over
# it (in the guest only) so that the loop times syscalls, not 9p.
cat /etc/hostname > "$tmp/hostname"
mount --bind "$tmp/hostname" /etc/hostname

modes=bare
if insmod "$FALCO_KO" 2>"$tmp/insmod"; then
	modes="$modes kmod"
else
	echo "skip kmod insmod: $(cat "$tmp/insmod")"
fi
if "$dump" -c >/dev/null 2>&1; then
	modes="$modes ebpf"
else
	echo "skip ebpf the eBPF driver cannot run on $(uname -r)"
fi
for m in $modes; do
	: > "$tmp/$m.g"
	: > "$tmp/$m.o"
	: > "$tmp/$m.d"
done
r=1
while [ "$r" -le "$rounds" ]; do
	for m in $modes; do
		case $m in
		bare)
			"$bench" "$n" > "$tmp/out"
			echo 0 >> "$tmp/$m.d"
			;;
		kmod)
			"$ctl" capture -q -- "$bench" "$n" > "$tmp/out"
			sed -n 's/^total .* drops=\([0-9]*\) .*/\1/p' \
			    "$tmp/out" >> "$tmp/$m.d"
			;;
		ebpf)
			"$dump" -o /dev/null -- "$bench" "$n" > "$tmp/out" \
			    2> "$tmp/err"
			sed -n 's/.* drops \([0-9]*\) .*/\1/p' "$tmp/err" \
			    >> "$tmp/$m.d"
			;;
		esac
		field getppid_ns "$tmp/out" >> "$tmp/$m.g"
		field open_read_close_ns "$tmp/out" >> "$tmp/$m.o"
	done
	echo "round $r done"
	r=$((r + 1))
done
for m in $modes; do
	echo "result $m getppid_ns $(best "$tmp/$m.g")" \
	    "open_read_close_ns $(best "$tmp/$m.o")" \
	    "drops $(awk '{ s += $1 } END { print s + 0 }' "$tmp/$m.d")"
done
case " $modes " in
*" kmod "*) rmmod falco ;;
esac
umount /etc/hostname
rm -rf "$tmp"
