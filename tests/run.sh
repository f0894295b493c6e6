#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Runs every test that `make check` built, stage by stage, and ends with
# one line "N passed, N failed".  Exit status is non-zero on any failure.
#
#   unit     cmocka programs in build/tests and build/san/tests; their
#            "[  PASSED  ]" and "[  FAILED  ]" lines are counted
#   scripts  tests/*/t_*.sh; each prints "PASS: name", "FAIL: name" or
#            "SKIP: name: reason" lines, which are counted
#   fuzz     build/fuzz/* for FUZZ_SECONDS each (default 30, to keep a
#            CI run within its budget; raise it for real fuzzing),
#            seeded from the paths listed in tests/fuzz/<name>.seeds
#
# TESTS_ONLY=unit|scripts|fuzz runs one stage; T_FILTER=pattern limits the
# programs and scripts to names matching the shell pattern.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
: "${FALCO_TESTDATA:=$top/../shared/testdata}"
: "${FUZZ_SECONDS:=30}"
: "${TESTS_ONLY:=}"
: "${T_FILTER:=*}"
export FALCO_TESTDATA FALCO_SRC="$top" FALCO_BUILD="$top/build"

logdir=$top/build/test-logs
mkdir -p "$logdir"
npass=0
nfail=0
nskip=0
failed=""

note_fail() {
	nfail=$((nfail + 1))
	failed="$failed
  $1"
}

stage_start() {
	stage_name=$1
	stage_t0=$(date +%s)
	echo "== stage $stage_name"
}

stage_end() {
	echo "== stage $stage_name took $(($(date +%s) - stage_t0)) s"
}

want() {
	[ -z "$TESTS_ONLY" ] || [ "$TESTS_ONLY" = "$1" ]
}

# Count the cmocka summary of one program's log.
count_cmocka() {
	prog=$1 log=$2 rc=$3
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | \
	    awk '{s += $1} END {print s + 0}')
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | \
	    awk '{s += $1} END {print s + 0}')
	npass=$((npass + p))
	if [ "$f" -gt 0 ]; then
		nfail=$((nfail + f))
		failed="$failed
  $prog: $(grep '^\[  FAILED  \] [^0-9]' "$log" | sed 's/^\[  FAILED  \] //' | tr '\n' ' ')"
	elif [ "$rc" -ne 0 ] || [ "$p" -eq 0 ]; then
		note_fail "$prog (exit $rc, see $log)"
	fi
}

if want unit; then
	stage_start unit
	for dir in "$top/build/tests" "$top/build/san/tests"; do
		[ -d "$dir" ] || continue
		for t in "$dir"/*; do
			[ -x "$t" ] || continue
			name=$(basename "$t")
			# shellcheck disable=SC2254
			case $name in $T_FILTER) ;; *) continue ;; esac
			tag=$(basename "$(dirname "$dir")")-$name
			[ "$dir" = "$top/build/tests" ] && tag=$name
			log=$logdir/$tag.log
			rc=0
			(cd "$top" && "$t") >"$log" 2>&1 || rc=$?
			count_cmocka "$tag" "$log" "$rc"
			echo "   $tag: exit $rc"
		done
	done
	stage_end
fi

if want scripts; then
	stage_start scripts
	for s in "$top"/tests/*/t_*.sh; do
		[ -f "$s" ] || continue
		name=$(basename "$s" .sh)
		# shellcheck disable=SC2254
		case $name in $T_FILTER) ;; *) continue ;; esac
		log=$logdir/$name.log
		t0=$(date +%s)
		rc=0
		(cd "$top" && sh "$s") >"$log" 2>&1 || rc=$?
		p=$(grep -c '^PASS: ' "$log" || true)
		f=$(grep -c '^FAIL: ' "$log" || true)
		k=$(grep -c '^SKIP: ' "$log" || true)
		npass=$((npass + p))
		nskip=$((nskip + k))
		if [ "$f" -gt 0 ]; then
			nfail=$((nfail + f))
			failed="$failed
$(grep '^FAIL: ' "$log" | sed "s/^FAIL: /  $name: /")"
		elif [ "$rc" -ne 0 ]; then
			note_fail "$name (exit $rc, see $log)"
		fi
		grep '^SKIP: ' "$log" | sed "s/^/   $name: /" || true
		echo "   $name: $p passed, $f failed, $k skipped ($(($(date +%s) - t0)) s)"
	done
	stage_end
fi

# Run one fuzzer; its exit status lands in $logdir/<name>.rc.
run_fuzzer() {
	fz=$1
	name=$(basename "$fz")
	corpus=$top/build/fuzz-corpus/$name
	mkdir -p "$corpus"
	# libFuzzer takes folders only: seed files are copied into one.
	seedfiles=$top/build/fuzz-seedfiles/$name
	rm -rf "$seedfiles"
	mkdir -p "$seedfiles"
	seeds=$seedfiles
	if [ -f "$top/tests/fuzz/$name.seeds" ]; then
		while IFS= read -r line; do
			case $line in ''|'#'*) continue ;; esac
			line=$(eval "echo \"$line\"")
			if [ -d "$line" ]; then
				seeds="$seeds $line"
			elif [ -f "$line" ]; then
				cp "$line" "$seedfiles/"
			fi
		done <"$top/tests/fuzz/$name.seeds"
	fi
	rc=0
	# shellcheck disable=SC2086
	(cd "$corpus" && "$fz" -max_total_time="$FUZZ_SECONDS" \
	    -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
	    "$corpus" $seeds) >"$logdir/$name.log" 2>&1 || rc=$?
	echo "$rc" >"$logdir/$name.rc"
}

if want fuzz; then
	stage_start fuzz
	# Two fuzzers at a time: one per core.
	names=""
	running=""
	for fz in "$top"/build/fuzz/fuzz/*; do
		[ -x "$fz" ] || continue
		name=$(basename "$fz")
		# shellcheck disable=SC2254
		case $name in $T_FILTER) ;; *) continue ;; esac
		names="$names $name"
		run_fuzzer "$fz" &
		running="$running $!"
		# shellcheck disable=SC2086
		set -- $running
		if [ "$#" -ge 2 ]; then
			wait "$1" || true
			shift
			running="$*"
		fi
	done
	for pid in $running; do
		wait "$pid" || true
	done
	for name in $names; do
		rc=$(cat "$logdir/$name.rc" 2>/dev/null || echo 99)
		log=$logdir/$name.log
		if [ "$rc" -eq 0 ]; then
			npass=$((npass + 1))
			echo "   $name: ok ($(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}') runs)"
		else
			note_fail "$name: crash or leak (exit $rc), see $log"
			echo "   $name: FAILED"
		fi
	done
	stage_end
fi

if [ "$nfail" -gt 0 ]; then
	echo "Failures:$failed"
fi
echo "$npass passed, $nfail failed, $nskip skipped"
[ "$nfail" -eq 0 ]
