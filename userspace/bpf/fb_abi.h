/* SPDX-License-Identifier: GPL-2.0-only OR Apache-2.0 */
/*
 * What the eBPF programs and their userspace loader agree on, besides
 * the event record itself (falco_event.h): table sizes, the layout of
 * the per-CPU drop counters and the bits of the tracepoint mask.
 *
 * Both sides compile this header: the programs with clang -target bpf
 * against vmlinux.h, the loader with the system headers.  Only
 * fixed-width types, no padding holes.
 */
#ifndef FB_ABI_H
#define FB_ABI_H

#if !defined(__bpf__) && !defined(__BPF__)
#include <stdint.h>
#endif

/*
 * Syscall numbers covered by the interest and tail-call tables: the
 * native x86_64 ones and, in the interest table, the ia32 ones too.
 */
#define FB_NSYSCALLS		512

/*
 * Bits of fb_interest[nr]: nr as a native syscall is wanted; nr as an
 * ia32 syscall stands for a wanted native one (for socketcall: some
 * socket call is wanted).  One byte answers both, so a syscall nobody
 * wants still costs one load whatever its ABI.
 */
#define FB_WANT_NATIVE		0x01
#define FB_WANT_IA32		0x02

/*
 * Every event is assembled in a per-CPU scratch area before it is copied
 * into a ring.  The area is twice the largest event so that a write of
 * up to FB_MAX_EVENT bytes at any masked offset stays inside it, which
 * is how the verifier is convinced that writes are in bounds.
 */
#define FB_MAX_EVENT		65536
#define FB_SCRATCH_SIZE		(2 * FB_MAX_EVENT)

/*
 * Slots of the sys_exit program array past the syscall numbers: the
 * later programs of the execve and clone chains (see fb_proc.bpf.c).
 */
#define FB_XT_EXEC_2		(FB_NSYSCALLS + 0)
#define FB_XT_EXEC_3		(FB_NSYSCALLS + 1)
#define FB_XT_EXEC_4		(FB_NSYSCALLS + 2)
#define FB_XT_CLONE_2		(FB_NSYSCALLS + 3)
#define FB_EXIT_TAIL_SIZE	(FB_NSYSCALLS + 4)

/* Limits of variable-size parameters (Falco's, for equal records). */
#define FB_MAX_PATH		4096
#define FB_MAX_ARGS		4096
#define FB_MAX_SNAPLEN		65000
#define FB_DEFAULT_SNAPLEN	80

/* Bits of fb_tp_mask: which scheduler tracepoints produce events. */
#define FB_TP_SCHED_EXEC	(1u << 0)
#define FB_TP_SCHED_EXIT	(1u << 1)
#define FB_TP_SCHED_FORK	(1u << 2)

/*
 * Per-CPU counters, one PERCPU_ARRAY entry.  n_evts counts every event
 * the programs tried to send; each drop is counted once under its
 * reason.  n_user_faults counts parameters left empty because user
 * memory could not be read (the event itself is still sent).
 * n_ia32_generic counts ia32 syscalls whose arguments have a layout of
 * their own (GENERIC in kmod/uapi/syscalls.tbl), sent as generic events.
 */
struct fb_counters {
	uint64_t	n_evts;
	uint64_t	n_drops_buffer;		/* ring full */
	uint64_t	n_drops_max_size;	/* event over FB_MAX_EVENT */
	uint64_t	n_drops_no_ring;	/* no ring for this CPU */
	uint64_t	n_drops_scratch;	/* no scratch area */
	uint64_t	n_user_faults;
	uint64_t	n_ia32_generic;		/* ia32 call sent as generic */
};

#endif /* FB_ABI_H */
