/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kmod_record: attach to falco.ko, run a command and write every record
 * captured meanwhile to a file, back to back as the module wrote them
 * (each starts with its 26-byte header, whose len field delimits it):
 * the format of `falco-bpf-dump -o`, so that tests/kmod can compare the
 * two drivers record by record.
 *
 *	kmod_record [-s snaplen] file cmd [args...]
 *
 * The records of this tool itself are left out.  Exits with the
 * command's status; 1 on an error of its own, and then also if any
 * record was lost (drops, gaps or a corrupt ring), because a comparison
 * of incomplete captures would be meaningless.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "falco_event.h"
#include "falco_ring.h"
#include "kmod/kmod.h"
#include "util/log.h"

static void
usage(void)
{
	fprintf(stderr, "usage: kmod_record [-s snaplen] file cmd [args...]\n");
	exit(2);
}

/* Writes every readable record not of pid self; returns the gap count. */
static unsigned long
drain(struct kmod *k, FILE *out, pid_t self)
{
	const struct fevt_hdr *h;
	unsigned long gaps = 0;
	unsigned cpu;

	while ((h = kmod_next(k, &cpu)) != NULL) {
		if (h->type == FALCO_RING_GAP)
			gaps++;
		else if (h->tid != (uint64_t)self &&
		    fwrite(h, h->len, 1, out) != 1)
			fatal("write: %s", strerror(errno));
		kmod_release(k, cpu, h);
	}
	return gaps;
}

/* Sum of every drop counter of every CPU, or -1 on error. */
static long long
drops(struct kmod *k)
{
	struct kmod_cpu_stats st[256];
	long long n = 0;
	int ncpu, i, j;

	if ((ncpu = kmod_stats(k, st, 256)) < 0)
		return -1;
	for (i = 0; i < ncpu; i++)
		for (j = 0; j < FALCO_DROP_MAX; j++)
			n += (long long)st[i].drops[j];
	return n;
}

int
main(int argc, char **argv)
{
	struct kmod *k;
	unsigned long gaps = 0;
	uint32_t snaplen = 0;
	long long lost;
	pid_t child;
	int ch, err, status = 0, done = 0;
	FILE *out;

	while ((ch = getopt(argc, argv, "+s:")) != -1) {
		if (ch != 's')
			usage();
		snaplen = strtoul(optarg, NULL, 0);
	}
	argc -= optind;
	argv += optind;
	if (argc < 2)
		usage();
	if ((out = fopen(argv[0], "w")) == NULL)
		fatal("%s: %s", argv[0], strerror(errno));
	if ((k = kmod_open(getenv("FALCO_DEVDIR"), &err)) == NULL)
		fatal("cannot open falco.ko: %s", strerror(-err));
	if ((err = kmod_attach(k, NULL, snaplen, 0)) != 0)
		fatal("attach: %s", strerror(-err));
	if ((child = fork()) == -1)
		fatal("fork: %s", strerror(errno));
	if (child == 0) {
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	while (!done) {
		if (waitpid(child, &status, WNOHANG) == child)
			done = 1;
		kmod_poll(k, 50);
		gaps += drain(k, out, getpid());
	}
	kmod_detach(k);
	gaps += drain(k, out, getpid());
	lost = drops(k);
	if (fclose(out) != 0)
		fatal("%s: %s", argv[0], strerror(errno));
	if (lost != 0 || gaps != 0 || kmod_corrupt(k) != 0) {
		log_err("incomplete capture: drops %lld gaps %lu corrupt %u",
		    lost, gaps, kmod_corrupt(k));
		kmod_close(k);
		return 1;
	}
	kmod_close(k);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}
