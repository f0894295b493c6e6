#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Hot reload and signals while a replay runs.  The capture (a long one
# made by falco_mkcap) goes through a FIFO: the first half at once, the
# rest when the test allows it, so that the reload happens in the middle
# of the event stream.  No event may be skipped: the alerts of the old
# and the new rules add up to the count of an uninterrupted run.
set -eu

# shellcheck source=tests/falco/lib.sh
. "$(dirname "$0")/lib.sh"
need reload

cap=$tmp/long.scap
"$mkcap" "$src_cap" "$cap" 200 100
half=$(($(wc -c <"$cap") / 2))
write_config "$tmp/cfg.yaml"
write_rules v1 "$tmp/v1.yaml"
write_rules v2 "$tmp/v2.yaml"
cp "$tmp/v1.yaml" "$tmp/rules.yaml"

# The reference: the whole capture, no reload.
"$falco" -c "$tmp/cfg.yaml" -r "$tmp/v1.yaml" -e "$cap" >"$tmp/ref" 2>&1
total=$(count "$tmp/ref" ': Warning v1 open ')
check baseline_run "$([ "$total" -gt 100 ] && echo 0 || echo 1)" "$total alerts"

# start_run ARGS...: falco on the FIFO with the rules in $rules; the
# writer holds the second half back until $tmp/go exists (at most 30 s).
rules=$tmp/rules.yaml
start_run() {
	rm -f "$tmp/go" "$tmp/fifo" "$tmp/out" "$tmp/err"
	mkfifo "$tmp/fifo"
	"$falco" -c "$tmp/cfg.yaml" -r "$rules" -e "$tmp/fifo" \
	    "$@" >"$tmp/out" 2>"$tmp/err" &
	fpid=$!
	{
		head -c "$half" "$cap"
		n=0
		while [ ! -e "$tmp/go" ] && [ "$n" -lt 300 ]; do
			sleep 0.1
			n=$((n + 1))
		done
		tail -c +"$((half + 1))" "$cap"
	} >"$tmp/fifo" &
	wpid=$!
	pids="$fpid $wpid"
}

# finish_run: release the rest of the capture and wait; sets rc.  A
# falco that died early leaves the writer blocked on the FIFO: stop it.
finish_run() {
	touch "$tmp/go"
	rc=0
	wait "$fpid" || rc=$?
	kill "$wpid" 2>/dev/null || true
	wait "$wpid" || true
	pids=""
}

# check_split NAME BEFORE AFTER WHAT: PASS when the alerts after the
# switch are not zero and both add up to the reference run's $total;
# WHAT names the two counts in the failure message.
check_split() {
	check "$1" "$([ "$3" -gt 0 ] && [ $(($2 + $3)) -eq "$total" ] &&
	    echo 0 || echo 1)" "$4: $2 + $3 != $total"
}

# check_text_then_json NAME: $tmp/out went from text to JSON lines.
check_text_then_json() {
	text=$(count "$tmp/out" '^[0-9:.]+: Warning v1 open ')
	json=$(count "$tmp/out" \
	    '^\{"hostname":.*"output":"[^"]*Warning v1 open ')
	check_split "$1" "$text" "$json" "text + json"
}

ready='Hot restart: new configuration and rules are ready'

# 1. A rules file changes (inotify): the new rules take over.
start_run
wait_for "$tmp/out" 'v1 open' || true
cat "$tmp/v2.yaml" >"$tmp/rules.yaml"
wait_for "$tmp/err" "$ready" || true
finish_run
v1=$(count "$tmp/out" ': Warning v1 open ')
v2=$(count "$tmp/out" ': Warning v2 open ')
check inotify_exit "$rc" "exit status $rc"
check inotify_both_rules "$([ "$v1" -gt 0 ] && [ "$v2" -gt 0 ] && echo 0 || echo 1)" \
    "v1=$v1 v2=$v2"
