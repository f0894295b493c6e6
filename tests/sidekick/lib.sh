# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=sh
# Helpers for the falcosidekick script tests; sourced, not run.
#
# Everything a test starts is recorded in $SK_PIDS and stopped, by pid,
# when the test exits.  All servers listen on 127.0.0.1 or on unix
# sockets in the test's own temporary folder.

: "${FALCO_SRC:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${FALCO_BUILD:=$FALCO_SRC/build}"
: "${SK_BIN:=$FALCO_BUILD/bin/falcosidekick}"
SK_DATA=$FALCO_SRC/tests/sidekick/data
SK_RECV=$FALCO_SRC/tests/sidekick/recv.py
SK_TMP=$(mktemp -d /tmp/sidekick-test.XXXXXX)
SK_PIDS=""
SK_FAILS=0

sk_cleanup() {
	for p in $SK_PIDS; do
		kill "$p" 2>/dev/null || true
	done
	for p in $SK_PIDS; do
		wait "$p" 2>/dev/null || true
	done
	[ -n "${SK_KEEP:-}" ] || rm -rf "$SK_TMP"
}
trap sk_cleanup EXIT INT TERM

pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1${2:+: $2}"; SK_FAILS=$((SK_FAILS + 1)); }
# check NAME COMMAND...: PASS if the command succeeds.
check() {
	name=$1
	shift
	if "$@"; then pass "$name"; else fail "$name"; fi
}

# A TCP port that is free right now on 127.0.0.1.
free_port() {
	python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_until SECONDS COMMAND...: poll every 0.1 s.
wait_until() {
	t=$(($1 * 10))
	shift
	while [ "$t" -gt 0 ]; do
		if "$@" 2>/dev/null; then return 0; fi
		sleep 0.1
		t=$((t - 1))
	done
	return 1
}

# start_recv NAME KIND [ARGS...]: sets $NAME_port, logs in $SK_TMP/NAME.log
start_recv() {
	rn=$1
	rk=$2
	shift 2
	rm -f "$SK_TMP/$rn.port"
	python3 "$SK_RECV" "$rk" "$SK_TMP/$rn.port" "$SK_TMP/$rn.log" "$@" \
	    >"$SK_TMP/$rn.out" 2>&1 &
	eval "${rn}_pid=$!"
	SK_PIDS="$SK_PIDS $!"
	wait_until 10 test -s "$SK_TMP/$rn.port" || {
		echo "receiver $rn did not start" >&2
		cat "$SK_TMP/$rn.out" >&2
		return 1
	}
	eval "${rn}_port=$(cat "$SK_TMP/$rn.port")"
	touch "$SK_TMP/$rn.log"
}

stop_pid() {
	kill "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

# start_sk CONFIG [ENV=VAL...]: starts falcosidekick on a free port
# ($SK_PORT), logs to $SK_TMP/sk.log, waits for /healthz.
start_sk() {
	cfg=$1
	shift
	SK_PORT=$(free_port)
	env LISTENADDRESS=127.0.0.1 LISTENPORT="$SK_PORT" "$@" \
	    "$SK_BIN" -c "$cfg" >>"$SK_TMP/sk.log" 2>&1 &
	SK_PID=$!
	SK_PIDS="$SK_PIDS $SK_PID"
	wait_until 10 curl -sf "http://127.0.0.1:$SK_PORT/healthz" \
	    -o /dev/null || {
		echo "falcosidekick did not start:" >&2
		tail -20 "$SK_TMP/sk.log" >&2
		return 1
	}
}

stop_sk() {
	stop_pid "$SK_PID"
}

# post FILE [CURL ARGS...]: prints the HTTP status.
post() {
	f=$1
	shift
	curl -s -o /dev/null -w '%{http_code}' -X POST \
	    -H 'Content-Type: application/json' --data-binary "@$f" "$@" \
	    "http://127.0.0.1:$SK_PORT/"
}

# An alert file with another priority (and optionally rule).
alert_with() {
	python3 - "$SK_DATA/alert.json" "$1" "${2:-}" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))
a["priority"] = sys.argv[2]
if sys.argv[3]:
    a["rule"] = sys.argv[3]
print(json.dumps(a))
PY
}

# post_five: post the web UI tests' five alerts: Critical, Warning,
# Warning, Notice, Critical, with rules "rule 1", "rule 0" alternating.
post_five() {
	i=0
	for p in Critical Warning Warning Notice Critical; do
		i=$((i + 1))
		alert_with "$p" "rule $((i % 2))" >"$SK_TMP/a$i.json"
		post "$SK_TMP/a$i.json" >/dev/null
	done
}

# lines FILE: number of lines (0 if missing)
lines() {
	if [ -f "$1" ]; then wc -l <"$1" | tr -d ' '; else echo 0; fi
}

# metric NAME_WITH_LABELS: value from /metrics
metric() {
	curl -s "http://127.0.0.1:$SK_PORT/metrics" | awk -v k="$1" \
	    'index($0, k " ") == 1 { print $NF; f = 1 } END { if (!f) print 0 }'
}

# Polling forms of the checks above; the value is read again each time.
sk_test_lines() { test "$(lines "$1")" "$2" "$3"; }
sk_test_metric() { test "$(metric "$1")" "$2" "$3"; }
# wait_lines SECONDS FILE OP N, wait_metric SECONDS NAME OP N
wait_lines() { wait_until "$1" sk_test_lines "$2" "$3" "$4"; }
wait_metric() { wait_until "$1" sk_test_metric "$2" "$3" "$4"; }
# wait_eval SECONDS 'shell condition'
wait_eval() {
	we=$1
	shift
	wait_until "$we" eval "$*"
}
