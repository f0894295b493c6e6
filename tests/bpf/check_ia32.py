# SPDX-License-Identifier: Apache-2.0
"""Check the events of ia32_workload in a capture of either driver.

    check_ia32.py SRC RAW|SCAP EXPECT PREFIX [enter|socket-only]

EXPECT is the workload's "key value" output.  Every 32-bit call must
come out as the event of its x86_64 counterpart with the arguments the
workload passed; with "enter", the enter events of open, openat and
connect are checked too.  "socket-only": the capture asked for socket
alone, so of the workload's calls only the socketcall socket() may be
there (an ia32 number or socketcall call stands for its x86_64 syscall
in the interest mask, no more).  Prints one PASS:/FAIL: line per
check, names starting with PREFIX."""
import sys

import fevt

src, cap, expf, prefix = sys.argv[1:5]
mode = sys.argv[5] if len(sys.argv) > 5 else ''
want_enter = mode == 'enter'
schema = fevt.load_schema(src)
if cap.endswith('.scap') or cap.endswith('.scap.gz'):
    events = fevt.read_scap(schema, cap)
else:
    events = fevt.read_raw(schema, cap)
exp = {}
for line in open(expf):
    k, _, v = line.rstrip('\n').partition(' ')
    exp[k] = v
pid = int(exp['pid'])
child = int(exp.get('child', '-1'))
evs = [e for e in events if e.tid in (pid, child)]
failed = 0

NR_GETPID, NR_READV = 39, 19
O_WRONLY, O_CREAT = 0x2, 0x4
AT_FDCWD = -100


def check(name, ok, detail=''):
    global failed
    if ok:
        print('PASS: %s_%s' % (prefix, name))
    else:
        failed += 1
        print('FAIL: %s_%s %s' % (prefix, name, detail))


def index(sym, start=0, tid=pid, **want):
    """Index of the first event sym of tid from start matching want."""
    for i in range(start, len(evs)):
        e = evs[i]
        if e.sym != sym or e.tid != tid:
            continue
        try:
            if all(e[k] == v for k, v in want.items()):
                return i
        except KeyError:
            continue
    return -1


def expect(name, i, start=0, **want):
    if i < 0:
        check(name, False, 'event not found (from %d): %r' % (start, want))
        return
    e = evs[i]
    bad = {k: (e[k], v) for k, v in want.items() if e[k] != v}
    check(name, not bad, 'got/want %r in %r' % (bad, e))


if exp.get('done') != '1':
    check('workload', False, 'the workload did not finish')
    sys.exit(0)

arity = [e for e in evs if e.nparams != len(e.params)]
check('arity', not arity, repr(arity[:3]))

if mode == 'socket-only':
    sfd = int(exp['socket_fd'])
    expect('socketcall_socket', index('SOCKET_SOCKET_X', fd=sfd),
           domain=2, type=2)
    other = [e for e in evs if e.tid == pid and e.sym not in
             ('SOCKET_SOCKET_X', 'PROCEXIT_1_E')]
    check('mask_honoured', not other, repr(other[:3]))
    sys.exit(0)

# The calls are made in this order; each is looked for after the last.
at = 0
fd1, fd2 = int(exp['open_fd']), int(exp['openat_fd'])
if want_enter:
    i = index('SYSCALL_OPEN_E', at, name=exp['path_open'])
    expect('open_enter', i, at, mode=0o640)
    if i >= 0:
        check('open_enter_flags',
              evs[i]['flags'] & (O_WRONLY | O_CREAT) == O_WRONLY | O_CREAT,
              repr(evs[i]))
i = index('SYSCALL_OPEN_X', at, name=exp['path_open'])
expect('open_exit', i, at, fd=fd1, mode=0o640)
if i >= 0:
    check('open_exit_flags',
          evs[i]['flags'] & (O_WRONLY | O_CREAT) == O_WRONLY | O_CREAT,
          repr(evs[i]))
    at = i
if want_enter:
    i = index('SYSCALL_OPENAT_2_E', at, name=exp['path_openat'])
    expect('openat_enter', i, at, dirfd=AT_FDCWD, mode=0o600)
i = index('SYSCALL_OPENAT_2_X', at, name=exp['path_openat'])
expect('openat_exit', i, at, fd=fd2, dirfd=AT_FDCWD, mode=0o600)
at = max(at, i)
i = index('SYSCALL_CLOSE_X', at, fd=fd1)
expect('close1', i, at, res=0)
at = max(at, i)
i = index('SYSCALL_CLOSE_X', at, fd=fd2)
expect('close2', i, at, res=0)
at = max(at, i)
# getpid has no event of its own: a generic one with the native number.
i = index('GENERIC_X', at, nativeID=NR_GETPID)
expect('getpid', i, at, nativeID=NR_GETPID)
at = max(at, i)
i = index('SYSCALL_EXECVE_19_X', at, res=int(exp['execve_fail']))
expect('execve_fail', i, at, exe='ia32-argv0', args=b'ia32-arg1\0')
at = max(at, i)
sfd = int(exp['socket_fd'])
i = index('SOCKET_SOCKET_X', at, fd=sfd)
expect('socketcall_socket', i, at, domain=2, type=2, proto=0)
at = max(at, i)
addr = ('inet', '127.0.0.1', int(exp['connect_port']))
if want_enter:
    i = index('SOCKET_CONNECT_E', at, fd=sfd)
    expect('socketcall_connect_enter', i, at, addr=addr)
i = index('SOCKET_CONNECT_X', at, fd=sfd)
expect('socketcall_connect_exit', i, at, res=int(exp['connect']),
       addr=addr)
at = max(at, i)
# readv's iovec holds 32-bit pointers: a generic event of readv.
i = index('GENERIC_X', at, nativeID=NR_READV)
expect('readv_generic', i, at, nativeID=NR_READV)
# The child became /bin/true through ia32 execve.
i = index('SYSCALL_EXECVE_19_X', 0, tid=child, res=0)
expect('execve_child', i, 0, exe='/bin/true', args=b'ia32-ok\0')
