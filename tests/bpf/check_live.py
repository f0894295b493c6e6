# SPDX-License-Identifier: Apache-2.0
"""Check the events of workload_live.py in a falco-bpf-dump capture.

    check_live.py SRC RAW EXPECT_JSON

Prints one PASS:/FAIL: line per check (tests/run.sh counts them)."""
import json
import os
import sys

import fevt

src, raw, expf = sys.argv[1:4]
schema = fevt.load_schema(src)
events = fevt.read_raw(schema, raw)
exp = json.load(open(expf))
pid = exp['pid']
mine = fevt.descendants(events, pid)
evs = [e for e in events if e.tid in mine]
failed = 0


def check(name, ok, detail=''):
    global failed
    if ok:
        print('PASS: bpf_live_%s' % name)
    else:
        failed += 1
        print('FAIL: bpf_live_%s %s' % (name, detail))


def find(sym, tid=pid, **want):
    """First event sym of tid whose parameters equal want."""
    for e in evs:
        if e.sym != sym or (tid is not None and e.tid != tid):
            continue
        try:
            if all(e[k] == v for k, v in want.items()):
                return e
        except KeyError:
            continue
    return None


def expect(name, e, **want):
    if e is None:
        check(name, False, 'event not found')
        return
    bad = {k: (e[k], v) for k, v in want.items() if e[k] != v}
    check(name, not bad, 'got/want %r in %r' % (bad, e))


# Every record of ours is well-formed and has the schema's arity.
arity = [e for e in evs if e.nparams != len(e.params)]
check('arity', not arity, repr(arity[:3]))

O_RDONLY, O_WRONLY, O_CREAT, O_CLOEXEC = 0x1, 0x2, 0x4, 0x1000
o = exp['open']
e = find('SYSCALL_OPEN_E', name='/etc/hostname')
expect('open_enter', e, flags=O_RDONLY, mode=0)
e = find('SYSCALL_OPEN_X', name='/etc/hostname')
expect('open_exit', e, fd=o['fd'], flags=O_RDONLY, mode=0, dev=o['dev'],
       ino=o['ino'])

e = find('SYSCALL_OPENAT_2_X', name='/etc/hostname',
         flags=O_RDONLY | O_CLOEXEC)
expect('openat_exit', e, fd=exp['openat']['fd'], dirfd=-100, mode=0)
e = find('SYSCALL_OPENAT_2_E', name='/etc/hostname',
         flags=O_RDONLY | O_CLOEXEC)
expect('openat_enter', e, dirfd=-100)

e = find('SYSCALL_OPENAT_2_X', name='/nonexistent-fb-test/x')
# Python's os.open adds O_CLOEXEC.  Mode 0640 in the portable S_I* bits:
# rw-r----- = 0x100|0x80|0x20.
expect('open_failed', e, fd=-2, flags=O_WRONLY | O_CREAT | O_CLOEXEC,
       mode=0x1a0, dev=0, ino=0)

d = exp['dup2']
e = find('SYSCALL_DUP2_X', newfd=d['newfd'])
expect('dup2', e, res=d['newfd'], oldfd=d['oldfd'])

c = exp['connect']
e = find('SOCKET_CONNECT_E', fd=c['fd'])
expect('connect_enter', e, addr=('inet', '127.0.0.1', c['port']))
e = find('SOCKET_CONNECT_X', fd=c['fd'])
expect('connect_exit', e, res=0, addr=('inet', '127.0.0.1', c['port']),
       tuple=('inet', '127.0.0.1', c['sport'], '127.0.0.1', c['port']))
e = find('SOCKET_ACCEPT4_6_X', tuple=('inet', '127.0.0.1', c['sport'],
                                      '127.0.0.1', c['port']))
check('accept_tuple', e is not None and e['fd'] >= 0, repr(e))

x = exp['exec']['pid']
e = find('SYSCALL_CLONE_20_X', res=x)
expect('clone_parent', e, tid=pid, pid=pid)
e = find('SYSCALL_CLONE_20_X', tid=x, res=0)
# glibc's fork: CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID
expect('clone_child', e, tid=x, pid=x, ptid=pid, flags=0x1800000,
       vtid=x, vpid=x)
e = find('SYSCALL_EXECVE_19_X', tid=x, res=0)
expect('execve', e, exe='echo-fb', args=b'alpha\0beta gamma\0', tid=x,
       pid=x, ptid=pid, comm='echo', filename='/bin/echo', cwd=None)
if e is not None:
    # The path is resolved from the global root, as Falco's drivers do:
    # inside a chroot (the QEMU guest runs the tests in one) it has the
    # chroot's prefix.
    real = os.path.realpath('/bin/echo')
    check('execve_trusted_exepath', e['trusted_exepath'].endswith(real),
          '%r does not end with %r' % (e['trusted_exepath'], real))
    check('execve_arity', e.nparams == 31, e.nparams)
    check('execve_cgroups', e['cgroups'].startswith(b'cpuset=/'),
          e['cgroups'][:40])

y = exp['exit']['pid']
e = find('PROCEXIT_1_E', tid=y)
expect('procexit', e, status=7 << 8, ret=7, sig=0, core=0)

print('bpf_live: %d events of the workload, %d failed checks'
      % (len(evs), failed))
