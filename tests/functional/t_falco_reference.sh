#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Replay the capture made by Falco's own driver and compare, event by
# event, our thread state and parameter rendering with libs' decoding of
# the same file (reference_check.py says how).
set -eu

top=${FALCO_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
: "${FALCO_TESTDATA:=$top/../shared/testdata}"
falco=${FALCO_BUILD:-$top/build}/bin/falco
ref=$FALCO_TESTDATA/reference-driver/workload-6.1-modern-ebpf

if [ ! -x "$falco" ]; then
	echo "SKIP: falco_reference: $falco is not built"
	exit 0
fi
if [ ! -f "$ref.scap" ] || [ ! -f "$ref.txt" ]; then
	echo "SKIP: falco_reference: $ref.{scap,txt} missing"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/all.yaml" <<'R'
- rule: every event
  desc: t
  condition: evt.num > 0
  output: "@%evt.time|%proc.name|%thread.tid|%proc.pid|%proc.ppid|%proc.exe|%proc.args|%evt.type|%evt.args"
  priority: INFO
  warn_evttypes: false
R
# the reference was printed in UTC
TZ=UTC "$falco" -c "$top/falco.yaml" -o stdout_output.enabled=true \
    -o syslog_output.enabled=false -o log_syslog=false -o log_level=error \
    -o 'append_output[0].suggested_output=false' -r "$tmp/all.yaml" \
    -e "$ref.scap" >"$tmp/out" 2>"$tmp/err" || {
	echo "FAIL: falco_reference (falco failed: $(head -c 300 "$tmp/err"))"
	exit 0
}
python3 "$top/tests/functional/reference_check.py" "$tmp/out" "$ref.txt"
