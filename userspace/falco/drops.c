/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config/config.h"
#include "falco/drops.h"
#include "outputs/outputs.h"
#include "util/log.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"

#define NS_PER_SEC	1000000000ULL

struct drops {
	struct drops_config	 cfg;
	capture_stats_fn	 fn;
	void			*arg;
	struct token_bucket	 bucket;
	uint64_t		 next_check_ns;	/* 0: not started */
	struct capture_stats	 last;
	uint64_t		 ndetected;	/* seconds with drops */
	uint64_t		 nactions;
};

static const char *const cat_names[DROP_NCATS] = {
	[DROP_CLONE_FORK] = "clone_fork",
	[DROP_EXECVE] = "execve",
	[DROP_CONNECT] = "connect",
	[DROP_OPEN] = "open",
	[DROP_DIR_FILE] = "dir_file",
	[DROP_OTHER_INTEREST] = "other_interest",
	[DROP_CLOSE] = "close",
	[DROP_PROC] = "proc",
};

const char *
drop_cat_name(enum drop_cat c)
{
	return (unsigned)c < DROP_NCATS ? cat_names[c] : NULL;
}

void
token_bucket_init(struct token_bucket *b, double rate, double max_burst,
    uint64_t now_ns)
{
	b->rate = rate;
	b->max_tokens = max_burst;
	b->tokens = max_burst;
	b->last_ns = now_ns;
}

int
token_bucket_claim(struct token_bucket *b, uint64_t now_ns)
{
	if (now_ns > b->last_ns) {
		b->tokens += b->rate * (double)(now_ns - b->last_ns) /
		    (double)NS_PER_SEC;
		if (b->tokens > b->max_tokens)
			b->tokens = b->max_tokens;
		b->last_ns = now_ns;
	}
	if (b->tokens < 1.0)
		return 0;
	b->tokens -= 1.0;
	return 1;
}

int
drops_config_read(const struct config *cfg, struct drops_config *dc,
    struct sbuf *err)
{
	const char **acts;
	size_t n, i;
	int ignore = 0, rc = 0;

	memset(dc, 0, sizeof(*dc));
	dc->threshold = config_double(cfg, "syscall_event_drops.threshold",
	    0.1);
	dc->rate = config_double(cfg, "syscall_event_drops.rate", 0.03333);
	dc->max_burst = config_double(cfg, "syscall_event_drops.max_burst",
	    1);
	dc->simulate = config_bool(cfg, "syscall_event_drops.simulate_drops",
	    0);
	if (dc->threshold < 0 || dc->threshold > 1) {
		sbuf_printf(err, "syscall event drops threshold must be a "
		    "double in the range [0, 1]");
		return -1;
	}
	if (!config_has(cfg, "syscall_event_drops.actions")) {
		dc->actions = DROP_ACT_LOG | DROP_ACT_ALERT;
		return 0;
	}
	acts = config_str_list(cfg, "syscall_event_drops.actions", &n);
	for (i = 0; i < n && rc == 0; i++) {
		if (strcmp(acts[i], "ignore") == 0)
			ignore = 1;
		else if (strcmp(acts[i], "log") == 0)
			dc->actions |= DROP_ACT_LOG;
		else if (strcmp(acts[i], "alert") == 0)
			dc->actions |= DROP_ACT_ALERT;
		else if (strcmp(acts[i], "exit") == 0)
			dc->actions |= DROP_ACT_EXIT;
		else {
			sbuf_printf(err, "invalid syscall event drop action: "
			    "%s", acts[i]);
			rc = -1;
		}
	}
	if (rc == 0 && ignore && dc->actions != 0) {
		sbuf_printf(err, "syscall event drop action \"ignore\" does "
		    "not make sense with other actions");
		rc = -1;
	}
	free(acts);
	return rc;
}

struct drops *
drops_new(const struct drops_config *dc, capture_stats_fn fn, void *arg)
{
	struct drops *d = xcalloc(1, sizeof(*d));

	d->cfg = *dc;
	d->fn = fn;
	d->arg = arg;
	return d;
}

void
drops_set_config(struct drops *d, const struct drops_config *dc)
{
	d->cfg = *dc;
	d->bucket.rate = dc->rate;
	d->bucket.max_tokens = dc->max_burst;
	if (d->bucket.tokens > dc->max_burst)
		d->bucket.tokens = dc->max_burst;
}

void
drops_free(struct drops *d)
{
	free(d);
}

uint64_t
drops_num_actions(const struct drops *d)
{
	return d->nactions;
}

void
drops_print_stats(const struct drops *d, FILE *out)
{
	fprintf(out, "Syscall event drop monitoring:\n");
	fprintf(out, "   - event drop detected: %llu occurrences\n",
	    (unsigned long long)d->ndetected);
	fprintf(out, "   - num times actions taken: %llu\n",
	    (unsigned long long)d->nactions);
}

void
drops_last_stats(const struct drops *d, struct capture_stats *st)
{
	*st = d->last;
}

static void
field_u64(struct alert *a, const char *name, uint64_t v)
{
	char buf[32];

	/* Falco sends these counters as strings. */
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	alert_field_str(a, name, buf);
}

