#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Test harness for falco.ko: boots a Debian kernel in QEMU (TCG) with the
# host's root file system visible read-only over 9p and runs a script
# there.  The kernel packages are fetched with `apt-get download` into a
# private cache and unpacked with `dpkg -x`, so nothing is installed on
# the machine; the extra suites are read from a private sources list
# whose mirror is the one this machine's own apt configuration uses.
#
#   vm.sh fetch ID          unpack kernel image + headers of ID
#   vm.sh build ID          build falco.ko against ID's headers
#   vm.sh run ID SCRIPT [ARG...]
#                           boot ID and run `sh SCRIPT ARG...` in the guest
#   vm.sh all ID SCRIPT [ARG...]
#                           fetch, build, then run
#   vm.sh ids               list the kernel ids of kernels.list
#
# In the guest, FALCO_KO is the module built for the kernel, RESULTS a
# writable folder (also readable on the host afterwards) and FALCO_SRC
# the source tree.  `run` prints the guest's console, then the guest's
# kernel log, and exits 0 only if the script exited 0 and the kernel log
# shows no BUG, WARNING, Oops, lockdep report or protection fault.
#
# Environment: FALCO_VM_DIR (cache, default build/vm), FALCO_VM_RESULTS
# (results folder of `run`, emptied first; default a new
# build/vm/ID/results.XXXXXX per run), FALCO_VM_TIMEOUT
# (seconds per boot, default 1500), FALCO_VM_SMP (default 2), FALCO_VM_MEM
# (MiB, default 1024), FALCO_KMOD_CFLAGS (extra flags for the module,
# e.g. -DFALCO_DEBUG_ALLOC), FALCO_VM_ENV (names of variables of the
# caller's environment to export to the guest's script as well).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
vmdir=${FALCO_VM_DIR:-$src/build/vm}

die() {
	echo "vm.sh: $*" >&2
	exit 1
}

usage() {
	sed -n '/^#   vm.sh/,/^#$/p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

# kernel_field ID COLUMN: a column of ID's line in kernels.list.
kernel_field() {
	awk -v id="$1" -v col="$2" \
	    '$1 !~ /^#/ && $1 == id { print $col; found = 1 }
	    END { if (!found) exit 1 }' "$here/kernels.list" ||
	    die "unknown kernel id '$1' (see $here/kernels.list)"
}

# The Debian mirror this machine's apt already uses: the first "deb"
# URI ending in /debian in its sources.
mirror_uri() {
	{
		cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
		    sed -n 's/^URIs:[[:space:]]*//p' | tr ' ' '\n'
		cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
		    2>/dev/null | awk '$1 == "deb" {
			for (i = 2; i <= NF; i++)
				if ($i !~ /^\[/ && $i !~ /\]$/) {
					print $i
					break
				}
		    }'
	} | grep -E '^https?://[^ ]*/debian/?$' | head -n 1
}

# apt_private ID: set $apt to an apt-get/apt-cache option list that reads
# only a private sources list and keeps lists and archives in $vmdir.
apt_private() {
	suite=$(kernel_field "$1" 2)
	adir=$vmdir/apt/$suite
	mkdir -p "$adir/lists/partial" "$adir/archives/partial"
	uri=$(mirror_uri) || true
	[ -n "$uri" ] || die "no Debian mirror found in /etc/apt/sources*"
	keyring=/usr/share/keyrings/debian-archive-keyring.gpg
	echo "deb [signed-by=$keyring] $uri $suite main" > "$adir/sources.list"
	apt="-q -o Dir::Etc::sourcelist=$adir/sources.list
	    -o Dir::Etc::sourceparts=/nonexistent
	    -o Dir::State::Lists=$adir/lists
	    -o Dir::Cache=$adir -o Dir::Cache::pkgcache=
	    -o Dir::Cache::srcpkgcache= -o Dir::Cache::archives=$adir/archives
	    -o APT::Get::List-Cleanup=0 -o APT::Sandbox::User=root"
}

