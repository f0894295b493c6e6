#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# falco.yaml keys that change what the daemon does beyond the rules:
# buffer_format_base64, the pre-0.38 names of the engine keys, plugins
# (which this build cannot load, the built-in container plugin aside),
# the legacy eBPF probe, and the metrics and engine keys that only log
# why they have no effect here.  No driver is loaded: the live cases
# stop at the option checks or at the missing kernel module.
set -eu

# shellcheck source=tests/falco/lib.sh
. "$(dirname "$0")/lib.sh"
need keys
if ! command -v base64 >/dev/null 2>&1; then
	echo "SKIP: keys: base64 (coreutils) is not installed"
	exit 0
fi

write_config "$tmp/cfg.yaml"
# cat_write.scap: cat reads the ELF header of libc (832 bytes, 80 kept).
cat >"$tmp/rules.yaml" <<'R'
- rule: elf read
  desc: a read of an ELF header
  condition: evt.type = read and evt.rawres > 0 and evt.buffer contains ELF
  output: "buf=%evt.buffer data=%evt.arg.data args=%evt.args"
  priority: WARNING
R

# run ARGS...: falco on the capture; output in $tmp/out, status in rc
run() {
	rc=0
	"$falco" -c "$tmp/cfg.yaml" -r "$tmp/rules.yaml" "$@" \
	    >"$tmp/out" 2>&1 || rc=$?
}

# field NAME: the value of NAME=... in the first alert line
field() {
	sed -n "s/.* $1=\([^ ]*\).*/\1/p" "$tmp/out" | head -1
}

# --- buffer_format_base64 ------------------------------------------------
run -e "$src_cap"
b=$(field buf)
check b64_off "$(case $b in .ELF*) echo 0 ;; *) echo 1 ;; esac)" "buf=$b"

run -e "$src_cap" -o buffer_format_base64=true
b=$(field buf)
d=$(field data)
a=$(sed -n 's/.* args=res=832 data=\([^ ]*\) fd=3.*/\1/p' "$tmp/out" |
    head -1)
hdr=$(printf '%s' "$b" | base64 -d 2>/dev/null | head -c 4 | od -An -c |
    tr -d ' ')
check b64_buffer "$([ "$hdr" = '177ELF' ] && echo 0 || echo 1)" \
    "buf=$b decodes to $hdr"
check b64_arg "$([ -n "$b" ] && [ "$d" = "$b" ] && [ "$a" = "$b" ] &&
    echo 0 || echo 1)" "data=$d args data=$a"
# 80 bytes captured: 108 characters of base64, one '=' of padding
check b64_length "$([ "${#b}" -eq 108 ] &&
    [ "$(printf '%s' "$b" | base64 -d | wc -c)" -eq 80 ] &&
    echo 0 || echo 1)" "${#b} characters"
# the condition still sees the bytes: same match count
check b64_condition "$(grep -q '^Events detected: 1$' "$tmp/out" &&
    echo 0 || echo 1)" "$(grep 'Events detected' "$tmp/out")"

# --- pre-0.38 engine keys ------------------------------------------------
run -o engine.kind=kmod -o syscall_buf_size_preset=2 \
    -o syscall_drop_failed_exit=true -M 1
check legacy_deprecated "$(grep -q "'syscall_buf_size_preset' is deprecated" \
    "$tmp/out" && grep -q "'syscall_drop_failed_exit' is deprecated" \
    "$tmp/out" && echo 0 || echo 1)" "no deprecation warnings"
check legacy_applied "$(grep -q "Opening 'kmod' source: 2097152 bytes per \
ring buffer, drop_failed_exit on" "$tmp/out" && echo 0 || echo 1)" \
    "$(grep -m1 'Opening' "$tmp/out" || echo 'no Opening line')"

# The engine key, when set, wins over the old one.
run -o engine.kind=kmod -o syscall_buf_size_preset=2 \
    -o engine.kmod.buf_size_preset=3 -M 1
check legacy_engine_wins "$(grep -q "Opening 'kmod' source: 4194304 bytes" \
    "$tmp/out" && echo 0 || echo 1)" \
    "$(grep -m1 'Opening' "$tmp/out" || echo 'no Opening line')"

run -o engine.kind=kmod -o syscall_buf_size_preset=12 -M 1
check legacy_bad_preset "$([ "$rc" -eq 1 ] && grep -q \
    '^Error: syscall_buf_size_preset: 12 is not a preset' "$tmp/out" &&
    echo 0 || echo 1)" "exit $rc"

# Checked before the eBPF driver would be loaded.
run -o engine.kind=modern_ebpf \
    -o modern_bpf.cpus_for_each_syscall_buffer=5000 -M 1
check legacy_cpus "$([ "$rc" -eq 1 ] && grep -q \
    '^Error: modern_bpf.cpus_for_each_syscall_buffer: 5000 is out of range' \
    "$tmp/out" && echo 0 || echo 1)" "exit $rc"

# --- plugins and the legacy eBPF probe ------------------------------------
cat >>"$tmp/cfg.yaml" <<'C'
plugins:
  - name: k8saudit
    library_path: libk8saudit.so
  - name: container
    library_path: libcontainer.so
