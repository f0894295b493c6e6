# SPDX-License-Identifier: Apache-2.0
# File actions of tests/live/t_detect.sh in directory argv[1]:
# openat with a real dirfd, a relative open after chdir, a rename and a
# symlink over the watched file, and an exec from a memfd.
import os
import sys

d = sys.argv[1]
dfd = os.open(d + "/d1", os.O_RDONLY | os.O_DIRECTORY)
os.close(os.open("f1", os.O_RDONLY, dir_fd=dfd))
os.chdir(d + "/d2")
os.close(os.open("f2", os.O_RDONLY))
os.rename(d + "/new", d + "/watched")
os.unlink(d + "/watched")
os.symlink(d + "/other", d + "/watched")

pid = os.fork()
if pid == 0:
    fd = os.memfd_create("lv_memfd", 0)
    with open("/bin/true", "rb") as f:
        os.write(fd, f.read())
    os.execve(fd, ["lv_memfd"], {})
os.waitpid(pid, 0)
