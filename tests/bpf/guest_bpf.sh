#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# The eBPF driver's live tests inside a QEMU guest running another
# kernel (CO-RE against that kernel's BTF, its verifier):
#
#	sh tests/vm/vm.sh run deb12 tests/bpf/guest_bpf.sh
#
# Prints the tests' PASS/FAIL/SKIP lines; exits 1 if any failed or the
# driver is not supported there.
set -eu

: "${FALCO_SRC:=$(cd "$(dirname "$0")/../.." && pwd)}"
export FALCO_SRC FALCO_BUILD="$FALCO_SRC/build"

echo "kernel $(uname -r)"
if ! "$FALCO_BUILD/bin/falco-bpf-dump" -c; then
	echo "FAIL: bpf_guest_support"
	exit 1
fi
out=$(for t in support live cover cleanup; do
	sh "$FALCO_SRC/tests/bpf/t_bpf_$t.sh"
done)
echo "$out"
if echo "$out" | grep -q '^FAIL'; then
	exit 1
fi