C
run -e "$src_cap"
want="^Error: .*cfg\.yaml:[0-9]+:[0-9]+: cannot load plugin 'k8saudit'"
want="$want \(libk8saudit\.so\): this build does not support plugins"
check plugin_error "$([ "$rc" -eq 1 ] && grep -Eq "$want" "$tmp/out" &&
    echo 0 || echo 1)" "exit $rc"

run -e "$src_cap" -o 'load_plugins[]=container'
check plugin_container "$([ "$rc" -eq 0 ] && grep -q \
    "Plugin 'container' is built into this build" "$tmp/out" &&
    grep -q '^Events detected: 1$' "$tmp/out" && echo 0 || echo 1)" \
    "exit $rc"

run -e "$src_cap" -o 'load_plugins[]=json'
check plugin_missing "$([ "$rc" -eq 1 ] && grep -q \
    "^Error: Cannot load plugin 'json': plugin config not found" \
    "$tmp/out" && echo 0 || echo 1)" "exit $rc"

run --dry-run -o 'load_plugins[]=k8saudit'
check plugin_dry_run "$([ "$rc" -eq 1 ] && grep -q \
    "cannot load plugin 'k8saudit'" "$tmp/out" && echo 0 || echo 1)" \
    "exit $rc"

# An empty load_plugins loads none of the entries.
run -e "$src_cap" -o 'load_plugins=[]' -o log_level=debug \
    -o plugins_hostinfo=true -o engine.modern_ebpf.disable_iterators=true
check plugin_none "$([ "$rc" -eq 0 ] && grep -q \
    'plugins_hostinfo has no effect' "$tmp/out" && echo 0 || echo 1)" \
    "exit $rc"
check disable_iterators "$(grep -q \
    'engine.modern_ebpf.disable_iterators has no effect' "$tmp/out" &&
    echo 0 || echo 1)" "no debug line"

write_config "$tmp/cfg.yaml"
run -o engine.kind=ebpf -o engine.ebpf.probe=/nonexistent/probe.o -M 1
check ebpf_unsupported "$([ "$rc" -eq 1 ] && grep -q \
    "^Error: engine.kind 'ebpf' (the legacy eBPF probe" "$tmp/out" &&
    echo 0 || echo 1)" "exit $rc"

# --- metrics groups without data -----------------------------------------
run -e "$src_cap" -o metrics.enabled=true \
    -o metrics.jemalloc_stats_enabled=true \
    -o metrics.kernel_iter_event_counters_enabled=true \
    -o metrics.libbpf_stats_enabled=false
want='metrics\.(jemalloc_stats|kernel_iter_event_counters)_enabled'
check metrics_no_effect "$([ "$(count "$tmp/out" "$want has no effect")" \
    -eq 2 ] && ! grep -q 'libbpf_stats_enabled has no effect' "$tmp/out" &&
    echo 0 || echo 1)" "wrong no-effect lines"

# --- falco_libs.thread_table_auto_purging_* -------------------------------
# A 20 s capture (200 copies, 100 ms apart) fed through a FIFO, so that
# metrics snapshots are taken while it runs: threads seen only at the
# start are purged with a 1 s interval and timeout, never with the
# defaults (300 s, 1800 s).  Zeros are left out of the snapshot.
cat >"$tmp/rules.yaml" <<'R'
- rule: cat opens
  desc: opens by cat
  condition: evt.type = open and proc.name = cat
  output: "cat open %fd.name"
  priority: WARNING
R
"$mkcap" "$src_cap" "$tmp/long.scap" 200 100
# purged ARGS...: the largest scap.n_purged_threads_total of the run
purged() {
	rm -f "$tmp/fifo"
	mkfifo "$tmp/fifo"
	"$falco" -c "$tmp/cfg.yaml" -r "$tmp/rules.yaml" -e "$tmp/fifo" \
	    -o metrics.enabled=true -o metrics.interval=100ms \
	    -o json_output=true "$@" >"$tmp/out" 2>"$tmp/err" &
	fpid=$!
	{
		cat "$tmp/long.scap"
		sleep 1
	} >"$tmp/fifo" &
	wpid=$!
	pids="$fpid $wpid"
	wait "$fpid" || true
	kill "$wpid" 2>/dev/null || true
	wait "$wpid" || true
	pids=""
	python3 -c 'import json, sys
n, snaps = 0, 0
for l in open(sys.argv[1]):
    if "Falco internal: metrics snapshot" not in l:
        continue
    snaps += 1
    f = json.loads(l)["output_fields"]
    n = max(n, int(f.get("scap.n_purged_threads_total", 0)))
print(n if snaps else "no snapshot")' "$tmp/out" 2>&1 || true
}
p=$(purged)
check purge_default "$([ "$p" = 0 ] && echo 0 || echo 1)" "purged $p"
p=$(purged -o falco_libs.thread_table_auto_purging_interval_s=1 \
    -o falco_libs.thread_table_auto_purging_thread_timeout_s=1)
check purge_settings "$(case $p in [1-9]*) echo 0 ;; *) echo 1 ;; esac)" \
    "purged $p"
