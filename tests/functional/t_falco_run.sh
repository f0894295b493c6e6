#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# The daemon's replay run path: engine.kind=replay, exit statuses, the
# end-of-run summary, priority, rule_matching, -M.
set -eu

top=${FALCO_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
: "${FALCO_TESTDATA:=$top/../shared/testdata}"
falco=${FALCO_BUILD:-$top/build}/bin/falco
cap=$FALCO_TESTDATA/falco-0.34.1/trace_files/cat_write.scap

if [ ! -x "$falco" ]; then
	echo "SKIP: falco_run: $falco is not built"
	exit 0
fi
if [ ! -f "$cap" ]; then
	echo "SKIP: falco_run: $cap is missing"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat >"$tmp/rules.yaml" <<'R'
- rule: cat opens
  desc: t
  condition: evt.type = open and evt.dir = < and proc.name = cat
  output: "open %fd.name"
  priority: WARNING
- rule: devnull
  desc: t
  condition: evt.type = open and evt.dir = < and fd.name = /dev/null
  output: "devnull %proc.name"
  priority: ERROR
R

# name, expected exit status, grep pattern that must be in the output,
# then falco arguments
check() {
	name=$1 want=$2 pat=$3
	shift 3
	rc=0
	"$falco" -c "$top/falco.yaml" -o stdout_output.enabled=true \
	    -o syslog_output.enabled=false -o log_syslog=false \
	    -o 'append_output[0].suggested_output=false' \
	    -r "$tmp/rules.yaml" "$@" >"$tmp/out" 2>&1 || rc=$?
	if [ "$rc" -ne "$want" ]; then
		echo "FAIL: $name (exit status $rc, expected $want)"
	elif ! grep -Eq -- "$pat" "$tmp/out"; then
		echo "FAIL: $name (output lacks /$pat/)"
		sed 's/^/    /' "$tmp/out" | tail -5
	else
		echo "PASS: $name"
	fi
}

check replay_kind 0 '^Events detected: 4$' \
    -o engine.kind=replay -o "engine.replay.capture_file=$cap"
check replay_e_flag 0 '^   cat opens: 4$' -e "$cap"
check summary_severity 0 '^   WARNING: 4$' -e "$cap"
# the open of /dev/null matches both rules: counted once with "first"
check rule_matching_first 0 '^Events detected: 4$' -e "$cap"
check rule_matching_all 0 '^Events detected: 5$' -e "$cap" \
    -o rule_matching=all
check rule_matching_all_rule 0 '^   devnull: 1$' -e "$cap" \
    -o rule_matching=all
check priority_error 0 '^   ERROR: 1$' -e "$cap" -o priority=error
check priority_filters 0 '^Events detected: 1$' -e "$cap" -o priority=error
check alert_text 0 ': Warning open /etc/ld.so.cache$' -e "$cap"
check missing_capture 1 'Error: .*nope.scap' -e "$tmp/nope.scap"
check replay_without_file 1 'capture_file' -o engine.kind=replay
check kmod_not_loaded 1 'kernel module is not loaded' -o engine.kind=kmod
check bad_priority 1 'Unknown priority' -e "$cap" -o priority=loud
printf -- '- rule: broken\n  desc: x\n' >"$tmp/bad.yaml"
check bad_rules 1 'Error' -e "$cap" -r "$tmp/bad.yaml"

# -M: a shorter replay of the reference capture (events over ~2 s)
ref=$FALCO_TESTDATA/reference-driver/workload-6.1-modern-ebpf.scap
cat >"$tmp/all.yaml" <<'R'
- rule: opens
  desc: t
  condition: evt.type = openat
  output: "%fd.name"
  priority: INFO
R
count() {
	"$falco" -c "$top/falco.yaml" -o stdout_output.enabled=false \
	    -o syslog_output.enabled=false -o log_syslog=false \
	    -r "$tmp/all.yaml" -e "$ref" "$@" 2>/dev/null |
	    sed -n 's/^Events detected: //p'
}
if [ -f "$ref" ]; then
	full=$(count)
	short=$(count -M 1)
	if [ -n "$full" ] && [ -n "$short" ] && [ "$short" -lt "$full" ] &&
	    [ "$short" -gt 0 ]; then
		echo "PASS: duration_limit ($short of $full)"
	else
		echo "FAIL: duration_limit (-M 1: '$short', all: '$full')"
	fi
else
	echo "SKIP: duration_limit: $ref is missing"
fi
