#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# End to end: falco's http_output (JSON) feeds falcosidekick, whose Slack
# output posts to a local Slack-shaped receiver with a messageformat and
# a minimumpriority; then falco's program_output pipes the alerts through
# "curl -d @- localhost:PORT/" into falcosidekick, one curl per alert
# and one kept-alive curl for all of them.
#
# The sensitive read comes first from a live falco (engine.kind=
# modern_ebpf, needs root and BPF) while "cat /etc/shadow" runs; that part
# is skipped, saying why, when the build or the machine cannot capture
# live (SK_E2E_LIVE=0 skips it too).  Then from a replay of the reference
# capture, which holds the same read among four alerts of known
# priorities.  The path taken is printed.  Everything listens on
# 127.0.0.1.
# lib.sh sets the receivers' *_port variables with eval, and conditions
# in single quotes are evaluated later on purpose.
# shellcheck disable=SC1091,SC2154,SC2016
set -eu
. "$(dirname "$0")/lib.sh"

falco=$FALCO_BUILD/bin/falco
rules=$FALCO_SRC/rules/falco_rules.yaml
testdata=${FALCO_TESTDATA:-$FALCO_SRC/../shared/testdata}
cap=$testdata/reference-driver/workload-6.1-modern-ebpf.scap

skip() {
	echo "SKIP: sidekick_e2e: $1"
	exit 0
}
[ -x "$SK_BIN" ] || skip "$SK_BIN not built"
[ -x "$falco" ] || skip "$falco not built"
command -v curl >/dev/null 2>&1 || skip "curl is not installed"

# Sidekick: Slack from warning up, with a message format; every alert
# also goes to a file so the inputs can be counted.
start_recv slack http
cat >"$SK_TMP/sk.yaml" <<EOC
slack:
  webhookurl: "http://127.0.0.1:$slack_port/services/T000/B000/XXXX"
  channel: "#security-alerts"
  username: "Falco"
  minimumpriority: "warning"
  messageformat: 'Rule: *{{.Rule}}* on {{.Hostname}} (Priority: *{{.Priority}}*) file={{index .OutputFields "fd.name"}}'
file:
  filename: "$SK_TMP/all.jsonl"
  format: json
EOC
start_sk "$SK_TMP/sk.yaml" || skip "falcosidekick did not start"

cat >"$SK_TMP/falco.yaml" <<EOC
json_output: true
json_include_output_property: true
stdout_output:
  enabled: false
syslog_output:
  enabled: false
log_syslog: false
log_stderr: true
webserver:
  enabled: false
http_output:
  enabled: true
  url: "http://127.0.0.1:$SK_PORT/"
EOC

# slack_bodies FILE: the receiver's Slack payloads, one JSON per line,
# keeping those that mention MARKER (every one when empty).
slack_bodies() {
	python3 - "$SK_TMP/slack.log" "${1:-}" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    if sys.argv[2] in r["body"]:
        print(r["body"])
PY
}

# check_read_payload MARKER: the Slack payload of the sensitive read
# whose output text holds MARKER, checked field by field.
check_read_payload() {
	python3 - "$SK_TMP/slack.log" "$1" "$(uname -n)" <<'PY'
import json, sys
log, marker, host = sys.argv[1:]
got = [json.loads(json.loads(l)["body"]) for l in open(log)]
got = [b for b in got
       if b["attachments"][0]["fields"][0]["value"] ==
       "Read sensitive file untrusted" and marker in b["attachments"][0]["text"]]
assert got, "no Slack payload for the sensitive read"
b = got[0]
want = ("Rule: *Read sensitive file untrusted* on %s (Priority: *Warning*) "
        "file=/etc/shadow" % host)
assert b["text"] == want, (b["text"], want)
assert b["channel"] == "#security-alerts" and b["username"] == "Falco", b
att = b["attachments"][0]
assert "/etc/shadow" in att["text"], att["text"]
fields = {f["title"]: f["value"] for f in att["fields"]}
assert fields["rule"] == "Read sensitive file untrusted", fields
assert fields["priority"].lower() == "warning", fields
PY
}

# 1) http_output.  Live if this falco and this machine can capture.
marker=
path=replay
fpid=
if [ "${SK_E2E_LIVE:-1}" = 0 ]; then
	why="SK_E2E_LIVE=0"
elif [ "$(id -u)" -ne 0 ]; then
	why="not root"
else
	"$falco" -c "$SK_TMP/falco.yaml" -r "$rules" -o engine.kind=modern_ebpf \
	    >"$SK_TMP/live.out" 2>"$SK_TMP/live.err" &
	fpid=$!
	SK_PIDS="$SK_PIDS $fpid"
	# A falco that cannot capture exits at start; give it 3 s.
	sleep 3
	if kill -0 "$fpid" 2>/dev/null; then
		path=live
	else
		wait "$fpid" 2>/dev/null || true
		why=$(grep -m 1 -i 'error' "$SK_TMP/live.err" ||
		    tail -n 1 "$SK_TMP/live.err")
		fpid=
	fi
