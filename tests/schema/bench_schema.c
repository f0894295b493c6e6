/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Benchmark of the schema layer on a mix of current-layout events
 * (openat, read with 80 bytes of data, connect, execve with 31
 * parameters), on one core:
 *   - the baseline: fevt_parse() of each record, which every consumer
 *     pays;
 *   - evt.args: fevt_parse() plus schema_render_args() without state,
 *     what an alert that prints the arguments pays.
 * It prints events/s of both and their ratio; it never fails on timing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "schema/schema.h"
#include "util/sbuf.h"
#include "evbuild.h"

#define NREC		4
#define ROUNDS		3
#define ITERS		400000u

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
build(struct evb *b, int which)
{
	static const uint8_t data[80] = "root:*:20228:0:99999:7:::\n"
	    "daemon:*:20228:0:99999:7:::\nbin:*:20228:0:99999:7:::\n";
	uint8_t tuple[13] = { 2, 127, 0, 0, 1, 0xe6, 0xd2, 127, 0, 0, 1,
	    0xf3, 0xce };
	int i;

	switch (which) {
	case 0:
		evb_init(b, FE_SYSCALL_OPENAT_2_X);
		evb_u64(b, 3);
		evb_u64(b, (uint64_t)-100);
		evb_str(b, "/etc/ld.so.cache");
		evb_u32(b, 4097);
		evb_u32(b, 0);
		evb_u32(b, 0x16);
		evb_u64(b, 1591);
		break;
	case 1:
		evb_init(b, FE_SYSCALL_READ_X);
		evb_u64(b, 80);
		evb_param(b, data, sizeof(data));
		evb_u64(b, 3);
		evb_u32(b, 131072);
		break;
	case 2:
		evb_init(b, FE_SOCKET_CONNECT_X);
		evb_u64(b, 0);
		evb_param(b, tuple, sizeof(tuple));
		evb_u64(b, 4);
		evb_param(b, tuple, 7);
		break;
	default:
		evb_init(b, FE_SYSCALL_EXECVE_19_X);
		evb_u64(b, 0);
		evb_str(b, "cat");
		evb_param(b, "/etc/shadow", 12);
		for (i = 0; i < 3; i++)
			evb_u64(b, 127);
		evb_param(b, NULL, 0);
		for (i = 0; i < 3; i++)
			evb_u64(b, 1024);
		for (i = 0; i < 3; i++)
			evb_u32(b, 416);
		evb_str(b, "cat");
		evb_param(b, "cpuset=/\0cpu=/\0memory=/", 24);
		evb_param(b, "HOME=/root\0PATH=/usr/bin:/bin\0PWD=/root", 40);
		evb_u32(b, 0);
		evb_u64(b, 0);
		evb_u32(b, 0xffffffff);
		evb_u32(b, 0);
		for (i = 0; i < 4; i++)
			evb_u64(b, 0x1ffffffffffULL);
		evb_u64(b, 1663687647000000000ULL);
		evb_u64(b, 1663687647000000000ULL);
		evb_u32(b, 0);
		evb_str(b, "/usr/bin/cat");
		evb_u64(b, 0);
		evb_u32(b, 0);
		evb_str(b, "/usr/bin/cat");
		break;
	}
	evb_finish(b, 0);
}

int
main(void)
{
	static struct evb recs[NREC];
	struct sbuf sb = SBUF_INIT;
	double best_parse = 1e9, best_render = 1e9, t;
	size_t out = 0;
	unsigned r, i, k;

	setenv("TZ", "UTC", 1);
	for (k = 0; k < NREC; k++)
		build(&recs[k], (int)k);
	for (r = 0; r < ROUNDS; r++) {
		struct fevt ev;
		const char *why;

		t = now();
		for (i = 0; i < ITERS; i++)
			for (k = 0; k < NREC; k++)
				out += (size_t)fevt_parse(&ev, recs[k].rec,
				    recs[k].rlen, &why) + ev.nparams;
		t = now() - t;
		if (t < best_parse)
			best_parse = t;

		t = now();
		for (i = 0; i < ITERS; i++)
			for (k = 0; k < NREC; k++) {
				if (fevt_parse(&ev, recs[k].rec, recs[k].rlen,
				    &why) != 0) {
					fprintf(stderr, "bench_schema: %s\n",
					    why);
					return 1;
				}
				sbuf_reset(&sb);
				schema_render_args(&sb, &ev, NULL);
				out += sb.len;
			}
		t = now() - t;
		if (t < best_render)
			best_render = t;
	}
	printf("bench_schema: %u events per round, best of %d (checksum "
	    "%zu)\n", ITERS * NREC, ROUNDS, out);
	printf("  baseline fevt_parse:        %8.2f Mevents/s\n",
	    ITERS * NREC / best_parse / 1e6);
	printf("  fevt_parse + evt.args text: %8.2f Mevents/s\n",
	    ITERS * NREC / best_render / 1e6);
	printf("  ratio (render / baseline time): %.1f\n",
	    best_render / best_parse);
	sbuf_free(&sb);
	return 0;
}
