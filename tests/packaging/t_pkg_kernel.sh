#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# A kernel upgrade with the packages installed, on this machine and in a
# QEMU guest:
#   1. install image and headers of an older Debian 6.1 kernel;
#   2. install falco-dkms and falco: DKMS builds falco.ko for it;
#   3. boot it in the guest: modprobe falco, lsmod, falco-driver-loader;
#   4. install image and headers of a newer 6.1 kernel: DKMS's kernel
#      hooks build falco.ko for it without being asked;
#   5. boot that one and load the module again;
#   6. falco-driver-loader --clean, then a DKMS build for the new kernel;
#   7. purge falco and falco-dkms: no module, no DKMS tree left; then the
#      kernels are purged too, leaving the machine as it was.
# The kernels are those of the oldest and newest linux-image-amd64 the
# mirror has (apt-cache madison), or FALCO_PKG_KERNELS="<old> <new>".  Kernel
# packages are downloaded once into build/packaging/debs.  The guest is
# booted by tests/vm/vm.sh with the kernel installed on this machine
# (FALCO_PKG_GUEST=0 skips the boots).
set -eu

# shellcheck source=tests/packaging/lib.sh
. "$(dirname "$0")/lib.sh"

if ! is_root; then
	skip pkg-kernel "needs root (installs kernel packages)"
	exit 0
fi
miss=$(missing_tools apt-get dpkg dkms qemu-system-x86_64 busybox cpio depmod)
if [ -n "$miss" ]; then
	skip pkg-kernel "missing$miss (scripts/install-deps.sh --test)"
	exit 0
fi
for p in falco falco-dkms; do
	if dpkg-query -W "$p" >/dev/null 2>&1; then
		skip pkg-kernel "package $p is already on this machine; not touching it"
		exit 0
	fi
done

