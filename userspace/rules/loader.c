/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The rules loader: reads items from YAML into a collector that persists
 * across files, then compiles the whole collection after each file.
 *
 * Ordering rules (Falco's):
 * - a redefinition replaces an item in place, keeping its position;
 * - append/override need an earlier definition;
 * - a list item naming an earlier list is replaced by that list's items;
 * - lists are substituted into conditions textually, in definition order;
 * - a macro sees the macros defined before it, a rule sees all macros.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "filter/filter.h"
#include "rules/rules_int.h"
#include "rules/yaml.h"
#include "util/log.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"

#define MAX_VISIBILITY	((size_t)-1)

/* ---- collector types --------------------------------------------- */

struct exc_entry {
	int		 valid;
	int		 is_list;
	const char	*item;
	struct exc_entry *items;
	size_t		 nitems;
};

struct exc_info {
	const struct ctx *ctx;
	const char	*name;
	struct exc_entry fields;
	struct exc_entry comps;
	struct exc_entry *values;
	size_t		 nvalues;
	int		 has_values;
};

struct list_info {
	const struct ctx *ctx;
	const char	*name;
	const char	**items;
	size_t		 nitems;
	size_t		 index, visibility;
};

struct macro_info {
	const struct ctx *ctx, *cond_ctx;
	const char	*name;
	const char	*cond;
	size_t		 index, visibility;
};

struct rule_info {
	const struct ctx *ctx, *cond_ctx, *output_ctx;
	const char	*name, *cond, *output, *desc, *source;
	const char	**tags;
	size_t		 ntags;
	struct exc_info	*excs;
	size_t		 nexcs;
	int		 priority;
	int		 enabled, capture, warn_evttypes, skip_unknown;
	uint64_t	 capture_duration;
	int		 unknown_source;
	size_t		 index, visibility;
};

/* What an append/override item carries; has_* say which keys it set. */
struct rule_update {
	const struct ctx *ctx;
	const char	*name;
	const char	*source;
	const char	*cond, *output, *desc;
	int		 has_tags, has_excs, has_prio, has_capture, has_cd,
			 has_enabled, has_warn, has_skip;
	const char	**tags;
	size_t		 ntags;
	struct exc_info	*excs;
	size_t		 nexcs;
	int		 priority, capture, enabled, warn, skip;
	uint64_t	 capture_duration;
};

struct compiled_set;

/* One required_plugin_versions entry: name, version pairs. */
struct plugin_req {
	const char	**alts;
	size_t		 nalts;		/* 2 per alternative */
};

struct rules_loader {
	struct arena	 mem;
	struct content	*contents;
	size_t		 ncontents;
	char		**sources;
	size_t		 nsources;
	struct list_info *lists;
	size_t		 nlists;
	struct macro_info *macros;
	size_t		 nmacros;
	struct rule_info *rules;
	size_t		 nrules;
	size_t		 cur_index;
	struct rules_set *set;
	struct plugin_req **reqs;
	size_t		 nreqs;
};

/* Load state of one file. */
struct lstate {
	struct rules_loader *l;
	struct rules_result *res;
	struct arena	*mem;
	const char	*name;
};

#define FAIL(st, code, c, ...) do {					\
	result_error((st)->res, (code), (c), __VA_ARGS__);		\
	return -1;							\
} while (0)

/* memcpy that accepts a NULL source when there is nothing to copy */
static void
copy_n(void *dst, const void *src, size_t n)
{
	if (n > 0)
		memcpy(dst, src, n);
}

/* ---- contexts ---------------------------------------------------- */

static const struct ctx *
ctx_root(struct lstate *st)
{
	struct ctx *c = amalloc(st->mem, sizeof(*c));

	c->locs = amalloc(st->mem, sizeof(*c->locs));
	c->nlocs = 1;
	c->locs[0].type = CT_RULES_CONTENT;
	c->locs[0].name = st->name;
	c->locs[0].item_name = "";
	return c;
}

static const struct ctx *
ctx_at(struct lstate *st, const struct ctx *parent, size_t line, size_t col,
    size_t off, enum ctx_type t, const char *item_name)
{
	struct ctx *c = amalloc(st->mem, sizeof(*c));

	c->nlocs = parent->nlocs + 1;
	c->locs = amalloc(st->mem, c->nlocs * sizeof(*c->locs));
	memcpy(c->locs, parent->locs, parent->nlocs * sizeof(*c->locs));
	c->locs[parent->nlocs].type = t;
	c->locs[parent->nlocs].name = parent->locs[0].name;
	c->locs[parent->nlocs].item_name = astrdup(st->mem,
	    item_name != NULL ? item_name : "");
	c->locs[parent->nlocs].line = line;
	c->locs[parent->nlocs].col = col;
	c->locs[parent->nlocs].off = off;
	return c;
}

static const struct ctx *
ctx_node(struct lstate *st, const struct ctx *parent, const struct ynode *n,
    enum ctx_type t, const char *item_name)
{
	if (n == NULL)
		return ctx_at(st, parent, parent->locs[parent->nlocs - 1].line,
		    parent->locs[parent->nlocs - 1].col,
		    parent->locs[parent->nlocs - 1].off, t, item_name);
	return ctx_at(st, parent, n->line, n->col, n->off, t, item_name);
}

/*
 * Where offset idx of a condition is in the file being loaded, given the
 * location of the YAML scalar the condition came from: 0 and *line,
 * *col, *off (0-based, as every location of a load result), or -1 when
 * the text does not match the file (lists inlined, exceptions added, a
 * macro expanded, escapes in a quoted scalar).  Folding and indentation
 * only change blanks, so the walk compares the non-blank characters.
 */
static int
cond_file_pos(struct lstate *st, const struct loc *at, const char *cond,
    size_t idx, size_t *line, size_t *col, size_t *off)
{
	const struct content *ct;
	const char *text;
	size_t len, fo, i, nl, lastnl;

	if (st->l->ncontents == 0)
		return -1;
	ct = &st->l->contents[st->l->ncontents - 1];
	if (strcmp(ct->name, at->name) != 0)
		return -1;
	text = ct->text;
	len = ct->len;
	if ((fo = at->off) >= len || idx > strlen(cond))
		return -1;
	if (text[fo] == '>' || text[fo] == '|') {
		while (fo < len && text[fo] != '\n')
			fo++;
	} else if (text[fo] == '"' || text[fo] == '\'')
		fo++;
	while (cond[idx] != '\0' && isspace((unsigned char)cond[idx]))
		idx++;
	if (cond[idx] == '\0')
		return -1;
	for (i = 0; i <= idx; i++) {
		if (isspace((unsigned char)cond[i]))
			continue;
		while (fo < len && isspace((unsigned char)text[fo]))
			fo++;
		if (fo >= len || text[fo] != cond[i])
			return -1;
		if (i < idx)
			fo++;
	}
	nl = 0;
	lastnl = 0;
	for (i = at->off; i < fo; i++)
		if (text[i] == '\n') {
			nl++;
			lastnl = i;
		}
	*line = at->line + nl;
	*col = nl == 0 ? at->col + (fo - at->off) : fo - lastnl - 1;
	*off = fo;
	return 0;
}

/*
 * Context of a position inside a condition or an output (parser
 * positions: offset 0-based, line and column 1-based).  The location is
 * the file's line and column of that position, 0-based like the others
 * (Falco adds the parser's 1-based numbers to the scalar's 0-based ones
 * and draws the caret at the file offset inside the condition text, so
 * its caret and column miss the token); the snippet is the expression
 * with the caret under the position.
 */
