#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# What live detection costs: the open/read/close loop and the getppid
# loop of live_loop, bare and then with the daemon running the default
# rules on the modern eBPF driver (8 MiB rings, one per CPU), first with
# the rules' own syscall interest, then with base_syscalls.all (every
# syscall captured and consumed).  Reports ns added per syscall and per
# captured event, events/s delivered, daemon CPU per event (utime+stime
# from /proc/<pid>/stat over the loops) and drops (the daemon's closing
# capture line).  Best of three rounds.  Never fails on a timing.  A
# floor line first: the loops under programs that return at once on
# sys_enter and sys_exit (falco-bpf-dump -F both), what any driver on
# those tracepoints costs before doing anything.
set -eu
# shellcheck source=tests/live/lib.sh
. "$(dirname "$0")/lib.sh"
loop=$build/testbin/live_loop
n_open=${LIVE_BENCH_OPEN:-30000}
n_ppid=${LIVE_BENCH_PPID:-300000}

if [ "$(id -u)" != 0 ] || ! "$bpfdump" -c >/dev/null 2>&1; then
	echo "b_live: skipped (needs root and eBPF support)"
	exit 0
fi
if [ ! -x "$loop" ] || [ ! -x "$falco" ]; then
	echo "b_live: $loop or $falco is not built"
	exit 1
fi
echo "payload of the open/read/close loop" >"$tmp/file"
hz=$(getconf CLK_TCK)

# ns MODE [wrapper...]: best ns per iteration of three runs of a loop
ns() {
	_m=$1
	shift
	for _r in 1 2 3; do
		if [ "$_m" = open ]; then
			"$@" "$loop" open "$tmp/file" "$n_open"
		else
			"$@" "$loop" getppid "$n_ppid"
		fi | sed -n 's/^ns_per_iter //p'
	done | sort -g | head -n 1
}

cpu_ticks() {
	# utime + stime: fields 14 and 15, after the ")" of the comm
	sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'
}

bare_o=$(ns open)
bare_g=$(ns getppid)
floor_o=$(ns open "$bpfdump" -F both --)
floor_g=$(ns getppid "$bpfdump" -F both --)
awk -v bo="$bare_o" -v bg="$bare_g" -v fo="$floor_o" -v fg="$floor_g" \
    'BEGIN {
	printf "floor (empty programs on sys_enter+sys_exit): " \
	    "open/read/close +%.0f ns/iter (%.2fx), getppid +%.0f ns " \
	    "(%.2fx)\n", fo - bo, fo / bo, fg - bg, fg / bg
}'

for mode in rules all; do
	set -- -o engine.modern_ebpf.buf_size_preset=4 \
	    -o engine.modern_ebpf.cpus_for_each_buffer=1
	[ "$mode" = all ] && set -- "$@" -o base_syscalls.all=true
	daemon_start "$top/rules/falco_rules.yaml" "$tmp/out" "$tmp/log" "$@"
	sleep 1
	c0=$(cpu_ticks "$dpid")
	t0=$(date +%s%N)
	cap_o=$(ns open)
	cap_g=$(ns getppid)
	t1=$(date +%s%N)
	c1=$(cpu_ticks "$dpid")
	daemon_stop
	line=$(grep "capture: modern_ebpf: " "$tmp/log" | tail -n 1)
	drops=$(echo "$line" | sed -n 's/.* stop, \([0-9]*\) dropped.*/\1/p')
	nread=$(echo "$line" | sed -n 's/.*: \([0-9]*\) events read.*/\1/p')
	# events of the loops, three runs each: 4 per open/read/close
	# (openat enter and exit, read, close; the default rules want read
	# too) and 1 per getppid, which only base_syscalls.all captures
	if [ "$mode" = all ]; then
		ev_o=4 ev_g=1
	else
		ev_o=4 ev_g=0
	fi
	awk -v bo="$bare_o" -v co="$cap_o" -v bg="$bare_g" -v cg="$cap_g" \
	    -v eo="$ev_o" -v eg="$ev_g" -v no="$n_open" -v ng="$n_ppid" \
	    -v t0="$t0" -v t1="$t1" -v c0="$c0" -v c1="$c1" -v hz="$hz" \
	    -v mode="$mode" -v drops="${drops:-?}" -v nread="${nread:-?}" \
	    -v fo="$floor_o" -v fg="$floor_g" \
	    'BEGIN {
		evts = 3 * (no * eo + ng * eg)
		secs = (t1 - t0) / 1e9
		printf "[%s] open/read/close: bare %.0f ns, captured %.0f ns, " \
		    "+%.0f ns/iter (%.0f ns per event), ratio %.2fx " \
		    "(target <= 1.25x); above the floor +%.0f ns/iter\n",
		    mode, bo, co, co - bo, (co - bo) / eo, co / bo, co - fo
		if (eg > 0)
			printf "[%s] getppid: bare %.0f ns, captured %.0f ns, " \
			    "+%.0f ns per event (target <= 150), ratio " \
			    "%.2fx; above the floor +%.0f ns\n", mode, bg,
			    cg, cg - bg, cg / bg, cg - fg
		else
			printf "[%s] getppid (not captured): bare %.0f ns, " \
			    "with daemon %.0f ns, +%.0f ns\n", mode, bg, cg,
			    cg - bg
		printf "[%s] loop events %d in %.2f s: %.0f events/s; " \
		    "daemon CPU %.0f ns per event; drops %s " \
		    "(events read over the run %s)\n", mode, evts, secs,
		    evts / secs, (c1 - c0) / hz * 1e9 / (evts > 0 ? evts : 1),
		    drops, nread
	}'
done
