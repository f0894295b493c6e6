/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Building event records in tests: append parameters one by one, then
 * lay the record out (header, lengths, data) the way the drivers do.
 */
#ifndef TESTS_SCHEMA_EVBUILD_H
#define TESTS_SCHEMA_EVBUILD_H

#include <stddef.h>
#include <stdint.h>

#define EVB_MAX_DATA	65536

struct evb {
	uint16_t	 type;
	uint32_t	 nparams;
	uint32_t	 plen[64];
	uint8_t		 data[EVB_MAX_DATA];
	size_t		 dlen;
	uint8_t		 rec[EVB_MAX_DATA + 512];
	size_t		 rlen;
};

/* Start a record of the given type. */
void	evb_init(struct evb *b, uint16_t type);
/* Append a parameter of len bytes (len 0 for an empty parameter). */
void	evb_param(struct evb *b, const void *p, size_t len);
void	evb_u64(struct evb *b, uint64_t v);
void	evb_u32(struct evb *b, uint32_t v);
void	evb_u16(struct evb *b, uint16_t v);
void	evb_u8(struct evb *b, uint8_t v);
/* A NUL-terminated string parameter. */
void	evb_str(struct evb *b, const char *s);
/* Lay out b->rec: u16 lengths, or u32 ones when large is set. */
void	evb_finish(struct evb *b, int large);

#endif /* TESTS_SCHEMA_EVBUILD_H */
