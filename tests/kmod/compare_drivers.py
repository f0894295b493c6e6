# SPDX-License-Identifier: Apache-2.0
"""Compare two captures of one run of parity_workload: one by falco.ko
(kmod_record), one by the eBPF driver (falco-bpf-dump -o).

    compare_drivers.py SRC KMOD_RAW BPF_RAW EXCEPTIONS

The workload's threads are paired up by their place in the process tree
(the i-th child cloned by a thread pairs with the i-th child cloned by
its pair).  Each pair of threads must show the same event types in the
same order, and each pair of events the same parameter values, with two
allowances: a thread or process id compares equal to its pair's id (the
workload's parent and process group, outside the tree, are paired from
its first event), and a parameter named in EXCEPTIONS is not compared.
EXCEPTIONS has lines "EVENT PARAM SCOPE reason": EVENT is an fnmatch
pattern of event symbols, SCOPE "value" skips the whole value, "varies"
too but for a value that may as well come out equal (page fault counts
differ between any two runs, also of one driver), "paired"
lets the values differ as long as they pair one to one over the whole
capture (an inode number seen twice in one capture is seen twice in the
other too), "unix-ptrs" skips only the two kernel addresses at the
start of a unix socket tuple (the path after them is still compared),
"kmod-zero" allows a module value of 0 (an id the task's namespace
cannot see), "ebpf-subset" allows an eBPF string list with fewer entries than the
module's, each entry also in the module's, "kmod-suffix" allows an
eBPF string that ends with the module's, and "memfd-path" a module path
"/memfd:NAME (deleted)" (the kernel's d_path() of a memfd) where the
eBPF driver has "memfd:NAME".

Prints one PASS:/FAIL: line per event category (FILE, NET, PROCESS, ...)
seen in either capture, the differences under each FAIL, and one line
per exception that never applied (an exception list that is longer than
needed fails too).  Exits 1 on any failure."""
import fnmatch
import os
import sys

src, kraw, braw, exc_path = sys.argv[1:5]
sys.path.insert(0, os.path.join(src, 'tests/bpf'))
import fevt  # noqa: E402

MAX_SHOWN = 40
PROC = ('clone', 'fork', 'vfork', 'clone3')
SCOPES = ('value', 'varies', 'paired', 'unix-ptrs', 'ebpf-subset', 'kmod-suffix',
          'kmod-zero', 'memfd-path')
PAIRS = ({}, {})


def load_exceptions(path):
    out = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            w = line.split(None, 2)
            if not w or w[0].startswith('#'):
                continue
            w = line.split(None, 3)
            if len(w) < 4 or w[2] not in SCOPES:
                sys.exit('%s:%d: want "EVENT PARAM %s reason"'
                     % (path, n, '|'.join(SCOPES)))
            out.append([w[0], w[1], '%s:%d' % (path, n), 0, w[2]])
    return out


def family(ev):
    return ev.category.split('|')[0]


def threads(events):
    """(root tid, {tid: [events in time order]}, {tid: [children]})."""
    root = None
    for ev in events:
        if ev.name == 'execve' and ev['res'] == 0 and \
                b'\0norandom' in (ev['args'] or b''):
            root = ev.tid
            start = ev
            break
    if root is None:
        return None, {}, {}
    tids = fevt.descendants(events, root)
    per = {}
    for ev in events:
        if ev.tid in tids and ('SYSCALL' in ev.category or
                               'TRACEPOINT' in ev.category):
            per.setdefault(ev.tid, []).append(ev)
    for tid in per:
        per[tid].sort(key=lambda e: e.ts)
    # The root thread is compared from the exec that started the run
    # proper: before it, the same thread was the recorder's child.
    per[root] = [e for e in per[root] if e.ts >= start.ts]
    kids = {}
    for tid, evs in per.items():
        kids[tid] = [e['res'] for e in evs if e.name in PROC and
                     e['res'] is not None and e['res'] > 0]
    return root, per, kids


def pair_threads(ra, ka, rb, kb, out, why):
    out[ra] = rb
    ca, cb = ka.get(ra, []), kb.get(rb, [])
    if len(ca) != len(cb):
        why.append('thread %d cloned %d children, its pair %d cloned %d'
                   % (ra, len(ca), rb, len(cb)))
    for a, b in zip(ca, cb):
        pair_threads(a, ka, b, kb, out, why)


def unix_path(b):
    """A unix socket tuple without its two kernel addresses, or None."""
    if len(b) >= 17 and b[0] == 1:
        return b[17:]
    return None


