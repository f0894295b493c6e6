#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Live detection on the modern eBPF driver: start the daemon with the
# test rules, perform real actions, check every alert and its fields;
# the run is recorded with -w and its replay must give the same alerts.
set -eu
# shellcheck source=tests/live/lib.sh
. "$(dirname "$0")/lib.sh"
need_live live_detect

here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$tmp/d1" "$tmp/d2"
: >"$tmp/d1/f1"
: >"$tmp/d2/f2"
: >"$tmp/new"
: >"$tmp/other"
cp /bin/cat "$tmp/lv_reader"
cp /usr/bin/timeout "$tmp/lv_parent"
cp /bin/true "$tmp/lv_nsinit"

python3 "$here/listener.py" 60 >"$tmp/port" &
lpid=$!
pids="$pids $lpid"
i=0
while [ ! -s "$tmp/port" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
port=$(cat "$tmp/port")

sed -e "s|@DIR@|$tmp|g" -e "s|@PORT@|$port|g" "$here/rules.yaml" \
    >"$tmp/rules.yaml"
out=$tmp/alerts.json
daemon_start "$tmp/rules.yaml" "$out" "$tmp/falco.log" -w "$tmp/rec.scap"

# -- the actions --
"$tmp/lv_reader" /etc/shadow >/dev/null &
rpid=$!
wait "$rpid"
"$tmp/lv_parent" 5 /bin/sh -c 'exit 0'
python3 "$here/client.py" "$port" 2>"$tmp/cport" >/dev/null
python3 "$here/actions.py" "$tmp"
nobody="--reuid=65534 --regid=65534 --clear-groups"
# shellcheck disable=SC2086
setpriv $nobody /usr/bin/passwd --help >/dev/null 2>&1 || true
# shellcheck disable=SC2086
setpriv $nobody /bin/true
# shellcheck disable=SC2086
setpriv $nobody /nonexistent 2>/dev/null || true
unshare --pid --fork "$tmp/lv_nsinit"
sleep 1
daemon_stop
# The closing capture line accounts for every event the driver produced:
# read + dropped + left unread in the rings = produced.
cl=$(grep 'events read, ' "$tmp/falco.log" | tail -n 1)
check "capture line: read + dropped + unread = produced" ok \
    "$(echo "$cl" | awk '{
	for (i = 1; i <= NF; i++) {
		if ($(i + 1) == "events" && $(i + 2) == "read,") r = $i
		if ($(i + 1) == "produced,") p = $i
		if ($(i + 1) == "left") u = $i
		if ($(i + 1) == "dropped") d = $i
	}
	print (p != "" && r + d + u == p) ? "ok" : "r=" r " d=" d " u=" u " p=" p
    }')"
check "live daemon exit status" 0 "$dstatus"
kill "$lpid" 2>/dev/null || true
cport=$(head -1 "$tmp/cport")
tuple="127.0.0.1:$cport->127.0.0.1:$port"

# -- the alerts --
r="live sensitive read"
check "sensitive read: one alert" 1 "$(count "$out" "$r")"
check "sensitive read: fd.name" /etc/shadow "$(field "$out" "$r" fd.name)"
check "sensitive read: proc.name" lv_reader "$(field "$out" "$r" proc.name)"
check "sensitive read: proc.pid" "$rpid" "$(field "$out" "$r" proc.pid)"

r="live shell from non-shell parent"
check "shell: one alert" 1 "$(count "$out" "$r")"
check "shell: proc.name" sh "$(field "$out" "$r" proc.name)"
check "shell: proc.pname" lv_parent "$(field "$out" "$r" proc.pname)"
check "shell: proc.cmdline" "sh -c exit 0" \
    "$(field "$out" "$r" proc.cmdline)"

r="live outbound connect"
check "connect: one alert" 1 "$(count "$out" "$r")"
check "connect: fd.name" "$tuple" "$(field "$out" "$r" fd.name)"
check "connect: fd.sip" 127.0.0.1 "$(field "$out" "$r" fd.sip)"
check "connect: fd.sport" "$port" "$(field "$out" "$r" fd.sport)"
check "connect: fd.cport" "$cport" "$(field "$out" "$r" fd.cport)"

