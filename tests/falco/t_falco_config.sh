#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# falco.yaml keys and -o overrides, checked by what the daemon then does
# on a replay: rules_files and -r, the rules: selection, priority,
# json_output, time_format_iso_8601, log_stderr and log_level.
set -eu

# shellcheck source=tests/falco/lib.sh
. "$(dirname "$0")/lib.sh"
need config

cat >"$tmp/rules.yaml" <<'R'
- rule: cat opens
  desc: opens by cat
  condition: evt.type = open and proc.name = cat
  output: "cat open %fd.name"
  priority: WARNING
  tags: [files]
- rule: cat execs
  desc: cat started
  condition: evt.type = execve and proc.name = cat
  output: "cat exec %proc.cmdline"
  priority: NOTICE
  tags: [process]
R

# run NAME WANT-STATUS PATTERN CONFIG-TEXT ARGS...: falco on the small
# capture with the base configuration plus CONFIG-TEXT
run() {
	name=$1 want=$2 pat=$3 extra=$4
	shift 4
	write_config "$tmp/cfg.yaml"
	printf '%b' "$extra" >>"$tmp/cfg.yaml"
	rc=0
	"$falco" -c "$tmp/cfg.yaml" -e "$src_cap" "$@" >"$tmp/out" \
	    2>"$tmp/err" || rc=$?
	if [ "$rc" -ne "$want" ]; then
		echo "FAIL: $name (exit status $rc, expected $want)"
		tail -3 "$tmp/err" | sed 's/^/    /'
	elif ! cat "$tmp/out" "$tmp/err" | grep -Eq -- "$pat"; then
		echo "FAIL: $name (output lacks /$pat/)"
		tail -3 "$tmp/out" | sed 's/^/    /'
	else
		echo "PASS: $name"
	fi
}

run rules_files_from_config 0 '^   cat opens: 8$' \
    "rules_files:\n  - $tmp/rules.yaml\n"
run rules_file_legacy_key 0 '^   cat opens: 8$' \
    "rules_file:\n  - $tmp/rules.yaml\n"
run r_replaces_rules_files 0 '^   cat opens: 8$' \
    "rules_files:\n  - $tmp/missing.yaml\n" -r "$tmp/rules.yaml"
run rules_files_override 0 '^   cat opens: 8$' "" \
    -o "rules_files[0]=$tmp/rules.yaml"
run no_rules_files 1 'at least one rules file' "rules_files: []\n"
# A missing rules file is an error naming it, as in Falco; a missing
# directory (the default /etc/falco/rules.d) is skipped with a warning.
run rules_files_missing_file 1 \
    "Could not open file $tmp/missing\\.yaml for reading: No such file" \
    "rules_files:\n  - $tmp/rules.yaml\n  - $tmp/missing.yaml\n"
run rules_files_missing_dir 0 \
    "Rules path $tmp/missing\\.d: No such file or directory; skipped" \
    "rules_files:\n  - $tmp/rules.yaml\n  - $tmp/missing.d\n"
check rules_files_missing_dir_loads "$(grep -q '^   cat opens: 8$' \
    "$tmp/out" && echo 0 || echo 1)" "the other rules did not run"
run selection_disable_rule 0 '^Events detected: 1$' \
    "rules:\n  - disable:\n      rule: cat open*\n" -r "$tmp/rules.yaml"
run selection_disable_tag 0 '^   cat opens: 8$' \
    "rules:\n  - disable:\n      tag: process\n" -r "$tmp/rules.yaml"
run selection_order 0 '^Events detected: 9$' \
    "rules:\n  - disable:\n      rule: '*'\n  - enable:\n      tag: files\n  - enable:\n      rule: cat execs\n" \
    -r "$tmp/rules.yaml"
run selection_override 0 '^Events detected: 1$' "" -r "$tmp/rules.yaml" \
    -o 'rules[0].disable.tag=files'
run priority_from_file 0 '^Events detected: 8$' "priority: warning\n" \
    -r "$tmp/rules.yaml"
run priority_override_wins 0 '^Events detected: 9$' "priority: warning\n" \
    -r "$tmp/rules.yaml" -o priority=debug
run json_output_override 0 \
    '^\{"hostname":"[^"]*","output":"[^"]*Warning cat open [^"]*","output_fields":\{' \
    "" -r "$tmp/rules.yaml" -o json_output=true
run json_no_output_property 0 '^\{"hostname":"[^"]*","output_fields"' "" \
    -r "$tmp/rules.yaml" -o json_output=true \
    -o json_include_output_property=false
run time_iso8601 0 '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+\+0000: Warning cat open' \
    "time_format_iso_8601: true\n" -r "$tmp/rules.yaml"
run rule_matching_all 0 '^Events detected: 9$' "rule_matching: all\n" \
    -r "$tmp/rules.yaml"
run unbuffered_flag 0 '^Events detected: 9$' "buffered_outputs: true\n" \
    -r "$tmp/rules.yaml" -U

# log_stderr: false silences the operational log on stderr; the drop
# monitor's end-of-run lines are printed there all the same, as Falco
# does.
run log_stderr_off 0 '^Events detected: 9$' "" -r "$tmp/rules.yaml" \
    -o log_stderr=false
check log_stderr_off_quiet "$(grep -v -e 'drop monitoring:$' \
    -e '^   - ' "$tmp/err" | grep -q . && echo 1 || echo 0)" \
    "stderr: $(head -1 "$tmp/err")"
# log_level: warning drops the info lines.
run log_level_warning 0 '^Events detected: 9$' "log_level: warning\n" \
    -r "$tmp/rules.yaml"
check log_level_no_info "$(grep -q 'Loading rules from' "$tmp/err" &&
    echo 1 || echo 0)" "info line at level warning"
run log_level_bad 1 "log_level" "log_level: chatty\n" -r "$tmp/rules.yaml"
