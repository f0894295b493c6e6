#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Nothing of the eBPF driver stays loaded once its process is gone,
# whether it exits by itself or is killed with SIGKILL: every program
# and map id the process held (read from /proc/PID/fdinfo) must vanish.
set -eu

: "${FALCO_SRC:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${FALCO_BUILD:=$FALCO_SRC/build}"
dump=$FALCO_BUILD/bin/falco-bpf-dump

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: bpf_cleanup: needs root"
	exit 0
fi
if [ ! -x "$dump" ]; then
	echo "FAIL: bpf_cleanup: $dump not built"
	exit 0
fi
if ! why=$("$dump" -c 2>&1); then
	echo "SKIP: bpf_cleanup: $why"
	exit 0
fi
if ! command -v bpftool >/dev/null; then
	echo "SKIP: bpf_cleanup: bpftool not installed"
	exit 0
fi

# "prog ID" and "map ID" lines for the BPF objects pid holds open.
held() {
	for f in /proc/"$1"/fdinfo/*; do
		sed -n -e 's/^prog_id:[[:space:]]*/prog /p' \
		    -e 's/^map_id:[[:space:]]*/map /p' "$f" 2>/dev/null || true
	done | sort -u
}

# Wait (up to 30 s: loading is slow on a busy machine) until the capture
# of pid holds its programs.
wait_attached() {
	i=0
	while [ $i -lt 300 ]; do
		if held "$1" | grep -q '^prog' &&
		    [ "$(held "$1" | grep -c '^prog')" -ge 90 ]; then
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# 0 if none of the ids in file $1 exists any more.  The kernel frees
# programs after RCU grace periods (tasks-trace ones for tracing
# programs), which take seconds on a loaded machine: wait up to 60 s.
all_gone() {
	i=0
	while [ $i -lt 600 ]; do
		left=0
		while read -r kind id; do
			if bpftool "$kind" show id "$id" >/dev/null 2>&1; then
				left=$((left + 1))
			fi
		done <"$1"
		[ "$left" -eq 0 ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	# Held by another process that looked it up by id (bpftool run by
	# a concurrent test): then it is not our process that keeps it.
	held_elsewhere=0
	while read -r kind id; do
		what=$(bpftool "$kind" show id "$id" 2>/dev/null | head -n 1) ||
		    continue
		echo "still loaded: $what" >&2
		holders=$(grep -ls "^${kind}_id:[[:space:]]*$id\$" \
		    /proc/[0-9]*/fdinfo/* 2>/dev/null | cut -d/ -f3 | sort -u)
		if [ -n "$holders" ]; then
			for h in $holders; do
				echo "$kind $id held by $h" \
				    "($(cat /proc/"$h"/comm 2>/dev/null))" >&2
			done
			held_elsewhere=$((held_elsewhere + 1))
		fi
	done <"$1"
	echo "$left object(s) still loaded after 60 s," \
	    "$held_elsewhere held by other processes" >&2
	[ "$held_elsewhere" -eq "$left" ]
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

for how in exit kill; do
	"$dump" -q -e getppid -o /dev/null -t 30 &
	pid=$!
	if ! wait_attached "$pid"; then
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		echo "FAIL: bpf_cleanup_$how: the capture never attached"
		continue
	fi
	held "$pid" >"$tmp/ids"
	if [ "$how" = kill ]; then
		kill -9 "$pid"
	else
		kill -TERM "$pid"
	fi
	wait "$pid" 2>/dev/null || true
	if all_gone "$tmp/ids"; then
		n=$(wc -l <"$tmp/ids")
		echo "PASS: bpf_cleanup_$how ($n objects released)"
	else
		echo "FAIL: bpf_cleanup_$how"
	fi
done
