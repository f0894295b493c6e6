#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# The support probe of the eBPF driver: it passes here (root, BTF, ring
# buffers, tp_btf), and without privileges it fails saying why.
set -eu

: "${FALCO_SRC:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${FALCO_BUILD:=$FALCO_SRC/build}"
dump=$FALCO_BUILD/bin/falco-bpf-dump

if [ ! -x "$dump" ]; then
	echo "FAIL: bpf_support: $dump not built"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: bpf_support: needs root"
	exit 0
fi
if out=$("$dump" -c 2>&1) && [ "$out" = supported ]; then
	echo "PASS: bpf_support_root"
else
	echo "FAIL: bpf_support_root: $out"
fi

if ! command -v setpriv >/dev/null; then
	echo "SKIP: bpf_support_unprivileged: setpriv not installed"
	exit 0
fi
# As nobody with no capabilities the probe must refuse, naming the cause.
if out=$(setpriv --reuid=65534 --regid=65534 --clear-groups \
    --inh-caps=-all --bounding-set=-all "$dump" -c 2>&1); then
	echo "FAIL: bpf_support_unprivileged: accepted: $out"
else
	case $out in
	*"not supported:"*"root or CAP_BPF"*)
		echo "PASS: bpf_support_unprivileged" ;;
	*)
		echo "FAIL: bpf_support_unprivileged: $out" ;;
	esac
fi
