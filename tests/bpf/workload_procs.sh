#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Process actions whose events tests/bpf/t_bpf_procs.sh (raw driver
# records) and tests/live/t_procs.sh (daemon fields) check:
#
#	workload_procs.sh DIR PROCS
#
# DIR is a scratch directory readable by everyone, PROCS the live_procs
# helper.  Run in a private mount namespace (unshare -m): the tmpfs and
# the overlay mounted here are unmounted at the end and could not leak
# out anyway.  Names of the programs run tell the checks which is which:
#
#   lv_subreaper, lv_middle  a subreaper whose grandchild is orphaned
#   lv_lower, lv_upper       run from an overlay's lower and upper layer
#   lv_wr_no, lv_wr_yes      run by nobody: mode 0755 and 0757, owner root
#   lv_wr_root               run by root (the owner)
#   lv_wr_ro                 run by root from a read-only filesystem
#   lv_nsinit                the init of a new pid namespace
#
# then workload_procs.py: creat(2), a memfd exec, failing clone and
# execve calls.
set -eu

dir=$1
procs=$2
here=$(cd "$(dirname "$0")" && pwd)
nobody="--reuid=65534 --regid=65534 --clear-groups"

cp "$procs" "$dir/lv_subreaper"
cp "$procs" "$dir/lv_middle"
"$dir/lv_subreaper" reaper "$dir"
"$dir/lv_subreaper" vfork >"$dir/vfork.out"

t=$dir/t
mkdir -p "$t"
mount -t tmpfs -o mode=0755 lv_tmpfs "$t"
mkdir "$t/lower" "$t/upper" "$t/work" "$t/merged"
cp /bin/true "$t/lower/lv_lower"
mount -t overlay lv_overlay \
    -o "lowerdir=$t/lower,upperdir=$t/upper,workdir=$t/work" "$t/merged"
cp /bin/true "$t/merged/lv_upper"
"$t/merged/lv_lower"
"$t/merged/lv_upper"
cat "$t/merged/lv_lower" >/dev/null
: >"$t/merged/lv_new"
python3 "$here/workload_procs.py" "$dir" "$t/merged"
umount "$t/merged"

for n in lv_wr_no lv_wr_yes lv_wr_root lv_wr_ro; do
	cp /bin/true "$t/$n"
	chmod 0755 "$t/$n"
done
chmod 0757 "$t/lv_wr_yes"
# shellcheck disable=SC2086
setpriv $nobody "$t/lv_wr_no"
# shellcheck disable=SC2086
setpriv $nobody "$t/lv_wr_yes"
"$t/lv_wr_root"
mount -o remount,ro "$t"
"$t/lv_wr_ro"
umount "$t"

cp /bin/true "$dir/lv_nsinit"
unshare --pid --fork "$dir/lv_nsinit"