static const struct ctx *
ctx_expr(struct lstate *st, const struct ctx *parent, struct ast_pos pos,
    const char *cond, enum ctx_type type)
{
	const struct loc *last = &parent->locs[parent->nlocs - 1];
	size_t line, col, off;
	struct ctx *c;
	char *name, *p;

	if (strlen(cond) > 20)
		name = aprintf(st->mem, "\"%.17s...\"", cond);
	else
		name = aprintf(st->mem, "\"%s\"", cond);
	for (p = name; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	if (cond_file_pos(st, last, cond, pos.idx, &line, &col, &off) != 0) {
		/* the parser's line and column, from the scalar's start */
		line = last->line + (pos.line > 1 ? pos.line - 1 : 0);
		col = pos.line > 1 ? pos.col - 1 :
		    last->col + (pos.col > 0 ? pos.col - 1 : 0);
		off = last->off + pos.idx;
	}
	c = (struct ctx *)ctx_at(st, parent, line, col, off, type, "");
	c->locs[c->nlocs - 1].name = name;
	c->alt = astrdup(st->mem, cond);
	c->alt_off = pos.idx;
	return c;
}

static const struct ctx *
ctx_cond(struct lstate *st, const struct ctx *parent, struct ast_pos pos,
    const char *cond)
{
	return ctx_expr(st, parent, pos, cond, CT_CONDITION_EXPRESSION);
}

/* ---- decoding helpers -------------------------------------------- */

static int
decode_str(struct lstate *st, const struct ynode *item, const char *key,
    const char **out, const struct ctx *c, int optional, int can_be_empty)
{
	const struct ynode *v = ymap_get(item, key);
	const struct ctx *vc;

	if (v == NULL) {
		if (optional)
			return 0;
		FAIL(st, LOAD_ERR_YAML_VALIDATE, c,
		    "Item has no mapping for key '%s'", key);
	}
	if (v->kind == Y_NULL && can_be_empty) {
		*out = "";
		return 0;
	}
	if (v->kind == Y_NULL)
		FAIL(st, LOAD_ERR_YAML_VALIDATE, c,
		    "Mapping for key '%s' is empty", key);
	vc = ctx_node(st, c, v, CT_VALUE_FOR, key);
	if (v->kind != Y_SCALAR)
		FAIL(st, LOAD_ERR_YAML_VALIDATE, vc,
		    "Value is not a scalar value");
	if (*v->str == '\0' && can_be_empty) {
		*out = "";
		return 0;
	}
	if (*v->str == '\0')
		FAIL(st, LOAD_ERR_YAML_VALIDATE, vc, "Value must be non-empty");
	*out = astrdup(st->mem, v->str);
	return 0;
}

/* Returns 1 if decoded, 0 if absent (optional), -1 on error. */
static int
decode_bool(struct lstate *st, const struct ynode *item, const char *key,
    int *out, const struct ctx *c, int optional)
{
	const char *s = NULL;
	const struct ynode *v = ymap_get(item, key);

	if (v == NULL && optional)
		return 0;
	if (decode_str(st, item, key, &s, c, 0, 0) != 0)
		return -1;
	if (yscalar_bool(v, out) != 0)
		FAIL(st, LOAD_ERR_YAML_VALIDATE, ctx_node(st, c, v,
		    CT_VALUE_FOR, key), "Can't decode YAML scalar value");
	return 1;
}

static int
decode_u64(struct lstate *st, const struct ynode *item, const char *key,
    uint64_t *out, const struct ctx *c, int optional)
{
	const char *s = NULL;
	const struct ynode *v = ymap_get(item, key);

	if (v == NULL && optional)
		return 0;
	if (decode_str(st, item, key, &s, c, 0, 0) != 0)
		return -1;
	if (yscalar_u64(v, out) != 0)
		FAIL(st, LOAD_ERR_YAML_VALIDATE, ctx_node(st, c, v,
		    CT_VALUE_FOR, key), "Can't decode YAML scalar value");
	return 1;
}

static int
decode_seq(struct lstate *st, const struct ynode *item, const char *key,
    const char ***out, size_t *n, const struct ctx *c, int optional)
{
	const struct ynode *v = ymap_get(item, key);
	const struct ctx *vc;
	size_t i;

	*out = NULL;
	*n = 0;
	if (v == NULL) {
		if (optional)
			return 0;
		FAIL(st, LOAD_ERR_YAML_VALIDATE, c,
		    "Item has no mapping for key '%s'", key);
	}
	vc = ctx_node(st, c, v, CT_VALUE_FOR, key);
	if (v->kind != Y_SEQ)
		FAIL(st, LOAD_ERR_YAML_VALIDATE, vc, "Value is not a sequence");
	*out = amalloc(st->mem, (v->nitems + 1) * sizeof(**out));
	for (i = 0; i < v->nitems; i++) {
		const struct ynode *it = v->items[i];

		if (it->kind != Y_SCALAR && it->kind != Y_NULL)
			FAIL(st, LOAD_ERR_YAML_VALIDATE, ctx_node(st, vc, it,
			    CT_LIST_ITEM, ""), "sequence value is not scalar");
		(*out)[(*n)++] = astrdup(st->mem, it->str);
	}
	return 0;
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sort and remove duplicates (tags are a set). */
static void
uniq_sorted(const char **v, size_t *n)
{
	size_t i, j;

	if (*n == 0)
		return;
	qsort(v, *n, sizeof(*v), str_cmp);
	for (i = j = 1; i < *n; i++)
		if (strcmp(v[i], v[j - 1]) != 0)
			v[j++] = v[i];
	*n = j;
}

/* ---- exceptions -------------------------------------------------- */

static int
decode_exc_entry(struct lstate *st, const struct ynode *v, const char *key,
    struct exc_entry *out, const struct ctx *c)
{
	const struct ctx *vc = ctx_node(st, c, v, CT_VALUE_FOR,
	    key != NULL ? key : "");
	size_t i;

	memset(out, 0, sizeof(*out));
	out->valid = 1;
	if (v->kind == Y_SCALAR || v->kind == Y_NULL) {
		if (*v->str == '\0')
			FAIL(st, LOAD_ERR_YAML_VALIDATE, vc,
			    "Value must be non-empty");
		out->item = astrdup(st->mem, v->str);
		return 0;
	}
	if (v->kind == Y_SEQ) {
		out->is_list = 1;
		out->items = amalloc(st->mem, (v->nitems + 1) *
		    sizeof(*out->items));
		for (i = 0; i < v->nitems; i++) {
			const struct ctx *lc = ctx_node(st, vc, v->items[i],
			    CT_EXCEPTION, "");

			if (decode_exc_entry(st, v->items[i], NULL,
			    &out->items[i], lc) != 0)
				return -1;
		}
		out->nitems = v->nitems;
		return 0;
	}
	/* yaml-cpp's decoding leaves a map entry empty but "defined" */
	out->valid = 1;
	return 0;
}

static int
read_exceptions(struct lstate *st, const struct ynode *item,
    struct exc_info **out, size_t *n, const struct ctx *parent, int append)
{
	const struct ynode *exs = ymap_get(item, "exceptions"), *ex, *f, *cp,
	    *vals;
	const struct ctx *ec, *tmp, *xc, *vc;
	const char *name;
	struct exc_info *e;
	size_t i, j, k;

	*out = NULL;
	*n = 0;
	if (exs == NULL || exs->kind == Y_NULL)
		return 0;
	ec = ctx_node(st, parent, exs, CT_EXCEPTIONS, "");
	if (exs->kind != Y_SEQ)
		FAIL(st, LOAD_ERR_YAML_VALIDATE, ec,
		    "Rule exceptions must be a sequence");
	*out = amalloc(st->mem, (exs->nitems + 1) * sizeof(**out));
	for (i = 0; i < exs->nitems; i++) {
		ex = exs->items[i];
		tmp = ctx_node(st, ec, ex, CT_EXCEPTION, "");
		if (ex->kind != Y_MAP)
			FAIL(st, LOAD_ERR_YAML_VALIDATE, tmp,
			    "Rule exception must be a mapping");
		if (decode_str(st, ex, "name", &name, tmp, 0, 0) != 0)
			return -1;
		xc = ctx_node(st, parent, ex, CT_EXCEPTION, name);
		for (k = 0; k < *n; k++)
			if (strcmp((*out)[k].name, name) == 0)
				result_warning(st->res,
				    LOAD_EXCEPTION_NAME_NOT_UNIQUE, xc,
				    "Multiple definitions of exception '%s' "
				    "in the same rule", name);
		e = &(*out)[*n];
		e->ctx = xc;
		e->name = name;
		for (k = 0; k + 1 < ex->nitems; k += 2) {
			const char *key = ex->items[k]->str != NULL ?
			    ex->items[k]->str : "";

			/* Falco only checks schema here; a typo such as
			 * "value:" silently did nothing (falco#2354). */
			if (strcmp(key, "name") != 0 &&
			    strcmp(key, "fields") != 0 &&
			    strcmp(key, "comps") != 0 &&
			    strcmp(key, "values") != 0)
				result_warning(st->res, LOAD_UNKNOWN_KEY, xc,
				    "Unknown key '%s'. The key will be "
				    "ignored.", key);
		}
		f = ymap_get(ex, "fields");
		if (f == NULL && !append)
			FAIL(st, LOAD_ERR_YAML_VALIDATE, xc,
			    "Item has no mapping for key 'fields'");
		if (f != NULL && decode_exc_entry(st, f, "fields", &e->fields,
		    xc) != 0)
			return -1;
		cp = ymap_get(ex, "comps");
		if (cp != NULL && decode_exc_entry(st, cp, "comps", &e->comps,
		    xc) != 0)
			return -1;
		vals = ymap_get(ex, "values");
		if (vals != NULL) {
			vc = ctx_node(st, xc, vals, CT_EXCEPTION_VALUES, "");
			e->has_values = 1;
			if (vals->kind != Y_SEQ)
				FAIL(st, LOAD_ERR_YAML_VALIDATE, vc,
				    "Rule exception values must be a sequence");
			e->values = amalloc(st->mem, (vals->nitems + 1) *
			    sizeof(*e->values));
			for (j = 0; j < vals->nitems; j++) {
				const struct ctx *c1 = ctx_node(st, vc,
				    vals->items[j], CT_EXCEPTION_VALUE, "");

				if (decode_exc_entry(st, vals->items[j], NULL,
				    &e->values[j], c1) != 0)
					return -1;
			}
			e->nvalues = vals->nitems;
		} else if (append) {
			result_warning(st->res, LOAD_APPEND_NO_VALUES, xc,
			    "Overriding/appending exception with no values");
		}
		(*n)++;
	}
	return 0;
}

static void
normalize_comp(struct lstate *st, struct exc_entry *c)
{
	const char *s = c->item;
	size_t n;

	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	n = strlen(s);
	while (n > 0 && strchr(" \t\r\n", s[n - 1]) != NULL)
		n--;
	c->item = astrndup(st->mem, s, n);
}

static int
valid_lhs_field(const char *f)
{
	struct filter_err err;
	struct ast *a;
	char *cond;
	int ok = 0;

	/* A field, possibly with transformers: parse "<f> exists". */
	xasprintf(&cond, "%s exists", f);
	a = filter_parse(cond, 0, &err);
	free(cond);
	if (a != NULL && a->kind == AST_UNARY) {
		struct filter *flt = filter_compile(a, &err, NULL, 0, NULL);

		ok = flt != NULL;
		filter_free(flt);
	}
	ast_free(a);
	return ok;
}

static int
validate_exception(struct lstate *st, struct exc_info *e, int known_source)
{
	size_t i;

	if (e->fields.is_list) {
		if (!e->comps.valid) {
			e->comps.valid = 1;
			e->comps.is_list = 1;
			e->comps.nitems = e->fields.nitems;
			e->comps.items = amalloc(st->mem, (e->fields.nitems +
			    1) * sizeof(*e->comps.items));
			for (i = 0; i < e->fields.nitems; i++) {
				e->comps.items[i].valid = 1;
				e->comps.items[i].item = "=";
			}
		}
		if (e->fields.nitems != e->comps.nitems)
			FAIL(st, LOAD_ERR_VALIDATE, e->ctx,
			    "Fields and comps lists must have equal length");
		for (i = 0; i < e->comps.nitems; i++) {
			struct exc_entry *c = &e->comps.items[i];

			if (c->item == NULL)
				c->item = "";
			normalize_comp(st, c);
			if (!filter_is_operator(c->item) &&
			    !filter_is_str_op_with_modifier(c->item))
				FAIL(st, LOAD_ERR_VALIDATE, e->ctx,
				    "'%s' is not a supported comparison "
				    "operator", c->item);
		}
		if (known_source) {
			for (i = 0; i < e->fields.nitems; i++) {
				const char *f = e->fields.items[i].item;

				if (f == NULL || !valid_lhs_field(f))
					FAIL(st, LOAD_ERR_VALIDATE, e->ctx,
					    "'%s' is not a supported filter "
					    "field", f != NULL ? f : "");
			}
		}
	} else {
		if (!e->comps.valid) {
			e->comps.valid = 1;
			e->comps.item = "in";
		}
		if (e->comps.is_list)
			FAIL(st, LOAD_ERR_VALIDATE, e->ctx,
			    "Fields and comps must both be strings");
		if (e->comps.item == NULL)
			e->comps.item = "";
		normalize_comp(st, &e->comps);
		if (strcmp(e->comps.item, "in") != 0 &&
		    strcmp(e->comps.item, "pmatch") != 0 &&
		    strcmp(e->comps.item, "intersects") != 0 &&
		    !filter_is_str_op_with_modifier(e->comps.item))
			FAIL(st, LOAD_ERR_VALIDATE, e->ctx,
			    "When fields is a single value, comps must be one "
			    "of (in, pmatch, intersects) or a modifier "
			    "operator (e.g. startswith oneof)");
		if (known_source && (e->fields.item == NULL ||
		    !valid_lhs_field(e->fields.item)))
			FAIL(st, LOAD_ERR_VALIDATE, e->ctx,
			    "'%s' is not a supported filter field",
			    e->fields.item != NULL ? e->fields.item : "");
	}
	return 0;
}

/* ---- collector --------------------------------------------------- */

static int
source_known(const struct rules_loader *l, const char *s)
{
	size_t i;

	for (i = 0; i < l->nsources; i++)
		if (strcmp(l->sources[i], s) == 0)
			return 1;
	return 0;
}

static struct list_info *
find_list(struct rules_loader *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->nlists; i++)
		if (strcmp(l->lists[i].name, name) == 0)
			return &l->lists[i];
	return NULL;
}

static struct macro_info *
find_macro(struct rules_loader *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->nmacros; i++)
		if (strcmp(l->macros[i].name, name) == 0)
			return &l->macros[i];
	return NULL;
}

static struct rule_info *
find_rule(struct rules_loader *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->nrules; i++)
		if (strcmp(l->rules[i].name, name) == 0)
			return &l->rules[i];
	return NULL;
}

static struct rule_info *
find_prev_rule(struct lstate *st, const char *name, const char *source,
    const struct ctx *c, int *err)
{
	struct rule_info *r = find_rule(st->l, name);

	*err = 0;
	if (r != NULL && *r->source != '\0' && source != NULL &&
	    *source != '\0' && strcmp(r->source, source) != 0) {
		result_error(st->res, LOAD_ERR_VALIDATE, c,
		    "Rule has been re-defined with a different source");
		*err = 1;
	}
	return r;
}

static void
define_list(struct lstate *st, struct list_info *info)
{
	struct rules_loader *l = st->l;
	struct list_info *prev = find_list(l, info->name);
	size_t id = l->cur_index++;

	if (prev != NULL) {
		info->index = prev->index;
		info->visibility = id;
		*prev = *info;
		return;
	}
	info->index = info->visibility = id;
	l->lists = xreallocarray(l->lists, l->nlists + 1, sizeof(*l->lists));
	l->lists[l->nlists++] = *info;
}

static void
define_macro(struct lstate *st, struct macro_info *info)
{
	struct rules_loader *l = st->l;
	struct macro_info *prev = find_macro(l, info->name);
	size_t id = l->cur_index++;

	if (prev != NULL) {
		info->index = prev->index;
		info->visibility = id;
		*prev = *info;
		return;
	}
	info->index = info->visibility = id;
	l->macros = xreallocarray(l->macros, l->nmacros + 1,
	    sizeof(*l->macros));
	l->macros[l->nmacros++] = *info;
}

