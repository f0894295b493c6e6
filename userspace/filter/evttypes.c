/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Event-type analysis of conditions: the set of event type ids for which
 * a condition can be true, so that the engine evaluates a rule only on
 * those events.
 *
 * and-nodes intersect their children's sets, or-nodes unite them, and a
 * negation is pushed down to the leaves (De Morgan), where it complements
 * the set of an evt.type check and leaves any other check neutral (all
 * types).  evt.num is known to start at 1, so "evt.num = 0" matches no
 * event at all (the never_true idiom of the default rules).
 */
#include <stdlib.h>
#include <string.h>

#include "filter/filter.h"
#include "schema/schema.h"
#include "util/xmalloc.h"

static const struct filter_evtypes *evtypes;

/*
 * Resolved names, cached: the schema's lookup scans every event, and
 * rules name the same few types over and over.  Reset with the resolver.
 */
struct cached {
	char	*name;
	uint8_t	*bm;
	int	 n;
};

static struct cached *cache;
static size_t ncache;

static void
cache_clear(void)
{
	size_t i;

	for (i = 0; i < ncache; i++) {
		free(cache[i].name);
		free(cache[i].bm);
	}
	free(cache);
	cache = NULL;
	ncache = 0;
}

void
filter_set_evtypes(const struct filter_evtypes *ev)
{
	cache_clear();
	evtypes = ev;
}

int
filter_evtype_lookup(const char *name, uint8_t *bm)
{
	size_t i, nbytes;

	if (evtypes == NULL)
		return 0;
	nbytes = (evtypes->nbits + 7) / 8;
	for (i = 0; i < ncache; i++)
		if (strcmp(cache[i].name, name) == 0)
			break;
	if (i == ncache) {
		cache = xreallocarray(cache, ncache + 1, sizeof(*cache));
		cache[ncache].name = xstrdup(name);
		cache[ncache].bm = xcalloc(nbytes + 1, 1);
		cache[ncache].n = evtypes->by_name(name, cache[ncache].bm);
		ncache++;
	}
	for (size_t k = 0; k < nbytes; k++)
		bm[k] |= cache[i].bm[k];
	return cache[i].n;
}

const struct filter_evtypes *
filter_get_evtypes(void)
{
	return evtypes;
}

static int
schema_by_name(const char *name, uint8_t *bm)
{
	int n = schema_events_by_name(name, bm);

	/* A syscall without events of its own is seen as the generic
	 * "syscall" event. */
	if (n == 0 && schema_syscall_by_name(name) >= 0)
		n = schema_events_by_name("syscall", bm) > 0 ? 1 : 0;
	return n;
}

static const char *
schema_name_of(uint16_t id)
{
	const struct schema_event *se = schema_event(id);

	return se != NULL ? se->name : NULL;
}

static const struct filter_evtypes schema_ev = {
	FE_MAX, schema_by_name, schema_name_of
};

const struct filter_evtypes *
filter_schema_evtypes(void)
{
	return &schema_ev;
}

/* ---- analysis ---------------------------------------------------- */

struct eset {
	size_t	 nbytes;
	size_t	 nbits;
};

struct visit {
	const struct filter_evtypes *ev;
	struct eset	 sz;
	int		 negated;
	uint8_t		*all;
};

static uint8_t *
set_new(const struct visit *v, int full)
{
	uint8_t *s = xcalloc(v->sz.nbytes ? v->sz.nbytes : 1, 1);

	if (full)
		memcpy(s, v->all, v->sz.nbytes);
	return s;
}

static void
set_complement(const struct visit *v, uint8_t *s)
{
	size_t i;

	for (i = 0; i < v->sz.nbytes; i++)
		s[i] = (uint8_t)(~s[i] & v->all[i]);
}

static int
is_evttype_field(const struct ast *a)
{
	return a->kind == AST_FIELD && !a->has_arg &&
	    (strcmp(a->str, "evt.type") == 0 ||
	    strcmp(a->str, "syscall.type") == 0);
}

static int
parse_u64(const char *s, unsigned long long *out)
{
	char *end;

	if (*s == '\0' || *s == '-')
		return -1;
	*out = strtoull(s, &end, 0);
	return *end == '\0' ? 0 : -1;
}

