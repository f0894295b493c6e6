#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Installs the .deb packages on this machine and checks what the
# maintainer scripts did: the driver chosen without questions (auto, and
# FALCO_DRIVER_CHOICE overrides, an upgrade keeps the choice), the unit of
# that driver enabled as falco.service, the units valid for
# systemd-analyze with the real binaries, the module sources registered
# with DKMS.  Then remove and purge, which must leave nothing behind.
# The machine is left as it was found, whatever happens.
set -eu

# shellcheck source=tests/packaging/lib.sh
. "$(dirname "$0")/lib.sh"

if ! is_root; then
	skip pkg-install "needs root (dpkg -i)"
	exit 0
fi
miss=$(missing_tools dpkg dpkg-buildpackage dkms deb-systemd-helper systemd-analyze)
if [ -n "$miss" ]; then
	skip pkg-install "missing$miss (scripts/install-deps.sh --test)"
	exit 0
fi
for p in falco falco-dkms; do
	if dpkg-query -W "$p" >/dev/null 2>&1; then
		skip pkg-install "package $p is already on this machine; not touching it"
		exit 0
	fi
done
if ! err=$(pkg_ensure 2>&1); then
	fail pkg-install-build "$err"
	exit 0
fi

log=$pkgdir/install.log
: > "$log"
cleanup() {
	dpkg --purge falco falco-dkms >> "$log" 2>&1 || true
}
trap cleanup EXIT

# deb_install ENV...: (re)installs both packages with ENV set; the
# output is appended to the log and kept in $tmpout.
tmpout=$pkgdir/install.out
deb_install() {
	env "$@" dpkg -i "$(deb_dkms)" "$(deb_falco)" > "$tmpout" 2>&1
	rc=$?
	cat "$tmpout" >> "$log"
	return $rc
}

# reconfigure ENV...: the packages installed again over themselves, as
# an upgrade does (postinst configure with the old version).
reconfigure() {
	deb_install "$@"
}

# enabled UNIT: UNIT is enabled (wanted by multi-user.target).
enabled() {
	[ -L "/etc/systemd/system/multi-user.target.wants/$1" ]
}

not() {
	! "$@"
}

# alias_is UNIT: falco.service is the alias of UNIT.
alias_is() {
	[ "$(readlink /etc/systemd/system/falco.service)" = \
	    "/lib/systemd/system/$1" ]
}

# On this kind of machine (no module support, BTF present) auto must
# choose modern_ebpf; elsewhere the check is about the other branch.
if [ -e /proc/modules ] || [ ! -r /sys/kernel/btf/vmlinux ]; then
	expect=
else
	expect=modern_ebpf
fi

if ! deb_install FALCO_DRIVER_CHOICE=; then
	fail pkg-install "dpkg -i failed: $(tail -n 1 "$tmpout")"
	exit 0
fi
pass pkg-install
check installed-falco-version \
    [ "$(/usr/bin/falco --version | sed -n 's/^Falco version: \([^ ]*\).*/\1/p')" = "$version" ]

if [ -n "$expect" ]; then
	check install-auto-modern-ebpf grep -q 'driver modern_ebpf, unit falco-modern-bpf.service' "$tmpout"
	check install-auto-says-why grep -q 'no loadable module support' "$tmpout"
	check install-modern-bpf-enabled enabled falco-modern-bpf.service
	check install-falco-alias-modern-bpf alias_is falco-modern-bpf.service
	check install-kmod-not-enabled not enabled falco-kmod.service
else
	skip install-auto-modern-ebpf "this kernel loads modules or has no BTF; auto may pick kmod"
fi

# The units, as installed, with the real binaries in place.
if systemd-analyze verify /lib/systemd/system/falco-kmod.service \
    /lib/systemd/system/falco-kmod-inject.service \
    /lib/systemd/system/falco-modern-bpf.service \
    /lib/systemd/system/falcosidekick.service > "$tmpout" 2>&1; then
	pass installed-units-verify
else
	fail installed-units-verify "$(head -n 1 "$tmpout")"
fi

dkms status -m falco -v "$version" > "$tmpout" 2>&1 || true
check dkms-registered grep -q "^falco/$version" "$tmpout"

# An explicit choice wins, even over the choice kept on upgrade.
reconfigure FALCO_DRIVER_CHOICE=kmod || true
check choice-kmod-enabled enabled falco-kmod.service
check choice-kmod-alias alias_is falco-kmod.service
check choice-kmod-other-disabled not enabled falco-modern-bpf.service
if [ ! -e /proc/modules ]; then
	check choice-kmod-says-why grep -q 'cannot load modules' "$tmpout"
fi

# A reconfiguration (as an upgrade) without a choice keeps the driver.
reconfigure FALCO_DRIVER_CHOICE= || true
check upgrade-keeps-choice grep -q 'keeping the kmod driver' "$tmpout"
check upgrade-keeps-kmod enabled falco-kmod.service

reconfigure FALCO_DRIVER_CHOICE=none || true
check choice-none-kmod not enabled falco-kmod.service
check choice-none-bpf not enabled falco-modern-bpf.service
check choice-none-no-alias [ ! -e /etc/systemd/system/falco.service ]

reconfigure FALCO_DRIVER_CHOICE=modern_ebpf || true
check choice-modern-ebpf alias_is falco-modern-bpf.service

# Remove keeps the configuration, purge takes everything.
dpkg --remove falco falco-dkms >> "$log" 2>&1 || fail remove "dpkg --remove failed"
if [ ! -e /usr/bin/falco ] && [ ! -e /usr/bin/falco-driver-loader ]; then
	pass remove-binaries
else
	fail remove-binaries
fi
check remove-dkms-source [ ! -e "/usr/src/falco-$version" ]
check remove-dkms-tree [ -z "$(dkms status -m falco 2>/dev/null)" ]
check remove-keeps-config [ -f /etc/falco/falco.yaml ]

dpkg --purge falco falco-dkms >> "$log" 2>&1 || fail purge "dpkg --purge failed"
left=$(ls -d /etc/falco /var/lib/dkms/falco /usr/src/falco-* \
    /lib/systemd/system/falco* /etc/systemd/system/falco* \
    /etc/systemd/system/*/falco* /var/lib/systemd/deb-systemd-helper-enabled/falco* \
    /var/lib/systemd/deb-systemd-helper-enabled/*/falco* \
    /var/lib/systemd/deb-systemd-helper-masked/falco* \
    /lib/modules/*/updates/dkms/falco.ko* /lib/modules/*/extra/falco.ko 2>/dev/null || true)
if [ -z "$left" ]; then
	pass purge-leaves-nothing
else
	fail purge-leaves-nothing "$(echo "$left" | tr '\n' ' ')"
fi