static int
define_rule(struct lstate *st, struct rule_info *info)
{
	struct rules_loader *l = st->l;
	struct rule_info *prev;
	size_t i, id;
	int err;

	prev = find_prev_rule(st, info->name, info->source, info->ctx, &err);
	if (err)
		return -1;
	if (!source_known(l, info->source)) {
		info->unknown_source = 1;
		result_warning(st->res, LOAD_UNKNOWN_SOURCE, info->ctx,
		    "Unknown source %s, skipping", info->source);
	}
	for (i = 0; i < info->nexcs; i++) {
		if (!info->excs[i].fields.valid)
			FAIL(st, LOAD_ERR_VALIDATE, info->excs[i].ctx,
			    "Rule exception item must have fields property "
			    "with a list of fields");
		if (validate_exception(st, &info->excs[i],
		    !info->unknown_source) != 0)
			return -1;
	}
	id = l->cur_index++;
	if (prev != NULL) {
		info->index = prev->index;
		info->visibility = id;
		*prev = *info;
		return 0;
	}
	info->index = info->visibility = id;
	l->rules = xreallocarray(l->rules, l->nrules + 1, sizeof(*l->rules));
	l->rules[l->nrules++] = *info;
	return 0;
}

static const char *
join_space(struct lstate *st, const char *a, const char *b)
{
	return aprintf(st->mem, "%s %s", a, b);
}

static int
append_rule(struct lstate *st, struct rule_update *u)
{
	struct rule_info *prev;
	const char **tags;
	struct exc_info *ex;
	size_t i, k;
	int err, known;

	prev = find_prev_rule(st, u->name, u->source, u->ctx, &err);
	if (err)
		return -1;
	if (prev == NULL)
		FAIL(st, LOAD_ERR_VALIDATE, u->ctx, "Rule uses 'append' or "
		    "'override.<key>: append' but no rule by that name "
		    "already exists");
	if (u->cond == NULL && u->output == NULL && u->desc == NULL &&
	    !u->has_tags && !u->has_excs && !u->has_prio && !u->has_capture &&
	    !u->has_cd && !u->has_enabled && !u->has_warn && !u->has_skip)
		FAIL(st, LOAD_ERR_VALIDATE, u->ctx,
		    "Appended rule must have exceptions or condition property");
	known = !prev->unknown_source;
	if (u->cond != NULL && *u->cond != '\0')
		prev->cond = join_space(st, prev->cond, u->cond);
	if (u->output != NULL && *u->output != '\0')
		prev->output = join_space(st, prev->output, u->output);
	if (u->desc != NULL && *u->desc != '\0')
		prev->desc = join_space(st, prev->desc, u->desc);
	if (u->has_tags) {
		tags = amalloc(st->mem, (prev->ntags + u->ntags + 1) *
		    sizeof(*tags));
		copy_n(tags, prev->tags, prev->ntags * sizeof(*tags));
		copy_n(tags + prev->ntags, u->tags, u->ntags * sizeof(*tags));
		prev->tags = tags;
		prev->ntags += u->ntags;
		uniq_sorted(prev->tags, &prev->ntags);
	}
	for (i = 0; u->has_excs && i < u->nexcs; i++) {
		struct exc_info *e = &u->excs[i];

		for (k = 0; k < prev->nexcs; k++)
			if (strcmp(prev->excs[k].name, e->name) == 0)
				break;
		if (k == prev->nexcs) {
			if (!e->fields.valid)
				FAIL(st, LOAD_ERR_VALIDATE, e->ctx,
				    "Rule exception must have fields property "
				    "with a list of fields");
			if (e->nvalues == 0)
				FAIL(st, LOAD_ERR_VALIDATE, e->ctx,
				    "Rule exception must have values property "
				    "with a list of values");
			if (validate_exception(st, e, known) != 0)
				return -1;
			ex = amalloc(st->mem, (prev->nexcs + 1) *
			    sizeof(*ex));
			copy_n(ex, prev->excs, prev->nexcs * sizeof(*ex));
			ex[prev->nexcs] = *e;
			prev->excs = ex;
			prev->nexcs++;
		} else {
			struct exc_info *pe = &prev->excs[k];
			struct exc_entry *nv;

			if (e->fields.valid)
				FAIL(st, LOAD_ERR_VALIDATE, e->ctx,
				    "Can not append exception fields to "
				    "existing exception, only values");
			if (e->comps.valid)
				FAIL(st, LOAD_ERR_VALIDATE, e->ctx,
				    "Can not append exception comps to "
				    "existing exception, only values");
			nv = amalloc(st->mem, (pe->nvalues + e->nvalues + 1) *
			    sizeof(*nv));
			if (pe->nvalues > 0)
				memcpy(nv, pe->values,
				    pe->nvalues * sizeof(*nv));
			if (e->nvalues > 0)
				memcpy(nv + pe->nvalues, e->values,
				    e->nvalues * sizeof(*nv));
			pe->values = nv;
			pe->nvalues += e->nvalues;
		}
	}
	prev->visibility = st->l->cur_index++;
	return 0;
}

static int
replace_rule(struct lstate *st, struct rule_update *u)
{
	struct rule_info *prev;
	size_t i;
	int err;

	prev = find_prev_rule(st, u->name, u->source, u->ctx, &err);
	if (err)
		return -1;
	if (prev == NULL)
		FAIL(st, LOAD_ERR_VALIDATE, u->ctx, "An 'override.<key>: "
		    "replace' to a rule was requested but no rule by that "
		    "name already exists");
	if (u->cond == NULL && u->output == NULL && u->desc == NULL &&
	    !u->has_tags && !u->has_excs && !u->has_prio && !u->has_capture &&
	    !u->has_cd && !u->has_enabled && !u->has_warn && !u->has_skip)
		FAIL(st, LOAD_ERR_VALIDATE, u->ctx, "The rule must have at "
		    "least one field that can be replaced");
	if (u->has_excs) {
		for (i = 0; i < u->nexcs; i++) {
			if (!u->excs[i].fields.valid)
				FAIL(st, LOAD_ERR_VALIDATE, u->excs[i].ctx,
				    "Rule exception item must have fields "
				    "property with a list of fields");
			if (validate_exception(st, &u->excs[i],
			    !prev->unknown_source) != 0)
				return -1;
		}
	}
	if (u->cond != NULL)
		prev->cond = u->cond;
	if (u->output != NULL)
		prev->output = u->output;
	if (u->desc != NULL)
		prev->desc = u->desc;
	if (u->has_tags) {
		prev->tags = u->tags;
		prev->ntags = u->ntags;
	}
	if (u->has_excs) {
		prev->excs = u->excs;
		prev->nexcs = u->nexcs;
	}
	if (u->has_prio)
		prev->priority = u->priority;
	if (u->has_capture)
		prev->capture = u->capture;
	if (u->has_cd)
		prev->capture_duration = u->capture_duration;
	if (u->has_enabled)
		prev->enabled = u->enabled;
	if (u->has_warn)
		prev->warn_evttypes = u->warn;
	if (u->has_skip)
		prev->skip_unknown = u->skip;
	prev->visibility = st->l->cur_index++;
	return 0;
}

/* ---- reader ------------------------------------------------------ */

static const char *const append_deprecated =
    "'append' key is deprecated. Add an 'append' entry (e.g. "
    "'condition: append') under 'override' instead.";
static const char *const override_and_append =
    "Keys 'override' and 'append: true' cannot be used together. Add an "
    "'append' entry (e.g. 'condition: append') under 'override' instead.";

static void
warn_unknown_keys(struct lstate *st, const struct ynode *item,
    const char *const *expected, const struct ctx *c)
{
	size_t i, j;

	for (i = 0; i + 1 < item->nitems; i += 2) {
		const char *k = item->items[i]->str;

		if (k == NULL)
			k = "";
		for (j = 0; expected[j] != NULL; j++)
			if (strcmp(expected[j], k) == 0)
				break;
		if (expected[j] == NULL)
			result_warning(st->res, LOAD_UNKNOWN_KEY, c,
			    "Unknown key '%s'. The key will be ignored.", k);
	}
}

static int
in_set(const char *const *set, const char *k)
{
	for (; *set != NULL; set++)
		if (strcmp(*set, k) == 0)
			return 1;
	return 0;
}

#define MAXKEYS	16

struct keyset {
	const char	*k[MAXKEYS];
	size_t		 n;
};

static int
ks_has(const struct keyset *s, const char *k)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->k[i], k) == 0)
			return 1;
	return 0;
}

static void
ks_add(struct keyset *s, const char *k)
{
	if (!ks_has(s, k) && s->n < MAXKEYS)
		s->k[s->n++] = k;
}

static void
ks_del(struct keyset *s, const char *k)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->k[i], k) == 0) {
			s->k[i] = s->k[--s->n];
			return;
		}
}

static int
decode_overrides(struct lstate *st, const struct ynode *item,
    const char *const *can_append, const char *const *can_replace,
    struct keyset *app, struct keyset *rep, const struct ctx *c)
{
	const struct ynode *ov = ymap_get(item, "override");
	const struct ctx *oc, *kc;
	size_t i;

	if (ov == NULL)
		return 0;
	oc = ctx_node(st, c, item, CT_OVERRIDE, "");
	if (ov->kind != Y_MAP)
		FAIL(st, LOAD_ERR_YAML_VALIDATE, oc,
		    "Value of override must be a mapping");
	for (i = 0; i + 1 < ov->nitems; i += 2) {
		const struct ynode *kn = ov->items[i], *vn = ov->items[i + 1];
		const char *k = kn->str != NULL ? kn->str : "";
		const char *op = vn->str != NULL ? vn->str : "";
		int ia = in_set(can_append, k), ir = in_set(can_replace, k);

		kc = ctx_node(st, oc, kn, CT_OVERRIDE, k);
		if (strcmp(op, "append") == 0) {
			if (!ia)
				FAIL(st, LOAD_ERR_YAML_VALIDATE, kc,
				    "Key '%s' cannot be appended to, use "
				    "'replace' instead", k);
			ks_add(app, astrdup(st->mem, k));
		} else if (strcmp(op, "replace") == 0) {
			if (!ir)
				FAIL(st, LOAD_ERR_YAML_VALIDATE, kc,
				    "Key '%s' cannot be replaced", k);
			ks_add(rep, astrdup(st->mem, k));
		} else {
			FAIL(st, LOAD_ERR_YAML_VALIDATE, ctx_node(st, oc, vn,
			    CT_VALUE_FOR, k), "Invalid override operation for "
			    "key '%s': '%s'. Allowed values are: %s%s", k, op,
			    ia ? "append " : "", ir ? "replace " : "");
		}
	}
	return 0;
}

static int
is_identifier(const char *s)
{
	if (!isalpha((unsigned char)*s))
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return 0;
	return 1;
}

static int
is_barestr(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (strchr("()\"'=, \t\n\v\f\r", *s) != NULL)
			return 0;
	return 1;
}

static int
parse_version(const char *s, unsigned v[3])
{
	char *end;
	int i;

	for (i = 0; i < 3; i++) {
		if (!isdigit((unsigned char)*s))
			return -1;
		v[i] = (unsigned)strtoul(s, &end, 10);
		s = end;
		if (i < 2 && *s++ != '.')
			return -1;
	}
	/* a semver may carry a pre-release or build suffix */
	return (*s == '\0' || *s == '-' || *s == '+') ? 0 : -1;
}

static int
read_engine_version(struct lstate *st, const struct ynode *item,
    const struct ctx *parent)
{
	const struct ctx *c = ctx_node(st, parent, item,
	    CT_REQUIRED_ENGINE_VERSION, "");
	static const char *const keys[] = { "required_engine_version", NULL };
	const struct ynode *v = ymap_get(item, "required_engine_version");
	const char *s;
	unsigned ver[3] = { 0, 0, 0 };
	uint64_t n;
	const unsigned eng[3] = { RULES_ENGINE_VERSION_MAJOR,
	    RULES_ENGINE_VERSION_MINOR, RULES_ENGINE_VERSION_PATCH };

	if (decode_str(st, item, "required_engine_version", &s, c, 0, 0) != 0)
		return -1;
	if (yscalar_u64(v, &n) == 0 && n <= 0xffffffffu) {
		ver[1] = (unsigned)n;
	} else if (parse_version(s, ver) != 0) {
		FAIL(st, LOAD_ERR_YAML_VALIDATE, c, "Unable to parse engine "
		    "version '%s' as a semver string. Expected \"x.y.z\" "
		    "semver format.", s);
	}
	if (ver[0] != eng[0] || ver[1] > eng[1] || (ver[1] == eng[1] &&
	    ver[2] > eng[2]))
		FAIL(st, LOAD_ERR_VALIDATE, c, "Rules require engine version "
		    "%u.%u.%u, but engine version is %u.%u.%u", ver[0], ver[1],
		    ver[2], eng[0], eng[1], eng[2]);
	warn_unknown_keys(st, item, keys, c);
	return 0;
}

