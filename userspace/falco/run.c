/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The daemon's run path: configuration, rules, state, engine and outputs
 * wired together over an event source, until the source ends, -M expires
 * or a signal arrives; then the end-of-run summary on stdout.
 *
 * Event sources come from the capture layer (falco/source.c): the replay
 * of a capture file (-e FILE, or engine.kind=replay), or a live driver
 * (engine.kind=modern_ebpf or kmod) whose state is seeded from /proc.
 */
#include <errno.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "capture/capture.h"
#include "config/config.h"
#include "container/container.h"
#include "engine/engine.h"
#include "falco/cli.h"
#include "falco/daemon.h"
#include "falco/drops.h"
#include "falco/run.h"
#include "falco/source.h"
#include "outputs/outputs.h"
#include "rules/rules.h"
#include "scapfile/scapfile.h"
#include "state/state.h"
#include "util/log.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"

static volatile sig_atomic_t stop_signal;

static void
on_signal(int sig)
{
	stop_signal = sig;
}

static void
install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGINT, &sa, NULL);
	(void)sigaction(SIGTERM, &sa, NULL);
}

/* Apply falco.yaml's `rules:` selectors, in order. */
void
apply_selectors(const struct config *cfg, struct rules_set *rs)
{
	const struct cfg_node *sel = config_node(cfg, "rules"), *item, *w;
	size_t i, k;

	if (sel == NULL || cfg_node_kind(sel) != CFG_SEQ)
		return;
	for (i = 0; i < cfg_node_len(sel); i++) {
		item = cfg_node_at(sel, i);
		if (cfg_node_kind(item) != CFG_MAP)
			continue;
		for (k = 0; k < cfg_node_len(item); k++) {
			const char *verb = cfg_node_key(item, k);
			const struct cfg_node *r, *t;
			int enable;

			if (strcmp(verb, "enable") == 0)
				enable = 1;
			else if (strcmp(verb, "disable") == 0)
				enable = 0;
			else
				continue;
			w = cfg_node_at(item, k);
			if ((r = cfg_node_get(w, "rule")) != NULL &&
			    cfg_node_str(r) != NULL)
				(void)rules_select_name(rs, cfg_node_str(r),
				    enable);
			if ((t = cfg_node_get(w, "tag")) != NULL &&
			    cfg_node_str(t) != NULL)
				(void)rules_select_tag(rs, cfg_node_str(t),
				    enable);
		}
	}
}

/*
 * Check syscall_event_drops as Falco does at start: a threshold within
 * [0, 1] and known actions, "ignore" alone.  Prints the error; -1.
 * XXX: the drop monitor itself comes with the live drivers.
 */
static int
check_drops_config(const struct config *cfg)
{
	static const char *const known[] = { "ignore", "log", "alert",
	    "exit", NULL };
	double th = config_double(cfg, "syscall_event_drops.threshold", 0.1);
	const char **acts;
	size_t n, i, k;
	int ignore = 0, rc = 0;

	if (th < 0 || th > 1) {
		fprintf(stderr, "Error: syscall event drops threshold must be "
		    "a double in the range [0, 1]\n");
		return -1;
	}
	acts = config_str_list(cfg, "syscall_event_drops.actions", &n);
	for (i = 0; i < n; i++) {
		for (k = 0; known[k] != NULL; k++)
			if (strcmp(acts[i], known[k]) == 0)
				break;
		if (known[k] == NULL) {
			fprintf(stderr, "Error: invalid syscall event drop "
			    "action: %s\n", acts[i]);
			rc = -1;
			break;
		}
		if (strcmp(acts[i], "ignore") == 0)
			ignore = 1;
	}
	for (i = 0; rc == 0 && ignore && i < n; i++) {
		if (strcmp(acts[i], "ignore") != 0) {
			fprintf(stderr, "Error: syscall event drop action "
			    "\"%s\" does not make sense with the \"ignore\" "
			    "action\n", acts[i]);
			rc = -1;
		}
	}
	free(acts);
	return rc;
}

