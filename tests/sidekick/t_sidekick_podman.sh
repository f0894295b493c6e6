#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Automated response against real Podman containers: the container
# output talks to Podman's Docker-compatible API on a socket of our own
# and must pause the container named by a CRITICAL alert (forensics saved
# first, action recorded) and leave the one named by a WARNING alert
# running; then the program output runs a response script that reads the
# alert on stdin and pauses the container with the podman CLI, within
# its timeout.  Everything is removed or restored at the end (see
# tests/lib/podman.sh).
# lib.sh sets SK_* variables and conditions are evaluated later on
# purpose.
# shellcheck disable=SC1091,SC2016
set -eu
. "$(dirname "$0")/lib.sh"
. "$FALCO_SRC/tests/lib/podman.sh"

t_cleanup() {
	set +e
	pm_cleanup
	sk_cleanup
}
trap t_cleanup EXIT
trap 'exit 1' INT TERM

skip() {
	echo "SKIP: sidekick_podman: $1"
	exit 0
}

[ -x "$SK_BIN" ] || skip "$SK_BIN not built"
pm_setup "$SK_TMP" || skip "$PM_WHY"

c1=sk-resp-$$-bad
c2=sk-resp-$$-warn
c3=sk-resp-$$-prog
for c in "$c1" "$c2" "$c3"; do
	pm_run "$c" sleep 300 || skip "$PM_WHY"
done

state() {
	podman inspect -f '{{.State.Status}}' "$1" 2>/dev/null
}

# alert FILE PRIORITY CONTAINER: a Falco JSON alert for that container,
# with the fields falco puts in output_fields (short and full id).
alert() {
	full=$(podman inspect -f '{{.Id}}' "$3")
	python3 - "$SK_DATA/alert.json" "$1" "$2" "$3" "$full" <<'PY'
import json, sys
src, dst, prio, name, full = sys.argv[1:]
a = json.load(open(src))
short = full[:12]
a["priority"] = prio
a["output"] = ("18:00:00.000000000: %s Sensitive file opened for reading "
               "by an untrusted program | file=/etc/shadow command=cat "
               "/etc/shadow container_id=%s container_name=%s"
               % (prio, short, name))
a["output_fields"] = {
    "container.id": short, "container.full_id": full,
    "container.name": name, "evt.time": 1796403222990985010,
    "fd.name": "/etc/shadow", "proc.cmdline": "cat /etc/shadow",
    "user.name": "root"}
json.dump(a, open(dst, "w"))
PY
}

# 1) The container output, through the Docker-compatible API.
cat >"$SK_TMP/c.yaml" <<EOC
containerresponse:
  enabled: true
  socket: "$PM_SOCK"
  action: pause
  minimumpriority: critical
  forensicsdir: "$SK_TMP/forensics"
  logfile: "$SK_TMP/response.log"
EOC
start_sk "$SK_TMP/c.yaml" || skip "falcosidekick did not start"
alert "$SK_TMP/crit.json" Critical "$c1"
alert "$SK_TMP/warn.json" Warning "$c2"
check api_alerts_accepted [ "$(post "$SK_TMP/warn.json")$(post \
    "$SK_TMP/crit.json")" = 200200 ]
wait_lines 15 "$SK_TMP/response.log" -ge 1 || true
check critical_container_paused wait_until 10 eval \
    '[ "$(state "$c1")" = paused ]'
check warning_container_running [ "$(state "$c2")" = running ]

short1=$(podman inspect -f '{{.Id}}' "$c1" | cut -c1-12)
full1=$(podman inspect -f '{{.Id}}' "$c1")
f=$(find "$SK_TMP/forensics" -name "$short1-*.json" 2>/dev/null | head -1)
# The inspect JSON was taken before the pause: it shows a running
# container with podman's full id and our name.
check forensics_inspect_parses python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
assert d["Id"] == sys.argv[2], d["Id"]
assert d["Name"].lstrip("/") == sys.argv[3], d["Name"]
assert d["State"]["Running"] is True and d["State"]["Paused"] is False, \
    d["State"]
' "${f:-/dev/null}" "$full1" "$c1"
check forensics_private [ "$(stat -c %a "${f:-/dev/null}")" = 600 ]
check action_recorded python3 -c 'import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
assert len(recs) == 1, recs
r = recs[0]
assert r["status"] == "done" and r["action"] == "pause", r
assert r["container_id"] == sys.argv[2] and r["priority"].lower() == "critical", r
assert r["http_status"] == 204 and r["forensics"] == sys.argv[3], r
' "$SK_TMP/response.log" "$short1" "${f:-}"
check response_metric_sent wait_metric 5 \
    'falcosidekick_output_alerts_total{destination="containerresponse",priority="critical",status="sent"}' = 1

# A second alert for the paused container: already in that state, done.
post "$SK_TMP/crit.json" >/dev/null
wait_lines 10 "$SK_TMP/response.log" -ge 2 || true
check repeat_on_paused_done python3 -c 'import json, sys
r = json.loads(open(sys.argv[1]).readlines()[1])
assert r["status"] == "done" and r["container_id"] == sys.argv[2], r
assert r["message"] == "container already in that state", r
' "$SK_TMP/response.log" "$short1"
check still_paused [ "$(state "$c1")" = paused ]
stop_sk