static int
read_plugin_versions(struct lstate *st, const struct ynode *item,
    const struct ctx *parent)
{
	static const char *const keys[] = { "required_plugin_versions", NULL };
	const struct ynode *rpv = ymap_get(item, "required_plugin_versions");
	const struct ctx *c = ctx_node(st, parent, rpv,
	    CT_REQUIRED_PLUGIN_VERSIONS, ""), *tmp, *pc;
	const char *name, *ver, *names[64];
	struct plugin_req *req;
	unsigned v[3];
	size_t i, j, k, nnames;

	if (rpv->kind != Y_SEQ)
		FAIL(st, LOAD_ERR_YAML_VALIDATE, c,
		    "Value of required_plugin_versions must be a sequence");
	for (i = 0; i < rpv->nitems; i++) {
		const struct ynode *pl = rpv->items[i], *alts;

		tmp = ctx_node(st, c, pl, CT_REQUIRED_PLUGIN_VERSIONS_ENTRY,
		    "");
		if (pl->kind != Y_MAP)
			FAIL(st, LOAD_ERR_YAML_VALIDATE, tmp,
			    "Plugin version must be a mapping");
		if (decode_str(st, pl, "name", &name, tmp, 0, 0) != 0)
			return -1;
		pc = ctx_node(st, c, pl, CT_REQUIRED_PLUGIN_VERSIONS_ENTRY,
		    name);
		if (decode_str(st, pl, "version", &ver, pc, 0, 0) != 0)
			return -1;
		nnames = 0;
		names[nnames++] = name;
		if (parse_version(ver, v) != 0)
			FAIL(st, LOAD_ERR_VALIDATE, pc, "Invalid required "
			    "version '%s' for plugin '%s'", ver, name);
		req = amalloc(st->mem, sizeof(*req));
		req->alts = amalloc(st->mem, (1 + (ymap_get(pl,
		    "alternatives") != NULL ? ymap_get(pl,
		    "alternatives")->nitems : 0)) * 2 * sizeof(char *));
		req->alts[req->nalts++] = name;
		req->alts[req->nalts++] = ver;
		alts = ymap_get(pl, "alternatives");
		if (alts != NULL) {
			if (alts->kind != Y_SEQ)
				FAIL(st, LOAD_ERR_YAML_VALIDATE, pc, "Value of "
				    "plugin version alternatives must be a "
				    "sequence");
			for (j = 0; j < alts->nitems; j++) {
				const struct ynode *a = alts->items[j];

				tmp = ctx_node(st, pc, a,
				    CT_REQUIRED_PLUGIN_VERSIONS_ALTERNATIVE,
				    "");
				if (a->kind != Y_MAP)
					FAIL(st, LOAD_ERR_YAML_VALIDATE, tmp,
					    "Plugin version alternative must "
					    "be a mapping");
				if (decode_str(st, a, "name", &name, tmp, 0,
				    0) != 0)
					return -1;
				tmp = ctx_node(st, pc, a,
				    CT_REQUIRED_PLUGIN_VERSIONS_ALTERNATIVE,
				    name);
				if (decode_str(st, a, "version", &ver, tmp, 0,
				    0) != 0)
					return -1;
				if (parse_version(ver, v) != 0)
					FAIL(st, LOAD_ERR_VALIDATE, pc,
					    "Invalid required version '%s' for "
					    "plugin '%s'", ver, name);
				for (k = 0; k < nnames; k++)
					if (strcmp(names[k], name) == 0)
						FAIL(st, LOAD_ERR_VALIDATE, pc,
						    "Defined multiple "
						    "alternative version "
						    "requirements for plugin "
						    "'%s'", name);
				if (nnames < 64)
					names[nnames++] = name;
				req->alts[req->nalts++] = name;
				req->alts[req->nalts++] = ver;
			}
		}
		st->l->reqs = xreallocarray(st->l->reqs, st->l->nreqs + 1,
		    sizeof(*st->l->reqs));
		st->l->reqs[st->l->nreqs++] = req;
	}
	warn_unknown_keys(st, item, keys, ctx_node(st, parent, item,
	    CT_REQUIRED_PLUGIN_VERSIONS, ""));
	return 0;
}

static int
read_list(struct lstate *st, const struct ynode *item,
    const struct ctx *parent)
{
	static const char *const keys[] = { "list", "items", "append",
	    "override", NULL };
	static const char *const ovr[] = { "items", NULL };
	struct keyset app = { { NULL }, 0 }, rep = { { NULL }, 0 };
	struct list_info v;
	const struct ctx *c;
	const char *name;
	int append = 0;

	if (decode_str(st, item, "list", &name, ctx_node(st, parent, item,
	    CT_LIST, ""), 0, 0) != 0)
		return -1;
	c = ctx_node(st, parent, item, CT_LIST, name);
	if (!is_barestr(name))
		result_warning(st->res, LOAD_INVALID_LIST_NAME, c,
		    "List has an invalid name. List names should match a "
		    "regular expression: ([^()\"'[:space:]=,]+)");
	memset(&v, 0, sizeof(v));
	v.ctx = c;
	v.name = name;
	if (decode_seq(st, item, "items", &v.items, &v.nitems, c, 0) != 0)
		return -1;
	if (decode_bool(st, item, "append", &append, c, 1) < 0)
		return -1;
	if (append)
		result_warning(st->res, LOAD_DEPRECATED_ITEM, c, "%s",
		    append_deprecated);
	if (decode_overrides(st, item, ovr, ovr, &app, &rep, c) != 0)
		return -1;
	if (append && (app.n > 0 || rep.n > 0))
		FAIL(st, LOAD_ERR_YAML_VALIDATE, c, "%s", override_and_append);
	if (append || ks_has(&app, "items")) {
		struct list_info *prev = find_list(st->l, name);
		const char **items;

		if (prev == NULL)
			FAIL(st, LOAD_ERR_VALIDATE, c, "List uses 'append' or "
			    "'override.items: append' but no list by that name "
			    "already exists");
		items = amalloc(st->mem, (prev->nitems + v.nitems + 1) *
		    sizeof(*items));
		copy_n(items, prev->items, prev->nitems * sizeof(*items));
		copy_n(items + prev->nitems, v.items,
		    v.nitems * sizeof(*items));
		prev->items = items;
		prev->nitems += v.nitems;
		prev->visibility = st->l->cur_index++;
	} else
		define_list(st, &v);
	warn_unknown_keys(st, item, keys, c);
	return 0;
}

static int
read_macro(struct lstate *st, const struct ynode *item,
    const struct ctx *parent)
{
	static const char *const keys[] = { "macro", "condition", "append",
	    "override", NULL };
	static const char *const ovr[] = { "condition", NULL };
	struct keyset app = { { NULL }, 0 }, rep = { { NULL }, 0 };
	struct macro_info v;
	const struct ctx *c;
	const char *name;
	int append = 0;

	if (decode_str(st, item, "macro", &name, ctx_node(st, parent, item,
	    CT_MACRO, ""), 0, 0) != 0)
		return -1;
	c = ctx_node(st, parent, item, CT_MACRO, name);
	if (!is_identifier(name))
		result_warning(st->res, LOAD_INVALID_MACRO_NAME, c,
		    "Macro has an invalid name. Macro names should match a "
		    "regular expression: ([a-zA-Z]+[a-zA-Z0-9_]*)");
	memset(&v, 0, sizeof(v));
	v.ctx = c;
	v.name = name;
	if (decode_str(st, item, "condition", &v.cond, c, 0, 0) != 0)
		return -1;
	v.cond_ctx = ctx_node(st, c, ymap_get(item, "condition"),
	    CT_MACRO_CONDITION, "");
	if (decode_bool(st, item, "append", &append, c, 1) < 0)
		return -1;
	if (append)
		result_warning(st->res, LOAD_DEPRECATED_ITEM, c, "%s",
		    append_deprecated);
	if (decode_overrides(st, item, ovr, ovr, &app, &rep, c) != 0)
		return -1;
	if (append && (app.n > 0 || rep.n > 0))
		FAIL(st, LOAD_ERR_YAML_VALIDATE, c, "%s", override_and_append);
	if (append || ks_has(&app, "condition")) {
		struct macro_info *prev = find_macro(st->l, name);

		if (prev == NULL)
			FAIL(st, LOAD_ERR_VALIDATE, c, "Macro uses 'append' or "
			    "'override.condition: append' but no macro by that "
			    "name already exists");
		prev->cond = join_space(st, prev->cond, v.cond);
		prev->visibility = st->l->cur_index++;
	} else
		define_macro(st, &v);
	warn_unknown_keys(st, item, keys, c);
	return 0;
}

static int
read_prio(struct lstate *st, const struct ynode *item, int *out,
    const struct ctx *c)
{
	const char *s;

	if (decode_str(st, item, "priority", &s, c, 0, 0) != 0)
		return -1;
	if ((*out = rules_priority_parse(s)) < 0)
		FAIL(st, LOAD_ERR_YAML_VALIDATE, ctx_node(st, c,
		    ymap_get(item, "priority"), CT_RULE_PRIORITY, ""),
		    "Invalid priority");
	return 0;
}

static const char *
trim(struct lstate *st, const char *s)
{
	size_t n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	return astrndup(st->mem, s, n);
}

/* Fill the update u from the keys listed in which (append or replace). */
static int
read_update(struct lstate *st, const struct ynode *item, struct keyset *exp,
    const struct keyset *which, const char *what, struct rule_update *u,
    const char *source, int append)
{
	static const char *const order[] = { "condition", "exceptions",
	    "output", "desc", "tags", "priority", "capture",
	    "capture_duration", "enabled", "warn_evttypes",
	    "skip-if-unknown-filter", NULL };
	const struct ctx *c = u->ctx;
	size_t i;
	int b;

	for (i = 0; order[i] != NULL; i++) {
		const char *k = order[i];

		if (!ks_has(which, k))
			continue;
		if (!ks_has(exp, k))
			FAIL(st, LOAD_ERR_YAML_VALIDATE, c, "An %s override "
			    "for '%s' was specified but '%s' is not defined",
			    what, k, k);
		ks_del(exp, k);
		if (strcmp(k, "condition") == 0) {
			u->source = source;
			if (decode_str(st, item, k, &u->cond, c, 0, 0) != 0)
				return -1;
		} else if (strcmp(k, "exceptions") == 0) {
			if (read_exceptions(st, item, &u->excs, &u->nexcs, c,
			    append) != 0)
				return -1;
			u->has_excs = 1;
		} else if (strcmp(k, "output") == 0) {
			if (decode_str(st, item, k, &u->output, c, 0, 0) != 0)
				return -1;
		} else if (strcmp(k, "desc") == 0) {
			if (decode_str(st, item, k, &u->desc, c, 0, 0) != 0)
				return -1;
		} else if (strcmp(k, "tags") == 0) {
			if (decode_seq(st, item, k, &u->tags, &u->ntags, c,
			    1) != 0)
				return -1;
			uniq_sorted(u->tags, &u->ntags);
			u->has_tags = 1;
		} else if (strcmp(k, "priority") == 0) {
			if (read_prio(st, item, &u->priority, c) != 0)
				return -1;
			u->has_prio = 1;
		} else if (strcmp(k, "capture") == 0) {
			if (decode_bool(st, item, k, &u->capture, c, 0) < 0)
				return -1;
			u->has_capture = 1;
		} else if (strcmp(k, "capture_duration") == 0) {
			if (decode_u64(st, item, k, &u->capture_duration, c,
			    0) < 0)
				return -1;
			u->has_cd = 1;
		} else if (strcmp(k, "enabled") == 0) {
			if (decode_bool(st, item, k, &u->enabled, c, 0) < 0)
				return -1;
			u->has_enabled = 1;
		} else if (strcmp(k, "warn_evttypes") == 0) {
			if (decode_bool(st, item, k, &b, c, 0) < 0)
				return -1;
			u->warn = b;
			u->has_warn = 1;
		} else {
			if (decode_bool(st, item, k, &b, c, 0) < 0)
				return -1;
			u->skip = b;
			u->has_skip = 1;
		}
	}
	return 0;
}

