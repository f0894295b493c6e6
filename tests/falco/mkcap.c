/* SPDX-License-Identifier: Apache-2.0 */
/*
 * falco_mkcap IN OUT COPIES STEP_MS: write a long capture for the
 * daemon's tests, made of the metadata of IN followed by its events
 * COPIES times, copy k shifted by k * STEP_MS milliseconds.  Plain
 * (not gzip), so that a test can feed it through a FIFO in pieces.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scapfile/scapfile.h"
#include "util/xmalloc.h"

int
main(int argc, char **argv)
{
	struct scap_reader *r;
	struct scap_writer *w;
	struct fevt ev;
	struct fevt_hdr *h;
	char err[512];
	uint8_t *buf = NULL;
	size_t cap = 0;
	long copies, k;
	uint64_t step;
	uint32_t flags;
	int rc;

	if (argc != 5) {
		fprintf(stderr, "usage: falco_mkcap in out copies step_ms\n");
		return 2;
	}
	copies = strtol(argv[3], NULL, 10);
	step = strtoull(argv[4], NULL, 10) * 1000000ULL;
	if ((w = scap_writer_open(argv[2], 0, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	for (k = 0; k < copies; k++) {
		if ((r = scap_reader_open(argv[1], err, sizeof(err))) ==
		    NULL) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		if (k == 0 && scap_writer_meta_from(w, r) != 0) {
			fprintf(stderr, "%s\n", scap_writer_error(w));
			return 1;
		}
		while ((rc = scap_reader_next(r, &ev, &flags)) == 1) {
			if (ev.hdr->len > cap) {
				cap = ev.hdr->len;
				buf = xreallocarray(buf, 1, cap);
			}
			memcpy(buf, ev.hdr, ev.hdr->len);
			h = (struct fevt_hdr *)buf;
			h->ts += (uint64_t)k * step;
			if (scap_writer_event(w, h, ev.cpu, flags) != 0) {
				fprintf(stderr, "%s\n", scap_writer_error(w));
				return 1;
			}
		}
		if (rc < 0) {
			fprintf(stderr, "%s\n", scap_reader_error(r));
			return 1;
		}
		scap_reader_close(r);
	}
	free(buf);
	if (scap_writer_close(w, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	return 0;
}
