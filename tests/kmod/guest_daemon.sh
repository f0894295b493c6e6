#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Guest half of tests/kmod/t_kmod_daemon.sh, run by `vm.sh run`: loads
# $FALCO_KO and runs the live tests of tests/live with LIVE_ENGINE=kmod,
# so that the daemon captures through /dev/falco* instead of eBPF.
# Their PASS/FAIL/SKIP lines go to the console with the prefix
# "kmod-daemon-"; the daemon logs of failed runs stay in $RESULTS.
set -eu

live=$FALCO_SRC/tests/live
# The console line so far holds the firmware's escape sequences.
echo
if ! insmod "$FALCO_KO"; then
	echo "FAIL: kmod-daemon-insmod: cannot load $FALCO_KO"
	exit 1
fi
echo "PASS: kmod-daemon-insmod"

status=0
for t in ${FALCO_KMOD_LIVE:-t_detect t_interest t_drop_failed}; do
	t0=$(date +%s)
	LIVE_ENGINE=kmod sh "$live/$t.sh" > "$RESULTS/$t.out" 2>&1 ||
	    status=1
	sed -n 's/^\(PASS\|FAIL\|SKIP\): /\1: kmod-daemon-/p' \
	    "$RESULTS/$t.out"
	grep -q '^FAIL' "$RESULTS/$t.out" && status=1
	echo "kmod-daemon: $t took $(($(date +%s) - t0)) s"
done
rmmod falco || status=1
exit $status
