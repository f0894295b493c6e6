/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The per-event loop: state first, then the rules of the event's type in
 * load order, then an alert per match, and the counters behind Falco's
 * end-of-run summary.
 */
#include <stdlib.h>
#include <string.h>

#include "engine/engine_int.h"
#include "outputs/outputs.h"
#include "rules/rules.h"
#include "state/state.h"
#include "util/xmalloc.h"

struct engine {
	struct state	*st;
	struct rules_set *rs;
	struct engine_opts opts;
	struct engine_ctx ctx;
	struct efmt	**fmts;		/* by rule id; NULL if not needed */
	uint64_t	*counts;	/* by rule id */
	size_t		 nrules;
	struct engine_stats stats;
	struct sbuf	 text;
};

struct engine *
engine_new(struct state *st, struct rules_set *rs,
    const struct engine_opts *o, char **errp)
{
	struct engine *e = xcalloc(1, sizeof(*e));
	char err[512];
	size_t i;

	engine_fields_init();
	e->st = st;
	e->rs = rs;
	e->opts = *o;
	engine_ctx_init(&e->ctx, st, o->hostname);
	e->nrules = rs != NULL ? rules_count(rs) : 0;
	e->fmts = xcalloc(e->nrules + 1, sizeof(*e->fmts));
	e->counts = xcalloc(e->nrules + 1, sizeof(*e->counts));
	for (i = 0; i < e->nrules; i++) {
		const struct rule *r = rules_get(rs, i);

		if (!r->enabled || strcmp(r->source, "syscall") != 0)
			continue;
		e->fmts[i] = efmt_compile(r->output, err, sizeof(err));
		if (e->fmts[i] == NULL) {
			xasprintf(errp, "rule '%s': %s", r->name, err);
			engine_free(e);
			return NULL;
		}
	}
	return e;
}

void
engine_free(struct engine *e)
{
	size_t i;

	if (e == NULL)
		return;
	for (i = 0; i < e->nrules; i++)
		efmt_free(e->fmts[i]);
	free(e->fmts);
	free(e->counts);
	engine_ctx_free(&e->ctx);
	sbuf_free(&e->text);
	free(e);
}

static void
emit(struct engine *e, const struct rule *r)
{
	struct alert *a;
	size_t i;

	a = alert_new(e->ctx.ev->hdr->ts, r->priority, r->name, r->source);
	for (i = 0; i < r->ntags; i++)
		alert_add_tag(a, r->tags[i]);
	sbuf_reset(&e->text);
	sbuf_put(&e->text, "", 0);
	if (e->fmts[r->id] != NULL)
		efmt_render(e->fmts[r->id], &e->ctx, &e->text, a);
	alert_set_output(a, e->text.buf);
	e->opts.alert(e->opts.alert_arg, a);
	alert_free(a);
}

size_t
engine_process(struct engine *e, const struct fevt *ev)
{
	const struct rule *const *rv;
	size_t n, i, hits = 0;

	e->stats.events++;
	e->ctx.evnum = e->stats.events;
	if (e->ctx.first_ts == 0)
		e->ctx.first_ts = ev->hdr->ts;
	e->ctx.t = state_process(e->st, ev);
	e->ctx.ev = ev;
	if (e->rs == NULL)
		return 0;
	rv = rules_for_evttype(e->rs, "syscall", ev->hdr->type, &n);
	for (i = 0; i < n; i++) {
		const struct rule *r = rv[i];

		if (r->filter == NULL || !filter_eval(r->filter, &e->ctx))
			continue;
		hits++;
		e->stats.detections++;
		if (r->priority >= 0 && r->priority < 8)
			e->stats.by_priority[r->priority]++;
		if (r->id < e->nrules)
			e->counts[r->id]++;
		if (e->opts.alert != NULL)
			emit(e, r);
		if (!e->opts.match_all)
			break;
	}
	return hits;
}

void
engine_get_stats(const struct engine *e, struct engine_stats *st)
{
	*st = e->stats;
}

uint64_t
engine_rule_count(const struct engine *e, size_t id)
{
	return id < e->nrules ? e->counts[id] : 0;
}

/* The short priority names of the summary ("INFO", not
   "Informational"). */
static const char *const short_prio[8] = {
	"EMERGENCY", "ALERT", "CRITICAL", "ERROR", "WARNING", "NOTICE",
	"INFO", "DEBUG"
};

void
engine_print_stats(const struct engine *e, FILE *out)
{
	size_t i;
	int p;

	fprintf(out, "Events detected: %llu\n",
	    (unsigned long long)e->stats.detections);
	fprintf(out, "Rule counts by severity:\n");
	for (p = 0; p < 8; p++) {
		if (e->stats.by_priority[p] == 0)
			continue;
		fprintf(out, "   %s: %llu\n", short_prio[p],
		    (unsigned long long)e->stats.by_priority[p]);
	}
	fprintf(out, "Triggered rules by rule name:\n");
	for (i = 0; i < e->nrules; i++) {
		if (e->counts[i] == 0)
			continue;
		fprintf(out, "   %s: %llu\n", rules_get(e->rs, i)->name,
		    (unsigned long long)e->counts[i]);
	}
}
