#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# engine.<kind>.drop_failed_exit: the driver drops the exit events of
# failed syscalls, so a rule on a failed open stays quiet while the same
# open that succeeds still alerts; with the key off both alert.
set -eu
# shellcheck source=tests/live/lib.sh
. "$(dirname "$0")/lib.sh"
need_live live_drop_failed

cat >"$tmp/rules.yaml" <<'R'
- rule: live drop failed open
  desc: open of the test's probe files, successful or not
  condition: >
    evt.type in (open, openat, openat2) and fd.name startswith @D@/df_
  output: "open %fd.name res=%evt.res"
  priority: NOTICE
R
sed -i "s|@D@|$tmp|" "$tmp/rules.yaml"
: >"$tmp/df_ok"

# run VALUE: one daemon with drop_failed_exit=VALUE, one successful and
# one failed open; the alerts' evt.res values, sorted, into res
run() {
	daemon_start "$tmp/rules.yaml" "$tmp/out" "$tmp/log" \
	    -o "engine.$engine.drop_failed_exit=$1"
	cat "$tmp/df_ok"
	cat "$tmp/df_missing" 2>/dev/null || true
	sleep 0.5
	daemon_stop
	res=$(alerts "$tmp/out" "live drop failed open" |
	    jq -r '.output_fields["evt.res"]' | sort | tr '\n' ' ')
}

run false
check "drop_failed_exit=false: both opens alert" "ENOENT SUCCESS " "$res"
run true
check "drop_failed_exit=true: only the successful open alerts" "SUCCESS " \
    "$res"
check "drop_failed_exit=true: the daemon says it is on" 1 \
    "$(grep -c 'drop_failed_exit on' "$tmp/log" || true)"
exit 0
