#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Rules files in the style written for Falco 0.37 and later
# (data/newer/): a base file and two files of overrides load with
# "falco -V" as Ok (no error, no warning), -L shows the merged rules,
# and a replay of the reference driver's workload capture raises the
# expected alerts with the expected fields (data/newer/expected.txt).
# Also the failure paths: the overrides without the file they extend,
# and an override mode that does not exist.
set -eu

top=${FALCO_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
falco=${FALCO_BUILD:-$top/build}/bin/falco
td=${FALCO_TESTDATA:-$top/../shared/testdata}
d=$top/tests/rules/data/newer
cap=$td/reference-driver/workload-6.1-modern-ebpf.scap

if [ ! -x "$falco" ]; then
	echo "SKIP: newer_rules: $falco is not built (make build/bin/falco)"
	exit 0
fi
if ! command -v jq >/dev/null 2>&1; then
	echo "SKIP: newer_rules: jq is not installed"
	exit 0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/t_newer_rules.XXXXXX")
trap 'rm -rf "$work"' EXIT

fails=0
pass() { echo "PASS: newer_rules: $1"; }
fail() {
	echo "FAIL: newer_rules: $1: $2"
	fails=$((fails + 1))
}
check() {
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		fail "$1" "expected '$2', got '$3'"
	fi
}

files="$d/10_base.yaml $d/20_site.yaml $d/30_tuning.yaml"
vargs=
rargs=
for f in $files; do
	vargs="$vargs -V $f"
	rargs="$rargs -r $f"
done

rc=0
# shellcheck disable=SC2086
"$falco" -c "$top/falco.yaml" $vargs >"$work/v.out" 2>&1 || rc=$?
check "falco -V of the three files exits 0" 0 "$rc"
for f in $files; do
	check "falco -V: $(basename "$f"): Ok, no warning" Ok \
	    "$(sed -n "s|^$f: ||p" "$work/v.out" | head -n 1)"
done

# shellcheck disable=SC2086
"$falco" -c "$top/falco.yaml" -o json_output=true -L $rargs \
    >"$work/l.json" 2>"$work/l.err" || fail "falco -L" "$(tail -n 2 \
    "$work/l.err")"
# shellcheck disable=SC2086
"$falco" -c "$top/falco.yaml" $rargs -e "$cap" -o json_output=true \
    -o rule_matching=all -o stdout_output.enabled=true \
    -o file_output.enabled=false -o syslog_output.enabled=false \
    -o http_output.enabled=false -o program_output.enabled=false \
    >"$work/alerts.out" 2>"$work/alerts.err" ||
    fail "replay of $(basename "$cap")" "$(tail -n 2 "$work/alerts.err")"
grep '^{' "$work/alerts.out" >"$work/alerts.json" || true

trim() {
	sed 's/^[[:space:]]*//; s/[[:space:]]*$//'
}

grep -v '^#' "$d/expected.txt" | while IFS='|' read -r kind rule key val; do
	kind=$(printf '%s' "$kind" | trim)
	rule=$(printf '%s' "$rule" | trim)
	key=$(printf '%s' "$key" | trim)
	val=$(printf '%s' "$val" | trim)
	case $kind in
	rule)
		check "$rule: $key" "$val" "$(jq -r --arg r "$rule" \
		    --arg k "$key" '.rules[] | select(.info.name == $r) |
		    .info[$k] | if type == "array" then join(",") else
		    tostring end' "$work/l.json")" ;;
	cond)
		c=$(jq -r --arg r "$rule" '.rules[] | select(.info.name == $r) |
		    .details.condition_compiled' "$work/l.json")
		case $c in
		*"$val"*) pass "$rule: $key" ;;
		*) fail "$rule: $key" "'$val' not in '$c'" ;;
		esac ;;
	alert)
		if [ "$key" = count ]; then
			check "$rule: alerts" "$val" "$(jq -c \
			    --arg r "$rule" 'select(.rule == $r)' \
			    "$work/alerts.json" | grep -c .)"
		else
			check "$rule: $key" "$val" "$(jq -r --arg r "$rule" \
			    --arg k "$key" 'select(.rule == $r) |
			    .output_fields[$k] | tostring' "$work/alerts.json" |
			    head -n 1)"
		fi ;;
	*) fail "expected.txt" "unknown kind '$kind'" ;;
	esac
done >"$work/checks"
cat "$work/checks"
fails=$((fails + $(grep -c '^FAIL' "$work/checks" || true)))

# The overrides alone extend nothing: Falco rejects them.
rc=0
"$falco" -c "$top/falco.yaml" -V "$d/20_site.yaml" >"$work/v2.out" 2>&1 ||
    rc=$?
check "20_site.yaml alone: rejected" 1 "$rc"
check "20_site.yaml alone: the list to extend is named" 1 \
    "$(grep -c "no list by that name already exists" "$work/v2.out" |
    awk '{ print ($1 > 0) }')"
rc=0
"$falco" -c "$top/falco.yaml" -V "$d/10_base.yaml" -V "$d/bad_override.yaml" \
    >"$work/v3.out" 2>&1 || rc=$?
check "override mode 'merge': rejected" 1 "$rc"
# (Positions as Falco prints them: the line counted from 0.)
check "override mode 'merge': located and explained" 1 \
    "$(grep -A 5 "value for 'condition': (.*bad_override.yaml:4:15)" \
    "$work/v3.out" |
    grep -c "Invalid override operation for key 'condition': 'merge'" |
    awk '{ print ($1 > 0) }')"
exit $((fails > 0))
