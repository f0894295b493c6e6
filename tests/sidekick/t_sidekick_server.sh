#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# falcosidekick's HTTP front end: routes, body checks, limits, bearer
# token, metrics, configuration overrides and start-up errors.
# lib.sh sets the receivers' *_port and *_pid variables with eval, and
# conditions in single quotes are evaluated later on purpose.
# shellcheck disable=SC1091,SC2154,SC2016
set -eu
. "$(dirname "$0")/lib.sh"

if [ ! -x "$SK_BIN" ]; then
	echo "SKIP: sidekick_server: $SK_BIN not built"
	exit 0
fi

start_recv hook http
cat >"$SK_TMP/c.yaml" <<EOC
listenaddress: "0.0.0.0"
listenport: 2801
debug: false
maxbodysize: 4096
webhook:
  address: "http://127.0.0.1:$hook_port/falco-events"
  method: "POST"
  minimumpriority: "notice"
EOC
start_sk "$SK_TMP/c.yaml"

check healthz_body [ "$(curl -s "http://127.0.0.1:$SK_PORT/healthz")" = \
    '{"status": "ok"}' ]
check ping_body [ "$(curl -s "http://127.0.0.1:$SK_PORT/ping")" = pong ]
check env_overrides_listenport [ "$SK_PORT" != 2801 ]
check post_valid_200 [ "$(post "$SK_DATA/alert.json")" = 200 ]
check post_other_path_200 [ "$(curl -s -o /dev/null -w '%{http_code}' \
    --data-binary "@$SK_DATA/alert.json" \
    "http://127.0.0.1:$SK_PORT/anything")" = 200 ]
check get_root_400 [ "$(curl -s -o /dev/null -w '%{http_code}' \
    "http://127.0.0.1:$SK_PORT/")" = 400 ]

# Every malformed body is a 400 and counted, and the daemon survives.
n=0
for f in "$SK_DATA"/bad/*.json; do
	code=$(post "$f")
	if [ "$code" = 400 ]; then n=$((n + 1)); else
		fail "malformed_$(basename "$f" .json)" "got $code"; fi
done
nbad=$(find "$SK_DATA/bad" -name '*.json' | wc -l | tr -d ' ')
check malformed_all_400 [ "$n" = "$nbad" ]
check malformed_counted [ "$(metric \
    'falcosidekick_inputs_rejected_total{reason="invalid"}')" = "$nbad" ]
check alive_after_malformed curl -sf "http://127.0.0.1:$SK_PORT/healthz" \
    -o /dev/null

# Oversized: declared length and chunked.
head -c 5000 /dev/zero | tr '\0' 'x' >"$SK_TMP/big"
check oversized_413 [ "$(post "$SK_TMP/big")" = 413 ]
check oversized_chunked_413 [ "$(post "$SK_TMP/big" \
    -H 'Transfer-Encoding: chunked')" = 413 ]
check oversized_counted [ "$(metric \
    'falcosidekick_inputs_rejected_total{reason="toolarge"}')" = 2 ]

wait_lines 5 "$SK_TMP/hook.log" -ge 2 || true
check accepted_counted [ "$(metric \
    'falcosidekick_inputs_total{source="requests",status="accepted"}')" = 2 ]
check events_by_rule_metric [ "$(metric 'falcosidekick_falco_events_total{rule="Read sensitive file untrusted",priority="6",priority_raw="critical",source="syscall"}')" = 2 ]
check sent_metric [ "$(metric 'falcosidekick_output_alerts_total{destination="webhook",priority="critical",status="sent"}')" = 2 ]
check outputs_ok_metric [ "$(metric \
    'falcosidekick_outputs_total{destination="webhook",status="ok"}')" = 2 ]

# /test reaches the webhook even below its minimum priority.
curl -s -o /dev/null "http://127.0.0.1:$SK_PORT/test"
check test_event_delivered wait_until 5 grep -q 'This is a test from falcosidekick' "$SK_TMP/hook.log"
check test_event_source_internal grep -q '\\"source\\": *\\"internal\\"\|\\"source\\":\\"internal\\"' "$SK_TMP/hook.log"
stop_sk

# Bearer token: required on / and /metrics, not on /healthz.
start_sk "$SK_TMP/c.yaml" BEARERTOKEN=s3cret
check token_missing_401 [ "$(post "$SK_DATA/alert.json")" = 401 ]
check token_wrong_401 [ "$(post "$SK_DATA/alert.json" \
    -H 'Authorization: Bearer nope')" = 401 ]
check token_right_200 [ "$(post "$SK_DATA/alert.json" \
    -H 'Authorization: Bearer s3cret')" = 200 ]
check token_healthz_open curl -sf "http://127.0.0.1:$SK_PORT/healthz" \
    -o /dev/null
check token_metrics_closed [ "$(curl -s -o /dev/null -w '%{http_code}' \
    "http://127.0.0.1:$SK_PORT/metrics")" = 401 ]
stop_sk

# Start-up errors name the key and its position.
bad_start() {
	printf '%s\n' "$2" >"$SK_TMP/bad.yaml"
	rc=0
	timeout 10 "$SK_BIN" -c "$SK_TMP/bad.yaml" >"$SK_TMP/bad.out" 2>&1 \
	    || rc=$?
	if [ "$rc" -ne 0 ] && grep -q -- "$3" "$SK_TMP/bad.out"; then
		pass "$1"
	else
		fail "$1" "rc=$rc: $(cat "$SK_TMP/bad.out")"
	fi
}
bad_start startup_unknown_priority 'listenport: 1
slack:
  webhookurl: "http://127.0.0.1:1/"
  minimumpriority: "warn"' 'bad.yaml:4:20: slack.minimumpriority: unknown priority'
bad_start startup_bad_template 'slack:
  webhookurl: "http://127.0.0.1:1/"
  messageformat: "Rule {{ .Rule | printf }}"' 'slack.messageformat:1:15: pipelines'
bad_start startup_unknown_field 'slack:
  webhookurl: "http://127.0.0.1:1/"
  messageformat: "{{ .Rul }}"' 'can.t evaluate field Rul'
bad_start startup_yaml_error 'slack: [' 'bad.yaml:2:1'
bad_start startup_bad_port 'listenport: 99999' 'listenport'
bad_start startup_bad_templatedfield 'templatedfields:
  ns: "{{ range . }}x{{ end }}"' 'bad.yaml:2:3: templatedfields: template error: ns:1:4'
bad_start startup_bad_bool 'debug: maybe' "bad.yaml:1:8: debug: 'maybe' is not a boolean"
rc=0
SLACK_WEBHOOKURL=http://127.0.0.1:1/ SLACK_MINIMUMPRIORITY=bogus \
    timeout 10 "$SK_BIN" -c "$SK_TMP/c.yaml" >"$SK_TMP/bad.out" 2>&1 || rc=$?
check startup_env_error_named [ "$rc" -ne 0 ]
check startup_env_error_text grep -q 'environment SLACK_MINIMUMPRIORITY' \
    "$SK_TMP/bad.out"

# The guide's configuration loads unchanged (outputs pointed elsewhere
# by the environment so nothing leaves the host).
cat >"$SK_TMP/guide.yaml" <<'EOC'
listenaddress: "0.0.0.0"
listenport: 2801
debug: false

slack:
  webhookurl: "https://hooks.slack.com/services/YOUR/SLACK/WEBHOOK"
  channel: "#security-alerts"
  username: "Falco"
  icon: "https://falco.org/img/brand/falco-logo.png"
  minimumpriority: "warning"
  messageformat: "Rule: *{{.Rule}}* triggered by {{.OutputFields.container_image}} (Priority: *{{.Priority}}*)"

# PagerDuty for critical alerts
pagerduty:
  apikey: "YOUR_PAGERDUTY_API_KEY"
  routingkey: "YOUR_ROUTING_KEY"
  minimumpriority: "critical"

# Generic webhook
webhook:
  address: "https://webhook.example.com/falco-events"
  method: "POST"
  minimumpriority: "notice"
EOC
start_sk "$SK_TMP/guide.yaml" \
    SLACK_WEBHOOKURL="http://127.0.0.1:$hook_port/slack" \
    PAGERDUTY_APIURL="http://127.0.0.1:$hook_port/pd" \
    WEBHOOK_ADDRESS="http://127.0.0.1:$hook_port/wh"
: >"$SK_TMP/hook.log"
check guide_post_200 [ "$(post "$SK_DATA/alert.json")" = 200 ]
wait_lines 5 "$SK_TMP/hook.log" -ge 3 || true
check guide_three_outputs [ "$(lines "$SK_TMP/hook.log")" = 3 ]
check guide_slack_text grep -q 'Rule: \*Read sensitive file untrusted\* triggered by alpine:3.19 (Priority: \*Critical\*)' "$SK_TMP/hook.log"
stop_sk
# The guide's pagerduty.apikey is a key of old falcosidekick releases:
# warned about where it is written, with what replaced it.
check guide_apikey_warned grep -q "guide.yaml:15:3: unknown key 'pagerduty.apikey', ignored: the PagerDuty output takes pagerduty.routingkey" "$SK_TMP/sk.log"
check guide_no_other_warning [ "$(grep -c 'unknown key' "$SK_TMP/sk.log")" = 1 ]

# A misspelt section is not silently dropped.
cat >"$SK_TMP/typo.yaml" <<EOC
listenaddress: "127.0.0.1"
webhok:
  address: "http://127.0.0.1:$hook_port/wh"
webhook:
  adress: "http://127.0.0.1:$hook_port/wh"
EOC
: >"$SK_TMP/sk.log"
start_sk "$SK_TMP/typo.yaml"
stop_sk
check typo_section_warned grep -q "typo.yaml:2:1: unknown key 'webhok', ignored (did you mean 'webhook'?)" "$SK_TMP/sk.log"
check typo_key_warned grep -q "typo.yaml:5:3: unknown key 'webhook.adress', ignored (did you mean 'webhook.address'?)" "$SK_TMP/sk.log"
check typo_no_output grep -q 'enabled outputs: none' "$SK_TMP/sk.log"

# Falco's program_output with keep_alive, as the guide sets it up:
# "curl -d @- localhost:2801/" sends every alert line it read, run
# together; each one is forwarded.  One bad alert rejects them all.
: >"$SK_TMP/hook.log"
start_sk "$SK_TMP/c.yaml"
{ cat "$SK_DATA/alert.json"; cat "$SK_DATA/alert.json"; \
    cat "$SK_DATA/alert.json"; } >"$SK_TMP/stream.json"
check stream_accepted [ "$(curl -s -o /dev/null -w '%{http_code}' \
    -d @- "http://127.0.0.1:$SK_PORT/" <"$SK_TMP/stream.json")" = 200 ]
check stream_all_forwarded wait_lines 5 "$SK_TMP/hook.log" = 3
{ cat "$SK_DATA/alert.json"; printf '{"rule":"x"}\n'; } >"$SK_TMP/mixed.json"
check stream_bad_member_400 [ "$(post "$SK_TMP/mixed.json")" = 400 ]
sleep 0.3
check stream_bad_member_nothing_sent [ "$(lines "$SK_TMP/hook.log")" = 3 ]
stop_sk

# customfields (one read from the environment with %NAME) and customtags
# are added to every alert.
: >"$SK_TMP/hook.log"
start_sk "$SK_TMP/c.yaml" CUSTOMFIELDS='env:prod,owner:%SK_OWNER' \
    SK_OWNER=secops CUSTOMTAGS='team-a, zz' BRACKETREPLACER=_ \
    TEMPLATEDFIELDS='ns:{{ or (index . "k8s.ns.name") "default" }}'
sed 's/"fd.name"/"proc.aname[2]":"bash","fd.name"/' "$SK_DATA/alert.json" \
    >"$SK_TMP/brackets.json"
post "$SK_TMP/brackets.json" >/dev/null
wait_lines 5 "$SK_TMP/hook.log" -ge 1 || true
check customfields_added python3 -c 'import json, sys
p = json.loads(json.loads(open(sys.argv[1]).readline())["body"])
assert p["output_fields"]["env"] == "prod", p
assert p["output_fields"]["owner"] == "secops", p
assert p["output_fields"]["proc.aname_2"] == "bash", p
assert p["output_fields"]["ns"] == "default", p
assert "proc.aname[2]" not in p["output_fields"], p
assert p["tags"] == ["filesystem", "mitre_credential_access", "team-a",
                     "zz"], p["tags"]
' "$SK_TMP/hook.log"
stop_sk

# tlsserver: HTTPS on the listen port; /ping and /metrics moved to a
# plain port of their own.
if command -v openssl >/dev/null 2>&1; then
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
	    -keyout "$SK_TMP/key.pem" -out "$SK_TMP/cert.pem" >/dev/null 2>&1
	plain=$(free_port)
	cat >"$SK_TMP/tls.yaml" <<EOC
tlsserver:
  deploy: true
  certfile: "$SK_TMP/cert.pem"
  keyfile: "$SK_TMP/key.pem"
  notlsport: $plain
  notlspaths: ["/ping", "/metrics"]
webhook:
  address: "http://127.0.0.1:$hook_port/tls"
EOC
	SK_PORT=$(free_port)
	LISTENADDRESS=127.0.0.1 LISTENPORT=$SK_PORT "$SK_BIN" \
	    -c "$SK_TMP/tls.yaml" >>"$SK_TMP/sk.log" 2>&1 &
	SK_PID=$!
	SK_PIDS="$SK_PIDS $SK_PID"
	u=https://127.0.0.1:$SK_PORT
	check tls_up wait_until 10 curl -skf "$u/healthz" -o /dev/null
	: >"$SK_TMP/hook.log"
	check tls_post [ "$(curl -sk -o /dev/null -w '%{http_code}' \
	    --data-binary "@$SK_DATA/alert.json" "$u/")" = 200 ]
	check tls_forwarded wait_lines 5 "$SK_TMP/hook.log" = 1
	check tls_verifies_with_cert curl -sf --cacert "$SK_TMP/cert.pem" \
	    "$u/healthz" -o /dev/null
	check tls_plain_refused [ "$(curl -s -o /dev/null -w '%{http_code}' \
	    "http://127.0.0.1:$SK_PORT/healthz")" != 200 ]
	check tls_notls_ping [ "$(curl -s "http://127.0.0.1:$plain/ping")" = \
	    pong ]
	check tls_notls_metrics curl -sf "http://127.0.0.1:$plain/metrics" \
	    -o /dev/null
	check tls_notls_only_listed [ "$(curl -s -o /dev/null \
	    -w '%{http_code}' "http://127.0.0.1:$plain/healthz")" = 404 ]
	check tls_moved_path_gone [ "$(curl -sk -o /dev/null \
	    -w '%{http_code}' "$u/ping")" = 404 ]
	stop_sk
	bad_start tls_mutual_unsupported 'tlsserver:
  deploy: true
  mutualtls: true' 'tlsserver.mutualtls: client certificates are not supported'
	bad_start tls_missing_cert 'tlsserver:
  deploy: true
  certfile: /nonexistent.pem' 'tlsserver: /nonexistent.pem'
else
	echo "SKIP: tls: openssl is not installed"
fi

# The systemd unit runs the daemon the way the guide does, and under
# StateDirectory= the spool goes there.
unit=$FALCO_SRC/scripts/systemd/falcosidekick.service
check unit_execstart grep -qx \
    'ExecStart=/usr/bin/falcosidekick -c /etc/falcosidekick/config.yaml' \
    "$unit"
check unit_restart grep -qx 'Restart=on-failure' "$unit"
check unit_wantedby grep -qx 'WantedBy=multi-user.target' "$unit"
check unit_statedir grep -qx 'StateDirectory=falcosidekick' "$unit"
mkdir -p "$SK_TMP/state"
start_sk "$SK_TMP/c.yaml" STATE_DIRECTORY="$SK_TMP/state" \
    WEBHOOK_ADDRESS="http://127.0.0.1:$(free_port)/down"
post "$SK_DATA/alert.json" >/dev/null
check statedir_spool wait_eval 5 \
    '[ -n "$(find "$SK_TMP/state/spool/webhook" -name "*.json")" ]'
stop_sk

[ "$SK_FAILS" -eq 0 ]
