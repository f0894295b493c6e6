/* SPDX-License-Identifier: Apache-2.0 */
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "config/config.h"
#include "engine/engine.h"
#include "falco/commands.h"
#include "falco/daemon.h"
#include "falco/drops.h"
#include "falco/run.h"
#include "outputs/outputs.h"
#include "rules/rules.h"
#include "state/state.h"
#include "util/log.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"
#include "webserver/metrics.h"
#include "webserver/webserver.h"

/* Quiet time after the last change before a reload is attempted. */
#define DEBOUNCE_MS	100
/* Events between two copies of the engine counters for /metrics. */
#define PUBLISH_EVERY	1024

/*
 * One generation: everything a reload replaces.  Built by gen_build(),
 * complete (outputs started, engine compiled) before it is handed over.
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
	struct snap_rule *rules;
	size_t		 nrules;
	uint64_t	 nticks;

	int		 exit_status;

	atomic_uint_least64_t reloads;
	atomic_uint_least64_t reload_failures;
};

void
daemon_block_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	(void)pthread_sigmask(SIG_BLOCK, &set, NULL);
}

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
strv_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void
strv_add(char ***v, size_t *n, const char *s)
{
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = xstrdup(s);
}

/* ---- building a generation ------------------------------------------ */

static void
gen_alert(void *arg, const struct alert *a)
{
	struct gen *g = arg;

	(void)outputs_submit(g->out, a);
}

static void
gen_free(struct gen *g)
{
	if (g == NULL)
		return;
	if (g->out != NULL)
		outputs_stop(g->out);
	engine_free(g->e);
	outputs_free(g->out);
	rules_loader_free(g->l);
	appends_free(&g->apps);
	config_free(g->cfg);
	strv_free(g->watch, g->nwatch);
	free(g);
}

/* Load the rules files of the configuration (or -r); errors in err. */
static int
gen_rules(const struct cli *c, struct gen *g, struct sbuf *err)
{
	char **paths = NULL, perr[1024];
	const char **cf;
	size_t i, n = 0, nc = 0;
	struct sbuf sb = SBUF_INIT;
	int rc = 0;

	if (c->nrules > 0) {
		for (i = 0; i < c->nrules; i++) {
			rules_expand_path(c->rules[i], &paths, &n);
			strv_add(&g->watch, &g->nwatch, c->rules[i]);
		}
	} else {
		cf = config_rules_files(g->cfg, &nc);
		for (i = 0; i < nc; i++) {
			rules_expand_path(cf[i], &paths, &n);
			strv_add(&g->watch, &g->nwatch, cf[i]);
		}
		free(cf);
	}
	if (n == 0) {
		sbuf_printf(err, "You must specify at least one rules "
		    "file/directory via -r or a rules_file entry in "
		    "falco.yaml");
		rc = -1;
	}
	if (rc == 0)
		log_info("Loading rules from:");
	for (i = 0; i < n && rc == 0; i++) {
		struct rules_result *r;

		log_info("   %s", paths[i]);
		r = rules_load_file(g->l, paths[i]);
		sbuf_reset(&sb);
		rules_result_verbose(r, &sb);
		if (!rules_result_ok(r)) {
			sbuf_puts(err, sbuf_str(&sb));
			rc = -1;
		} else if (rules_result_has_warnings(r))
			log_warn("%s", sbuf_str(&sb));
		rules_result_free(r);
	}
	if (rc == 0 && rules_loader_check_plugins(g->l, perr,
	    sizeof(perr)) != 0) {
		sbuf_puts(err, perr);
		rc = -1;
	}
	if (rc == 0 && rules_loader_ruleset(g->l) == NULL) {
		sbuf_puts(err, "no rules loaded");
		rc = -1;
	}
	strv_free(paths, n);
	sbuf_free(&sb);
	return rc;
}

/*
 * Build a complete generation from the command line and the files as
 * they are now: the dry-run of a reload.  NULL with err filled.
 */
