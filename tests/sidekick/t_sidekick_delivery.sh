#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Delivery guarantees: retries through an outage, the spool across a
# restart, give-ups counted, 5xx retried and 4xx not, a slow destination
# not delaying another, and queue overflow with and without a spool.
# lib.sh sets the receivers' *_port and *_pid variables with eval, and
# conditions in single quotes are evaluated later on purpose.
# shellcheck disable=SC1091,SC2154,SC2016
set -eu
. "$(dirname "$0")/lib.sh"

if [ ! -x "$SK_BIN" ]; then
	echo "SKIP: sidekick_delivery: $SK_BIN not built"
	exit 0
fi

hport=$(free_port)
spool=$SK_TMP/spool
cat >"$SK_TMP/c.yaml" <<EOC
webhook:
  address: "http://127.0.0.1:$hport/wh"
delivery:
  backoff: 200
  maxbackoff: 400
  maxretries: 50
  spooldir: "$spool"
  timeout: 2000
EOC
for r in first second third; do
	alert_with Critical "rule $r" >"$SK_TMP/$r.json"
done
spooled() { find "$spool/webhook" -name '*.json' 2>/dev/null | wc -l | tr -d ' '; }

# 1. Receiver down when the alert arrives, up a little later.
start_sk "$SK_TMP/c.yaml"
check outage_post_accepted [ "$(post "$SK_TMP/first.json")" = 200 ]
check outage_failures_counted wait_metric 5 'falcosidekick_output_alerts_total{destination="webhook",priority="critical",status="failed"}' -ge 2
check outage_alert_spooled [ "$(spooled)" = 1 ]
start_recv hook http --port "$hport"
check outage_delivered_after_recovery wait_lines 10 "$SK_TMP/hook.log" -ge 1
check outage_spool_emptied wait_eval 5 '[ "$(spooled)" = 0 ]'
check outage_sent_metric [ "$(metric 'falcosidekick_output_alerts_total{destination="webhook",priority="critical",status="sent"}')" = 1 ]
check outage_retried_metric [ "$(metric 'falcosidekick_output_alerts_total{destination="webhook",priority="critical",status="retried"}')" -ge 1 ]
check outage_delivered_once [ "$(lines "$SK_TMP/hook.log")" = 1 ]

