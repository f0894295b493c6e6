#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# What the eBPF driver adds to syscalls.  bpf_syscall_bench (a getppid
# loop and an open/read/close loop) runs, in each of three rounds:
#   bare     nothing attached;
#   floor    programs that return at once on sys_exit only, then on
#            sys_enter and sys_exit (falco-bpf-dump -F): what any driver
#            on those tracepoints pays, the part of the cost that is not
#            ours;
#   captured falco-bpf-dump capturing every syscall of the host into
#            8 MiB rings, its consumer draining them; and, where enter
#            events come from fentry, once more with -E (the sys_enter
#            fallback).
# The best figure of each kind is kept.  Reports ns added per syscall
# and per captured event, ratios, ours above the floor, events/s and
# drops.  Never fails on a timing.  A last run with
# kernel.bpf_stats_enabled (restored after) prints the time the kernel
# measured inside each program (falco-bpf-dump -S).
#
# BPF_BENCH_OLD=path/to/another/falco-bpf-dump (an older build) adds,
# in every round, a captured run with that binary next to ours, so that
# the two are compared under the same noise, and its own -S figures.
set -eu

: "${FALCO_SRC:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${FALCO_BUILD:=$FALCO_SRC/build}"
dump=$FALCO_BUILD/bin/falco-bpf-dump
bench=$FALCO_BUILD/bench/bpf_syscall_bench
n=${BPF_BENCH_ITERS:-200000}
old=${BPF_BENCH_OLD:-}

if [ "$(id -u)" -ne 0 ] || ! "$dump" -c >/dev/null 2>&1; then
	echo "b_syscall_cost: skipped (needs root and eBPF support)"
	exit 0
fi
if [ ! -x "$bench" ]; then
	echo "b_syscall_cost: $bench not built"
	exit 1
fi

tmp=$(mktemp -d)
stats_old=$(cat /proc/sys/kernel/bpf_stats_enabled 2>/dev/null || echo)
cleanup() {
	if [ -n "$stats_old" ]; then
		echo "$stats_old" >/proc/sys/kernel/bpf_stats_enabled || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

field() {
	sed -n "s/^$1 //p" "$2"
}

# keep KIND: append this run's two figures to $tmp/KIND.g and .o
keep() {
	field getppid_ns "$tmp/out" >>"$tmp/$1.g"
	field open_read_close_ns "$tmp/out" >>"$tmp/$1.o"
}

best() {
	sort -g "$1" | head -n 1
}

# capture KIND [dump flags]: one captured run, its rate and drops
# (with $use, default $dump, as the capturing binary)
capture() {
	_k=$1
	shift
	"${use:-$dump}" "$@" -b 8 -o /dev/null -- "$bench" "$n" \
	    >"$tmp/out" 2>"$tmp/err"
	keep "$_k"
	# "events N written N drops N (...)"
	_e=$(sed -n 's/^events \([0-9]*\) .*/\1/p' "$tmp/err")
	_d=$(sed -n 's/.* drops \([0-9]*\) .*/\1/p' "$tmp/err")
	_w=$(field wall_ns "$tmp/out")
	echo "$_e $_w" | awk '{printf "%.0f\n", $1 / ($2 / 1e9)}' \
	    >>"$tmp/$_k.rate"
	echo "$_d" >>"$tmp/$_k.drops"
	echo "round $round $_k: events $_e drops $_d"
}

hook=$("$dump" -S -t 0.1 -o /dev/null 2>&1 |
    sed -n 's/^enter events through //p')
for round in 1 2 3; do
	"$bench" "$n" >"$tmp/out"
	keep bare
	"$dump" -F exit -- "$bench" "$n" >"$tmp/out"
	keep floor_x
	"$dump" -F both -- "$bench" "$n" >"$tmp/out"
	keep floor_ex
	capture cap
	if [ -n "$old" ]; then
		use=$old capture old
	fi
	if [ "$hook" = fentry ]; then
		capture cap_tp -E
		if [ -n "$old" ]; then
			use=$old capture old_tp -E
		fi
	fi
done

# report KIND LABEL FLOOR: the figures of one captured kind
report() {
	awk -v bg="$(best "$tmp/bare.g")" -v bo="$(best "$tmp/bare.o")" \
	    -v cg="$(best "$tmp/$1.g")" -v co="$(best "$tmp/$1.o")" \
	    -v fg="$(best "$tmp/$3.g")" -v fo="$(best "$tmp/$3.o")" \
	    -v rate="$(sort -g "$tmp/$1.rate" | tail -n 1)" \
	    -v drops="$(awk '{s += $1} END {print s + 0}' "$tmp/$1.drops")" \
	    -v label="$2" 'BEGIN {
		printf "[%s] getppid:         bare %7.1f ns  captured " \
		    "%7.1f ns  +%6.1f ns/event  ratio %.2fx  (floor +%.1f, " \
		    "ours +%.1f)\n", label, bg, cg, cg - bg, cg / bg,
		    fg - bg, cg - fg
		# openat enter + exit, read, close: 4 events, 3 syscalls
		printf "[%s] open+read+close: bare %7.1f ns  captured " \
		    "%7.1f ns  +%6.1f ns/event  ratio %.2fx (target <= " \
		    "1.25x)  (floor +%.1f, ours +%.1f per event)\n", label,
		    bo, co, (co - bo) / 4, co / bo, fo - bo, (co - fo) / 4
		printf "[%s] added per captured event: getppid %.1f ns, " \
		    "open/read/close %.1f ns (target <= 150 ns)\n", label,
		    cg - bg, (co - bo) / 4
		printf "[%s] delivered: %d events/s at best, %d drops in " \
		    "3 runs (8 MiB rings, target 0)\n", label, rate, drops
	}'
}

