#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Falco 0.34.1's functional suite (falco_tests.yaml,
# falco_tests_exceptions.yaml, falco_traces.yaml.in) replayed through our
# falco; skipped cases and their reasons are in skip-0.34.1.txt.
set -eu

top=${FALCO_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
: "${FALCO_TESTDATA:=$top/../shared/testdata}"
falco=${FALCO_BUILD:-$top/build}/bin/falco
suite=$FALCO_TESTDATA/falco-0.34.1/tests

if [ ! -x "$falco" ]; then
	echo "SKIP: falco_0341: $falco is not built"
	exit 0
fi
if ! python3 -c 'import yaml' 2>/dev/null; then
	echo "SKIP: falco_0341: python3 with the yaml module is missing"
	exit 0
fi
if [ ! -d "$suite" ]; then
	echo "SKIP: falco_0341: $suite is missing"
	exit 0
fi
python3 "$top/tests/functional/falco_suite.py" "$falco" "$suite" \
    "$top/tests/functional/skip-0.34.1.txt" "$top"
