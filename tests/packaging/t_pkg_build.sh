#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Builds the .deb and .rpm packages from a copy of the tree and checks
# what they hold: files, conffiles, versions (all from VERSION), the
# maintainer scripts, lintian (no errors; warnings listed in the log),
# and that the falco-dkms payload alone builds falco.ko against a Debian
# kernel's headers.
set -eu

# shellcheck source=tests/packaging/lib.sh
. "$(dirname "$0")/lib.sh"

miss=$(missing_tools dpkg-buildpackage rpmbuild fakeroot dh_dkms)
if [ -n "$miss" ]; then
	skip pkg-build "missing$miss (scripts/install-deps.sh --test)"
	exit 0
fi

t0=$(date +%s)
if ! err=$(pkg_build 2>&1); then
	fail pkg-build "$err"
	exit 0
fi
pass pkg-build
echo "packages built in $(($(date +%s) - t0)) s" >&2

deb=$(deb_falco)
dkmsdeb=$(deb_dkms)

# has_all LIST WANT...: every WANT is a line of the file LIST.
has_all() {
	list=$1
	shift
	rc=0
	for w in "$@"; do
		grep -qx "$w" "$list" || { echo "missing $w" >&2; rc=1; }
	done
	return $rc
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' > "$tmp/falco.list"
check deb-falco-files has_all "$tmp/falco.list" /usr/bin/falco \
    /usr/bin/falco-driver-loader /usr/bin/falcosidekick \
    /usr/bin/event-generator /etc/falco/falco.yaml \
    /etc/falco/falco_rules.yaml /etc/falco/falco_rules.local.yaml \
    /lib/systemd/system/falco-kmod.service \
    /lib/systemd/system/falco-kmod-inject.service \
    /lib/systemd/system/falco-modern-bpf.service \
    /lib/systemd/system/falcosidekick.service \
    /usr/share/man/man8/falco-driver-loader.8.gz

dpkg-deb -c "$dkmsdeb" | awk '{print $6}' | sed 's|^\./|/|' > "$tmp/dkms.list"
s=/usr/src/falco-$version
check deb-dkms-files has_all "$tmp/dkms.list" "$s/dkms.conf" "$s/Kbuild" \
    "$s/VERSION" "$s/kmod/main.c" "$s/kmod/uapi/events.tbl" \
    "$s/scripts/gen-schema.awk"

dpkg-deb -I "$deb" conffiles > "$tmp/conffiles"
check deb-conffiles has_all "$tmp/conffiles" /etc/falco/falco.yaml \
    /etc/falco/falco_rules.yaml /etc/falco/falco_rules.local.yaml

check deb-version [ "$(dpkg-deb -f "$deb" Version)" = "$version" ]

# dkms.conf as DKMS reads it (bash-sourced), stamped with VERSION.
mkdir -p "$tmp/dkms"
dpkg-deb -x "$dkmsdeb" "$tmp/dkms"
conf=$tmp/dkms$s/dkms.conf
got=$(bash -c '. "$1"; echo "$PACKAGE_NAME $PACKAGE_VERSION ${BUILT_MODULE_NAME[0]} ${DEST_MODULE_LOCATION[0]} $AUTOINSTALL"' _ "$conf")
check dkms-conf [ "$got" = "falco $version falco /updates/dkms yes" ]

dpkg-deb -e "$deb" "$tmp/ctl"
dpkg-deb -e "$dkmsdeb" "$tmp/dctl"
check deb-postinst-systemd grep -q 'systemctl --no-reload enable' "$tmp/ctl/postinst"
check deb-postinst-choice grep -q 'falco-driver-loader auto --print-choice' \
    "$tmp/ctl/postinst"
check deb-dkms-postinst grep -q 'DKMS_NAME=falco' "$tmp/dctl/postinst"
check deb-dkms-prerm grep -q 'dkms remove -m .DKMS_NAME' "$tmp/dctl/prerm"
dpkg-deb -f "$dkmsdeb" Depends > "$tmp/depends"
check deb-dkms-depends grep -q '^dkms' "$tmp/depends"

if command -v lintian >/dev/null 2>&1; then
	lintian --tag-display-limit 0 "$out"/falco_"$version"_amd64.changes \
	    > "$pkgdir/lintian.log" 2>&1 || true
	nerr=$(grep -c '^E: ' "$pkgdir/lintian.log" || true)
	nwarn=$(grep -c '^W: ' "$pkgdir/lintian.log" || true)
	echo "lintian: $nerr errors, $nwarn warnings (see $pkgdir/lintian.log)" >&2
	grep -E '^[EW]: ' "$pkgdir/lintian.log" >&2 || true
	if [ "$nerr" -eq 0 ]; then
		pass lintian-no-errors
	else
		fail lintian-no-errors "$(grep -m 1 '^E: ' "$pkgdir/lintian.log")"
	fi
else
	skip lintian-no-errors "lintian not installed"
fi

rpm=$out/falco-$version-1.x86_64.rpm
drpm=$out/falco-dkms-$version-1.noarch.rpm
rpm -qpl "$rpm" > "$tmp/rpm.list" 2>/dev/null
check rpm-falco-files has_all "$tmp/rpm.list" /usr/bin/falco \
    /usr/bin/falco-driver-loader /usr/bin/falcosidekick \
    /usr/bin/event-generator /etc/falco/falco.yaml \
    /etc/falco/falco_rules.yaml \
    /usr/lib/systemd/system/falco-kmod.service \
    /usr/lib/systemd/system/falco-kmod-inject.service \
    /usr/lib/systemd/system/falco-modern-bpf.service \
    /usr/lib/systemd/system/falcosidekick.service
# rpm compresses manuals only where brp-compress runs.
check rpm-manual grep -q '^/usr/share/man/man8/falco-driver-loader\.8' \
    "$tmp/rpm.list"
rpm -qpl "$drpm" > "$tmp/drpm.list" 2>/dev/null
check rpm-dkms-files has_all "$tmp/drpm.list" "$s/dkms.conf" "$s/Kbuild" \
    "$s/kmod/main.c" "$s/scripts/gen-schema.awk"
rpm -qpc "$rpm" > "$tmp/rpmconf" 2>/dev/null
check rpm-conffiles has_all "$tmp/rpmconf" /etc/falco/falco.yaml
check rpm-version [ "$(rpm -qp --qf '%{VERSION}' "$rpm" 2>/dev/null)" = "$version" ]

# The RPM scriptlets are shell too: shellcheck them.
if command -v shellcheck >/dev/null 2>&1; then
	rc=0
	for tag in POSTIN PREUN POSTUN; do
		for p in "$rpm" "$drpm"; do
			rpm -qp --qf "%{$tag}" "$p" 2>/dev/null > "$tmp/scr"
			[ "$(cat "$tmp/scr")" = "(none)" ] && continue
			shellcheck -s sh "$tmp/scr" >&2 || rc=1
		done
	done
	check rpm-scriptlets-shellcheck [ "$rc" -eq 0 ]
fi

# The falco-dkms payload, and nothing else, builds the module, against
# the first kernel headers at hand whose compiler is installed.
hdr=
for h in /lib/modules/*/build "$src"/build/vm/*/root/usr/src/linux-headers-*-amd64; do
	[ -f "$h/Makefile" ] || continue
	cc=$(sed -n 's/.*\(gcc-[0-9][0-9]*\)$/\1/p' "$h/.kernelvariables" \
	    2>/dev/null || true)
	if command -v "${cc:-gcc}" >/dev/null 2>&1; then
		hdr=$h
		break
	fi
done
if [ -z "$hdr" ]; then
	skip dkms-payload-builds "no kernel headers with their compiler (install linux-headers-amd64, or run tests/kmod first)"
else
	mkdir -p "$tmp/b"
	cp -R "$tmp/dkms$s/." "$tmp/b/"
	if make -s -C "$hdr" M="$tmp/b" CC="${cc:-gcc}" modules \
	    > "$pkgdir/payload-build.log" 2>&1 &&
	    [ -n "$(modinfo -F api_version "$tmp/b/falco.ko" 2>/dev/null)" ]; then
		pass dkms-payload-builds
	else
		fail dkms-payload-builds "see $pkgdir/payload-build.log"
	fi
fi
