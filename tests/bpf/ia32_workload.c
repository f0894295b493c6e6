/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ia32_workload DIR OUT: makes 32-bit syscalls (int $0x80, ia32
 * numbers) from this 64-bit program, so that the drivers' compat path
 * can be checked without a 32-bit toolchain, and writes what it did to
 * OUT as "key value" lines for the checkers (tests/bpf/check_ia32.py).
 *
 * The calls: open, openat, close, getpid, a failing execve, socketcall
 * socket and connect (UDP to 127.0.0.1, nothing is sent), readv (an
 * iovec of 32-bit pointers: reported as a generic event), then a child
 * that execs /bin/true through ia32 execve.  Their arguments must lie
 * below 4 GiB, where a 32-bit call can point: a MAP_32BIT area holds
 * them.
 */
#include <sys/mman.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ia32 syscall numbers (arch/x86/entry/syscalls/syscall_32.tbl). */
#define IA32_EXIT	1
#define IA32_OPEN	5
#define IA32_CLOSE	6
#define IA32_EXECVE	11
#define IA32_GETPID	20
#define IA32_SOCKETCALL	102
#define IA32_READV	145
#define IA32_OPENAT	295

#define SYS_SOCKET_CALL		1
#define SYS_CONNECT_CALL	3

static long
sys32(long nr, long a, long b, long c, long d)
{
	long ret;

	/* The 32-bit entry reads ebx, ecx, edx, esi; it saves r8-r11. */
	__asm__ volatile("int $0x80"
	    : "=a"(ret)
	    : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d)
	    : "memory", "r8", "r9", "r10", "r11");
	return ret;
}

/* An area below 4 GiB; bump allocation of its bytes. */
static char *low;
static size_t lowpos;

static void *
low_alloc(size_t n)
{
	void *p = low + lowpos;

	lowpos += (n + 7) & ~(size_t)7;
	if (lowpos > 65536) {
		fprintf(stderr, "ia32_workload: low area full\n");
		exit(1);
	}
	return p;
}

static uint32_t
low_str(const char *s)
{
	char *p = low_alloc(strlen(s) + 1);

	strcpy(p, s);
	return (uint32_t)(uintptr_t)p;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in *sin;
	uint32_t *blk, *av, *iov;
	long fd1, fd2, sfd, r;
	FILE *out;
	int st;
	pid_t pid;
	char path1[4096], path2[4096];

	if (argc != 3) {
		fprintf(stderr, "usage: ia32_workload dir out\n");
		return 2;
	}
	low = mmap(NULL, 65536, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (low == MAP_FAILED) {
		perror("ia32_workload: mmap");
		return 1;
	}
	if ((out = fopen(argv[2], "w")) == NULL) {
		perror(argv[2]);
		return 1;
	}
	snprintf(path1, sizeof(path1), "%s/ia32_open", argv[1]);
	snprintf(path2, sizeof(path2), "%s/ia32_openat", argv[1]);
	fprintf(out, "pid %d\n", (int)getpid());
	fprintf(out, "path_open %s\npath_openat %s\n", path1, path2);

	fd1 = sys32(IA32_OPEN, low_str(path1), O_WRONLY | O_CREAT | O_TRUNC,
	    0640, 0);
	fprintf(out, "open_fd %ld\n", fd1);
	/* AT_FDCWD as a 32-bit int. */
	fd2 = sys32(IA32_OPENAT, (uint32_t)AT_FDCWD, low_str(path2),
	    O_RDONLY | O_CREAT, 0600);
	fprintf(out, "openat_fd %ld\n", fd2);
	fprintf(out, "close1 %ld\n", sys32(IA32_CLOSE, fd1, 0, 0, 0));
	fprintf(out, "close2 %ld\n", sys32(IA32_CLOSE, fd2, 0, 0, 0));
	fprintf(out, "getpid %ld\n", sys32(IA32_GETPID, 0, 0, 0, 0));

	/* A failing execve: its exit event carries argv. */
	av = low_alloc(3 * sizeof(*av));
	av[0] = low_str("ia32-argv0");
	av[1] = low_str("ia32-arg1");
	av[2] = 0;
	r = sys32(IA32_EXECVE, low_str("/nonexistent/ia32"),
	    (uint32_t)(uintptr_t)av, 0, 0);
	fprintf(out, "execve_fail %ld\n", r);

	/* socketcall: socket(AF_INET, SOCK_DGRAM, 0), then connect. */
	blk = low_alloc(6 * sizeof(*blk));
	blk[0] = AF_INET;
	blk[1] = SOCK_DGRAM;
	blk[2] = 0;
	sfd = sys32(IA32_SOCKETCALL, SYS_SOCKET_CALL,
	    (uint32_t)(uintptr_t)blk, 0, 0);
	fprintf(out, "socket_fd %ld\n", sfd);
	sin = low_alloc(sizeof(*sin));
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(9);
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	blk[0] = (uint32_t)sfd;
	blk[1] = (uint32_t)(uintptr_t)sin;
	blk[2] = sizeof(*sin);
	r = sys32(IA32_SOCKETCALL, SYS_CONNECT_CALL,
	    (uint32_t)(uintptr_t)blk, 0, 0);
	fprintf(out, "connect %ld\nconnect_port 9\n", r);

	/* readv of one 32-bit iovec from /dev/null: 0 bytes. */
	iov = low_alloc(2 * sizeof(*iov));
	iov[0] = (uint32_t)(uintptr_t)low_alloc(16);
	iov[1] = 16;
	fd1 = open("/dev/null", O_RDONLY);
	r = sys32(IA32_READV, fd1, (uint32_t)(uintptr_t)iov, 1, 0);
	fprintf(out, "readv %ld\n", r);
	close(fd1);
	close((int)sfd);

	/* A child that becomes /bin/true through ia32 execve. */
	av[0] = low_str("/bin/true");
	av[1] = low_str("ia32-ok");
	av[2] = 0;
	fflush(out);
	if ((pid = fork()) == -1) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		r = sys32(IA32_EXECVE, av[0], (uint32_t)(uintptr_t)av, 0, 0);
		sys32(IA32_EXIT, 127, 0, 0, 0);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) != pid) {
		perror("waitpid");
		return 1;
	}
	fprintf(out, "child %d\nchild_status %d\n", (int)pid, st);
	fprintf(out, "done 1\n");
	return fclose(out) == 0 ? 0 : 1;
}
