#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Container metadata from a real runtime: start Podman's API service on a
# socket in a temporary folder, run a normal and a privileged container
# from a local busybox image, find their ids in /proc/<pid>/cgroup the way
# the daemon does, and look them up through the container module
# (build/testbin/container_lookup).  Needs root; everything it creates
# (containers, image, service, containers.conf, cgroup folders) is
# removed or restored at the end.
set -eu

top=${FALCO_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${FALCO_BUILD:-$top/build}
tool=$build/testbin/container_lookup

skip() {
	echo "SKIP: podman: $1"
	exit 0
}

[ -x "$tool" ] || skip "$tool is not built (make unit-tests)"

# shellcheck source=tests/lib/podman.sh
. "$top/tests/lib/podman.sh"

scratch=$(mktemp -d /tmp/t_podman.XXXXXX)
tag=$$
img=localhost/falco-cmtest-$tag:1.0
n1=falco-cmtest-$tag-plain
n2=falco-cmtest-$tag-priv

cleanup() {
	set +e
	pm_cleanup
	rm -rf "$scratch"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# Podman settings that work on these machines, a local busybox image and
# the API service on our own socket (tests/lib/podman.sh).
pm_setup "$scratch" "$img" || skip "$PM_WHY"
sock=$PM_SOCK

# Two containers.
mkdir -p "$scratch/data"
pm_track "$n1"
pm_track "$n2"
if ! podman run -d --name "$n1" --network none --label app=falco-test \
    --label tier=unit -v "$scratch/data:/data:ro" "$img" sleep 300 \
    >"$scratch/run1.log" 2>&1; then
	skip "podman run failed: $(tail -n 1 "$scratch/run1.log")"
fi
if ! podman run -d --name "$n2" --network none --privileged \
    --label app=falco-priv "$img" sleep 300 >"$scratch/run2.log" 2>&1; then
	skip "podman run --privileged failed: $(tail -n 1 "$scratch/run2.log")"
fi

# The id as the daemon finds it: from the process's cgroup path.
cgroup_id() {
	pid=$(podman inspect -f '{{.State.Pid}}' "$1")
	sed -n 's/.*libpod-\([0-9a-f]\{64\}\).*/\1/p' "/proc/$pid/cgroup" |
		head -n 1
}
id1=$(cgroup_id "$n1")
id2=$(cgroup_id "$n2")

check() {
	name=$1
	shift
	if "$@"; then
		echo "PASS: $name"
	else
		echo "FAIL: $name"
	fi
}

# value KEY FILE: the value of "KEY=..." in a container_lookup output.
value() {
	sed -n "s|^$1=||p" "$2" | head -n 1
}

eq() {
	[ "$1" = "$2" ] || {
		echo "  expected '$2', got '$1'"
		return 1
	}
}

check "cgroup id of $n1 is podman's id" \
	eq "$id1" "$(podman inspect -f '{{.Id}}' "$n1")"
check "cgroup id of $n2 is podman's id" \
	eq "$id2" "$(podman inspect -f '{{.Id}}' "$n2")"

# Full id for one, the 12-character short id for the other.
short2=$(echo "$id2" | cut -c1-12)
rc=0
"$tool" -s "$scratch/absent.sock" -s "$sock" -t 5000 "$id1" \
	>"$scratch/c1.out" 2>"$scratch/c1.err" || rc=$?
check "plain container found" eq "$rc" 0
rc=0
"$tool" -s "$sock" -t 5000 "$short2" >"$scratch/c2.out" \
	2>"$scratch/c2.err" || rc=$?
check "privileged container found by short id" eq "$rc" 0

o=$scratch/c1.out
check "plain: full id" eq "$(value full_id "$o")" "$id1"
check "plain: type" eq "$(value type "$o")" podman
check "plain: name" eq "$(value name "$o")" "$n1"
check "plain: image" eq "$(value image "$o")" "$img"
check "plain: image.repository" eq "$(value image.repository "$o")" \
	"localhost/falco-cmtest-$tag"
check "plain: image.tag" eq "$(value image.tag "$o")" 1.0
check "plain: image.id" eq "$(value image.id "$o")" \
	"$(podman image inspect -f '{{.Id}}' "$img")"
check "plain: image.digest" eq "$(value image.digest "$o" | cut -c1-7)" \
	sha256:
check "plain: privileged" eq "$(value privileged "$o")" false
check "plain: label app" eq "$(value label.app "$o")" falco-test
check "plain: labels" eq "$(value labels "$o")" "app:falco-test, tier:unit"
check "plain: mounts" eq "$(value mounts "$o")" \
	"$scratch/data:/data::false:rprivate"
start_s=$(( $(value start_ns "$o") / 1000000000 ))
now_s=$(date +%s)
recent() {
	[ "$1" -gt $(($2 - 600)) ] && [ "$1" -le "$2" ]
}
check "plain: start time is recent" recent "$start_s" "$now_s"
check "plain: one log line for the absent socket" \
	eq "$(grep -c 'no runtime socket at' "$scratch/c1.err")" 1

o=$scratch/c2.out
check "privileged: full id from short id" eq "$(value full_id "$o")" "$id2"
check "privileged: id" eq "$(value id "$o")" "$short2"
check "privileged: name" eq "$(value name "$o")" "$n2"
check "privileged: image.repository" eq \
	"$(value image.repository "$o")" "localhost/falco-cmtest-$tag"
check "privileged: image.tag" eq "$(value image.tag "$o")" 1.0
check "privileged: privileged" eq "$(value privileged "$o")" true
check "privileged: label app" eq "$(value label.app "$o")" falco-priv
check "privileged: no mounts" eq "$(value mounts "$o")" ""

# An id the runtime does not know, and a runtime that is not there.
rc=0
"$tool" -s "$sock" -t 5000 0123456789ab >"$scratch/c3.out" 2>&1 || rc=$?
check "unknown id is unavailable" eq "$rc:$(value status "$scratch/c3.out")" \
	"2:unavailable"
kill "$PM_SVC_PID"
wait "$PM_SVC_PID" 2>/dev/null || true
PM_SVC_PID=
rc=0
"$tool" -s "$sock" -t 1000 -d '' "$id1" "$id2" >"$scratch/c4.out" \
	2>"$scratch/c4.err" || rc=$?
check "stopped service: lookups unavailable" eq "$rc" 2
# Podman's on-disk records of the containers still answer.
rc=0
"$tool" -s "$sock" -t 1000 "$id2" >"$scratch/c5.out" 2>&1 || rc=$?
check "stopped service: on-disk record found" eq "$rc" 0
check "stopped service: on-disk record: name" eq "$(value name \
	"$scratch/c5.out")" "$n2"
check "stopped service: on-disk record: image.repository" eq \
	"$(value image.repository "$scratch/c5.out")" \
	"localhost/falco-cmtest-$tag"
check "stopped service: on-disk record: privileged" eq \
	"$(value privileged "$scratch/c5.out")" true
check "stopped service: on-disk record: type" eq \
	"$(value type "$scratch/c5.out")" podman
check "stopped service: one log line" \
	eq "$(grep -c 'container:' "$scratch/c4.err")" 1
