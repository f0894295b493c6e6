# SPDX-License-Identifier: Apache-2.0
# Client side of tests/live/t_detect.sh: connect to the loopback
# listener on port argv[1], print "<client port>" on stderr, then put the
# socket on stdout (dup2) and stderr (dup3 with O_CLOEXEC), and write
# to stdout, which is now the socket.
import os
import socket
import sys

s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
sys.stderr.write("%d\n" % s.getsockname()[1])
sys.stderr.flush()
os.dup2(s.fileno(), 1)
os.dup2(s.fileno(), 2, inheritable=False)
os.write(1, b"through the socket\n")
