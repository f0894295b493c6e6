#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# falco-driver-loader without packages: the automatic choice on this
# machine and on fake host roots (HOST_ROOT), the messages of every
# failure, the version check of a module against the daemon, and
# downloads from DRIVERS_REPO served on 127.0.0.1: a module that is
# installed and indexed, a 404, a wrong kernel, and a server that
# accepts and never answers (the download must time out and fall back).
set -eu

# shellcheck source=tests/packaging/lib.sh
. "$(dirname "$0")/lib.sh"

loader=$src/scripts/falco-driver-loader
miss=$(missing_tools python3 curl gcc modinfo depmod)
if [ -n "$miss" ]; then
	skip pkg-loader "missing$miss (scripts/install-deps.sh --test)"
	exit 0
fi

tmp=$(mktemp -d)
pids=
cleanup() {
	for p in $pids; do
		kill "$p" 2>/dev/null || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

# A daemon stand-in that reports driver versions as falco --version does.
mkdir -p "$tmp/bin"
fake_falco() {
	cat > "$tmp/bin/falco" <<EOS
#!/bin/sh
echo "Falco version: $version (x86_64)"
echo "Driver:"
echo "  API version:    $1"
echo "  Schema version: $2"
EOS
	chmod 755 "$tmp/bin/falco"
}
fake_falco 1.0.0 4.5.1
export FALCO_BIN="$tmp/bin/falco"

# A module stand-in: an ELF object whose .modinfo holds what modinfo
# reads from falco.ko.
krel=9.9.9-test
cat > "$tmp/ko.c" <<EOS
__attribute__((section(".modinfo"), used)) static const char mi[] =
    "license=GPL\0api_version=1.1.0\0schema_version=4.5.1\0"
    "vermagic=$krel SMP mod_unload \0name=falco";
EOS
gcc -c -o "$tmp/falco.ko" "$tmp/ko.c"

# run NAME ENV...  -- ARGS...: runs the loader; $out, $err, $rc.
run() {
	out=$tmp/out err=$tmp/err
	set +e
	env "$@" > "$out" 2> "$err"
	rc=$?
	set -e
}

# newroot: an empty fake host root in $root.
newroot() {
	root=$tmp/root.$1
	mkdir -p "$root/etc" "$root/proc" "$root/sys/kernel" "$root/lib/modules"
	echo 'ID=debian' > "$root/etc/os-release"
}

# This machine: no module support and BTF present means modern_ebpf.
if [ ! -e /proc/modules ] && [ -r /sys/kernel/btf/vmlinux ]; then
	run HOST_ROOT= sh "$loader" auto --print-choice
	if [ "$rc" -eq 0 ] && [ "$(cat "$out")" = modern_ebpf ]; then
		pass loader-host-auto-modern-ebpf
	else
		fail loader-host-auto-modern-ebpf
	fi
	check loader-host-auto-says-why grep -q 'no loadable module support' "$err"
	run HOST_ROOT= sh "$loader"
	if [ "$rc" -eq 0 ] && grep -q 'auto: chose modern_ebpf' "$err"; then
		pass loader-host-default-auto
	else
		fail loader-host-default-auto
	fi
	run HOST_ROOT= sh "$loader" kmod
	if [ "$rc" -eq 1 ] &&
	    grep -q 'cannot load modules' "$err" && grep -q 'modern_ebpf' "$err"; then
		pass loader-host-kmod-refused
	else
		fail loader-host-kmod-refused
	fi
else
	skip loader-host-auto-modern-ebpf "this machine loads modules or lacks BTF"
fi

# Modules and headers: kmod.
newroot kmod
: > "$root/proc/modules"
mkdir -p "$root/lib/modules/$krel/build/include"
run HOST_ROOT="$root" DRIVER_KERNEL_RELEASE=$krel sh "$loader" --print-choice
if [ "$(cat "$out")" = kmod ] && grep -q 'headers are in' "$err"; then
	pass loader-auto-kmod
else
	fail loader-auto-kmod
fi

# Modules but no headers, BTF: modern_ebpf, saying why.
newroot bpf
: > "$root/proc/modules"
mkdir -p "$root/sys/kernel/btf"
: > "$root/sys/kernel/btf/vmlinux"
run HOST_ROOT="$root" DRIVER_KERNEL_RELEASE=6.1.0-9-amd64 sh "$loader" --print-choice
if [ "$(cat "$out")" = modern_ebpf ] &&
    grep -q 'no headers for kernel 6.1.0-9-amd64' "$err"; then
	pass loader-auto-no-headers-bpf
else
	fail loader-auto-no-headers-bpf
fi

# Secure Boot on: modules and headers are not enough.
mkdir -p "$root/lib/modules/6.1.0-9-amd64/build/include" \
    "$root/sys/firmware/efi/efivars"
printf '\006\000\000\000\001' > \
    "$root/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-e0a9e54c4b8c"
run HOST_ROOT="$root" DRIVER_KERNEL_RELEASE=6.1.0-9-amd64 sh "$loader" --print-choice
if [ "$(cat "$out")" = modern_ebpf ] &&
    grep -q 'Secure Boot' "$err"; then
	pass loader-auto-secure-boot-bpf
else
	fail loader-auto-secure-boot-bpf
fi

# Nothing usable: both remedies named.
newroot none
run HOST_ROOT="$root" DRIVER_KERNEL_RELEASE=5.4.0-1 sh "$loader" auto
if [ "$rc" -eq 1 ] &&
    grep -q 'install linux-headers-5.4.0-1' "$err" &&
    grep -q 'CONFIG_DEBUG_INFO_BTF' "$err"; then
	pass loader-auto-nothing
else
	fail loader-auto-nothing
fi

# modern_ebpf on a kernel before ring buffers.
mkdir -p "$root/sys/kernel/btf"
: > "$root/sys/kernel/btf/vmlinux"
run HOST_ROOT="$root" DRIVER_KERNEL_RELEASE=5.4.0-1 sh "$loader" modern_ebpf
if [ "$rc" -eq 1 ] && grep -q 'predates BPF ring buffers' "$err"; then
	pass loader-bpf-old-kernel
else
	fail loader-bpf-old-kernel
fi

# kmod without headers: what to install, and the alternative.
newroot nohdr
: > "$root/proc/modules"
run HOST_ROOT="$root" DRIVER_KERNEL_RELEASE=$krel sh "$loader" kmod --compile
if [ "$rc" -eq 1 ] &&
    grep -q "apt-get install linux-headers-$krel" "$err" &&
    grep -q 'falco-driver-loader modern_ebpf' "$err"; then
	pass loader-kmod-no-headers
else
	fail loader-kmod-no-headers
fi

run HOST_ROOT="$root" DRIVER_KERNEL_RELEASE=$krel sh "$loader" --print-env
if grep -q "^DRIVER_KERNEL_RELEASE=$krel\$" "$out" &&
    grep -q '^MODULE_SUPPORT=yes$' "$out" && grep -q '^HAVE_HEADERS=no$' "$out" &&
    grep -q '^DAEMON_API_VERSION=1.0.0$' "$out" && grep -q "^FALCO_VERSION=$version\$" "$out"; then
	pass loader-print-env
else
	fail loader-print-env
fi
run sh "$loader" --bogus
check loader-bad-argument [ "$rc" -eq 2 ]
run sh "$loader" --help
if [ "$rc" -eq 0 ] && grep -q DRIVERS_REPO "$out"; then
	pass loader-help
else
	fail loader-help
fi

# No DRIVERS_REPO: curl is never run.
cat > "$tmp/bin/curl" <<EOS
#!/bin/sh
echo called > "$tmp/curl-called"
exit 7
EOS
chmod 755 "$tmp/bin/curl"
run PATH="$tmp/bin:$PATH" HOST_ROOT="$root" DRIVER_KERNEL_RELEASE=$krel DRIVERS_REPO= sh "$loader" kmod
if [ ! -e "$tmp/curl-called" ] && [ "$rc" -eq 1 ]; then
	pass loader-no-repo-no-network
else
	fail loader-no-repo-no-network
fi
rm -f "$tmp/bin/curl"

# A repository on 127.0.0.1 (python's http.server, port chosen by the
# kernel and written to a file).
repo=$tmp/repo
mkdir -p "$repo/$version/$(uname -m)"
cp "$tmp/falco.ko" "$repo/$version/$(uname -m)/falco_debian_${krel}_7.ko"
cat > "$tmp/serve.py" <<'EOS'
import functools, http.server, sys
handler = functools.partial(http.server.SimpleHTTPRequestHandler,
                            directory=sys.argv[1])
srv = http.server.HTTPServer(("127.0.0.1", 0), handler)
with open(sys.argv[2], "w") as f:
    f.write(str(srv.server_address[1]))
srv.serve_forever()
EOS
python3 "$tmp/serve.py" "$repo" "$tmp/port" 2>/dev/null &
pids="$pids $!"
# A server that accepts connections and never answers.
cat > "$tmp/hang.py" <<'EOS'
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(8)
with open(sys.argv[1], "w") as f:
    f.write(str(s.getsockname()[1]))
conns = []
while True:
    c, _ = s.accept()
    conns.append(c)
EOS
python3 "$tmp/hang.py" "$tmp/hport" &
pids="$pids $!"
i=0
while { [ ! -s "$tmp/port" ] || [ ! -s "$tmp/hport" ]; } && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
url=http://127.0.0.1:$(cat "$tmp/port")
hurl=http://127.0.0.1:$(cat "$tmp/hport")

dl() {
	run HOST_ROOT="$root" DRIVER_KERNEL_RELEASE="$1" \
	    DRIVER_KERNEL_VERSION='#7 SMP PREEMPT_DYNAMIC' DRIVERS_REPO="$2" \
	    DRIVERS_CONNECT_TIMEOUT=2 DRIVERS_MAX_TIME=3 sh "$loader" kmod
}

newroot dl
: > "$root/proc/modules"
dl $krel "$url"
ko=$root/lib/modules/$krel/extra/falco.ko
if [ "$rc" -eq 0 ] && [ -f "$ko" ] &&
    grep -q 'loads when that kernel runs' "$err"; then
	pass loader-download-installs
else
	fail loader-download-installs
fi
check loader-download-depmod grep -q 'extra/falco.ko' "$root/lib/modules/$krel/modules.dep"

# Once installed, it is kept: no second download.
dl $krel "$url"
if [ "$rc" -eq 0 ] && grep -q 'already installed' "$err" &&
    ! grep -q downloading "$err"; then
	pass loader-installed-kept
else
	fail loader-installed-kept
fi

# The same module against a daemon of another driver API major.
rm -f "$ko"
fake_falco 2.0.0 4.5.1
dl $krel "$url"
if [ "$rc" -eq 1 ] &&
    grep -q 'API version 1.1.0, falco needs 2.0.0' "$err" && [ ! -f "$ko" ]; then
	pass loader-version-mismatch
else
	fail loader-version-mismatch
fi
# A module older than the daemon's minor.
fake_falco 1.2.0 4.5.1
dl $krel "$url"
if [ "$rc" -eq 1 ] && grep -q 'falco needs 1.2.0' "$err"; then
	pass loader-version-older-minor
else
	fail loader-version-older-minor
fi
fake_falco 1.0.0 4.5.1

# A module built for another kernel is refused, then the build is tried.
cp "$tmp/falco.ko" "$repo/$version/$(uname -m)/falco_debian_9.9.8-other_7.ko"
dl 9.9.8-other "$url"
if [ "$rc" -eq 1 ] &&
    grep -q "is for kernel '$krel', not 9.9.8-other" "$err" &&
    grep -q 'falling back to building' "$err"; then
	pass loader-download-wrong-kernel
else
	fail loader-download-wrong-kernel
fi

# No module for this kernel (404): fall back to building.
dl 9.9.7-none "$url"
if [ "$rc" -eq 1 ] && grep -q 'no prebuilt module' "$err" &&
    grep -q 'falling back to building' "$err" && grep -q 'linux-headers-9.9.7-none' "$err"; then
	pass loader-download-404
else
	fail loader-download-404
fi

# A repository that never answers: the download times out (pitfall 15).
t0=$(date +%s)
dl $krel "$hurl"
dt=$(($(date +%s) - t0))
if [ "$rc" -eq 1 ] && grep -q 'timed out' "$err" &&
    grep -q 'falling back to building' "$err"; then
	pass loader-download-timeout
else
	fail loader-download-timeout
fi
check loader-download-timeout-bounded [ "$dt" -lt 15 ]
echo "hung repository: loader gave up after $dt s" >&2
