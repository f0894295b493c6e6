#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Runs every benchmark `make bench` built (build/bench/*) and every
# benchmark script (tests/*/b_*.sh).  Each prints its own figures and its
# ratio against a baseline measured in the same run.  Timings never fail
# the run; only a benchmark that cannot run at all does.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
: "${FALCO_TESTDATA:=$top/../shared/testdata}"
export FALCO_TESTDATA FALCO_SRC="$top" FALCO_BUILD="$top/build"
status=0

for b in "$top"/build/bench/* "$top"/tests/*/b_*.sh; do
	[ -f "$b" ] || continue
	name=$(basename "$b")
	t0=$(date +%s)
	echo "== bench $name"
	case $b in
	*.sh) (cd "$top" && sh "$b") || status=1 ;;
	*) (cd "$top" && "$b") || status=1 ;;
	esac
	echo "== bench $name took $(($(date +%s) - t0)) s"
done
exit "$status"
