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

/* The JSON-only fields of a rule (append_output extra_fields). */
struct xfield {
	char		*key;		/* NULL: a plain field */
	struct efmt	*fmt;
};

struct rextra {
	struct xfield	*v;
	size_t		 n;
};

struct engine {
	struct state	*st;
	struct rules_set *rs;
	struct engine_opts opts;
	struct engine_ctx ctx;
	struct efmt	**fmts;		/* by rule id; NULL if not needed */
	struct rextra	*extra;		/* by rule id */
	uint64_t	*counts;	/* by rule id */
	size_t		 nrules;
	struct engine_stats stats;
	struct sbuf	 text;
};

static int
append_matches(const struct engine_append *ap, const struct rule *r)
{
	size_t i, k;

	if (ap->source != NULL && strcmp(ap->source, r->source) != 0)
		return 0;
	if (ap->rule != NULL && strcmp(ap->rule, r->name) != 0)
		return 0;
	for (i = 0; i < ap->ntags; i++) {
		for (k = 0; k < r->ntags; k++)
			if (strcmp(ap->tags[i], r->tags[k]) == 0)
				break;
		if (k == r->ntags)
			return 0;
	}
	return 1;
}

/* The rule's output with the append_output text of matching entries. */
static char *
full_output(const struct engine_opts *o, const struct rule *r)
{
	struct sbuf sb = SBUF_INIT;
	size_t i;

	sbuf_puts(&sb, r->output);
	for (i = 0; i < o->nappend; i++) {
		const struct engine_append *ap = &o->append[i];

		if (!append_matches(ap, r))
			continue;
		if (ap->extra_output != NULL && *ap->extra_output != '\0') {
			sbuf_putc(&sb, ' ');
			sbuf_puts(&sb, ap->extra_output);
		}
		/* What the container support suggests for every rule. */
		if (ap->suggested)
			sbuf_puts(&sb, " container_id=%container.id "
			    "container_name=%container.name");
	}
	return sbuf_detach(&sb);
}

static int
add_extra_fields(struct engine *e, const struct rule *r, char *err,
    size_t errlen)
{
	struct rextra *x = &e->extra[r->id];
	size_t i, k;

	for (i = 0; i < e->opts.nappend; i++) {
		const struct engine_append *ap = &e->opts.append[i];

		if (!append_matches(ap, r))
			continue;
		for (k = 0; k < ap->nextra_fields; k++) {
			const char *f = ap->extra_fields[k];
			const char *eq = strchr(f, '=');
			struct xfield xf;
			char *fmt;

			memset(&xf, 0, sizeof(xf));
			if (eq != NULL) {
				xf.key = xstrndup(f, (size_t)(eq - f));
				fmt = xstrdup(eq + 1);
			} else
				xasprintf(&fmt, "%%%s", f);
			xf.fmt = efmt_compile(fmt, err, errlen);
			free(fmt);
			if (xf.fmt == NULL) {
				free(xf.key);
				return -1;
			}
			x->v = xreallocarray(x->v, x->n + 1, sizeof(*x->v));
			x->v[x->n++] = xf;
		}
	}
	return 0;
}

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
	e->ctx.cmeta = o->cmeta;
	e->nrules = rs != NULL ? rules_count(rs) : 0;
	e->fmts = xcalloc(e->nrules + 1, sizeof(*e->fmts));
	e->counts = xcalloc(e->nrules + 1, sizeof(*e->counts));
	e->extra = xcalloc(e->nrules + 1, sizeof(*e->extra));
	for (i = 0; i < e->nrules; i++) {
		const struct rule *r = rules_get(rs, i);
		char *text;

		if (!r->enabled || strcmp(r->source, "syscall") != 0)
			continue;
		text = full_output(o, r);
		e->fmts[i] = efmt_compile(text, err, sizeof(err));
		free(text);
		if (e->fmts[i] == NULL ||
		    add_extra_fields(e, r, err, sizeof(err)) != 0) {
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
	size_t i, k;

	if (e == NULL)
		return;
	for (i = 0; i < e->nrules; i++) {
		efmt_free(e->fmts[i]);
		for (k = 0; k < e->extra[i].n; k++) {
			free(e->extra[i].v[k].key);
			efmt_free(e->extra[i].v[k].fmt);
		}
		free(e->extra[i].v);
	}
	free(e->fmts);
	free(e->extra);
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
	for (i = 0; r->id < e->nrules && i < e->extra[r->id].n; i++) {
		const struct xfield *xf = &e->extra[r->id].v[i];

		sbuf_reset(&e->text);
		sbuf_put(&e->text, "", 0);
		efmt_render(xf->fmt, &e->ctx, &e->text, xf->key == NULL ? a :
		    NULL);
		if (xf->key != NULL)
			alert_field_strn(a, xf->key, e->text.buf, e->text.len);
	}
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
	/* The rules share macros: their results are kept for this event. */
	filter_cache_next();
	for (i = 0; i < n; i++) {
		const struct rule *r = rv[i];

		if (r->filter == NULL ||
		    !filter_eval_cached(r->filter, &e->ctx))
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
