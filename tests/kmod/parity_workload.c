/* SPDX-License-Identifier: Apache-2.0 */
/*
 * parity_workload: one deterministic run of the system calls the drivers
 * cover, for tests/kmod/compare_drivers.py, which compares a capture of
 * it by falco.ko with one by the eBPF driver.
 *
 *	parity_workload DIR
 *
 * DIR must not exist (it is created, used and removed again, so two runs
 * see the same file names and descriptors).  The program first turns
 * address randomisation off and executes itself again with the extra
 * argument "norandom", so that the addresses in mmap, brk and mprotect
 * events are the same in every run.  Every step is ordered: children
 * are waited for before the next step, so each thread's system calls
 * come in the same order every time.  Exits 0, or 1 with a message when
 * a step did not behave as expected.  Needs root (setuid, unshare).
 */
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/log.h"

#define PORT_SRV	47200
#define PORT_CLI	47201

extern char **environ;

static void
expect(int ok, const char *what)
{
	if (!ok)
		fatal("%s: %s", what, strerror(errno));
}

/* Waits for pid and checks how it ended. */
static void
reap(pid_t pid, int want_status, int want_sig, const char *what)
{
	int st;

	expect(waitpid(pid, &st, 0) == pid, what);
	if (want_sig != 0) {
		if (!WIFSIGNALED(st) || WTERMSIG(st) != want_sig)
			fatal("%s: not killed by signal %d", what, want_sig);
	} else if (!WIFEXITED(st) || WEXITSTATUS(st) != want_status) {
		fatal("%s: status 0x%x, not exit %d", what, st, want_status);
	}
}

static void
step_files(void)
{
	char buf[64], a[8], b[8];
	struct iovec iov[2];
	int fd, fd2, dfd;

	expect((fd = open("f1", O_CREAT | O_WRONLY | O_TRUNC, 0640)) >= 0,
	    "open");
	expect(write(fd, "parity-write\n", 13) == 13, "write");
	expect(pwrite(fd, "PW", 2, 20) == 2, "pwrite");
	iov[0].iov_base = "vec-one ";
	iov[0].iov_len = 8;
	iov[1].iov_base = "vec-two\n";
	iov[1].iov_len = 8;
	expect(writev(fd, iov, 2) == 16, "writev");
	expect(close(fd) == 0, "close");
	expect((fd = openat(AT_FDCWD, "f1", O_RDONLY)) >= 0, "openat");
	expect(read(fd, buf, 13) == 13, "read");
	expect(pread(fd, buf, 2, 20) == 2, "pread");
	iov[0].iov_base = a;
	iov[0].iov_len = sizeof(a);
	iov[1].iov_base = b;
	iov[1].iov_len = sizeof(b);
	expect(readv(fd, iov, 2) == 16, "readv");
	expect(lseek(fd, 0, SEEK_SET) == 0, "lseek");
	expect((fd2 = dup(fd)) >= 0, "dup");
	expect(dup2(fd, 40) == 40, "dup2");
	expect(dup3(fd, 41, O_CLOEXEC) == 41, "dup3");
	expect(fcntl(fd, F_DUPFD_CLOEXEC, 50) == 50, "fcntl dupfd");
	expect(fcntl(fd, F_SETFL, O_NONBLOCK) == 0, "fcntl setfl");
	close(50);
	close(41);
	close(40);
	close(fd2);
	close(fd);
	expect((fd = creat("f2", 0600)) >= 0, "creat");
	close(fd);
	expect(mkdir("d1", 0750) == 0, "mkdir");
	expect((dfd = open("d1", O_RDONLY | O_DIRECTORY)) >= 0, "open dir");
	expect(mkdirat(dfd, "sub", 0700) == 0, "mkdirat");
	expect((fd = openat(dfd, "inner", O_CREAT | O_RDWR | O_EXCL, 0644))
	    >= 0, "openat dirfd");
	close(fd);
	expect(rename("f2", "f3") == 0, "rename");
	expect(renameat(AT_FDCWD, "f3", dfd, "f4") == 0, "renameat");
	expect(syscall(SYS_renameat2, dfd, "f4", dfd, "f5", 0) == 0,
	    "renameat2");
	expect(symlink("f1", "s1") == 0, "symlink");
	expect(symlinkat("inner", dfd, "s2") == 0, "symlinkat");
	expect(link("f1", "h1") == 0, "link");
	expect(linkat(dfd, "inner", dfd, "h2", 0) == 0, "linkat");
	expect(chmod("f1", 0600) == 0, "chmod");
	expect(fchmodat(dfd, "inner", 0640, 0) == 0, "fchmodat");
	expect((fd = open("f1", O_RDONLY)) >= 0, "open f1");
	expect(fchmod(fd, 0644) == 0, "fchmod");
	expect(fchown(fd, 1, 2) == 0, "fchown");
	close(fd);
	expect(chown("f1", 3, 4) == 0, "chown");
	expect(lchown("s1", 5, 6) == 0, "lchown");
	expect(fchownat(dfd, "inner", 7, 8, 0) == 0, "fchownat");
	/* Failures are events too, with a negative res. */
	expect(open("missing", O_RDONLY) == -1, "open missing");
	expect(unlink("missing") == -1, "unlink missing");
	expect(mkdir("d1", 0700) == -1, "mkdir existing");
	expect(unlink("s1") == 0, "unlink");
	expect(unlink("h1") == 0, "unlink h1");
	expect(unlinkat(dfd, "s2", 0) == 0, "unlinkat");
	expect(unlinkat(dfd, "h2", 0) == 0, "unlinkat h2");
	expect(unlinkat(dfd, "inner", 0) == 0, "unlinkat inner");
	expect(unlinkat(dfd, "f5", 0) == 0, "unlinkat f5");
	expect(unlinkat(dfd, "sub", AT_REMOVEDIR) == 0, "unlinkat dir");
	close(dfd);
	expect(rmdir("d1") == 0, "rmdir");
	expect(unlink("f1") == 0, "unlink f1");
}

