/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Direct consumption of a BPF ring buffer (see bpf_ring.h for the
 * protocol).  libbpf's ring_buffer API hands records to a callback and
 * releases them on return; the driver needs to hold the head record of
 * every ring at once to merge them by timestamp, hence this reader.
 */
#include <sys/mman.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "bpf/bpf_ring.h"

#define RB_BUSY		(1u << 31)
#define RB_DISCARD	(1u << 30)
#define RB_HDR		8

int
bpf_ring_map(struct bpf_ring *rg, int fd, uint64_t size)
{
	long page = sysconf(_SC_PAGESIZE);
	void *c, *p;

	memset(rg, 0, sizeof(*rg));
	rg->fd = fd;
	c = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (c == MAP_FAILED)
		return -errno;
	/* The producer page and the data, twice; all read-only for us. */
	p = mmap(NULL, page + 2 * size, PROT_READ, MAP_SHARED, fd, page);
	if (p == MAP_FAILED) {
		int e = -errno;

		munmap(c, page);
		return e;
	}
	rg->map_cons = c;
	rg->map_prod = p;
	rg->map_prod_len = page + 2 * size;
	bpf_ring_init_mem(rg, c, p, (const uint8_t *)p + page, size);
	return 0;
}

void
bpf_ring_init_mem(struct bpf_ring *rg, uint64_t *cons_pos,
    const uint64_t *prod_pos, const uint8_t *data, uint64_t size)
{
	rg->cons_pos = cons_pos;
	rg->prod_pos = prod_pos;
	rg->data = data;
	rg->size = size;
	rg->cons = __atomic_load_n(cons_pos, __ATOMIC_ACQUIRE);
	rg->pending = NULL;
}

void
bpf_ring_unmap(struct bpf_ring *rg)
{
	long page = sysconf(_SC_PAGESIZE);

	if (rg->map_cons != NULL)
		munmap(rg->map_cons, page);
	if (rg->map_prod != NULL)
		munmap(rg->map_prod, rg->map_prod_len);
	rg->map_cons = rg->map_prod = NULL;
	rg->pending = NULL;
}

static uint32_t
rec_span(uint32_t len)
{
	return (len + RB_HDR + 7) & ~7u;
}

const uint8_t *
bpf_ring_peek(struct bpf_ring *rg, int64_t *len)
{
	const uint8_t *hdr;
	uint64_t prod;
	uint32_t l;

	*len = 0;
	if (rg->pending != NULL) {
		*len = rg->pending_len;
		return rg->pending;
	}
	for (;;) {
		prod = __atomic_load_n(rg->prod_pos, __ATOMIC_ACQUIRE);
		if (rg->cons >= prod)
			return NULL;
		hdr = rg->data + (rg->cons & (rg->size - 1));
		l = __atomic_load_n((const uint32_t *)hdr, __ATOMIC_ACQUIRE);
		if (l & RB_BUSY)
			return NULL;
		if ((l & RB_DISCARD) == 0)
			break;
		rg->cons += rec_span(l & ~RB_DISCARD);
		__atomic_store_n(rg->cons_pos, rg->cons, __ATOMIC_RELEASE);
	}
	if (l > rg->size || rg->cons + rec_span(l) > prod) {
		rg->bad_len = l;
		rg->bad_prod = prod;
		*len = -1;
		return NULL;
	}
	rg->pending = hdr + RB_HDR;
	rg->pending_len = l;
	*len = l;
	return rg->pending;
}

void
bpf_ring_release(struct bpf_ring *rg)
{
	if (rg->pending == NULL)
		return;
	rg->cons += rec_span(rg->pending_len);
	rg->pending = NULL;
	__atomic_store_n(rg->cons_pos, rg->cons, __ATOMIC_RELEASE);
}

uint64_t
bpf_ring_avail(const struct bpf_ring *rg)
{
	return __atomic_load_n(rg->prod_pos, __ATOMIC_ACQUIRE) - rg->cons;
}
