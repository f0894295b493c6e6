#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Automated response: the container output against a mock
# Docker-compatible API on a unix socket (pause/stop/kill, forensics,
# records, thresholds, rule filter, missing containers), and the
# program output (alert on stdin, exit status, timeout).
# lib.sh sets the receivers' *_port and *_pid variables with eval, and
# conditions in single quotes are evaluated later on purpose.
# shellcheck disable=SC1091,SC2154,SC2016
set -eu
. "$(dirname "$0")/lib.sh"

if [ ! -x "$SK_BIN" ]; then
	echo "SKIP: sidekick_response: $SK_BIN not built"
	exit 0
fi

sock=$SK_TMP/docker.sock
python3 "$SK_RECV" docker "$sock" "$SK_TMP/docker.log" --missing deadbeef \
    >"$SK_TMP/docker.out" 2>&1 &
SK_PIDS="$SK_PIDS $!"
wait_until 10 test -S "$sock"
touch "$SK_TMP/docker.log"

cat >"$SK_TMP/c.yaml" <<EOC
containerresponse:
  enabled: true
  socket: "$sock"
  action: pause
  rules:
    - "Read sensitive file untrusted"
    - "Other rule"
  forensicsdir: "$SK_TMP/forensics"
  logfile: "$SK_TMP/response.log"
EOC
start_sk "$SK_TMP/c.yaml"
post "$SK_DATA/alert.json" >/dev/null
wait_lines 5 "$SK_TMP/response.log" -ge 1 || true
check pause_inspect_first [ "$(sed -n 1p "$SK_TMP/docker.log")" = \
    '{"method": "GET", "path": "/containers/3ad7b26ded6d/json"}' ]
check pause_requested [ "$(sed -n 2p "$SK_TMP/docker.log")" = \
    '{"method": "POST", "path": "/containers/3ad7b26ded6d/pause"}' ]
f=$(find "$SK_TMP/forensics" -name '3ad7b26ded6d-*.json' | head -1)
check forensics_saved grep -q '"Id": "3ad7b26ded6d"' "${f:-/dev/null}"
check forensics_private [ "$(stat -c %a "${f:-/dev/null}")" = 600 ]
check record_done python3 -c 'import json, sys
r = json.loads(open(sys.argv[1]).readline())
assert r["status"] == "done" and r["action"] == "pause", r
assert r["container_id"] == "3ad7b26ded6d" and r["http_status"] == 204, r
assert r["rule"] == "Read sensitive file untrusted" and r["forensics"], r
' "$SK_TMP/response.log"

# Below the default threshold (critical), or another rule: untouched.
alert_with Error >"$SK_TMP/err.json"
alert_with Emergency "Unlisted rule" >"$SK_TMP/unlisted.json"
post "$SK_TMP/err.json" >/dev/null
post "$SK_TMP/unlisted.json" >/dev/null
sleep 0.5
check below_threshold_and_unlisted_ignored \
    [ "$(lines "$SK_TMP/docker.log")" = 2 ]

# A container the runtime does not know; an alert from the host; an id
# that tries to leave the API path.
python3 - "$SK_DATA/alert.json" "$SK_TMP" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))
for name, cid in (("missing", "deadbeef"), ("host", "host"),
                  ("evil", "../../info")):
    a["output_fields"]["container.id"] = cid
    a["rule"] = "Other rule"
    json.dump(a, open(sys.argv[2] + "/" + name + ".json", "w"))
del a["output_fields"]["container.id"]
json.dump(a, open(sys.argv[2] + "/nocid.json", "w"))
PY
for k in missing host evil nocid; do post "$SK_TMP/$k.json" >/dev/null; done
wait_lines 5 "$SK_TMP/response.log" -ge 5 || true
check missing_container_failed grep -q \
    '"container_id":"deadbeef".*"status":"failed".*no such container' \
    "$SK_TMP/response.log"
check missing_container_not_paused [ "$(grep -c deadbeef \
    "$SK_TMP/docker.log")" = 1 ]
check host_skipped grep -q '"container_id":"host".*"status":"skipped"' \
    "$SK_TMP/response.log"
check evil_id_skipped grep -q 'invalid container id' "$SK_TMP/response.log"
check no_id_skipped grep -q 'alert has no container id' \
    "$SK_TMP/response.log"
check evil_id_never_sent [ "$(grep -c '\.\.' "$SK_TMP/docker.log")" = 0 ]
stop_sk

