#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# syscall_event_drops on a replay.  A replay reports no capture
# counters, so only simulate_drops reaches the actions; the capture
# (falco_mkcap) spans 20 s of event time and the monitor checks once per
# second of it, limited by the token bucket (rate, max_burst).
set -eu

# shellcheck source=tests/falco/lib.sh
. "$(dirname "$0")/lib.sh"
need drops

cap=$tmp/long.scap
"$mkcap" "$src_cap" "$cap" 200 100
write_config "$tmp/cfg.yaml"
write_rules v1 "$tmp/rules.yaml"
alert='Debug Falco internal: syscall event drop\. 1 system calls dropped in last second\.'

# run ARGS...: replay the capture; output in $tmp/out and $tmp/err
run() {
	rc=0
	"$falco" -c "$tmp/cfg.yaml" -r "$tmp/rules.yaml" -e "$cap" \
	    -o syscall_event_drops.simulate_drops=true "$@" \
	    >"$tmp/out" 2>"$tmp/err" || rc=$?
}

# Falco's defaults: one token, then one every 30 s.
run
n=$(count "$tmp/out" "$alert")
check default_rate "$([ "$rc" -eq 0 ] && [ "$n" -eq 1 ] && echo 0 ||
    echo 1)" "exit $rc, $n alerts instead of 1"
# The end-of-run drop statistics on stderr.
check drop_stats "$(grep -Eq '^   - event drop detected: (19|20) occurrences$' \
    "$tmp/err" && grep -q '^   - num times actions taken: 1$' "$tmp/err" &&
    echo 0 || echo 1)" "$(grep -A2 'drop monitoring' "$tmp/err" | tr '\n' ' ')"

# One token per second: about one alert per second of events.
run -o syscall_event_drops.rate=1 -o syscall_event_drops.max_burst=1
n=$(count "$tmp/out" "$alert")
check rate_one_per_second "$([ "$n" -ge 17 ] && [ "$n" -le 20 ] &&
    echo 0 || echo 1)" "$n alerts, expected 17..20"

# A burst of 3, then (almost) nothing.
run -o syscall_event_drops.rate=0.0001 -o syscall_event_drops.max_burst=3
n=$(count "$tmp/out" "$alert")
check max_burst "$([ "$n" -eq 3 ] && echo 0 || echo 1)" "$n alerts"

# The alert's fields, in JSON: strings, as Falco sends them.
run -o json_output=true -o syscall_event_drops.rate=1
grep 'Falco internal: syscall event drop' "$tmp/out" | head -1 \
    >"$tmp/one.json"
fields=$(python3 - "$tmp/one.json" <<'P'
import json, sys
a = json.load(open(sys.argv[1]))
f = a["output_fields"]
need = ["n_evts", "n_drops", "n_drops_buffer_total",
        "n_drops_buffer_clone_fork_exit", "n_drops_buffer_execve_exit",
        "n_drops_buffer_connect_exit", "n_drops_buffer_open_exit",
        "n_drops_buffer_dir_file_exit",
        "n_drops_buffer_other_interest_exit",
        "n_drops_buffer_close_exit", "n_drops_buffer_proc_exit",
        "n_drops_scratch_map", "n_drops_page_faults", "n_drops_bug",
        "ebpf_enabled"]
ok = (a["rule"] == "Falco internal: syscall event drop" and
      a["priority"] == "Debug" and a["source"] == "internal" and
      all(isinstance(f.get(k), str) for k in need) and
      f["n_drops"] == "1" and f["n_evts"] == "0" and
      f["ebpf_enabled"] == "0")
print("ok" if ok else "bad: " + json.dumps(a))
P
)
check alert_fields "$([ "$fields" = ok ] && echo 0 || echo 1)" "$fields"

# log only: a debug line, no alert.
run -o syscall_event_drops.actions[0]=log -o log_level=debug
n=$(count "$tmp/out" 'Falco internal: syscall event drop')
l=$(count "$tmp/err" 'syscall event drop\. 1 system calls dropped')
check action_log "$([ "$n" -eq 0 ] && [ "$l" -ge 1 ] && echo 0 ||
    echo 1)" "$n alerts, $l log lines"

# ignore: nothing at all.
run -o syscall_event_drops.actions[0]=ignore -o log_level=debug
n=$(count "$tmp/out" 'Falco internal: syscall event drop')
l=$(count "$tmp/err" 'system calls dropped')
check action_ignore "$([ "$n" -eq 0 ] && [ "$l" -eq 0 ] && echo 0 ||
    echo 1)" "$n alerts, $l log lines"

# exit: a critical line and a non-zero status, before the end.
run -o syscall_event_drops.actions[0]=exit
check action_exit "$([ "$rc" -eq 1 ] && grep -q 'Exiting\.' "$tmp/err" &&
    echo 0 || echo 1)" "exit status $rc"

# Without simulation a replay never reports drops.
rc=0
"$falco" -c "$tmp/cfg.yaml" -r "$tmp/rules.yaml" -e "$cap" \
    -o syscall_event_drops.rate=1 >"$tmp/out" 2>&1 || rc=$?
n=$(count "$tmp/out" 'Falco internal: syscall event drop')
check no_simulation "$([ "$rc" -eq 0 ] && [ "$n" -eq 0 ] && echo 0 ||
    echo 1)" "exit $rc, $n alerts"