r="live socket on std fd"
check "dup2 onto stdout: two alerts" 2 "$(count "$out" "$r")"
check "dup2 onto stdout: evt.type" dup2 "$(field "$out" "$r" evt.type 1)"
check "dup2 onto stdout: fd.num" 1 "$(field "$out" "$r" fd.num 1)"
check "dup2 onto stdout: fd.name" "$tuple" "$(field "$out" "$r" fd.name 1)"
check "dup3 onto stderr: evt.type" dup3 "$(field "$out" "$r" evt.type 2)"
check "dup3 onto stderr: fd.num" 2 "$(field "$out" "$r" fd.num 2)"

r="live write on socket stdout"
check "write after dup2: one alert" 1 "$(count "$out" "$r")"
check "write after dup2: fd.name is the socket" "$tuple" \
    "$(field "$out" "$r" fd.name)"

r="live open under dir"
check "openat dirfd and chdir: two alerts" 2 "$(count "$out" "$r")"
check "openat with a real dirfd: fd.name" "$tmp/d1/f1" \
    "$(field "$out" "$r" fd.name 1)"
check "open relative after chdir: fd.name" "$tmp/d2/f2" \
    "$(field "$out" "$r" fd.name 2)"

r="live watched file replaced"
check "rename and symlink over watched: two alerts" 2 \
    "$(count "$out" "$r")"
t=$(field "$out" "$r" evt.type 1)
case $t in
rename | renameat | renameat2) ok "rename: evt.type $t" ;;
*) bad "rename: evt.type" "got '$t'" ;;
esac
check "rename: fs.path.source" "$tmp/new" \
    "$(field "$out" "$r" fs.path.source 1)"
check "rename: fs.path.target" "$tmp/watched" \
    "$(field "$out" "$r" fs.path.target 1)"
t=$(field "$out" "$r" evt.type 2)
case $t in
symlink | symlinkat) ok "symlink: evt.type $t" ;;
*) bad "symlink: evt.type" "got '$t'" ;;
esac
check "symlink: fs.path.source" "$tmp/other" \
    "$(field "$out" "$r" fs.path.source 2)"
check "symlink: fs.path.target" "$tmp/watched" \
    "$(field "$out" "$r" fs.path.target 2)"

r="live setuid exec"
check "setuid exec by nobody: one alert" 1 "$(count "$out" "$r")"
check "setuid exec: proc.exepath" /usr/bin/passwd \
    "$(field "$out" "$r" proc.exepath)"
check "setuid exec: user.uid is the euid" 0 "$(field "$out" "$r" user.uid)"

r="live failed exec"
check "failed exec: one alert" 1 "$(count "$out" "$r")"
check "failed exec: evt.res" ENOENT "$(field "$out" "$r" evt.res)"
check "failed exec: proc.name kept" setpriv "$(field "$out" "$r" proc.name)"

r="live pid namespace"
check "pid namespace: one alert" 1 "$(count "$out" "$r")"
check "pid namespace: proc.vpid" 1 "$(field "$out" "$r" proc.vpid)"
p=$(field "$out" "$r" proc.pid)
if [ "$p" -gt 1 ] 2>/dev/null; then
	ok "pid namespace: proc.pid is the host pid ($p)"
else
	bad "pid namespace: proc.pid" "got '$p'"
fi

r="live memfd exec"
check "memfd exec: one alert" 1 "$(count "$out" "$r")"
check "memfd exec: proc.is_exe_from_memfd" true \
    "$(field "$out" "$r" proc.is_exe_from_memfd)"
check "memfd exec: proc.name" memfd:lv_memfd "$(field "$out" "$r" proc.name)"
check "memfd exec: proc.exe" lv_memfd "$(field "$out" "$r" proc.exe)"

# -- the recording replays to the same alerts --
"$falco" -c "$top/falco.yaml" -r "$tmp/rules.yaml" -o json_output=true \
    -o webserver.enabled=false -o syslog_output.enabled=false \
    -e "$tmp/rec.scap" >"$tmp/replay.json" 2>"$tmp/replay.log" || true
grep '^{' "$out" | sort >"$tmp/a.live"
grep '^{' "$tmp/replay.json" | sort >"$tmp/a.replay"
n=$(wc -l <"$tmp/a.live" | tr -d ' ')
if [ "$n" -gt 0 ] && cmp -s "$tmp/a.live" "$tmp/a.replay"; then
	ok "recording replays to the same $n alerts"
else
	bad "recording replay" "$(diff "$tmp/a.live" "$tmp/a.replay" | head -5)"
fi
exit 0