# depends_of PKG PATTERN: the dependencies of PKG whose name matches the
# extended regular expression PATTERN.
depends_of() {
	# shellcheck disable=SC2086
	apt-cache $apt depends "$1" | sed -n 's/^ *Depends: //p' |
	    grep -E "^($2)\$" || true
}

cmd_fetch() {
	id=$1
	kdir=$vmdir/$id
	if [ -f "$kdir/release" ]; then
		return 0
	fi
	apt_private "$id"
	# shellcheck disable=SC2086
	apt-get $apt update >/dev/null ||
	    die "apt-get update failed for suite $suite"
	image=$(depends_of "$(kernel_field "$id" 3)" 'linux-image-.*')
	headers=$(depends_of "$(kernel_field "$id" 4)" 'linux-headers-.*')
	if [ -z "$image" ] || [ -z "$headers" ]; then
		die "cannot resolve the kernel packages of $id"
	fi
	extra=$(depends_of "$headers" 'linux-headers-.*|linux-kbuild-.*')
	# Unpacked under a name of this process, then renamed: concurrent
	# fetches of one kernel do not mix their files.
	tmp=$kdir.tmp.$$
	rm -rf "$tmp"
	mkdir -p "$tmp/debs" "$tmp/root"
	for p in $image $headers $extra; do
		# shellcheck disable=SC2086
		(cd "$tmp/debs" && apt-get $apt download "$p" \
		    >/dev/null) || die "apt-get download $p failed"
	done
	for deb in "$tmp"/debs/*.deb; do
		dpkg -x "$deb" "$tmp/root"
	done
	rel=$(ls "$tmp/root/lib/modules")
	[ -f "$tmp/root/boot/vmlinuz-$rel" ] ||
	    die "no vmlinuz-$rel in the image package of $id"
	# The packages hold absolute symlinks (build -> /usr/src/..., the
	# kbuild scripts): point them into the private root instead.
	find "$tmp/root" -type l | while read -r l; do
		t=$(readlink "$l")
		case $t in
		/*) ln -sfn "$kdir/root$t" "$l" ;;
		esac
	done
	# The flavour's Makefile includes the common one by absolute path.
	for mf in "$tmp"/root/usr/src/linux-headers-*/Makefile; do
		sed -i "s|^include /usr/src/|include $kdir/root/usr/src/|" "$mf"
	done
	# The image package leaves modules.dep to its postinst.
	depmod -b "$tmp/root" "$rel"
	rm -rf "$tmp/debs"
	echo "$rel" > "$tmp/release"
	[ -f "$kdir/release" ] || rm -rf "$kdir"
	if ! mv -T "$tmp" "$kdir" 2>/dev/null; then
		# Another fetch finished first; keep its copy.
		rm -rf "$tmp"
		[ -f "$kdir/release" ] || die "cannot install $kdir"
	fi
	echo "vm.sh: $id is Linux $rel"
}

cmd_build() {
	id=$1
	kdir=$vmdir/$id
	[ -f "$kdir/release" ] || cmd_fetch "$id"
	rel=$(cat "$kdir/release")
	# Build a copy, so that kernels do not share objects in the tree.
	b=$kdir/src.$$
	rm -rf "$b"
	mkdir -p "$b/scripts"
	cp -R "$src/Kbuild" "$src/VERSION" "$src/kmod" "$b/"
	for f in "$src"/scripts/*; do
		case $f in
		*/gen*|*schema*) cp -R "$f" "$b/scripts/" ;;
		esac
	done
	hdr=$kdir/root/usr/src/linux-headers-$rel
	# Debian's headers name the gcc the kernel was built with; where that
	# one is not installed (bullseye's gcc-10), the host's gcc builds.
	ccver=$(sed -n 's/.*gcc-\([0-9][0-9]*\)$/\1/p' \
	    "$hdr/.kernelvariables" 2>/dev/null || true)
	cc=gcc-$ccver
	command -v "$cc" >/dev/null 2>&1 || cc=gcc
	# Two builds: the plain module, and one that counts its allocations
	# (FALCO_DEBUG_ALLOC) so that the guest can check for leaks.
	for variant in plain debug; do
		flags=
		ko=$kdir/falco.ko
		if [ "$variant" = debug ]; then
			flags=-DFALCO_DEBUG_ALLOC
			ko=$kdir/falco-debug.ko
		fi
		make -s -C "$hdr" M="$b" clean >/dev/null 2>&1 || true
		make -s -C "$hdr" M="$b" CC="$cc" \
		    KCFLAGS="-Werror $flags ${FALCO_KMOD_CFLAGS:-}" modules 2>&1 |
		    grep -v 'Skipping BTF generation' || true
		[ -f "$b/falco.ko" ] || die "module build failed for $id"
		cp "$b/falco.ko" "$ko.$$"
		mv "$ko.$$" "$ko"
		rm -f "$b/falco.ko"
	done
	rm -rf "$b"
	echo "vm.sh: built falco.ko and falco-debug.ko for $rel with $cc"
}

