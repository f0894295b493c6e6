/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The daemon's services around the event loop: start and stop, the
 * per-event tick, the pid file and logging destinations, and the loop
 * of engine.kind=nodriver.  See reload.c and daemon_metrics.c.
 */
#include <sys/signalfd.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config/config.h"
#include "engine/engine.h"
#include "falco/commands.h"
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
#include "webserver/webserver.h"

void
daemon_block_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	(void)pthread_sigmask(SIG_BLOCK, &set, NULL);
}

uint64_t
daemon_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

uint64_t
daemon_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void
daemon_strv_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
daemon_strv_add(char ***v, size_t *n, const char *s)
{
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = xstrdup(s);
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
	if ((g = daemon_gen_build(c, st, NULL, host, &err)) == NULL) {
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
		end_ms = daemon_mono_ms() + (uint64_t)c->duration * 1000;
	for (;;) {
		if (end_ms != 0 && daemon_mono_ms() >= end_ms)
			break;
		sig = sigtimedwait(&set, &si, &tick);
		if (sig == SIGINT || sig == SIGTERM) {
			log_info("%s received, exiting...",
			    sig == SIGINT ? "SIGINT" : "SIGTERM");
			break;
		}
		/* No events: the clock stands in for event time. */
		if (daemon_tick(d, daemon_now_ns()) != 0)
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
	daemon_gen_free(g);
	state_free(st);
	sbuf_free(&err);
	return rc;
}

/* ---- the event loop's side ------------------------------------------- */

int
daemon_tick(struct daemon *d, uint64_t ts)
{
	int rc;

	if (atomic_load_explicit(&d->have_pending, memory_order_acquire))
		daemon_swap_in(d);
	if (++d->nticks % PUBLISH_EVERY == 0)
		daemon_snap_publish(d);
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
		daemon_strv_add(&d->watch, &d->nwatch, config_file(cfg, i));
	for (i = 0; i < config_ndirs(cfg); i++)
		daemon_strv_add(&d->watch, &d->nwatch, config_dir(cfg, i));
	if (c->nrules > 0) {
		for (i = 0; i < c->nrules; i++)
			daemon_strv_add(&d->watch, &d->nwatch, c->rules[i]);
	} else {
		cf = config_rules_files(cfg, &n);
		for (i = 0; i < n; i++)
			daemon_strv_add(&d->watch, &d->nwatch, cf[i]);
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
	daemon_metrics_setup(d, cfg);
	daemon_snap_rules_reset(d);
	daemon_metrics_config(d, cfg);
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
	(void)daemon_watch_reset(d);
	if (pthread_create(&d->thr, NULL, daemon_watcher, d) != 0) {
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
	daemon_gen_free(d->pending);
	d->pending = NULL;
	pthread_mutex_unlock(&d->gen_lock);
	daemon_free_retired(d);
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
		daemon_strv_free(d->current->watch, d->current->nwatch);
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
	daemon_strv_free(d->watch, d->nwatch);
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
