/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The daemon's metrics: the registry behind /metrics, the copies of the
 * engine counters it reads, and the periodic "Falco internal: metrics
 * snapshot" alert and file.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "engine/engine.h"
#include "falco/daemon.h"
#include "falco/daemon_int.h"
#include "falco/drops.h"
#include "outputs/outputs.h"
#include "rules/rules.h"
#include "state/state.h"
#include "util/log.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"
#include "webserver/metrics.h"

/* Copy the rule names of the current rule set (event loop only). */
void
daemon_snap_rules_reset(struct daemon *d)
{
	struct rules_set *rs = rules_loader_ruleset(*d->p.loader);
	size_t i, n = rs != NULL ? rules_count(rs) : 0;
	struct snap_rule *v = xcalloc(n + 1, sizeof(*v));

	for (i = 0; i < n; i++) {
		const struct rule *r = rules_get(rs, i);

		v[i].name = xstrdup(r->name);
		v[i].source = xstrdup(r->source);
		v[i].priority = r->priority;
	}
	pthread_mutex_lock(&d->snap_lock);
	for (i = 0; i < d->nrules; i++) {
		free(d->rules[i].name);
		free(d->rules[i].source);
	}
	free(d->rules);
	d->rules = v;
	d->nrules = n;
	d->events = 0;
	pthread_mutex_unlock(&d->snap_lock);
}

/* Copy the engine counters (event loop only). */
void
daemon_snap_publish(struct daemon *d)
{
	struct engine_stats es;
	struct state_stats ss;
	size_t i;

	engine_get_stats(*d->p.engine, &es);
	memset(&ss, 0, sizeof(ss));
	if (d->p.st != NULL)
		state_get_stats(d->p.st, &ss);
	pthread_mutex_lock(&d->snap_lock);
	d->events = es.events;
	d->sstats = ss;
	for (i = 0; i < d->nrules; i++)
		d->rules[i].count = engine_rule_count(*d->p.engine, i);
	pthread_mutex_unlock(&d->snap_lock);
}

static void
collect_rules(void *arg, struct metrics_sink *sink)
{
	struct daemon *d = arg;
	const char *labels[7];
	size_t i;

	pthread_mutex_lock(&d->snap_lock);
	for (i = 0; i < d->nrules; i++) {
		if (d->rules[i].count == 0)
			continue;
		labels[0] = "priority";
		labels[1] = alert_priority_name(d->rules[i].priority);
		labels[2] = "rule_name";
		labels[3] = d->rules[i].name;
		labels[4] = "source";
		labels[5] = d->rules[i].source;
		labels[6] = NULL;
		metrics_emit(sink, labels, (double)d->rules[i].count);
	}
	pthread_mutex_unlock(&d->snap_lock);
}

static double
value_events(void *arg)
{
	struct daemon *d = arg;
	double v;

	pthread_mutex_lock(&d->snap_lock);
	v = (double)d->events;
	pthread_mutex_unlock(&d->snap_lock);
	return v;
}

/* The drop counters: label "drop" selects one (see collect_drops). */
static void
collect_drops(void *arg, struct metrics_sink *sink)
{
	struct daemon *d = arg;
	struct capture_stats cs;
	const char *labels[3] = { "reason", NULL, NULL };
	char name[64];
	size_t i;

	pthread_mutex_lock(&d->snap_lock);
	drops_last_stats(d->drops, &cs);
	pthread_mutex_unlock(&d->snap_lock);
	for (i = 0; i < DROP_NCATS; i++) {
		snprintf(name, sizeof(name), "buffer_%s_exit",
		    drop_cat_name((enum drop_cat)i));
		labels[1] = name;
		metrics_emit(sink, labels,
		    (double)cs.n_drops_buffer_cat[i]);
	}
	labels[1] = "scratch_map";
	metrics_emit(sink, labels, (double)cs.n_drops_scratch_map);
	labels[1] = "page_faults";
	metrics_emit(sink, labels, (double)cs.n_drops_page_faults);
	labels[1] = "bug";
	metrics_emit(sink, labels, (double)cs.n_drops_bug);
}

static double
value_drops(void *arg)
{
	struct daemon *d = arg;
	struct capture_stats cs;

	pthread_mutex_lock(&d->snap_lock);
	drops_last_stats(d->drops, &cs);
	pthread_mutex_unlock(&d->snap_lock);
	return (double)cs.n_drops;
}

static double
value_reloads(void *arg)
{
	struct daemon *d = arg;

	return (double)atomic_load(&d->reloads);
}

static double
value_reload_failures(void *arg)
{
	struct daemon *d = arg;

	return (double)atomic_load(&d->reload_failures);
}

