#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# The actions of $FALCO_TESTDATA/reference-driver/workload.sh (whose
# capture by Falco's own modern eBPF driver is the reference), in a
# scratch folder: workload_ref.sh DIR.  Writes its pid to DIR/pid first.
set -eu
dir=$1
echo $$ >"$dir/pid"
cat /etc/hostname >/dev/null
cat /etc/shadow >/dev/null
sh -c 'echo hi >/dev/null'
python3 -I -S - "$dir" <<'PY'
import os, socket, sys
d = sys.argv[1]
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen()
c = socket.create_connection(l.getsockname()); s, _ = l.accept()
os.dup2(c.fileno(), 9)
fd = os.open("/etc", os.O_RDONLY)
f = os.open("passwd", os.O_RDONLY, dir_fd=fd); os.close(f); os.close(fd)
os.makedirs(d + "/scratch", exist_ok=True)
open(d + "/scratch/a", "w").write("x")
os.rename(d + "/scratch/a", d + "/scratch/b")
os.symlink("/etc/shadow", d + "/scratch/link")
fd = os.memfd_create("m")
os.write(fd, open("/bin/true", "rb").read())
pid = os.fork()
if pid == 0:
    os.execv("/proc/self/fd/%d" % fd, ["memfd-true"])
os.waitpid(pid, 0)
pid = os.fork()
if pid == 0:
    os.setgid(65534); os.setuid(65534)
    try: os.setuid(0)
    except PermissionError: pass
    os._exit(0)
os.waitpid(pid, 0)
PY
unshare --fork --pid --mount-proc sh -c 'sleep 0.2 & wait'
ls /nonexistent 2>/dev/null || true
