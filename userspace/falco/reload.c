/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Hot reload: building a complete generation (configuration, rules,
 * outputs, engine), the watcher thread that turns SIGHUP, SIGUSR1 and
 * inotify events into reloads and reopens, and the swap the event loop
 * performs between two events.
 */
#include <sys/inotify.h>
#include <sys/signalfd.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "capture/capture.h"
#include "config/config.h"
#include "engine/engine.h"
#include "falco/daemon.h"
#include "falco/daemon_int.h"
#include "falco/drops.h"
#include "falco/run.h"
#include "outputs/outputs.h"
#include "rules/rules.h"
#include "state/state.h"
#include "util/log.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"
#include "webserver/metrics.h"

static void
gen_alert(void *arg, const struct alert *a)
{
	struct gen *g = arg;

	(void)outputs_submit(g->out, a);
}

void
daemon_gen_free(struct gen *g)
{
	if (g == NULL)
		return;
	/* Alerts held for container metadata go out before the outputs stop. */
	engine_flush(g->e);
	if (g->out != NULL)
		outputs_stop(g->out);
	engine_free(g->e);
	outputs_free(g->out);
	rules_loader_free(g->l);
	appends_free(&g->apps);
	config_free(g->cfg);
	daemon_strv_free(g->watch, g->nwatch);
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
			daemon_strv_add(&g->watch, &g->nwatch, c->rules[i]);
			sbuf_printf(&sb, " %s", c->rules[i]);
		}
	} else {
		cf = config_rules_files(g->cfg, &nc);
		for (i = 0; i < nc; i++) {
			rules_expand_path(cf[i], &paths, &n);
			daemon_strv_add(&g->watch, &g->nwatch, cf[i]);
			sbuf_printf(&sb, " %s", cf[i]);
		}
		free(cf);
	}
	if (n == 0 && sb.len > 0) {
		/* paths were given; rules_expand_path() warned about each */
		sbuf_printf(err, "No rules file found in:%s", sbuf_str(&sb));
		rc = -1;
	} else if (n == 0) {
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
	daemon_strv_free(paths, n);
	sbuf_free(&sb);
	return rc;
}

/*
 * Build a complete generation from the command line and the files as
 * they are now: the dry-run of a reload.  NULL with err filled.
 */
struct gen *
daemon_gen_build(const struct cli *c, struct state *st,
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
		daemon_strv_add(&g->watch, &g->nwatch, config_file(g->cfg, i));
	for (i = 0; i < config_ndirs(g->cfg); i++)
		daemon_strv_add(&g->watch, &g->nwatch, config_dir(g->cfg, i));
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
	eo.buffer_b64 = config_bool(g->cfg, "buffer_format_base64", 0);
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
	daemon_gen_free(g);
	return NULL;
}