static void
step_pipes(void)
{
	int p[2], q[2];
	char c;

	expect(pipe(p) == 0, "pipe");
	expect(pipe2(q, O_CLOEXEC | O_NONBLOCK) == 0, "pipe2");
	expect(write(p[1], "x", 1) == 1, "pipe write");
	expect(read(p[0], &c, 1) == 1, "pipe read");
	expect(read(q[0], &c, 1) == -1 && errno == EAGAIN, "pipe2 read");
	close(p[0]);
	close(p[1]);
	close(q[0]);
	close(q[1]);
}

static void
step_inet(void)
{
	struct sockaddr_in srv, cli, peer;
	struct msghdr mh;
	struct iovec iov;
	socklen_t sl;
	char buf[64];
	int l, c, s, one = 1;

	memset(&srv, 0, sizeof(srv));
	srv.sin_family = AF_INET;
	srv.sin_port = htons(PORT_SRV);
	srv.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cli = srv;
	cli.sin_port = htons(PORT_CLI);
	expect((l = socket(AF_INET, SOCK_STREAM, 0)) >= 0, "socket");
	expect(setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one))
	    == 0, "setsockopt");
	expect(bind(l, (struct sockaddr *)&srv, sizeof(srv)) == 0, "bind");
	expect(listen(l, 4) == 0, "listen");
	expect((c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) >= 0,
	    "socket client");
	expect(setsockopt(c, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one))
	    == 0, "setsockopt client");
	/* A fixed client port makes the tuples the same in every run. */
	expect(bind(c, (struct sockaddr *)&cli, sizeof(cli)) == 0,
	    "bind client");
	expect(connect(c, (struct sockaddr *)&srv, sizeof(srv)) == 0,
	    "connect");
	sl = sizeof(peer);
	expect((s = accept4(l, (struct sockaddr *)&peer, &sl, SOCK_CLOEXEC))
	    >= 0, "accept4");
	expect(sendto(c, "to-server", 9, 0, NULL, 0) == 9, "sendto");
	expect(recvfrom(s, buf, sizeof(buf), 0, NULL, NULL) == 9,
	    "recvfrom");
	iov.iov_base = "msg-reply";
	iov.iov_len = 9;
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	expect(sendmsg(s, &mh, 0) == 9, "sendmsg");
	iov.iov_base = buf;
	iov.iov_len = sizeof(buf);
	expect(recvmsg(c, &mh, 0) == 9, "recvmsg");
	expect(shutdown(c, SHUT_WR) == 0, "shutdown");
	expect(read(s, buf, sizeof(buf)) == 0, "read eof");
	close(s);
	close(c);
	close(l);
}

