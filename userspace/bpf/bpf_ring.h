/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reading one BPF ring buffer straight from its mapped memory, one
 * record at a time (internal to the eBPF driver; see bpf_driver.h).
 *
 * Memory layout and protocol are the kernel's: a consumer page holding
 * consumer_pos (ours to write), a producer page holding producer_pos,
 * then the data area mapped twice back to back, so a record that wraps
 * reads as contiguous.  Each record starts with an 8-byte header: u32
 * length with a BUSY bit (being written) and a DISCARD bit, u32 page
 * offset; records are 8-byte aligned.  producer_pos is read with
 * acquire ordering, the record length too (it pairs with the kernel's
 * release when it clears BUSY), and consumer_pos is published with
 * release ordering once a record is no longer used, which frees its
 * space for the producer.
 */
#ifndef BPF_BPF_RING_H
#define BPF_BPF_RING_H

#include <stddef.h>
#include <stdint.h>

struct bpf_ring {
	int		 fd;		/* ring map, -1 when not ours */
	uint64_t	*cons_pos;	/* shared with the kernel */
	const uint64_t	*prod_pos;
	const uint8_t	*data;		/* size bytes, twice */
	uint64_t	 size;
	uint64_t	 cons;		/* our copy of consumer_pos */
	const uint8_t	*pending;	/* record returned by peek */
	uint32_t	 pending_len;
	uint32_t	 bad_len;	/* what made peek report corruption */
	uint64_t	 bad_prod;
	void		*map_cons;	/* mappings, for unmap */
	void		*map_prod;
	size_t		 map_prod_len;
};

/* Map ring map fd of size data bytes.  Returns 0 or -errno. */
int	bpf_ring_map(struct bpf_ring *rg, int fd, uint64_t size);

/*
 * Use memory the caller laid out like the kernel's (tests): data must
 * hold 2 * size bytes with the second half mirroring the first.
 */
void	bpf_ring_init_mem(struct bpf_ring *rg, uint64_t *cons_pos,
	    const uint64_t *prod_pos, const uint8_t *data, uint64_t size);

/* Unmap; the fd is the caller's.  Accepts a zeroed ring. */
void	bpf_ring_unmap(struct bpf_ring *rg);

/*
 * The oldest complete record, or NULL if none is ready (empty, or the
 * oldest is still being written).  Discarded records are skipped.  The
 * same record is returned until bpf_ring_release().  *len gets its
 * length, 0 when there is none, or -1 for a corrupt ring (a record
 * longer than the ring or past the producer position).
 */
const uint8_t *bpf_ring_peek(struct bpf_ring *rg, int64_t *len);

/* Give the peeked record's space back to the producer. */
void	bpf_ring_release(struct bpf_ring *rg);

/* Bytes written but not yet consumed. */
uint64_t bpf_ring_avail(const struct bpf_ring *rg);

#endif /* BPF_BPF_RING_H */
