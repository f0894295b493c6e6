/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The services that run beside the daemon's event loop: pid file,
 * logging destinations, the webserver and its metrics, the periodic
 * metrics snapshot, the syscall event drop monitor, SIGUSR1 (reopen
 * outputs) and hot reload on SIGHUP or on a change of a watched
 * configuration or rules file.
 *
 * A reload is prepared on the daemon's watcher thread: the new
 * configuration, rules, outputs and engine are built completely (a
 * dry-run).  On failure the running ones stay, the error is logged and
 * the internal alert "Falco internal: hot restart failure" (Critical)
 * is emitted.  On success the event loop swaps them in at its next
 * daemon_tick(), between two events, so no event is skipped; the old
 * ones are drained and freed on the watcher thread.
 *
 * XXX: a reload replaces the configuration, rules, outputs and engine;
 * the event source, the state tables, the pid file and the webserver
 * keep their start-up settings (Falco restarts those too, which a live
 * capture could only do by losing events).
 *
 * Threads: daemon_start(), daemon_tick(), daemon_stop() and
 * daemon_free() belong to the event loop's thread.
 */
#ifndef FALCO_DAEMON_H
#define FALCO_DAEMON_H

#include <stdint.h>

#include "falco/cli.h"
#include "falco/drops.h"

struct config;
struct engine;
struct engine_opts;
struct outputs;
struct rules_loader;
struct state;

/*
 * Block SIGHUP and SIGUSR1 in the calling thread.  Call it first in
 * main(), before any thread exists, so that every thread inherits the
 * mask and the watcher receives them through a signalfd.
 */
void	daemon_block_signals(void);

struct daemon_params {
	const struct cli	*cli;
	struct state		*st;
	const struct engine_opts *eo;	/* template for reloaded engines */
	/* A capture replay: Falco starts no webserver then. */
	int			 replay;
	capture_stats_fn	 stats;		/* NULL: no counters */
	void			*stats_arg;
	/*
	 * The event loop's current objects.  A reload stores new ones
	 * here; the caller frees whatever they point to at the end, as
	 * it would have without a reload.
	 */
	struct config		**cfg;
	struct rules_loader	**loader;
	struct engine		**engine;
	struct outputs		**out;
};

struct daemon;

/*
 * Start the services for a loaded configuration (*p->cfg) and running
 * outputs.  Returns NULL after printing an error (pid file or webserver
 * that cannot be set up).
 */
struct daemon *daemon_start(const struct daemon_params *p);

/*
 * Call before processing each event, with its timestamp.  Swaps in a
 * prepared reload and runs the drop monitor.  Returns 0 to go on, or -1
 * when the drop monitor's exit action asks the daemon to stop with a
 * non-zero status.
 */
int	daemon_tick(struct daemon *d, uint64_t ts_ns);

/*
 * Stop the watcher and the webserver, freeing any reload still pending.
 * Call before stopping the current outputs.  Idempotent.
 */
void	daemon_stop(struct daemon *d);

/* Stop if needed, remove the pid file, free d.  NULL is allowed. */
void	daemon_free(struct daemon *d);

/* The exit status the run should end with: 1 after the drop monitor's
   exit action, else 0. */
int	daemon_exit_status(const struct daemon *d);

/*
 * engine.kind=nodriver (and no -e): no event source at all.  Falco then
 * still loads rules, starts outputs, the webserver and metrics, and
 * runs until SIGINT or SIGTERM (used with plugins).
 */
int	daemon_is_nodriver(const struct cli *c, const struct config *cfg);
/* Run that way; returns the exit status. */
int	daemon_run_nodriver(const struct cli *c);

/*
 * --dry-run: build the configuration, rules, outputs and engine exactly
 * as a reload would, then exit.  Returns the exit status.
 */
int	daemon_dry_run(const struct cli *c);

#endif /* FALCO_DAEMON_H */