# 2) The program output: a response script in the shape of the usual
# falco-respond.sh, with podman in place of docker.
cat >"$SK_TMP/respond.sh" <<'EOS'
#!/bin/sh
set -eu
log=$1
dir=$2
event=$(cat)
rule=$(printf '%s' "$event" | jq -r '.rule')
prio=$(printf '%s' "$event" | jq -r '.priority')
cid=$(printf '%s' "$event" | jq -r '.output_fields["container.id"] // empty')
echo "alert rule=$rule priority=$prio container=$cid" >>"$log"
if [ "$prio" = Critical ] && [ -n "$cid" ]; then
	podman pause "$cid" >/dev/null
	podman inspect "$cid" >"$dir/forensics-$cid.json"
	echo "paused $cid" >>"$log"
fi
EOS
chmod +x "$SK_TMP/respond.sh"
cat >"$SK_TMP/p.yaml" <<EOC
program:
  path: "$SK_TMP/respond.sh"
  args: ["$SK_TMP/prog.log", "$SK_TMP"]
  timeout: 20
  minimumpriority: warning
EOC
start_sk "$SK_TMP/p.yaml" || skip "falcosidekick did not start"
alert "$SK_TMP/pwarn.json" Warning "$c2"
alert "$SK_TMP/pcrit.json" Critical "$c3"
t0=$(date +%s)
post "$SK_TMP/pwarn.json" >/dev/null
post "$SK_TMP/pcrit.json" >/dev/null
check program_ran_twice wait_metric 25 \
    'falcosidekick_output_alerts_total{destination="program",priority="critical",status="sent"}' = 1
check program_within_timeout [ $(($(date +%s) - t0)) -le 20 ]
short3=$(podman inspect -f '{{.Id}}' "$c3" | cut -c1-12)
short2=$(podman inspect -f '{{.Id}}' "$c2" | cut -c1-12)
check program_got_both_alerts [ "$(grep -c '^alert rule=Read sensitive file untrusted' \
    "$SK_TMP/prog.log" 2>/dev/null)" = 2 ]
check program_paused_critical [ "$(state "$c3")" = paused ]
check program_warning_left_running [ "$(state "$c2")" = running ]
check program_log_names_container grep -qx "paused $short3" "$SK_TMP/prog.log"
check program_forensics_parse python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
assert d[0]["Id"].startswith(sys.argv[2]), d[0]["Id"]
' "$SK_TMP/forensics-$short3.json" "$short3"
check program_warning_not_paused [ "$(grep -c "paused $short2" \
    "$SK_TMP/prog.log")" = 0 ]
stop_sk

# 3) A script that outlives its timeout is killed; the container it
# would have paused stays running.
cat >"$SK_TMP/slow.sh" <<EOS
#!/bin/sh
cat >/dev/null
sleep 30
podman pause "$c2"
EOS
chmod +x "$SK_TMP/slow.sh"
printf 'program:\n  path: "%s"\n  timeout: 1\n' "$SK_TMP/slow.sh" \
    >"$SK_TMP/slow.yaml"
start_sk "$SK_TMP/slow.yaml" || skip "falcosidekick did not start"
t0=$(date +%s)
post "$SK_TMP/pcrit.json" >/dev/null
check slow_program_killed wait_metric 5 \
    'falcosidekick_output_alerts_total{destination="program",priority="critical",status="failed"}' = 1
check slow_program_prompt [ $(($(date +%s) - t0)) -le 4 ]
check slow_program_no_action [ "$(state "$c2")" = running ]
stop_sk

# 4) stop and kill through the API: the running container exits, so does
# the paused one; asked again, both are recorded as already done.
: >"$SK_TMP/response.log"
start_sk "$SK_TMP/c.yaml" CONTAINERRESPONSE_ACTION=stop \
    CONTAINERRESPONSE_STOPTIMEOUT=1 || skip "falcosidekick did not start"
alert "$SK_TMP/stop.json" Critical "$c2"
post "$SK_TMP/stop.json" >/dev/null
check stop_container_exited wait_until 15 eval '[ "$(state "$c2")" = exited ]'
post "$SK_TMP/stop.json" >/dev/null
wait_lines 10 "$SK_TMP/response.log" -ge 2 || true
stop_sk
start_sk "$SK_TMP/c.yaml" CONTAINERRESPONSE_ACTION=kill ||
    skip "falcosidekick did not start"
post "$SK_TMP/crit.json" >/dev/null
check kill_paused_container_exited wait_until 15 eval \
    '[ "$(state "$c1")" = exited ]'
post "$SK_TMP/crit.json" >/dev/null
wait_lines 10 "$SK_TMP/response.log" -ge 4 || true
stop_sk
check stop_kill_recorded python3 -c 'import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
got = [(r["action"], r["status"], r["http_status"], r["message"])
       for r in recs]
again = "container already in that state"
assert got == [("stop", "done", 204, ""), ("stop", "done", 200, again),
               ("kill", "done", 204, ""), ("kill", "done", 200, again)], got
' "$SK_TMP/response.log"

# Cleanup leaves nothing of ours behind.
pm_cleanup
check containers_removed [ -z "$(podman ps -a --format '{{.Names}}' |
    grep "sk-resp-$$-" || true)" ]
check image_removed [ -z "$(podman images -q "localhost/falco-test-$$" \
    2>/dev/null)" ]

[ "$SK_FAILS" -eq 0 ]