/* evt.num invariants: 1 = no event, 2 = every event, 0 = unknown. */
static int
evtnum_invariant(const struct ast *a)
{
	const struct ast *l = a->kids[0], *r = a->kids[1];
	unsigned long long n;
	size_t i;

	if (l->kind != AST_FIELD || l->has_arg ||
	    strcmp(l->str, "evt.num") != 0)
		return 0;
	if (strcmp(a->str, "in") == 0) {
		if (r->kind != AST_LIST)
			return 0;
		for (i = 0; i < r->nvals; i++)
			if (parse_u64(r->vals[i], &n) != 0 || n != 0)
				return 0;
		return 1;
	}
	if (r->kind != AST_VALUE || parse_u64(r->str, &n) != 0)
		return 0;
	if (strcmp(a->str, "=") == 0 || strcmp(a->str, "==") == 0)
		return n == 0 ? 1 : 0;
	if (strcmp(a->str, "!=") == 0)
		return n == 0 ? 2 : 0;
	if (strcmp(a->str, "<") == 0)
		return n <= 1 ? 1 : 0;
	if (strcmp(a->str, "<=") == 0)
		return n == 0 ? 1 : 0;
	if (strcmp(a->str, ">") == 0)
		return n == 0 ? 2 : 0;
	if (strcmp(a->str, ">=") == 0)
		return n <= 1 ? 2 : 0;
	return 0;
}

static uint8_t *visit(struct visit *, const struct ast *);

static uint8_t *
names_set(struct visit *v, const struct ast *r)
{
	uint8_t *s = set_new(v, 0);
	size_t i;

	if (r->kind == AST_VALUE)
		(void)filter_evtype_lookup(r->str, s);
	else
		for (i = 0; i < r->nvals; i++)
			(void)filter_evtype_lookup(r->vals[i], s);
	return s;
}

static uint8_t *
visit(struct visit *v, const struct ast *a)
{
	uint8_t *s, *k;
	size_t i, j;
	int conj, inv;

	switch (a->kind) {
	case AST_AND:
	case AST_OR:
		conj = (a->kind == AST_AND) != v->negated;
		s = set_new(v, conj);
		for (i = 0; i < a->nkids; i++) {
			k = visit(v, a->kids[i]);
			for (j = 0; j < v->sz.nbytes; j++)
				s[j] = conj ? (s[j] & k[j]) : (s[j] | k[j]);
			free(k);
		}
		return s;
	case AST_NOT:
		v->negated = !v->negated;
		s = visit(v, a->kids[0]);
		v->negated = !v->negated;
		return s;
	case AST_BINARY:
		inv = evtnum_invariant(a);
		if (inv != 0) {
			s = set_new(v, inv == 2);
			if (v->negated)
				set_complement(v, s);
			return s;
		}
		if (is_evttype_field(a->kids[0]) &&
		    (strcmp(a->str, "=") == 0 || strcmp(a->str, "==") == 0 ||
		    strcmp(a->str, "!=") == 0 || strcmp(a->str, "in") == 0) &&
		    (a->kids[1]->kind == AST_VALUE ||
		    a->kids[1]->kind == AST_LIST)) {
			s = names_set(v, a->kids[1]);
			if (v->negated != (strcmp(a->str, "!=") == 0))
				set_complement(v, s);
			return s;
		}
		return set_new(v, 1);
	default:
		/* other checks are neutral, negated or not */
		return set_new(v, 1);
	}
}

uint8_t *
filter_evttypes(const struct ast *a, size_t *nbits, size_t *count)
{
	struct visit v;
	uint8_t *s;
	size_t i;

	*count = 0;
	*nbits = 0;
	memset(&v, 0, sizeof(v));
	if ((v.ev = evtypes) == NULL || evtypes->nbits == 0)
		return NULL;
	v.sz.nbits = evtypes->nbits;
	v.sz.nbytes = (evtypes->nbits + 7) / 8;
	v.all = xcalloc(v.sz.nbytes, 1);
	for (i = 0; i < v.sz.nbits; i++) {
		const char *nm = evtypes->name_of != NULL ?
		    evtypes->name_of((uint16_t)i) : "";

		/* unused slots of the id space are no event at all */
		if (nm != NULL && strcmp(nm, "NA") != 0)
			v.all[i / 8] |= (uint8_t)(1u << (i % 8));
	}
	s = visit(&v, a);
	free(v.all);
	for (i = 0; i < v.sz.nbits; i++)
		if (s[i / 8] & (1u << (i % 8)))
			(*count)++;
	*nbits = v.sz.nbits;
	return s;
}
