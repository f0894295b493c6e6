#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Runs in the QEMU guest (tests/vm/vm.sh run) on a Debian kernel whose
# image, headers and DKMS-built falco.ko are installed on the host, whose
# root file system the guest sees read-only.  Checks that modprobe finds
# the module DKMS installed, and that falco-driver-loader chooses kmod
# there and loads it.  Prints PASS/FAIL lines; exits non-zero on a FAIL.
set -u

rel=$(uname -r)
# The console line before ours may end in escape codes: start clean.
echo
status=0

pass() {
	echo "PASS: guest-$1"
}

fail() {
	echo "FAIL: guest-$1${2:+: $2}"
	status=1
}

loaded() {
	lsmod | grep -q '^falco '
}

if out=$(modprobe falco 2>&1) && loaded; then
	pass modprobe-lsmod
else
	fail modprobe-lsmod "$out"
fi
if [ -c /dev/falco0 ]; then
	pass devices
else
	fail devices "no /dev/falco0"
fi
if rmmod falco && ! loaded; then
	pass rmmod
else
	fail rmmod
fi

choice=$(falco-driver-loader --print-choice 2>/tmp/why) || true
if [ "$choice" = kmod ]; then
	pass loader-auto-kmod
else
	fail loader-auto-kmod "chose '$choice': $(cat /tmp/why)"
fi
cat /tmp/why
if falco-driver-loader kmod --compile > /tmp/loader.out 2>&1 && loaded; then
	pass loader-loads-kmod
else
	fail loader-loads-kmod "$(tail -n 3 /tmp/loader.out | tr '\n' ' ')"
fi
cat /tmp/loader.out
rmmod falco 2>/dev/null || true
echo "guest: kernel $rel done, status $status"
exit "$status"