/* The state counters, as of the last daemon_snap_publish(). */
static uint64_t
sstat(struct daemon *d, size_t off)
{
	uint64_t v;

	pthread_mutex_lock(&d->snap_lock);
	memcpy(&v, (const char *)&d->sstats + off, sizeof(v));
	pthread_mutex_unlock(&d->snap_lock);
	return v;
}

static double
value_threads(void *arg)
{
	return (double)sstat(arg, offsetof(struct state_stats, threads));
}

static double
value_fds(void *arg)
{
	return (double)sstat(arg, offsetof(struct state_stats, fds));
}

static double
value_added_threads(void *arg)
{
	return (double)sstat(arg, offsetof(struct state_stats, added));
}

static double
value_removed_threads(void *arg)
{
	return (double)sstat(arg, offsetof(struct state_stats, removed));
}

static double
value_purged_threads(void *arg)
{
	return (double)sstat(arg, offsetof(struct state_stats, purged));
}

static double
value_table_full(void *arg)
{
	return (double)sstat(arg, offsetof(struct state_stats, table_full));
}

/*
 * Keys of metric groups this build has no data for: logged once at
 * start, with the reason, when set to true while metrics are in use
 * (the snapshot or /metrics).  Falco's own falco.yaml sets some of
 * them to true with metrics off: no noise then.
 */
static const struct {
	const char	*key;
	const char	*why;
} no_data[] = {
	{ "metrics.kernel_event_counters_per_cpu_enabled",
	    "the capture layer counts events and drops per source, not per "
	    "CPU" },
	{ "metrics.libbpf_stats_enabled",
	    "the eBPF driver does not collect the kernel's per-program run "
	    "statistics" },
	{ "metrics.jemalloc_stats_enabled",
	    "this build does not use jemalloc" },
	{ "metrics.plugins_metrics_enabled",
	    "this build does not load plugins" },
	{ "metrics.kernel_iter_event_counters_enabled",
	    "this build uses no BPF iterators" },
};

/*
 * The registry behind /metrics and the snapshot.  The *_enabled keys of
 * the metrics block choose the families, once, at start.
 */
void
daemon_metrics_setup(struct daemon *d, const struct config *cfg)
{
	size_t i;

	d->m = metrics_new();
	for (i = 0; i < sizeof(no_data) / sizeof(no_data[0]) &&
	    (config_bool(cfg, "metrics.enabled", 0) ||
	    config_bool(cfg, "webserver.prometheus_metrics_enabled", 0)); i++)
		if (config_has(cfg, no_data[i].key) &&
		    config_bool(cfg, no_data[i].key, 0))
			log_info("%s has no effect in this build: %s",
			    no_data[i].key, no_data[i].why);
	if (config_bool(cfg, "metrics.resource_utilization_enabled", 1))
		metrics_add_process(d->m, FALCO_VERSION);
	if (config_bool(cfg, "metrics.kernel_event_counters_enabled", 1)) {
		metrics_add(d->m, "falcosecurity_scap_n_evts_total",
		    "Events delivered by the event source.", METRIC_COUNTER,
		    NULL, value_events, d);
		metrics_add(d->m, "falcosecurity_scap_n_drops_total",
		    "Events dropped by the driver, every cause.",
		    METRIC_COUNTER, NULL, value_drops, d);
		metrics_add_family(d->m,
		    "falcosecurity_scap_n_drops_by_reason_total",
		    "Events dropped by the driver, by cause.",
		    METRIC_COUNTER, collect_drops, d);
	}
	if (config_bool(cfg, "metrics.state_counters_enabled", 1)) {
		metrics_add(d->m, "falcosecurity_scap_n_threads_total",
		    "Threads in the thread table.", METRIC_GAUGE, NULL,
		    value_threads, d);
		metrics_add(d->m, "falcosecurity_scap_n_fds_total",
		    "File descriptors in the fd tables.", METRIC_GAUGE,
		    NULL, value_fds, d);
		metrics_add(d->m, "falcosecurity_scap_n_added_threads_total",
		    "Threads added to the thread table.", METRIC_COUNTER,
		    NULL, value_added_threads, d);
		metrics_add(d->m, "falcosecurity_scap_n_removed_threads_total",
		    "Threads removed from the thread table.", METRIC_COUNTER,
		    NULL, value_removed_threads, d);
		metrics_add(d->m, "falcosecurity_scap_n_purged_threads_total",
		    "Threads removed by the periodic purge of inactive ones.",
		    METRIC_COUNTER, NULL, value_purged_threads, d);
		metrics_add(d->m,
		    "falcosecurity_scap_n_drops_full_threadtable_total",
		    "Threads not added because the table was full.",
		    METRIC_COUNTER, NULL, value_table_full, d);
	}
	if (config_bool(cfg, "metrics.rules_counters_enabled", 1))
		metrics_add_family(d->m,
		    "falcosecurity_falco_rules_matches_total",
		    "Matches of each rule since the rules were loaded.",
		    METRIC_COUNTER, collect_rules, d);
	metrics_add(d->m, "falcosecurity_falco_hot_restarts_total",
	    "Reloads of configuration and rules swapped in.",
	    METRIC_COUNTER, NULL, value_reloads, d);
	metrics_add(d->m, "falcosecurity_falco_hot_restart_failures_total",
	    "Reloads refused because the new files did not load.",
	    METRIC_COUNTER, NULL, value_reload_failures, d);
	outputs_register_metrics(*d->p.out, d->m);
}

