# SPDX-License-Identifier: Apache-2.0
# Print "prog ID" and "map ID" for every BPF program and map loaded,
# using BPF_PROG_GET_NEXT_ID / BPF_MAP_GET_NEXT_ID only.  Unlike bpftool,
# this opens nothing: taking a reference on a prog_array while its last
# owner is closing it can keep the array alive for good on the kernels
# we test on (a race between GET_FD_BY_ID and the release of the last
# user reference), so the cleanup test must observe without touching.
import ctypes
import os
import struct
import sys

if os.uname().machine != "x86_64":
    sys.exit("bpf_ids.py: only x86_64 is supported")
NR_BPF = 321
CMDS = (("prog", 11), ("map", 12))

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
for name, cmd in CMDS:
    cur = 0
    while True:
        attr = ctypes.create_string_buffer(struct.pack("=III", cur, 0, 0), 128)
        if libc.syscall(NR_BPF, cmd, attr, 128) != 0:
            err = ctypes.get_errno()
            if err == 2:  # ENOENT: no more
                break
            sys.exit("bpf_ids.py: bpf(%d): %s" % (cmd, os.strerror(err)))
        cur = struct.unpack_from("=II", attr.raw)[1]
        print(name, cur)
