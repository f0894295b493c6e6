# SPDX-License-Identifier: Apache-2.0
"""Actions of workload_procs.sh that need syscalls a shell cannot make:

    workload_procs.py DIR MERGED

creat(2) in the overlay MERGED and outside it, an exec from a memfd, a
clone with invalid flags, execve of a missing file with and without an
argv, a plain fork.  What the checks need to find the events is written
to DIR/procs.json."""
import ctypes
import json
import os
import sys

libc = ctypes.CDLL(None, use_errno=True)
d, merged = sys.argv[1:3]
exp = {'pid': os.getpid(), 'exe': os.path.realpath('/proc/self/exe')}

# creat(2) of a new file in the overlay (upper layer) and outside it.
for path in (merged + '/lv_creat', d + '/lv_creat'):
    fd = libc.syscall(85, path.encode(), 0o644)
    if fd < 0:
        sys.exit('creat %s failed' % path)
    os.close(fd)

# An exec from a memfd.
pid = os.fork()
if pid == 0:
    fd = os.memfd_create('lv_memfd', 0)
    with open('/bin/true', 'rb') as f:
        os.write(fd, f.read())
    try:
        os.execve(fd, ['lv_memfd'], {})
    except OSError as e:
        os._exit(100 + e.errno)
# Some environments refuse it (the QEMU guest's chroot: ENOENT); the
# checks then say SKIP with the errno.
status = os.waitpid(pid, 0)[1]
exp['memfd'] = pid
exp['memfd_errno'] = os.waitstatus_to_exitcode(status) - 100 \
    if status != 0 else 0

# clone(CLONE_SIGHAND) without CLONE_VM fails with EINVAL.
if libc.syscall(56, 0x800, 0, 0, 0, 0) != -1:
    sys.exit('clone with invalid flags did not fail')

# execve of a missing file: with an argv, then with none.
try:
    os.execv('/nonexistent-fb/x', ['argv0-fb', 'a1'])
except FileNotFoundError:
    pass
if libc.syscall(59, b'/nonexistent-fb/y', None, None) != -1:
    sys.exit('execve of a missing file did not fail')

# A plain fork in the initial pid namespace.
pid = os.fork()
if pid == 0:
    os._exit(0)
os.waitpid(pid, 0)
exp['fork'] = pid

with open(d + '/procs.json', 'w') as f:
    json.dump(exp, f)