/* The `plugins` entry named name, or NULL. */
static const struct cfg_node *
plugin_entry(const struct cfg_node *list, const char *name)
{
	const struct cfg_node *p, *n;
	size_t i;

	for (i = 0; list != NULL && i < cfg_node_len(list); i++) {
		p = cfg_node_at(list, i);
		if ((n = cfg_node_get(p, "name")) != NULL &&
		    cfg_node_str(n) != NULL &&
		    strcmp(cfg_node_str(n), name) == 0)
			return p;
	}
	return NULL;
}

/* One plugin to load; -1 (message printed) unless it is built in. */
static int
plugin_load(const struct cfg_node *entry, const char *name)
{
	const struct cfg_node *lp;
	const char *lib = NULL;

	if (strcmp(name, "container") == 0) {
		log_info("Plugin 'container' is built into this build: its "
		    "library and init_config are not used (see "
		    "container_metadata)");
		return 0;
	}
	if (entry == NULL) {
		fprintf(stderr, "Error: Cannot load plugin '%s': plugin config "
		    "not found for given name\n", name);
		return -1;
	}
	if ((lp = cfg_node_get(entry, "library_path")) != NULL)
		lib = cfg_node_str(lp);
	fprintf(stderr, "Error: %s:%d:%d: cannot load plugin '%s' (%s): "
	    "this build does not support plugins; leave it out of "
	    "load_plugins\n", cfg_node_file(entry), cfg_node_line(entry),
	    cfg_node_col(entry), name, lib != NULL ? lib : "no library_path");
	return -1;
}

int
run_check_unsupported(const struct config *cfg)
{
	const struct cfg_node *list = config_node(cfg, "plugins"), *n;
	const char **names;
	size_t i, nn = 0;
	int rc = 0;

	if (list != NULL && cfg_node_kind(list) != CFG_SEQ)
		list = NULL;
	if (config_has(cfg, "load_plugins")) {
		names = config_str_list(cfg, "load_plugins", &nn);
		for (i = 0; i < nn && rc == 0; i++)
			rc = plugin_load(plugin_entry(list, names[i]),
			    names[i]);
		free(names);
	} else {
		/* Without load_plugins, Falco loads every entry. */
		for (i = 0; list != NULL && i < cfg_node_len(list) &&
		    rc == 0; i++) {
			n = cfg_node_get(cfg_node_at(list, i), "name");
			if (n != NULL && cfg_node_str(n) != NULL)
				rc = plugin_load(cfg_node_at(list, i),
				    cfg_node_str(n));
		}
	}
	if (rc != 0)
		return -1;
	if (config_has(cfg, "plugins_hostinfo"))
		log_debug("plugins_hostinfo has no effect: this build loads no "
		    "plugins");
	if (config_has(cfg, "engine.ebpf.probe") &&
	    strcmp(config_str(cfg, "engine.kind", "kmod"), "ebpf") != 0)
		log_debug("engine.ebpf.probe is not used: the legacy eBPF "
		    "probe is not supported by this build");
	if (config_has(cfg, "engine.modern_ebpf.disable_iterators"))
		log_debug("engine.modern_ebpf.disable_iterators has no effect: "
		    "the modern eBPF driver of this build uses no BPF "
		    "iterators (threads and fds come from /proc)");
	return 0;
}

/* Load every rules file; on failure print Falco's error and return -1. */
static int
load_rules(const struct cli *c, const struct config *cfg,
    struct rules_loader *l)
{
	char **paths = NULL, perr[1024];
	const char **cfiles = NULL;
	size_t i, n = 0, nc = 0;
	struct sbuf sb = SBUF_INIT;
	int rc = 0;

