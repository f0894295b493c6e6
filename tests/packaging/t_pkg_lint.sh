#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Static checks of what packaging ships: shellcheck on every shell script
# (loader, maintainer scripts, these tests), systemd-analyze verify on
# every unit in a scratch root where the programs they run exist, and one
# version everywhere (VERSION, debian/changelog, the daemon).
set -eu

# shellcheck source=tests/packaging/lib.sh
. "$(dirname "$0")/lib.sh"

if command -v shellcheck >/dev/null 2>&1; then
	for f in "$src/scripts/falco-driver-loader" \
	    "$src"/debian/*.postinst "$src"/debian/*.prerm \
	    "$src"/debian/*.postrm "$src"/tests/packaging/*.sh; do
		[ -f "$f" ] || continue
		n=shellcheck-$(basename "$f")
		if (cd "$src" && shellcheck -x -s sh "$f") > "$pkgdir.sc.log" 2>&1; then
			pass "$n"
		else
			fail "$n" "$(grep -m 1 'SC[0-9]' "$pkgdir.sc.log")"
		fi
	done
	rm -f "$pkgdir.sc.log"
else
	skip shellcheck "shellcheck not installed (scripts/install-deps.sh --test)"
fi

if command -v systemd-analyze >/dev/null 2>&1; then
	root=$(mktemp -d)
	trap 'rm -rf "$root"' EXIT
	# Every unit the host has (for targets and the like), ours on top,
	# and stand-ins for the programs they run.
	mkdir -p "$root/usr/bin" "$root/usr/sbin" "$root/lib/systemd"
	cp -R /lib/systemd/system "$root/lib/systemd/"
	ln -s usr/sbin "$root/sbin"
	ln -s usr/bin "$root/bin"
	for b in usr/bin/falco usr/bin/falcosidekick usr/sbin/modprobe \
	    usr/sbin/rmmod usr/bin/kill; do
		printf '#!/bin/sh\n' > "$root/$b"
		chmod 755 "$root/$b"
	done
	for u in "$src"/scripts/systemd/*.service; do
		cp "$u" "$root/lib/systemd/system/"
	done
	for u in "$src"/scripts/systemd/*.service; do
		n=$(basename "$u")
		if systemd-analyze verify --root="$root" "$n" \
		    > "$root/out" 2>&1 && [ ! -s "$root/out" ]; then
			pass "unit-verify-$n"
		else
			fail "unit-verify-$n" "$(head -n 1 "$root/out")"
		fi
	done
	# The checker must see a missing program (so that the PASS above
	# means something).
	rm "$root/usr/bin/falco"
	if systemd-analyze verify --root="$root" falco-kmod.service \
	    > "$root/out" 2>&1; then
		fail unit-verify-catches-missing-program
	else
		pass unit-verify-catches-missing-program
	fi
else
	skip unit-verify "systemd-analyze not installed"
fi

# What users rely on in the units.
u=$src/scripts/systemd
check unit-kmod-requires-inject grep -qx 'Requires=falco-kmod-inject.service' "$u/falco-kmod.service"
check unit-kmod-engine grep -q '^ExecStart=.*falco -o engine.kind=kmod$' "$u/falco-kmod.service"
check unit-bpf-engine grep -q '^ExecStart=.*falco -o engine.kind=modern_ebpf$' "$u/falco-modern-bpf.service"
for n in falco-kmod falco-modern-bpf; do
	check "unit-$n-alias" grep -qx 'Alias=falco.service' "$u/$n.service"
	check "unit-$n-reload" grep -q '^ExecReload=.*kill -HUP .MAINPID$' "$u/$n.service"
	check "unit-$n-restart" grep -qx 'Restart=on-failure' "$u/$n.service"
done
check unit-inject-oneshot grep -qx 'Type=oneshot' "$u/falco-kmod-inject.service"

# One version: VERSION drives the changelog, the spec and the daemon.
clv=$(sed -n '1s/^falco (\([^)-]*\).*/\1/p' "$src/debian/changelog")
check version-debian-changelog [ "$clv" = "$version" ]
check version-rpm-spec grep -q '^%global falco_version %(cat VERSION)' "$src/rpm/falco.spec"
check version-dkms-conf grep -q '^PACKAGE_VERSION="#MODULE_VERSION#"' "$src/dkms.conf"
if [ -x "$src/build/bin/falco" ]; then
	v=$("$src/build/bin/falco" --version | sed -n 's/^Falco version: \([^ ]*\).*/\1/p')
	check version-daemon [ "$v" = "$version" ]
else
	skip version-daemon "build/bin/falco not built"
fi
