#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# /init of the test guest's initramfs (busybox).  It loads the 9p and
# virtio modules listed in /modules.order, mounts the host's root file
# system read-only on /mnt and the writable results export over
# $FVM_RESULTS inside it, then runs $FVM_RESULTS/cmd.sh chrooted into the
# host's root.  The last console lines are the marker
# "FALCO-VM-EXIT <status>"; the guest's kernel log goes to
# $FVM_RESULTS/dmesg.txt.  FVM_RESULTS comes from the kernel command line.
set -u

/bin/busybox --install -s /bin
export PATH=/bin

mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev

while read -r m; do
	insmod "/lib/vmmod/$m" || echo "init: insmod $m failed"
done < /modules.order

opts=trans=virtio,version=9p2000.L,msize=262144
rc=125
# The guest gets a fresh tmpfs on /tmp.  A source tree that lives under
# the host's /tmp (a CI clone, say) would vanish below it, so that tree
# is bound aside first and moved back in place on top of the tmpfs,
# before the results export is mounted (it may sit inside the tree).
mount_root() {
	mount -t 9p -o "$opts,ro" hostroot /mnt || return 1
	mount -t proc proc /mnt/proc
	mount -t sysfs sys /mnt/sys
	mount -t devtmpfs dev /mnt/dev
	case ${FVM_SRC:-} in
	/tmp/?*)
		mkdir -p /keep
		mount -o bind "/mnt$FVM_SRC" /keep || return 1
		mount -t tmpfs tmp /mnt/tmp
		mkdir -p "/mnt$FVM_SRC"
		mount -o move /keep "/mnt$FVM_SRC" || return 1
		;;
	*)
		mount -t tmpfs tmp /mnt/tmp
		;;
	esac
	case $FVM_RESULTS in
	/tmp/*) mkdir -p "/mnt$FVM_RESULTS" ;;
	esac
	mount -t 9p -o "$opts" results "/mnt$FVM_RESULTS"
}

if mount_root; then
	ifconfig lo 127.0.0.1 up
	PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	    HOME=/tmp chroot /mnt /bin/sh "$FVM_RESULTS/cmd.sh"
	rc=$?
	dmesg > "/mnt$FVM_RESULTS/dmesg.txt"
	sync
	umount "/mnt$FVM_RESULTS"
else
	echo "init: cannot mount the host's file systems"
	dmesg | tail -n 20
fi
echo "FALCO-VM-EXIT $rc"
poweroff -f