# 2. Receiver down, three alerts, daemon restarted, receiver back.
stop_pid "$hook_pid"
: >"$SK_TMP/hook.log"
for r in first second third; do post "$SK_TMP/$r.json" >/dev/null; done
check spool_holds_three wait_eval 5 '[ "$(spooled)" = 3 ]'
stop_sk
check spool_kept_after_stop [ "$(spooled)" = 3 ]
start_recv hook http --port "$hport"
start_sk "$SK_TMP/c.yaml"
check restart_delivers_spool wait_lines 10 "$SK_TMP/hook.log" -ge 3
check restart_order [ "$(python3 -c 'import json,sys
print(",".join(json.loads(json.loads(l)["body"])["rule"] for l in open(sys.argv[1])))' \
    "$SK_TMP/hook.log")" = "rule first,rule second,rule third" ]
check restart_spool_emptied wait_eval 5 '[ "$(spooled)" = 0 ]'
stop_sk

# 3. Give up after maxretries, counted and logged.
stop_pid "$hook_pid"
start_sk "$SK_TMP/c.yaml" DELIVERY_MAXRETRIES=2 DELIVERY_BACKOFF=50
post "$SK_TMP/first.json" >/dev/null
check giveup_counted wait_metric 5 'falcosidekick_output_alerts_total{destination="webhook",priority="critical",status="dropped"}' = 1
check giveup_attempts [ "$(metric 'falcosidekick_output_alerts_total{destination="webhook",priority="critical",status="failed"}')" = 3 ]
check giveup_logged grep -q 'giving up alert .* after 3 attempt' \
    "$SK_TMP/sk.log"
stop_sk

# 4. HTTP 500 is retried; 5. HTTP 400 is not.
start_recv flaky http --fail 2
start_sk "$SK_TMP/c.yaml" WEBHOOK_ADDRESS="http://127.0.0.1:$flaky_port/x"
post "$SK_TMP/first.json" >/dev/null
check http5xx_retried wait_until 5 grep -q '"status": 200' "$SK_TMP/flaky.log"
check http5xx_three_requests [ "$(lines "$SK_TMP/flaky.log")" = 3 ]
stop_sk
start_recv refuse http --status 400
start_sk "$SK_TMP/c.yaml" WEBHOOK_ADDRESS="http://127.0.0.1:$refuse_port/x"
post "$SK_TMP/first.json" >/dev/null
check http4xx_not_retried wait_metric 5 'falcosidekick_output_alerts_total{destination="webhook",priority="critical",status="dropped"}' = 1
check http4xx_one_request [ "$(lines "$SK_TMP/refuse.log")" = 1 ]
stop_sk

# 6. A slow destination does not hold back another output.
start_recv slow http --delay 2
printf 'file:\n  filename: "%s"\n' "$SK_TMP/fast.log" >>"$SK_TMP/c.yaml"
start_sk "$SK_TMP/c.yaml" WEBHOOK_ADDRESS="http://127.0.0.1:$slow_port/x" \
    DELIVERY_TIMEOUT=10000
for _ in 1 2 3 4 5; do post "$SK_TMP/first.json" >/dev/null; done
check slow_output_isolated wait_lines 2 "$SK_TMP/fast.log" = 5
check slow_output_still_busy [ "$(lines "$SK_TMP/slow.log")" -le 1 ]
stop_sk

# 7. Queue overflow: dropped and counted without a spool, kept with one.
# (An empty environment variable leaves a key as the file sets it, as
# in falcosidekick, so the spool-less run gets its own file.)
start_recv slow2 http --delay 0.2
grep -v 'spooldir\|^file:\|filename:' "$SK_TMP/c.yaml" >"$SK_TMP/nospool.yaml"
start_sk "$SK_TMP/nospool.yaml" \
    WEBHOOK_ADDRESS="http://127.0.0.1:$slow2_port/x" DELIVERY_QUEUESIZE=2
for _ in 1 2 3 4 5 6 7 8 9 10; do post "$SK_TMP/first.json" >/dev/null; done
d=$(metric 'falcosidekick_output_alerts_total{destination="webhook",priority="critical",status="dropped"}')
check overflow_dropped_counted [ "$d" -ge 3 ]
wait_metric 5 'falcosidekick_output_queue_length{destination="webhook"}' = 0 || true
check overflow_rest_delivered [ "$(metric 'falcosidekick_output_alerts_total{destination="webhook",priority="critical",status="sent"}')" = $((10 - d)) ]
stop_sk
: >"$SK_TMP/slow2.log"
start_sk "$SK_TMP/c.yaml" WEBHOOK_ADDRESS="http://127.0.0.1:$slow2_port/x" \
    DELIVERY_QUEUESIZE=2
for _ in 1 2 3 4 5 6 7 8 9 10; do post "$SK_TMP/first.json" >/dev/null; done
check overflow_spooled_none_dropped [ "$(metric 'falcosidekick_output_alerts_total{destination="webhook",priority="critical",status="dropped"}')" = 0 ]
check overflow_spool_all_delivered wait_lines 10 "$SK_TMP/slow2.log" -ge 10
stop_sk

# 8. Several requests in flight (maxconcurrentrequests): every alert
# arrives exactly once, through failures, with none left behind.
start_recv par http --fail 3 --delay 0.05
start_sk "$SK_TMP/nospool.yaml" \
    WEBHOOK_ADDRESS="http://127.0.0.1:$par_port/x" \
    WEBHOOK_MAXCONCURRENTREQUESTS=4 DELIVERY_BACKOFF=50
i=0
while [ "$i" -lt 20 ]; do
	alert_with Critical "rule $i" >"$SK_TMP/p.json"
	post "$SK_TMP/p.json" >/dev/null
	i=$((i + 1))
done
check concurrent_all_sent wait_metric 10 'falcosidekick_output_alerts_total{destination="webhook",priority="critical",status="sent"}' = 20
check concurrent_each_once [ "$(python3 -c 'import json, sys
ok = [json.loads(json.loads(l)["body"])["rule"] for l in open(sys.argv[1])
      if json.loads(l)["status"] == 200]
print(len(ok), len(set(ok)))' "$SK_TMP/par.log")" = "20 20" ]
check concurrent_retried [ "$(metric 'falcosidekick_output_alerts_total{destination="webhook",priority="critical",status="retried"}')" -ge 3 ]
check concurrent_queue_empty [ "$(metric 'falcosidekick_output_queue_length{destination="webhook"}')" = 0 ]
stop_sk

[ "$SK_FAILS" -eq 0 ]
