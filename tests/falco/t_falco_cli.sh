#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# The falco program's command line: each case of cli_cases.txt runs
# falco with its arguments and checks the exit status and one line of
# the output.
set -eu

# shellcheck source=tests/falco/lib.sh
. "$(dirname "$0")/lib.sh"
need cli

write_config "$tmp/cfg.yaml"
write_rules v1 "$tmp/rules.yaml"
printf -- '- rule: broken\n  desc: no condition\n' >"$tmp/bad.yaml"
mkdir "$tmp/rules.d" "$tmp/bad.d" "$tmp/empty.d"
cp "$tmp/rules.yaml" "$tmp/rules.d/a.yaml"
echo 'not rules' >"$tmp/rules.d/notes.txt"
cp "$tmp/rules.yaml" "$tmp/bad.d/a.yaml"
cp "$tmp/bad.yaml" "$tmp/bad.d/b.yml"
printf 'json_output: 12\nstdout_output:\n  enabled: maybe\n' \
    >"$tmp/badcfg.yaml"
printf 'json_output: true\n' >"$tmp/json.yaml"

grep -v '^#' "$top/tests/falco/cli_cases.txt" |
while IFS='|' read -r name want pat args; do
	name=$(echo "$name" | tr -d ' ')
	[ -n "$name" ] || continue
	want=$(echo "$want" | tr -d ' ')
	pat=$(echo "$pat" | sed 's/^ //; s/ $//')
	args=$(echo "$args" | sed "s|@TMP@|$tmp|g; s|@CFG@|$tmp/cfg.yaml|g;
	    s|@RULES@|$tmp/rules.yaml|g; s|@BAD@|$tmp/bad.yaml|g;
	    s|@BADCFG@|$tmp/badcfg.yaml|g")
	rc=0
	# shellcheck disable=SC2086
	"$falco" $args >"$tmp/out" 2>&1 </dev/null || rc=$?
	if [ "$rc" -ne "$want" ]; then
		echo "FAIL: $name (exit status $rc, expected $want)"
		sed 's/^/    /' "$tmp/out" | tail -3
	elif ! grep -Eq -- "$pat" "$tmp/out"; then
		echo "FAIL: $name (output lacks /$pat/)"
		sed 's/^/    /' "$tmp/out" | tail -3
	else
		echo "PASS: $name"
	fi
done

# Without the kernel module, the error says how to get a driver.
if [ -e /dev/falco0 ]; then
	echo "SKIP: kmod_missing_hint: /dev/falco0 exists (the module is loaded)"
else
	rc=0
	"$falco" -c "$tmp/cfg.yaml" -r "$tmp/rules.yaml" -o engine.kind=kmod \
	    -M 1 >"$tmp/out" 2>&1 </dev/null || rc=$?
	check kmod_missing_hint "$([ "$rc" -eq 1 ] &&
	    grep -q "the falco kernel module is not loaded" "$tmp/out" &&
	    grep -q "'falco-driver-loader kmod'" "$tmp/out" &&
	    grep -q 'engine\.kind=modern_ebpf' "$tmp/out" &&
	    echo 0 || echo 1)" "exit status $rc: $(tail -1 "$tmp/out")"
fi