	if (c->nrules > 0) {
		for (i = 0; i < c->nrules; i++)
			rules_expand_path(c->rules[i], &paths, &n);
	} else {
		cfiles = config_rules_files(cfg, &nc);
		for (i = 0; i < nc; i++)
			rules_expand_path(cfiles[i], &paths, &n);
		free(cfiles);
	}
	if (n == 0) {
		fprintf(stderr, "Error: You must specify at least one rules "
		    "file/directory via -r or a rules_file entry in "
		    "falco.yaml\n");
		rc = -1;
	}
	log_info("Loading rules from:");
	for (i = 0; i < n && rc == 0; i++) {
		struct rules_result *r;

		log_info("   %s", paths[i]);
		r = rules_load_file(l, paths[i]);
		sbuf_reset(&sb);
		rules_result_verbose(r, &sb);
		if (!rules_result_ok(r)) {
			fprintf(stderr, "Error: %s\n", sbuf_str(&sb));
			rc = -1;
		} else if (rules_result_has_warnings(r))
			log_warn("%s", sbuf_str(&sb));
		rules_result_free(r);
	}
	if (rc == 0 && rules_loader_check_plugins(l, perr,
	    sizeof(perr)) != 0) {
		fprintf(stderr, "Error: %s\n", perr);
		rc = -1;
	}
	if (rc == 0 && rules_loader_ruleset(l) == NULL) {
		fprintf(stderr, "Error: no rules loaded\n");
		rc = -1;
	}
	for (i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	sbuf_free(&sb);
	return rc;
}

void
appends_free(struct appends *ap)
{
	size_t i;

	for (i = 0; i < ap->n; i++) {
		free((void *)(uintptr_t)ap->v[i].tags);
		free((void *)(uintptr_t)ap->v[i].extra_fields);
	}
	for (i = 0; i < ap->nowned; i++)
		free(ap->owned[i]);
	free(ap->owned);
	free(ap->v);
}

static const char *
node_str(const struct cfg_node *n, const char *key)
{
	const struct cfg_node *c = n != NULL ? cfg_node_get(n, key) : NULL;

	return c != NULL && !cfg_node_is_null(c) ? cfg_node_str(c) : NULL;
}

/* The append_output list of falco.yaml. */
void
load_appends(const struct config *cfg, struct appends *ap)
{
	const struct cfg_node *list = config_node(cfg, "append_output");
	size_t i, k;

	memset(ap, 0, sizeof(*ap));
	if (list == NULL || cfg_node_kind(list) != CFG_SEQ)
		return;
	for (i = 0; i < cfg_node_len(list); i++) {
		const struct cfg_node *it = cfg_node_at(list, i), *m, *tags,
		    *xf, *sg;
		struct engine_append e;
		const char **tv = NULL, **fv = NULL;
		int b;

		if (cfg_node_kind(it) != CFG_MAP)
			continue;
		memset(&e, 0, sizeof(e));
		m = cfg_node_get(it, "match");
		e.source = node_str(m, "source");
		e.rule = node_str(m, "rule");
		if (m != NULL && (tags = cfg_node_get(m, "tags")) != NULL) {
			if (cfg_node_kind(tags) == CFG_SEQ) {
				for (k = 0; k < cfg_node_len(tags); k++) {
					tv = xreallocarray(tv, e.ntags + 1,
					    sizeof(*tv));
					tv[e.ntags++] = cfg_node_str(
					    cfg_node_at(tags, k));
				}
			} else if (cfg_node_str(tags) != NULL) {
				tv = xcalloc(1, sizeof(*tv));
				tv[e.ntags++] = cfg_node_str(tags);
			}
		}
		e.tags = tv;
		e.extra_output = node_str(it, "extra_output");
		if ((sg = cfg_node_get(it, "suggested_output")) != NULL &&
		    cfg_node_str(sg) != NULL &&
		    cfg_parse_bool(cfg_node_str(sg), &b) == 0)
			e.suggested = b;
		xf = cfg_node_get(it, "extra_fields");
		for (k = 0; xf != NULL && cfg_node_kind(xf) == CFG_SEQ &&
		    k < cfg_node_len(xf); k++) {
			const struct cfg_node *f = cfg_node_at(xf, k);
			const char *name = NULL;

			if (cfg_node_kind(f) == CFG_SCALAR)
				name = cfg_node_str(f);
			else if (cfg_node_kind(f) == CFG_MAP &&
			    cfg_node_len(f) == 1 &&
			    cfg_node_str(cfg_node_at(f, 0)) != NULL) {
				char *kv;

				xasprintf(&kv, "%s=%s", cfg_node_key(f, 0),
				    cfg_node_str(cfg_node_at(f, 0)));
				ap->owned = xreallocarray(ap->owned,
				    ap->nowned + 1, sizeof(*ap->owned));
				ap->owned[ap->nowned++] = kv;
				name = kv;
			}
			if (name == NULL)
				continue;
			fv = xreallocarray(fv, e.nextra_fields + 1,
			    sizeof(*fv));
			fv[e.nextra_fields++] = name;
		}
		e.extra_fields = fv;
		ap->v = xreallocarray(ap->v, ap->n + 1, sizeof(*ap->v));
		ap->v[ap->n++] = e;
	}
}

struct sink {
	struct outputs	*out;
};

static void
on_alert(void *arg, const struct alert *a)
{
	struct sink *s = arg;

	(void)outputs_submit(s->out, a);
}

static uint64_t
wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

int
cmd_run(const struct cli *c)
{
	struct config *cfg = config_new();
	struct rules_loader *l = NULL;
	struct rules_set *rs;
	struct capture *cap = NULL;
	struct container_meta *cmeta = NULL;
	struct state *st = NULL;
	struct engine *e = NULL;
	struct outputs *out = NULL;
	struct outputs_options oo;
	struct engine_opts eo;
	struct sink sink;
	struct daemon *d = NULL;
	struct appends apps;
	struct timeouts to;
	struct fevt ev;
	char host[256], *errp = NULL;
	const char *s;
	uint64_t first_ts = 0, limit_ns, start_ns;
	int rc = 1, r, prio, lvl;

	memset(&apps, 0, sizeof(apps));

	if (c->config != NULL)
		r = config_load(cfg, c->config, c->overrides, c->noverrides,
		    0, &errp);
	else
		r = config_load_string(cfg, "", 0, "<defaults>", c->overrides,
		    c->noverrides, 0, &errp);
	if (r != 0) {
		fprintf(stderr, "Error: %s\n", errp != NULL ? errp : "");
		goto out;
	}
	log_set_iso8601(config_bool(cfg, "time_format_iso_8601", 0));
	if ((s = config_str(cfg, "log_level", NULL)) != NULL &&
	    (lvl = log_level_parse(s)) >= 0)
		log_init("falco", lvl, config_bool(cfg, "log_stderr", 1), 0);
	if (check_drops_config(cfg) != 0 || run_check_unsupported(cfg) != 0)
		goto out;
	if (daemon_is_nodriver(c, cfg)) {
		rc = daemon_run_nodriver(c);
		goto out;
	}
	l = rules_loader_new();
	if (load_rules(c, cfg, l) != 0)
		goto out;
	rs = rules_loader_ruleset(l);
	apply_selectors(cfg, rs);
	prio = PRIO_DEBUG;
	if ((s = config_str(cfg, "priority", NULL)) != NULL &&
	    (prio = rules_priority_parse(s)) < 0) {
		fprintf(stderr, "Error: Unknown priority value: %s\n", s);
		goto out;
	}
	rules_set_min_priority(rs, prio);
	if ((cap = source_open(c, cfg, rs)) == NULL)
		goto out;
	/* Users a capture does not list come from this host's databases,
	   as for live capture. */
	st = state_new((size_t)config_int(cfg,
	    "falco_libs.thread_table_size", STATE_THREAD_TABLE_MAX),
	    capture_host_users(cap));
	state_set_purge(st, (uint64_t)config_int(cfg,
	    "falco_libs.thread_table_auto_purging_interval_s", 300) *
	    1000000000ULL, (uint64_t)config_int(cfg,
	    "falco_libs.thread_table_auto_purging_thread_timeout_s", 1800) *
	    1000000000ULL);

	outputs_options_from_config(&oo, cfg, c->unbuffered);
	outputs_hostname(host, sizeof(host));
	oo.fmt.hostname = host;
	if ((out = outputs_new(&oo, &errp)) == NULL) {
		fprintf(stderr, "Error: %s\n", errp != NULL ? errp : "");
		goto out;
	}
	if (outputs_start(out) != 0) {
		fprintf(stderr, "Error: cannot start the outputs\n");
		goto out;
	}
	memset(&eo, 0, sizeof(eo));
	s = config_str(cfg, "rule_matching", "first");
	eo.match_all = strcasecmp(s, "all") == 0;
	eo.buffer_b64 = config_bool(cfg, "buffer_format_base64", 0);
	eo.hostname = host;
	eo.cmeta = cmeta = source_cmeta(cap, cfg);
	sink.out = out;
	eo.alert = on_alert;
	eo.alert_arg = &sink;
	load_appends(cfg, &apps);
	eo.append = apps.v;
	eo.nappend = apps.n;
	if ((e = engine_new(st, rs, &eo, &errp)) == NULL) {
		fprintf(stderr, "Error: %s\n", errp);
		goto out;
	}
	if ((d = daemon_start(&(struct daemon_params){ .cli = c, .st = st,
	    .eo = &eo, .replay = !capture_is_live(cap), .stats = source_stats,
	    .stats_arg = cap, .cfg = &cfg, .loader = &l, .engine = &e,
	    .out = &out })) == NULL)
		goto out;

	install_signals();
	if (source_start(cap, st) != 0) {
		outputs_stop(out);
		goto out;
	}
	timeouts_init(&to, cfg);
	limit_ns = (uint64_t)c->duration * 1000000000ULL;
	start_ns = wall_ns();
	while ((r = capture_next(cap, &ev, 100)) >= CAPTURE_IDLE) {
		if (r == CAPTURE_IDLE) {
			/* A quiet live source: time still passes. */
			if (limit_ns > 0 && wall_ns() - start_ns > limit_ns)
				break;
			/* One timeout is one 100 ms wait without an event. */
			(void)timeouts_idle(&to, wall_ns(), out);
			if (daemon_tick(d, wall_ns()) != 0)
				break;
			/* Alerts held for container metadata. */
			engine_tick(e);
		} else {
			if (first_ts == 0)
				first_ts = ev.hdr->ts;
			timeouts_event(&to, ev.hdr->ts);
			if (limit_ns > 0 && ev.hdr->ts > first_ts + limit_ns)
				break;
			if (daemon_tick(d, ev.hdr->ts) != 0)
				break;
			(void)engine_process(e, &ev);
		}
		if (stop_signal != 0) {
			log_info("%s received, exiting...",
			    stop_signal == SIGINT ? "SIGINT" : "SIGTERM");
			break;
		}
	}
	if (r == CAPTURE_ERROR) {
		fprintf(stderr, "Error: %s\n", capture_error(cap));
		outputs_stop(out);
		goto out;
	}
	engine_flush(e);
	daemon_stop(d);
	outputs_stop(out);
	fflush(stdout);
	engine_print_stats(e, stdout);
	fflush(stdout);
	rc = daemon_exit_status(d);
	if (capture_close(cap) != 0)
		rc = 1;
	cap = NULL;
out:
	daemon_free(d);
	engine_free(e);
	container_meta_free(cmeta);
	outputs_free(out);
	state_free(st);
	(void)capture_close(cap);
	rules_loader_free(l);
	appends_free(&apps);
	config_free(cfg);
	free(errp);
	return rc;
}