static int
read_rule(struct lstate *st, const struct ynode *item,
    const struct ctx *parent)
{
	static const char *const keys[] = { "rule", "condition", "output",
	    "desc", "priority", "source", "enabled", "capture",
	    "capture_duration", "warn_evttypes", "skip-if-unknown-filter",
	    "tags", "exceptions", "override", "append", NULL };
	static const char *const can_app[] = { "condition", "output", "desc",
	    "tags", "exceptions", NULL };
	static const char *const can_rep[] = { "condition", "output", "desc",
	    "priority", "capture", "capture_duration", "tags", "exceptions",
	    "enabled", "warn_evttypes", "skip-if-unknown-filter", NULL };
	struct keyset app = { { NULL }, 0 }, rep = { { NULL }, 0 };
	struct keyset exp = { { NULL }, 0 };
	const struct ctx *c;
	const char *name, *source = "";
	struct rule_update u;
	struct rule_info v;
	int has_append = 0, b;
	size_t i;

	if (decode_str(st, item, "rule", &name, ctx_node(st, parent, item,
	    CT_RULE, ""), 0, 0) != 0)
		return -1;
	c = ctx_node(st, parent, item, CT_RULE, name);
	if (decode_str(st, item, "source", &source, c, 1, 1) != 0)
		return -1;
	if (decode_bool(st, item, "append", &has_append, c, 1) < 0)
		return -1;
	if (has_append)
		result_warning(st->res, LOAD_DEPRECATED_ITEM, c, "%s",
		    append_deprecated);
	if (decode_overrides(st, item, can_app, can_rep, &app, &rep, c) != 0)
		return -1;
	if (has_append && (app.n > 0 || rep.n > 0))
		FAIL(st, LOAD_ERR_YAML_VALIDATE, c, "%s", override_and_append);

	if (app.n > 0 || rep.n > 0) {
		for (i = 0; can_rep[i] != NULL; i++)
			if (ymap_get(item, can_rep[i]) != NULL)
				ks_add(&exp, can_rep[i]);
		if (app.n > 0) {
			memset(&u, 0, sizeof(u));
			u.ctx = c;
			u.name = name;
			if (read_update(st, item, &exp, &app, "append", &u,
			    source, 1) != 0 || append_rule(st, &u) != 0)
				return -1;
		}
		if (rep.n > 0) {
			memset(&u, 0, sizeof(u));
			u.ctx = c;
			u.name = name;
			if (read_update(st, item, &exp, &rep, "replace", &u,
			    source, 0) != 0 || replace_rule(st, &u) != 0)
				return -1;
		}
		if (exp.n > 0) {
			/* report in Falco's (sorted) key order */
			const char *first = exp.k[0];

			for (i = 1; i < exp.n; i++)
				if (strcmp(exp.k[i], first) < 0)
					first = exp.k[i];
			FAIL(st, LOAD_ERR_YAML_VALIDATE, ctx_node(st, c,
			    ymap_get(item, first), CT_OVERRIDE, first),
			    "Unexpected key '%s': no corresponding entry under "
			    "'override' is defined.", first);
		}
	} else if (has_append) {
		memset(&u, 0, sizeof(u));
		u.ctx = c;
		u.name = name;
		u.source = source;
		if (ymap_get(item, "condition") != NULL &&
		    decode_str(st, item, "condition", &u.cond, c, 0, 0) != 0)
			return -1;
		if (ymap_get(item, "exceptions") != NULL) {
			if (read_exceptions(st, item, &u.excs, &u.nexcs, c,
			    1) != 0)
				return -1;
			u.has_excs = 1;
		}
		if (append_rule(st, &u) != 0)
			return -1;
	} else {
		memset(&v, 0, sizeof(v));
		v.ctx = c;
		v.name = name;
		v.enabled = 1;
		v.warn_evttypes = 1;
		if (ymap_get(item, "condition") == NULL &&
		    ymap_get(item, "output") == NULL &&
		    ymap_get(item, "desc") == NULL &&
		    ymap_get(item, "priority") == NULL) {
			struct rule_info *prev;

			if (decode_bool(st, item, "enabled", &b, c, 0) < 0)
				return -1;
			result_warning(st->res, LOAD_DEPRECATED_ITEM, c,
			    "The standalone 'enabled' key usage is deprecated. "
			    "The correct approach requires also a 'replace' "
			    "entry under the 'override' key (i.e. 'enabled: "
			    "replace').");
			if ((prev = find_rule(st->l, name)) == NULL)
				FAIL(st, LOAD_ERR_VALIDATE, c, "Rule has "
				    "'enabled' key but no rule by that name "
				    "already exists");
			prev->enabled = b;
		} else {
			if (decode_str(st, item, "condition", &v.cond, c, 0,
			    0) != 0)
				return -1;
			v.cond_ctx = ctx_node(st, c, ymap_get(item,
			    "condition"), CT_RULE_CONDITION, "");
			if (decode_str(st, item, "output", &v.output, c, 0,
			    0) != 0)
				return -1;
			v.output_ctx = ctx_node(st, c, ymap_get(item,
			    "output"), CT_RULE_OUTPUT, "");
			if (decode_str(st, item, "desc", &v.desc, c, 0, 0) != 0)
				return -1;
			if (read_prio(st, item, &v.priority, c) != 0)
				return -1;
			v.output = trim(st, v.output);
			v.source = "syscall";
			if (decode_str(st, item, "source", &v.source, c, 1,
			    0) != 0 ||
			    decode_bool(st, item, "enabled", &v.enabled, c,
			    1) < 0 ||
			    decode_bool(st, item, "capture", &v.capture, c,
			    1) < 0 ||
			    decode_u64(st, item, "capture_duration",
			    &v.capture_duration, c, 1) < 0 ||
			    decode_bool(st, item, "warn_evttypes",
			    &v.warn_evttypes, c, 1) < 0 ||
			    decode_bool(st, item, "skip-if-unknown-filter",
			    &v.skip_unknown, c, 1) < 0 ||
			    decode_seq(st, item, "tags", &v.tags, &v.ntags, c,
			    1) != 0 ||
			    read_exceptions(st, item, &v.excs, &v.nexcs, c,
			    0) != 0)
				return -1;
			uniq_sorted(v.tags, &v.ntags);
			if (define_rule(st, &v) != 0)
				return -1;
		}
	}
	warn_unknown_keys(st, item, keys, c);
	return 0;
}

static int
read_item(struct lstate *st, const struct ynode *item,
    const struct ctx *parent)
{
	if (item->kind != Y_MAP)
		FAIL(st, LOAD_ERR_YAML_VALIDATE, ctx_node(st, parent, item,
		    CT_RULES_CONTENT_ITEM, ""), "Unexpected element type. "
		    "Each element should be a yaml associative array.");
	if (ymap_get(item, "required_engine_version") != NULL)
		return read_engine_version(st, item, parent);
	if (ymap_get(item, "required_plugin_versions") != NULL)
		return read_plugin_versions(st, item, parent);
	if (ymap_get(item, "list") != NULL)
		return read_list(st, item, parent);
	if (ymap_get(item, "macro") != NULL)
		return read_macro(st, item, parent);
	if (ymap_get(item, "rule") != NULL)
		return read_rule(st, item, parent);
	result_warning(st->res, LOAD_UNKNOWN_ITEM, ctx_node(st, parent, item,
	    CT_RULES_CONTENT_ITEM, ""), "Unknown top level item");
	return 0;
}

static int
read_content(struct lstate *st, const char *text, size_t len)
{
	const struct ctx *root = ctx_root(st);
	struct ydoc doc;
	char *msg;
	size_t line, col, off, d, i;
	int rc = 0;

	if (memchr(text, '\0', len) != NULL) {
		result_error(st->res, LOAD_ERR_YAML_PARSE, root,
		    "control characters are not allowed");
		return -1;
	}
	if (ydoc_load(text, len, &doc, &msg, &line, &col, &off) != 0) {
		result_error(st->res, LOAD_ERR_YAML_PARSE, ctx_at(st, root,
		    line, col, off, CT_VALUE_FOR, ""), "%s", msg);
		free(msg);
		return -1;
	}
	for (d = 0; d < doc.ndocs; d++) {
		st->res->schema_checked = 1;
		(void)rules_schema_check(doc.docs[d], &st->res->schema,
		    &st->res->nschema);
	}
	for (d = 0; d < doc.ndocs && rc == 0; d++) {
		const struct ynode *n = doc.docs[d];

		if (n->kind == Y_NULL)
			continue;
		if (n->kind != Y_MAP && n->kind != Y_SEQ) {
			result_error(st->res, LOAD_ERR_YAML_VALIDATE, root,
			    "Rules content is not yaml");
			rc = -1;
			break;
		}
		if (n->kind != Y_SEQ) {
			result_error(st->res, LOAD_ERR_YAML_VALIDATE, root,
			    "Rules content is not yaml array of objects");
			rc = -1;
			break;
		}
		for (i = 0; i < n->nitems && rc == 0; i++)
			if (n->items[i]->kind != Y_NULL)
				rc = read_item(st, n->items[i], root);
	}
	ydoc_free(&doc);
	return rc;
}

/* ---- public: loader ---------------------------------------------- */

struct rules_loader *
rules_loader_new(void)
{
	struct rules_loader *l = xcalloc(1, sizeof(*l));

	fields_init();
	rules_loader_add_source(l, "syscall");
	return l;
}

void
rules_loader_add_source(struct rules_loader *l, const char *source)
{
	if (source_known(l, source))
		return;
	l->sources = xreallocarray(l->sources, l->nsources + 1,
	    sizeof(*l->sources));
	l->sources[l->nsources++] = xstrdup(source);
}

static void rules_set_free(struct rules_set *rs);
static struct rules_set *rules_compile(struct rules_loader *,
	    struct lstate *);

void
rules_loader_free(struct rules_loader *l)
{
	size_t i;

	if (l == NULL)
		return;
	rules_set_free(l->set);
	for (i = 0; i < l->nsources; i++)
		free(l->sources[i]);
	free(l->sources);
	free(l->lists);
	free(l->macros);
	free(l->rules);
	free(l->reqs);
	free(l->contents);
	arena_free(&l->mem);
	free(l);
}

struct rules_set *
rules_loader_ruleset(struct rules_loader *l)
{
	return l->set;
}

static struct rules_result *
new_result(struct rules_loader *l, const char *name)
{
	struct rules_result *r = xcalloc(1, sizeof(*r));

	r->ok = 1;
	r->name = astrdup(&l->mem, name);
	r->contents = NULL;
	r->ncontents = &l->ncontents;
	return r;
}

struct rules_result *
rules_load_content(struct rules_loader *l, const char *name,
    const char *content, size_t len)
{
	struct rules_result *r = new_result(l, name);
	struct rules_set *rs;
	struct lstate st;

	l->contents = xreallocarray(l->contents, l->ncontents + 1,
	    sizeof(*l->contents));
	l->contents[l->ncontents].name = r->name;
	l->contents[l->ncontents].text = astrndup(&l->mem, content, len);
	l->contents[l->ncontents].len = len;
	l->ncontents++;
	r->contents = l->contents;

	st.l = l;
	st.res = r;
	st.mem = &l->mem;
	st.name = r->name;
	if (read_content(&st, l->contents[l->ncontents - 1].text, len) != 0)
		return r;
	rs = rules_compile(l, &st);
	if (rs != NULL && r->ok) {
		rules_set_free(l->set);
		l->set = rs;
	} else
		rules_set_free(rs);
	return r;
}

