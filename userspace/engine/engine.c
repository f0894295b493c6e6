/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The per-event loop: state first, then the rules of the event's type in
 * load order, then an alert per match, and the counters behind Falco's
 * end-of-run summary.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "container/container.h"
#include "engine/engine_int.h"
#include "outputs/outputs.h"
#include "rules/rules.h"
#include "schema/schema.h"
#include "state/state.h"
#include "util/log.h"
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

/*
 * A container whose init exec (pid 1 of its pid namespace) ran before
 * its metadata was known: once the runtime answers, the engine injects
 * one container event for it, attributed to that init thread.
 */
struct cwait {
	char		 cid[65];
	int64_t		 tid;		/* the init thread */
};

/* Bound on containers waiting at once (each answer arrives in seconds). */
#define CWAIT_MAX	1024

/*
 * The rules of one event type, their conditions specialised for it
 * (filter_specialize(): evt.type and evt.dir are known once the type
 * is), built at the type's first event.  Rules the type decides false
 * are left out; the order is the rule set's.  The rule set does not
 * change while an engine uses it (see engine_new()).
 */
struct tbucket {
	int		 built;
	size_t		 n;
	const struct rule **rv;
	const struct filter **fv;	/* the condition to run for rv[i] */
	struct filter	**own;		/* fv[i] when specialised, else NULL */
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
	struct cwait	*cwait;
	size_t		 ncwait;
	uint64_t	 cm_answers;	/* container_meta_answers() seen */
	uint64_t	 last_ts;	/* stream time: last event's ts */
	struct sbuf	 cev;		/* the synthetic event's record */
	struct held	*held;		/* alerts waiting for metadata */
	size_t		 nheld;
	struct tbucket	*tb;		/* FE_MAX buckets, by event type */
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
	e->ctx.buf_b64 = o->buffer_b64;
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

static void
bucket_clear(struct tbucket *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		filter_free(b->own[i]);
	free(b->rv);
	free(b->fv);
	free(b->own);
	memset(b, 0, sizeof(*b));
}

static void
bucket_build(struct tbucket *b, uint16_t type, const struct rule *const *rv,
    size_t n)
{
	struct filter_fact facts[64];
	struct filter *sf;
	size_t nf, i;
	int k;

	bucket_clear(b);
	b->built = 1;
	b->rv = xcalloc(n + 1, sizeof(*b->rv));
	b->fv = xcalloc(n + 1, sizeof(*b->fv));
	b->own = xcalloc(n + 1, sizeof(*b->own));
	nf = engine_type_facts(type, facts, sizeof(facts) / sizeof(facts[0]));
	for (i = 0; i < n; i++) {
		/* A rule without a condition never matches. */
		if (rv[i]->filter == NULL)
			continue;
		sf = filter_specialize(rv[i]->filter, facts, nf, &k);
		if (k == 0) {
			filter_free(sf);
			continue;
		}
		b->rv[b->n] = rv[i];
		b->fv[b->n] = sf != NULL ? sf : rv[i]->filter;
		b->own[b->n++] = sf;
	}
}

static void drop_held(struct engine *);

void
engine_free(struct engine *e)
{
	size_t i, k;

	if (e == NULL)
		return;
	for (i = 0; e->tb != NULL && i < FE_MAX; i++)
		bucket_clear(&e->tb[i]);
	free(e->tb);
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
	sbuf_free(&e->cev);
	free(e->cwait);
	drop_held(e);
	free(e);
}

static int hold_alert(struct engine *, const struct rule *);

static void
emit(struct engine *e, const struct rule *r)
{
	struct alert *a;
	size_t i;

	if (e->opts.cmeta != NULL && hold_alert(e, r))
		return;
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

/* The rules of the event's type against the event in e->ctx. */
static size_t
eval_rules(struct engine *e, const struct fevt *ev)
{
	const struct rule *const *rv;
	const struct filter *const *fv = NULL;
	struct tbucket *b;
	uint16_t type = ev->hdr->type;
	size_t n, i, hits = 0;

	if (e->rs == NULL)
		return 0;
	if (type < FE_MAX) {
		if (e->tb == NULL)
			e->tb = xcalloc(FE_MAX, sizeof(*e->tb));
		b = &e->tb[type];
		if (!b->built) {
			rv = rules_for_evttype(e->rs, "syscall", type, &n);
			bucket_build(b, type, rv, n);
		}
		rv = b->rv;
		fv = b->fv;
		n = b->n;
	} else
		rv = rules_for_evttype(e->rs, "syscall", type, &n);
	/* The rules share macros: their results are kept for this event. */
	filter_cache_next();
	for (i = 0; i < n; i++) {
		const struct rule *r = rv[i];
		const struct filter *f = fv != NULL ? fv[i] : r->filter;

		if (f == NULL || !filter_eval_cached(f, &e->ctx))
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

static void
json_put_str(struct json_object *o, const char *key, const char *v)
{
	json_object_object_add(o, key, v != NULL ?
	    json_object_new_string(v) : NULL);
}

/*
 * Build the container event of w in e->cev and parse it into ev: the
 * header at the stream time and one "json" parameter (u32 length, as
 * for every EF_LARGE_PAYLOAD event) describing the container as known
 * now (rec NULL: the runtime did not know it).  Returns 0, or -1 if the
 * record does not parse (a bug; logged).
 */
static int
container_event(struct engine *e, const struct cwait *w,
    const struct container_rec *rec, struct fevt *ev)
{
	struct json_object *root, *c;
	struct fevt_hdr h;
	const char *js, *why;
	uint32_t jl;

	root = json_object_new_object();
	c = json_object_new_object();
	json_put_str(c, "id", rec != NULL ? rec->id : NULL);
	json_put_str(c, "full_id", w->cid);
	if (rec != NULL) {
		json_put_str(c, "type", rec->type);
		json_put_str(c, "name", rec->name);
		json_put_str(c, "image", rec->image);
		json_put_str(c, "imagerepo", rec->image_repo);
		json_put_str(c, "imagetag", rec->image_tag);
		json_put_str(c, "imagedigest", rec->image_digest);
		json_put_str(c, "imageid", rec->image_id);
		json_object_object_add(c, "privileged",
		    json_object_new_boolean(rec->privileged != 0));
	}
	json_object_object_add(c, "lookup_state",
	    json_object_new_string(rec != NULL ? "ready" : "unavailable"));
	json_object_object_add(root, "container", c);
	js = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN);
	jl = (uint32_t)strlen(js) + 1;	/* CHARBUF keeps its NUL */

	memset(&h, 0, sizeof(h));
	h.ts = e->last_ts;
	h.tid = (uint64_t)w->tid;
	h.type = FE_CONTAINER_JSON_2_E;
	h.nparams = 1;
	h.len = (uint32_t)(sizeof(h) + sizeof(jl) + jl);
	sbuf_reset(&e->cev);
	sbuf_put(&e->cev, (const char *)&h, sizeof(h));
	sbuf_put(&e->cev, (const char *)&jl, sizeof(jl));
	sbuf_put(&e->cev, js, jl);
	json_object_put(root);
	if (fevt_parse(ev, e->cev.buf, e->cev.len, &why) != 0) {
		log_err("engine: container event: %s", why);
		return -1;
	}
	return 0;
}

/*
 * Runs before each event when the metadata cache published answers
 * since the last call: every waiting container that is no longer
 * PENDING gets its container event, evaluated like a captured one.
 * The thread is only looked up, never created: the init process may
 * have exited already (podman run --rm img id), and then the event has
 * no thread but container.* still name its container (ctx.ev_cid).
 */
static size_t
inject_container_events(struct engine *e)
{
	struct container_rec *rec;
	enum container_meta_status ms;
	struct fevt ev;
	size_t i = 0, hits = 0;
	uint64_t answers;

	answers = container_meta_answers(e->opts.cmeta);
	if (answers == e->cm_answers)
		return 0;
	e->cm_answers = answers;
	while (i < e->ncwait) {
		struct cwait w = e->cwait[i];

		ms = container_meta_lookup(e->opts.cmeta, w.cid, &rec);
		if (ms == CONTAINER_META_PENDING) {
			i++;
			continue;
		}
		e->cwait[i] = e->cwait[--e->ncwait];
		if (container_event(e, &w, rec, &ev) == 0) {
			e->stats.events++;
			e->ctx.evnum = e->stats.events;
			e->ctx.t = state_thread(e->st, w.tid);
			e->ctx.ev = &ev;
			e->ctx.ev_cid = e->ctx.t == NULL ? w.cid : NULL;
			hits += eval_rules(e, &ev);
			e->ctx.ev_cid = NULL;
			e->ctx.ev = NULL;
			e->ctx.t = NULL;
		}
		container_rec_unref(rec);
	}
	return hits;
}

/* 1 if ev is a successful execve/execveat exit. */
static int
is_exec_ok(const struct fevt *ev)
{
	const struct schema_event *se = schema_event(ev->hdr->type);
	int64_t res;

	if (se == NULL || schema_is_enter(ev->hdr->type) ||
	    (strcmp(se->name, "execve") != 0 &&
	    strcmp(se->name, "execveat") != 0) ||
	    ev->nparams < 1 || ev->plen[0] != sizeof(res))
		return 0;
	memcpy(&res, ev->param[0], sizeof(res));
	return res == 0;
}

/*
 * After an event: the init exec of a container whose metadata is still
 * PENDING starts a wait for its container event.  If the metadata is
 * READY (or known UNAVAILABLE) at that exec, the exec itself carries the
 * container.* fields and no container event follows, so a rule on
 * "exec of vpid 1 or container event" sees each container start once.
 */
static void
note_container_start(struct engine *e, const struct fevt *ev)
{
	const struct st_thread *t = e->ctx.t;
	struct container_rec *rec;
	size_t i;

	if (t == NULL || t->container_id[0] == '\0' || t->vpid != 1 ||
	    !is_exec_ok(ev))
		return;
	for (i = 0; i < e->ncwait; i++)
		if (strcmp(e->cwait[i].cid, t->container_id) == 0)
			return;		/* pid 1 exec'd again: one event */
	if (container_meta_lookup(e->opts.cmeta, t->container_id, &rec) !=
	    CONTAINER_META_PENDING) {
		container_rec_unref(rec);
		return;
	}
	if (e->ncwait == CWAIT_MAX) {
		log_warn("engine: %d containers wait for metadata, no "
		    "container event for %.12s", CWAIT_MAX, t->container_id);
		return;
	}
	if (e->ncwait == 0)
		e->cwait = xreallocarray(e->cwait, CWAIT_MAX,
		    sizeof(*e->cwait));
	memcpy(e->cwait[e->ncwait].cid, t->container_id,
	    sizeof(e->cwait[e->ncwait].cid));
	e->cwait[e->ncwait].tid = t->tid;
	e->ncwait++;
}

/* ---- alerts held for their container's metadata --------------------- */

/*
 * An alert of a container whose metadata lookup was PENDING when it
 * matched: everything but the metadata fields is rendered at once (the
 * event and its thread are gone later); the holes are filled when the
 * cache answers, or with <NA> after hold_ms, and then it is emitted.
 * Only the alert waits: the event loop never does.
 */
struct held_part {
	const struct efmt *fmt;		/* the engine's, outlives this */
	const char	*key;		/* extra field key, or NULL */
	int		 typed;		/* fields go to the alert */
	struct sbuf	 text;
	struct efmt_hole *holes;
	size_t		 nholes;
};

struct held {
	struct alert	*a;
	char		 cid[65];
	struct fevt_hdr	 hdr;		/* for container.duration */
	int64_t		 since;		/* ms, CLOCK_MONOTONIC */
	int64_t		 deadline;
	struct held_part *parts;	/* [0]: the output */
	size_t		 nparts;
};

/* Bound on alerts held at once; more are emitted without waiting. */
#define HELD_MAX		4096
#define HOLD_MS_DEFAULT		500

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
held_part_add(struct engine *e, struct held *h, const struct efmt *fmt,
    const char *key, int typed)
{
	struct held_part *p;

	h->parts = xreallocarray(h->parts, h->nparts + 1, sizeof(*h->parts));
	p = &h->parts[h->nparts++];
	memset(p, 0, sizeof(*p));
	p->fmt = fmt;
	p->key = key;
	p->typed = typed;
	if (fmt != NULL)
		efmt_render_held(fmt, &e->ctx, &p->text, typed ? h->a : NULL,
		    &p->holes, &p->nholes);
}

/*
 * Hold the alert of rule r for the event in e->ctx if its container's
 * metadata is still PENDING and the alert shows some of it.  1 if held
 * (the caller emits nothing), 0 to emit now.
 */
static int
hold_alert(struct engine *e, const struct rule *r)
{
	const struct rextra *x;
	struct container_rec *rec;
	const char *cid;
	struct held *h;
	size_t i;
	int holes;

	if (e->opts.hold_ms < 0 || e->opts.alert == NULL ||
	    r->id >= e->nrules || e->nheld >= HELD_MAX)
		return 0;
	cid = e->ctx.t != NULL ? e->ctx.t->container_id : e->ctx.ev_cid;
	if (cid == NULL || cid[0] == '\0')
		return 0;
	x = &e->extra[r->id];
	holes = efmt_has_holes(e->fmts[r->id]);
	for (i = 0; i < x->n && !holes; i++)
		holes = efmt_has_holes(x->v[i].fmt);
	if (!holes)
		return 0;
	if (container_meta_lookup(e->opts.cmeta, cid, &rec) !=
	    CONTAINER_META_PENDING) {
		container_rec_unref(rec);
		return 0;
	}
	e->held = xreallocarray(e->held, e->nheld + 1, sizeof(*e->held));
	h = &e->held[e->nheld++];
	memset(h, 0, sizeof(*h));
	snprintf(h->cid, sizeof(h->cid), "%s", cid);
	h->hdr = *e->ctx.ev->hdr;
	h->since = mono_ms();
	h->deadline = h->since + (e->opts.hold_ms > 0 ? e->opts.hold_ms :
	    HOLD_MS_DEFAULT);
	h->a = alert_new(e->ctx.ev->hdr->ts, r->priority, r->name, r->source);
	for (i = 0; i < r->ntags; i++)
		alert_add_tag(h->a, r->tags[i]);
	if (e->fmts[r->id] != NULL)
		held_part_add(e, h, e->fmts[r->id], NULL, 1);
	else
		held_part_add(e, h, NULL, NULL, 0);
	for (i = 0; i < x->n; i++)
		held_part_add(e, h, x->v[i].fmt, x->v[i].key,
		    x->v[i].key == NULL);
	return 1;
}

/* Fill the holes of h from the cache as it is now, emit it, free it. */
static void
release(struct engine *e, struct held *h)
{
	struct engine_ctx hc;
	struct sbuf out = SBUF_INIT;
	struct fevt fe;
	size_t i;

	/*
	 * A context that names only the container: the holes are all
	 * container.* and k8s.* fields, which need nothing else.
	 */
	engine_ctx_init(&hc, e->st, e->opts.hostname);
	hc.cmeta = e->opts.cmeta;
	hc.buf_b64 = e->opts.buffer_b64;
	hc.ev_cid = h->cid;
	memset(&fe, 0, sizeof(fe));
	fe.hdr = &h->hdr;
	hc.ev = &fe;
	hc.evnum = 1;
	for (i = 0; i < h->nparts; i++) {
		struct held_part *p = &h->parts[i];

		sbuf_reset(&out);
		sbuf_put(&out, "", 0);
		if (p->fmt != NULL)
			efmt_fill(p->fmt, p->text.buf != NULL ? p->text.buf :
			    "", p->text.len, p->holes, p->nholes, &hc, &out,
			    p->typed ? h->a : NULL);
		if (i == 0)
			alert_set_output(h->a, out.buf);
		else if (p->key != NULL)
			alert_field_strn(h->a, p->key, out.buf, out.len);
		sbuf_free(&p->text);
		free(p->holes);
	}
	free(h->parts);
	engine_ctx_free(&hc);
	sbuf_free(&out);
	log_debug("engine: alert '%s' of container %.12s held %lld ms",
	    h->a->rule, h->cid, (long long)(mono_ms() - h->since));
	e->opts.alert(e->opts.alert_arg, h->a);
	alert_free(h->a);
}

/*
 * Emit the held alerts that can go: their container's lookup is no
 * longer PENDING, their time is up, or all (force).  Alerts keep their
 * order: one that must wait holds back those after it.
 */
static void
release_held(struct engine *e, int force)
{
	struct container_rec *rec;
	int64_t now = mono_ms();
	size_t i;

	for (i = 0; i < e->nheld; i++) {
		struct held *h = &e->held[i];

		if (!force && now < h->deadline) {
			if (container_meta_lookup(e->opts.cmeta, h->cid,
			    &rec) == CONTAINER_META_PENDING)
				break;
			container_rec_unref(rec);
		}
		release(e, h);
	}
	if (i > 0) {
		memmove(e->held, e->held + i, (e->nheld - i) *
		    sizeof(*e->held));
		e->nheld -= i;
	}
}

/* Free what is still held, unsent. */
static void
drop_held(struct engine *e)
{
	size_t i;

	if (e->nheld > 0)
		log_warn("engine: %zu alerts waiting for container metadata "
		    "dropped (engine_flush() was not called)", e->nheld);
	while (e->nheld > 0) {
		struct held *h = &e->held[--e->nheld];

		for (i = 0; i < h->nparts; i++) {
			sbuf_free(&h->parts[i].text);
			free(h->parts[i].holes);
		}
		free(h->parts);
		alert_free(h->a);
	}
	free(e->held);
}

void
engine_tick(struct engine *e)
{
	if (e->nheld > 0)
		release_held(e, 0);
	if (e->opts.cmeta != NULL && e->ncwait > 0)
		(void)inject_container_events(e);
}

void
engine_flush(struct engine *e)
{
	if (e != NULL && e->nheld > 0)
		release_held(e, 1);
}

size_t
engine_process(struct engine *e, const struct fevt *ev)
{
	size_t hits = 0;

	if (e->nheld > 0)
		release_held(e, 0);
	if (e->opts.cmeta != NULL && e->ncwait > 0)
		hits += inject_container_events(e);
	e->stats.events++;
	e->ctx.evnum = e->stats.events;
	if (e->ctx.first_ts == 0)
		e->ctx.first_ts = ev->hdr->ts;
	if (ev->hdr->ts > e->last_ts)
		e->last_ts = ev->hdr->ts;
	e->ctx.t = state_process(e->st, ev);
	e->ctx.ev = ev;
	hits += eval_rules(e, ev);
	if (e->opts.cmeta != NULL)
		note_container_start(e, ev);
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
