#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# scapdump as users run it: event lines, -s counts (checked against the
# counts pinned in event_counts.txt for every capture), -p metadata, -r
# raw records, and the exit status and message on bad input.
set -eu

top=${FALCO_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
: "${FALCO_TESTDATA:=$top/../shared/testdata}"
bin=$top/build/bin/scapdump
ref=$FALCO_TESTDATA/reference-driver/workload-6.1-modern-ebpf.scap
old=$FALCO_TESTDATA/falco-0.34.1/trace_files/cat_write.scap

check() {
	name=$1
	shift
	if "$@"; then
		echo "PASS: $name"
	else
		echo "FAIL: $name"
	fi
}

if [ ! -x "$bin" ]; then
	echo "SKIP: scapdump: $bin is not built"
	exit 0
fi
if [ ! -f "$ref" ]; then
	echo "SKIP: scapdump: no test data at $FALCO_TESTDATA"
	exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# Event lines: number, time, cpu, tid, direction, type, arguments.
TZ=UTC "$bin" "$ref" >"$tmp/ref.out"
check "scapdump prints one line per event" \
    test "$(wc -l <"$tmp/ref.out")" -eq 435
check "scapdump line 77 is cat's openat" \
    grep -q '^77 16:53:42.922136170 0 126 < openat fd=3 ' "$tmp/ref.out"
check "scapdump renders flags" \
    grep -q '^77 .* flags=1(O_RDONLY) mode=0 dev=16 ino=1469$' "$tmp/ref.out"
check "scapdump -n limits the output" \
    test "$(TZ=UTC "$bin" -n 5 "$ref" | wc -l)" -eq 5

# -s against the pinned counts, for every capture.
grep -v '^#' "$top/tests/scapfile/event_counts.txt" | \
    awk '{print $1}' | uniq >"$tmp/captures"
while read -r cap; do
	grep "^$cap " "$top/tests/scapfile/event_counts.txt" | \
	    cut -d' ' -f2- >"$tmp/want"
	if "$bin" -s "$FALCO_TESTDATA/$cap" >"$tmp/got" 2>"$tmp/err" &&
	    cmp -s "$tmp/want" "$tmp/got"; then
		echo "PASS: scapdump -s $cap"
	else
		echo "FAIL: scapdump -s $cap"
		diff "$tmp/want" "$tmp/got" | head -5 || true
		cat "$tmp/err"
	fi
done <"$tmp/captures"

# The summary agrees with the event lines.
n_openat=$(grep -c ' < openat ' "$tmp/ref.out")
check "scapdump -s openat count matches the lines" \
    grep -qx "SYSCALL_OPENAT_2_X $n_openat" "$tmp/got"

# From a pipe, plain or gzip.
check "scapdump reads a gzip pipe" \
    sh -c "cat '$ref' | '$bin' -s /dev/stdin | grep -qx 'total 435'"
check "scapdump reads a plain pipe" \
    sh -c "gzip -dc <'$ref' | '$bin' -s /dev/stdin | grep -qx 'total 435'"

# Metadata.
"$bin" -p "$ref" >"$tmp/meta"
check "scapdump -p shows the machine" \
    grep -q '^machine hostname=.* cpus=' "$tmp/meta"
check "scapdump -p shows 9 threads" \
    test "$(grep -c '^thread ' "$tmp/meta")" -eq 9
check "scapdump -p shows the fd lists" \
    test "$(grep -c '^fdlist ' "$tmp/meta")" -eq 9
check "scapdump -p shows users and groups" \
    grep -q '^user 0 gid=0 name=root ' "$tmp/meta"
check "scapdump -p shows the format" \
    grep -qx 'format 1.2 gzip' "$tmp/meta"

# Raw records of an old capture keep their enter events.
check "scapdump -r shows old enter events" \
    sh -c "'$bin' -r '$old' | grep -q ' > close '"
check "scapdump converts them away" \
    sh -c "! '$bin' '$old' | grep -q ' > close '"

# Bad input: exit 1, the message names the offset and the block.
gzip -dc <"$ref" >"$tmp/plain.scap"
head -c 30100 "$tmp/plain.scap" >"$tmp/cut.scap"
rc=0
"$bin" "$tmp/cut.scap" >/dev/null 2>"$tmp/err" || rc=$?
check "scapdump exits 1 on a truncated file" test "$rc" -eq 1
check "scapdump names the offset and block of the cut" \
    grep -q 'offset [0-9]*: .* block (0x[0-9a-f]*): file ends inside' \
    "$tmp/err"

printf '\012\015\015\012\000\000\000\034\032\053\074\115' >"$tmp/swapped"
head -c 28 "$tmp/plain.scap" | tail -c 16 >>"$tmp/swapped"
rc=0
"$bin" -s "$tmp/swapped" >/dev/null 2>"$tmp/err" || rc=$?
check "scapdump rejects a byte-swapped file" test "$rc" -eq 1
check "scapdump says byte-swapped" grep -q 'byte-swapped' "$tmp/err"

rc=0
"$bin" "$tmp/does-not-exist" >/dev/null 2>"$tmp/err" || rc=$?
check "scapdump exits 1 on a missing file" test "$rc" -eq 1
rc=0
"$bin" >/dev/null 2>&1 || rc=$?
check "scapdump exits 2 on a usage error" test "$rc" -eq 2
