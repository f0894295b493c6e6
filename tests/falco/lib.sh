# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=sh
#
# Shared setup of the falco program's script tests (sourced, not run):
# paths, a temporary folder, a long capture, helpers that wait for a line
# and that stop what the test started, by pid.

# shellcheck source=tests/lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
falco=$build/bin/falco
mkcap=$build/testbin/falco_mkcap
src_cap=$FALCO_TESTDATA/falco-0.34.1/trace_files/cat_write.scap

# need NAME: print SKIP and exit when a prerequisite is missing
need() {
	need_exec "$1" "$falco"
	need_exec "$1" "$mkcap" "make unit-tests"
	need_file "$1" "$src_cap"
}

# The rules every runtime test starts from: one rule per version tag.
write_rules() {
	cat >"$2" <<R
- rule: cat opens
  desc: opens by cat
  condition: evt.type = open and proc.name = cat
  output: "$1 open %fd.name"
  priority: WARNING
R
}

# The base configuration: stdout only, no syslog, no webserver.
write_config() {
	cat >"$1" <<'C'
stdout_output:
  enabled: true
syslog_output:
  enabled: false
log_syslog: false
log_stderr: true
log_level: info
webserver:
  enabled: false
append_output:
  - suggested_output: false
C
}

# wait_for FILE PATTERN [TENTHS]: 0 once grep -E finds it, 1 on timeout
wait_for() {
	n=0
	while ! grep -Eq -- "$2" "$1" 2>/dev/null; do
		n=$((n + 1))
		if [ "$n" -gt "${3:-100}" ]; then
			return 1
		fi
		sleep 0.1
	done
	return 0
}

# count FILE PATTERN: matching lines (0 when none)
count() {
	grep -Ec -- "$2" "$1" 2>/dev/null || true
}

# check NAME CONDITION-STATUS MESSAGE: print PASS or FAIL with detail
check() {
	if [ "$2" -eq 0 ]; then
		echo "PASS: $1"
	else
		echo "FAIL: $1 ($3)"
	fi
}