# modfile ROOT REL NAME: the path (relative to the modules folder) of
# module NAME, or nothing if it is built in.
modfile() {
	awk -F: -v n="$3" '{
		f = $1; sub(/.*\//, "", f); sub(/\.ko.*/, "", f)
		gsub(/-/, "_", f)
		if (f == n) { print $1; exit }
	}' "$1/lib/modules/$2/modules.dep"
}

# Module load order for the 9p root: every dependency before its user.
mod_order() {
	root=$1 rel=$2
	for n in virtio_pci 9pnet_virtio 9p; do
		m=$(modfile "$root" "$rel" "$n")
		[ -n "$m" ] || continue
		deps=$(awk -F': *' -v m="$m" '$1 == m { print $2 }' \
		    "$root/lib/modules/$rel/modules.dep")
		# modules.dep lists the deepest dependency last.
		for d in $(echo "$deps" | tr ' ' '\n' | sed '/^$/d' |
		    awk '{ l[NR] = $0 } END { for (i = NR; i > 0; i--)
		    print l[i] }') "$m"; do
			echo "$d"
		done
	done | awk '!seen[$0]++'
}

cmd_initrd() {
	id=$1
	kdir=$vmdir/$id
	rel=$(cat "$kdir/release")
	ird=$kdir/initrd.$$
	rm -rf "$ird"
	mkdir -p "$ird/bin" "$ird/lib/vmmod" "$ird/proc" "$ird/sys" \
	    "$ird/dev" "$ird/mnt"
	bb=$(command -v busybox) || die "busybox (busybox-static) missing"
	cp "$bb" "$ird/bin/busybox"
	ln -s busybox "$ird/bin/sh"
	cp "$here/init.sh" "$ird/init"
	chmod 755 "$ird/init"
	: > "$ird/modules.order"
	for m in $(mod_order "$kdir/root" "$rel"); do
		f=$kdir/root/lib/modules/$rel/$m
		base=$(basename "$m")
		case $m in
		*.ko.xz) xz -dc "$f" > "$ird/lib/vmmod/${base%.xz}" ;;
		*.ko.zst) zstd -qdc "$f" > "$ird/lib/vmmod/${base%.zst}" ;;
		*.ko.gz) gzip -dc "$f" > "$ird/lib/vmmod/${base%.gz}" ;;
		*) cp "$f" "$ird/lib/vmmod/$base" ;;
		esac
		echo "${base%.ko*}.ko" >> "$ird/modules.order"
	done
	(cd "$ird" && find . | cpio -o -H newc --quiet | gzip -1) \
	    > "$kdir/initrd.gz.$$"
	mv "$kdir/initrd.gz.$$" "$kdir/initrd.gz"
	rm -rf "$ird"
}

# Lines of a kernel log that fail a run.
bad_kernel_lines() {
	grep -E 'BUG:|WARNING:|Oops|general protection|KASAN:|UBSAN:|lockdep|possible circular locking|list_(add|del) corruption|Kernel panic|unreferenced object' \
	    "$1" || true
}

