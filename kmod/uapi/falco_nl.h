/* SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0 */
/*
 * The generic netlink family through which userspace controls falco.ko.
 * Every command needs CAP_SYS_ADMIN.  A consumer (an open /dev/falco<N>
 * file, see falco_ring.h) is named by the id found in its info pages.
 *
 *	GET_INFO	-> API_VERSION, SCHEMA_VERSION, NR_CPUS, RING_SIZE,
 *			   RING_STRIDE, PAGE_SIZE, SC_MAX
 *	ATTACH		CONSUMER [, SC_MASK] [, SNAPLEN] [, WATERMARK]
 *			[, FLAGS]: start capture for the consumer
 *	DETACH		CONSUMER: stop it (closing the file also does)
 *	SET_MASK	CONSUMER, SC_MASK: syscalls of interest, a bitmap of
 *			portable syscall codes (FE_SC_*), bit n in byte n/8
 *	SET_SNAPLEN	CONSUMER, SNAPLEN: bytes kept of I/O buffers
 *	GET_STATS	CONSUMER -> one nested STATS attribute per CPU with a
 *			ring: STAT_CPU, STAT_EVTS, STAT_GAPS, STAT_DROP_*
 */
#ifndef FALCO_UAPI_NL_H
#define FALCO_UAPI_NL_H

#define FALCO_NL_FAMILY		"falco"
#define FALCO_NL_VERSION	1

/* API version of the device and netlink interface (major.minor.patch). */
#define FALCO_API_MAJOR		1
#define FALCO_API_MINOR		1
#define FALCO_API_PATCH		0

/* Versions are packed as major:19 bits at 44, minor:20 at 24, patch:24. */
#define FALCO_VERSION_PACK(ma, mi, pa) \
	((((unsigned long long)(ma) & 0x7ffff) << 44) | \
	 (((unsigned long long)(mi) & 0xfffff) << 24) | \
	 ((unsigned long long)(pa) & 0xffffff))

#define FALCO_NL_SNAPLEN_MAX	65000
#define FALCO_NL_SC_MASK_LEN	128	/* bytes: room for 1024 codes */

enum falco_nl_cmd {
	FALCO_NL_CMD_UNSPEC,
	FALCO_NL_CMD_GET_INFO,
	FALCO_NL_CMD_ATTACH,
	FALCO_NL_CMD_DETACH,
	FALCO_NL_CMD_SET_MASK,
	FALCO_NL_CMD_SET_SNAPLEN,
	FALCO_NL_CMD_GET_STATS,
	__FALCO_NL_CMD_MAX
};

#define FALCO_NL_CMD_MAX	(__FALCO_NL_CMD_MAX - 1)

enum falco_nl_attr {
	FALCO_NL_A_UNSPEC,
	FALCO_NL_A_CONSUMER,		/* u32 */
	FALCO_NL_A_SC_MASK,		/* binary, FALCO_NL_SC_MASK_LEN */
	FALCO_NL_A_SNAPLEN,		/* u32, 1 .. FALCO_NL_SNAPLEN_MAX */
	FALCO_NL_A_WATERMARK,		/* u32, bytes, 1 .. ring size */
	FALCO_NL_A_API_VERSION,		/* u64, packed */
	FALCO_NL_A_SCHEMA_VERSION,	/* u64, packed */
	FALCO_NL_A_NR_CPUS,		/* u32, possible CPUs */
	FALCO_NL_A_RING_SIZE,		/* u64 */
	FALCO_NL_A_RING_STRIDE,		/* u64 */
	FALCO_NL_A_PAGE_SIZE,		/* u32 */
	FALCO_NL_A_SC_MAX,		/* u32, number of syscall codes */
	FALCO_NL_A_STATS,		/* nested, one per CPU */
	FALCO_NL_A_PAD,
	FALCO_NL_A_FLAGS,		/* u32, FALCO_NL_F_* (API 1.1) */
	__FALCO_NL_A_MAX
};

/* FALCO_NL_A_FLAGS of ATTACH. */
#define FALCO_NL_F_DROP_FAILED	0x1	/* no exit event of failed calls */
#define FALCO_NL_F_ALL		FALCO_NL_F_DROP_FAILED

#define FALCO_NL_A_MAX		(__FALCO_NL_A_MAX - 1)

/* Inside FALCO_NL_A_STATS. */
enum falco_nl_stat {
	FALCO_NL_STAT_UNSPEC,
	FALCO_NL_STAT_CPU,		/* u32 */
	FALCO_NL_STAT_ONLINE,		/* u32, 0 or 1 */
	FALCO_NL_STAT_EVTS,		/* u64 */
	FALCO_NL_STAT_GAPS,		/* u64 */
	FALCO_NL_STAT_DROP_FULL,	/* u64, one per falco_drop_reason */
	FALCO_NL_STAT_DROP_TOO_BIG,
	FALCO_NL_STAT_DROP_REENTRY,
	FALCO_NL_STAT_DROP_NO_RING,
	FALCO_NL_STAT_DROP_BAD_TAIL,
	FALCO_NL_STAT_PAD,
	__FALCO_NL_STAT_MAX
};

#define FALCO_NL_STAT_MAX	(__FALCO_NL_STAT_MAX - 1)

#endif /* FALCO_UAPI_NL_H */
