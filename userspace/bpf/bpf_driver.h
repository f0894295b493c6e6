/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The modern eBPF driver as userspace sees it: load the CO-RE programs,
 * choose what they capture, attach them, and read their events in
 * timestamp order from the BPF ring buffers.
 *
 * Lifecycle: bpf_driver_open() (loads, nothing attached yet), the
 * bpf_driver_set_*() calls, bpf_driver_attach(), bpf_driver_next() in a
 * loop, bpf_driver_detach() (optional), bpf_driver_close().  Programs,
 * maps and links live only as long as the process's descriptors, so a
 * killed consumer leaves nothing loaded behind.
 *
 * Records are struct fevt_hdr + parameters (falco_event.h), the same
 * bytes the kernel module writes.  Their ts is wall-clock ns: the
 * programs add bpf_ktime_get_boot_ns() to a boot epoch (realtime minus
 * boottime) that userspace computes at open and may refresh with
 * bpf_driver_sync_clock(), so a clock step does not reorder the stream.
 *
 * A driver is used from one thread.  Functions returning int give 0 on
 * success or a negative errno, after logging the cause with util/log.h.
 * bpf_driver_open() routes libbpf's messages (a process-wide setting) to
 * util/log.h: warnings as warnings, the rest, verifier logs included, at
 * debug level.  With FB_VERIFIER_STATS set in the environment the
 * verifier's statistics of every program are logged (debug level).
 * FB_NO_CAST keeps the fillers that read kernel structures with a
 * helper call per pointer (the only ones before Linux 6.2) on kernels
 * that have bpf_rdonly_cast(), to compare or to work around a kernel.
 */
#ifndef BPF_BPF_DRIVER_H
#define BPF_BPF_DRIVER_H

#include <stddef.h>
#include <stdint.h>

#include "falco_event.h"

struct bpf_driver;

struct bpf_driver_config {
	/* Bytes of each ring: a power of two, >= 2 pages.  8 MiB default. */
	uint32_t	ring_bytes;
	/*
	 * CPUs sharing one ring (Falco's cpus_for_each_buffer): 1 gives one
	 * ring per CPU, 0 a single ring for every CPU.  Default 1.
	 */
	uint32_t	cpus_per_ring;
	uint32_t	snaplen;	/* bytes of I/O buffers, default 80 */
	/* Send no exit event for a syscall that failed.  Default 0. */
	int		drop_failed;
	/*
	 * Wake a sleeping consumer only once this many bytes wait in a
	 * ring; below that it notices data within poll_ms.  Default
	 * ring_bytes / 16.
	 */
	uint32_t	wakeup_bytes;
	uint32_t	poll_ms;	/* default 2 */
	/* Drop events of this process (the consumer itself). Default 1. */
	int		ignore_self;
	/*
	 * Enter events (open, openat, openat2, creat, connect) through
	 * fentry programs on those syscalls' entry functions where the
	 * kernel allows it (1, default), or always through the sys_enter
	 * tracepoint, which every syscall of the host then pays for (0).
	 */
	int		enter_fentry;
};

struct bpf_driver_stats {
	uint64_t	n_evts;		/* events the programs tried */
	uint64_t	n_drops;	/* sum of the drop reasons below */
	uint64_t	n_drops_buffer;	/* ring full */
	uint64_t	n_drops_max_size; /* event larger than 64 KiB */
	uint64_t	n_drops_no_ring;
	uint64_t	n_drops_scratch;
	uint64_t	n_user_faults;	/* params empty: bad pointer */
	uint64_t	n_ia32_generic;	/* ia32 calls sent as generic */
	uint64_t	n_read;		/* records handed out */
	uint64_t	n_bad_records;	/* malformed records skipped */
};

/* Fill *cfg with the defaults above. */
void	bpf_driver_config_default(struct bpf_driver_config *cfg);

/*
 * Check that this kernel can run the driver: kernel BTF, the BPF ring
 * buffer map type, tp_btf programs loadable and attachable.  Returns 0,
 * or -1 with a sentence naming what is missing in why (NUL-terminated,
 * cut to len).
 */
