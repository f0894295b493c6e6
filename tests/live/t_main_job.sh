#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# scripts/main-job.sh: picks the modern eBPF driver here (no kernel
# module on the host: FALCO_NO_MODPROBE=1; the kernel module when
# LIVE_ENGINE=kmod and /dev/falco0 exists), runs the default rules live
# and prints the default rule's alert for a real read of /etc/shadow.
set -eu
# shellcheck source=tests/live/lib.sh
. "$(dirname "$0")/lib.sh"
need_live live_main_job

FALCO_NO_MODPROBE=1 sh "$top/scripts/main-job.sh" --duration 8 \
    >"$tmp/out" 2>"$tmp/err" &
mpid=$!
pids="$pids $mpid"
i=0
while ! grep -q "capture: $engine attached" "$tmp/err"; do
	i=$((i + 1))
	if [ $i -gt 300 ] || ! kill -0 "$mpid" 2>/dev/null; then
		echo "FAIL: main job start: $(tail -3 "$tmp/err")"
		exit 0
	fi
	sleep 0.1
done
cp /bin/cat "$tmp/lv_cat"
"$tmp/lv_cat" /etc/shadow >/dev/null
st=0
wait "$mpid" || st=$?
check "main job: exit status after --duration" 0 "$st"
want="modern eBPF"
[ "$engine" = kmod ] && want="kernel module"
if grep -q "^main-job: driver: $want" "$tmp/err"; then
	ok "main job: chose the $want driver"
else
	bad "main job: driver" "$(grep '^main-job' "$tmp/err" | head -2)"
fi
a=$(grep "Sensitive file opened for reading by an untrusted program" \
    "$tmp/out" | grep "process=lv_cat" || true)
case $a in
*"file=/etc/shadow "*"proc_exepath=$tmp/lv_cat "*)
	ok "main job: default rule alert on stdout" ;;
*) bad "main job: default rule alert" "got '$(head -c 300 "$tmp/out")'" ;;
esac
exit 0