static void
step_unix(void)
{
	struct sockaddr_un sa;
	int l, c, s, sp[2];
	char buf[16];

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "sock");
	expect((l = socket(AF_UNIX, SOCK_STREAM, 0)) >= 0, "unix socket");
	expect(bind(l, (struct sockaddr *)&sa, sizeof(sa)) == 0, "unix bind");
	expect(listen(l, 1) == 0, "unix listen");
	expect((c = socket(AF_UNIX, SOCK_STREAM, 0)) >= 0, "unix client");
	expect(connect(c, (struct sockaddr *)&sa, sizeof(sa)) == 0,
	    "unix connect");
	expect((s = accept(l, NULL, NULL)) >= 0, "unix accept");
	expect(write(c, "unix-data", 9) == 9, "unix write");
	expect(read(s, buf, sizeof(buf)) == 9, "unix read");
	close(s);
	close(c);
	close(l);
	expect(unlink("sock") == 0, "unlink sock");
	expect(socketpair(AF_UNIX, SOCK_DGRAM, 0, sp) == 0, "socketpair");
	expect(send(sp[0], "pair", 4, 0) == 4, "send");
	expect(recv(sp[1], buf, sizeof(buf), 0) == 4, "recv");
	close(sp[0]);
	close(sp[1]);
}

static void
step_memory(void)
{
	void *p;

	p = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	expect(p != MAP_FAILED, "mmap");
	expect(mprotect(p, 4096, PROT_READ | PROT_EXEC) == 0, "mprotect");
	expect(munmap(p, 8192) == 0, "munmap");
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	expect(p != MAP_FAILED, "mmap exec");
	expect(munmap(p, 4096) == 0, "munmap exec");
	expect(prctl(PR_SET_NAME, "parity-named") == 0, "prctl");
	expect(prctl(PR_GET_DUMPABLE) == 1, "prctl get");
}

/* Children: fork, vfork, clone3 (posix_spawn), failed exec, ids. */
static void
step_processes(void)
{
	char *true_argv[] = { "/bin/true", "spawned", NULL };
	char *bad_argv[] = { "/nonexistent/prog", "x", NULL };
	pid_t pid;
	int p[2];
	char c;

	if ((pid = fork()) == 0) {
		expect(setresgid(10, 10, 10) == 0, "setresgid");
		expect(setgid(11) == 0, "setgid");
		expect(setreuid(12, 12) == 0, "setreuid");
		/* Not root any more: this one fails. */
		expect(setuid(0) == -1, "setuid");
		_exit(3);
	}
	expect(pid > 0, "fork");
	reap(pid, 3, 0, "fork child");
	if ((pid = fork()) == 0) {
		expect(setresuid(20, 20, 20) == 0, "setresuid");
		_exit(0);
	}
	reap(pid, 0, 0, "setresuid child");
	if ((pid = vfork()) == 0) {
		execve(true_argv[0], true_argv, environ);
		_exit(127);
	}
	expect(pid > 0, "vfork");
	reap(pid, 0, 0, "vfork child");
	expect(posix_spawn(&pid, true_argv[0], NULL, NULL, true_argv,
	    environ) == 0, "posix_spawn");
	reap(pid, 0, 0, "spawned child");
	if ((pid = fork()) == 0) {
		execve(bad_argv[0], bad_argv, environ);
		_exit(errno == ENOENT ? 4 : 5);
	}
	reap(pid, 4, 0, "failed exec child");
	/* A signal: the child tells it is running, then is killed. */
	expect(pipe(p) == 0, "kill pipe");
	if ((pid = fork()) == 0) {
		close(p[0]);
		expect(write(p[1], "r", 1) == 1, "kill child write");
		/*
		 * No system call after the write: one interrupted by the
		 * kill would or would not show, depending on timing.
		 */
		for (;;)
			continue;
	}
	close(p[1]);
	expect(read(p[0], &c, 1) == 1, "kill read");
	close(p[0]);
	expect(kill(pid, SIGKILL) == 0, "kill");
	reap(pid, 0, SIGKILL, "killed child");
}

