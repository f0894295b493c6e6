# SPDX-License-Identifier: Apache-2.0
"""Actions whose events t_bpf_live.sh checks, with the values they must
carry written to the JSON file named by argv[1].  Loopback only."""
import ctypes
import json
import os
import socket
import sys

libc = ctypes.CDLL(None, use_errno=True)
exp = {'pid': os.getpid()}

# open(2) itself (Python's os.open uses openat) on a known file.
fd = libc.syscall(2, b'/etc/hostname', os.O_RDONLY, 0)
st = os.fstat(fd)
exp['open'] = {'fd': fd, 'dev': st.st_dev, 'ino': st.st_ino}
os.close(fd)

# openat with O_CLOEXEC, a failing open, dup2 onto a chosen number.
fd = os.open('/etc/hostname', os.O_RDONLY | os.O_CLOEXEC)
exp['openat'] = {'fd': fd}
try:
    os.open('/nonexistent-fb-test/x', os.O_WRONLY | os.O_CREAT, 0o640)
except FileNotFoundError:
    pass
os.dup2(fd, 77)
exp['dup2'] = {'oldfd': fd, 'newfd': 77}
os.close(77)
os.close(fd)

# connect to a listener of ours on 127.0.0.1.
lst = socket.socket()
lst.bind(('127.0.0.1', 0))
lst.listen()
cli = socket.socket()
cli.connect(lst.getsockname())
srv, _ = lst.accept()
exp['connect'] = {'fd': cli.fileno(), 'port': lst.getsockname()[1],
                  'sport': cli.getsockname()[1]}
srv.close()
cli.close()
lst.close()

# fork + execve with arguments; a second child exits with status 7.
null = os.open('/dev/null', os.O_WRONLY)
pid = os.fork()
if pid == 0:
    os.dup2(null, 1)
    os.execv('/bin/echo', ['echo-fb', 'alpha', 'beta gamma'])
os.waitpid(pid, 0)
exp['exec'] = {'pid': pid}
pid = os.fork()
if pid == 0:
    os._exit(7)
os.waitpid(pid, 0)
exp['exit'] = {'pid': pid}

with open(sys.argv[1], 'w') as f:
    json.dump(exp, f)
