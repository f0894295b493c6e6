/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The cost of syscalls, to run bare and under the eBPF driver
 * (tests/bpf/b_syscall_cost.sh compares the two): getppid, the
 * cheapest syscall, and open+read+close of a small file.
 *
 *	bpf_syscall_bench [iterations]
 *
 * Prints "getppid_ns N" and "open_read_close_ns N" (thread CPU time per
 * iteration, the best of three rounds), "syscalls N", the number of
 * syscalls timed, and "wall_ns N", the wall-clock time of all rounds
 * (to turn a count of captured events into a rate).
 */
#include <sys/syscall.h>

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static uint64_t
wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static uint64_t
now_ns(void)
{
	struct timespec ts;

	/*
	 * CPU time of this thread, kernel time included: what the syscalls
	 * and the programs on their tracepoints cost, not the time other
	 * processes (the consumer among them) held the CPU.
	 */
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static double
round_getppid(long n)
{
	uint64_t t0 = now_ns();
	long i;

	for (i = 0; i < n; i++)
		syscall(SYS_getppid);
	return (double)(now_ns() - t0) / n;
}

static double
round_orc(long n, const char *path)
{
	uint64_t t0 = now_ns();
	char buf[64];
	long i;
	int fd;

	for (i = 0; i < n; i++) {
		fd = open(path, O_RDONLY);
		if (fd < 0) {
			perror(path);
			exit(1);
		}
		if (read(fd, buf, sizeof(buf)) < 0)
			perror("read");
		close(fd);
	}
	return (double)(now_ns() - t0) / n;
}

int
main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 200000;
	const char *path = "/etc/hostname";
	double g = 1e18, o = 1e18, v;
	uint64_t w0 = wall_ns();
	int r;

	for (r = 0; r < 3; r++) {
		if ((v = round_getppid(n)) < g)
			g = v;
		if ((v = round_orc(n / 4, path)) < o)
			o = v;
	}
	printf("getppid_ns %.1f\n", g);
	printf("open_read_close_ns %.1f\n", o);
	printf("syscalls %ld\n", 3 * (n + 3 * (n / 4)));
	printf("wall_ns %llu\n", (unsigned long long)(wall_ns() - w0));
	return 0;
}
