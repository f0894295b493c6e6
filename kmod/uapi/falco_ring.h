/* SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0 */
/*
 * Layout of the per-CPU rings that falco.ko shares with userspace.
 *
 * A consumer is one open file of any /dev/falco<N>.  It owns one ring per
 * possible CPU; the ring of CPU c is mapped from the file at byte offset
 * c * stride (stride in the info page and in the netlink GET_INFO reply):
 *
 *	offset c*stride			info page, PROT_READ|PROT_WRITE
 *	offset c*stride + page size	data, 2 * size bytes, PROT_READ only;
 *					the same pages twice in a row, so a
 *					record that wraps reads contiguously
 *
 * head and tail count bytes ever written and consumed (they never wrap;
 * the position in the data is the count modulo size).  The kernel is the
 * only writer of head, userspace the only writer of tail:
 *
 *	consumer: h = load_acquire(&info->head)
 *		  while (tail < h) { rec = data + (tail & (size - 1));
 *		      use rec; tail += FALCO_RING_ALIGN(rec->len) }
 *		  store_release(&info->tail, tail)
 *
 * The acquire on head pairs with the kernel's release store of head after
 * it wrote a record; the release on tail pairs with the kernel's acquire
 * load of tail before it reuses the space.  Every record starts on an
 * 8-byte boundary and is a struct fevt_hdr (falco_event.h) followed by its
 * parameter lengths and values; the space up to the next boundary is
 * zero.  Records of type FALCO_RING_GAP are not events: they say that
 * events were dropped on this CPU just before this point (see below).
 */
#ifndef FALCO_UAPI_RING_H
#define FALCO_UAPI_RING_H

#if defined(__KERNEL__)
#include <linux/types.h>
#else
#include <stdint.h>
#endif

#define FALCO_RING_VERSION	1
#define FALCO_RING_ALIGN(len)	(((len) + 7ULL) & ~7ULL)

/* Largest record the module writes, header included. */
#define FALCO_RING_MAX_RECORD	(64 * 1024)

/* Reasons an event did not reach a ring, one counter each. */
enum falco_drop_reason {
	FALCO_DROP_FULL = 0,	/* not enough free space in the ring */
	FALCO_DROP_TOO_BIG,	/* record larger than FALCO_RING_MAX_RECORD */
	FALCO_DROP_REENTRY,	/* a probe ran inside another on this CPU */
	FALCO_DROP_NO_RING,	/* CPU came online before its ring existed */
	FALCO_DROP_BAD_TAIL,	/* tail written by userspace is impossible */
	FALCO_DROP_MAX
};

/*
 * The info page.  Fields other than tail are written by the kernel only;
 * the counters are updated with plain stores by the CPU that owns the
 * ring and may be read at any time (they are 64-bit and aligned, so a
 * reader never sees a torn value on 64-bit machines).
 */
struct falco_ring_info {
	uint64_t head;		/* bytes written; kernel store-release */
	uint64_t tail;		/* bytes consumed; userspace store-release */
	uint64_t size;		/* data bytes, a power of two */
	uint64_t stride;	/* mmap offset distance between CPUs */
	uint32_t version;	/* FALCO_RING_VERSION */
	uint32_t cpu;		/* CPU this ring belongs to */
	uint32_t consumer_id;	/* netlink FALCO_NL_A_CONSUMER of the file */
	uint32_t online;	/* 1 while the CPU is online */
	uint64_t n_evts;	/* events written */
	uint64_t n_drops[FALCO_DROP_MAX];
	uint64_t n_gaps;	/* gap records written */
};

/*
 * A gap record: hdr.type = FALCO_RING_GAP, hdr.nparams = 2, u16 lengths
 * {8, 4}, then the number of events lost since the previous record of
 * this ring (u64) and a mask of the falco_drop_reason bits involved
 * (u32).  hdr.ts and hdr.tid are those of the event that follows.
 */
#define FALCO_RING_GAP		0xffff
#define FALCO_RING_GAP_LEN	(26 + 2 * 2 + 8 + 4)

#endif /* FALCO_UAPI_RING_H */
