#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# What the eBPF driver adds to syscalls: bpf_syscall_bench (getppid loop,
# open/read/close loop) bare, then under falco-bpf-dump capturing every
# syscall of the host into 8 MiB rings with its consumer draining them,
# alternating three times and keeping the best of each.  Reports ns added
# per syscall and per captured event, events/s and drops.  Never fails on
# a timing.  A last run with kernel.bpf_stats_enabled (restored after)
# shows the time spent in the programs themselves per run.
set -eu

: "${FALCO_SRC:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${FALCO_BUILD:=$FALCO_SRC/build}"
dump=$FALCO_BUILD/bin/falco-bpf-dump
bench=$FALCO_BUILD/bench/bpf_syscall_bench
n=${BPF_BENCH_ITERS:-200000}

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

now_ns() {
	date +%s%N
}

field() {
	sed -n "s/^$1 //p" "$2"
}

best() {
	# smallest of the numbers on stdin
	sort -g | head -n 1
}

: >"$tmp/bare_g"; : >"$tmp/bare_o"; : >"$tmp/cap_g"; : >"$tmp/cap_o"
: >"$tmp/rates"; : >"$tmp/drops"
for round in 1 2 3; do
	"$bench" "$n" >"$tmp/out"
	field getppid_ns "$tmp/out" >>"$tmp/bare_g"
	field open_read_close_ns "$tmp/out" >>"$tmp/bare_o"

	t0=$(now_ns)
	"$dump" -b 8 -o /dev/null -- "$bench" "$n" >"$tmp/out" 2>"$tmp/err"
	t1=$(now_ns)
	field getppid_ns "$tmp/out" >>"$tmp/cap_g"
	field open_read_close_ns "$tmp/out" >>"$tmp/cap_o"
	# "events N written N drops N (...)"
	evts=$(sed -n 's/^events \([0-9]*\) .*/\1/p' "$tmp/err")
	drops=$(sed -n 's/.* drops \([0-9]*\) .*/\1/p' "$tmp/err")
	echo "$evts $t0 $t1" | awk '{printf "%.0f\n", $1 / (($3 - $2) / 1e9)}' \
	    >>"$tmp/rates"
	echo "$drops" >>"$tmp/drops"
	echo "round $round: events $evts drops $drops"
done

bg=$(best <"$tmp/bare_g"); bo=$(best <"$tmp/bare_o")
cg=$(best <"$tmp/cap_g"); co=$(best <"$tmp/cap_o")
rate=$(sort -g "$tmp/rates" | tail -n 1)
drops=$(awk '{s += $1} END {print s + 0}' "$tmp/drops")
awk -v bg="$bg" -v bo="$bo" -v cg="$cg" -v co="$co" -v rate="$rate" \
    -v drops="$drops" 'BEGIN {
	printf "getppid:          bare %7.1f ns  captured %7.1f ns  " \
	    "+%6.1f ns/syscall (1 event)  ratio %.2fx\n",
	    bg, cg, cg - bg, cg / bg
	# open (openat enter + exit), read, close: 4 events per iteration
	printf "open+read+close:  bare %7.1f ns  captured %7.1f ns  " \
	    "+%6.1f ns/event (4 events)  ratio %.2fx (target <= 1.25x)\n",
	    bo, co, (co - bo) / 4, co / bo
	printf "added per captured event: getppid %.1f ns, " \
	    "open/read/close %.1f ns (target <= 150 ns)\n",
	    cg - bg, (co - bo) / 4
	printf "consumer: %d events/s at best, %d drops in 3 runs " \
	    "(8 MiB rings, target 0)\n", rate, drops
}'

# Time inside the programs, per run, from the kernel's BPF statistics.
if [ -n "$stats_old" ] && command -v bpftool >/dev/null &&
    command -v python3 >/dev/null; then
	echo 1 >/proc/sys/kernel/bpf_stats_enabled
	"$dump" -q -o /dev/null -- sh -c "\"$bench\" $n >/dev/null;
	    bpftool prog show -j >\"$tmp/progs.json\""
	echo "$stats_old" >/proc/sys/kernel/bpf_stats_enabled
	python3 - "$tmp/progs.json" <<'PY'
import json, sys
for p in json.load(open(sys.argv[1])):
    if p.get('name', '').startswith('fb_') and p.get('run_cnt'):
        print('program %-14s %9d runs  %6.1f ns/run (fillers included)'
              % (p['name'], p['run_cnt'], p['run_time_ns'] / p['run_cnt']))
PY
fi
