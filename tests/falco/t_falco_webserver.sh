#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# The webserver (/healthz, /versions, /metrics) and the metrics snapshot.
# Falco starts no webserver for a capture replay, so the server is
# checked with engine.kind=nodriver; it listens on 127.0.0.1, on a free
# port that the start-up log line names.
set -eu

# shellcheck source=tests/falco/lib.sh
. "$(dirname "$0")/lib.sh"
need webserver
if ! command -v curl >/dev/null 2>&1; then
	echo "SKIP: webserver: curl is not installed"
	exit 0
fi

write_config "$tmp/cfg.yaml"
write_rules v1 "$tmp/rules.yaml"

# start ARGS...: falco with no driver and the webserver on; sets port
start() {
	rm -f "$tmp/out" "$tmp/err"
	"$falco" -c "$tmp/cfg.yaml" -r "$tmp/rules.yaml" \
	    -o engine.kind=nodriver -o webserver.enabled=true \
	    -o webserver.listen_address=127.0.0.1 \
	    -o webserver.listen_port=0 "$@" >"$tmp/out" 2>"$tmp/err" &
	fpid=$!
	pids=$fpid
	port=0
	if wait_for "$tmp/err" 'listening on 127\.0\.0\.1:[0-9]+'; then
		port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' \
		    "$tmp/err" | head -1)
	fi
}

stop() {
	kill -TERM "$fpid"
	rc=0
	wait "$fpid" || rc=$?
	pids=""
}

url() {
	echo "http://127.0.0.1:$port$1"
}

start -o metrics.enabled=true -o webserver.prometheus_metrics_enabled=true \
    -o metrics.interval=300ms -o "metrics.output_file=$tmp/metrics.jsonl"
check started "$([ "$port" -gt 0 ] && echo 0 || echo 1)" "no listen line"

curl -s -D "$tmp/hdr" "$(url /healthz)" >"$tmp/body" || true
check healthz_body "$([ "$(cat "$tmp/body")" = '{"status": "ok"}' ] &&
    echo 0 || echo 1)" "$(cat "$tmp/body")"
check healthz_type "$(grep -qi '^content-type: application/json' \
    "$tmp/hdr" && echo 0 || echo 1)" "wrong content type"

curl -s "$(url /versions)" >"$tmp/versions" || true
v=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]));
print(d["falco_version"], d["engine_version_semver"],
d["driver_schema_version"])' "$tmp/versions" 2>&1 || true)
check versions_json "$(echo "$v" | grep -Eq \
    '^[0-9.]+ 0\.63\.0 [0-9]+\.[0-9]+\.[0-9]+$' && echo 0 || echo 1)" "$v"

# /metrics must parse as Prometheus text and hold the families we
# publish: process, events, drops by reason, outputs, reloads.
curl -s -D "$tmp/mhdr" "$(url /metrics)" >"$tmp/metrics" || true
parsed=$(python3 - "$tmp/metrics" <<'P'
import re, sys
sample = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)'
                    r'(\{([a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*"'
                    r'(,[a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*")*)?\})?'
                    r' (-?[0-9.eE+-]+|NaN|\+Inf|-Inf)$')
types, values, bad = {}, {}, []
for line in open(sys.argv[1]):
    line = line.rstrip("\n")
    if line.startswith("# TYPE "):
        _, _, name, t = line.split(" ", 3)
        types[name] = t
    elif line.startswith("# HELP ") or not line:
        continue
    else:
        m = sample.match(line)
        if not m or m.group(1) not in types:
            bad.append(line)
        else:
            values[line.rsplit(" ", 1)[0]] = float(line.rsplit(" ", 1)[1])
need = ["falcosecurity_falco_cpu_usage_ratio",
        "falcosecurity_falco_memory_rss_bytes",
        "falcosecurity_scap_n_evts_total",
        "falcosecurity_scap_n_drops_total",
        'falcosecurity_scap_n_drops_by_reason_total{reason="buffer_open_exit"}',
        "falcosecurity_falco_outputs_queue_num_drops_total",
        'falcosecurity_falco_outputs_queued{channel="stdout"}',
        "falcosecurity_falco_hot_restarts_total",
        "falcosecurity_scap_n_threads_total",
        "falcosecurity_scap_n_added_threads_total",
        "falcosecurity_scap_n_drops_full_threadtable_total"]
missing = [n for n in need if n not in values]
if bad or missing or values["falcosecurity_falco_memory_rss_bytes"] <= 0 \
        or types.get("falcosecurity_scap_n_evts_total") != "counter" \
        or types.get("falcosecurity_scap_n_threads_total") != "gauge":
    print("bad lines %r missing %r" % (bad[:3], missing))
else:
    print("ok")
P
)
check metrics_prometheus "$([ "$parsed" = ok ] && echo 0 || echo 1)" \
    "$parsed"
check metrics_type "$(grep -qi '^content-type: text/plain' "$tmp/mhdr" &&
    echo 0 || echo 1)" "wrong content type"

