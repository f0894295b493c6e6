/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internal interface between the output manager and its channels; not
 * for other modules.
 *
 * Every channel callback runs on the channel's own thread, one at a
 * time, so a channel's state needs no lock.  `abort` is set by the
 * manager (from another thread) when a shutdown deadline has passed; a
 * callback that may block for long polls it and gives up.
 */
#ifndef OUTPUTS_CHAN_H
#define OUTPUTS_CHAN_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "outputs/outputs.h"
#include "util/sbuf.h"

struct chan;

struct chan_ops {
	const char *name;
	/* Deliver one line (no trailing newline).  0, or -1 on failure. */
	int	(*write)(struct chan *c, const char *line, size_t len,
		    int priority);
	/* SIGUSR1: close and open again.  */
	void	(*reopen)(struct chan *c);
	/* Flush and release everything; called once, at stop. */
	void	(*close)(struct chan *c);
	void	(*free)(struct chan *c);
};

struct chan {
	const struct chan_ops	*ops;
	void			*priv;
	const struct outputs_options *opt;	/* the manager's copy */
	atomic_int		*abort;		/* the manager's flag */
	atomic_uint_least64_t	 retries;	/* HTTP extra attempts */
};

/* A write(2) loop with optional user-space buffering (buffered_outputs). */
struct bufw {
	int		fd;
	int		buffered;
	struct sbuf	buf;
};

/* Write all of data (plus a newline if nl); -1 with errno on failure. */
int	bufw_write(struct bufw *w, const char *data, size_t len, int nl,
	    atomic_int *abort);
int	bufw_flush(struct bufw *w, atomic_int *abort);

/* Constructors; NULL with *errp set on a configuration error. */
struct chan *chan_stdout_new(const struct outputs_options *o, char **errp);
struct chan *chan_syslog_new(const struct outputs_options *o, char **errp);
struct chan *chan_file_new(const struct outputs_options *o, char **errp);
struct chan *chan_program_new(const struct outputs_options *o, char **errp);
struct chan *chan_http_new(const struct outputs_options *o, char **errp);

/* Shared helper: allocate a channel with ops and private state. */
struct chan *chan_alloc(const struct chan_ops *ops, void *priv,
	    const struct outputs_options *o);

/* Sleep ms milliseconds, waking early when *abort is set.  0 or -1. */
int	chan_sleep(unsigned ms, atomic_int *abort);

#endif /* OUTPUTS_CHAN_H */
