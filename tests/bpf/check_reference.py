# SPDX-License-Identifier: Apache-2.0
"""Compare a capture of workload_ref.sh with Falco's reference capture of
the same actions: the same event types, each with the same parameter
count and the same size for every fixed-size parameter.

    check_reference.py SRC CAPTURE PIDFILE REFERENCE_SCAP

CAPTURE is falco-bpf-dump -w output (.scap) or -o output (raw records).

Prints PASS:/FAIL: lines."""
import sys

import fevt

src, raw, pidfile, ref = sys.argv[1:5]
schema = fevt.load_schema(src)
if raw.endswith('.scap'):
    ours = fevt.read_scap(schema, raw)
else:
    ours = fevt.read_raw(schema, raw)
theirs = fevt.read_scap(schema, ref)
root = int(open(pidfile).read())
mine = fevt.descendants(ours, root)
ours = [e for e in ours if e.tid in mine]


def driver_event(e):
    return 'SYSCALL' in e.category or 'TRACEPOINT' in e.category


def by_type(events):
    out = {}
    for e in events:
        if driver_event(e):
            out.setdefault(e.sym, []).append(e)
    return out


o, t = by_type(ours), by_type(theirs)
missing = sorted(set(t) - set(o))
if missing:
    print('FAIL: bpf_reference_types: missing %s' % ' '.join(missing))
else:
    print('PASS: bpf_reference_types')
for sym in sorted(set(t) & set(o)):
    ref = t[sym][0]
    bad = []
    for e in o[sym]:
        if e.nparams != ref.nparams:
            bad.append('%d params, reference %d' % (e.nparams, ref.nparams))
            continue
        for i, (name, typ) in enumerate(e.params):
            want = fevt.FIXED.get(typ)
            if want is None:
                continue
            for who, ev in (('ours', e), ('reference', ref)):
                if len(ev.raw[i]) not in (0, want):
                    bad.append('%s %s is %d bytes, not %d' %
                               (who, name, len(ev.raw[i]), want))
    if bad:
        print('FAIL: bpf_reference_%s: %s' % (sym.lower(),
                                             '; '.join(bad[:3])))
    else:
        print('PASS: bpf_reference_%s' % sym.lower())