static struct gen *
gen_build(const struct cli *c, struct state *st,
    const struct engine_opts *tmpl, const char *host, struct sbuf *err)
{
	struct gen *g = xcalloc(1, sizeof(*g));
	struct outputs_options oo;
	struct engine_opts eo;
	char *errp = NULL;
	const char *s;
	size_t i;
	int r, prio;

	g->cfg = config_new();
	if (c->config != NULL)
		r = config_load(g->cfg, c->config, c->overrides,
		    c->noverrides, 0, &errp);
	else
		r = config_load_string(g->cfg, "", 0, "<defaults>",
		    c->overrides, c->noverrides, 0, &errp);
	if (r != 0) {
		sbuf_puts(err, errp != NULL ? errp : "configuration error");
		goto fail;
	}
	for (i = 0; i < config_nfiles(g->cfg); i++)
		strv_add(&g->watch, &g->nwatch, config_file(g->cfg, i));
	for (i = 0; i < config_ndirs(g->cfg); i++)
		strv_add(&g->watch, &g->nwatch, config_dir(g->cfg, i));
	if (drops_config_read(g->cfg, &g->dc, err) != 0)
		goto fail;
	g->l = rules_loader_new();
	if (gen_rules(c, g, err) != 0)
		goto fail;
	apply_selectors(g->cfg, rules_loader_ruleset(g->l));
	prio = PRIO_DEBUG;
	if ((s = config_str(g->cfg, "priority", NULL)) != NULL &&
	    (prio = rules_priority_parse(s)) < 0) {
		sbuf_printf(err, "Unknown priority value: %s", s);
		goto fail;
	}
	rules_set_min_priority(rules_loader_ruleset(g->l), prio);

	outputs_options_from_config(&oo, g->cfg, c->unbuffered);
	oo.fmt.hostname = host;
	if ((g->out = outputs_new(&oo, &errp)) == NULL) {
		sbuf_puts(err, errp != NULL ? errp : "outputs error");
		goto fail;
	}
	load_appends(g->cfg, &g->apps);
	memset(&eo, 0, sizeof(eo));
	if (tmpl != NULL)
		eo = *tmpl;
	eo.match_all = strcasecmp(config_str(g->cfg, "rule_matching",
	    "first"), "all") == 0;
	eo.append = g->apps.v;
	eo.nappend = g->apps.n;
	eo.hostname = host;
	eo.alert = gen_alert;
	eo.alert_arg = g;
	if ((g->e = engine_new(st, rules_loader_ruleset(g->l), &eo,
	    &errp)) == NULL) {
		sbuf_puts(err, errp != NULL ? errp : "engine error");
		goto fail;
	}
	if (outputs_start(g->out) != 0) {
		sbuf_puts(err, "cannot start the outputs");
		goto fail;
	}
	free(errp);
	return g;
fail:
	free(errp);
	gen_free(g);
	return NULL;
}

int
daemon_dry_run(const struct cli *c)
{
	struct sbuf err = SBUF_INIT;
	struct state *st = state_new(STATE_THREAD_TABLE_MAX, 0);
	struct gen *g;
	char host[256];
	int rc = 0;

	outputs_hostname(host, sizeof(host));
	if ((g = gen_build(c, st, NULL, host, &err)) == NULL) {
		fprintf(stderr, "Error: %s\n", sbuf_str(&err));
		rc = 1;
	} else
		log_info("Dry-run: configuration and rules loaded, "
		    "%zu rules", rules_count(rules_loader_ruleset(g->l)));
	gen_free(g);
	state_free(st);
	sbuf_free(&err);
	return rc;
}

int
daemon_is_nodriver(const struct cli *c, const struct config *cfg)
{
	return c->trace_file == NULL &&
	    strcmp(config_str(cfg, "engine.kind", ""), "nodriver") == 0;
}

