#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Run Falco 0.34.1's functional suite against our falco binary.

Each case of falco_tests.yaml, falco_tests_exceptions.yaml and
falco_traces.yaml.in is turned into a falco command line (rules files,
configuration, capture, options), run with FALCO_HOSTNAME set, and judged
the way that release's harness judged it: the end-of-run summary
(Events detected, per-priority and per-rule counts), the -V JSON results,
stdout/stderr patterns, strict output files and the exit status.

Cases listed in the skip file are reported as SKIP with their reason;
cases whose capture is not in the test data are skipped automatically.

Usage: falco_suite.py FALCO_BIN TESTS_DIR SKIP_FILE [FALCO_SRC]
Prints one PASS/FAIL/SKIP line per case and a totals line; exits 0.
"""

import json
import os
import re
import shutil
import subprocess
import sys

import yaml


class MuxLoader(yaml.SafeLoader):
    """The suites tag their top-level maps with !mux (avocado)."""


def _mux(loader, node):
    return loader.construct_mapping(node, deep=True)


MuxLoader.add_constructor('!mux', _mux)

OUTPUTS_DIR = '/tmp/falco_outputs'


def load_cases(tests_dir):
    """Yield (suite/name, case dict) for every case of the three files."""
    for fname, suite in (('falco_tests.yaml', 'falco_tests'),
                         ('falco_tests_exceptions.yaml',
                          'falco_tests_exceptions'),
                         ('falco_traces.yaml.in', 'falco_traces')):
        path = os.path.join(tests_dir, fname)
        with open(path, encoding='utf-8') as f:
            doc = yaml.load(f, Loader=MuxLoader)
        for key in ('trace_files', 'traces'):
            for name, case in (doc.get(key) or {}).items():
                yield '%s/%s' % (suite, name), case or {}


def load_skips(path):
    skips = {}
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.rstrip('\n')
            if not line or line.startswith('#'):
                continue
            name, _, reason = line.partition('\t')
            skips[name.strip()] = reason.strip()
    return skips


def as_list(v):
    if v is None:
        return []
    return v if isinstance(v, list) else [v]


def abspath(tests_dir, p):
    """Paths are relative to the suite's folder; the captures of
    trace_files/ sit beside it in the test data."""
    if os.path.isabs(p):
        return p
    here = os.path.join(tests_dir, p)
    if os.path.exists(here):
        return here
    beside = os.path.join(os.path.dirname(tests_dir), p)
    return beside if os.path.exists(beside) else here


def build_command(falco, tests_dir, src, case):
    """The argv for a case, or (None, reason) when it cannot run."""
    cmd = [falco]
    conf = case.get('conf_file')
    cmd += ['-c', abspath(tests_dir, conf) if conf else
            os.path.join(src, 'falco.yaml')]
    cmd += ['-o', 'log_syslog=false', '-o', 'log_stderr=true',
            '-o', 'syslog_output.enabled=false']
    if not conf:
        # our falco.yaml appends the suggested container fields (current
        # Falco's default); 0.34.1 had no append_output
        cmd += ['-o', 'stdout_output.enabled=true',
                '-o', 'append_output[0].suggested_output=false']
    validate = as_list(case.get('validate_rules_file'))
    if validate:
        cmd += ['-o', 'json_output=true']
        for v in validate:
            cmd += ['-V', abspath(tests_dir, v)]
        return cmd, None
    # Without rules_file, 0.34.1 loaded its own default rules: ours.
    for r in as_list(case.get('rules_file')) or [
            os.path.join(src, 'rules', 'falco_rules.yaml')]:
        cmd += ['-r', abspath(tests_dir, r)]
    trace = case.get('trace_file')
    if trace is not None:
        cmd += ['-e', abspath(tests_dir, trace)]
    if 'json_output' in case:
        cmd += ['-o', 'json_output=%s' % str(case['json_output']).lower()]
    for key in ('json_include_output_property',
                'json_include_tags_property'):
        if key in case:
            cmd += ['-o', '%s=%s' % (key, str(case[key]).lower())]
    if 'priority' in case:
        cmd += ['-o', 'priority=%s' % case['priority']]
    if case.get('time_iso_8601'):
        cmd += ['-o', 'time_format_iso_8601=true']
    if 'run_duration' in case:
        cmd += ['-M', str(case['run_duration'])]
    # all_events (-A) made 0.34.1 keep events it otherwise dropped; we
    # evaluate every event of a capture, so it needs no flag.
    return cmd, None


def summary(stdout):
    """Parse the end-of-run summary: (events, {PRIO: n}, {rule: n})."""
    m = re.search(r'^Events detected: (\d+)$', stdout, re.M)
    if m is None:
        return None, {}, {}
    events = int(m.group(1))
    prios, rules = {}, {}
    section = None
    for line in stdout[m.end():].splitlines():
        if line == 'Rule counts by severity:':
            section = prios
            continue
        if line == 'Triggered rules by rule name:':
            section = rules
            continue
        m2 = re.match(r'^   (.*): (\d+)$', line)
        if m2 and section is not None:
            section[m2.group(1)] = int(m2.group(2))
    return events, prios, rules


def check_validation(case, stdout):
    errs = []
    try:
        res = json.loads(stdout.strip().splitlines()[-1])
        results = res['falco_load_results']
    except (ValueError, KeyError, IndexError):
        return ['-V output is not the JSON results']
    for kind, key in (('errors', 'validate_errors'),
                      ('warnings', 'validate_warnings')):
        for exp in as_list(case.get(key)):
            found = False
            for r in results:
                for got in r.get(kind, []):
                    locs = got.get('context', {}).get('locations', [])
                    where = any(
                        l.get('item_type') == exp.get('item_type') and
                        l.get('item_name') == str(exp.get('item_name'))
                        for l in locs)
                    msg = got.get('message', '')
                    if 'message' in exp and msg != str(exp['message']):
                        continue
                    if 'message_contains' in exp and \
                            str(exp['message_contains']) not in msg:
                        continue
                    if got.get('code') == exp.get('code') and where:
                        found = True
            if not found:
                errs.append('no %s %s for %s %r' % (
                    kind[:-1], exp.get('code'), exp.get('item_type'),
                    exp.get('item_name')))
    for ok in as_list(case.get('validate_ok')):
        for r in results:
            if r.get('name', '').endswith(ok) and not r.get('successful'):
                errs.append('%s did not validate' % ok)
    return errs


def check_strict(tests_dir, case, stdout):
    errs = []
    for item in as_list(case.get('output_strictly_contains')):
        for where, expected in item.items():
            if where == 'stdout':
                got = stdout
            else:
                try:
                    with open(where, encoding='utf-8') as f:
                        got = f.read()
                except OSError as e:
                    errs.append('cannot read %s: %s' % (where, e))
                    continue
            with open(abspath(tests_dir, expected), encoding='utf-8') as f:
                want = f.read().splitlines()
            lines = got.splitlines()
            if case.get('json_output'):
                lines = [json.loads(l) for l in lines if l.startswith('{')]
                want = [json.loads(l) for l in want if l.strip()]
            for w in want:
                if w not in lines:
                    errs.append('%s lacks %r' % (where, str(w)[:60]))
                    break
    return errs


def judge(case, tests_dir, proc):
    errs = []
    out, err = proc.stdout, proc.stderr
    for key, text in (('stdout_contains', out), ('stderr_contains', err)):
        for pat in as_list(case.get(key)):
            if re.search(pat, text) is None:
                errs.append('%s lacks /%s/' % (key[:6], pat))
    for key, text in (('stdout_not_contains', out),
                      ('stderr_not_contains', err)):
        for pat in as_list(case.get(key)):
            if re.search(pat, text) is not None:
                errs.append('%s has /%s/' % (key[:6], pat))
    want_rc = case.get('exit_status', 0)
    if proc.returncode != want_rc:
        errs.append('exit status %d, expected %d' % (proc.returncode,
                                                     want_rc))
        return errs
    if case.get('validate_rules_file'):
        return errs + check_validation(case, out)
    if proc.returncode != 0:
        return errs
    events, prios, rules = summary(out)
    if events is None:
        return errs + ['no "Events detected" line']
    if case.get('detect'):
        if events == 0:
            errs.append('no detections')
        for level in as_list(case.get('detect_level')):
            if prios.get(str(level).upper(), 0) == 0:
                errs.append('no detection at %s' % level)
    elif events > 0:
        errs.append('%d detections, expected none' % events)
    for item in as_list(case.get('detect_counts')):
        for rule, count in item.items():
            if rules.get(rule, 0) != count:
                errs.append('rule %s: %d alerts, expected %d' % (
                    rule, rules.get(rule, 0), count))
    return errs + check_strict(tests_dir, case, out)


def main():
    falco, tests_dir, skip_file = sys.argv[1:4]
    src = sys.argv[4] if len(sys.argv) > 4 else os.getcwd()
    skips = load_skips(skip_file)
    npass = nfail = nskip = 0
    env = dict(os.environ, FALCO_HOSTNAME='test-falco-hostname')
    for name, case in load_cases(tests_dir):
        if name in skips:
            print('SKIP: %s: %s' % (name, skips[name]))
            nskip += 1
            continue
        trace = case.get('trace_file')
        if trace and not case.get('validate_rules_file') and \
                not os.path.exists(abspath(tests_dir, trace)):
            print('SKIP: %s: capture %s is not in the test data '
                  '(download.falco.org traces)' % (name, trace))
            nskip += 1
            continue
        cmd, why = build_command(falco, tests_dir, src, case)
        if cmd is None:
            print('SKIP: %s: %s' % (name, why))
            nskip += 1
            continue
        if case.get('output_strictly_contains'):
            shutil.rmtree(OUTPUTS_DIR, ignore_errors=True)
            os.makedirs(OUTPUTS_DIR, exist_ok=True)
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True,
                                  env=env, timeout=120, check=False,
                                  errors='replace')
            errs = judge(case, tests_dir, proc)
        except subprocess.TimeoutExpired:
            errs = ['timed out']
        if errs:
            print('FAIL: %s (%s)' % (name, '; '.join(errs)))
            nfail += 1
        else:
            print('PASS: %s' % name)
            npass += 1
    shutil.rmtree(OUTPUTS_DIR, ignore_errors=True)
    print('functional suite: %d passed, %d failed, %d skipped' % (
        npass, nfail, nskip))
    return 0


if __name__ == '__main__':
    sys.exit(main())
