#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Compare our replay of the reference capture with libs' own decoding.

testdata/reference-driver/workload-6.1-modern-ebpf.txt is the capture
printed event by event by libs' example inspector: for each event its
thread (comm, tid, pid; for some events ppid, exe and args, read from
libs' thread table) and the rendered parameters, with fds, pids and
paths resolved against libs' state.  This script reads our falco's
output of one rule matching every event and checks, event by event
(matched by timestamp and type), that our state and rendering agree.

Usage: reference_check.py OUR_OUTPUT REFERENCE_TXT
Prints PASS/FAIL lines; exits 0.
"""

import re
import sys

LINE = re.compile(r'^(\d+) (\S+) cat=\S+ proc=(.*?)\((\d+)\.(\d+)\)'
                  r'(?: ppid=(\d+) exe=(\S*) args=\[(.*?)\])? (\S+) ?(.*)$')


def load_ours(path):
    ours = {}
    with open(path, encoding='utf-8', errors='replace') as f:
        for line in f:
            if '@' not in line:
                continue
            body = line.rstrip('\n').split('@', 1)[1]
            t, name, tid, pid, ppid, exe, args, typ, evargs = \
                body.split('|', 8)
            ours[(t, typ)] = (name, tid, pid, ppid, exe, args, evargs)
    return ours


def main():
    ours = load_ours(sys.argv[1])
    ident, rendering, n = [], [], 0
    with open(sys.argv[2], encoding='utf-8', errors='replace') as f:
        for line in f:
            m = LINE.match(line.rstrip('\n'))
            if m is None:
                continue
            num, t, name, tid, pid, ppid, exe, args, typ, rest = m.groups()
            n += 1
            o = ours.get((t, typ))
            if o is None:
                ident.append('%s %s %s: no such event in our output' % (
                    num, t, typ))
                continue
            got = [o[0], o[1], o[2]]
            want = [name, tid, pid]
            if ppid is not None:
                # libs prints argv[0] first; proc.args is argv[1..]
                got += [o[3], o[4], o[5]]
                want += [ppid, exe, args.split(' ', 1)[1]
                         if ' ' in args else '']
            if got != want:
                ident.append('%s %s %s: %s, libs %s' % (num, t, typ, got,
                                                         want))
            # libs appends the fd's name after the parameters
            if not rest.startswith(o[6]):
                rendering.append('%s %s %s: %r, libs %r' % (
                    num, t, typ, o[6], rest))
    for name, errs in (('reference_thread_identity', ident),
                       ('reference_event_args', rendering)):
        if n == 0:
            print('FAIL: %s (no events in the reference)' % name)
        elif errs:
            print('FAIL: %s (%d of %d events differ; first: %s)' % (
                name, len(errs), n, errs[0]))
        else:
            print('PASS: %s (%d events)' % (name, n))
    return 0


if __name__ == '__main__':
    sys.exit(main())
