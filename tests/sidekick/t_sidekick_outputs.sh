#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Every output against a real receiver on 127.0.0.1 (HTTP, SMTP, syslog
# over UDP, TCP and a unix socket, redis-server), payloads checked by
# check_outputs.py; then minimumpriority thresholds for every priority.
# lib.sh sets the receivers' *_port and *_pid variables with eval, and
# conditions in single quotes are evaluated later on purpose.
# shellcheck disable=SC1091,SC2154,SC2016
set -eu
. "$(dirname "$0")/lib.sh"

if [ ! -x "$SK_BIN" ]; then
	echo "SKIP: sidekick_outputs: $SK_BIN not built"
	exit 0
fi

start_recv hook http
start_recv smtp smtp
start_recv sysu syslog --proto udp
start_recv syst syslog --proto tcp
start_recv sysx syslog --proto unix --path "$SK_TMP/log.sock"

have_redis=0
if command -v redis-server >/dev/null 2>&1; then
	have_redis=1
	rport=$(free_port)
	redis-server --bind 127.0.0.1 --port "$rport" --save '' \
	    --appendonly no --dir "$SK_TMP" >"$SK_TMP/redis.out" 2>&1 &
	SK_PIDS="$SK_PIDS $!"
	wait_until 10 redis-cli -p "$rport" ping >/dev/null
fi

cat >"$SK_TMP/c.yaml" <<EOC
listenaddress: "127.0.0.1"
slack:
  webhookurl: "http://127.0.0.1:$hook_port/slack"
  channel: "#security-alerts"
  username: "Falco"
  icon: "http://127.0.0.1/icon.png"
  outputformat: "fields"
  messageformat: '{{ .Priority }}: *{{ .Rule }}* pod={{ index .OutputFields "k8s.pod.name" }}'
teams:
  webhookurl: "http://127.0.0.1:$hook_port/teams"
pagerduty:
  routingkey: "R0UT1NG"
  apiurl: "http://127.0.0.1:$hook_port/pd"
alertmanager:
  hostport: "http://127.0.0.1:$hook_port"
  expiresafter: 300
  extralabels: "team:sec"
loki:
  hostport: "http://127.0.0.1:$hook_port"
  tenant: "tenant1"
  extralabels: "fd.name"
elasticsearch:
  hostport: "http://127.0.0.1:$hook_port"
  suffix: "none"
  apikey: "k3y"
webhook:
  address: "http://127.0.0.1:$hook_port/wh"
  method: "put"
  customHeaders:
    X-Team: secops
smtp:
  hostport: "127.0.0.1:$smtp_port"
  tls: false
  authmechanism: none
  from: "falco@example.test"
  to: "sec@example.test, ops@example.test"
syslog:
  host: "127.0.0.1"
  port: "$sysu_port"
  protocol: "udp"
file:
  filename: "$SK_TMP/alerts.log"
EOC
if [ "$have_redis" = 1 ]; then
	printf 'redis:\n  address: "127.0.0.1:%s"\n' "$rport" >>"$SK_TMP/c.yaml"
fi

start_sk "$SK_TMP/c.yaml"
check post_accepted [ "$(post "$SK_DATA/alert.json")" = 200 ]
wait_lines 10 "$SK_TMP/hook.log" -ge 7 || true
wait_lines 5 "$SK_TMP/smtp.log" -ge 1 || true
wait_lines 5 "$SK_TMP/sysu.log" -ge 1 || true
stop_sk

# Syslog over TCP (CEF) and a local datagram socket (JSON).
start_sk "$SK_TMP/c.yaml" SYSLOG_PORT="$syst_port" SYSLOG_PROTOCOL=tcp \
    SYSLOG_FORMAT=cef
post "$SK_DATA/alert.json" >/dev/null
wait_lines 5 "$SK_TMP/syst.log" -ge 1 || true
stop_sk
start_sk "$SK_TMP/c.yaml" SYSLOG_HOST="$SK_TMP/log.sock" \
    SYSLOG_PROTOCOL=unix
