/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Delivery to one destination.  Every output owns a bounded queue and a
 * worker thread, so a slow or dead destination only ever delays itself.
 *
 * A failed send that may succeed later (connection refused, timeout,
 * HTTP 5xx or 429) is retried with exponential backoff, keeping the
 * queue in order; after maxretries the alert is given up, logged and
 * counted as dropped.  With a spool directory, an output that is failing
 * writes its pending alerts to <spooldir>/<output>/ (and keeps writing
 * new ones there until it has caught up), an overflowing queue spills
 * there instead of dropping, and whatever is still queued at shutdown is
 * saved; the next start delivers it.
 */
#ifndef SIDEKICK_OUTPUT_H
#define SIDEKICK_OUTPUT_H

#include <stddef.h>
#include <stdint.h>

struct sbuf;
struct sk_alert;
struct sk_enrich;
struct sk_output;

/* Result of one delivery attempt. */
enum sk_send {
	SK_SEND_OK = 0,
	SK_SEND_RETRY,		/* transient: try again later */
	SK_SEND_FAIL		/* permanent: retrying cannot help */
};

/* Per-output, per-priority counters. */
enum sk_stat {
	SK_STAT_QUEUED,		/* accepted into the queue or spool */
	SK_STAT_SENT,
	SK_STAT_FAILED,		/* failed attempts */
	SK_STAT_RETRIED,	/* attempts that were retries */
	SK_STAT_DROPPED,	/* given up, or lost to a full queue */
	SK_STAT_SPOOLED,	/* written to the spool */
	SK_STAT_COUNT
};

struct sk_output_ops {
	/*
	 * Deliver one alert; called only from the output's worker thread.
	 * On failure, append a reason to err.
	 */
	enum sk_send (*send)(void *priv, const struct sk_alert *a,
	    struct sbuf *err);
	/* Optional filter beyond the minimum priority; 1 to accept. */
	int	(*match)(void *priv, const struct sk_alert *a);
	void	(*free)(void *priv);
	/*
	 * Optional: deliver n alerts at once (n is at most the output's
	 * concurrency), result and reason per alert in res and errs.
	 */
	void	(*send_many)(void *priv, const struct sk_alert *const *a,
	    size_t n, enum sk_send *res, struct sbuf *errs);
};

/* Most alerts an output has in flight at once. */
#define SK_OUTPUT_MAX_BATCH	16

struct sk_delivery {
	size_t		 queuesize;	/* alerts held in memory */
	int		 maxretries;	/* after the first attempt */
	long		 backoff_ms;	/* first delay, then doubled */
	long		 maxbackoff_ms;
	long		 timeout_ms;	/* per network attempt */
	const char	*spooldir;	/* NULL: no spool */
};

/*
 * Create an output named name (the metric label and spool folder, e.g.
 * "slack"); it takes ownership of priv (freed with ops->free).  Nothing
 * runs until sk_output_start().
 */
struct sk_output *sk_output_new(const char *name,
	    const struct sk_output_ops *ops, void *priv, int minprio,
	    const struct sk_delivery *d);

/*
 * Let an output with send_many() keep up to n alerts in flight (1 by
 * default).  With more than one, a failed alert is retried while later
 * ones are delivered, so the receiver may see them out of order.  Call
 * before sk_output_start().
 */
void	sk_output_set_concurrency(struct sk_output *o, int n);

/*
 * Create the spool folder, count what an earlier run left there, and
 * start the worker.  Returns 0, or -1 with a message in err.
 */
int	sk_output_start(struct sk_output *o, char *err, size_t errlen);

/*
 * Offer an alert: queued (a reference is taken) if its priority is at
 * least the output's minimum, or its rule is "Test rule", and the
 * output's match() accepts it.  Returns 1 if queued or spooled, 0 if
 * filtered out, -1 if dropped.  Thread-safe.
 */
int	sk_output_offer(struct sk_output *o, struct sk_alert *a);

/* Stop the worker, spool or count what is left; then free. */
void	sk_output_stop(struct sk_output *o);
void	sk_output_free(struct sk_output *o);

const char *sk_output_name(const struct sk_output *o);
uint64_t sk_output_stat(const struct sk_output *o, int prio, enum sk_stat s);
/* Alerts waiting, in memory and in the spool. */
size_t	sk_output_queued(const struct sk_output *o);

/* Block until every output's queue and spool are empty or ms pass. */
int	sk_output_wait_idle(struct sk_output **outs, size_t n, long ms);

/*
 * Create the directory path and its missing parents, mode 0700 (spool
 * and forensics directories).  Returns 0 when path exists at the end,
 * -1 when a component could not be made.
 */
int	sk_mkdir_p(const char *path);

#endif /* SIDEKICK_OUTPUT_H */