static void
step_memfd(void)
{
	char *argv[] = { "memfd-true", NULL };
	char buf[65536], path[64];
	ssize_t n;
	pid_t pid;
	int fd, src;

	expect((fd = memfd_create("parity", 0)) >= 0, "memfd_create");
	expect((src = open("/bin/true", O_RDONLY)) >= 0, "open true");
	while ((n = read(src, buf, sizeof(buf))) > 0)
		expect(write(fd, buf, n) == n, "memfd write");
	close(src);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if ((pid = fork()) == 0) {
		execve(path, argv, environ);
		fatal("execve %s: %s", path, strerror(errno));
	}
	reap(pid, 0, 0, "memfd child");
	close(fd);
}

static void
step_namespaces(void)
{
	char *argv[] = { "/bin/true", "in-pidns", NULL };
	pid_t pid, inner;

	if ((pid = fork()) == 0) {
		expect(unshare(CLONE_NEWUTS) == 0, "unshare uts");
		expect(unshare(CLONE_NEWPID) == 0, "unshare pid");
		if ((inner = fork()) == 0) {
			execve(argv[0], argv, environ);
			_exit(127);
		}
		reap(inner, 0, 0, "pidns child");
		_exit(0);
	}
	reap(pid, 0, 0, "unshare child");
}

/* The thread: one write, then back to the clone wrapper, which exits. */
static int
thread_main(void *arg)
{
	int fd = *(int *)arg;

	expect(write(fd, "thread", 6) == 6, "thread write");
	return 0;
}

/*
 * A thread made with clone(CLONE_THREAD).  Not pthread_create(): there
 * pthread_join() calls futex() or not, depending on whether the thread
 * has exited yet.  Here the kernel clears tid when the thread is gone,
 * and this thread spins on it without a system call.
 */
static void
step_thread(void)
{
	static char stack[64 * 1024] __attribute__((aligned(16)));
	volatile pid_t tid = 0;
	int p[2], t;
	char buf[8];

	expect(pipe(p) == 0, "thread pipe");
	t = clone(thread_main, stack + sizeof(stack), CLONE_VM | CLONE_FS |
	    CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |
	    CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID, &p[1], &tid, NULL,
	    &tid);
	expect(t > 0, "clone thread");
	while (__atomic_load_n(&tid, __ATOMIC_ACQUIRE) != 0)
		continue;
	expect(read(p[0], buf, sizeof(buf)) == 6, "thread read");
	close(p[0]);
	close(p[1]);
}

int
main(int argc, char **argv)
{
	int pers;

	if (argc == 2) {
		/* Same addresses in every run: no randomisation. */
		expect((pers = personality(0xffffffff)) != -1, "personality");
		expect(personality(pers | ADDR_NO_RANDOMIZE) != -1,
		    "personality set");
		execl("/proc/self/exe", argv[0], argv[1], "norandom",
		    (char *)NULL);
		fatal("re-exec: %s", strerror(errno));
	}
	if (argc != 3 || strcmp(argv[2], "norandom") != 0) {
		fprintf(stderr, "usage: parity_workload DIR\n");
		return 2;
	}
	expect(mkdir(argv[1], 0755) == 0, argv[1]);
	expect(chdir(argv[1]) == 0, "chdir");
	step_files();
	step_pipes();
	step_inet();
	step_unix();
	step_memory();
	step_processes();
	step_memfd();
	step_namespaces();
	step_thread();
	expect(chdir("/") == 0, "chdir /");
	expect(rmdir(argv[1]) == 0, "rmdir DIR");
	return 0;
}
