# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=sh
#
# Shared setup of the live tests (sourced): paths, a scratch folder, the
# checks that decide between running and SKIP, starting the daemon on
# the modern eBPF driver with the test rules, and stopping it by pid.

top=${FALCO_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${FALCO_BUILD:-$top/build}
falco=$build/bin/falco
bpfdump=$build/bin/falco-bpf-dump

# The driver: modern_ebpf here; LIVE_ENGINE=kmod runs the same tests on
# the kernel module (in the QEMU guest, with falco.ko loaded).
engine=${LIVE_ENGINE:-modern_ebpf}

# need NAME: print SKIP with the reason and exit unless live capture
# with $engine can run here.
need_live() {
	if [ "$(id -u)" != 0 ]; then
		echo "SKIP: $1: live capture needs root"
		exit 0
	fi
	for b in "$falco" "$bpfdump"; do
		if [ ! -x "$b" ]; then
			echo "SKIP: $1: $b is not built"
			exit 0
		fi
	done
	if [ "$engine" = kmod ]; then
		if [ ! -c /dev/falco0 ]; then
			echo "SKIP: $1: LIVE_ENGINE=kmod but /dev/falco0 is missing"
			exit 0
		fi
	elif ! why=$("$bpfdump" -c 2>&1); then
		echo "SKIP: $1: modern eBPF unavailable: $why"
		exit 0
	fi
	for t in jq python3 setpriv unshare; do
		if ! command -v "$t" >/dev/null 2>&1; then
			echo "SKIP: $1: $t is not installed"
			exit 0
		fi
	done
}

tmp=$(mktemp -d /tmp/falco-live.XXXXXX)
chmod 755 "$tmp"
pids=""
cleanup() {
	for p in $pids; do
		kill "$p" 2>/dev/null || true
	done
	for p in $pids; do
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

ok() { echo "PASS: $1"; }
bad() { echo "FAIL: $1: $2"; fails=$((fails + 1)); }
fails=0

# check NAME EXPECTED ACTUAL
check() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		bad "$1" "expected '$2', got '$3'"
	fi
}

# daemon_start RULES OUT ERR [falco args...]: start the daemon on
# $engine, JSON alerts to OUT, log to ERR; wait until the driver is
# attached (events from then on are seen).  Sets dpid.
daemon_start() {
	_r=$1 _o=$2 _e=$3
	shift 3
	: >"$_e"
	"$falco" -c "$top/falco.yaml" -r "$_r" -U \
	    -o engine.kind="$engine" -o json_output=true \
	    -o webserver.enabled=false -o syslog_output.enabled=false \
	    -o log_level=info -o log_stderr=true \
	    -o http_output.enabled=false -o file_output.enabled=false \
	    -o program_output.enabled=false "$@" >"$_o" 2>"$_e" &
	dpid=$!
	pids="$pids $dpid"
	_i=0
	while ! grep -q "capture: $engine attached" "$_e"; do
		_i=$((_i + 1))
		if [ $_i -gt 300 ] || ! kill -0 "$dpid" 2>/dev/null; then
			echo "FAIL: daemon start: $(tail -3 "$_e")"
			exit 1
		fi
		sleep 0.1
	done
}

# daemon_stop: SIGTERM, wait for the exit; its status into dstatus.
# shellcheck disable=SC2034 # dstatus is read by the sourcing test
daemon_stop() {
	kill -TERM "$dpid"
	dstatus=0
	wait "$dpid" || dstatus=$?
}

# alerts OUT RULE: the JSON alerts of one rule, one per line
alerts() {
	grep '^{' "$1" | jq -c --arg r "$2" 'select(.rule == $r)'
}

# field OUT RULE FIELD [N]: a field of the Nth (1-based) alert of RULE
field() {
	alerts "$1" "$2" | sed -n "${4:-1}p" |
	    jq -r --arg f "$3" '.output_fields[$f] | tostring'
}

# count OUT RULE
count() {
	alerts "$1" "$2" | wc -l | tr -d ' '
}