struct rules_result *
rules_load_file(struct rules_loader *l, const char *path)
{
	struct rules_result *r;
	struct sbuf sb = SBUF_INIT;
	char buf[65536];
	size_t n;
	FILE *f;
	struct lstate st;
	struct stat stb;
	const char *why = NULL;
	int rerr = 0;

	/*
	 * fopen() succeeds on a directory and reads it as empty, which
	 * would validate as an empty, valid file: refuse it here.
	 */
	if ((f = fopen(path, "r")) == NULL)
		rerr = errno;
	else if (fstat(fileno(f), &stb) == 0 && S_ISDIR(stb.st_mode))
		why = "it is a directory, not a file";
	else {
		errno = 0;
		while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
			sbuf_put(&sb, buf, n);
		if (ferror(f))
			rerr = errno != 0 ? errno : EIO;
	}
	if (f != NULL)
		fclose(f);
	if (rerr != 0 || why != NULL) {
		r = new_result(l, path);
		r->contents = l->contents;
		st.l = l;
		st.res = r;
		st.mem = &l->mem;
		st.name = r->name;
		result_error(r, LOAD_ERR_FILE_READ, ctx_root(&st),
		    "Could not open file %s for reading: %s", path,
		    why != NULL ? why : strerror(rerr));
		sbuf_free(&sb);
		return r;
	}
	r = rules_load_content(l, path, sbuf_str(&sb), sb.len);
	sbuf_free(&sb);
	return r;
}

/* semver a >= b with the same major (sinsp_version::compatible_with) */
static int
version_compatible(const char *have, const char *want)
{
	unsigned h[3], w[3];

	if (parse_version(have, h) != 0 || parse_version(want, w) != 0)
		return 0;
	if (h[0] != w[0])
		return 0;
	return h[1] > w[1] || (h[1] == w[1] && h[2] >= w[2]);
}

int
rules_loader_check_plugins(const struct rules_loader *l, char *err,
    size_t errsz)
{
	static const char *const loaded[][2] = {
		{ "container", RULES_CONTAINER_PLUGIN_VERSION },
	};
	size_t i, j, k, len;

	for (i = 0; i < l->nreqs; i++) {
		const struct plugin_req *r = l->reqs[i];
		int found = 0;

		for (j = 0; j + 1 < r->nalts && !found; j += 2) {
			for (k = 0; k < sizeof(loaded) / sizeof(loaded[0]);
			    k++) {
				if (strcmp(r->alts[j], loaded[k][0]) != 0)
					continue;
				if (!version_compatible(loaded[k][1],
				    r->alts[j + 1])) {
					snprintf(err, errsz, "Plugin '%s' "
					    "version '%s' is not compatible "
					    "with required plugin version '%s'",
					    loaded[k][0], loaded[k][1],
					    r->alts[j + 1]);
					return -1;
				}
				found = 1;
				break;
			}
		}
		if (found)
			continue;
		len = (size_t)snprintf(err, errsz, "Plugin requirement not "
		    "satisfied, must load one of: ");
		for (j = 0; j + 1 < r->nalts && len < errsz; j += 2)
			len += (size_t)snprintf(err + len, errsz - len,
			    "%s%s (>= %s)", j ? ", " : "", r->alts[j],
			    r->alts[j + 1]);
		return -1;
	}
	return 0;
}

static int
path_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Whether a file name ends in .yaml or .yml, as rules files do. */
static int
is_yaml_name(const char *name)
{
	size_t n = strlen(name);

	return (n > 5 && strcmp(name + n - 5, ".yaml") == 0) ||
	    (n > 4 && strcmp(name + n - 4, ".yml") == 0);
}

void
rules_expand_path(const char *path, char ***paths, size_t *npaths)
{
	struct stat sb;
	struct dirent *de;
	DIR *d;
	char **found = NULL;
	size_t nfound = 0, i;

	/*
	 * A missing *.yaml or *.yml path is kept, so that loading it fails
	 * with a message naming it (Falco refuses a missing rules file).
	 * Another missing path is taken for an absent rules directory, such
	 * as the default /etc/falco/rules.d, and skipped with a warning.
	 */
	if (stat(path, &sb) != 0) {
		if (!is_yaml_name(path)) {
			log_warn("Rules path %s: %s; skipped", path,
			    strerror(errno));
			return;
		}
		sb.st_mode = S_IFREG;
	}
	if (!S_ISDIR(sb.st_mode)) {
		*paths = xreallocarray(*paths, *npaths + 1, sizeof(**paths));
		(*paths)[(*npaths)++] = xstrdup(path);
		return;
	}
	if ((d = opendir(path)) == NULL) {
		/* loading it then fails with a message naming it */
		*paths = xreallocarray(*paths, *npaths + 1, sizeof(**paths));
		(*paths)[(*npaths)++] = xstrdup(path);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		char *full;

		if (!is_yaml_name(de->d_name))
			continue;
		xasprintf(&full, "%s/%s", path, de->d_name);
		if (stat(full, &sb) != 0 || !S_ISREG(sb.st_mode)) {
			free(full);
			continue;
		}
		found = xreallocarray(found, nfound + 1, sizeof(*found));
		found[nfound++] = full;
	}
	closedir(d);
	if (nfound > 1)
		qsort(found, nfound, sizeof(*found), path_cmp);
	for (i = 0; i < nfound; i++) {
		*paths = xreallocarray(*paths, *npaths + 1, sizeof(**paths));
		(*paths)[(*npaths)++] = found[i];
	}
	free(found);
}

int
rules_priority_parse(const char *s)
{
	static const char *const names[] = { "Emergency", "Alert", "Critical",
	    "Error", "Warning", "Notice", "Informational", "Debug" };
	int i;

	for (i = 0; i < 8; i++)
		if (strcasecmp(s, names[i]) == 0)
			return i;
	if (strcasecmp(s, "info") == 0)
		return PRIO_INFORMATIONAL;
	return -1;
}

const char *
rules_priority_name(int prio)
{
	static const char *const names[] = { "Emergency", "Alert", "Critical",
	    "Error", "Warning", "Notice", "Informational", "Debug" };

	return prio >= 0 && prio < 8 ? names[prio] : "Unknown";
}

/* ---- compiler ---------------------------------------------------- */

struct clist {
	const char	*name;
	const char	**items;
	size_t		 nitems;
	int		 used;
};

struct cmacro {
	const char	*name;
	struct ast	*ast;
	int		 used;
	size_t		 index;
};

struct bucket {
	const struct rule **v;
	size_t		 n;
};

struct rules_set {
	struct arena	 mem;
	struct rule	*rules;
	size_t		 nrules;
	struct ast	**asts;
	struct filter	**filters;
	struct rules_list_view *lists;
	size_t		 nlists;
	struct rules_macro_view *macros;
	size_t		 nmacros;
	int		 min_prio;
	int		 dirty;
	size_t		 nevtbits;
	struct bucket	*buckets;	/* per event type */
	struct bucket	 any;		/* rules without types */
	char		*bucket_source;
};

static void
rules_set_free(struct rules_set *rs)
{
	size_t i;

	if (rs == NULL)
		return;
	for (i = 0; i < rs->nrules; i++) {
		ast_free(rs->asts[i]);
		filter_free(rs->filters[i]);
	}
	free(rs->asts);
	free(rs->filters);
	free(rs->rules);
	free(rs->lists);
	free(rs->macros);
	if (rs->buckets != NULL)
		for (i = 0; i < rs->nevtbits; i++)
			free(rs->buckets[i].v);
	free(rs->buckets);
	free(rs->any.v);
	free(rs->bucket_source);
	arena_free(&rs->mem);
	free(rs);
}

/* Falco quotes exception values and list items holding a space. */
static const char *
quote_item(struct lstate *st, const char *e)
{
	if (strchr(e, ' ') != NULL && e[0] != '"' && e[0] != '\'')
		return aprintf(st->mem, "\"%s\"", e);
	return e;
}

static int
is_delim(char c)
{
	return strchr(" \t\n\r(),=", c) != NULL;
}

/* Substitute list names in a condition text; 1 if the list was used. */
static int
resolve_list(struct lstate *st, char **cnd, const struct clist *list)
{
	static const char *blanks = " \t\n\r";
	size_t nl = strlen(list->name), start, end, i, len;
	struct sbuf sub = SBUF_INIT, nc = SBUF_INIT;
	const char *found;
	int used = 0;

	found = strstr(*cnd, list->name);
	while (found != NULL) {
		len = strlen(*cnd);
		start = (size_t)(found - *cnd);
		end = start + nl;
		if ((start == 0 || is_delim((*cnd)[start - 1])) &&
		    (end >= len || is_delim((*cnd)[end]))) {
			while (start > 0 && strchr(blanks, (*cnd)[start - 1]))
				start--;
			while (end < len && (*cnd)[end] != '\0' &&
			    strchr(blanks, (*cnd)[end]))
				end++;
			sbuf_reset(&sub);
			for (i = 0; i < list->nitems; i++) {
				if (i > 0)
					sbuf_puts(&sub, ", ");
				sbuf_puts(&sub, quote_item(st, list->items[i]));
			}
			if (sub.len == 0) {
				if (start > 0 && (*cnd)[start - 1] == ',')
					start--;
				else if (end < len && (*cnd)[end] == ',')
					end++;
			}
			sbuf_reset(&nc);
			if (start > 0) {
				sbuf_put(&nc, *cnd, start);
				sbuf_putc(&nc, ' ');
			}
			sbuf_puts(&nc, sbuf_str(&sub));
			sbuf_putc(&nc, ' ');
			if (end <= len)
				sbuf_puts(&nc, *cnd + end);
			free(*cnd);
			*cnd = sbuf_detach(&nc);
			start += sub.len + 1;
			used = 1;
		}
		if (start + 1 > strlen(*cnd))
			break;
		found = strstr(*cnd + start + 1, list->name);
	}
	sbuf_free(&sub);
	sbuf_free(&nc);
	return used;
}

static struct ast *
parse_cond(struct lstate *st, const char *cond, struct clist *lists,
    size_t nlists, const struct ctx *c, const char **expanded)
{
	struct filter_err err;
	struct ast *a;
	char *text = xstrdup(cond);
	size_t i;

	for (i = 0; i < nlists; i++)
		if (resolve_list(st, &text, &lists[i]))
			lists[i].used = 1;
	a = filter_parse(text, 1000, &err);
	if (a == NULL)
		result_error(st->res, LOAD_ERR_COMPILE_CONDITION,
		    ctx_cond(st, c, err.pos, text), "%s", err.msg);
	if (expanded != NULL)
		*expanded = astrdup(st->mem, text);
	free(text);
	return a;
}

struct mres {
	struct cmacro	*macros;
	size_t		 nmacros;
	size_t		 visibility;
	const char	*path[256];
	size_t		 depth;
	const char	*err;		/* first loop error */
	struct ast_pos	 errpos;
	const char	*unknown;	/* first unknown macro */
	struct ast_pos	 unkpos;
	struct arena	*mem;
};

static struct ast *
expand(struct mres *m, struct ast *a)
{
	struct ast *r, *clone;
	size_t i;

	switch (a->kind) {
	case AST_AND:
	case AST_OR:
	case AST_NOT:
		for (i = 0; i < a->nkids; i++) {
			if ((r = expand(m, a->kids[i])) != NULL) {
				ast_free(a->kids[i]);
				a->kids[i] = r;
			}
		}
		return NULL;
	case AST_IDENT:
		break;
	default:
		return NULL;
	}
	for (i = 0; i < m->nmacros; i++)
		if (m->macros[i].index < m->visibility &&
		    m->macros[i].ast != NULL &&
		    strcmp(m->macros[i].name, a->str) == 0)
			break;
	if (i == m->nmacros) {
		if (m->unknown == NULL) {
			m->unknown = astrdup(m->mem, a->str);
			m->unkpos = a->pos;
		}
		return NULL;
	}
	for (size_t k = 0; k < m->depth; k++) {
		if (strcmp(m->path[k], a->str) == 0) {
			if (m->err == NULL) {
				m->err = aprintf(m->mem, "reference loop in "
				    "macro '%s'", a->str);
				m->errpos = a->pos;
			}
			return NULL;
		}
	}
	if (m->depth >= 256) {
		if (m->err == NULL) {
			m->err = "macro nesting is too deep";
			m->errpos = a->pos;
		}
		return NULL;
	}
	m->path[m->depth++] = m->macros[i].name;
	clone = ast_clone(m->macros[i].ast);
	if ((r = expand(m, clone)) != NULL) {
		ast_free(clone);
		clone = r;
	}
	m->macros[i].used = 1;
	m->depth--;
	return clone;
}