cmd_run() {
	id=$1
	shift
	[ $# -ge 1 ] || usage
	kdir=$vmdir/$id
	rel=$(cat "$kdir/release")
	[ -f "$kdir/falco.ko" ] || die "no module built for $id"
	# Built once, and again whenever /init changed.
	if [ ! -f "$kdir/initrd.gz" ] ||
	    [ -n "$(find "$here/init.sh" -newer "$kdir/initrd.gz")" ]; then
		cmd_initrd "$id"
	fi
	command -v qemu-system-x86_64 >/dev/null ||
	    die "qemu-system-x86_64 missing (qemu-system-x86)"
	# Each run has its own results folder: several may share a kernel.
	if [ -n "${FALCO_VM_RESULTS:-}" ]; then
		res=$FALCO_VM_RESULTS
		rm -rf "$res"
		mkdir -p "$res"
	else
		res=$(mktemp -d "$kdir/results.XXXXXX")
	fi
	script=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
	shift
	{
		echo "export FALCO_KO='$kdir/falco.ko' RESULTS='$res'"
		echo "export FALCO_KO_DEBUG='$kdir/falco-debug.ko'"
		echo "export FALCO_SRC='$src' FALCO_KREL='$rel'"
		for v in ${FALCO_VM_ENV:-}; do
			case $v in
			*[!A-Za-z0-9_]*|'') die "FALCO_VM_ENV: bad name '$v'" ;;
			esac
			val=
			eval "val=\${$v:-}"
			printf "export %s='%s'\n" "$v" "$val"
		done
		printf "exec sh '%s'" "$script"
		for a in "$@"; do
			printf " '%s'" "$a"
		done
		echo
	} > "$res/cmd.sh"
	console=$res/console.txt
	set +e
	timeout -k 10 "${FALCO_VM_TIMEOUT:-1500}" qemu-system-x86_64 \
	    -accel tcg -cpu max -m "${FALCO_VM_MEM:-1024}" \
	    -smp "${FALCO_VM_SMP:-2}" \
	    -kernel "$kdir/root/boot/vmlinuz-$rel" -initrd "$kdir/initrd.gz" \
	    -append "console=ttyS0 loglevel=4 panic=-1 FVM_RESULTS=$res FVM_SRC=$src" \
	    -virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap" \
	    -virtfs "local,path=$res,mount_tag=results,security_model=none,multidevs=remap" \
	    -nographic -no-reboot -nodefaults -serial stdio \
	    < /dev/null > "$console" 2>&1
	qrc=$?
	set -e
	tr -d '\r' < "$console"
	echo "== guest kernel log ($id, $rel)"
	[ -f "$res/dmesg.txt" ] && cat "$res/dmesg.txt"
	rc=$(sed -n 's/^FALCO-VM-EXIT \([0-9]*\).*/\1/p' "$console" |
	    tail -n 1)
	status=0
	if [ "$qrc" -eq 124 ]; then
		echo "FAIL: vm-$id: guest timed out"
		status=1
	elif [ -z "$rc" ]; then
		echo "FAIL: vm-$id: guest died (qemu exit $qrc)"
		status=1
	elif [ "$rc" -ne 0 ]; then
		status=1
	fi
	bad=$( (cat "$console"; cat "$res/dmesg.txt" 2>/dev/null) |
	    tr -d '\r' | bad_kernel_lines /dev/stdin)
	if [ -n "$bad" ]; then
		echo "FAIL: vm-$id-kernel-log: $(echo "$bad" | head -n 1)"
		status=1
	else
		echo "PASS: vm-$id-kernel-log"
	fi
	return $status
}

[ $# -ge 1 ] || usage
cmd=$1
shift
case $cmd in
ids)
	awk '$1 !~ /^#/ && NF { print $1 }' "$here/kernels.list" ;;
fetch|build|initrd)
	[ $# -eq 1 ] || usage
	"cmd_$cmd" "$1" ;;
run)
	[ $# -ge 2 ] || usage
	cmd_run "$@" ;;
all)
	[ $# -ge 2 ] || usage
	cmd_fetch "$1"
	cmd_build "$1"
	cmd_initrd "$1"
	cmd_run "$@" ;;
*)
	usage ;;
esac
