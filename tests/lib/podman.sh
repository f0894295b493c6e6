# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=sh disable=SC2034
# Real containers for the script tests, with Podman; sourced, not run.
#
#	pm_setup DIR [IMAGE]
#	                 configure podman, build a local busybox image (named
#	                 IMAGE, or localhost/falco-test-PID:1.0) and start
#	                 the API service on DIR/podman.sock; returns 1 with
#	                 the reason in $PM_WHY when that cannot be done
#	pm_run NAME ...  podman run -d --network none IMAGE ..., recorded
#	pm_track NAME    record a container started otherwise, for cleanup
#	pm_cleanup       remove containers, image and service, restore
#	                 containers.conf, remove the cgroup folders podman
#	                 created at the hierarchy roots
#
# Sets PM_IMG (image name) and PM_SOCK (the service's socket).  Settings
# follow what works on the build machines: runc, cgroupfs, and rlimits
# no higher than the host's hard limits.  Needs root.

PM_CONF=/etc/containers/containers.conf
PM_DIR=
PM_IMG=
PM_SOCK=
PM_SVC_PID=
PM_NAMES=
PM_CONF_ACTION=none
PM_CG_BEFORE=
PM_CG_SAVED=0
PM_WHY=

pm_setup() {
	PM_DIR=$1
	if [ "$(id -u)" -ne 0 ]; then
		PM_WHY="needs root"
		return 1
	fi
	if ! command -v podman >/dev/null 2>&1 ||
	    ! command -v runc >/dev/null 2>&1; then
		PM_WHY="podman or runc is not installed (scripts/install-deps.sh --test)"
		return 1
	fi
	pm_bb=$(command -v busybox) || {
		PM_WHY="busybox (busybox-static) is not installed"
		return 1
	}
	if ldd "$pm_bb" >/dev/null 2>&1; then
		PM_WHY="$pm_bb is dynamically linked; the image needs busybox-static"
		return 1
	fi
	PM_CG_BEFORE=$(ls -d /sys/fs/cgroup/*/libpod_parent \
	    /sys/fs/cgroup/libpod_parent 2>/dev/null || true)
	PM_CG_SAVED=1

	pm_n=$(awk '/^Max open files/ { print $5 }' /proc/self/limits)
	pm_p=$(awk '/^Max processes/ { print $4 }' /proc/self/limits)
	pm_m=$(cat /proc/sys/kernel/pid_max)
	if [ "$pm_p" = unlimited ] || [ "$pm_p" -gt "$pm_m" ]; then
		pm_p=$pm_m
	fi
	[ "$pm_n" = unlimited ] && pm_n=1048576
	cat >"$PM_DIR/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=$pm_n:$pm_n", "nproc=$pm_p:$pm_p"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF
	if [ ! -e "$PM_CONF" ]; then
		mkdir -p /etc/containers
		cp "$PM_DIR/containers.conf" "$PM_CONF"
		PM_CONF_ACTION=created
	elif ! cmp -s "$PM_CONF" "$PM_DIR/containers.conf"; then
		cp "$PM_CONF" "$PM_DIR/containers.conf.orig"
		cp "$PM_DIR/containers.conf" "$PM_CONF"
		PM_CONF_ACTION=replaced
	fi

	PM_IMG=${2:-localhost/falco-test-$$:1.0}
	pm_r=$PM_DIR/rootfs
	mkdir -p "$pm_r/bin" "$pm_r/etc" "$pm_r/tmp" "$pm_r/root" \
	    "$pm_r/proc" "$pm_r/sys" "$pm_r/dev"
	cp "$pm_bb" "$pm_r/bin/busybox"
	for pm_a in $("$pm_r/bin/busybox" --list); do
		[ -e "$pm_r/bin/$pm_a" ] || ln -s busybox "$pm_r/bin/$pm_a"
	done
	printf 'root:x:0:0:root:/root:/bin/sh\n' >"$pm_r/etc/passwd"
	printf 'root:x:0:\n' >"$pm_r/etc/group"
	tar -C "$pm_r" -cf "$PM_DIR/rootfs.tar" .
	if ! podman import --change 'CMD=["/bin/sh"]' \
	    --change 'ENV=PATH=/bin' "$PM_DIR/rootfs.tar" "$PM_IMG" \
	    >"$PM_DIR/import.log" 2>&1; then
		PM_WHY="podman import failed: $(tail -n 1 "$PM_DIR/import.log")"
		return 1
	fi

	PM_SOCK=$PM_DIR/podman.sock
	setsid podman system service --time=0 "unix://$PM_SOCK" \
	    >"$PM_DIR/service.log" 2>&1 &
	PM_SVC_PID=$!
	pm_i=0
	while [ ! -S "$PM_SOCK" ] && [ $pm_i -lt 100 ]; do
		sleep 0.1
		pm_i=$((pm_i + 1))
	done
	if [ ! -S "$PM_SOCK" ]; then
		PM_WHY="podman system service did not create $PM_SOCK: $(tail -n 1 "$PM_DIR/service.log")"
		return 1
	fi
	return 0
}

# pm_run NAME ARGS...: a detached container without network; 1 on error
# (the reason in $PM_WHY).
pm_run() {
	pm_name=$1
	shift
	pm_track "$pm_name"
	if ! podman run -d --name "$pm_name" --network none "$PM_IMG" "$@" \
	    >"$PM_DIR/run-$pm_name.log" 2>&1; then
		PM_WHY="podman run failed: $(tail -n 1 "$PM_DIR/run-$pm_name.log")"
		return 1
	fi
	return 0
}

pm_track() {
	PM_NAMES="$PM_NAMES $1"
}

pm_cleanup() {
	for pm_c in $PM_NAMES; do
		# A paused container is removed too (-f unpauses it first).
		podman rm -f -t 0 "$pm_c" >/dev/null 2>&1 || true
	done
	PM_NAMES=
	if [ -n "$PM_IMG" ]; then
		podman rmi -f "$PM_IMG" >/dev/null 2>&1 || true
		PM_IMG=
	fi
	if [ -n "$PM_SVC_PID" ]; then
		kill "$PM_SVC_PID" 2>/dev/null || true
		wait "$PM_SVC_PID" 2>/dev/null || true
		PM_SVC_PID=
	fi
	case $PM_CONF_ACTION in
	created) rm -f "$PM_CONF" ;;
	replaced) cp "$PM_DIR/containers.conf.orig" "$PM_CONF" ;;
	esac
	PM_CONF_ACTION=none
	# conmon may take a moment to leave its cgroup after the containers
	# are gone: try for up to 3 s.
	pm_i=0
	[ "$PM_CG_SAVED" -eq 1 ] || return 0
	while [ $pm_i -lt 30 ] && ! pm_rm_cgroups; do
		sleep 0.1
		pm_i=$((pm_i + 1))
	done
}

# The libpod_parent folders that were not there before pm_setup; 1 while
# one of them is still busy.
pm_rm_cgroups() {
	pm_ok=0
	for pm_d in /sys/fs/cgroup/*/libpod_parent /sys/fs/cgroup/libpod_parent
	do
		[ -d "$pm_d" ] || continue
		case " $(echo "$PM_CG_BEFORE" | tr '\n' ' ') " in
		*" $pm_d "*) continue ;;
		esac
		[ -d "$pm_d/conmon" ] && rmdir "$pm_d/conmon" 2>/dev/null
		rmdir "$pm_d" 2>/dev/null || pm_ok=1
	done
	return $pm_ok
}
