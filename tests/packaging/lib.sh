# SPDX-License-Identifier: Apache-2.0
#
# Sourced by tests/packaging/t_pkg_*.sh: result lines, and the package
# build shared by those tests (a copy of the source tree built with
# dpkg-buildpackage and rpmbuild into build/packaging/out).

src=${FALCO_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
version=$(cat "$src/VERSION")
pkgdir=$src/build/packaging
out=$pkgdir/out

pass() {
	echo "PASS: $1"
}

# fail NAME [DETAIL]
fail() {
	echo "FAIL: $1${2:+: $2}"
}

skip() {
	echo "SKIP: $1: $2"
}

# check NAME COMMAND...: PASS if COMMAND succeeds, else FAIL.
check() {
	_check_name=$1
	shift
	if "$@"; then
		pass "$_check_name"
	else
		fail "$_check_name"
	fi
}

is_root() {
	[ "$(id -u)" -eq 0 ]
}

# missing_tools TOOL...: prints the tools that are not installed.
missing_tools() {
	for _tool in "$@"; do
		command -v "$_tool" >/dev/null 2>&1 || printf ' %s' "$_tool"
	done
}

# pkg_stale: true when the packages are missing or older than a source.
pkg_stale() {
	[ -f "$out/stamp" ] || return 0
	[ -n "$(find "$src" \( -path "$src/build" -o -path "$src/.git" \) \
	    -prune -o -type f -newer "$out/stamp" -print | head -n 1)" ]
}

# pkg_build: builds the .deb and .rpm packages from a copy of the tree
# (the work tree itself stays untouched).  Logs in $pkgdir/*.log;
# returns non-zero with the reason on stderr on failure.
pkg_build() {
	tree=$pkgdir/tree/falco-$version
	new=$pkgdir/new
	rm -rf "$pkgdir/tree" "$pkgdir/rpm" "$new"
	mkdir -p "$tree" "$new"
	(cd "$src" && tar --exclude=./build --exclude=./.git -cf - .) |
	    tar -C "$tree" -xf -
	if ! (cd "$tree" && dpkg-buildpackage -us -uc -b -j2) \
	    > "$pkgdir/deb-build.log" 2>&1; then
		echo "dpkg-buildpackage failed: $(grep -m 1 -E 'error:|Error [0-9]' \
		    "$pkgdir/deb-build.log" || tail -n 1 "$pkgdir/deb-build.log")" >&2
		return 1
	fi
	mv "$pkgdir"/tree/*.deb "$pkgdir"/tree/*.changes \
	    "$pkgdir"/tree/*.buildinfo "$new/"
	if ! (cd "$tree" && rpmbuild -bb --build-in-place --nodeps \
	    --define "_topdir $pkgdir/rpm" rpm/falco.spec) \
	    > "$pkgdir/rpm-build.log" 2>&1; then
		echo "rpmbuild failed: $(grep -m 1 -E 'error:|Error [0-9]' \
		    "$pkgdir/rpm-build.log" || tail -n 1 "$pkgdir/rpm-build.log")" >&2
		return 2
	fi
	mv "$pkgdir"/rpm/RPMS/*/*.rpm "$new/"
	touch "$new/stamp"
	rm -rf "$out"
	mv "$new" "$out"
}

# pkg_ensure: the packages, built if missing or stale (FALCO_PKG_REUSE=1:
# if missing only).
pkg_ensure() {
	if [ "${FALCO_PKG_REUSE:-0}" = 1 ] && [ -f "$out/stamp" ]; then
		return 0
	fi
	pkg_stale || return 0
	pkg_build
}

deb_falco() {
	echo "$out/falco_${version}_amd64.deb"
}

deb_dkms() {
	echo "$out/falco-dkms_${version}_all.deb"
}

# installed PKG: true if dpkg has PKG installed (not just its config).
installed() {
	dpkg-query -W -f '${db:Status-Status}' "$1" 2>/dev/null |
	    grep -q '^installed$'
}