post "$SK_DATA/alert.json" >/dev/null
wait_lines 5 "$SK_TMP/sysx.log" -ge 1 || true
stop_sk
cp "$SK_TMP/sysu.log" "$SK_TMP/syslog_udp.log"
cp "$SK_TMP/syst.log" "$SK_TMP/syslog_tcp.log"
cp "$SK_TMP/sysx.log" "$SK_TMP/syslog_unix.log"
# Only the first run's HTTP requests and mail are checked.
head -n 7 "$SK_TMP/hook.log" >"$SK_TMP/hook1.log"
mv "$SK_TMP/hook1.log" "$SK_TMP/hook.log"
head -n 1 "$SK_TMP/smtp.log" >"$SK_TMP/smtp1.log"
mv "$SK_TMP/smtp1.log" "$SK_TMP/smtp.log"
head -n 1 "$SK_TMP/alerts.log" >"$SK_TMP/a1.log"
mv "$SK_TMP/a1.log" "$SK_TMP/alerts.log"
if [ "$have_redis" = 1 ]; then
	check redis_three_pushes [ "$(redis-cli -p "$rport" llen falco)" = 3 ]
	redis-cli -p "$rport" lpop falco >"$SK_TMP/redis.json"
else
	echo "SKIP: redis: redis-server is not installed"
fi
python3 "$FALCO_SRC/tests/sidekick/check_outputs.py" "$SK_TMP" || true

# Slack's other output formats (pitfall 19): "text" has the output text
# and no fields, "all" both; the template text stays above either.
start_recv chat http
for fmt in text all; do
	: >"$SK_TMP/chat.log"
	printf 'slack:\n  webhookurl: "http://127.0.0.1:%s/s"\n  outputformat: %s\n  messageformat: "{{ .Priority }}: *{{ .Rule }}*"\n' \
	    "$chat_port" "$fmt" >"$SK_TMP/s.yaml"
	start_sk "$SK_TMP/s.yaml"
	post "$SK_DATA/alert.json" >/dev/null
	wait_lines 5 "$SK_TMP/chat.log" -ge 1 || true
	check "slack_format_$fmt" python3 -c 'import json, sys
p = json.loads(json.loads(open(sys.argv[1]).readline())["body"])
att = p["attachments"][0]
assert p["text"] == "Critical: *Read sensitive file untrusted*", p
assert att["text"].startswith("13:53:31.726060287: Critical"), att
if sys.argv[2] == "text":
    assert att["fields"] is None and "footer" not in att, att
else:
    assert len(att["fields"]) == 15 and att["footer"], att
' "$SK_TMP/chat.log" "$fmt"
	stop_sk
done

# Redis as a stream and as a hash.
if [ "$have_redis" = 1 ]; then
	printf 'redis:\n  address: "127.0.0.1:%s"\n  storagetype: stream\n  key: falcostream\n' \
	    "$rport" >"$SK_TMP/r.yaml"
	start_sk "$SK_TMP/r.yaml"
	post "$SK_DATA/alert.json" >/dev/null
	wait_eval 5 '[ "$(redis-cli -p "$rport" xlen falcostream)" = 1 ]' || true
	check redis_stream_entry redis-cli -p "$rport" xrange falcostream - + \
	    | grep -q 'Read sensitive file untrusted'
	stop_sk
	start_sk "$SK_TMP/r.yaml" REDIS_STORAGETYPE=hashmap REDIS_KEY=falcohash
	post "$SK_DATA/alert.json" >/dev/null
	wait_eval 5 '[ "$(redis-cli -p "$rport" hlen falcohash)" = 1 ]' || true
	check redis_hash_by_uuid [ "$(redis-cli -p "$rport" hkeys falcohash \
	    | grep -c '^[0-9a-f-]\{36\}$')" = 1 ]
	stop_sk
fi

# Thresholds: with minimumpriority P, exactly the alerts at P or above
# arrive, for every P; names are case-insensitive and "info" works.
for p in EMERGENCY Alert critical Error warning Notice informational info \
    Debug; do
	alert_with "$p" >"$SK_TMP/a_$p.json"
done
printf 'webhook:\n  address: "http://127.0.0.1:%s/th"\n' "$hook_port" \
    >"$SK_TMP/t.yaml"
expect=1
for p in emergency alert critical error warning notice informational \
    debug; do
	[ "$p" = informational ] && q=INFO || q=$p
	: >"$SK_TMP/hook.log"
	start_sk "$SK_TMP/t.yaml" WEBHOOK_MINIMUMPRIORITY="$q"
	for a in EMERGENCY Alert critical Error warning Notice informational \
	    Debug; do
		post "$SK_TMP/a_$a.json" >/dev/null
	done
	wait_lines 5 "$SK_TMP/hook.log" -ge "$expect" || true
	sleep 0.2
	check "threshold_$p" [ "$(lines "$SK_TMP/hook.log")" = "$expect" ]
	stop_sk
	expect=$((expect + 1))
done

[ "$SK_FAILS" -eq 0 ]
