#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# The built-in web UI: alerts stored in SQLite, the JSON API's filters,
# counts, detail and paging, the row cap applied across a restart, the
# pages served, and the bearer token on the API.
# lib.sh sets the receivers' *_port and *_pid variables with eval, and
# conditions in single quotes are evaluated later on purpose.
# shellcheck disable=SC1091,SC2154,SC2016
set -eu
. "$(dirname "$0")/lib.sh"

if [ ! -x "$SK_BIN" ]; then
	echo "SKIP: sidekick_webui: $SK_BIN not built"
	exit 0
fi

cat >"$SK_TMP/c.yaml" <<EOC
webui:
  enabled: true
  database: "$SK_TMP/ui.db"
  maxevents: 6
EOC
start_sk "$SK_TMP/c.yaml"
api() { curl -s "http://127.0.0.1:$SK_PORT$1"; }
# jq-like field extraction with python: jget PATH EXPR
jget() {
	api "$1" | python3 -c 'import json, sys
d = json.load(sys.stdin)
print(eval(sys.argv[1], {"d": d}))' "$2"
}

post_five
check stored_all wait_eval 5 '[ "$(jget /api/events "d[\"total\"]")" = 5 ]'
check filter_priority [ "$(jget '/api/events?priority=warning' 'd["total"]')" = 2 ]
check filter_minpriority [ "$(jget '/api/events?minpriority=warning' 'd["total"]')" = 4 ]
check filter_rule [ "$(jget '/api/events?rule=rule%201' 'd["total"]')" = 3 ]
check filter_text [ "$(jget '/api/events?q=%2Fetc%2Fshadow' 'd["total"]')" = 5 ]
check filter_text_literal [ "$(jget '/api/events?q=100%25' 'd["total"]')" = 0 ]
check filter_host [ "$(jget '/api/events?hostname=web-1&source=syscall' 'd["total"]')" = 5 ]
check filter_since [ "$(jget '/api/events?since=2030-01-01T00:00:00Z' 'd["total"]')" = 0 ]
check filter_bad_priority [ "$(curl -s -o /dev/null -w '%{http_code}' \
    "http://127.0.0.1:$SK_PORT/api/events?priority=loud")" = 400 ]
check filter_bad_since [ "$(curl -s -o /dev/null -w '%{http_code}' \
    "http://127.0.0.1:$SK_PORT/api/events?since=yesterday")" = 400 ]
check stats_priority [ "$(jget /api/stats 'sorted(d["priority"].items())')" = \
    "[('Critical', 2), ('Notice', 1), ('Warning', 2)]" ]
check stats_rule [ "$(jget /api/stats 'd["rule"]')" = \
    "[{'rule': 'rule 1', 'count': 3}, {'rule': 'rule 0', 'count': 2}]" ]
check stats_filtered [ "$(jget '/api/stats?rule=rule%200' \
    'sorted(d["priority"].items())')" = "[('Notice', 1), ('Warning', 1)]" ]
check paging [ "$(jget '/api/events?limit=2&offset=4' 'len(d["events"])')" = 1 ]
u=$(jget '/api/events?limit=1' 'd["events"][0]["uuid"]')
check detail_by_uuid [ "$(jget "/api/events/$u" 'd["uuid"]')" = "$u" ]
check detail_fields [ "$(jget "/api/events/$u" 'd["output_fields"]["fd.name"]')" = /etc/shadow ]
check detail_missing_404 [ "$(curl -s -o /dev/null -w '%{http_code}' \
    "http://127.0.0.1:$SK_PORT/api/events/nope")" = 404 ]
check page_served [ "$(curl -s -o /dev/null -w '%{http_code} %{content_type}' \
    "http://127.0.0.1:$SK_PORT/ui/")" = "200 text/html; charset=utf-8" ]
check script_served curl -s "http://127.0.0.1:$SK_PORT/ui/app.js" -o \
    "$SK_TMP/app.js"
check script_is_ours grep -q '/api/stats' "$SK_TMP/app.js"
check asset_missing_404 [ "$(curl -s -o /dev/null -w '%{http_code}' \
    "http://127.0.0.1:$SK_PORT/ui/nope.js")" = 404 ]

# The cap: three more alerts, then a restart prunes to maxevents.
for i in 6 7 8; do
	alert_with Error "rule new" >"$SK_TMP/a$i.json"
	post "$SK_TMP/a$i.json" >/dev/null
done
check stored_before_prune wait_eval 5 '[ "$(jget /api/events "d[\"total\"]")" = 8 ]'
stop_sk
start_sk "$SK_TMP/c.yaml"
check pruned_to_cap [ "$(jget /api/events 'd["total"]')" = 6 ]
check newest_kept [ "$(jget '/api/events?rule=rule%20new' 'd["total"]')" = 3 ]
stop_sk

# With a bearer token: pages open, API closed without it.
start_sk "$SK_TMP/c.yaml" BEARERTOKEN=t0k
check token_page_open [ "$(curl -s -o /dev/null -w '%{http_code}' \
    "http://127.0.0.1:$SK_PORT/ui/")" = 200 ]
check token_api_closed [ "$(curl -s -o /dev/null -w '%{http_code}' \
    "http://127.0.0.1:$SK_PORT/api/events")" = 401 ]
check token_api_open [ "$(curl -s -o /dev/null -w '%{http_code}' \
    -H 'Authorization: Bearer t0k' "http://127.0.0.1:$SK_PORT/api/events")" = 200 ]
stop_sk

# A database that cannot be opened is a start-up error.
rc=0
WEBUI_DATABASE=/nonexistent/dir/ui.db "$SK_BIN" -c "$SK_TMP/c.yaml" \
    >"$SK_TMP/bad.out" 2>&1 || rc=$?
check bad_database_rejected [ "$rc" -ne 0 ]
check bad_database_named grep -q 'webui.database: /nonexistent/dir/ui.db' \
    "$SK_TMP/bad.out"

[ "$SK_FAILS" -eq 0 ]
