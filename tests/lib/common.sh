# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=sh
#
# The preamble the t_*.sh script tests share; sourced (after `set -eu`),
# not run.  It sets:
#   top      the source tree ($FALCO_SRC, else two folders above the
#            script);
#   build    the build folder ($FALCO_BUILD, else $top/build);
#   FALCO_TESTDATA, defaulted as tests/run.sh does;
#   tmp      a fresh folder named after the script, removed at exit;
#   pids     empty: a test adds what it starts in the background, and
#            whatever is still listed at exit is stopped, by pid.
# and defines need_exec, need_file, pass, fail and check_cmd below.  A
# script that must undo more at exit defines on_exit, which runs first.

top=${FALCO_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${FALCO_BUILD:-$top/build}
: "${FALCO_TESTDATA:=$top/../shared/testdata}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/$(basename "$0" .sh).XXXXXX")
pids=""

common_exit() {
	if command -v on_exit >/dev/null 2>&1; then
		on_exit || true
	fi
	for p in $pids; do
		kill "$p" 2>/dev/null || true
	done
	rm -rf "$tmp"
}
trap common_exit EXIT

# need_exec NAME FILE [HINT]: print SKIP and exit 0 unless FILE is an
# executable (HINT says how to build it).
need_exec() {
	if [ ! -x "$2" ]; then
		echo "SKIP: $1: $2 is not built${3:+ ($3)}"
		exit 0
	fi
}

# need_file NAME FILE: print SKIP and exit 0 unless FILE exists.
need_file() {
	if [ ! -f "$2" ]; then
		echo "SKIP: $1: $2 is missing"
		exit 0
	fi
}

pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1${2:+ ($2)}"; }

# check_cmd NAME COMMAND...: PASS when the command succeeds.
check_cmd() {
	cname=$1
	shift
	if "$@"; then
		pass "$cname"
	else
		fail "$cname"
	fi
}