# candidate PKG: true if apt can install PKG.
candidate() {
	c=$(apt-cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: //p')
	[ -n "$c" ] && [ "$c" != "(none)" ]
}

if [ -n "${FALCO_PKG_KERNELS:-}" ]; then
	# shellcheck disable=SC2086
	set -- $FALCO_PKG_KERNELS
else
	# The kernel of the oldest and of the newest linux-image-amd64 the
	# mirror offers (a point release's, and a later security update's).
	# shellcheck disable=SC2046
	set -- $(apt-cache madison linux-image-amd64 2>/dev/null |
	    awk -F'|' '{ gsub(/ /, "", $2); print $2 }' | sort -uV |
	    while read -r v; do
		apt-cache show "linux-image-amd64=$v" |
		    sed -n 's/^Depends: *linux-image-\(6\.1[^ ,]*\).*/\1/p' |
		    head -n 1
	    done | sed -n '1p;$p' | while read -r r; do
		if candidate "linux-image-$r" && candidate "linux-headers-$r"; then
			echo "$r"
		fi
	    done | sort -u -t- -k2,2n)
fi
if [ $# -ne 2 ]; then
	skip pkg-kernel "the mirror does not offer two Debian 6.1 kernels (apt-get update?)"
	exit 0
fi
old=$1 new=$2
echo "kernels: $old, then $new" >&2

if ! err=$(pkg_ensure 2>&1); then
	fail pkg-kernel-build "$err"
	exit 0
fi

log=$pkgdir/kernel.log
debs=$pkgdir/debs
mkdir -p "$debs"
: > "$log"

# kpkgs REL: the packages of kernel REL.
kpkgs() {
	echo "linux-image-$1 linux-headers-$1 linux-headers-${1%-amd64}-common"
}

# Packages this test installs and must take away again.
ours=
for r in "$old" "$new"; do
	for p in $(kpkgs "$r") linux-kbuild-6.1 linux-compiler-gcc-12-x86; do
		dpkg-query -W "$p" >/dev/null 2>&1 || ours="$ours $p"
	done
done
# Kernel images need an initramfs tool: where none is installed, the
# small tiny-initramfs (initramfs-tools would bring udev in).
itool=tiny-initramfs
for p in initramfs-tools dracut tiny-initramfs; do
	if installed "$p"; then
		itool=
	fi
done
for p in $itool ${itool:+$itool-core} linux-base; do
	dpkg-query -W "$p" >/dev/null 2>&1 || ours="$ours $p"
done
ours=$(echo "$ours" | tr ' ' '\n' | sort -u | tr '\n' ' ')

# What DKMS and the kernels create outside packages, if absent now.
made=
for f in /lib/modules /var/lib/dkms/mok.key /var/lib/dkms/mok.pub; do
	[ -e "$f" ] || made="$made $f"
done

cleanup() {
	dpkg --purge falco falco-dkms >> "$log" 2>&1 || true
	if [ -n "$ours" ]; then
		# shellcheck disable=SC2086
		DEBIAN_FRONTEND=noninteractive apt-get purge -y -q $ours \
		    >> "$log" 2>&1 || true
	fi
	for f in $made; do
		if [ -d "$f" ]; then
			rmdir "$f" 2>/dev/null || true
		else
			rm -f "$f"
		fi
	done
}
trap cleanup EXIT

# cached PKG: the downloaded .deb of PKG, if any.
cached() {
	for f in "$debs/${1}_"*.deb; do
		if [ -f "$f" ]; then
			echo "$f"
			break
		fi
	done
	return 0
}

# kinstall REL: download (once) and install kernel REL's packages.  The
# initramfs tool is $itool (see below).
kinstall() {
	files=
	for p in $(kpkgs "$1"); do
		f=$(cached "$p")
		if [ -z "$f" ]; then
			(cd "$debs" && apt-get download -q "$p") >> "$log" 2>&1 ||
			    return 1
			f=$(cached "$p")
		fi
		files="$files $f"
	done
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	    --no-install-recommends $itool linux-base $files \
	    >> "$log" 2>&1
}

# module_for REL: the falco.ko installed for REL, checked to be for REL.
module_for() {
	ko=$(modinfo -k "$1" -n falco 2>/dev/null) || return 1
	[ "$(modinfo -F vermagic "$ko" | awk '{print $1}')" = "$1" ] &&
	    [ -n "$(modinfo -F api_version "$ko")" ] &&
	    [ -n "$(modinfo -F schema_version "$ko")" ]
}

dkms_installed() {
	dkms status -m falco -v "$version" -k "$1" 2>/dev/null |
	    grep -q ': installed'
}

# guest REL: boot REL (installed here) with tests/vm/vm.sh and run
# guest_kmod.sh; prints its PASS/FAIL lines tagged with REL.
guest() {
	rel=$1
	if [ "${FALCO_PKG_GUEST:-1}" = 0 ]; then
		skip "$rel-guest" "FALCO_PKG_GUEST=0"
		return
	fi
	vmdir=$pkgdir/vm
	kdir=$vmdir/$rel
	rm -rf "$kdir"
	mkdir -p "$kdir"
	echo "$rel" > "$kdir/release"
	ln -s / "$kdir/root"
	cp "$(modinfo -k "$rel" -n falco)" "$kdir/falco.ko"
	FALCO_VM_DIR=$vmdir FALCO_VM_RESULTS=$kdir/results \
	    FALCO_VM_TIMEOUT=300 sh "$src/tests/vm/vm.sh" run "$rel" \
	    "$src/tests/packaging/guest_kmod.sh" > "$kdir.log" 2>&1 || true
	cat "$kdir.log" >> "$log"
	tr -d '\r' < "$kdir.log" | grep -E '^(PASS|FAIL|SKIP): ' |
	    sed "s/^\(PASS\|FAIL\|SKIP\): /\1: $rel-/"
	grep -q '^FALCO-VM-EXIT' "$kdir.log" ||
	    fail "$rel-guest" "no exit marker (see $kdir.log)"
}

t0=$(date +%s)
if ! kinstall "$old"; then
	fail kernel-old-install "$(tail -n 1 "$log")"
	exit 0
fi
pass kernel-old-install
echo "kernel $old installed in $(($(date +%s) - t0)) s" >&2

t0=$(date +%s)
if ! dpkg -i "$(deb_dkms)" "$(deb_falco)" >> "$log" 2>&1; then
	fail pkg-install-with-kernel "$(tail -n 1 "$log")"
	exit 0
fi
pass pkg-install-with-kernel
echo "falco packages installed (DKMS build) in $(($(date +%s) - t0)) s" >&2
check "dkms-built-$old" module_for "$old"
check "dkms-installed-$old" dkms_installed "$old"

t0=$(date +%s)
guest "$old"
echo "guest $old: $(($(date +%s) - t0)) s" >&2

t0=$(date +%s)
if ! kinstall "$new"; then
	fail kernel-new-install "$(tail -n 1 "$log")"
	exit 0
fi
pass kernel-new-install
echo "kernel $new installed (DKMS autoinstall) in $(($(date +%s) - t0)) s" >&2
check "dkms-autoinstall-$new" module_for "$new"
check "dkms-installed-$new" dkms_installed "$new"
check "dkms-old-kept-$old" module_for "$old"

t0=$(date +%s)
guest "$new"
echo "guest $new: $(($(date +%s) - t0)) s" >&2

# The loader on this machine: --clean takes the module out of DKMS for
# every kernel, and a build for the new kernel (not the running one)
# goes through DKMS again.
if falco-driver-loader kmod --clean >> "$log" 2>&1 &&
    [ -z "$(dkms status -m falco 2>/dev/null)" ] &&
    ! module_for "$old" && ! module_for "$new"; then
	pass loader-clean
else
	fail loader-clean
fi
t0=$(date +%s)
if DRIVER_KERNEL_RELEASE=$new falco-driver-loader kmod --compile \
    > "$pkgdir/loader.out" 2>&1 && module_for "$new" &&
    dkms_installed "$new" &&
    grep -q "loads when that kernel runs" "$pkgdir/loader.out"; then
	pass "loader-dkms-build-$new"
else
	fail "loader-dkms-build-$new" "$(tail -n 1 "$pkgdir/loader.out")"
fi
cat "$pkgdir/loader.out" >> "$log"
echo "loader build for $new: $(($(date +%s) - t0)) s" >&2

dpkg --purge falco falco-dkms >> "$log" 2>&1 || fail pkg-purge "dpkg --purge failed"
left=$(ls -d /var/lib/dkms/falco /usr/src/falco-* /etc/falco \
    /lib/modules/*/updates/dkms/falco.ko* /lib/modules/*/extra/falco.ko \
    2>/dev/null || true)
if [ -z "$left" ]; then
	pass purge-removes-modules
else
	fail purge-removes-modules "$(echo "$left" | tr '\n' ' ')"
fi

trap - EXIT
cleanup
left=$(ls -d "/lib/modules/$old" "/lib/modules/$new" "/boot/vmlinuz-$old" \
    "/boot/vmlinuz-$new" "/usr/src/linux-headers-$old" \
    "/usr/src/linux-headers-$new" 2>/dev/null || true)
if [ -z "$left" ]; then
	pass kernels-purged
else
	fail kernels-purged "$(echo "$left" | tr '\n' ' ')"
fi