static int
resolve_macros(struct lstate *st, struct ast **a, struct cmacro *macros,
    size_t nmacros, size_t visibility, const char *cond,
    const struct ctx *c)
{
	struct mres m;
	struct ast *r;

	memset(&m, 0, sizeof(m));
	m.macros = macros;
	m.nmacros = nmacros;
	m.visibility = visibility;
	m.mem = st->mem;
	if ((r = expand(&m, *a)) != NULL) {
		ast_free(*a);
		*a = r;
	}
	if (m.err != NULL)
		FAIL(st, LOAD_ERR_VALIDATE, ctx_cond(st, c, m.errpos, cond),
		    "%s", m.err);
	if (m.unknown != NULL)
		FAIL(st, LOAD_ERR_VALIDATE, ctx_cond(st, c, m.unkpos, cond),
		    "Undefined macro '%s' used in filter.", m.unknown);
	return 0;
}

static void
scan_warnings(const struct ast *a, int *dep, int *na)
{
	size_t i, j;

	if (a->kind == AST_FIELD) {
		for (j = 0; j < rules_ndeprecated_fields; j++)
			if (strcmp(a->str, rules_deprecated_fields[j]) == 0)
				dep[j] = 1;
	}
	if (a->kind == AST_BINARY && a->kids[0]->kind == AST_FIELD &&
	    (strncmp(a->kids[0]->str, "ka.", 3) == 0 ||
	    strncmp(a->kids[0]->str, "jevt.", 5) == 0) &&
	    (strcmp(a->str, "=") == 0 || strcmp(a->str, "==") == 0 ||
	    strcmp(a->str, "!=") == 0 || strcmp(a->str, "in") == 0 ||
	    strcmp(a->str, "intersects") == 0 ||
	    strcmp(a->str, "pmatch") == 0)) {
		const struct ast *r = a->kids[1];

		if (r->kind == AST_VALUE && strcmp(r->str, "<NA>") == 0)
			*na = 1;
		for (i = 0; r->kind == AST_LIST && i < r->nvals; i++)
			if (strcmp(r->vals[i], "<NA>") == 0)
				*na = 1;
	}
	for (i = 0; i < a->nkids; i++)
		scan_warnings(a->kids[i], dep, na);
}

static int
unknown_field_err(const char *msg)
{
	return strstr(msg, "nonexistent field") != NULL ||
	    strstr(msg, "invalid formatting token") != NULL ||
	    strstr(msg, "unknown event type") != NULL ||
	    strstr(msg, "unknown filter:") != NULL;
}

/*
 * Validate an output format: every %token must be a known field.
 * Returns 0, or -1 with a message in err and the offset of the bad
 * token in *badoff.  Falco's formatter reports an unknown field as
 * "unknown filter: unexpected token after '" (the error of its last,
 * one-character candidate); the message here keeps that prefix, which
 * skip-if-unknown-filter and tools match, and names the field.
 */
static int
check_output(const char *fmt, char *err, size_t errsz, size_t *badoff)
{
	const char *p = fmt, *t;
	struct filter_err ferr;
	size_t n, k, depth;
	char *cand;
	int ok;

	for (p = strchr(p, '%'); p != NULL; p = strchr(p, '%')) {
		*badoff = (size_t)(p - fmt);
		p++;
		if (*p == '\0') {
			snprintf(err, errsz, "invalid formatting syntax: "
			    "formatting cannot end with a %%");
			return -1;
		}
		while (isdigit((unsigned char)*p))
			p++;
		if (*p == '\0') {
			snprintf(err, errsz, "invalid formatting syntax: "
			    "formatting cannot end with a number");
			return -1;
		}
		/* the longest candidate, then shorter ones */
		t = p;
		depth = 0;
		while (*t != '\0' && (isalnum((unsigned char)*t) ||
		    strchr("_.[]()\"', -:/", *t) != NULL)) {
			if (*t == '(' || *t == '[')
				depth++;
			else if (*t == ')' || *t == ']') {
				if (depth == 0)
					break;
				depth--;
			} else if (depth == 0 && strchr(" \"',-:/", *t))
				break;
			t++;
		}
		n = (size_t)(t - p);
		ok = 0;
		*badoff = (size_t)(p - fmt);
		if (n == 0)
			snprintf(err, errsz, "unknown filter: expected a field "
			    "name after '%%'");
		for (k = n; k > 0 && !ok; k--) {
			struct ast *a;

			xasprintf(&cand, "%.*s exists", (int)k, p);
			a = filter_parse(cand, 0, &ferr);
			if (a != NULL && a->kind == AST_UNARY &&
			    a->kids[0]->kind != AST_IDENT) {
				struct filter *f = filter_compile(a, &ferr,
				    NULL, 0, NULL);

				ok = f != NULL;
				filter_free(f);
				/* the longest candidate names the field */
				if (!ok && k == n)
					snprintf(err, errsz, "unknown filter: "
					    "%.400s", ferr.msg);
			} else if (k == n)
				snprintf(err, errsz, "unknown filter: '%.*s' "
				    "is not a field name", (int)n, p);
			ast_free(a);
			free(cand);
		}
		if (!ok)
			return -1;
		p += k + 1;
	}
	return 0;
}

static void
build_exceptions(struct lstate *st, const struct rule_info *r,
    struct sbuf *cond, int *bad, const struct ctx **badctx)
{
	struct sbuf ic = SBUF_INIT, is = SBUF_INIT;
	size_t e, v, k, j;

	sbuf_printf(cond, "(%s)", r->cond);
	for (e = 0; e < r->nexcs && !*bad; e++) {
		const struct exc_info *ex = &r->excs[e];

		sbuf_reset(&ic);
		if (!ex->fields.is_list) {
			for (v = 0; v < ex->nvalues; v++) {
				if (ex->values[v].is_list) {
					*bad = 1;
					*badctx = ex->ctx;
					result_error(st->res, LOAD_ERR_VALIDATE,
					    ex->ctx, "Expected values array to "
					    "contain a list of strings");
					goto out;
				}
				if (ic.len == 0)
					sbuf_printf(&ic, "(%s %s (",
					    ex->fields.item, ex->comps.item);
				else
					sbuf_puts(&ic, ", ");
				sbuf_puts(&ic, quote_item(st,
				    ex->values[v].item != NULL ?
				    ex->values[v].item : ""));
			}
			if (ic.len > 0)
				sbuf_puts(&ic, "))");
		} else {
			sbuf_putc(&ic, '(');
			for (v = 0; v < ex->nvalues; v++) {
				const struct exc_entry *vals = &ex->values[v];

				if (ex->fields.nitems != vals->nitems ||
				    !vals->is_list) {
					*bad = 1;
					result_error(st->res, LOAD_ERR_VALIDATE,
					    ex->ctx, "Fields and values lists "
					    "must have equal length");
					goto out;
				}
				if (strcmp(sbuf_str(&ic), "(") != 0)
					sbuf_puts(&ic, " or ");
				sbuf_putc(&ic, '(');
				for (k = 0; k < ex->fields.nitems; k++) {
					const struct exc_entry *it =
					    &vals->items[k];
					const char *comp =
					    ex->comps.items[k].item;

					if (k > 0)
						sbuf_puts(&ic, " and ");
					sbuf_reset(&is);
					if (it->is_list) {
						sbuf_putc(&is, '(');
						for (j = 0; j < it->nitems; j++) {
							if (j > 0)
								sbuf_puts(&is,
								    ", ");
							sbuf_puts(&is,
							    quote_item(st,
							    it->items[j].item ?
							    it->items[j].item :
							    ""));
						}
						sbuf_putc(&is, ')');
					} else {
						const char *iv = it->item ?
						    it->item : "";

						if (filter_is_list_operator(
						    comp) && iv[0] != '(')
							sbuf_printf(&is, "(%s)",
							    iv);
						else if (filter_is_list_operator(
						    comp))
							sbuf_puts(&is, iv);
						else
							sbuf_puts(&is,
							    quote_item(st, iv));
					}
					sbuf_printf(&ic, " %s %s %s",
					    ex->fields.items[k].item, comp,
					    sbuf_str(&is));
				}
				sbuf_putc(&ic, ')');
			}
			sbuf_putc(&ic, ')');
			if (strcmp(sbuf_str(&ic), "()") == 0)
				sbuf_reset(&ic);
		}
		if (ic.len > 0)
			sbuf_printf(cond, " and not %s", sbuf_str(&ic));
	}
out:
	sbuf_free(&ic);
	sbuf_free(&is);
}

