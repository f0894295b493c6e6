#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# event-generator: the action list, every action's syscall-level effect
# (checked with strace against tests/evgen/actions.tsv), that actions
# leave nothing behind and talk only to loopback or their private
# network namespaces, and the alert listener of "test" mode (alerts are
# POSTed with curl, standing in for Falco's http_output).
set -eu

# shellcheck source=tests/lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
bin=$build/bin/event-generator
data=$top/tests/evgen/actions.tsv
rules=$top/rules/falco_rules.yaml

need_exec evgen "$bin" "make build/bin/event-generator"

# The data file without comments.
grep -v '^#' "$data" >"$tmp/data"

# --- list ---------------------------------------------------------------

"$bin" list >"$tmp/list.default"
"$bin" list --all >"$tmp/list.all"
"$bin" list --all --long >"$tmp/list.long"
awk -F'\t' '$2 == "default" { print "syscall." $1 }' "$tmp/data" \
    >"$tmp/want.default"
awk -F'\t' '{ print "syscall." $1 }' "$tmp/data" >"$tmp/want.all"
awk -F'\t' '{ print "syscall." $1 "\t" $4 "\t" $2 "\t" $3 }' "$tmp/data" \
    >"$tmp/want.long"
cut -f1-4 "$tmp/list.long" >"$tmp/got.long"

check_cmd "list: the 23 default actions" \
    cmp -s "$tmp/want.default" "$tmp/list.default"
check_cmd "list --all: all 66 actions" cmp -s "$tmp/want.all" "$tmp/list.all"
check_cmd "list --long: rule, set and placement of every action" \
    cmp -s "$tmp/want.long" "$tmp/got.long"
check_cmd "list: helper actions are not listed" \
    test "$(grep -c '^helper' "$tmp/list.all" || true)" -eq 0
check_cmd "list REGEXP: Ptrace selects the two ptrace actions" \
    test "$("$bin" list Ptrace | wc -l)" -eq 2
check_cmd "list REGEXP: off-by-default actions need --all" \
    test "$("$bin" list WriteBelow | wc -l)" -eq 0
check_cmd "list REGEXP --all: WriteBelow selects five actions" \
    test "$("$bin" list WriteBelow --all | wc -l)" -eq 5

missing=0
while IFS="$(printf '\t')" read -r _ _ _ rule _ _; do
	grep -qxF -- "- rule: $rule" "$rules" || {
		echo "rule missing from falco_rules.yaml: $rule"
		missing=$((missing + 1))
	}
done <"$tmp/data"
check_cmd "every expected rule is defined in rules/falco_rules.yaml" \
    test "$missing" -eq 0

rc=0
"$bin" frobnicate >/dev/null 2>&1 || rc=$?
check_cmd "usage error exits 2" test "$rc" -eq 2
rc=0
"$bin" --help >"$tmp/help" 2>&1 || rc=$?
check_cmd "--help: exit 0, says test needs falco's http_output on the listener" \
    sh -c "[ $rc -eq 0 ] && grep -q 'http_output.url=http://ADDR:PORT/' '$tmp/help'"
rc=0
"$bin" run '(' >/dev/null 2>&1 || rc=$?
check_cmd "invalid regexp is refused" test "$rc" -ne 0
rc=0
"$bin" run '^syscall.NoSuchAction$' >/dev/null 2>"$tmp/err" || rc=$?
check_cmd "run: no matching action exits 1 with a message" \
    sh -c "[ $rc -eq 1 ] && grep -q 'no action matches' '$tmp/err'"

# --loop repeats until SIGTERM, then finishes the action in progress.
"$bin" run --loop --sleep 20ms '^syscall.ClearLogActivities$' \
    2>"$tmp/loop.err" &
pids=$!
sleep 0.5
kill -TERM "$pids"
rc=0
wait "$pids" || rc=$?
pids=
check_cmd "run --loop: repeats, stops cleanly on SIGTERM" \
    sh -c "[ $rc -eq 0 ] && [ \$(grep -c 'ClearLogActivities: executed' '$tmp/loop.err') -ge 3 ]"
check_cmd "run --loop: nothing left behind after SIGTERM" \
    test -z "$(find "${TMPDIR:-/tmp}" -maxdepth 1 \
    -name 'falco-event-generator-syscall-ClearLogActivities-*')"

