#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Runs inside the QEMU guest (tests/vm/vm.sh): loads falco.ko and checks
# it with kmodctl.  Prints one "PASS: name", "FAIL: name: why" or
# "SKIP: name: why" line per check and exits non-zero on any failure.
# FALCO_KO (plain build), FALCO_KO_DEBUG (allocation counting build),
# FALCO_SRC and RESULTS come from the harness.
# shellcheck disable=SC2317 # helpers are called through check()
set -u

ctl=$FALCO_SRC/build/bin/kmodctl
work=$FALCO_SRC/tests/kmod/workload.sh
out=$RESULTS
failed=0
ncpu=$(nproc --all 2>/dev/null || nproc)

pass() {
	echo "PASS: kmod-$1"
}

fail() {
	echo "FAIL: kmod-$1: $2"
	failed=1
}

check() {
	name=$1
	shift
	if "$@"; then
		pass "$name"
	else
		fail "$name" "$*"
	fi
}

# has FILE REGEX: FILE has a line matching the extended regex.
has() {
	grep -Eq -- "$2" "$1"
}

# A capture's totals: every record written was read, none corrupt, and
# drops (allowed only where said) were reported by gap records.
totals_ok() {
	line=$(grep '^total ' "$1") || return 1
	read_n=$(echo "$line" | sed 's/.* read=\([0-9]*\).*/\1/')
	written=$(echo "$line" | sed 's/.* written=\([0-9]*\).*/\1/')
	drops=$(echo "$line" | sed 's/.* drops=\([0-9]*\).*/\1/')
	gaps=$(echo "$line" | sed 's/.* gaps=\([0-9]*\).*/\1/')
	corrupt=$(echo "$line" | sed 's/.* corrupt=\([0-9]*\).*/\1/')
	[ "$read_n" -eq "$written" ] && [ "$corrupt" -eq 0 ] || return 1
	if [ "${2:-nodrops}" = nodrops ]; then
		[ "$drops" -eq 0 ]
	else
		[ "$drops" -eq 0 ] || [ "$gaps" -gt 0 ]
	fi
}

# wait_attached FILE: until a background capture printed "attached".
wait_attached() {
	i=0
	while ! grep -q '^attached' "$1" 2>/dev/null; do
		i=$((i + 1))
		[ "$i" -lt 300 ] || return 1
		sleep 0.1
	done
}

cpu_set() {
	echo "$2" > "/sys/devices/system/cpu/cpu$1/online"
}

ko=${FALCO_KO_DEBUG:-$FALCO_KO}

# --- loading and parameters ---
if insmod "$ko" buf_size=3 2>/dev/null; then
	fail buf-size-validated "buf_size=3 accepted"
	rmmod falco
else
	pass buf-size-validated
fi
if ! insmod "$ko" buf_size=1048576; then
	fail insmod "cannot load $ko"
	exit 1
fi
pass insmod
check devices-per-cpu [ "$(find /dev -name 'falco[0-9]*' | wc -l)" -eq "$ncpu" ]
check device-mode-0600 [ "$(stat -c %a /dev/falco0)" = 600 ]
check buf-size-param [ "$(cat /sys/module/falco/parameters/buf_size)" = 1048576 ]
if echo 12345 > /sys/module/falco/parameters/buf_size 2>/dev/null; then
	fail buf-size-runtime-validated "12345 accepted"
else
	pass buf-size-runtime-validated
fi
check info timeout 30 "$ctl" info > "$out/info.txt"
check schema-version has "$out/info.txt" '^schema 0x4000050000'

# --- one capture of the scripted workload, checked event by event ---
timeout 120 "$ctl" capture -- sh "$work" > "$out/cap.txt" 2>&1
c=$out/cap.txt
check workload-ran has "$c" '^workload status=0'
check openat-enter has "$c" \
    '^evt SYSCALL_OPENAT_2_E .* dirfd=-100 name=/tmp/falco-kmod/created flags=[0-9]+\(O_TRUNC\|O_CREAT\|O_WRONLY\) mode=0666'
check openat-exit has "$c" \
    '^evt SYSCALL_OPENAT_2_X .* fd=[0-9]+ dirfd=-100 name=/tmp/falco-kmod/created flags=[0-9]+\(O_TRUNC\|O_CREAT\|O_WRONLY\|O_F_CREATED\) mode=0666 dev=[0-9A-F]+ ino=[1-9]'
check execve has "$c" \
    '^evt SYSCALL_EXECVE_19_X .* res=0 exe=/bin/echo args=falco-arg-one.falco-arg-two. .* comm=echo .*trusted_exepath=/usr/bin/echo .*filename=/bin/echo$'
