/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Benchmark of the capture reader: writes an uncompressed capture of
 * BENCH_EVENTS current-layout events with the writer (into the build
 * folder; removed at the end), then measures on one core
 *   - the baseline: a plain walk over the same mapped bytes that only
 *     follows block lengths and reads each event's type;
 *   - the reader: scap_reader_next() over the file, each event parsed
 *     into a struct fevt view and checked by the converter.
 * It prints events/s of both and their ratio; it never fails on timing.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "scapfile/scapfile.h"
#include "schema/schema.h"
#include "util/xmalloc.h"

#define BENCH_EVENTS	5000000u
#define ROUNDS		3

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint16_t
event_id(const char *sym)
{
	uint16_t i;

	for (i = 0; i < FE_MAX; i++)
		if (strcmp(schema_event(i)->sym, sym) == 0)
			return i;
	fprintf(stderr, "bench_scapfile: no event %s\n", sym);
	exit(1);
}

/*
 * Build one record of type id with the given parameter sizes (the
 * bytes are filler: the reader does not look at values).
 */
static uint8_t *
make_record(uint16_t id, const uint16_t *sizes, unsigned n)
{
	struct fevt_hdr h;
	uint8_t *rec, *p;
	unsigned i;
	uint32_t len = FEVT_HDR_LEN + 2 * n;

	for (i = 0; i < n; i++)
		len += sizes[i];
	rec = xcalloc(1, len);
	h.ts = 1700000000000000000ull;
	h.tid = 1234;
	h.len = len;
	h.type = id;
	h.nparams = n;
	memcpy(rec, &h, FEVT_HDR_LEN);
	p = rec + FEVT_HDR_LEN;
	for (i = 0; i < n; i++, p += 2)
		memcpy(p, &sizes[i], 2);
	memset(p, 'a', len - (size_t)(p - rec));
	return rec;
}

int
main(void)
{
	const char *bdir = getenv("FALCO_BUILD");
	char path[4096], err[512];
	struct scap_writer *w;
	struct scap_reader *r;
	struct fevt ev;
	uint8_t *recs[4];
	static const uint16_t read_sz[] = { 8, 32, 8, 8 };
	static const uint16_t close_sz[] = { 8, 8 };
	static const uint16_t openat_sz[] = { 8, 8, 24, 4, 4, 4, 8 };
	struct stat sb;
	double t0, t1, best_base = 1e9, best_read = 1e9, wtime;
	uint64_t i, n, sum = 0;
	int fd, round;

	snprintf(path, sizeof(path), "%s/bench_scapfile.scap",
	    bdir != NULL ? bdir : "build");
	recs[0] = make_record(event_id("SYSCALL_READ_X"), read_sz, 4);
	recs[1] = make_record(event_id("SYSCALL_CLOSE_X"), close_sz, 2);
	recs[2] = make_record(event_id("SYSCALL_OPENAT_2_X"), openat_sz,
	    schema_event(event_id("SYSCALL_OPENAT_2_X"))->nparams);
	recs[3] = make_record(event_id("SYSCALL_READ_X"), read_sz, 4);
	if (schema_event(event_id("SYSCALL_OPENAT_2_X"))->nparams != 7) {
		fprintf(stderr, "bench_scapfile: unexpected openat layout\n");
		return 1;
	}

	t0 = now();
	if ((w = scap_writer_open(path, 0, err, sizeof(err))) == NULL) {
		fprintf(stderr, "bench_scapfile: %s\n", err);
		return 1;
	}
	for (i = 0; i < BENCH_EVENTS; i++) {
		struct fevt_hdr *h = (struct fevt_hdr *)recs[i & 3];

		h->ts++;
		scap_writer_event(w, h, (uint16_t)(i & 7), 0);
	}
	if (scap_writer_close(w, err, sizeof(err)) != 0) {
		fprintf(stderr, "bench_scapfile: %s\n", err);
		unlink(path);
		return 1;
	}
	wtime = now() - t0;
	if ((fd = open(path, O_RDONLY)) == -1 || fstat(fd, &sb) == -1) {
		perror(path);
		return 1;
	}

	for (round = 0; round < ROUNDS; round++) {
		const uint8_t *m;
		size_t off;

		/* Baseline: follow the block lengths, read the types. */
		m = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd,
		    0);
		if (m == MAP_FAILED) {
			perror("mmap");
			return 1;
		}
		t0 = now();
		n = 0;
		off = 28;	/* section header */
		while (off + 12 <= (size_t)sb.st_size) {
			uint32_t bl;
			uint16_t type;

			memcpy(&bl, m + off + 4, 4);
			memcpy(&type, m + off + 10 + 20, 2);
			sum += type;
			n++;
			off += bl;
		}
		t1 = now() - t0;
		munmap((void *)(uintptr_t)m, (size_t)sb.st_size);
		if (n != BENCH_EVENTS) {
			fprintf(stderr, "bench_scapfile: walked %" PRIu64
			    " blocks\n", n);
			return 1;
		}
		if (t1 < best_base)
			best_base = t1;

		/* The reader. */
		t0 = now();
		if ((r = scap_reader_open(path, err, sizeof(err))) == NULL) {
			fprintf(stderr, "bench_scapfile: %s\n", err);
			return 1;
		}
		n = 0;
		while (scap_reader_next(r, &ev, NULL) == 1) {
			sum += ev.hdr->type + ev.nparams;
			n++;
		}
		scap_reader_close(r);
		t1 = now() - t0;
		if (n != BENCH_EVENTS) {
			fprintf(stderr, "bench_scapfile: read %" PRIu64
			    " events\n", n);
			return 1;
		}
		if (t1 < best_read)
			best_read = t1;
	}
	close(fd);
	unlink(path);
	for (i = 0; i < 4; i++)
		free(recs[i]);

	printf("scapfile: %u events, %.1f MB uncompressed (checksum %"
	    PRIu64 ")\n", BENCH_EVENTS, (double)sb.st_size / 1e6, sum & 0xff);
	printf("scapfile: write %.1f M events/s\n",
	    BENCH_EVENTS / wtime / 1e6);
	printf("scapfile: baseline memory walk %.1f M events/s\n",
	    BENCH_EVENTS / best_base / 1e6);
	printf("scapfile: reader decode %.1f M events/s (target >= 20)\n",
	    BENCH_EVENTS / best_read / 1e6);
	printf("scapfile: ratio reader/baseline %.2f\n",
	    best_base / best_read);
	return 0;
}
