#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# The eBPF driver's live tests inside a QEMU guest running another
# kernel (CO-RE against that kernel's BTF, its verifier):
#
#	FALCO_VM_TIMEOUT=1200 sh tests/vm/vm.sh run deb12 \
#	    tests/bpf/guest_bpf.sh [support live cover cleanup]
#
# Runs the named tests/bpf/t_bpf_*.sh (default: support live; the
# others are slow under emulation) and prints their PASS/FAIL/SKIP lines
# as they come; exits 1 if any failed or the driver is not supported.
set -eu

: "${FALCO_SRC:=$(cd "$(dirname "$0")/../.." && pwd)}"
export FALCO_SRC FALCO_BUILD="$FALCO_SRC/build"

echo "kernel $(uname -r)"
if ! "$FALCO_BUILD/bin/falco-bpf-dump" -c; then
	echo "FAIL: bpf_guest_support"
	exit 1
fi
[ $# -gt 0 ] || set -- support live
rc=0
for t in "$@"; do
	sh "$FALCO_SRC/tests/bpf/t_bpf_$t.sh" >/tmp/guest_bpf.out 2>&1 || rc=1
	cat /tmp/guest_bpf.out
	grep -q '^FAIL' /tmp/guest_bpf.out && rc=1
done
exit "$rc"