int
daemon_dry_run(const struct cli *c)
{
	struct sbuf err = SBUF_INIT;
	struct state *st = state_new(STATE_THREAD_TABLE_MAX, 0);
	struct capture_opts co;
	struct gen *g;
	char host[256], cerr[512];
	int rc = 0;

	outputs_hostname(host, sizeof(host));
	if ((g = daemon_gen_build(c, st, NULL, host, &err)) == NULL) {
		fprintf(stderr, "Error: %s\n", sbuf_str(&err));
		rc = 1;
	} else if (run_check_unsupported(g->cfg) != 0) {
		rc = 1;
	} else if (strcmp(config_str(g->cfg, "engine.kind", ""),
	    "nodriver") != 0 && capture_opts_from_config(&co, g->cfg,
	    c->trace_file, cerr, sizeof(cerr)) != 0) {
		/* What a real run would refuse before opening a driver. */
		fprintf(stderr, "Error: %s\n", cerr);
		rc = 1;
	} else
		log_info("Dry-run: configuration and rules loaded, "
		    "%zu rules", rules_count(rules_loader_ruleset(g->l)));
	daemon_gen_free(g);
	state_free(st);
	sbuf_free(&err);
	return rc;
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
int
daemon_watch_reset(struct daemon *d)
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

/* What asked for a reload, as logged ("<why>, restarting..."). */
#define WHY_SIGHUP	"SIGHUP received"
#define WHY_FILES	"A watched file changed"

/*
 * The internal alert of a failed reload.  Falco's has no output field,
 * so its text ends in "()"; ours carries the trigger there instead.
 */
static void
restart_failure(struct daemon *d, const char *why, const char *err)
{
	struct alert *a;
	struct sbuf msg = SBUF_INIT;

	atomic_fetch_add(&d->reload_failures, 1);
	log_err("Hot restart failure, keeping the running configuration "
	    "and rules: %s", err);
	sbuf_printf(&msg, "%s: %s", ALERT_RULE_RESTART, err);
	a = alert_new_internal(daemon_now_ns(), ALERT_CRITICAL,
	    ALERT_RULE_RESTART, sbuf_str(&msg));
	alert_field_str(a, "trigger", strcmp(why, WHY_SIGHUP) == 0 ?
	    "SIGHUP" : "file change");
	pthread_mutex_lock(&d->out_lock);
	(void)outputs_submit(*d->p.out, a);
	pthread_mutex_unlock(&d->out_lock);
	alert_free(a);
	sbuf_free(&msg);
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

	(void)daemon_watch_reset(d);
	log_info("%s: checking the new configuration and rules", why);
	g = daemon_gen_build(d->p.cli, d->p.st, d->p.eo, d->host, &err);
	if (g == NULL) {
		restart_failure(d, why, sbuf_str(&err));
		sbuf_free(&err);
		return 0;
	}
	sbuf_free(&err);
	g->why = why;
	/* Watch what the new configuration names from now on. */
	daemon_strv_free(d->watch, d->nwatch);
	d->watch = NULL;
	d->nwatch = 0;
	for (i = 0; i < g->nwatch; i++)
		daemon_strv_add(&d->watch, &d->nwatch, g->watch[i]);
	d->watch_on = config_bool(g->cfg, "watch_config_files", 1);
	rc = RELOAD_OK | (daemon_watch_reset(d) ? RELOAD_AGAIN : 0);
	/* XXX: the webserver keeps its first settings; Falco restarts it
	 * with the rest, a change of its port needs a restart here. */
	daemon_metrics_config(d, g->cfg);
	pthread_mutex_lock(&d->gen_lock);
	old = d->pending;
	d->pending = g;
	atomic_store(&d->have_pending, 1);
	pthread_mutex_unlock(&d->gen_lock);
	/* A newer build replaces one the loop has not taken yet. */
	daemon_gen_free(old);
	log_info("Hot restart: new configuration and rules are ready");
	return rc;
}

void
daemon_free_retired(struct daemon *d)
{
	struct gen *g, *next;

	pthread_mutex_lock(&d->gen_lock);
	g = d->retired;
	d->retired = NULL;
	pthread_mutex_unlock(&d->gen_lock);
	for (; g != NULL; g = next) {
		next = g->next;
		daemon_gen_free(g);
	}
}

void *
daemon_watcher(void *arg)
{
	struct daemon *d = arg;
	struct signalfd_siginfo si;
	struct pollfd pf[3];
	uint64_t next_metrics = 0, due = 0, now;
	const char *why = NULL;
	char c;
	int timeout, r;

	if (d->metrics_on)
		next_metrics = daemon_mono_ms() + (uint64_t)d->metrics_ms;
	while (!atomic_load(&d->stopping)) {
		now = daemon_mono_ms();
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
			daemon_free_retired(d);
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
					why = WHY_SIGHUP;
					due = daemon_mono_ms() + DEBOUNCE_MS;
				}
			}
		}
		if ((pf[2].revents & POLLIN) && drain_inotify(d->inofd)) {
			/* Editors write in bursts: wait for quiet. */
			if (why == NULL)
				why = WHY_FILES;
			due = daemon_mono_ms() + DEBOUNCE_MS;
		}
		now = daemon_mono_ms();
		if (due != 0 && now >= due && !atomic_load(&d->stopping)) {
			due = 0;
			r = try_reload(d, why);
			why = NULL;
			if (r & RELOAD_OK)
				next_metrics = d->metrics_on ?
				    now + (uint64_t)d->metrics_ms : 0;
			if (r & RELOAD_AGAIN) {
				why = WHY_FILES;
				due = daemon_mono_ms() + DEBOUNCE_MS;
			}
		}
		if (next_metrics != 0 && now >= next_metrics) {
			next_metrics = now + (uint64_t)d->metrics_ms;
			daemon_metrics_snapshot(d);
		}
	}
	daemon_free_retired(d);
	return NULL;
}

/* ---- the event loop's side ------------------------------------------- */

void
daemon_swap_in(struct daemon *d)
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
	/* Falco logs this line for a SIGHUP; a file change says so. */
	log_info("%s, restarting...", g->why != NULL ? g->why : WHY_SIGHUP);

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
	daemon_snap_rules_reset(d);
	atomic_fetch_add(&d->reloads, 1);

	/* Drain and free the old one off the event loop. */
	pthread_mutex_lock(&d->gen_lock);
	old->next = d->retired;
	d->retired = old;
	pthread_mutex_unlock(&d->gen_lock);
	if (write(d->wake[1], &c, 1) != 1)
		log_debug("watcher wake-up lost: %s", strerror(errno));
}