int
daemon_run_nodriver(const struct cli *c)
{
	struct sbuf err = SBUF_INIT;
	struct state *st;
	struct daemon *d = NULL;
	struct gen *g;
	char host[256];
	sigset_t set;
	siginfo_t si;
	struct timespec tick = { 0, 100 * 1000000L };
	uint64_t end_ms = 0;
	int sig, rc = 1;

	/* Before the first thread: SIGINT and SIGTERM are taken with
	   sigtimedwait() below, never by a default action. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	(void)pthread_sigmask(SIG_BLOCK, &set, NULL);
	st = state_new(STATE_THREAD_TABLE_MAX, 1);
	outputs_hostname(host, sizeof(host));
	if ((g = gen_build(c, st, NULL, host, &err)) == NULL) {
		fprintf(stderr, "Error: %s\n", sbuf_str(&err));
		goto out;
	}
	log_info("Enabled event sources: syscall (engine.kind=nodriver: no "
	    "driver, no events)");
	if ((d = daemon_start(&(struct daemon_params){ .cli = c, .st = st,
	    .cfg = &g->cfg, .loader = &g->l, .engine = &g->e,
	    .out = &g->out })) == NULL)
		goto out;
	/* -M: without events, seconds of the clock. */
	if (c->duration > 0)
		end_ms = mono_ms() + (uint64_t)c->duration * 1000;
	for (;;) {
		if (end_ms != 0 && mono_ms() >= end_ms)
			break;
		sig = sigtimedwait(&set, &si, &tick);
		if (sig == SIGINT || sig == SIGTERM) {
			log_info("%s received, exiting...",
			    sig == SIGINT ? "SIGINT" : "SIGTERM");
			break;
		}
		/* No events: the clock stands in for event time. */
		if (daemon_tick(d, now_ns()) != 0)
			break;
	}
	daemon_stop(d);
	outputs_stop(g->out);
	fflush(stdout);
	engine_print_stats(g->e, stdout);
	fflush(stdout);
	rc = daemon_exit_status(d);
out:
	daemon_free(d);
	gen_free(g);
	state_free(st);
	sbuf_free(&err);
	return rc;
}

/* ---- metrics ---------------------------------------------------------- */