int	bpf_driver_support_check(char *why, size_t len);

/*
 * For benchmarks only: attach programs that return at once to the
 * sys_exit tracepoint and, if enter != 0, to sys_enter as well.  The
 * cost they add to a syscall is what any driver on those tracepoints
 * pays (the floor); the rest of a captured syscall's cost is ours.
 * Returns a handle for bpf_floor_detach(), or NULL with the cause in
 * why (NUL-terminated, cut to len).
 */
struct bpf_floor;
struct bpf_floor *bpf_floor_attach(int enter, char *why, size_t len);

/* Detach and unload the floor programs.  Accepts NULL. */
void	bpf_floor_detach(struct bpf_floor *fl);

/*
 * Create the rings, load and verify every program.  Nothing is attached
 * and every syscall is off.  Returns NULL (cause logged) on failure.
 * cfg may be NULL for the defaults.
 */
struct bpf_driver *bpf_driver_open(const struct bpf_driver_config *cfg);

/*
 * Capture native (x86_64) syscall nr or not; -EINVAL if nr is out of
 * range.  The 32-bit (ia32) calls that stand for nr follow it: they are
 * reported as nr's events.
 */
int	bpf_driver_set_syscall(struct bpf_driver *drv, uint32_t nr, int on);

/* Capture every syscall, or none. */
int	bpf_driver_set_all_syscalls(struct bpf_driver *drv, int on);

/* Scheduler events: exec (successful execve), exit (procexit). */
#define BPF_DRIVER_TP_EXEC	0x1
#define BPF_DRIVER_TP_EXIT	0x2
void	bpf_driver_set_tracepoints(struct bpf_driver *drv, uint32_t mask);

/* Change the snaplen (capped at 65000) while running. */
void	bpf_driver_set_snaplen(struct bpf_driver *drv, uint32_t snaplen);

/* Recompute the boot epoch (after a wall-clock step). */
void	bpf_driver_sync_clock(struct bpf_driver *drv);

/* Attach the dispatchers; events flow from now on. */
int	bpf_driver_attach(struct bpf_driver *drv);

/* Detach every program; records already in the rings stay readable. */
void	bpf_driver_detach(struct bpf_driver *drv);

/*
 * The next record, oldest first across all rings.  *rec points into the
 * ring and stays valid until the next call of bpf_driver_next() or
 * bpf_driver_close(); *ring is the ring it came from.  Waits up to
 * timeout_ms (0: do not wait, -1: forever), counted from the first look
 * that finds no record (the clock is not read while records are ready).
 * Returns 1 with a record, 0 if none came in time, or a negative errno.
 *
 * Order is exact among the records present when the call looks; a
 * record written later with an earlier ts (a slow CPU) is returned when
 * seen, so consumers must tolerate small inversions, as with Falco.
 */
int	bpf_driver_next(struct bpf_driver *drv, const struct fevt_hdr **rec,
	    uint16_t *ring, int timeout_ms);

/* Counters summed over CPUs. */
int	bpf_driver_stats(struct bpf_driver *drv,
	    struct bpf_driver_stats *st);

/*
 * Time the kernel measured in a program (with kernel.bpf_stats_enabled
 * set), fillers reached by tail calls included in their dispatcher's.
 */
struct bpf_driver_prog_stats {
	const char	*name;		/* static, the program's name */
	uint64_t	 run_cnt;
	uint64_t	 run_time_ns;
};

/*
 * Fill up to n entries, one per attachable program loaded (whether
 * attached now or not); returns the number filled.
 */
int	bpf_driver_prog_stats(struct bpf_driver *drv,
	    struct bpf_driver_prog_stats *ps, int n);

/* How enter events are hooked: "fentry" or "sys_enter". */
const char *bpf_driver_enter_hook(const struct bpf_driver *drv);

/* Number of rings in use. */
unsigned bpf_driver_nrings(const struct bpf_driver *drv);

/* Detach, unload, unmap, free.  Accepts NULL. */
void	bpf_driver_close(struct bpf_driver *drv);

#endif /* BPF_BPF_DRIVER_H */
