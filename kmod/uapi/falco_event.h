/* SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0 */
/*
 * The event record shared by the kernel module, the eBPF programs and
 * userspace.  Its layout is the one of Falco's drivers and of .scap
 * files, so that captures interchange:
 *
 *	struct fevt_hdr			26 bytes, packed, host byte order
 *	u16 len[nparams]		or u32 for EF_LARGE_PAYLOAD events
 *	param 0 .. param nparams-1	back to back, unaligned
 *
 * hdr.len counts the whole record, header included.  A parameter of
 * length 0 is empty.  Event type ids and parameter layouts come from the
 * generated falco_schema_gen.h (see events.tbl beside this file); the
 * drivers' per-event tables (parameter counts, length width, x86_64
 * syscall map, native-to-portable flags) from falco_schema_kern.h.
 */
#ifndef FALCO_UAPI_EVENT_H
#define FALCO_UAPI_EVENT_H

#if defined(__KERNEL__)
#include <linux/types.h>
#elif defined(__BPF__) || defined(__bpf__)
/* vmlinux.h provides the fixed-width types. */
#else
#include <stdint.h>
#endif

#define FEVT_MAX_PARAMS		32
#define FEVT_HDR_LEN		26

struct fevt_hdr {
	uint64_t ts;		/* nanoseconds since the epoch */
	uint64_t tid;		/* thread that produced the event */
	uint32_t len;		/* whole record, header included */
	uint16_t type;		/* event type id */
	uint32_t nparams;	/* number of parameter lengths that follow */
} __attribute__((packed));

#endif /* FALCO_UAPI_EVENT_H */