# --- test mode: the listener -------------------------------------------

port=$((20000 + $$ % 20000))
url=http://127.0.0.1:$port/

post() {
	# post RULE: send alert.json with that rule; prints the HTTP status.
	sed "s/RULE_NAME/$1/" "$top/tests/evgen/alert.json" >"$tmp/alert"
	curl -q -s -o /dev/null -w '%{http_code}' -X POST \
	    -H 'Content-Type: application/json' --data-binary @"$tmp/alert" \
	    "$url" || true
}

wait_for() {
	# wait_for FILE PATTERN: up to 10 s for PATTERN to appear in FILE.
	i=0
	while [ $i -lt 100 ]; do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

if ! command -v curl >/dev/null 2>&1; then
	echo "SKIP: test mode: curl is not installed (apt-get install curl)"
else
	# A matching alert arrives: PASS, exit 0.
	"$bin" test '^syscall.ClearLogActivities$' --listen "127.0.0.1:$port" \
	    --timeout 10s --sleep 0 >"$tmp/t1.out" 2>"$tmp/t1.err" &
	pids=$!
	wait_for "$tmp/t1.err" 'ClearLogActivities: executed' || true
	code=$(post "Clear Log Activities")
	rc=0
	wait "$pids" || rc=$?
	pids=
	check_cmd "test: listener accepts a POSTed JSON alert (HTTP 200)" \
	    test "$code" = 200
	check_cmd "test: the alert's rule matches the action, PASS and exit 0" \
	    sh -c "[ $rc -eq 0 ] && grep -q '^PASS syscall.ClearLogActivities: rule \"Clear Log Activities\"' '$tmp/t1.out'"
	check_cmd "test: summary counts one pass and one alert" \
	    grep -q '^1 passed, 0 failed, 0 skipped (1 alerts received)' \
	    "$tmp/t1.out"

	# Only alerts of other rules, and bad requests: FAIL, exit 1.
	"$bin" test '^syscall.ClearLogActivities$' --listen "127.0.0.1:$port" \
	    --timeout 3s --sleep 0 >"$tmp/t2.out" 2>"$tmp/t2.err" &
	pids=$!
	wait_for "$tmp/t2.err" 'ClearLogActivities: executed' || true
	code_other=$(post "Write below etc")
	code_bad=$(curl -q -s -o /dev/null -w '%{http_code}' -X POST \
	    --data-binary 'not json' "$url" || true)
	code_norule=$(curl -q -s -o /dev/null -w '%{http_code}' -X POST \
	    --data-binary '{"priority":"Warning"}' "$url" || true)
	code_get=$(curl -q -s -o /dev/null -w '%{http_code}' "$url" || true)
	rc=0
	wait "$pids" || rc=$?
	pids=
	check_cmd "test: another rule's alert is accepted (HTTP 200)" \
	    test "$code_other" = 200
	check_cmd "test: a body that is not JSON is refused (HTTP 400)" \
	    test "$code_bad" = 400
	check_cmd "test: JSON without a rule is refused (HTTP 400)" \
	    test "$code_norule" = 400
	check_cmd "test: GET is refused (HTTP 405)" test "$code_get" = 405
	check_cmd "test: no alert within the timeout is a FAIL, exit 1" \
	    sh -c "[ $rc -eq 1 ] && grep -q '^FAIL syscall.ClearLogActivities: no alert' '$tmp/t2.out'"
	check_cmd "test: FAIL with other alerts received hints at the rule or placement" \
	    grep -q '^FAIL syscall.ClearLogActivities: no alert.*: 1 other alerts did arrive.*enabled' \
	    "$tmp/t2.out"

	# No alert at all: the hint names the listener and http_output.
	rc=0
	"$bin" test '^syscall.ClearLogActivities$' --listen "127.0.0.1:$port" \
	    --timeout 1s --sleep 0 >"$tmp/t2b.out" 2>/dev/null || rc=$?
	check_cmd "test: FAIL with no alert at all hints at http_output.url" \
	    sh -c "[ $rc -eq 1 ] && grep -q '^FAIL syscall.ClearLogActivities: no alert.*: no alert at all has reached http://127.0.0.1:$port/; .*http_output.enabled=true and http_output.url=http://127.0.0.1:$port/' '$tmp/t2b.out'"

	# An action that cannot run here is a SKIP, not a failure.
	rc=0
	FALCO_EVGEN_CONTAINER=no "$bin" test \
	    '^syscall.PacketSocketCreatedInContainer$' \
	    --listen "127.0.0.1:$port" --timeout 1s --sleep 0 \
	    >"$tmp/t3.out" 2>/dev/null || rc=$?
	check_cmd "test: a container-only action on the host: SKIP, exit 0" \
	    sh -c "[ $rc -eq 0 ] && grep -q '^SKIP syscall.PacketSocketCreatedInContainer: runs only in a container' '$tmp/t3.out'"

	# Placement as the daemon decides it: the container id of the cgroup
	# path, whatever marker files say.  With no 64-hex component in any
	# cgroup path, the daemon says host: so must the generator.
	if grep -Eq '[0-9a-f]{64}' /proc/self/cgroup; then
		echo "SKIP: test: placement on the host: this shell's cgroup" \
		    "path already carries a container id"
	else
		rc=0
		env -u FALCO_EVGEN_CONTAINER "$bin" test \
		    '^syscall.PacketSocketCreatedInContainer$' \
		    --listen "127.0.0.1:$port" --timeout 1s --sleep 0 \
		    >"$tmp/t3b.out" 2>/dev/null || rc=$?
		check_cmd "test: no container id in the cgroup: host, the reason in the SKIP" \
		    sh -c "[ $rc -eq 0 ] && grep -q '^SKIP syscall.PacketSocketCreatedInContainer: runs only in a container and this is the host: /proc/self/cgroup names no container, so the daemon reports container.id=host' '$tmp/t3b.out'"
	fi
	# In a cgroup shaped like podman's (libpod-<id>), the generator is
	# in a container even without any marker file.
	cgid=$(printf '%064d' 0 | sed "s/^0\{12\}/e7e7e7$(printf '%06x' $(($$ % 16777216)))/")
	cgp=/sys/fs/cgroup/pids
	[ -d "$cgp" ] || cgp=/sys/fs/cgroup
	cgd=$cgp/falco-evgen-test-$$
	if [ "$(id -u)" -ne 0 ] || ! mkdir -p "$cgd/libpod-$cgid" 2>/dev/null
	then
		echo "SKIP: test: placement in a podman-shaped cgroup: cannot" \
		    "create $cgd (needs root and a writable cgroup hierarchy)"
	else
		rc=0
		# shellcheck disable=SC2016 # expanded by the inner shell
		env -u FALCO_EVGEN_CONTAINER sh -c \
		    'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' sh \
		    "$cgd/libpod-$cgid" "$bin" test \
		    '^syscall.LaunchSuspiciousNetworkToolOnHost$' \
		    --listen "127.0.0.1:$port" --timeout 1s --sleep 0 \
		    >"$tmp/t3c.out" 2>/dev/null || rc=$?
		rmdir "$cgd/libpod-$cgid" "$cgd" 2>/dev/null || true
		check_cmd "test: a libpod-<id> cgroup: container, the id in the SKIP" \
		    sh -c "[ $rc -eq 0 ] && grep -q '^SKIP syscall.LaunchSuspiciousNetworkToolOnHost: runs only on the host and this is a container: /proc/self/cgroup names container $(echo "$cgid" | cut -c1-12),' '$tmp/t3c.out'"
	fi

	# The port is refused when taken.
	"$bin" test '^syscall.ClearLogActivities$' --listen "127.0.0.1:$port" \
	    --timeout 5s --sleep 0 >/dev/null 2>&1 &
	pids=$!
	sleep 0.5
	rc=0
	"$bin" test '^syscall.ClearLogActivities$' --listen "127.0.0.1:$port" \
	    --timeout 1s --sleep 0 >/dev/null 2>"$tmp/t4.err" || rc=$?
	kill "$pids" 2>/dev/null || true
	wait "$pids" 2>/dev/null || true
	pids=
	check_cmd "test: a listen address in use is an error" \
	    sh -c "[ $rc -ne 0 ] && grep -q 'cannot listen' '$tmp/t4.err'"
fi

# --- test mode against the daemon's http_output -------------------------
# Until the live drivers land, a replay of the reference capture (which
# holds a symlink to /etc/shadow) stands in for the live daemon: its JSON
# alerts must reach the listener and match the action.
falco=${FALCO_BUILD:-$top/build}/bin/falco
cap=${FALCO_TESTDATA:-$top/../shared/testdata}/reference-driver/workload-6.1-modern-ebpf.scap
if [ ! -x "$falco" ]; then
	echo "SKIP: test mode with falco: $falco is not built"
elif [ ! -f "$cap" ]; then
	echo "SKIP: test mode with falco: $cap is missing (set FALCO_TESTDATA)"
else
	"$bin" test '^syscall.CreateSymlinkOverSensitiveFiles$' \
	    --listen "127.0.0.1:$port" --timeout 20s --sleep 0 \
	    >"$tmp/t5.out" 2>"$tmp/t5.err" &
	pids=$!
	wait_for "$tmp/t5.err" 'CreateSymlinkOverSensitiveFiles: executed' ||
	    true
	frc=0
	"$falco" -r "$rules" -o engine.kind=replay \
	    -o "engine.replay.capture_file=$cap" -o json_output=true \
	    -o http_output.enabled=true -o "http_output.url=$url" \
	    -o stdout_output.enabled=false -o syslog_output.enabled=false \
	    -o log_syslog=false >"$tmp/t5.falco" 2>&1 || frc=$?
	rc=0
	wait "$pids" || rc=$?
	pids=
	if [ "$frc" -ne 0 ] &&
	    grep -q 'not available' "$tmp/t5.falco"; then
		echo "SKIP: test mode with falco: $(head -n 1 "$tmp/t5.falco")"
	else
		check_cmd "test: falco's http_output alert matches the action" \
		    sh -c "[ $frc -eq 0 ] && [ $rc -eq 0 ] && grep -q '^PASS syscall.CreateSymlinkOverSensitiveFiles' '$tmp/t5.out'"
	fi
fi

# --- every action, as root ----------------------------------------------

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: evgen actions: they need root (run the suite as root)"
	exit 0
fi
have_strace=1
command -v strace >/dev/null 2>&1 || have_strace=0
[ "$have_strace" -eq 1 ] ||
	echo "SKIP: evgen effects: strace is not installed (apt-get install strace)"

trace=openat,open,creat,link,linkat,symlink,symlinkat,mkdir,mkdirat
trace=$trace,rename,renameat,renameat2,unlink,unlinkat,chmod,fchmodat,mount
trace=$trace,execve,execveat,connect,bind,listen,accept,accept4,sendto
trace=$trace,sendmsg,recvfrom,recvmsg,socket,ptrace,setns,unshare
trace=$trace,memfd_create,userfaultfd,setuid,capset

leftovers() {
	for d in /tmp /var/tmp /dev/shm /bin /etc /dev /home /lib /root \
	    /var/lib /var/lib/rpm; do
		[ -d "$d" ] && find "$d" -maxdepth 1 \
		    -name '*falco-event-generator*'
	done
	grep 'falco-event-generator' /proc/mounts || true
}

true_sum=$(cksum </bin/true)
rpm_before=$(test -d /var/lib/rpm && echo yes || echo no)

while IFS="$(printf '\t')" read -r name _ where _ p1 p2; do
	action=syscall.$name
	case $where in
	container) placement=yes ;;
	*) placement=no ;;
	esac
	log=$tmp/$name.strace
	err=$tmp/$name.err
	rc=0
	if [ "$have_strace" -eq 1 ] && [ "$p1" != "-" ]; then
		FALCO_EVGEN_CONTAINER=$placement strace -f -qq -v -s 256 \
		    -o "$log.raw" -e trace="$trace" "$bin" run "^$action\$" \
		    --all --sleep 0 2>"$err" || rc=$?
		# Elide execve environments: [ENV].
		sed -E 's/\], \[("([^"\\]|\\.)*"(\.\.\.)?(, )?)*\]\) = /], [ENV]) = /' \
		    "$log.raw" >"$log"
	else
		# ptrace actions cannot run under strace (it is the tracer).
		FALCO_EVGEN_CONTAINER=$placement "$bin" run "^$action\$" \
		    --all --sleep 0 2>"$err" || rc=$?
		: >"$log.raw"
		: >"$log"
	fi
	if grep -q "action $action: skipped:" "$err"; then
		echo "SKIP: evgen-run $name: $(sed -n "s/.*action $action: skipped: //p" "$err")"
	elif [ "$rc" -ne 0 ] || ! grep -q "action $action: executed" "$err"
	then
		echo "FAIL: evgen-run $name (exit $rc: $(tail -n 1 "$err"))"
	else
		echo "PASS: evgen-run $name"
		if [ "$have_strace" -eq 1 ] && [ "$p1" != "-" ]; then
			ok=1
			# Environments are matched in the raw log.
			grep -Eq -- "$p1" "$log" || grep -Eq -- "$p1" "$log.raw" ||
			    ok=0
			[ "$p2" = "-" ] || grep -Eq -- "$p2" "$log" ||
			    grep -Eq -- "$p2" "$log.raw" || ok=0
			check_cmd "evgen-effect $name" test "$ok" -eq 1
		fi
	fi
	left=$(leftovers)
	check_cmd "evgen-clean $name leaves no file, mount or change behind" \
	    sh -c "[ -z '$left' ] && [ '$(cksum </bin/true)' = '$true_sum' ] && [ '$(test -d /var/lib/rpm && echo yes || echo no)' = '$rpm_before' ]"