/* Copy the rule names of the current rule set (event loop only). */
static void
snap_rules_reset(struct daemon *d)
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
static void
snap_publish(struct daemon *d)
{
	struct engine_stats es;
	size_t i;

	engine_get_stats(*d->p.engine, &es);
	pthread_mutex_lock(&d->snap_lock);
	d->events = es.events;
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

/*
 * The registry behind /metrics and the snapshot.  The *_enabled keys of
 * the metrics block choose the families, once, at start.
 */
static void
metrics_setup(struct daemon *d, const struct config *cfg)
{
	d->m = metrics_new();
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
static void
metrics_snapshot(struct daemon *d)
{
	struct snapshot sn;
	struct alert_format fmt;
	struct sbuf line = SBUF_INIT;
	FILE *f;

	sn.d = d;
	sn.a = alert_new_internal(now_ns(), ALERT_INFORMATIONAL,
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

/* ---- the watcher thread ---------------------------------------------- */

/* Read and discard pending inotify events; 1 if there were any. */
static int
drain_inotify(int fd)
{
	char buf[4096] __attribute__((aligned(8)));
	int any = 0;

	while (fd != -1 && read(fd, buf, sizeof(buf)) > 0)
		any = 1;
	return any;
}

/*
 * (Re)create the inotify watches for the paths in d->watch.  By path:
 * an editor that saves by renaming a new file over the old one leaves
 * the old inode's watch dead, so every reload attempt calls this again.
 * Returns 1 if the old watches had seen a change not yet handled.
 */
static int
watch_reset(struct daemon *d)
{
	size_t i;
	int changed = 0;

	if (d->inofd != -1) {
		changed = drain_inotify(d->inofd);
		close(d->inofd);
	}
	d->inofd = -1;
	if (!d->watch_on)
		return changed;
	if ((d->inofd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1) {
		log_warn("Cannot watch the configuration files: %s",
		    strerror(errno));
		return changed;
	}
	for (i = 0; i < d->nwatch; i++)
		if (inotify_add_watch(d->inofd, d->watch[i], IN_MODIFY |
		    IN_CLOSE_WRITE | IN_ATTRIB | IN_CREATE | IN_DELETE |
		    IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF |
		    IN_MOVE_SELF) == -1)
			log_debug("Cannot watch %s: %s", d->watch[i],
			    strerror(errno));
	return changed;
}

static void
restart_failure(struct daemon *d, const char *why)
{
	struct alert *a;
	struct sbuf msg = SBUF_INIT;

	atomic_fetch_add(&d->reload_failures, 1);
	log_err("Hot restart failure, keeping the running configuration "
	    "and rules: %s", why);
	sbuf_printf(&msg, "%s: %s", ALERT_RULE_RESTART, why);
	a = alert_new_internal(now_ns(), ALERT_CRITICAL, ALERT_RULE_RESTART,
	    sbuf_str(&msg));
	pthread_mutex_lock(&d->out_lock);
	(void)outputs_submit(*d->p.out, a);
	pthread_mutex_unlock(&d->out_lock);
	alert_free(a);
	sbuf_free(&msg);
}

/* metrics.* as a configuration sets them (watcher-owned after start). */
static void
metrics_config(struct daemon *d, const struct config *cfg)
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

#define RELOAD_OK	0x1	/* a new generation is pending */
#define RELOAD_AGAIN	0x2	/* files changed while it was built */

/*
 * Build and hand over a new generation; RELOAD_* flags.  The watches
 * are renewed first, so that a change made while the files are read
 * is seen (then RELOAD_AGAIN, or a pending inotify event).
 */
static int
try_reload(struct daemon *d, const char *why)
{
	struct sbuf err = SBUF_INIT;
	struct gen *g, *old;
	size_t i;
	int rc;

	(void)watch_reset(d);
	log_info("%s: checking the new configuration and rules", why);
	g = gen_build(d->p.cli, d->p.st, d->p.eo, d->host, &err);
	if (g == NULL) {
		restart_failure(d, sbuf_str(&err));
		sbuf_free(&err);
		return 0;
	}
	sbuf_free(&err);
	/* Watch what the new configuration names from now on. */
	strv_free(d->watch, d->nwatch);
	d->watch = NULL;
	d->nwatch = 0;
	for (i = 0; i < g->nwatch; i++)
		strv_add(&d->watch, &d->nwatch, g->watch[i]);
	d->watch_on = config_bool(g->cfg, "watch_config_files", 1);
	rc = RELOAD_OK | (watch_reset(d) ? RELOAD_AGAIN : 0);
	/* XXX: the webserver keeps its first settings; Falco restarts it
	 * with the rest, a change of its port needs a restart here. */
	metrics_config(d, g->cfg);
	pthread_mutex_lock(&d->gen_lock);
	old = d->pending;
	d->pending = g;
	atomic_store(&d->have_pending, 1);
	pthread_mutex_unlock(&d->gen_lock);
	/* A newer build replaces one the loop has not taken yet. */
	gen_free(old);
	log_info("Hot restart: new configuration and rules are ready");
	return rc;
}

static void
free_retired(struct daemon *d)
{
	struct gen *g, *next;

	pthread_mutex_lock(&d->gen_lock);
	g = d->retired;
	d->retired = NULL;
	pthread_mutex_unlock(&d->gen_lock);
	for (; g != NULL; g = next) {
		next = g->next;
		gen_free(g);
	}
}

static void *
watcher(void *arg)
{
	struct daemon *d = arg;
	struct signalfd_siginfo si;
	struct pollfd pf[3];
	uint64_t next_metrics = 0, due = 0, now;
	const char *why = NULL;
	char c;
	int timeout, r;

	if (d->metrics_on)
		next_metrics = mono_ms() + (uint64_t)d->metrics_ms;
	while (!atomic_load(&d->stopping)) {
		now = mono_ms();
		timeout = -1;
		if (due != 0)
			timeout = due > now ? (int)(due - now) : 0;
		if (next_metrics != 0) {
			int t = next_metrics > now ?
			    (int)(next_metrics - now) : 0;

			if (timeout < 0 || t < timeout)
				timeout = t;
		}
		pf[0].fd = d->wake[0];
		pf[1].fd = d->sigfd;
		pf[2].fd = d->inofd;
		pf[0].events = pf[1].events = pf[2].events = POLLIN;
		if (poll(pf, 3, timeout) == -1 && errno != EINTR) {
			log_err("watcher: poll: %s", strerror(errno));
			break;
		}
		if (pf[0].revents & POLLIN) {
			while (read(d->wake[0], &c, 1) == 1)
				;
			free_retired(d);
		}
		if (pf[1].revents & POLLIN) {
			while (read(d->sigfd, &si, sizeof(si)) ==
			    (ssize_t)sizeof(si)) {
				if (si.ssi_signo == SIGUSR1) {
					log_info("SIGUSR1 received, reopening "
					    "outputs...");
					pthread_mutex_lock(&d->out_lock);
					outputs_reopen(*d->p.out);
					pthread_mutex_unlock(&d->out_lock);
				} else if (si.ssi_signo == SIGHUP) {
					why = "SIGHUP received";
					due = mono_ms() + DEBOUNCE_MS;
				}
			}
		}
		if ((pf[2].revents & POLLIN) && drain_inotify(d->inofd)) {
			/* Editors write in bursts: wait for quiet. */
			if (why == NULL)
				why = "A watched file changed";
			due = mono_ms() + DEBOUNCE_MS;
		}
		now = mono_ms();
		if (due != 0 && now >= due && !atomic_load(&d->stopping)) {
			due = 0;
			r = try_reload(d, why);
			why = NULL;
			if (r & RELOAD_OK)
				next_metrics = d->metrics_on ?
				    now + (uint64_t)d->metrics_ms : 0;
			if (r & RELOAD_AGAIN) {
				why = "A watched file changed";
				due = mono_ms() + DEBOUNCE_MS;
			}
		}
		if (next_metrics != 0 && now >= next_metrics) {
			next_metrics = now + (uint64_t)d->metrics_ms;
			metrics_snapshot(d);
		}
	}
	free_retired(d);
	return NULL;
}

/* ---- the event loop's side ------------------------------------------- */

static void
swap_in(struct daemon *d)
{
	struct gen *g, *old;
	char c = 'r';

	pthread_mutex_lock(&d->gen_lock);
	g = d->pending;
	d->pending = NULL;
	atomic_store(&d->have_pending, 0);
	pthread_mutex_unlock(&d->gen_lock);
	if (g == NULL)
		return;
	log_info("SIGHUP received, restarting...");

	/* What the loop runs now becomes a retired generation. */
	old = d->current != NULL ? d->current : xcalloc(1, sizeof(*old));
	if (d->current == NULL) {
		/* The caller's first objects: its appends stay its own. */
		old->cfg = *d->p.cfg;
		old->l = *d->p.loader;
		old->e = *d->p.engine;
		old->out = *d->p.out;
	}
	metrics_remove_owner(d->m, old->out);
	pthread_mutex_lock(&d->out_lock);
	*d->p.cfg = g->cfg;
	*d->p.loader = g->l;
	*d->p.engine = g->e;
	*d->p.out = g->out;
	pthread_mutex_unlock(&d->out_lock);
	d->current = g;
	outputs_register_metrics(g->out, d->m);
	pthread_mutex_lock(&d->snap_lock);
	drops_set_config(d->drops, &g->dc);
	pthread_mutex_unlock(&d->snap_lock);
	snap_rules_reset(d);
	atomic_fetch_add(&d->reloads, 1);

	/* Drain and free the old one off the event loop. */
	pthread_mutex_lock(&d->gen_lock);
	old->next = d->retired;
	d->retired = old;
	pthread_mutex_unlock(&d->gen_lock);
	if (write(d->wake[1], &c, 1) != 1)
		log_debug("watcher wake-up lost: %s", strerror(errno));
}

int
daemon_tick(struct daemon *d, uint64_t ts)
{
	int rc;

	if (atomic_load_explicit(&d->have_pending, memory_order_acquire))
		swap_in(d);
	if (++d->nticks % PUBLISH_EVERY == 0)
		snap_publish(d);
	/* The lock guards the readings /metrics shows; once a second. */
	if (!drops_due(d->drops, ts))
		return 0;
	pthread_mutex_lock(&d->snap_lock);
	rc = drops_check(d->drops, ts, *d->p.out);
	pthread_mutex_unlock(&d->snap_lock);
	if (rc != 0)
		d->exit_status = 1;
	return rc;
}

/* ---- start and stop -------------------------------------------------- */

static int
write_pidfile(struct daemon *d, const char *path)
{
	FILE *f;

	if ((f = fopen(path, "w")) == NULL) {
		fprintf(stderr, "Error: cannot write the pid file %s: %s\n",
		    path, strerror(errno));
		return -1;
	}
	fprintf(f, "%ld\n", (long)getpid());
	if (fclose(f) != 0) {
		fprintf(stderr, "Error: cannot write the pid file %s: %s\n",
		    path, strerror(errno));
		return -1;
	}
	d->pidfile = xstrdup(path);
	return 0;
}

/* log_level, log_stderr and log_syslog, as falco.yaml sets them. */
static void
setup_logging(const struct config *cfg)
{
	const char *s = config_str(cfg, "log_level", "info");
	int lvl = log_level_parse(s);

	if (lvl < 0)
		lvl = LOG_INFO;
	log_set_iso8601(config_bool(cfg, "time_format_iso_8601", 0));
	log_init("falco", lvl, config_bool(cfg, "log_stderr", 1),
	    config_bool(cfg, "log_syslog", 1));
}

/* The watch list of the caller's first configuration. */
static void
initial_watch(struct daemon *d)
{
	const struct cli *c = d->p.cli;
	const struct config *cfg = *d->p.cfg;
	const char **cf;
	size_t i, n;

	for (i = 0; i < config_nfiles(cfg); i++)
		strv_add(&d->watch, &d->nwatch, config_file(cfg, i));
	for (i = 0; i < config_ndirs(cfg); i++)
		strv_add(&d->watch, &d->nwatch, config_dir(cfg, i));
	if (c->nrules > 0) {
		for (i = 0; i < c->nrules; i++)
			strv_add(&d->watch, &d->nwatch, c->rules[i]);
	} else {
		cf = config_rules_files(cfg, &n);
		for (i = 0; i < n; i++)
			strv_add(&d->watch, &d->nwatch, cf[i]);
		free(cf);
	}
}

struct daemon *
daemon_start(const struct daemon_params *p)
{
	struct daemon *d = xcalloc(1, sizeof(*d));
	const struct config *cfg = *p->cfg;
	struct webserver_options wo;
	struct drops_config dc;
	struct sbuf err = SBUF_INIT;
	char *errp = NULL;
	sigset_t set;
	size_t i;

	d->p = *p;
	d->sigfd = d->inofd = d->wake[0] = d->wake[1] = -1;
	pthread_mutex_init(&d->out_lock, NULL);
	pthread_mutex_init(&d->gen_lock, NULL);
	pthread_mutex_init(&d->snap_lock, NULL);
	outputs_hostname(d->host, sizeof(d->host));
	setup_logging(cfg);
	log_info("Falco version: %s", FALCO_VERSION);
	for (i = 0; i < config_nfiles(cfg); i++)
		log_info("%s %s", i == 0 ? "Falco initialized with "
		    "configuration files:" : "  and", config_file(cfg, i));
	if (p->cli->pidfile != NULL &&
	    write_pidfile(d, p->cli->pidfile) != 0)
		goto fail;
	if (drops_config_read(cfg, &dc, &err) != 0) {
		fprintf(stderr, "Error: %s\n", sbuf_str(&err));
		goto fail;
	}
	d->drops = drops_new(&dc, p->stats, p->stats_arg);
	metrics_setup(d, cfg);
	snap_rules_reset(d);
	metrics_config(d, cfg);
	if (d->metrics_on)
		log_info("Setting metrics interval to %s, equivalent to "
		    "%lld (ms)", config_str(cfg, "metrics.interval", "1h"),
		    (long long)d->metrics_ms);

	webserver_options_from_config(&wo, cfg);
	if (wo.enabled && !p->replay) {
		d->versions = versions_json();
		wo.versions_json = d->versions;
		if ((d->ws = webserver_start(&wo, d->m, &errp)) == NULL) {
			fprintf(stderr, "Error: %s\n", errp);
			goto fail;
		}
		/* The bound port: listen_port 0 picks a free one. */
		log_info("Starting health webserver with threadiness %u, "
		    "listening on %s:%u%s", wo.threadiness,
		    wo.listen_address, webserver_port(d->ws),
		    wo.ssl_enabled ? " (SSL)" : "");
	}

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	if ((d->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) ==
	    -1 || pipe2(d->wake, O_NONBLOCK | O_CLOEXEC) == -1) {
		fprintf(stderr, "Error: cannot set up signal handling: %s\n",
		    strerror(errno));
		goto fail;
	}
	initial_watch(d);
	d->watch_on = config_bool(cfg, "watch_config_files", 1);
	(void)watch_reset(d);
	if (pthread_create(&d->thr, NULL, watcher, d) != 0) {
		fprintf(stderr, "Error: cannot start the watcher thread\n");
		goto fail;
	}
	d->running = 1;
	sbuf_free(&err);
	return d;
fail:
	sbuf_free(&err);
	free(errp);
	daemon_free(d);
	return NULL;
}

void
daemon_stop(struct daemon *d)
{
	char c = 's';

	if (d == NULL)
		return;
	if (d->running) {
		/* Falco prints these on stderr, the rule counts on stdout. */
		drops_print_stats(d->drops, stderr);
		atomic_store(&d->stopping, 1);
		if (write(d->wake[1], &c, 1) != 1)
			log_debug("watcher wake-up lost: %s",
			    strerror(errno));
		pthread_join(d->thr, NULL);
		d->running = 0;
	}
	webserver_stop(d->ws);
	d->ws = NULL;
	pthread_mutex_lock(&d->gen_lock);
	gen_free(d->pending);
	d->pending = NULL;
	pthread_mutex_unlock(&d->gen_lock);
	free_retired(d);
}

void
daemon_free(struct daemon *d)
{
	size_t i;

	if (d == NULL)
		return;
	daemon_stop(d);
	if (d->m != NULL) {
		if (d->p.out != NULL && *d->p.out != NULL)
			metrics_remove_owner(d->m, *d->p.out);
		metrics_free(d->m);
	}
	if (d->current != NULL) {
		/* The caller frees the objects themselves. */
		appends_free(&d->current->apps);
		strv_free(d->current->watch, d->current->nwatch);
		free(d->current);
	}
	if (d->pidfile != NULL) {
		(void)unlink(d->pidfile);
		free(d->pidfile);
	}
	for (i = 0; i < d->nrules; i++) {
		free(d->rules[i].name);
		free(d->rules[i].source);
	}
	free(d->rules);
	strv_free(d->watch, d->nwatch);
	drops_free(d->drops);
	free(d->versions);
	free(d->metrics_file);
	if (d->sigfd != -1)
		close(d->sigfd);
	if (d->inofd != -1)
		close(d->inofd);
	if (d->wake[0] != -1) {
		close(d->wake[0]);
		close(d->wake[1]);
	}
	pthread_mutex_destroy(&d->out_lock);
	pthread_mutex_destroy(&d->gen_lock);
	pthread_mutex_destroy(&d->snap_lock);
	free(d);
}

int
daemon_exit_status(const struct daemon *d)
{
	return d != NULL ? d->exit_status : 1;
}
