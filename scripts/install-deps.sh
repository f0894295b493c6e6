#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Install the Debian 12 packages needed to build and run the project
# (and, with --test, to run its whole test suite).  Must run as root.
set -eu

test_deps=0
for arg in "$@"; do
	case $arg in
	--test) test_deps=1 ;;
	*) echo "usage: $0 [--test]" >&2; exit 2 ;;
	esac
done

build="make gcc pkg-config libyaml-dev libjson-c-dev libcurl4-openssl-dev
	libmicrohttpd-dev libpcre2-dev zlib1g-dev libsqlite3-dev libbpf-dev
	bpftool clang-19 llvm-19 libelf-dev libnl-genl-3-dev"
tests="clang libcmocka-dev shellcheck python3 python3-yaml iproute2 util-linux procps strace
	gawk busybox-static redis-server curl jq openssl libgnutls28-dev
	chromium podman runc netcat-openbsd
	qemu-system-x86 cpio kmod dwarves
	dkms dh-dkms debhelper dpkg-dev fakeroot lintian rpm systemd
	sudo cron pkexec"

pkgs=$build
[ "$test_deps" -eq 1 ] && pkgs="$pkgs $tests"
# Some machines carry another vendor's nodejs (with npm inside), which
# Debian's npm package conflicts with: take Debian's only when npm is absent.
if [ "$test_deps" -eq 1 ] && ! command -v npm >/dev/null 2>&1; then
	pkgs="$pkgs nodejs npm"
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $pkgs >/dev/null
# The web UI's browser test drives chromium with playwright-core (npm).
if [ "$test_deps" -eq 1 ]; then
	top=$(cd "$(dirname "$0")/.." && pwd)
	npm install --silent --no-audit --no-fund --prefix "$top/build/node" \
	    playwright-core >/dev/null
fi
