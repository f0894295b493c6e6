/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internals shared by daemon.c (start, stop, the per-event tick, the
 * nodriver loop), reload.c (building a generation, the watcher thread,
 * the swap) and daemon_metrics.c (the registry and the snapshot).
 * Not for other modules: see daemon.h.
 */
#ifndef FALCO_DAEMON_INT_H
#define FALCO_DAEMON_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "falco/daemon.h"
#include "falco/drops.h"
#include "falco/run.h"
#include "state/state.h"

struct config;
struct sbuf;

/* Quiet time after the last change before a reload is attempted. */
#define DEBOUNCE_MS	100
/* Events between two copies of the engine counters for /metrics. */
#define PUBLISH_EVERY	1024

/*
 * One generation: everything a reload replaces.  Built complete by
 * daemon_gen_build() (outputs started, engine compiled) before it is
 * handed over.
 */
struct gen {
	struct config	*cfg;
	struct rules_loader *l;
	struct appends	 apps;
	struct outputs	*out;
	struct engine	*e;
	struct drops_config dc;
	char		**watch;	/* files and dirs to watch */
	size_t		 nwatch;
	const char	*why;		/* what asked for it (static text);
					   NULL: the first generation */
	struct gen	*next;		/* on the retired list */
};

/* Per-rule counters copied from the engine for /metrics. */
struct snap_rule {
	char		*name;
	char		*source;
	int		 priority;
	uint64_t	 count;
};

struct daemon {
	struct daemon_params p;
	char		 host[256];
	char		*pidfile;
	struct drops	*drops;
	struct metrics	*m;
	struct webserver *ws;
	char		*versions;

	/* Guards *p.out for threads other than the event loop's. */
	pthread_mutex_t	 out_lock;

	/* The watcher thread. */
	pthread_t	 thr;
	int		 running;
	int		 sigfd;
	int		 inofd;
	int		 wake[2];	/* wake[1]: stop or retired work */
	atomic_int	 stopping;
	/* The metrics snapshot, from metrics.* (watcher-owned). */
	int		 metrics_on;	/* periodic snapshot */
	int		 metrics_rule;	/* as an internal alert */
	int64_t		 metrics_ms;
	int		 metrics_empty;	/* include_empty_values */
	int		 metrics_mb;	/* convert_memory_to_mb */
	char		*metrics_file;	/* output_file, or NULL */
	int		 watch_on;	/* watch_config_files */

	/* Hand-over between watcher and event loop, under gen_lock. */
	pthread_mutex_t	 gen_lock;
	struct gen	*pending;	/* built, waiting for the swap */
	struct gen	*retired;	/* swapped out, to free */
	struct gen	*current;	/* NULL: the caller's objects */
	atomic_int	 have_pending;
	char		**watch;	/* watcher-owned copy of the list */
	size_t		 nwatch;

	/* Counters for /metrics and the snapshot, under snap_lock. */
	pthread_mutex_t	 snap_lock;
	uint64_t	 events;
	struct state_stats sstats;	/* metrics.state_counters_enabled */
	struct snap_rule *rules;
	size_t		 nrules;
	uint64_t	 nticks;

	int		 exit_status;

	atomic_uint_least64_t reloads;
	atomic_uint_least64_t reload_failures;
};

/* Wall clock in ns (internal alert times), monotonic clock in ms. */
uint64_t daemon_now_ns(void);
uint64_t daemon_mono_ms(void);
/* Arrays of malloc'd strings. */
void	daemon_strv_free(char **v, size_t n);
void	daemon_strv_add(char ***v, size_t *n, const char *s);

/*
 * reload.c.  daemon_gen_build() makes a complete generation from the
 * command line and the files as they are now (the dry-run of a reload):
 * NULL with the reason in err.  tmpl (may be NULL) gives the engine
 * options other than those falco.yaml sets.  daemon_gen_free() drains
 * and frees; NULL is allowed.
 */
struct gen *daemon_gen_build(const struct cli *c, struct state *st,
	    const struct engine_opts *tmpl, const char *host,
	    struct sbuf *err);
void	daemon_gen_free(struct gen *g);
/* Renew the inotify watches of d->watch; 1 if the old ones had seen a
   change not handled yet. */
int	daemon_watch_reset(struct daemon *d);
/* Free the generations the event loop retired (watcher, or after it). */
void	daemon_free_retired(struct daemon *d);
/* The watcher thread: signals, inotify, reload builds, snapshots. */
void	*daemon_watcher(void *arg);
/* Event loop: take the pending generation in, retire the running one. */
void	daemon_swap_in(struct daemon *d);

/*
 * daemon_metrics.c.  The registry (setup once, from the first
 * configuration), the copies of the engine counters (event loop), the
 * snapshot settings and alert (watcher).
 */
void	daemon_metrics_setup(struct daemon *d, const struct config *cfg);
void	daemon_snap_rules_reset(struct daemon *d);
void	daemon_snap_publish(struct daemon *d);
void	daemon_metrics_config(struct daemon *d, const struct config *cfg);
void	daemon_metrics_snapshot(struct daemon *d);

#endif /* FALCO_DAEMON_INT_H */