static struct rules_set *
rules_compile(struct rules_loader *l, struct lstate *st)
{
	struct rules_set *rs = xcalloc(1, sizeof(*rs));
	struct clist *lists = xcalloc(l->nlists + 1, sizeof(*lists));
	struct cmacro *macros = xcalloc(l->nmacros + 1, sizeof(*macros));
	struct filter_warning warns[16];
	struct filter_err ferr;
	size_t i, j, k, nw, nbits, count;
	char errbuf[512];
	int failed = 0;

	rs->min_prio = PRIO_DEBUG;
	rs->dirty = 1;
	/* lists: earlier lists named as items are inlined */
	for (i = 0; i < l->nlists; i++) {
		const struct list_info *li = &l->lists[i];
		const char **items = NULL;
		size_t n = 0;

		for (j = 0; j < li->nitems; j++) {
			struct list_info *ref = find_list(l, li->items[j]);

			if (ref != NULL && ref->index < li->visibility) {
				for (k = 0; k < l->nlists; k++)
					if (&l->lists[k] == ref)
						lists[k].used = 2;
				items = xreallocarray(items,
				    n + ref->nitems + 1,
				    sizeof(*items));
				for (k = 0; k < ref->nitems; k++)
					items[n++] = ref->items[k];
			} else {
				items = xreallocarray(items, n + 1,
				    sizeof(*items));
				items[n++] = li->items[j];
			}
		}
		lists[i].name = li->name;
		lists[i].items = amalloc(&rs->mem, (n + 1) * sizeof(*items));
		if (n > 0)
			memcpy(lists[i].items, items, n * sizeof(*items));
		lists[i].nitems = n;
		free(items);
	}
	/* macros: parse all, then expand each with what it may see */
	for (i = 0; i < l->nmacros && !failed; i++) {
		macros[i].name = l->macros[i].name;
		macros[i].index = l->macros[i].index;
		macros[i].ast = parse_cond(st, l->macros[i].cond, lists,
		    l->nlists, l->macros[i].cond_ctx, NULL);
		if (macros[i].ast == NULL)
			failed = 1;
	}
	for (i = 0; i < l->nmacros && !failed; i++)
		if (resolve_macros(st, &macros[i].ast, macros, l->nmacros,
		    l->macros[i].visibility, l->macros[i].cond,
		    l->macros[i].ctx) != 0)
			failed = 1;

	rs->rules = xcalloc(l->nrules + 1, sizeof(*rs->rules));
	rs->asts = xcalloc(l->nrules + 1, sizeof(*rs->asts));
	rs->filters = xcalloc(l->nrules + 1, sizeof(*rs->filters));
	for (i = 0; i < l->nrules && !failed; i++) {
		const struct rule_info *r = &l->rules[i];
		struct sbuf cond = SBUF_INIT;
		const char *output, *expanded;
		const struct ctx *bc = NULL;
		struct rule *out;
		struct ast *a;
		struct filter *f;
		int bad = 0, dep[8] = { 0 }, na = 0;
		size_t badoff = 0;
		uint8_t *ev;

		if (r->unknown_source)
			continue;
		if (r->nexcs > 0)
			build_exceptions(st, r, &cond, &bad, &bc);
		else
			sbuf_puts(&cond, r->cond);
		if (bad) {
			sbuf_free(&cond);
			failed = 1;
			break;
		}
		output = r->output;
		if (strstr(output, "%container.info") != NULL) {
			struct sbuf o = SBUF_INIT;
			const char *p = output, *q;

			result_warning(st->res, LOAD_DEPRECATED_ITEM, r->ctx,
			    "%%container.info is deprecated: it now expands to "
			    "nothing, and the container fields are appended to "
			    "outputs by the container support instead.");
			while ((q = strstr(p, "%container.info")) != NULL) {
				sbuf_put(&o, p, (size_t)(q - p));
				p = q + strlen("%container.info");
			}
			sbuf_puts(&o, p);
			output = astrdup(&rs->mem, sbuf_str(&o));
			sbuf_free(&o);
		}
		if (check_output(output, errbuf, sizeof(errbuf),
		    &badoff) != 0) {
			struct ast_pos bp = { (uint32_t)badoff, 1,
			    (uint32_t)badoff + 1 };
			const struct ctx *oc = ctx_expr(st, r->output_ctx, bp,
			    output, CT_RULE_OUTPUT_EXPRESSION);

			if (r->skip_unknown && unknown_field_err(errbuf)) {
				result_warning(st->res, LOAD_UNKNOWN_FILTER,
				    oc, "%s", errbuf);
				sbuf_free(&cond);
				continue;
			}
			result_error(st->res, LOAD_ERR_COMPILE_OUTPUT, oc,
			    "%s", errbuf);
			sbuf_free(&cond);
			failed = 1;
			break;
		}
		for (j = 0; j < rules_ndeprecated_fields; j++)
			if (strstr(output,
			    rules_deprecated_fields[j]) != NULL) {
				char *m;

				xasprintf(&m, "usage of deprecated field '%s' "
				    "has been detected in the rule output",
				    rules_deprecated_fields[j]);
				result_deprecated(st->res, (int)j,
				    r->output_ctx, m);
				free(m);
			}
		a = parse_cond(st, sbuf_str(&cond), lists, l->nlists,
		    r->cond_ctx, &expanded);
		if (a == NULL || resolve_macros(st, &a, macros, l->nmacros,
		    MAX_VISIBILITY, sbuf_str(&cond), r->ctx) != 0) {
			ast_free(a);
			sbuf_free(&cond);
			failed = 1;
			break;
		}
		{
			struct ast_pos zero = { 0, 0, 0 };
			const struct ctx *wc = ctx_cond(st, r->cond_ctx, zero,
			    sbuf_str(&cond));

			scan_warnings(a, dep, &na);
			if (na)
				result_warning(st->res, LOAD_UNSAFE_NA_CHECK,
				    wc, "%s", "");
			for (j = 0; j < rules_ndeprecated_fields; j++)
				if (dep[j])
					result_deprecated(st->res, (int)j, wc,
					    rules_deprecated_desc((int)j));
		}
		f = filter_compile(a, &ferr, warns, 16, &nw);
		if (f == NULL) {
			const struct ctx *ec = ctx_cond(st, r->cond_ctx,
			    ferr.pos, sbuf_str(&cond));

			ast_free(a);
			sbuf_free(&cond);
			if (r->skip_unknown && unknown_field_err(ferr.msg)) {
				result_warning(st->res, LOAD_UNKNOWN_FILTER,
				    ec, "%s", ferr.msg);
				continue;
			}
			result_error(st->res, LOAD_ERR_COMPILE_CONDITION, ec,
			    "%s", ferr.msg);
			failed = 1;
			break;
		}
		for (j = 0; j < nw; j++)
			result_warning(st->res, LOAD_COMPILE_CONDITION,
			    ctx_cond(st, r->cond_ctx, warns[j].pos,
			    sbuf_str(&cond)), "%s", warns[j].msg);
		ev = NULL;
		count = 0;
		nbits = 0;
		if (strcmp(r->source, "syscall") == 0) {
			ev = filter_evttypes(a, &nbits, &count);
			if (ev != NULL && count > 100 && r->warn_evttypes)
				result_warning(st->res, LOAD_NO_EVTTYPE, r->ctx,
				    "Rule matches too many evt.type values. "
				    "This has a significant performance "
				    "penalty.");
		}
		out = &rs->rules[rs->nrules];
		out->id = rs->nrules;
		out->name = r->name;
		out->desc = r->desc;
		out->output = output;
		out->source = r->source;
		out->priority = r->priority;
		out->tags = r->tags;
		out->ntags = r->ntags;
		out->enabled = r->enabled;
		out->capture = r->capture;
		out->capture_duration = r->capture_duration;
		out->warn_evttypes = r->warn_evttypes;
		out->skip_if_unknown_filter = r->skip_unknown;
		{
			char *s = ast_to_string(a);

			out->condition = astrdup(&rs->mem, s);
			free(s);
		}
		(void)expanded;
		out->condition_raw = r->cond;
		out->ast = a;
		out->filter = f;
		if (ev != NULL) {
			uint8_t *copy = amalloc(&rs->mem, (nbits + 7) / 8);

			memcpy(copy, ev, (nbits + 7) / 8);
			out->evttypes = copy;
			free(ev);
		}
		out->nevtbits = nbits;
		out->nevttypes = count;
		rs->asts[rs->nrules] = a;
		rs->filters[rs->nrules] = f;
		rs->nrules++;
		sbuf_free(&cond);
	}
	if (!failed) {
		for (i = 0; i < l->nmacros; i++)
			if (!macros[i].used)
				result_warning(st->res, LOAD_UNUSED_MACRO,
				    l->macros[i].ctx, "Macro not referred to "
				    "by any other rule/macro");
		for (i = 0; i < l->nlists; i++)
			if (!lists[i].used)
				result_warning(st->res, LOAD_UNUSED_LIST,
				    l->lists[i].ctx, "List not referred to by "
				    "any other rule/macro");
	}
	rs->lists = xcalloc(l->nlists + 1, sizeof(*rs->lists));
	for (i = 0; i < l->nlists; i++) {
		rs->lists[i].name = lists[i].name;
		rs->lists[i].items = lists[i].items;
		rs->lists[i].nitems = lists[i].nitems;
		rs->lists[i].used = lists[i].used != 0;
	}
	rs->nlists = l->nlists;
	rs->macros = xcalloc(l->nmacros + 1, sizeof(*rs->macros));
	for (i = 0; i < l->nmacros; i++) {
		rs->macros[i].name = l->macros[i].name;
		rs->macros[i].condition = l->macros[i].cond;
		rs->macros[i].used = macros[i].used;
		ast_free(macros[i].ast);
	}
	rs->nmacros = l->nmacros;
	free(lists);
	free(macros);
	if (failed) {
		rules_set_free(rs);
		return NULL;
	}
	return rs;
}

/* ---- public: rule set -------------------------------------------- */

size_t
rules_count(const struct rules_set *rs)
{
	return rs != NULL ? rs->nrules : 0;
}

const struct rule *
rules_get(const struct rules_set *rs, size_t i)
{
	return rs != NULL && i < rs->nrules ? &rs->rules[i] : NULL;
}

const struct rule *
rules_find(const struct rules_set *rs, const char *name)
{
	size_t i;

	for (i = 0; rs != NULL && i < rs->nrules; i++)
		if (strcmp(rs->rules[i].name, name) == 0)
			return &rs->rules[i];
	return NULL;
}

size_t
rules_nlists(const struct rules_set *rs)
{
	return rs != NULL ? rs->nlists : 0;
}

const struct rules_list_view *
rules_list(const struct rules_set *rs, size_t i)
{
	return rs != NULL && i < rs->nlists ? &rs->lists[i] : NULL;
}

size_t
rules_nmacros(const struct rules_set *rs)
{
	return rs != NULL ? rs->nmacros : 0;
}

const struct rules_macro_view *
rules_macro(const struct rules_set *rs, size_t i)
{
	return rs != NULL && i < rs->nmacros ? &rs->macros[i] : NULL;
}

/*
 * Falco's rule-name wildcard: only '*' is special, and each literal run
 * after a '*' matches at its first occurrence (so "*ab" does not match
 * "xabyab"); rule names may hold any other glob character literally.
 */
static int
wildcard_match(const char *pat, const char *s)
{
	const char *star = strchr(pat, '*'), *hit;
	size_t lit;
	char *run;
	int r;

	if (star == NULL)
		return strcmp(pat, s) == 0;
	if (star != pat) {
		lit = (size_t)(star - pat);
		if (strncmp(pat, s, lit) != 0)
			return 0;
		return wildcard_match(star, s + lit);
	}
	while (*pat == '*')
		pat++;
	if (*pat == '\0')
		return 1;
	lit = strcspn(pat, "*");
	run = xstrndup(pat, lit);
	hit = strstr(s, run);
	free(run);
	if (hit == NULL)
		return 0;
	r = wildcard_match(pat + lit, hit + lit);
	return r;
}

size_t
rules_select_name(struct rules_set *rs, const char *glob, int enable)
{
	size_t i, n = 0;

	for (i = 0; i < rs->nrules; i++)
		if (wildcard_match(glob, rs->rules[i].name)) {
			rs->rules[i].enabled = enable;
			n++;
		}
	rs->dirty = 1;
	return n;
}

size_t
rules_select_tag(struct rules_set *rs, const char *tag, int enable)
{
	size_t i, j, n = 0;

	for (i = 0; i < rs->nrules; i++)
		for (j = 0; j < rs->rules[i].ntags; j++)
			if (strcmp(rs->rules[i].tags[j], tag) == 0) {
				rs->rules[i].enabled = enable;
				n++;
				break;
			}
	rs->dirty = 1;
	return n;
}

void
rules_set_min_priority(struct rules_set *rs, int prio)
{
	rs->min_prio = prio;
	rs->dirty = 1;
}

static void
bucket_push(struct bucket *b, const struct rule *r)
{
	b->v = xreallocarray(b->v, b->n + 1, sizeof(*b->v));
	b->v[b->n++] = r;
}

static void
rebuild_buckets(struct rules_set *rs, const char *source)
{
	size_t i, t;

	if (rs->buckets != NULL)
		for (i = 0; i < rs->nevtbits; i++)
			free(rs->buckets[i].v);
	free(rs->buckets);
	free(rs->any.v);
	memset(&rs->any, 0, sizeof(rs->any));
	rs->nevtbits = 0;
	for (i = 0; i < rs->nrules; i++)
		if (rs->rules[i].nevtbits > rs->nevtbits)
			rs->nevtbits = rs->rules[i].nevtbits;
	rs->buckets = xcalloc(rs->nevtbits + 1, sizeof(*rs->buckets));
	for (i = 0; i < rs->nrules; i++) {
		const struct rule *r = &rs->rules[i];

		if (!r->enabled || r->priority > rs->min_prio ||
		    strcmp(r->source, source) != 0)
			continue;
		if (r->evttypes == NULL) {
			/* no type information: in every bucket */
			bucket_push(&rs->any, r);
			for (t = 0; t < rs->nevtbits; t++)
				bucket_push(&rs->buckets[t], r);
			continue;
		}
		for (t = 0; t < r->nevtbits; t++)
			if (r->evttypes[t / 8] & (1u << (t % 8)))
				bucket_push(&rs->buckets[t], r);
	}
	free(rs->bucket_source);
	rs->bucket_source = xstrdup(source);
	rs->dirty = 0;
}

const struct rule *const *
rules_for_evttype(struct rules_set *rs, const char *source,
    uint16_t evttype, size_t *n)
{
	if (rs->dirty || rs->bucket_source == NULL ||
	    strcmp(rs->bucket_source, source) != 0)
		rebuild_buckets(rs, source);
	if (evttype >= rs->nevtbits) {
		/* an id no rule names: only the rules without types */
		*n = rs->any.n;
		return rs->any.v;
	}
	*n = rs->buckets[evttype].n;
	return rs->buckets[evttype].v;
}