check not_found "$([ "$(curl -s -o /dev/null -w '%{http_code}' \
    "$(url /nope)")" = 404 ] && echo 0 || echo 1)" "not 404"

# The periodic snapshot alert, every 300 ms: memory in MB
# (convert_memory_to_mb), zeros left out (include_empty_values).
wait_for "$tmp/out" 'Informational Falco metrics snapshot \(' 30 || true
snap=$(grep -m1 'Informational Falco metrics snapshot (' "$tmp/out" || true)
check snapshot_alert "$(echo "$snap" | grep -Eq \
    'falco\.memory_rss_mb=[0-9]+\.[0-9]+ ' && echo 0 || echo 1)" "$snap"
check snapshot_no_zeros "$(echo "$snap" | grep -q '=0[ )]' && echo 1 ||
    echo 0)" "$snap"
check snapshot_file "$(python3 -c 'import json,sys
n = 0
for l in open(sys.argv[1]):
    d = json.loads(l)
    assert d["rule"] == "Falco internal: metrics snapshot"
    assert d["output_fields"]["falco.host_num_cpus"] >= 1
    n += 1
assert n > 0
' "$tmp/metrics.jsonl" && echo 0 || echo 1)" "bad $tmp/metrics.jsonl"

# SIGHUP reloads without a driver too, and the counter shows it.
kill -HUP "$fpid"
wait_for "$tmp/err" 'SIGHUP received, restarting\.\.\.' 30 || true
curl -s "$(url /metrics)" >"$tmp/metrics" || true
check reload_counted "$(grep -q '^falcosecurity_falco_hot_restarts_total 1$' \
    "$tmp/metrics" && echo 0 || echo 1)" "counter not 1"
stop
check sigterm_nodriver "$([ "$rc" -eq 0 ] &&
    grep -q '^Events detected: 0$' "$tmp/out" && echo 0 || echo 1)" \
    "exit $rc"

# The *_enabled keys choose the families.
start -o metrics.enabled=true -o webserver.prometheus_metrics_enabled=true \
    -o metrics.kernel_event_counters_enabled=false \
    -o metrics.rules_counters_enabled=false \
    -o metrics.state_counters_enabled=false
curl -s "$(url /metrics)" >"$tmp/metrics" || true
check metrics_families_off "$(grep -q '^falcosecurity_falco_cpu_usage_ratio ' \
    "$tmp/metrics" && ! grep -Eq 'scap_n_evts|rules_matches|_threads' \
    "$tmp/metrics" && echo 0 || echo 1)" "wrong families"
stop

# Without prometheus_metrics_enabled there is no /metrics.
start -o metrics.enabled=true
code=$(curl -s -o /dev/null -w '%{http_code}' "$(url /metrics)" || true)
check metrics_off "$([ "$code" = 404 ] && echo 0 || echo 1)" "HTTP $code"
stop

# A replay starts no webserver, as in Falco.
"$falco" -c "$tmp/cfg.yaml" -r "$tmp/rules.yaml" -e "$src_cap" \
    -o webserver.enabled=true -o webserver.listen_address=127.0.0.1 \
    -o webserver.listen_port=0 >"$tmp/out" 2>&1
check replay_no_webserver "$(grep -q 'Starting health webserver' \
    "$tmp/out" && echo 1 || echo 0)" "webserver started for a replay"

# The snapshot during a replay counts rule matches (JSON fields).
cap=$tmp/long.scap
"$mkcap" "$src_cap" "$cap" 200 100
mkfifo "$tmp/fifo"
"$falco" -c "$tmp/cfg.yaml" -r "$tmp/rules.yaml" -e "$tmp/fifo" \
    -o metrics.enabled=true -o metrics.interval=200ms \
    -o json_output=true >"$tmp/out" 2>"$tmp/err" &
fpid=$!
{
	cat "$cap"
	sleep 1
} >"$tmp/fifo" &
wpid=$!
pids="$fpid $wpid"
rc=0
wait "$fpid" || rc=$?
kill "$wpid" 2>/dev/null || true
wait "$wpid" || true
pids=""
m=$(grep '"rule":"Falco internal: metrics snapshot"' "$tmp/out" | tail -1 |
    python3 -c 'import json,sys; d=json.loads(sys.stdin.read());
f=d["output_fields"]; print(d["priority"], d["source"],
int(f["falco.rules_matches_total{priority=Warning,rule_name=cat opens,source=syscall}"]),
int(f["scap.n_threads_total"]), int(f["scap.n_added_threads_total"]))' \
    2>&1 || true)
check snapshot_rule_matches "$(echo "$m" | grep -Eq \
    '^Informational internal [1-9][0-9]*' && echo 0 || echo 1)" "$m"
# metrics.state_counters_enabled (default on): the thread table
check snapshot_state_counters "$(echo "$m" | grep -Eq \
    ' [1-9][0-9]* [1-9][0-9]*$' && echo 0 || echo 1)" "$m"
