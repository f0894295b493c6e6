#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# The schema generator: same output under every awk the build may use,
# a clear error (file:line) on inconsistent tables, and generated headers
# that build in kernel-like and BPF environments, not only in userspace.
set -eu

src=${FALCO_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
gen=$src/scripts/gen-schema.awk
u=$src/kmod/uapi
tbl="$u/flags.tbl $u/syscalls.tbl $u/events.tbl"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; }
skip() { echo "SKIP: $*"; }

# gen DIR AWK FILES...: run the generator, output and errors in DIR.
gen() {
	d=$1 a=$2
	shift 2
	mkdir -p "$d"
	# shellcheck disable=SC2086
	$a -v outdir="$d" -f "$gen" "$@" >"$d/out" 2>"$d/err"
}

# shellcheck disable=SC2086
if gen "$tmp/mawk" mawk $tbl; then
	pass "gen-schema: mawk generates the tables"
else
	fail "gen-schema: mawk generates the tables ($(cat "$tmp/mawk/err"))"
fi

for a in "busybox awk" gawk; do
	if ! command -v "${a%% *}" >/dev/null 2>&1; then
		skip "gen-schema: same output under $a: $a is not installed"
		continue
	fi
	d=$tmp/$(echo "$a" | tr -d ' ')
	# shellcheck disable=SC2086
	if gen "$d" "$a" $tbl &&
	    cmp -s "$d/falco_schema_gen.h" "$tmp/mawk/falco_schema_gen.h" &&
	    cmp -s "$d/falco_schema_kern.h" "$tmp/mawk/falco_schema_kern.h" &&
	    cmp -s "$d/schema_tables_gen.c" "$tmp/mawk/schema_tables_gen.c"
	then
		pass "gen-schema: same output under $a"
	else
		fail "gen-schema: same output under $a"
	fi
done

# broken NAME PATTERN: damage events.tbl with the sed script NAME, expect
# the generator to fail with a message matching PATTERN.
broken() {
	name=$1 script=$2 want=$3
	sed "$script" "$src/kmod/uapi/events.tbl" >"$tmp/events.tbl"
	if gen "$tmp/b" mawk "$src/kmod/uapi/flags.tbl" \
	    "$src/kmod/uapi/syscalls.tbl" "$tmp/events.tbl"; then
		fail "gen-schema rejects $name (it succeeded)"
	elif grep -q "$want" "$tmp/b/err"; then
		pass "gen-schema rejects $name"
	else
		fail "gen-schema rejects $name (said: $(cat "$tmp/b/err"))"
	fi
}

broken "a gap in event ids" \
    '/^event	5	/s/	5	/	6	/' \
    'events.tbl:[0-9]*: event ids must be dense from 0, expected 5'
broken "an unknown parameter type" \
    's/^\(	param	[^	]*	\)FSRELPATH/\1PATHISH/' \
    'events.tbl:[0-9]*: unknown type PATHISH'
broken "an unknown flags table" 's/flags:file_flags/flags:no_such_table/' \
    'unknown table no_such_table'
broken "a dirfd beyond the parameters" 's/dirfd:1/dirfd:9/' 'bad dirfd 9'
broken "an unknown event flag" \
    's/^\(event	2	.*\)MODIFIES_STATE/\1MODIFIES/' \
    'unknown eflag MODIFIES$'

# The driver headers in a kernel-like build: freestanding, no libc, only
# <linux/types.h> (stubbed), every warning an error.
mkdir -p "$tmp/k/linux"
cat >"$tmp/k/linux/types.h" <<'EOF'
typedef unsigned char uint8_t;
typedef unsigned short uint16_t;
typedef unsigned int uint32_t;
typedef unsigned long long uint64_t;
typedef signed char int8_t;
typedef short int16_t;
typedef int int32_t;
typedef long long int64_t;
EOF
cat >"$tmp/k/use.c" <<'EOF'
#include "falco_event.h"
#include "falco_schema_kern.h"
int use(unsigned int nr, unsigned long long fl);
int use(unsigned int nr, unsigned long long fl)
{
	if (nr >= FE_NR_X86_64_MAX || fe_syscall_x86_64[nr].sc == 0)
		return -1;
	return fe_event_kinfo[fe_syscall_x86_64[nr].exit].nparams +
	    (int)fe_xlat_bits(fe_xlat_file_flags, FE_XLAT_FILE_FLAGS_N, fl);
}
EOF
if ${CC:-cc} -D__KERNEL__ -ffreestanding -nostdinc -I"$tmp/k" \
    -I"$src/kmod/uapi" -I"$tmp/mawk" -Wall -Wextra -Werror \
    -Wmissing-prototypes -c -o "$tmp/k/use.o" "$tmp/k/use.c" 2>"$tmp/k/err"
then
	pass "gen-schema: driver headers build freestanding"
else
	fail "gen-schema: driver headers build freestanding" \
	    "($(head -3 "$tmp/k/err"))"
fi

# The same in a BPF program with this machine's vmlinux.h.
if ! command -v clang >/dev/null 2>&1 || ! command -v bpftool >/dev/null 2>&1
then
	skip "gen-schema: driver headers build for BPF:" \
	    "clang or bpftool missing"
elif [ ! -r /sys/kernel/btf/vmlinux ]; then
	skip "gen-schema: driver headers build for BPF: no kernel BTF"
elif ! bpftool btf dump file /sys/kernel/btf/vmlinux format c \
    >"$tmp/k/vmlinux.h" 2>/dev/null; then
	skip "gen-schema: driver headers build for BPF: bpftool cannot dump BTF"
else
	{ echo '#include "vmlinux.h"'; cat "$tmp/k/use.c"; } >"$tmp/k/bpf.c"
	if clang -O2 -target bpf -D__TARGET_ARCH_x86 -Wall -Werror \
	    -I"$tmp/k" -I"$src/kmod/uapi" -I"$tmp/mawk" -c \
	    -o "$tmp/k/bpf.o" "$tmp/k/bpf.c" 2>"$tmp/k/err"; then
		pass "gen-schema: driver headers build for BPF"
	else
		fail "gen-schema: driver headers build for BPF" \
		    "($(head -3 "$tmp/k/err"))"
	fi
fi
