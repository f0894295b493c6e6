#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Script tests of the configuration and output libraries through
# outputs_driver, which loads a falco.yaml as the daemon does and sends
# test alerts through the channels it enables:
#   - a wrong type stops the load with file:line:col and exit status 1;
#   - the shipped falco.yaml works with -o overrides (text and JSON);
#   - file output configured by keys;
#   - syslog through the real default path /dev/log, in a private mount
#     namespace where the test binds its own receiver on /dev/log.
set -eu

# shellcheck source=tests/lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
drv=$build/testbin/outputs_driver

if [ ! -x "$drv" ]; then
	echo "FAIL: outputs_driver not built ($drv)"
	exit 0
fi

# 1. A located type error and a non-zero exit.
printf 'priority: debug\nfile_output:\n  enabled: perhaps\n' >"$tmp/bad.yaml"
rc=0
"$drv" -c "$tmp/bad.yaml" 2>"$tmp/err" || rc=$?
want="^$tmp/bad.yaml:3:12: key 'file_output.enabled' must be a boolean"
if [ "$rc" -eq 1 ] && grep -q "$want, got 'perhaps'" "$tmp/err"; then
	pass "config type error is located and exits 1"
else
	fail "config type error is located and exits 1 (rc=$rc)"
fi

# 2. Unknown keys warn but load.
printf 'stdout_output:\n  enabled: true\n  colour: blue\n' >"$tmp/warn.yaml"
rc=0
"$drv" -c "$tmp/warn.yaml" >"$tmp/out" 2>"$tmp/err" || rc=$?
want="$tmp/warn.yaml:3:3: unknown configuration key 'stdout_output.colour'"
if [ "$rc" -eq 0 ] && grep -q "$want" "$tmp/err" &&
    grep -q ': Warning driver alert 1 (n=1)$' "$tmp/out"; then
	pass "unknown key warns, load goes on"
else
	fail "unknown key warns, load goes on (rc=$rc)"
fi

# 3. The shipped falco.yaml, JSON on stdout through -o.
rc=0
"$drv" -c "$top/falco.yaml" -o config_files= -o syslog_output.enabled=false \
    -o json_output=true -o time_format_iso_8601=true -n 3 \
    >"$tmp/json" 2>"$tmp/err" || rc=$?
if [ "$rc" -eq 0 ] && [ "$(wc -l <"$tmp/json")" -eq 3 ]; then
	pass "shipped falco.yaml with -o overrides"
else
	fail "shipped falco.yaml with -o overrides (rc=$rc: $(cat "$tmp/err"))"
fi
if command -v jq >/dev/null 2>&1; then
	if jq -e -s 'length == 3 and .[2].output_fields.n == 3 and
	    .[0].rule == "Driver test" and
	    (.[0].output_fields["evt.time.iso8601"] | endswith("+0000")) and
	    (.[0].time | endswith("Z"))' "$tmp/json" >/dev/null; then
		pass "JSON alerts parse with jq"
	else
		fail "JSON alerts parse with jq"
	fi
else
	echo "SKIP: JSON alerts parse with jq: jq not installed"
fi

# 4. File output from configuration keys, kept open.
cat >"$tmp/file.yaml" <<EOF
stdout_output: {enabled: false}
file_output:
  enabled: true
  keep_alive: true
  filename: \${T_OUTPUTS_DIR}/events.txt
buffered_outputs: true
EOF
rc=0
T_OUTPUTS_DIR=$tmp "$drv" -c "$tmp/file.yaml" -n 5 2>"$tmp/err" || rc=$?
n=$(grep -c 'driver alert' "$tmp/events.txt" || true)
if [ "$rc" -eq 0 ] && [ "$n" -eq 5 ]; then
	pass "file output from config keys with \${ENV}"
else
	fail "file output from config keys with \${ENV} (rc=$rc)"
fi

# 5. syslog to /dev/log: our receiver replaces /dev in a private mount
# namespace, so the host's /dev and syslog are untouched.
if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: syslog via /dev/log: needs root for a mount namespace"
elif ! command -v unshare >/dev/null 2>&1 ||
    ! command -v python3 >/dev/null 2>&1; then
	echo "SKIP: syslog via /dev/log: needs unshare and python3"
else
	printf '%s\n' 'stdout_output: {enabled: false}' \
	    'syslog_output: {enabled: true}' >"$tmp/syslog.yaml"
	cat >"$tmp/recv.py" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(10)
with open(sys.argv[2], "wb") as f:
    f.write(s.recv(65536))
EOF
	cat >"$tmp/ns.sh" <<'EOF'
set -eu
tmp=$1 drv=$2
mkdir "$tmp/dev"
mount --rbind /dev "$tmp/dev"
mount -t tmpfs tmpfs /dev
touch /dev/null
mount --bind "$tmp/dev/null" /dev/null
python3 "$tmp/recv.py" /dev/log "$tmp/syslog.out" &
rpid=$!
i=0
while [ ! -S /dev/log ] && [ "$i" -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
rc=0
"$drv" -c "$tmp/syslog.yaml" -o json_output=true 2>"$tmp/syslog.err" || rc=$?
wait "$rpid" || rc=3
exit "$rc"
EOF
	rc=0
	unshare -m --propagation private sh "$tmp/ns.sh" "$tmp" "$drv" || rc=$?
	# "<PRI>Mmm dd hh:mm:ss falco: " then the JSON alert.
	want='^<12>[A-Z][a-z][a-z] [ 0-9][0-9] [0-9:]\{8\} falco: {"hostname":'
	if [ "$rc" -eq 0 ] && grep -q "$want" "$tmp/syslog.out" &&
	    grep -q '"rule":"Driver test"' "$tmp/syslog.out"; then
		pass "syslog via /dev/log (private mount namespace)"
	else
		fail "syslog via /dev/log (private mount namespace) (rc=$rc)"
	fi
fi