check inotify_no_event_skipped "$([ $((v1 + v2)) -eq "$total" ] && echo 0 || echo 1)" \
    "v1=$v1 + v2=$v2 != $total"
# The restart line says what triggered it; Falco's SIGHUP wording is
# kept for a signal only.
check inotify_log "$(grep -q 'A watched file changed, restarting\.\.\.' \
    "$tmp/err" && ! grep -q 'SIGHUP' "$tmp/err" && echo 0 || echo 1)" \
    "no file-change restart line, or a SIGHUP one"
check inotify_summary_new_rules "$(grep -q "^Events detected: $v2\$" \
    "$tmp/out" && echo 0 || echo 1)" "summary is not the new rules' $v2"

# 2. With watch_config_files off only SIGHUP reloads.
cp "$tmp/v1.yaml" "$tmp/rules.yaml"
start_run -o watch_config_files=false
wait_for "$tmp/out" 'v1 open' || true
cat "$tmp/v2.yaml" >"$tmp/rules.yaml"
sleep 0.5
early=$(count "$tmp/err" 'checking the new configuration')
kill -HUP "$fpid"
wait_for "$tmp/err" "$ready" || true
finish_run
v1=$(count "$tmp/out" ': Warning v1 open ')
v2=$(count "$tmp/out" ': Warning v2 open ')
check sighup_no_watch "$early" "reloaded without SIGHUP"
check sighup_exit "$rc" "exit status $rc"
check_split sighup_no_event_skipped "$v1" "$v2" "v1 + v2"
check sighup_log "$(grep -q '^.*SIGHUP received: checking' "$tmp/err" &&
    grep -q 'SIGHUP received, restarting\.\.\.' "$tmp/err" &&
    echo 0 || echo 1)" "no SIGHUP lines"

# 3. Broken rules: the old ones keep running, a Critical internal alert
#    says why; fixing the file then reloads.
cp "$tmp/v1.yaml" "$tmp/rules.yaml"
start_run
wait_for "$tmp/out" 'v1 open' || true
printf -- '- rule: broken\n  desc: no condition\n' >"$tmp/rules.yaml"
wait_for "$tmp/out" 'Falco internal: hot restart failure' || true
failed_v2=$(count "$tmp/out" ' v2 open ')
cat "$tmp/v2.yaml" >"$tmp/rules.yaml"
wait_for "$tmp/err" "$ready" || true
finish_run
v1=$(count "$tmp/out" ': Warning v1 open ')
v2=$(count "$tmp/out" ': Warning v2 open ')
# Falco's alert has no output field and ends in "()"; ours names the
# trigger there.
check broken_alert "$(grep -Eq ': Critical Falco internal: hot restart failure: .* \(trigger="file change"\)$' \
    "$tmp/out" && echo 0 || echo 1)" "no Critical internal alert"
check broken_logged "$(grep -q 'Hot restart failure, keeping the running' \
    "$tmp/err" && echo 0 || echo 1)" "no error line"
check broken_keeps_old "$failed_v2" "v2 alerts before the fix"
check_split broken_then_fixed "$v1" "$v2" "v1 + v2"
check broken_exit "$rc" "exit status $rc"

# 4. A configuration change swaps the outputs: JSON from then on.
cp "$tmp/v1.yaml" "$tmp/rules.yaml"
start_run
wait_for "$tmp/out" 'v1 open' || true
printf 'json_output: true\n' >>"$tmp/cfg.yaml"
wait_for "$tmp/err" "$ready" || true
finish_run
write_config "$tmp/cfg.yaml"
check_text_then_json config_reload_json

# 5. SIGUSR1 reopens the file output (log rotation).
start_run -o file_output.enabled=true -o file_output.keep_alive=true \
    -o "file_output.filename=$tmp/events.txt" -o stdout_output.enabled=false
