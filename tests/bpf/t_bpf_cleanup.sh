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

# Wait up to 30 s for the ids in file $1 to vanish (the kernel frees
# programs and maps after RCU grace periods), then write the ids still
# loaded to file $2 as "kind id type holders".
wait_gone() {
	i=0
	while [ $i -lt 300 ]; do
		: >"$2"
		while read -r kind id; do
			what=$(bpftool "$kind" show id "$id" 2>/dev/null) ||
			    continue
			holders=$(grep -ls "^${kind}_id:[[:space:]]*$id\$" \
			    /proc/[0-9]*/fdinfo/* 2>/dev/null |
			    cut -d/ -f3 | sort -u | tr '\n' ',')
			type=$(echo "$what" | head -n 1 | awk '{print $2}')
			echo "$kind $id $type ${holders:-none}" >>"$2"
		done <"$1"
		[ -s "$2" ] || return 0
		sleep 0.1
		i=$((i + 1))
	done
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
	wait_gone "$tmp/ids" "$tmp/left"
	# Program arrays that nothing holds any more, once every program is
	# gone, are the kernel's to free (it breaks the array/program
	# reference cycle from a work item); this kernel sometimes keeps
	# them much longer.  Anything else left is a failure.
	if [ ! -s "$tmp/left" ]; then
		n=$(wc -l <"$tmp/ids")
		echo "PASS: bpf_cleanup_$how ($n objects released)"
	elif awk '$3 != "prog_array" || $4 != "none" { bad = 1 }
	    END { exit bad }' "$tmp/left"; then
		echo "PASS: bpf_cleanup_$how (no program, no map held)"
		echo "SKIP: bpf_cleanup_${how}_prog_arrays:" \
		    "$(wc -l <"$tmp/left") program array(s) held by no" \
		    "process and no program not yet freed by the kernel"
	else
		echo "FAIL: bpf_cleanup_$how: $(tr '\n' ';' <"$tmp/left")"
	fi
done
