/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A registry of metrics that modules publish and the webserver renders
 * as Prometheus text (GET /metrics), or that the daemon reads for its
 * periodic metrics snapshot.
 *
 * A metric family has a full Prometheus name (Falco's convention is
 * "falcosecurity_falco_<name>", counters ending in "_total"), a help
 * text, a type, and a collect callback that emits one or more samples,
 * each with its own labels.  The registry calls collect callbacks with
 * its lock held, from whatever thread renders: callbacks must be
 * thread-safe (read atomics or take their own lock) and must not call
 * back into the registry except metrics_emit().
 */
#ifndef WEBSERVER_METRICS_H
#define WEBSERVER_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "util/sbuf.h"

struct metrics;
struct metrics_sink;

enum metric_type {
	METRIC_COUNTER,
	METRIC_GAUGE,
};

/*
 * Emit one sample from a collect callback.  labels is NULL or an array
 * of name, value, name, value, ..., NULL (values are escaped here).
 */
void	metrics_emit(struct metrics_sink *sink, const char *const *labels,
	    double value);

typedef void (*metrics_collect_fn)(void *arg, struct metrics_sink *sink);
typedef double (*metrics_value_fn)(void *arg);

/* A new, empty registry; never NULL. */
struct metrics *metrics_new(void);
/* Free the registry; owners must not be called afterwards. */
void	metrics_free(struct metrics *m);

/*
 * Register a family.  `owner` identifies the registering module for
 * metrics_remove_owner() and is passed to `fn` as its argument.  The
 * strings are copied.  Returns 0, or -1 if the name is not a valid
 * Prometheus metric name or is already registered.
 */
int	metrics_add_family(struct metrics *m, const char *name,
	    const char *help, enum metric_type type, metrics_collect_fn fn,
	    void *owner);

/* Register a family of a single sample with fixed labels (may be NULL). */
int	metrics_add(struct metrics *m, const char *name, const char *help,
	    enum metric_type type, const char *const *labels,
	    metrics_value_fn fn, void *owner);

/* Remove every family registered by owner (before the owner is freed). */
void	metrics_remove_owner(struct metrics *m, void *owner);

/*
 * Register the process metrics: falcosecurity_falco_cpu_usage_ratio
 * (CPU time over wall time since the registry was created),
 * falcosecurity_falco_memory_rss_bytes, _memory_vsz_bytes,
 * falcosecurity_falco_host_num_cpus, and
 * falcosecurity_falco_version_info{version="..."} 1.
 */
void	metrics_add_process(struct metrics *m, const char *version);

/* Append the Prometheus text exposition (format 0.0.4) of every family. */
void	metrics_render(struct metrics *m, struct sbuf *out);

/*
 * Look up the value of one sample by name and exact label set (NULL for
 * none).  Returns 0 with *value set, -1 if absent.  For the daemon's
 * snapshot and for tests.
 */
int	metrics_get(struct metrics *m, const char *name,
	    const char *const *labels, double *value);

/*
 * Call fn for every sample of every family, in registration order (for
 * the daemon's periodic "Falco internal: metrics snapshot" alert).
 * labels is NULL or name, value, ..., NULL.  fn runs with the registry
 * lock held and must not call into the registry.
 */
typedef void (*metrics_visit_fn)(void *arg, const char *name,
	    const char *const *labels, double value);
void	metrics_foreach(struct metrics *m, metrics_visit_fn fn, void *arg);

#endif /* WEBSERVER_METRICS_H */