check execve-write has "$c" \
    '^evt SYSCALL_WRITE_X .* res=28 data=falco-arg-one falco-arg-two. fd=1 size=28'
check clone-child has "$c" '^evt SYSCALL_(CLONE|VFORK|FORK)_20_X .* res=0 exe=sh '
check clone-parent has "$c" '^evt SYSCALL_(CLONE|VFORK|FORK)_20_X .* res=[1-9][0-9]* exe=sh '
check connect-enter has "$c" \
    '^evt SOCKET_CONNECT_E .* addr=127\.0\.0\.1:47123$'
check connect-exit has "$c" \
    '^evt SOCKET_CONNECT_X .* res=0 tuple=127\.0\.0\.1:[0-9]+->127\.0\.0\.1:47123 fd=[0-9]+ addr=127\.0\.0\.1:47123$'
check accept-tuple has "$c" \
    '^evt SOCKET_ACCEPT4_6_X .* tuple=127\.0\.0\.1:[0-9]+->127\.0\.0\.1:47123 '
check bind has "$c" '^evt SOCKET_BIND_X .* res=0 addr=127\.0\.0\.1:47123 '
check generic-event has "$c" '^evt GENERIC_X .* ID=[0-9]+\(sched_yield\) nativeID=24$'
check close has "$c" '^evt SYSCALL_CLOSE_X .* res=0 fd=[0-9]+$'
check unlinkat has "$c" \
    '^evt SYSCALL_UNLINKAT_2_X .* res=0 dirfd=-100 name=/tmp/falco-kmod/created '
check sendmsg has "$c" '^evt SOCKET_SENDMSG_X .* res=9 data=falco-msg fd=[0-9]+ size=9 tuple=127\.0\.0\.1:'
check recvmsg has "$c" '^evt SOCKET_RECVMSG_X .* res=9 size=9 data=falco-msg '
check mkdir has "$c" '^evt SYSCALL_MKDIR(_2|AT)_X .* res=0 .*path=/tmp/falco-kmod/dir mode=1E8$' # 0750, printed in hex
check rename has "$c" '^evt SYSCALL_RENAME(AT2?)?_X .* res=0 .*/tmp/falco-kmod/dir .*/tmp/falco-kmod/moved'
check symlink has "$c" '^evt SYSCALL_SYMLINK(AT)?_X .* res=0 target=/tmp/falco-kmod/moved .*/tmp/falco-kmod/link'
check chmod has "$c" '^evt SYSCALL_(F?CHMOD|FCHMODAT)_X .* res=0 .*/tmp/falco-kmod/moved mode='
check pipe has "$c" '^evt SYSCALL_PIPE2?_X .* res=0 fd1=[0-9]+ fd2=[0-9]+ ino=[1-9]'
check dup2 has "$c" '^evt SYSCALL_DUP(2|3)_X .* res=42 oldfd=[0-9]+ newfd=42'
check rmdir has "$c" '^evt SYSCALL_(RMDIR_2|UNLINKAT_2)_X .* res=0 .*/tmp/falco-kmod/moved'
check procexit has "$c" '^evt PROCEXIT_1_E .* status=0 ret=0 sig=0 core=0 '
check all-cpus-deliver [ "$(grep -c '^stats cpu=.* online=1 evts=[1-9]' "$c")" -eq "$ncpu" ]
check nothing-lost totals_ok "$c"

# --- the same workload under this module and the eBPF driver ---
sh "$FALCO_SRC/tests/kmod/guest_parity.sh" || failed=1

# --- 32-bit syscalls come out as their x86_64 counterparts ---
sh "$FALCO_SRC/tests/kmod/guest_ia32.sh" || failed=1

# --- a syscall mask and a snaplen are honoured ---
timeout 120 "$ctl" capture -m openat,execve -s 4 -- sh "$work" \
    > "$out/mask.txt" 2>&1
check mask-keeps has "$out/mask.txt" '^evt SYSCALL_OPENAT_2_X '
if has "$out/mask.txt" '^evt (SYSCALL_CLOSE_X|GENERIC_X|SOCKET_)'; then
	fail mask-filters "unwanted events captured"
else
	pass mask-filters
fi
timeout 120 "$ctl" capture -s 4 -- sh "$work" > "$out/snap.txt" 2>&1
check snaplen has "$out/snap.txt" '^evt SYSCALL_WRITE_X .* res=28 data=falc fd=1 size=28'

