# SPDX-License-Identifier: Apache-2.0
"""Every filler of the eBPF driver produced its event for
workload_cover.py, with the schema's parameter count and the values
listed here.

    check_cover.py SRC RAW PIDFILE

Prints one PASS:/FAIL: line per expected event."""
import sys

import fevt

# (event symbol, parameters that must have these values)
EXPECT = [
    ('SYSCALL_CREAT_E', {}), ('SYSCALL_CREAT_X', {'mode': 0o600}),
    ('SYSCALL_OPENAT2_E', {}), ('SYSCALL_OPENAT2_X', {'flags': 1}),
    ('SYSCALL_MKDIR_2_X', {'res': 0, 'path': 'm1', 'mode': 0o700}),
    ('SYSCALL_MKDIRAT_X', {'res': 0, 'path': 'm2'}),
    ('SYSCALL_RMDIR_2_X', {'res': 0, 'path': 'm1'}),
    ('SYSCALL_RENAME_X', {'res': 0, 'newpath': 'r1'}),
    ('SYSCALL_RENAMEAT_X', {'res': 0, 'olddirfd': -100, 'newpath': 'r2'}),
    ('SYSCALL_RENAMEAT2_X', {'res': 0, 'newpath': 'r3', 'flags': 1}),
    ('SYSCALL_SYMLINK_X', {'res': 0, 'target': 'r3', 'linkpath': 'sl1'}),
    ('SYSCALL_SYMLINKAT_X', {'res': 0, 'linkpath': 'sl2'}),
    ('SYSCALL_LINK_2_X', {'res': 0, 'oldpath': 'r3', 'newpath': 'hl1'}),
    ('SYSCALL_LINKAT_2_X', {'res': 0, 'newpath': 'hl2', 'flags': 0}),
    ('SYSCALL_UNLINK_2_X', {'res': 0, 'path': 'hl1'}),
    ('SYSCALL_UNLINKAT_2_X', {'res': 0, 'name': 'hl2'}),
    ('SYSCALL_CHMOD_X', {'res': 0, 'filename': 'r3', 'mode': 0o640}),
    ('SYSCALL_FCHMOD_X', {'res': 0, 'mode': 0o600}),
    ('SYSCALL_FCHMODAT_X', {'res': 0, 'mode': 0o644}),
    ('SYSCALL_CHOWN_X', {'res': 0, 'uid': 0, 'gid': 0}),
    ('SYSCALL_LCHOWN_X', {'res': 0, 'path': 'sl1'}),
    ('SYSCALL_FCHOWN_X', {'res': 0}),
    ('SYSCALL_FCHOWNAT_X', {'res': 0, 'flags': 0x400}),
    ('SYSCALL_PWRITE_X', {'res': 11, 'data': b'pwrite-data', 'pos': 0}),
    ('SYSCALL_PREAD_X', {'res': 5, 'data': b'pwrit', 'size': 5}),
    ('SYSCALL_WRITEV_X', {'res': 8, 'data': b'vec1vec2', 'size': 8}),
    ('SYSCALL_READV_X', {'res': 8, 'data': b'vec1vec2', 'size': 8}),
    ('SYSCALL_WRITE_X', {'res': 1, 'data': b'w'}),
    ('SYSCALL_READ_X', {}),
    ('SYSCALL_DUP_1_X', {'oldfd': 0}),
    ('SYSCALL_DUP3_X', {'res': 60, 'newfd': 60, 'flags': 0x1000}),
    ('SYSCALL_FCNTL_X', {'cmd': 4}),
    ('SYSCALL_PIPE_X', {'res': 0}), ('SYSCALL_PIPE2_X', {'res': 0}),
    ('SYSCALL_CHDIR_X', {'res': 0}), ('SYSCALL_FCHDIR_X', {'res': 0}),
    ('SYSCALL_CHROOT_X', {'res': -2, 'path': '/nonexistent-fb'}),
    ('SYSCALL_MOUNT_X', {'res': -2, 'dir': '/nonexistent-fb',
                         'type': 'tmpfs'}),
    ('SYSCALL_UMOUNT2_X', {'res': -2, 'name': '/nonexistent-fb'}),
    ('SYSCALL_MEMFD_CREATE_X', {'name': 'fb-memfd'}),
    ('SYSCALL_USERFAULTFD_X', {}),
    ('SYSCALL_MMAP_X', {'length': 8192}),
    ('SYSCALL_MPROTECT_X', {'res': 0, 'length': 4096, 'prot': 1}),
    ('SYSCALL_EPOLL_CREATE1_X', {'flags': 1}),
    ('SYSCALL_PRLIMIT_X', {'res': 0, 'resource': 7}),
    ('SOCKET_SOCKET_X', {'domain': 2}),
    ('SOCKET_BIND_X', {'res': 0}),
    ('SOCKET_SENDTO_X', {'res': 11, 'data': b'udp-payload'}),
    ('SOCKET_RECVFROM_X', {'res': 11, 'data': b'udp-payload'}),
    ('SOCKET_SENDMSG_X', {'res': 11, 'data': b'msg-payload'}),
    ('SOCKET_RECVMSG_X', {'res': 11, 'data': b'msg-payload'}),
    ('SOCKET_SOCKETPAIR_X', {'res': 0, 'domain': 1}),
    ('SOCKET_LISTEN_X', {'res': 0}),
    ('SOCKET_CONNECT_E', {}), ('SOCKET_CONNECT_X', {'res': 0}),
    ('SOCKET_ACCEPT_5_X', {}),
    ('SYSCALL_SETUID_X', {'res': 0, 'uid': 0}),
    ('SYSCALL_SETGID_X', {'res': 0, 'gid': 0}),
    ('SYSCALL_SETREUID_X', {'res': 0}), ('SYSCALL_SETREGID_X', {'res': 0}),
    ('SYSCALL_SETRESUID_X', {'res': 0}),
    ('SYSCALL_SETRESGID_X', {'res': 0}),
    ('SYSCALL_CAPSET_X', {'res': 0}),
    ('SYSCALL_KILL_X', {'res': 0, 'sig': 0}),
    ('SYSCALL_TGKILL_X', {'res': 0, 'sig': 0}),
    ('SYSCALL_PRCTL_X', {'res': 0, 'option': 15, 'arg2_str': 'fb-cover'}),
    ('SYSCALL_UNSHARE_X', {'res': 0, 'flags': 0}),
    ('SYSCALL_SETNS_X', {'fd': -1}),
    ('SYSCALL_PTRACE_X', {'request': 3, 'pid': 1}),
    ('SYSCALL_BPF_2_X', {'cmd': 1000}),
    ('SYSCALL_INIT_MODULE_X', {'length': 0}),
    ('SYSCALL_FINIT_MODULE_X', {'fd': -1}),
    ('SYSCALL_DELETE_MODULE_X', {'name': 'fb_no_such_module',
                                 'flags': 2}),
    ('SYSCALL_EXECVEAT_X', {'res': -2}),
    ('SYSCALL_FORK_20_X', {}),
    ('SYSCALL_CLONE3_X', {}),
]

src, raw, pidfile = sys.argv[1:4]
schema = fevt.load_schema(src)
events = fevt.read_raw(schema, raw)
root = int(open(pidfile).read())
mine = fevt.descendants(events, root)
evs = [e for e in events if e.tid in mine]

for sym, want in EXPECT:
    cands = [e for e in evs if e.sym == sym]
    if not cands:
        print('FAIL: bpf_cover_%s: no event' % sym.lower())
        continue
    bad = [e for e in cands if e.nparams != len(e.params)]
    if bad:
        print('FAIL: bpf_cover_%s: %d params, schema %d' %
              (sym.lower(), bad[0].nparams, len(bad[0].params)))
        continue
    ok = None
    for e in cands:
        try:
            if all(e[k] == v for k, v in want.items()):
                ok = e
                break
        except KeyError as err:
            print('FAIL: bpf_cover_%s: %s' % (sym.lower(), err))
            break
    else:
        pass
    if ok is not None:
        print('PASS: bpf_cover_%s' % sym.lower())
    elif cands:
        print('FAIL: bpf_cover_%s: want %r, got %r' %
              (sym.lower(), want, cands[0]))
