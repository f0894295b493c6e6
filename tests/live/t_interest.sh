#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# The syscall interest mask reaches the driver: with base_syscalls
# removing the open family ("!openat" ...), a rule on openat sees
# nothing, while the same rule without the removal alerts (t_detect.sh
# covers the alerting side in depth); base_syscalls.all widens the set.
set -eu
# shellcheck source=tests/live/lib.sh
. "$(dirname "$0")/lib.sh"
need_live live_interest

cat >"$tmp/rules.yaml" <<'R'
- rule: live interest open
  desc: open of the test's probe file
  condition: evt.type in (open, openat, openat2) and fd.name = @F@
  output: "open %fd.name"
  priority: NOTICE
R
sed -i "s|@F@|$tmp/probe|" "$tmp/rules.yaml"
: >"$tmp/probe"

# run NAME [falco args]: one daemon, one open of the probe; alert count
# into n, syscall count from the log into nsc
run() {
	daemon_start "$tmp/rules.yaml" "$tmp/out" "$tmp/log" "$@"
	cat "$tmp/probe"
	sleep 0.5
	daemon_stop
	n=$(count "$tmp/out" "live interest open")
	nsc=$(sed -n "s/.*source with \([0-9]*\) syscalls.*/\1/p" "$tmp/log")
}

run
check "interest: the rule's openat is captured" 1 "$n"
base=$nsc
run -o "base_syscalls.custom_set=['!open', '!openat', '!openat2']" \
    -o base_syscalls.repair=true
check "interest: '!openat' in custom_set removes it" 0 "$n"
check "interest: three syscalls fewer" $((base - 3)) "$nsc"
run -o "base_syscalls.custom_set=[getppid]"
check "interest: custom_set without repair keeps the rules' syscalls" 1 "$n"
run -o base_syscalls.all=true
check "interest: base_syscalls.all still alerts" 1 "$n"
if [ "$nsc" -gt 300 ]; then
	ok "interest: base_syscalls.all captures $nsc syscalls"
else
	bad "interest: base_syscalls.all" "only $nsc syscalls"
fi
exit 0
