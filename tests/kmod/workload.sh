#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# The scripted workload whose events tests/kmod/guest.sh checks: the
# values here (paths, arguments, port) are what the checks look for.
set -eu

dir=/tmp/falco-kmod
mkdir -p "$dir"
# openat(AT_FDCWD, "$dir/created", O_WRONLY|O_CREAT|O_TRUNC, 0666)
: > "$dir/created"
# execve of a known binary with known arguments
/bin/echo falco-arg-one falco-arg-two > /dev/null
# connect to a loopback listener, plus one syscall without its own event
python3 - <<'PY'
import os, socket
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 47123))
srv.listen(1)
cli = socket.create_connection(("127.0.0.1", 47123))
conn, _ = srv.accept()
cli.sendmsg([b"falco-msg"])
conn.recvmsg(64)
cli.close()
conn.close()
srv.close()
os.sched_yield()
d = "/tmp/falco-kmod"
os.mkdir(d + "/dir", 0o750)
os.rename(d + "/dir", d + "/moved")
os.symlink(d + "/moved", d + "/link")
os.chmod(d + "/moved", 0o700)
r, w = os.pipe()
os.dup2(w, 42)
os.unlink(d + "/link")
os.rmdir(d + "/moved")
PY
rm -f "$dir/created"
