/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test helper: build event records of the current schema from text.
 *
 * Each parameter is given as a string and encoded after the schema type
 * of that parameter: integers in decimal (or 0x hex), strings as they
 * are, byte buffers with '|' standing for NUL ("ls|-l|"), socket tuples
 * as "1.2.3.4:80->5.6.7.8:443" or "[::1]:80->[::1]:443", socket
 * addresses as "1.2.3.4:80", NULL for an empty parameter.
 */
#ifndef TESTS_STATE_EVBUILD_H
#define TESTS_STATE_EVBUILD_H

#include <stddef.h>
#include <stdint.h>

#include "schema/schema.h"

struct evrec {
	uint8_t		 buf[8192];
	size_t		 len;
	struct fevt	 ev;		/* parsed view of buf */
};

/*
 * Build an event of type id with the schema's parameter count; vals has
 * one entry per parameter.  Aborts the test program on a bad value.
 */
void	evb_build(struct evrec *r, uint16_t type, uint64_t ts, int64_t tid,
	    const char *const *vals, size_t nvals);

#define EVB(r, type, ts, tid, ...) do {					\
	const char *const evb_v_[] = { __VA_ARGS__ };			\
	evb_build((r), (type), (ts), (tid), evb_v_,			\
	    sizeof(evb_v_) / sizeof(evb_v_[0]));			\
} while (0)

/* Shorthands for the long process events (current layouts). */
void	evb_clone(struct evrec *r, uint64_t ts, int64_t tid, int64_t res,
	    int64_t pid, int64_t ptid, uint32_t flags, const char *comm,
	    const char *cwd);
void	evb_execve(struct evrec *r, uint64_t ts, int64_t tid, int64_t res,
	    int64_t ptid, const char *exe, const char *args,
	    const char *comm, const char *cwd, const char *cgroups);
void	evb_procexit(struct evrec *r, uint64_t ts, int64_t tid,
	    int64_t reaper);

#endif /* TESTS_STATE_EVBUILD_H */
