/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Capture statistics of an event source and the syscall event drop
 * monitor configured by falco.yaml's `syscall_event_drops`.
 *
 * Once per second of event time the monitor takes the difference of two
 * capture_stats readings.  When the ratio of dropped events exceeds the
 * threshold (or simulate_drops forces a drop) and the token bucket has a
 * token, it performs the configured actions: log a debug line, emit
 * Falco's internal alert "Falco internal: syscall event drop", or ask
 * the caller to exit.
 *
 * Not thread-safe: a monitor belongs to the event loop.
 */
#ifndef FALCO_DROPS_H
#define FALCO_DROPS_H

#include <stdint.h>
#include <stdio.h>

struct config;
struct outputs;
struct sbuf;

/* Buffer-full drops by the kind of exit event that was lost. */
enum drop_cat {
	DROP_CLONE_FORK,
	DROP_EXECVE,
	DROP_CONNECT,
	DROP_OPEN,
	DROP_DIR_FILE,
	DROP_OTHER_INTEREST,
	DROP_CLOSE,
	DROP_PROC,
	DROP_NCATS
};

/* Cumulative counters, as a driver reports them since it started. */
struct capture_stats {
	uint64_t	 n_evts;	/* events seen, dropped ones included */
	uint64_t	 n_drops;	/* every drop, whatever the cause */
	uint64_t	 n_drops_buffer; /* ring buffer full */
	uint64_t	 n_drops_buffer_cat[DROP_NCATS];
	uint64_t	 n_drops_scratch_map;
	uint64_t	 n_drops_page_faults;
	uint64_t	 n_drops_bug;
	int		 ebpf;		/* an eBPF driver */
};

/*
 * How an event source reports its counters: fill *st and return 0, or
 * -1 when none are available.  A NULL function means the source has no
 * counters (a capture replay): every reading is zero.
 */
typedef int (*capture_stats_fn)(void *arg, struct capture_stats *st);

/* Name of a category as used in metric and alert field names. */
const char *drop_cat_name(enum drop_cat c);

/* Token bucket, Falco's rate limiter: `rate` tokens per second, at most
   `max_burst`, starting full.  Times are ns. */
struct token_bucket {
	double		 rate;
	double		 max_tokens;
	double		 tokens;
	uint64_t	 last_ns;
};

void	token_bucket_init(struct token_bucket *b, double rate,
	    double max_burst, uint64_t now_ns);
/* Take one token if there is one; 1 if taken, else 0. */
int	token_bucket_claim(struct token_bucket *b, uint64_t now_ns);

#define DROP_ACT_LOG	0x1
#define DROP_ACT_ALERT	0x2
#define DROP_ACT_EXIT	0x4

struct drops_config {
	double		 threshold;
	unsigned	 actions;	/* DROP_ACT_*; 0 with "ignore" */
	double		 rate;
	double		 max_burst;
	int		 simulate;
};

/*
 * Read syscall_event_drops from a loaded configuration (Falco's
 * defaults for absent keys).  Returns 0, or -1 with a message in *err
 * (appended) for a threshold outside [0, 1], an unknown action or
 * "ignore" mixed with another action.
 */
int	drops_config_read(const struct config *cfg, struct drops_config *dc,
	    struct sbuf *err);

struct drops;

/* A new monitor; never NULL.  The stats function may be NULL. */
struct drops *drops_new(const struct drops_config *dc, capture_stats_fn fn,
	    void *arg);
void	drops_free(struct drops *d);

/* A reloaded configuration; counters and the bucket's state are kept. */
void	drops_set_config(struct drops *d, const struct drops_config *dc);

/*
 * Call for every event with its timestamp.  Alerts go to out (may be
 * NULL).  Returns 0 to go on, -1 when the exit action fired (a critical
 * line has been logged).
 */
int	drops_check(struct drops *d, uint64_t ts_ns, struct outputs *out);

/*
 * Nonzero when drops_check() has work to do at ts (a reading is due, or
 * the first event): lets the caller skip its locking on other events.
 */
int	drops_due(const struct drops *d, uint64_t ts_ns);

/* Number of times the actions ran (for tests and the summary). */
uint64_t drops_num_actions(const struct drops *d);

/*
 * Falco's end-of-run lines: "Syscall event drop monitoring:", then the
 * seconds with drops and the number of times the actions ran.
 */
void	drops_print_stats(const struct drops *d, FILE *out);

/* The last cumulative reading (zeros before the first check). */
void	drops_last_stats(const struct drops *d, struct capture_stats *st);

/*
 * syscall_event_timeouts: a live source that waits max_consecutives
 * times in a row without delivering an event makes Falco send the
 * internal alert "Falco internal: timeouts notification" (Debug), with
 * the time of the first event of the run as "last_event_time" ("none"
 * before any), which is what Falco puts there; then counting starts
 * again.  Any event resets the count.  Event loop only.
 */
struct timeouts {
	uint64_t	 max;		/* max_consecutives */
	uint64_t	 n;		/* waits since an event or alert */
	uint64_t	 first_ts;	/* ns, 0: no event yet */
	uint64_t	 nalerts;
};

/* From syscall_event_timeouts.max_consecutives (default 1000). */
void	timeouts_init(struct timeouts *t, const struct config *cfg);
/* An event with timestamp ts arrived. */
void	timeouts_event(struct timeouts *t, uint64_t ts_ns);
/*
 * A wait that gave no event; alerts go to out (may be NULL) stamped
 * now_ns.  Returns 1 when this wait sent the notification, else 0.
 */
int	timeouts_idle(struct timeouts *t, uint64_t now_ns,
	    struct outputs *out);

#endif /* FALCO_DROPS_H */