/* Run the actions for one second's delta; -1 for exit. */
static int
perform(struct drops *d, uint64_t ts, const struct capture_stats *dl,
    int ebpf, struct outputs *out)
{
	struct alert *a;
	char msg[160], name[64];
	size_t i;

	snprintf(msg, sizeof(msg), "%s. %llu system calls dropped in last "
	    "second.", ALERT_RULE_DROPS, (unsigned long long)dl->n_drops);
	d->nactions++;
	if (d->cfg.actions & DROP_ACT_LOG)
		log_debug("%s", msg);
	if ((d->cfg.actions & DROP_ACT_ALERT) && out != NULL) {
		a = alert_new_internal(ts, ALERT_DEBUG, ALERT_RULE_DROPS, msg);
		field_u64(a, "n_evts", dl->n_evts);
		field_u64(a, "n_drops", dl->n_drops);
		field_u64(a, "n_drops_buffer_total", dl->n_drops_buffer);
		for (i = 0; i < DROP_NCATS; i++) {
			snprintf(name, sizeof(name), "n_drops_buffer_%s_exit",
			    cat_names[i]);
			field_u64(a, name, dl->n_drops_buffer_cat[i]);
		}
		field_u64(a, "n_drops_scratch_map", dl->n_drops_scratch_map);
		field_u64(a, "n_drops_page_faults", dl->n_drops_page_faults);
		field_u64(a, "n_drops_bug", dl->n_drops_bug);
		alert_field_str(a, "ebpf_enabled", ebpf ? "1" : "0");
		(void)outputs_submit(out, a);
		alert_free(a);
	}
	if (d->cfg.actions & DROP_ACT_EXIT) {
		log_emit(LOG_CRIT, "%s", msg);
		log_emit(LOG_CRIT, "Exiting.");
		return -1;
	}
	return 0;
}

int
drops_due(const struct drops *d, uint64_t ts)
{
	return d->next_check_ns == 0 || ts > d->next_check_ns;
}

int
drops_check(struct drops *d, uint64_t ts, struct outputs *out)
{
	struct capture_stats now, dl;
	size_t i;

	if (d->next_check_ns == 0) {
		d->next_check_ns = ts + NS_PER_SEC;
		token_bucket_init(&d->bucket, d->cfg.rate, d->cfg.max_burst,
		    ts);
		return 0;
	}
	if (ts <= d->next_check_ns)
		return 0;
	d->next_check_ns = ts + NS_PER_SEC;
	/* A source without counters (a replay) reads as no change, which
	   simulate_drops still turns into a drop. */
	memset(&now, 0, sizeof(now));
	if (d->fn != NULL && d->fn(d->arg, &now) != 0)
		now = d->last;
	memset(&dl, 0, sizeof(dl));
	dl.n_evts = now.n_evts - d->last.n_evts;
	dl.n_drops = now.n_drops - d->last.n_drops;
	dl.n_drops_buffer = now.n_drops_buffer - d->last.n_drops_buffer;
	for (i = 0; i < DROP_NCATS; i++)
		dl.n_drops_buffer_cat[i] = now.n_drops_buffer_cat[i] -
		    d->last.n_drops_buffer_cat[i];
	dl.n_drops_scratch_map = now.n_drops_scratch_map -
	    d->last.n_drops_scratch_map;
	dl.n_drops_page_faults = now.n_drops_page_faults -
	    d->last.n_drops_page_faults;
	dl.n_drops_bug = now.n_drops_bug - d->last.n_drops_bug;
	d->last = now;
	if (d->cfg.simulate) {
		log_debug("Simulating syscall event drop");
		dl.n_drops = 1;
	}
	if (dl.n_drops == 0)
		return 0;
	d->ndetected++;
	/*
	 * "ignore" (actions == 0) still goes through the threshold and the
	 * token bucket: the action taken is to do nothing, and Falco counts
	 * it among the actions taken.
	 */
	/* n_evts counts the dropped events too; simulation always fires. */
	if (!d->cfg.simulate && dl.n_evts > 0 &&
	    (double)dl.n_drops / (double)dl.n_evts <= d->cfg.threshold)
		return 0;
	if (!token_bucket_claim(&d->bucket, ts))
		return 0;
	return perform(d, ts, &dl, now.ebpf, out);
}

/* ---- syscall_event_timeouts ---------------------------------------- */

void
timeouts_init(struct timeouts *t, const struct config *cfg)
{
	memset(t, 0, sizeof(*t));
	t->max = (uint64_t)config_int(cfg,
	    "syscall_event_timeouts.max_consecutives", 1000);
}

void
timeouts_event(struct timeouts *t, uint64_t ts)
{
	if (t->first_ts == 0)
		t->first_ts = ts;
	t->n = 0;
}

int
timeouts_idle(struct timeouts *t, uint64_t now, struct outputs *out)
{
	struct alert *a;
	struct tm tm;
	time_t sec;
	char msg[128], when[64];

	if (++t->n <= t->max)
		return 0;
	t->n = 0;
	t->nalerts++;
	snprintf(msg, sizeof(msg), "%s. %llu consecutive timeouts without "
	    "event.", ALERT_RULE_TIMEOUTS, (unsigned long long)t->max);
	if (t->first_ts == 0)
		snprintf(when, sizeof(when), "none");
	else {
		/* Local time of day with nanoseconds, as Falco shows it. */
		sec = (time_t)(t->first_ts / NS_PER_SEC);
		localtime_r(&sec, &tm);
		snprintf(when, sizeof(when), "%02d:%02d:%02d.%09llu",
		    tm.tm_hour, tm.tm_min, tm.tm_sec,
		    (unsigned long long)(t->first_ts % NS_PER_SEC));
	}
	log_debug("%s", msg);
	if (out != NULL) {
		a = alert_new_internal(now, ALERT_DEBUG, ALERT_RULE_TIMEOUTS,
		    msg);
		alert_field_str(a, "last_event_time", when);
		(void)outputs_submit(out, a);
		alert_free(a);
	}
	return 1;
}
