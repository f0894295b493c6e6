#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# The -V cases of the Falco 0.34.1 functional suite, run with our falco.
set -eu

top=${FALCO_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
: "${FALCO_TESTDATA:=$top/../shared/testdata}"
falco=${FALCO_BUILD:-$top/build}/bin/falco

if [ ! -x "$falco" ]; then
	echo "SKIP: falco_suite_validate: $falco is not built"
	exit 0
fi
if ! python3 -c 'import yaml' 2>/dev/null; then
	echo "SKIP: falco_suite_validate: python3 with the yaml module is missing"
	exit 0
fi
python3 "$top/tests/rules/falco_suite_validate.py" "$falco" \
    "$FALCO_TESTDATA" "$top/tests/rules/data/falco_suite_current.yaml" ||
    true
