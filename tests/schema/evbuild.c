/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>
#include <string.h>

#include "falco_event.h"
#include "evbuild.h"

void
evb_init(struct evb *b, uint16_t type)
{
	b->type = type;
	b->nparams = 0;
	b->dlen = 0;
	b->rlen = 0;
}

void
evb_param(struct evb *b, const void *p, size_t len)
{
	if (b->nparams >= 64 || b->dlen + len > sizeof(b->data))
		abort();
	if (len > 0)
		memcpy(b->data + b->dlen, p, len);
	b->dlen += len;
	b->plen[b->nparams++] = (uint32_t)len;
}

void
evb_u64(struct evb *b, uint64_t v)
{
	evb_param(b, &v, sizeof(v));
}

void
evb_u32(struct evb *b, uint32_t v)
{
	evb_param(b, &v, sizeof(v));
}

void
evb_u16(struct evb *b, uint16_t v)
{
	evb_param(b, &v, sizeof(v));
}

void
evb_u8(struct evb *b, uint8_t v)
{
	evb_param(b, &v, sizeof(v));
}

void
evb_str(struct evb *b, const char *s)
{
	evb_param(b, s, strlen(s) + 1);
}

void
evb_finish(struct evb *b, int large)
{
	struct fevt_hdr h;
	size_t off = FEVT_HDR_LEN, lsize = large ? 4 : 2;
	uint32_t i;

	for (i = 0; i < b->nparams; i++) {
		if (large)
			memcpy(b->rec + off, &b->plen[i], 4);
		else {
			uint16_t l = (uint16_t)b->plen[i];

			memcpy(b->rec + off, &l, 2);
		}
		off += lsize;
	}
	memcpy(b->rec + off, b->data, b->dlen);
	off += b->dlen;
	h.ts = 1000;
	h.tid = 42;
	h.len = (uint32_t)off;
	h.type = b->type;
	h.nparams = b->nparams;
	memcpy(b->rec, &h, FEVT_HDR_LEN);
	b->rlen = off;
}