done <"$tmp/data"

# Every IPv4/IPv6 peer or bound address of any action: in the socket
# calls that name one (a netlink dump of the interfaces, as sudo reads
# them, also prints addresses, but sends nothing anywhere).
grep -hE '^([0-9]+ +)?(connect|bind|sendto|sendmsg|sendmmsg)\(' \
    "$tmp"/*.strace 2>/dev/null |
    grep -oE 'inet_addr\("[^"]*"\)|inet_pton\(AF_INET6, "[^"]*"' |
    sed -E 's/.*"([^"]*)".*/\1/' | sort -u >"$tmp/addrs"
bad=$(grep -vxE '127\.0\.0\.1|192\.0\.2\.1|169\.254\.169\.254|0\.0\.0\.0|::1|::' \
    "$tmp/addrs" || true)
check_cmd "network: actions use only loopback or their private namespace" \
    test -z "$bad"
[ -z "$bad" ] || echo "unexpected addresses: $bad"
if [ -s "$tmp/addrs" ]; then
	# 192.0.2.1 and 169.254.169.254 only after entering a new namespace.
	nsok=1
	for f in "$tmp"/*.strace; do
		if grep -qE 'inet_addr\("(192\.0\.2\.1|169\.254\.169\.254)"\)' "$f"
		then
			grep -q 'unshare(CLONE_NEWNET) *= 0' "$f" || nsok=0
		fi
	done
	check_cmd "network: private addresses are used only in a new netns" \
	    test "$nsok" -eq 1
fi

# The trusted-after-startup read comes more than 5 s after the start.
t0=$(date +%s)
FALCO_EVGEN_CONTAINER=no "$bin" run '^syscall.ReadSensitiveFileTrustedAfterStartup$' \
    --sleep 0 2>/dev/null || true
t1=$(date +%s)
check_cmd "ReadSensitiveFileTrustedAfterStartup waits at least 6 s" \
    test $((t1 - t0)) -ge 6

# Placement: container-only actions skip on a host and do nothing.
rc=0
FALCO_EVGEN_CONTAINER=no "$bin" run --all --sleep 0 \
    'DropAndExecuteNewBinaryInContainer|ContainerDriftDetectedChmod' \
    2>"$tmp/place.err" || rc=$?
check_cmd "container-only actions skip on a host with a clear message" \
    sh -c "[ $rc -eq 0 ] && [ \$(grep -c 'skipped: runs only in a container' '$tmp/place.err') -eq 2 ] && ! grep -q executed '$tmp/place.err'"
rc=0
FALCO_EVGEN_CONTAINER=yes "$bin" run --all --sleep 0 \
    'UserMgmtBinaries|OnHost' 2>"$tmp/place2.err" || rc=$?
check_cmd "host-only actions skip in a container with a clear message" \
    sh -c "[ $rc -eq 0 ] && [ \$(grep -c 'skipped: runs only on the host' '$tmp/place2.err') -eq 2 ]"
