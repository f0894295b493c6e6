#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# The main job: live detection on this machine with the default rules
# (rules/falco_rules.yaml through the repository's falco.yaml), alerts on
# stdout, until Ctrl-C (or for --duration SECS).
#
# The driver is the best this machine supports: the kernel module when
# /dev/falco0 exists or `modprobe falco` succeeds (FALCO_NO_MODPROBE=1
# skips the modprobe), else the modern eBPF driver when its support probe
# passes, else a message saying why and a replay of the reference
# capture ($FALCO_TESTDATA/reference-driver/workload-6.1-modern-ebpf.scap).
#
# Environment: FALCO_BUILD (default build/), FALCO_TESTDATA.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build=${FALCO_BUILD:-$top/build}
falco=$build/bin/falco
probe=$build/bin/falco-bpf-dump
: "${FALCO_TESTDATA:=$top/../shared/testdata}"
ref=$FALCO_TESTDATA/reference-driver/workload-6.1-modern-ebpf.scap

usage() {
	echo "usage: main-job.sh [--duration SECS]"
}

duration=0
while [ $# -gt 0 ]; do
	case $1 in
	--duration)
		[ $# -ge 2 ] || { usage >&2; exit 2; }
		duration=$2
		shift 2
		;;
	--duration=*)
		duration=${1#--duration=}
		shift
		;;
	-h | --help)
		usage
		exit 0
		;;
	*)
		usage >&2
		exit 2
		;;
	esac
done
case $duration in
'' | *[!0-9]*)
	echo "main-job: --duration takes whole seconds: '$duration'" >&2
	exit 2
	;;
esac

if [ ! -x "$falco" ]; then
	echo "main-job: $falco is not built; run make first" >&2
	exit 1
fi

set -- -c "$top/falco.yaml" -r "$top/rules/falco_rules.yaml" \
    -o stdout_output.enabled=true -o webserver.enabled=false
if [ "$duration" -gt 0 ]; then
	set -- "$@" -M "$duration"
fi

why=""
if [ -c /dev/falco0 ] || { [ "${FALCO_NO_MODPROBE:-0}" != 1 ] &&
    modprobe falco 2>/dev/null && [ -c /dev/falco0 ]; }; then
	echo "main-job: driver: kernel module (/dev/falco0)" >&2
	exec "$falco" "$@" -o engine.kind=kmod
fi
why="the falco kernel module is not loaded and cannot be loaded"
if [ "$(id -u)" != 0 ]; then
	why="$why; the modern eBPF driver needs root"
elif [ ! -x "$probe" ]; then
	why="$why; $probe (the eBPF support probe) is not built"
elif p=$("$probe" -c 2>&1); then
	echo "main-job: driver: modern eBPF" >&2
	exec "$falco" "$@" -o engine.kind=modern_ebpf
else
	why="$why; the modern eBPF driver cannot run here: $p"
fi
echo "main-job: no live driver: $why" >&2
if [ ! -f "$ref" ]; then
	echo "main-job: and the reference capture $ref is missing" >&2
	exit 1
fi
echo "main-job: replaying the reference capture $ref instead" >&2
exec "$falco" "$@" -e "$ref"