# stop and kill.
: >"$SK_TMP/docker.log"
start_sk "$SK_TMP/c.yaml" CONTAINERRESPONSE_ACTION=stop \
    CONTAINERRESPONSE_STOPTIMEOUT=3
post "$SK_DATA/alert.json" >/dev/null
wait_lines 5 "$SK_TMP/docker.log" -ge 2 || true
check stop_requested grep -q '"POST", "path": "/containers/3ad7b26ded6d/stop?t=3"' \
    "$SK_TMP/docker.log"
stop_sk
start_sk "$SK_TMP/c.yaml" CONTAINERRESPONSE_ACTION=kill
post "$SK_DATA/alert.json" >/dev/null
wait_lines 5 "$SK_TMP/docker.log" -ge 4 || true
check kill_requested grep -q '"/containers/3ad7b26ded6d/kill?signal=SIGKILL"' \
    "$SK_TMP/docker.log"
stop_sk

# Runtime socket down: retried, done once it is back.
: >"$SK_TMP/docker.log"
start_sk "$SK_TMP/c.yaml" CONTAINERRESPONSE_SOCKET="$SK_TMP/later.sock" \
    DELIVERY_BACKOFF=100 DELIVERY_MAXBACKOFF=200 DELIVERY_MAXRETRIES=50
post "$SK_DATA/alert.json" >/dev/null
sleep 0.5
python3 "$SK_RECV" docker "$SK_TMP/later.sock" "$SK_TMP/docker.log" \
    >/dev/null 2>&1 &
SK_PIDS="$SK_PIDS $!"
check socket_outage_retried wait_lines 5 "$SK_TMP/docker.log" -ge 2
stop_sk

# Bad action names fail at start.
printf 'containerresponse:\n  enabled: true\n  action: destroy\n' \
    >"$SK_TMP/bad.yaml"
rc=0
"$SK_BIN" -c "$SK_TMP/bad.yaml" >"$SK_TMP/bad.out" 2>&1 || rc=$?
check bad_action_rejected [ "$rc" -ne 0 ]
check bad_action_position grep -q 'bad.yaml:3:11: containerresponse.action' \
    "$SK_TMP/bad.out"

# The program output: the alert on stdin, exit status, timeout.
cat >"$SK_TMP/respond.sh" <<EOS
#!/bin/sh
cat >>"$SK_TMP/stdin.log"
echo >>"$SK_TMP/stdin.log"
[ "\${1:-}" = fail ] && exit 3
[ "\${1:-}" = hang ] && sleep 30
exit 0
EOS
chmod +x "$SK_TMP/respond.sh"
cat >"$SK_TMP/p.yaml" <<EOC
program:
  path: "$SK_TMP/respond.sh"
  timeout: 1
  minimumpriority: critical
EOC
start_sk "$SK_TMP/p.yaml"
post "$SK_DATA/alert.json" >/dev/null
post "$SK_TMP/err.json" >/dev/null
check program_ran wait_metric 5 'falcosidekick_output_alerts_total{destination="program",priority="critical",status="sent"}' = 1
check program_got_alert python3 -c 'import json, sys
r = json.loads(open(sys.argv[1]).readline())
assert r["rule"] == "Read sensitive file untrusted", r
assert r["output_fields"]["fd.name"] == "/etc/shadow", r
' "$SK_TMP/stdin.log"
check program_threshold [ "$(grep -c . "$SK_TMP/stdin.log")" = 1 ]
stop_sk
start_sk "$SK_TMP/p.yaml" PROGRAM_ARGS=fail
post "$SK_DATA/alert.json" >/dev/null
check program_exit_status_failure wait_metric 5 'falcosidekick_output_alerts_total{destination="program",priority="critical",status="failed"}' = 1
check program_exit_logged grep -q 'exit status 3' "$SK_TMP/sk.log"
stop_sk
start_sk "$SK_TMP/p.yaml" PROGRAM_ARGS=hang
t0=$(date +%s)
post "$SK_DATA/alert.json" >/dev/null
check program_timeout_killed wait_metric 5 'falcosidekick_output_alerts_total{destination="program",priority="critical",status="failed"}' = 1
check program_timeout_prompt [ $(($(date +%s) - t0)) -le 4 ]
check program_timeout_logged grep -q 'killed after 1000 ms' "$SK_TMP/sk.log"
stop_sk

[ "$SK_FAILS" -eq 0 ]
