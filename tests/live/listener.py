# SPDX-License-Identifier: Apache-2.0
# A loopback TCP listener for tests/live: prints its port on stdout,
# accepts connections until argv[1] seconds pass, then exits.
import socket
import sys
import time

l = socket.socket()
l.bind(("127.0.0.1", 0))
l.listen(8)
print(l.getsockname()[1], flush=True)
l.settimeout(0.2)
end = time.time() + float(sys.argv[1])
while time.time() < end:
    try:
        c, _ = l.accept()
        c.close()
    except socket.timeout:
        pass