awk -v bg="$(best "$tmp/bare.g")" -v bo="$(best "$tmp/bare.o")" \
    -v xg="$(best "$tmp/floor_x.g")" -v xo="$(best "$tmp/floor_x.o")" \
    -v eg="$(best "$tmp/floor_ex.g")" -v eo="$(best "$tmp/floor_ex.o")" \
    'BEGIN {
	printf "floor, empty program on sys_exit:           getppid " \
	    "+%.1f ns (%.2fx), open+read+close +%.1f ns/syscall (%.2fx)\n",
	    xg - bg, xg / bg, (xo - bo) / 3, xo / bo
	printf "floor, empty programs on sys_enter+sys_exit: getppid " \
	    "+%.1f ns (%.2fx), open+read+close +%.1f ns/syscall (%.2fx)\n",
	    eg - bg, eg / bg, (eo - bo) / 3, eo / bo
}'
if [ "$hook" = fentry ]; then
	report cap "fentry" floor_x
	report cap_tp "sys_enter" floor_ex
	if [ -n "$old" ]; then
		report old "old, fentry" floor_x
		report old_tp "old, sys_enter" floor_ex
	fi
else
	echo "enter events through sys_enter on this kernel (fentry" \
	    "refused or missing): every syscall pays the enter hop"
	report cap "sys_enter" floor_ex
	if [ -n "$old" ]; then
		report old "old, sys_enter" floor_ex
	fi
fi

# Time inside the programs, per run, from the kernel's BPF statistics.
if [ -n "$stats_old" ]; then
	echo 1 >/proc/sys/kernel/bpf_stats_enabled
	for round in 1 2 3; do
		for b in "$dump" $old; do
			"$b" -S -o /dev/null -- "$bench" "$n" >/dev/null \
			    2>"$tmp/err"
			[ "$b" = "$dump" ] && k=ours || k=old
			sed -n 's/^program /program /p' "$tmp/err" |
			    sed "s/^/$k /" >>"$tmp/stats"
		done
	done
	echo "$stats_old" >/proc/sys/kernel/bpf_stats_enabled
	# best of the three runs of each binary and program
	awk '{ k = $1 " " $3
		if (!(k in best) || $6 < best[k]) { best[k] = $6; runs[k] = $4 }
	} END {
		for (k in best) {
			split(k, a, " ")
			printf "program %-4s %-16s %10d runs %8.1f ns/run\n",
			    a[1], a[2], runs[k], best[k]
		}
	}' "$tmp/stats" | sort -k3,3 -k2,2
	echo "(per run, fillers reached by tail calls included in their" \
	    "dispatcher; bpf_stats adds its own clock reads to each run)"
fi
