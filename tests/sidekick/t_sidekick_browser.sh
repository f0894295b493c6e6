#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# The web UI in a real browser: Debian's chromium driven by
# playwright-core (npm, looked for under build/node or on NODE_PATH).
# shellcheck disable=SC1091
set -eu
. "$(dirname "$0")/lib.sh"

chromium=$(command -v chromium || true)
: "${NODE_PATH:=$FALCO_BUILD/node/node_modules}"
export NODE_PATH
if [ ! -x "$SK_BIN" ]; then
	echo "SKIP: sidekick_browser: $SK_BIN not built"
	exit 0
fi
if [ -z "$chromium" ] || ! command -v node >/dev/null 2>&1; then
	echo "SKIP: sidekick_browser: chromium or node is not installed"
	exit 0
fi
if [ ! -d "$NODE_PATH/playwright-core" ]; then
	echo "SKIP: sidekick_browser: playwright-core not in $NODE_PATH" \
	    "(npm install --prefix build/node playwright-core)"
	exit 0
fi

printf 'webui:\n  enabled: true\n  database: "%s/ui.db"\n' "$SK_TMP" \
    >"$SK_TMP/c.yaml"
start_sk "$SK_TMP/c.yaml"
post_five
sleep 0.5
HOME=$SK_TMP node "$FALCO_SRC/tests/sidekick/webui_browser.js" \
    "http://127.0.0.1:$SK_PORT/ui/" "$chromium" || true
stop_sk
