#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Nothing of ours stays loaded: the BPF programs and maps the daemon
# holds (read from its /proc/<pid>/fdinfo) are gone after it exits on
# SIGTERM or SIGINT (Ctrl-C) and after it is killed with SIGKILL.
# Observed by id only (bpf_ids.py), never by opening them (see there).
set -eu
# shellcheck source=tests/live/lib.sh
. "$(dirname "$0")/lib.sh"
need_live live_cleanup
here=$(cd "$(dirname "$0")" && pwd)
if [ "$engine" != modern_ebpf ]; then
	echo "SKIP: live_cleanup: BPF objects only exist with modern_ebpf"
	exit 0
fi

cat >"$tmp/rules.yaml" <<'R'
- rule: none
  desc: matches nothing
  condition: evt.type = open and proc.name = lv_none
  output: o
  priority: INFO
R

# ours PID: "prog ID" and "map ID" lines of the BPF objects pid holds
ours() {
	for f in /proc/"$1"/fdinfo/*; do
		sed -n -e 's/^prog_id:[[:space:]]*/prog /p' \
		    -e 's/^map_id:[[:space:]]*/map /p' "$f" 2>/dev/null || true
	done | sort -u
}

# left FILE: the objects of FILE still loaded.  Listed by id only
# (bpf_ids.py): opening them, as bpftool does, while the daemon's last
# reference goes away can keep a prog_array alive for good.
left() {
	python3 "$here/bpf_ids.py" | sort -u | comm -12 - "$1" | tr '\n' ' '
}

for how in TERM INT KILL; do
	daemon_start "$tmp/rules.yaml" "$tmp/out" "$tmp/log"
	ours "$dpid" >"$tmp/ours"
	np=$(grep -c '^prog' "$tmp/ours" || true)
	nm=$(grep -c '^map' "$tmp/ours" || true)
	if [ "$np" -gt 0 ] && [ "$nm" -gt 0 ]; then
		ok "while running ($how): the daemon holds $np programs, $nm maps"
	else
		bad "while running ($how)" "no BPF objects held ($np, $nm)"
	fi
	kill -"$how" "$dpid"
	wait "$dpid" 2>/dev/null || true
	# The kernel frees them asynchronously (RCU): give it a moment.
	i=0
	while [ -n "$(left "$tmp/ours")" ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	l=$(left "$tmp/ours")
	if [ -z "$l" ]; then
		ok "after SIG$how: no program or map of ours is left"
	else
		bad "after SIG$how" "still loaded: $l"
	fi
done
exit 0