wait_for "$tmp/events.txt" 'v1 open' || true
mv "$tmp/events.txt" "$tmp/events.1"
kill -USR1 "$fpid"
wait_for "$tmp/err" 'SIGUSR1 received, reopening outputs\.\.\.' || true
finish_run
old=$(count "$tmp/events.1" 'v1 open')
new=$(count "$tmp/events.txt" 'v1 open')
check_split sigusr1_reopen "$old" "$new" "old + new"

# 6. SIGTERM stops cleanly: every detection delivered, then the summary;
#    the pid file lives as long as the process.
start_run -P "$tmp/falco.pid"
wait_for "$tmp/out" 'v1 open' || true
pidf=$(cat "$tmp/falco.pid" 2>/dev/null || echo none)
kill -TERM "$fpid"
finish_run
v1=$(count "$tmp/out" ': Warning v1 open ')
check pidfile_written "$([ "$pidf" = "$fpid" ] && echo 0 || echo 1)" "$pidf != $fpid"
check pidfile_removed "$([ ! -e "$tmp/falco.pid" ] && echo 0 || echo 1)" "still there"
check sigterm_exit "$rc" "exit status $rc"
check sigterm_log "$(grep -q 'SIGTERM received, exiting\.\.\.' "$tmp/err" &&
    echo 0 || echo 1)" "no SIGTERM line"
check sigterm_stopped_early "$([ "$v1" -lt "$total" ] && echo 0 || echo 1)" \
    "$v1 of $total"
check sigterm_drained "$(grep -q "^Events detected: $v1\$" "$tmp/out" &&
    echo 0 || echo 1)" "summary differs from the $v1 alerts written"
check sigterm_stats "$(grep -q '^Triggered rules by rule name:$' \
    "$tmp/out" && echo 0 || echo 1)" "no rule statistics"

# 7. SIGINT, the same way.
start_run
wait_for "$tmp/out" 'v1 open' || true
kill -INT "$fpid"
finish_run
check sigint_exit "$rc" "exit status $rc"
check sigint_log "$(grep -q 'SIGINT received, exiting\.\.\.' "$tmp/err" &&
    echo 0 || echo 1)" "no SIGINT line"

# 8. A rules directory, saved the way editors do (a new file renamed
#    over the old one): a broken save is refused, the next one loads.
mkdir "$tmp/rules.d"
cp "$tmp/v1.yaml" "$tmp/rules.d/a.yaml"
rules=$tmp/rules.d
start_run
wait_for "$tmp/out" 'v1 open' || true
printf -- '- rule: broken\n  desc: no condition\n' >"$tmp/new.yaml"
mv "$tmp/new.yaml" "$tmp/rules.d/a.yaml"
wait_for "$tmp/out" 'Falco internal: hot restart failure' || true
cp "$tmp/v2.yaml" "$tmp/new.yaml"
mv "$tmp/new.yaml" "$tmp/rules.d/a.yaml"
wait_for "$tmp/err" "$ready" || true
finish_run
v1=$(count "$tmp/out" ': Warning v1 open ')
v2=$(count "$tmp/out" ': Warning v2 open ')
f=$(count "$tmp/out" 'Critical Falco internal: hot restart failure')
check rules_dir_rename "$([ "$f" -eq 1 ] && [ "$v2" -gt 0 ] &&
    [ $((v1 + v2)) -eq "$total" ] && echo 0 || echo 1)" \
    "failures=$f v1=$v1 + v2=$v2 != $total"

# 9. A file dropped into a config_files directory reloads too.
mkdir "$tmp/conf.d"
write_config "$tmp/cfg.yaml"
printf 'config_files:\n  - %s\n' "$tmp/conf.d" >>"$tmp/cfg.yaml"
rules=$tmp/rules.yaml
cp "$tmp/v1.yaml" "$tmp/rules.yaml"
start_run
wait_for "$tmp/out" 'v1 open' || true
printf 'json_output: true\n' >"$tmp/conf.d/json.yaml"
wait_for "$tmp/err" "$ready" || true
finish_run
write_config "$tmp/cfg.yaml"
check_text_then_json config_dir_reload