# --- two consumers at once both see everything ---
timeout 120 "$ctl" capture -t 600 > "$out/two-a.txt" 2>&1 &
a=$!
if wait_attached "$out/two-a.txt"; then
	timeout 120 "$ctl" capture -- sh "$work" > "$out/two-b.txt" 2>&1
	kill -TERM "$a"
	wait "$a"
	check two-consumers-a has "$out/two-a.txt" 'name=/tmp/falco-kmod/created'
	check two-consumers-b has "$out/two-b.txt" 'name=/tmp/falco-kmod/created'
	check two-consumers-ids [ "$(sed -n 's/^attached consumer=//p' "$out/two-a.txt")" != \
	    "$(sed -n 's/^attached consumer=//p' "$out/two-b.txt")" ]
	check two-consumers-a-totals totals_ok "$out/two-a.txt"
else
	fail two-consumers "first consumer did not attach"
	kill -TERM "$a"
fi

# --- rmmod is refused while a consumer holds a device ---
timeout 120 "$ctl" capture -t 600 > "$out/hold.txt" 2>&1 &
h=$!
if wait_attached "$out/hold.txt"; then
	if rmmod falco 2>/dev/null; then
		fail rmmod-refused "module removed under a consumer"
	else
		pass rmmod-refused
	fi
fi
kill -TERM "$h"
wait "$h"

# --- netlink: invalid requests rejected, random ones harmless ---
timeout 120 "$ctl" nlcheck -i 3000 > "$out/nl.txt" 2>&1
sed 's/^\(PASS\|FAIL\): nl-/\1: kmod-nl-/' "$out/nl.txt" | grep -E '^(PASS|FAIL):'
grep -q '^FAIL' "$out/nl.txt" && failed=1
check nl-ran has "$out/nl.txt" '^PASS: nl-alive-after-fuzz'

# --- CPU hotplug ---
if [ "$ncpu" -lt 2 ] || [ ! -w /sys/devices/system/cpu/cpu1/online ]; then
	echo "SKIP: kmod-hotplug: CPU 1 cannot be taken offline"
else
	# Start with CPU 1 offline: the consumer gets its ring when it
	# comes online, with a hotplug event first.
	cpu_set 1 0
	timeout 300 "$ctl" capture -t 900 > "$out/hp.txt" 2>&1 &
	p=$!
	if wait_attached "$out/hp.txt"; then
		pass hotplug-start-offline
	else
		fail hotplug-start-offline "no attach with CPU 1 offline"
	fi
	cpu_set 1 1
	taskset -c 1 sh "$work"
	i=0
	while [ "$i" -lt 50 ]; do
		cpu_set 1 0
		/bin/true
		cpu_set 1 1
		taskset -c 1 /bin/true
		i=$((i + 1))
	done
	sleep 1
	kill -TERM "$p"
	wait "$p"
	check hotplug-event has "$out/hp.txt" \
	    '^evt CPU_HOTPLUG_E cpu=1 .* cpu=1 action=1$'
	n=$(grep -c '^evt CPU_HOTPLUG_E cpu=1 .* action=1$' "$out/hp.txt")
	check hotplug-events-51 [ "$n" -eq 51 ]
	check hotplug-cpu1-events has "$out/hp.txt" \
	    '^evt SYSCALL_OPENAT_2_X cpu=1 .*name=/tmp/falco-kmod/created'
	check hotplug-nothing-lost totals_ok "$out/hp.txt"
fi

# --- a fork storm with a small ring: drops are counted and marked ---
# shellcheck disable=SC2016 # the inner shell expands it
timeout 300 "$ctl" capture -q -- sh -c \
    'i=0; while [ $i -lt 300 ]; do /bin/true & i=$((i + 1)); done; wait' \
    > "$out/storm.txt" 2>&1
check fork-storm has "$out/storm.txt" '^workload status=0'
check fork-storm-accounted totals_ok "$out/storm.txt" drops-allowed

# --- unload, no leak ---
if [ -r /sys/module/falco/parameters/live_allocs ]; then
	check live-allocs-zero \
	    [ "$(cat /sys/module/falco/parameters/live_allocs)" = 0 ]
fi
check rmmod rmmod falco
if [ -n "${FALCO_KO_DEBUG:-}" ]; then
	if dmesg | grep -q 'allocations leaked'; then
		fail no-leak "$(dmesg | grep 'allocations leaked')"
	else
		pass no-leak
	fi
fi

# --- the plain (non-debug) build loads, captures and unloads too ---
if [ -n "${FALCO_KO_DEBUG:-}" ]; then
	insmod "$FALCO_KO" &&
	    timeout 120 "$ctl" capture -- sh "$work" > "$out/plain.txt" 2>&1
	check plain-build has "$out/plain.txt" \
	    '^evt SYSCALL_EXECVE_19_X .* exe=/bin/echo '
	check plain-rmmod rmmod falco
fi

exit "$failed"
