# SPDX-License-Identifier: Apache-2.0
"""Run the validation cases of the Falco 0.34.1 functional suite with our
falco binary (`falco -o json_output=true -V ...`) and check exit status and
the expected errors and warnings.  Cases listed in
data/falco_suite_current.yaml are checked against current Falco's
behaviour instead.  Prints one PASS:/FAIL: line per case."""
import json
import os
import subprocess
import sys

import yaml


class Loader(yaml.SafeLoader):
    pass


Loader.add_constructor('!mux',
                       lambda l, n: l.construct_mapping(n, deep=True))


def cases(tree):
    for name, v in tree.items():
        if isinstance(v, dict) and 'validate_rules_file' in v:
            yield name, v
        elif isinstance(v, dict):
            yield from cases(v)


def matches(exp, got):
    if got['code'] != exp['code']:
        return False
    if not any(l['item_type'] == exp['item_type'] and
               l['item_name'] == exp['item_name']
               for l in got['context']['locations']):
        return False
    if 'message' in exp and got['message'] != exp['message']:
        return False
    if 'message_contains' in exp and exp['message_contains'] not in \
            got['message']:
        return False
    return True


def main():
    falco, testdata, changes = sys.argv[1:4]
    tdir = os.path.join(testdata, 'falco-0.34.1', 'tests')
    suite = {}
    for sf in ('falco_tests.yaml', 'falco_tests_exceptions.yaml'):
        with open(os.path.join(tdir, sf)) as f:
            suite[sf] = yaml.load(f, Loader=Loader)
    with open(changes) as f:
        current = yaml.safe_load(f)
    failed = 0
    for name, case in cases(suite):
        spec = dict(case)
        spec.update(current.get(name, {}))
        files = spec['validate_rules_file']
        if isinstance(files, str):
            files = [files]
        args = [falco, '-o', 'json_output=true']
        for f in files:
            args += ['-V', f]
        p = subprocess.run(args, cwd=tdir, capture_output=True, text=True)
        probs = []
        if p.returncode != spec.get('exit_status', 0):
            probs.append('exit status %d' % p.returncode)
        try:
            res = json.loads(p.stdout)['falco_load_results']
        except (ValueError, KeyError):
            res = []
            probs.append('no JSON results')
        for kind in ('errors', 'warnings'):
            for exp in spec.get('validate_' + kind) or []:
                if not any(matches(exp, g) for r in res for g in r[kind]):
                    probs.append('missing %s %s' % (kind[:-1], exp['code']))
        tag = ' (current Falco behaviour)' if name in current else ''
        if probs:
            failed += 1
            print('FAIL: falco_suite_validate/%s: %s' % (name,
                                                        '; '.join(probs)))
        else:
            print('PASS: falco_suite_validate/%s%s' % (name, tag))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
