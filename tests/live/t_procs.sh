#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Process facts through the daemon on the live driver: the parent of an
# orphan adopted by a child subreaper (the reaper named in the exit
# event), and the exe fields of programs run from an overlay's layers
# and by users who can or cannot write them.  The actions are those of
# tests/bpf/workload_procs.sh, in a private mount namespace.
set -eu
# shellcheck source=tests/live/lib.sh
. "$(dirname "$0")/lib.sh"
need_live live_procs

here=$(cd "$(dirname "$0")" && pwd)
procs=$build/testbin/live_procs
if [ ! -x "$procs" ]; then
	echo "SKIP: live_procs: $procs is not built"
	exit 0
fi
if ! grep -qw overlay /proc/filesystems; then
	echo "SKIP: live_procs: the kernel has no overlayfs"
	exit 0
fi
mkdir "$tmp/w"
chmod 755 "$tmp/w"
sed -e "s|@DIR@|$tmp|g" -e "s|@PORT@|0|g" "$here/rules.yaml" \
    >"$tmp/rules.yaml"
out=$tmp/alerts.json
daemon_start "$tmp/rules.yaml" "$out" "$tmp/falco.log"
unshare -m sh "$top/tests/bpf/workload_procs.sh" "$tmp/w" "$procs" \
    2>"$tmp/workload.err"
sleep 1
daemon_stop
check "procs daemon exit status" 0 "$dstatus"
read -r rpid mpid opid <"$tmp/w/reaper.out"

r="live orphan adopted"
check "orphan: one alert" 1 "$(count "$out" "$r")"
check "orphan: proc.pid" "$opid" "$(field "$out" "$r" proc.pid)"
check "orphan: proc.ppid is the subreaper" "$rpid" \
    "$(field "$out" "$r" proc.ppid)"
check "orphan: proc.pname is the subreaper" lv_subreaper \
    "$(field "$out" "$r" proc.pname)"

# evt.arg shows a pid by the name of its process, evt.rawarg the number.
r="live exit with orphans"
middle_exit() {
	alerts "$out" "$r" | jq -r --arg p "$mpid" --arg f "$1" \
	    'select(.output_fields["proc.pid"] == ($p | tonumber)) |
	    .output_fields[$f] | tostring'
}
check "middle exit: evt.rawarg.reaper_tid is the subreaper" "$rpid" \
    "$(middle_exit evt.rawarg.reaper_tid)"
check "middle exit: evt.arg.reaper_tid names the subreaper" lv_subreaper \
    "$(middle_exit evt.arg.reaper_tid)"

# exe_flags NAME UPPER LOWER WRITABLE
exe_flags() {
	_a=$(alerts "$out" "live exe flags" | jq -c --arg n "$1" \
	    'select(.output_fields["proc.name"] == $n) | .output_fields')
	check "$1: one exec" 1 "$(printf '%s\n' "$_a" | grep -c .)"
	check "$1: proc.is_exe_upper_layer" "$2" \
	    "$(printf '%s' "$_a" | jq -r '.["proc.is_exe_upper_layer"]')"
	check "$1: proc.is_exe_lower_layer" "$3" \
	    "$(printf '%s' "$_a" | jq -r '.["proc.is_exe_lower_layer"]')"
	check "$1: proc.is_exe_writable" "$4" \
	    "$(printf '%s' "$_a" | jq -r '.["proc.is_exe_writable"]')"
	check "$1: proc.is_exe_from_memfd" false \
	    "$(printf '%s' "$_a" | jq -r '.["proc.is_exe_from_memfd"]')"
}
exe_flags lv_lower false true true
exe_flags lv_upper true false true
exe_flags lv_wr_no false false false
exe_flags lv_wr_yes false false true
exe_flags lv_wr_root false false true
exe_flags lv_wr_ro false false false
exit 0
