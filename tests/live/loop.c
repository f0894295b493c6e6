/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The syscall loops of tests/live/b_live.sh:
 *
 *	live_loop open FILE N	open, read 64 bytes, close, N times
 *	live_loop getppid N	getppid N times
 *
 * prints "ns_per_iter <float>" and "iters <N>" on stdout.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: live_loop open FILE N | getppid N\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	char buf[64];
	double t0, t1;
	long i, n;
	int fd, open_mode;

	if (argc == 4 && strcmp(argv[1], "open") == 0)
		open_mode = 1;
	else if (argc == 3 && strcmp(argv[1], "getppid") == 0)
		open_mode = 0;
	else
		usage();
	if ((n = atol(argv[argc - 1])) <= 0)
		usage();
	t0 = now_ns();
	for (i = 0; open_mode && i < n; i++) {
		if ((fd = open(argv[2], O_RDONLY)) < 0) {
			perror(argv[2]);
			return 1;
		}
		if (read(fd, buf, sizeof(buf)) < 0) {
			perror("read");
			return 1;
		}
		close(fd);
	}
	for (i = 0; !open_mode && i < n; i++)
		(void)syscall(SYS_getppid);
	t1 = now_ns();
	printf("ns_per_iter %.1f\niters %ld\n", (t1 - t0) / (double)n, n);
	return 0;
}