fi
if [ "$path" = live ]; then
	echo "# sidekick_e2e: live capture (engine.kind=modern_ebpf)"
	# The argument that cannot exist makes this read ours among
	# whatever else the machine does meanwhile.
	marker=/nonexistent-sk-e2e-$$
	i=0
	while [ $i -lt 20 ] && [ -z "$(slack_bodies "$marker")" ]; do
		sh -c "cat /etc/shadow $marker" >/dev/null 2>&1 || true
		sleep 1
		i=$((i + 1))
	done
	kill -TERM "$fpid" 2>/dev/null || true
	frc=0
	wait "$fpid" || frc=$?
	fpid=
	check live_falco_stopped_cleanly [ "$frc" -eq 0 ]
	check live_read_reached_slack check_read_payload "$marker"
	check live_slack_only_warning_up python3 -c 'import json, sys
for l in open(sys.argv[1]):
    b = json.loads(json.loads(l)["body"])
    p = [f["value"] for f in b["attachments"][0]["fields"]
         if f["title"] == "priority"][0]
    assert p.lower() in ("emergency", "alert", "critical", "error",
                         "warning"), p
' "$SK_TMP/slack.log"
else
	echo "# sidekick_e2e: live capture unavailable ($why): replay only"
	echo "SKIP: sidekick_e2e live: $why"
fi

# The replay always runs: its alerts are known, so the counts and the
# threshold are exact.
if [ ! -f "$cap" ]; then
	echo "SKIP: sidekick_e2e replay: $cap is missing (set FALCO_TESTDATA)"
else
	echo "# sidekick_e2e: replay of $cap"
	: >"$SK_TMP/all.jsonl"
	: >"$SK_TMP/slack.log"
	frc=0
	"$falco" -c "$SK_TMP/falco.yaml" -r "$rules" -o engine.kind=replay \
	    -o "engine.replay.capture_file=$cap" >"$SK_TMP/replay.out" \
	    2>"$SK_TMP/replay.err" || frc=$?
	check replay_falco_ok [ "$frc" -eq 0 ]
	# Four alerts in the capture: one critical, two warnings, a notice.
	check replay_all_alerts_reached_sidekick wait_lines 10 \
	    "$SK_TMP/all.jsonl" = 4
	check replay_three_reached_slack wait_lines 10 "$SK_TMP/slack.log" = 3
	check replay_read_reached_slack check_read_payload "cat /etc/shadow"
	check replay_slack_rules python3 -c 'import json, sys
rules = sorted(json.loads(json.loads(l)["body"])["attachments"][0]
               ["fields"][0]["value"] for l in open(sys.argv[1]))
assert rules == ["Create Symlink Over Sensitive Files",
                 "Fileless execution via memfd_create",
                 "Read sensitive file untrusted"], rules
' "$SK_TMP/slack.log"
	check replay_critical_text grep -q \
	    'Rule: \*Fileless execution via memfd_create\* on [^ ]* (Priority: \*Critical\*)' \
	    "$SK_TMP/slack.log"
fi
check http_inputs_counted wait_metric 5 \
    'falcosidekick_inputs_total{source="requests",status="accepted"}' -ge 1

# 2) program_output in the shape "curl -d @- localhost:PORT/".  curl -d
# drops the newlines, so with keep_alive the alerts arrive run together
# in one request.  Always from the replay: it has a known alert count.
if [ ! -f "$cap" ]; then
	echo "SKIP: sidekick_e2e program_output: $cap is missing"
else
	for ka in false true; do
		: >"$SK_TMP/all.jsonl"
		: >"$SK_TMP/slack.log"
		frc=0
		"$falco" -c "$SK_TMP/falco.yaml" -r "$rules" \
		    -o engine.kind=replay -o "engine.replay.capture_file=$cap" \
		    -o http_output.enabled=false \
		    -o program_output.enabled=true \
		    -o "program_output.keep_alive=$ka" \
		    -o "program_output.program=curl -s -d @- localhost:$SK_PORT/ -o /dev/null -w '%{http_code}\\n' >>$SK_TMP/curl-$ka.log" \
		    >"$SK_TMP/prog-$ka.out" 2>"$SK_TMP/prog-$ka.err" || frc=$?
		check "program_keepalive_${ka}_falco_ok" [ "$frc" -eq 0 ]
		check "program_keepalive_${ka}_four_alerts" wait_lines 10 \
		    "$SK_TMP/all.jsonl" = 4
		check "program_keepalive_${ka}_slack_three" wait_lines 10 \
		    "$SK_TMP/slack.log" = 3
		check "program_keepalive_${ka}_read_payload" check_read_payload \
		    "cat /etc/shadow"
		# One request per alert, or one for all; each answered 200.
		if [ "$ka" = true ]; then n=1; else n=4; fi
		check "program_keepalive_${ka}_${n}_requests_ok" [ "$(sort -u \
		    "$SK_TMP/curl-$ka.log" 2>/dev/null):$(lines \
		    "$SK_TMP/curl-$ka.log")" = "200:$n" ]
	done
fi
check no_rejected_inputs [ "$(metric \
    'falcosidekick_inputs_rejected_total{reason="bad_json"}')" = 0 ]

[ "$SK_FAILS" -eq 0 ]