struct snapshot {
	struct daemon	*d;
	struct alert	*a;
};

/*
 * One sample of the snapshot: key "falco.x{k=v}" (the Prometheus name
 * without its prefix, labels appended); memory in MB with
 * convert_memory_to_mb; zeros only with include_empty_values.
 */
static void
snapshot_field(void *arg, const char *name, const char *const *labels,
    double value)
{
	struct snapshot *sn = arg;
	struct alert *a = sn->a;
	struct sbuf k = SBUF_INIT;
	const char *n = name;
	size_t i, len;

	if (value == 0 && !sn->d->metrics_empty)
		return;
	if (strncmp(n, "falcosecurity_", 14) == 0)
		n += 14;
	len = strlen(n);
	if (sn->d->metrics_mb && len > 6 &&
	    strcmp(n + len - 6, "_bytes") == 0 &&
	    strstr(n, "memory") != NULL) {
		sbuf_put(&k, n, len - 6);
		sbuf_puts(&k, "_mb");
		value /= 1048576.0;
	} else
		sbuf_puts(&k, n);
	if ((n = strchr(sbuf_str(&k), '_')) != NULL)
		k.buf[n - sbuf_str(&k)] = '.';
	for (i = 0; labels != NULL && labels[i] != NULL; i += 2)
		sbuf_printf(&k, "%c%s=%s", i == 0 ? '{' : ',', labels[i],
		    labels[i + 1]);
	if (labels != NULL && labels[0] != NULL)
		sbuf_putc(&k, '}');
	if (value == (double)(uint64_t)value)
		alert_field_uint(a, sbuf_str(&k), (uint64_t)value);
	else
		alert_field_double(a, sbuf_str(&k), value);
	sbuf_free(&k);
}

/*
 * The "Falco internal: metrics snapshot" alert (watcher thread), sent
 * to the outputs with output_rule and appended as one JSON line to
 * output_file when it is set.
 */
void
daemon_metrics_snapshot(struct daemon *d)
{
	struct snapshot sn;
	struct alert_format fmt;
	struct sbuf line = SBUF_INIT;
	FILE *f;

	sn.d = d;
	sn.a = alert_new_internal(daemon_now_ns(), ALERT_INFORMATIONAL,
	    ALERT_RULE_METRICS, "Falco metrics snapshot");
	metrics_foreach(d->m, snapshot_field, &sn);
	if (d->metrics_rule) {
		pthread_mutex_lock(&d->out_lock);
		(void)outputs_submit(*d->p.out, sn.a);
		pthread_mutex_unlock(&d->out_lock);
	}
	if (d->metrics_file != NULL) {
		alert_format_defaults(&fmt);
		fmt.json = 1;
		fmt.hostname = d->host;
		alert_render(sn.a, &fmt, &line);
		sbuf_putc(&line, '\n');
		if ((f = fopen(d->metrics_file, "a")) == NULL ||
		    fwrite(line.buf, 1, line.len, f) != line.len)
			log_err("metrics: cannot write %s: %s",
			    d->metrics_file, strerror(errno));
		if (f != NULL)
			fclose(f);
	}
	sbuf_free(&line);
	alert_free(sn.a);
}

/* metrics.* as a configuration sets them (watcher-owned after start). */
void
daemon_metrics_config(struct daemon *d, const struct config *cfg)
{
	const char *f = config_str(cfg, "metrics.output_file", NULL);

	d->metrics_rule = config_bool(cfg, "metrics.output_rule", 1);
	d->metrics_empty = config_bool(cfg, "metrics.include_empty_values",
	    0);
	d->metrics_mb = config_bool(cfg, "metrics.convert_memory_to_mb", 1);
	free(d->metrics_file);
	d->metrics_file = f != NULL && *f != '\0' ? xstrdup(f) : NULL;
	d->metrics_on = config_bool(cfg, "metrics.enabled", 0) &&
	    (d->metrics_rule || d->metrics_file != NULL);
	d->metrics_ms = config_duration_ms(cfg, "metrics.interval",
	    3600 * 1000);
	/* The snapshot is not meant as a busy loop. */
	if (d->metrics_ms < 100)
		d->metrics_ms = 100;
}
