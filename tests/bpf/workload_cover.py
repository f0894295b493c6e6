# SPDX-License-Identifier: Apache-2.0
"""One call of each syscall the eBPF driver has a filler for, in the
scratch folder argv[1]; t_bpf_cover.sh checks each produced its event.
Calls that would change the host fail on purpose (bad paths, fds)."""
import ctypes
import mmap
import os
import socket
import struct
import sys
import threading

d = sys.argv[1]
libc = ctypes.CDLL(None, use_errno=True)
sc = libc.syscall
sc.restype = ctypes.c_long
os.chdir(d)
with open(d + '/pid', 'w') as f:
    f.write(str(os.getpid()))


def b(s):
    return s.encode()


def quiet(f, *a):
    try:
        f(*a)
    except OSError:
        pass


# files and paths
sc(85, b(d + '/creat'), 0o600)                      # creat
how = struct.pack('QQQ', os.O_RDONLY, 0, 0)
fd = sc(437, -100, b(d + '/creat'), how, len(how))  # openat2
os.close(fd)
os.mkdir('m1', 0o700)
os.mkdir('m2', dir_fd=os.open('.', os.O_RDONLY))    # mkdirat
os.rmdir('m1')
os.rename('creat', 'r1')
sc(264, -100, b'r1', -100, b'r2')                   # renameat
sc(316, -100, b'r2', -100, b'r3', 1)                # renameat2 NOREPLACE
sc(88, b'r3', b'sl1')                               # symlink
os.symlink('r3', 'sl2', dir_fd=os.open('.', os.O_RDONLY))  # symlinkat
sc(86, b'r3', b'hl1')                               # link
sc(265, -100, b'r3', -100, b'hl2', 0)               # linkat
sc(87, b'hl1')                                      # unlink
os.unlink('hl2', dir_fd=os.open('.', os.O_RDONLY))  # unlinkat
sc(90, b'r3', 0o640)                                # chmod
fd = os.open('r3', os.O_RDWR)
os.fchmod(fd, 0o600)
sc(268, -100, b'r3', 0o644)                         # fchmodat
sc(92, b'r3', 0, 0)                                 # chown
sc(94, b'sl1', 0, 0)                                # lchown
os.fchown(fd, 0, 0)
sc(260, -100, b'r3', 0, 0, 0x100)                   # fchownat
os.pwrite(fd, b'pwrite-data', 0)
os.pread(fd, 5, 0)
os.writev(fd, [b'vec1', b'vec2'])
os.lseek(fd, 0, 0)
os.readv(fd, [bytearray(4), bytearray(4)])
os.write(fd, b'w')
os.read(fd, 1)
fd2 = sc(32, fd)                                     # dup
sc(32, 0)
sc(292, fd2, 60, 0x80000)                           # dup3 O_CLOEXEC
import fcntl
fcntl.fcntl(fd, fcntl.F_GETFL)
os.close(60)
os.close(fd2)
r, w = os.pipe()
sc(22, ctypes.byref((ctypes.c_int * 2)()))          # pipe
os.pipe2(os.O_CLOEXEC)
os.chdir(d)
dfd = os.open(d, os.O_RDONLY)
os.fchdir(dfd)
quiet(os.chroot, '/nonexistent-fb')
sc(165, b'none', b'/nonexistent-fb', b'tmpfs', 0, None)  # mount
sc(166, b'/nonexistent-fb', 0)                      # umount2
mfd = os.memfd_create('fb-memfd')
sc(323, 0)                                          # userfaultfd
m = mmap.mmap(-1, 8192)
libc.mprotect(ctypes.c_void_p(ctypes.addressof(
    ctypes.c_char.from_buffer(m))), 4096, 1)
sc(291, 0x80000)                                    # epoll_create1
sc(302, 0, 7, None, ctypes.byref((ctypes.c_ulong * 2)()))  # prlimit64
# sockets
u1 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u1.bind(('127.0.0.1', 0))
u2 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u2.sendto(b'udp-payload', u1.getsockname())
u1.recvfrom(100)
u2.sendmsg([b'msg-payload'], [], 0, u1.getsockname())
u1.recvmsg(100)
a, bb = socket.socketpair()
lst = socket.socket()
lst.bind(('127.0.0.1', 0))
lst.listen()
cli = socket.socket()
cli.connect(lst.getsockname())
sc(43, lst.fileno(), None, None)                    # accept
# credentials, signals, namespaces, misc
os.setuid(0)
os.setgid(0)
os.setreuid(-1, -1)
os.setregid(-1, -1)
os.setresuid(-1, -1, -1)
os.setresgid(-1, -1, -1)
hdr = (ctypes.c_uint32 * 2)(0x20080522, 0)
data = (ctypes.c_uint32 * 6)()
libc.capget(hdr, data)
libc.capset(hdr, data)
os.kill(os.getpid(), 0)
sc(234, os.getpid(), threading.get_native_id(), 0)  # tgkill
libc.prctl(15, b'fb-cover', 0, 0, 0)                # PR_SET_NAME
sc(272, 0)                                          # unshare(0)
sc(308, -1, 0)                                      # setns, bad fd
sc(101, 2, 1, 0, 0)                                 # ptrace PEEKDATA pid 1
sc(321, 1000, None, 0)                              # bpf, bad command
sc(175, None, 0, b'')                               # init_module, no image
sc(313, -1, b'', 0)                                 # finit_module, bad fd
sc(176, b'fb_no_such_module', os.O_NONBLOCK)        # delete_module
sc(322, -100, b'/nonexistent-fb', None, None, 0)    # execveat, fails
pid = sc(57)                                        # fork
if pid == 0:
    os._exit(0)
os.waitpid(pid, 0)
t = threading.Thread(target=lambda: None)           # clone3 (glibc)
t.start()
t.join()