def excepted(exceptions, sym, pname, ra, rb):
    """Whether an exception allows values ra and rb (raw bytes) of
    parameter pname of event sym.  Equal values are passed in too, so
    that "paired" sees every pair."""
    for e in exceptions:
        if not fnmatch.fnmatchcase(sym, e[0]) or e[1] != pname:
            continue
        if ra == rb and e[4] != 'paired':
            return False
        if e[4] == 'unix-ptrs' and (unix_path(ra) is None or
                                    unix_path(ra) != unix_path(rb)):
            continue
        if e[4] == 'ebpf-subset' and not set(
                rb.split(b'\0')) <= set(ra.split(b'\0')):
            continue
        if e[4] == 'kmod-suffix' and not rb.rstrip(b'\0').endswith(
                ra.rstrip(b'\0')):
            continue
        if e[4] == 'kmod-zero' and ra.strip(b'\0') != b'':
            continue
        if e[4] == 'memfd-path' and not (
                rb.startswith(b'memfd:') and
                ra.rstrip(b'\0') == b'/' + rb.rstrip(b'\0') + b' (deleted)'):
            continue
        if e[4] == 'paired':
            fwd, bwd = PAIRS
            if fwd.setdefault((pname, ra), rb) != rb or \
                    bwd.setdefault((pname, rb), ra) != ra:
                return False
            if ra == rb:
                return True
        e[3] += 1
        return True
    return False


def compare_event(a, b, tmap, exceptions):
    """Differences between two events of one type, as strings."""
    diffs = []
    if a.nparams != b.nparams:
        diffs.append('%d parameters, eBPF %d' % (a.nparams, b.nparams))
    for i, (pname, typ) in enumerate(a.params):
        if i >= min(len(a.raw), len(b.raw)):
            break
        va, vb = fevt.decode(typ, a.raw[i]), fevt.decode(typ, b.raw[i])
        if typ in ('PID', 'PID32') and va in tmap and tmap[va] == vb:
            continue
        if excepted(exceptions, a.sym, pname, a.raw[i], b.raw[i]):
            continue
        if a.raw[i] == b.raw[i]:
            continue
        diffs.append('%s: kmod %r, eBPF %r' % (pname, va, vb))
    return diffs


def align(sa, sb):
    """Longest common subsequence of two symbol lists, as index pairs."""
    n, m = len(sa), len(sb)
    lcs = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            if sa[i] == sb[j]:
                lcs[i][j] = lcs[i + 1][j + 1] + 1
            else:
                lcs[i][j] = max(lcs[i + 1][j], lcs[i][j + 1])
    i = j = 0
    pairs, only_a, only_b = [], [], []
    while i < n and j < m:
        if sa[i] == sb[j]:
            pairs.append((i, j))
            i += 1
            j += 1
        elif lcs[i + 1][j] >= lcs[i][j + 1]:
            only_a.append(i)
            i += 1
        else:
            only_b.append(j)
            j += 1
    only_a.extend(range(i, n))
    only_b.extend(range(j, m))
    return pairs, only_a, only_b


def main():
    schema = fevt.load_schema(src)
    exceptions = load_exceptions(exc_path)
    ka = fevt.read_raw(schema, kraw)
    kb = fevt.read_raw(schema, braw)
    ra, pa, ca = threads(ka)
    rb, pb, cb = threads(kb)
    if ra is None or rb is None:
        print('FAIL: parity-workload-found: no exec of the workload in '
              'the %s capture' % ('kmod' if ra is None else 'eBPF'))
        return 1
    tmap, why = {}, []
    pair_threads(ra, ca, rb, cb, tmap, why)
    nthreads = len(tmap)
    first_a, first_b = pa[ra][0], pb[rb][0]
    for pname in ('ptid', 'pgid', 'vpgid'):
        tmap.setdefault(first_a[pname], first_b[pname])
    fams, bad = {}, {}
    for tid, evs in pa.items():
        for e in evs:
            fams[family(e)] = fams.get(family(e), 0) + 1
    for tid, evs in pb.items():
        for e in evs:
            fams.setdefault(family(e), 0)
    for ta, tb in list(tmap.items())[:nthreads]:
        ea, eb = pa.get(ta, []), pb.get(tb, [])
        pairs, only_a, only_b = align([e.sym for e in ea],
                                      [e.sym for e in eb])
        for i in only_a:
            bad.setdefault(family(ea[i]), []).append(
                'thread %d/%d: %s only from kmod (event %d)'
                % (ta, tb, ea[i].sym, i))
        for j in only_b:
            bad.setdefault(family(eb[j]), []).append(
                'thread %d/%d: %s only from eBPF (event %d)'
                % (ta, tb, eb[j].sym, j))
        for i, j in pairs:
            for d in compare_event(ea[i], eb[j], tmap, exceptions):
                bad.setdefault(family(ea[i]), []).append(
                    'thread %d/%d: %s #%d %s' % (ta, tb, ea[i].sym, i, d))
    failed = 0
    if why:
        print('FAIL: parity-threads: %s' % '; '.join(why))
        failed = 1
    else:
        print('PASS: parity-threads (%d threads)' % nthreads)
    for fam in sorted(fams):
        if fam in bad:
            failed = 1
            print('FAIL: parity-%s: %d differences, first: %s'
                  % (fam, len(bad[fam]), bad[fam][0]))
            for d in bad[fam][:MAX_SHOWN]:
                print('    %s' % d)
        else:
            print('PASS: parity-%s (%d events)' % (fam, fams[fam]))
    unused = [e for e in exceptions if e[3] == 0 and e[4] != 'varies']
    if unused:
        failed = 1
        print('FAIL: parity-exceptions-used: %s' % ', '.join(
            '%s %s (%s)' % (e[0], e[1], e[2]) for e in unused))
    else:
        print('PASS: parity-exceptions-used (%d)' % len(exceptions))
    return failed


sys.exit(main())
