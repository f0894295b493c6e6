/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The capture layer: one event source interface over the replay of a
 * .scap file, the modern eBPF driver (userspace/bpf) and the kernel
 * module (userspace/kmod).  The daemon sees one stream of events in
 * timestamp order plus drop counters:
 *
 *	capture_opts_from_config(&o, cfg, trace_file, err, len);
 *	c = capture_open(&o, err, len);
 *	capture_interest_build(&in, rs, cfg, err, len);
 *	capture_set_interest(c, &in);
 *	st = state_new(..., capture_host_users(c));
 *	capture_start(c);		(drivers attach here)
 *	capture_seed_state(c, st);	(the /proc scan or the file's lists)
 *	while ((r = capture_next(c, &ev, 100)) >= CAPTURE_IDLE) ...
 *	capture_close(c);		(detaches everything)
 *
 * A live source should be started before the /proc scan: events of
 * processes born during the scan then wait in the rings instead of
 * being lost (the first events may repeat what the scan saw, which the
 * state tolerates).  Events are read only after seeding either way.
 *
 * Ordering: the eBPF driver merges its rings by timestamp itself; the
 * kmod source merges the per-CPU rings (kmod_next() returns the oldest
 * head).  A replay is in file order.
 *
 * Recording: with o.record_path set, every event returned is also
 * written to a .scap file, after a metadata section (machine, users and
 * groups, the process list and fd lists) taken from the seeded state,
 * so that the file replays to the same state and the same alerts.
 *
 * Error convention: functions returning int give 0 on success and -1 on
 * failure with a message in the caller's buffer (open/config/interest)
 * or in capture_error().  Not thread-safe: one thread (the event loop)
 * drives a capture, capture_stats() included.
 */
#ifndef CAPTURE_CAPTURE_H
#define CAPTURE_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

#include "schema/schema.h"

struct config;
struct rules_set;
struct state;

enum capture_kind {
	CAPTURE_REPLAY,
	CAPTURE_MODERN_EBPF,
	CAPTURE_KMOD,
};

struct capture_opts {
	enum capture_kind kind;
	const char	*replay_path;	/* CAPTURE_REPLAY */
	const char	*record_path;	/* NULL: no recording */
	uint32_t	 ring_bytes;	/* per ring; 0: driver default */
	uint32_t	 cpus_per_ring;	/* eBPF; 0: one ring for all */
	uint32_t	 snaplen;	/* 0: driver default (80) */
	const char	*procdir;	/* "/proc" unless a test says */
	const char	*devdir;	/* kmod devices, NULL: /dev */
	/*
	 * engine.<kind>.drop_failed_exit: the driver sends no exit event
	 * for a syscall that failed (enter events still come).
	 */
	int		 drop_failed;
};

/*
 * Fill *o from falco.yaml: engine.kind (kmod, modern_ebpf, replay; -e
 * trace_file forces a replay), engine.replay.capture_file,
 * engine.<kind>.buf_size_preset (Falco's presets: 1 = 1 MiB doubling
 * up to 10 = 512 MiB; 0 or absent = 4 = 8 MiB),
 * engine.modern_ebpf.cpus_for_each_buffer, engine.<kind>.drop_failed_exit,
 * falco_libs.snaplen and our engine.capture_file (the recording; -w sets
 * it).  The keys of Falco before 0.38 still count, as Falco read them:
 * syscall_buf_size_preset and modern_bpf.cpus_for_each_syscall_buffer
 * when the engine key is absent or at its default, syscall_drop_failed_exit
 * when the engine key is not true.  Strings point into cfg.  Returns -1
 * with a message for an unsupported kind or a bad value.
 */
int	capture_opts_from_config(struct capture_opts *o,
	    const struct config *cfg, const char *trace_file, char *err,
	    size_t errlen);

/* Ring bytes of a buf_size_preset, or 0 for an invalid one. */
uint32_t capture_preset_bytes(int64_t preset);

/* "replay", "modern_ebpf", "kmod". */
const char *capture_kind_name(enum capture_kind k);

/*
 * The syscalls to capture: x86_64 syscall numbers plus the scheduler
 * tracepoints the drivers hook (successful exec, process exit).
 */
#define CAPTURE_NR_MAX	512
struct capture_interest {
	uint8_t		 nr[CAPTURE_NR_MAX / 8];	/* bit = native nr */
	int		 exec_tp;	/* sched_process_exec */
	int		 exit_tp;	/* sched_process_exit (procexit) */
	int		 all;		/* base_syscalls.all */
	size_t		 count;		/* syscalls set */
};

/*
 * The interest of a rule set: the syscalls producing the event types of
 * the enabled rules of source "syscall" (every syscall for a rule that
 * can match any type), plus the syscalls state tracking needs, shaped
 * by base_syscalls: `all` takes everything; a non-empty `custom_set`
 * replaces the state set (with `repair` the state set is added back),
 * and its "!name" entries are removed at the end.  rs may be NULL (state
 * only), cfg may be NULL (defaults).  Returns -1 with a message for an
 * unknown syscall name in custom_set (file:line:column).
 */
int	capture_interest_build(struct capture_interest *in,
	    struct rules_set *rs, const struct config *cfg, char *err,
	    size_t errlen);

/* Set or clear syscall nr (by native number or by name). */
void	capture_interest_set(struct capture_interest *in, uint32_t nr,
	    int on);
int	capture_interest_set_name(struct capture_interest *in,
	    const char *name, int on);
int	capture_interest_has(const struct capture_interest *in, uint32_t nr);

/* Counters of a source since it opened, by drop reason. */
struct capture_counters {
	uint64_t	 n_evts;	/* events produced, drops included */
	uint64_t	 n_read;	/* events handed to the caller */
	uint64_t	 n_drops;	/* sum of every reason */
	uint64_t	 n_drops_buffer;	/* ring full */
	uint64_t	 n_drops_too_big;
	uint64_t	 n_drops_scratch;	/* eBPF scratch / reentry */
	uint64_t	 n_drops_no_ring;
	uint64_t	 n_drops_bug;	/* bad records, impossible tails */
	uint64_t	 n_user_faults;	/* parameters lost to page faults */
	uint64_t	 n_recorded;	/* written with record_path */
	int		 ebpf;
};

struct capture;

/*
 * Open a source: a replay opens and reads the file's metadata; eBPF
 * checks support and loads the programs (nothing attached); kmod opens
 * the devices.  Returns NULL with the reason in err.
 */
struct capture *capture_open(const struct capture_opts *o, char *err,
	    size_t errlen);

enum capture_kind capture_kind(const struct capture *c);
int	capture_is_live(const struct capture *c);

/* The syscalls to capture (ignored by a replay).  Call before start. */
int	capture_set_interest(struct capture *c,
	    const struct capture_interest *in);

/* Change the snaplen of a live source (ignored by a replay). */
void	capture_set_snaplen(struct capture *c, uint32_t snaplen);

/*
 * Whether state should resolve users from this host (a live source, or
 * a capture without a user list).
 */
int	capture_host_users(const struct capture *c);

/*
 * Seed st: a replay from the file's metadata, a live source from
 * procdir.  With recording on, this also opens the output file and
 * writes its metadata from st.  Returns the number of threads, or -1.
 */
long	capture_seed_state(struct capture *c, struct state *st);

/* Attach the driver: events flow from now on.  No-op for a replay. */
int	capture_start(struct capture *c);

/*
 * Return values of capture_next(): an event, nothing within the
 * timeout (live only), the end of a replay, or an error
 * (capture_error()).
 */
#define CAPTURE_EVENT	1
#define CAPTURE_IDLE	0
#define CAPTURE_END	(-1)
#define CAPTURE_ERROR	(-2)

/*
 * The next event into *ev (a view valid until the next call).  Waits up
 * to timeout_ms for a live source (0: no wait).  Gap and malformed
 * records are counted and skipped.
 */
int	capture_next(struct capture *c, struct fevt *ev, int timeout_ms);

/* Counters into *st; 0, or -1 when the source has none. */
int	capture_stats(struct capture *c, struct capture_counters *st);

const char *capture_error(const struct capture *c);

/* Detach and release the driver, finish the recording.  Returns -1 if
   the recording could not be written completely (message logged).
   NULL is accepted. */
int	capture_close(struct capture *c);

#endif /* CAPTURE_CAPTURE_H */
