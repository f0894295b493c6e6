# SPDX-License-Identifier: Apache-2.0
"""Checks compare_drivers.py on synthetic captures, case by case from
compare_cases.txt: builds a small capture of a "workload" (its exec, a
clone seen from both sides, an openat, an exit) as the module would
write it, a copy as the eBPF driver would (other thread ids), applies
the case's edits to the copy and checks compare_drivers.py's output.

    check_compare.py SRC WORKDIR

Prints one PASS:/FAIL: line per case."""
import os
import re
import struct
import subprocess
import sys

src, work = sys.argv[1:3]
sys.path.insert(0, os.path.join(src, 'tests/bpf'))
import fevt  # noqa: E402

SCHEMA = fevt.load_schema(src)
BY_SYM = {v[0]: (k, v) for k, v in SCHEMA.items()}
FMT = {1: 'B', 2: 'H', 4: 'I', 8: 'Q'}

# (event, tid, {param: value}) of the module's capture; the eBPF copy
# has every id (tid, ptid, pgid, clone res) plus 1000.
BASE = [
    ('SYSCALL_EXECVE_19_X', 100, {'res': 0, 'exe': 'w',
                                  'args': 'x\0norandom\0', 'tid': 100,
                                  'pid': 100, 'ptid': 50, 'pgid': 50,
                                  'vpgid': 50, 'comm': 'w'}),
    ('SYSCALL_CLONE_20_X', 100, {'res': 101, 'exe': 'w', 'tid': 100,
                                 'pid': 100, 'ptid': 50}),
    ('SYSCALL_CLONE_20_X', 101, {'res': 0, 'exe': 'w', 'tid': 101,
                                 'pid': 101, 'ptid': 100}),
    ('SYSCALL_OPENAT_2_X', 101, {'fd': 3, 'dirfd': -100, 'name': '/tmp/x',
                                 'flags': 1, 'dev': 5, 'ino': 7}),
    ('PROCEXIT_1_E', 101, {}),
]
IDS = ('tid', 'pid', 'ptid', 'pgid', 'vpgid')


def encode(typ, v):
    if typ in fevt.FIXED:
        n = fevt.FIXED[typ]
        fmt = FMT[n].lower() if typ in fevt.SIGNED else FMT[n]
        return struct.pack('<' + fmt, int(v))
    b = v.encode() if isinstance(v, str) else bytes(v)
    if typ in ('CHARBUF', 'FSPATH', 'FSRELPATH'):
        b += b'\0'
    return b


def record(ts, sym, tid, values):
    etype, (_, _, params, _) = BY_SYM[sym]
    raws = []
    for name, typ in params:
        v = values.get(name, 0 if typ in fevt.FIXED else '')
        raws.append(encode(typ, v))
    body = struct.pack('<%dH' % len(raws), *[len(r) for r in raws]) + \
        b''.join(raws)
    return fevt.HDR.pack(ts, tid, fevt.HDR.size + len(body), etype,
                         len(raws)) + body


def ebpf_copy():
    out = []
    for sym, tid, vals in BASE:
        v = dict(vals)
        for k in IDS:
            if k in v:
                v[k] += 1000
        if sym.startswith('SYSCALL_CLONE') and v.get('res', 0) > 0:
            v['res'] += 1000
        out.append([sym, tid + 1000, v])
    return out


def write(path, events):
    with open(path, 'wb') as f:
        for i, (sym, tid, vals) in enumerate(events):
            f.write(record(1000 + i, sym, tid, vals))


def run_case(name, expect, edits):
    bpf = ebpf_copy()
    exc = []
    for e in edits:
        if e == '-':
            continue
        if e.startswith('drop='):
            bpf[int(e[5:])] = None
        elif e.startswith('exc='):
            exc.append('\t'.join(e[4:].split(':')) + '\ttest case\n')
        else:
            lhs, val = e.split('=', 1)
            idx, param = lhs.split('.')
            bpf[int(idx)][2][param] = int(val) if re.fullmatch(
                r'-?[0-9]+', val) else val
    d = os.path.join(work, name)
    os.makedirs(d, exist_ok=True)
    write(os.path.join(d, 'kmod.raw'), BASE)
    write(os.path.join(d, 'bpf.raw'), [e for e in bpf if e is not None])
    with open(os.path.join(d, 'exc.txt'), 'w') as f:
        f.writelines(exc)
    p = subprocess.run([sys.executable,
                        os.path.join(src, 'tests/kmod/compare_drivers.py'),
                        src, os.path.join(d, 'kmod.raw'),
                        os.path.join(d, 'bpf.raw'),
                        os.path.join(d, 'exc.txt')],
                       capture_output=True, text=True)
    lines = p.stdout.splitlines()
    failed = any(x.startswith('FAIL') for x in lines)
    if not any(re.search(expect, x) for x in lines):
        return 'no line matches %r (stderr: %s)' % (
            expect, p.stderr.strip()[-200:])
    if failed != (p.returncode == 1) or p.returncode not in (0, 1):
        return 'exit status %d with%s FAIL lines' % (
            p.returncode, '' if failed else 'out')
    return None


def main():
    rc = 0
    with open(os.path.join(src, 'tests/kmod/compare_cases.txt')) as f:
        for line in f:
            if not line.strip() or line.startswith('#'):
                continue
            name, expect, edits = line.rstrip('\n').split('\t')
            why = run_case(name, expect, edits.split())
            if why:
                print('FAIL: compare-%s: %s' % (name, why))
                rc = 1
            else:
                print('PASS: compare-%s' % name)
    return rc


sys.exit(main())
