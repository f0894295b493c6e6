/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Compiler and evaluator of conditions.
 *
 * A compiled condition is a tree of boolean nodes whose leaves are checks:
 * a value producer (a field, or transformers over fields) on the left, an
 * operator, and either constants already converted to the left side's
 * type or another producer on the right.  Regular expressions are
 * compiled once, string sets for 'in' are hashed, and identical
 * sub-conditions share a per-event result cache (filter_eval_cached()).
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <pcre2.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include <netdb.h>

#include "filter/filter.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"

enum op {
	OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_CONTAINS, OP_ICONTAINS,
	OP_BCONTAINS, OP_STARTSWITH, OP_BSTARTSWITH, OP_ENDSWITH, OP_GLOB,
	OP_IGLOB, OP_REGEX, OP_IN, OP_INTERSECTS, OP_PMATCH, OP_EXISTS,
	OP_NONE
};

enum mod { MOD_NONE, MOD_ONEOF, MOD_ANYOF, MOD_ALLOF };

static const struct {
	const char	*name;
	enum op		 op;
	int		 modifiable;	/* takes oneof/anyof/allof */
} ops[] = {
	{ "==", OP_EQ, 1 }, { "=", OP_EQ, 1 }, { "!=", OP_NE, 1 },
	{ "<", OP_LT, 0 }, { "<=", OP_LE, 0 }, { ">", OP_GT, 0 },
	{ ">=", OP_GE, 0 }, { "contains", OP_CONTAINS, 1 },
	{ "icontains", OP_ICONTAINS, 1 }, { "bcontains", OP_BCONTAINS, 1 },
	{ "startswith", OP_STARTSWITH, 1 },
	{ "bstartswith", OP_BSTARTSWITH, 1 },
	{ "endswith", OP_ENDSWITH, 1 }, { "glob", OP_GLOB, 1 },
	{ "iglob", OP_IGLOB, 1 }, { "regex", OP_REGEX, 1 },
	{ "in", OP_IN, 0 }, { "intersects", OP_INTERSECTS, 0 },
	{ "pmatch", OP_PMATCH, 0 }, { "exists", OP_EXISTS, 0 },
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static enum op
op_lookup(const char *s, size_t len, int *modifiable)
{
	size_t i;

	for (i = 0; i < NELEM(ops); i++) {
		if (strlen(ops[i].name) == len &&
		    strncmp(ops[i].name, s, len) == 0) {
			if (modifiable != NULL)
				*modifiable = ops[i].modifiable;
			return ops[i].op;
		}
	}
	return OP_NONE;
}

static const char *
op_name(enum op op)
{
	size_t i;

	for (i = 0; i < NELEM(ops); i++)
		if (ops[i].op == op)
			return ops[i].name;
	return "?";
}

/* Split "startswith oneof" into operator and modifier; -1 if invalid. */
static int
parse_op(const char *s, enum op *op, enum mod *mod)
{
	const char *sp = strchr(s, ' ');
	int modifiable = 0;

	*mod = MOD_NONE;
	if (sp == NULL) {
		*op = op_lookup(s, strlen(s), NULL);
		return *op == OP_NONE ? -1 : 0;
	}
	*op = op_lookup(s, (size_t)(sp - s), &modifiable);
	if (*op == OP_NONE || !modifiable)
		return -1;
	while (*sp == ' ')
		sp++;
	if (strcmp(sp, "oneof") == 0)
		*mod = MOD_ONEOF;
	else if (strcmp(sp, "anyof") == 0)
		*mod = MOD_ANYOF;
	else if (strcmp(sp, "allof") == 0)
		*mod = MOD_ALLOF;
	else
		return -1;
	return 0;
}

int
filter_is_operator(const char *s)
{
	return op_lookup(s, strlen(s), NULL) != OP_NONE;
}

int
filter_is_str_op_with_modifier(const char *s)
{
	enum op op;
	enum mod mod;

	return parse_op(s, &op, &mod) == 0 && mod != MOD_NONE;
}

int
filter_is_list_operator(const char *s)
{
	return strcmp(s, "in") == 0 || strcmp(s, "intersects") == 0 ||
	    strcmp(s, "pmatch") == 0 || filter_is_str_op_with_modifier(s);
}

/* ---- compiled form ----------------------------------------------- */

enum xf {
	XF_FIELD, XF_CONST, XF_TOLOWER, XF_TOUPPER, XF_B64, XF_BASENAME,
	XF_LEN, XF_VAL, XF_JOIN, XF_CONCAT, XF_LIST
};

struct xnode {
	enum xf		 xf;
	enum ftype	 type;		/* type of the values made */
	int		 is_list;	/* list field or list */
	struct field_ref ref;		/* XF_FIELD */
	char		*cstr;		/* XF_CONST */
	struct xnode	**args;
	size_t		 nargs;
};

struct cval {
	char		*s;	/* strings and bytes (owned) */
	size_t		 len;
	struct fval	 v;	/* typed value; v.v.s points to s */
	pcre2_code	*re;
};

enum nkind { N_AND, N_OR, N_NOT, N_CHECK };

struct fnode {
	enum nkind	 kind;
	uint32_t	 cid;		/* result cache slot (see intern) */
	int		 shared;	/* another node has the same text */
	int		 strfast;	/* one string constant, scalar op */
	int		 spec;		/* made by filter_specialize() */
	struct fnode	**kids;
	size_t		 nkids;
	/* N_CHECK */
	struct xnode	*lhs;
	enum op		 op;
	enum mod	 mod;
	struct xnode	*rhs;		/* right-hand field or NULL */
	struct cval	*vals;
	size_t		 nvals;
	int		 sorted;	/* vals sorted, string set in hset */
	/* Open-addressing set over vals (indexes + 1, 0 = empty). */
	uint32_t	*hset;
	uint32_t	 hmask;
};

struct filter {
	struct fnode	*root;		/* NULL: decided, see konst */
	int		 konst;		/* the value when root is NULL */
	int		 spec;		/* filter_specialize(): owns only the
					   nodes marked spec */
};

/* Validation of evt.type constants, when a resolver is installed. */
struct evtype_check {
	int	(*check)(const char *name);
};

struct cstate {
	struct filter_err	*err;
	struct filter_warning	*warn;
	size_t			 nwarn_max;
	size_t			 nwarn;
	struct ast_pos		 pos;
};

static int cerr(struct cstate *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

static int
cerr(struct cstate *cs, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cs->err->msg, sizeof(cs->err->msg), fmt, ap);
	va_end(ap);
	cs->err->pos = cs->pos;
	return -1;
}

static void cwarn(struct cstate *, struct ast_pos, const char *, ...)
	    __attribute__((format(printf, 3, 4)));

static void
cwarn(struct cstate *cs, struct ast_pos pos, const char *fmt, ...)
{
	va_list ap;
	struct filter_warning *w;

	if (cs->warn == NULL || cs->nwarn >= cs->nwarn_max) {
		cs->nwarn++;
		return;
	}
	w = &cs->warn[cs->nwarn++];
	va_start(ap, fmt);
	vsnprintf(w->msg, sizeof(w->msg), fmt, ap);
	va_end(ap);
	w->pos = pos;
}

/* ---- shared sub-conditions --------------------------------------- */

/*
 * Rules repeat the same sub-conditions: a macro such as open_read is
 * expanded into every rule that names it.  Every compiled node is
 * interned by its canonical text (ast_to_string(), which determines the
 * tree; for and/or/not nodes, an equivalent key built from the slots of
 * the children), and nodes with the same text share one result slot (cid),
 * so filter_eval_cached() evaluates a shared sub-condition once per
 * event.  The table is changed only by compiling and freeing, which
 * happen on one thread (see filter.h); evaluation reads only the cid
 * stored in the node.  Slots of freed nodes are reused: a result cached
 * under a reused slot is never read again: every event starts a new
 * generation (filter_cache_next()), and so does every evaluation after
 * a slot was reused (intern_epoch).
 */
struct ientry {
	char		*key;		/* NULL: empty */
	uint32_t	 cid;
	uint32_t	 refs;
	struct fnode	*first;		/* the node that took the slot */
};

static struct ientry *itab;		/* open addressing, by key */
static size_t itab_cap, itab_used;
static uint32_t *ikeys_of;		/* cid -> index in itab + 1 */
static size_t ncids;			/* cids handed out, from 1 */
static uint32_t *free_cids;
static size_t nfree_cids;
/* Bumped when a slot is reused: evaluators then start a new generation. */
static unsigned intern_epoch;

/* A hash of len bytes, eight at a time (values are paths and names). */
static uint64_t
hash_bytes(const char *s, size_t len)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ len, w;

	while (len >= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
		s += 8;
		len -= 8;
	}
	if (len > 0) {
		w = 0;
		memcpy(&w, s, len);
		h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	return h ^ (h >> 29);
}

static void
itab_grow(void)
{
	struct ientry *old = itab;
	size_t oldcap = itab_cap, i, j;

	itab_cap = oldcap == 0 ? 256 : oldcap * 2;
	itab = xcalloc(itab_cap, sizeof(*itab));
	for (i = 0; i < oldcap; i++) {
		if (old[i].key == NULL)
			continue;
		j = hash_bytes(old[i].key, strlen(old[i].key)) &
		    (itab_cap - 1);
		while (itab[j].key != NULL)
			j = (j + 1) & (itab_cap - 1);
		itab[j] = old[i];
		ikeys_of[old[i].cid] = (uint32_t)j + 1;
	}
	free(old);
}

/*
 * Give n the slot of the sub-condition printed as key (taken: freed
 * here).  A node whose text occurs more than once is marked shared: only
 * shared nodes are worth caching.  The mark is set, never cleared, while
 * other threads may evaluate the first node; either value of it gives
 * the same result.
 */
static void
intern_node(struct fnode *n, char *key)
{
	size_t j;
	uint32_t cid;

	if ((itab_used + 1) * 2 > itab_cap)
		itab_grow();
	j = hash_bytes(key, strlen(key)) & (itab_cap - 1);
	while (itab[j].key != NULL) {
		if (strcmp(itab[j].key, key) == 0) {
			itab[j].refs++;
			free(key);
			n->cid = itab[j].cid;
			__atomic_store_n(&n->shared, 1, __ATOMIC_RELAXED);
			if (itab[j].first != NULL)
				__atomic_store_n(&itab[j].first->shared, 1,
				    __ATOMIC_RELAXED);
			return;
		}
		j = (j + 1) & (itab_cap - 1);
	}
	if (nfree_cids > 0) {
		cid = free_cids[--nfree_cids];
		/* results cached under the old meaning are now wrong */
		__atomic_add_fetch(&intern_epoch, 1, __ATOMIC_RELAXED);
	} else {
		cid = (uint32_t)++ncids;
		ikeys_of = xreallocarray(ikeys_of, ncids + 1,
		    sizeof(*ikeys_of));
		free_cids = xreallocarray(free_cids, ncids + 1,
		    sizeof(*free_cids));
	}
	itab[j].key = key;
	itab[j].cid = cid;
	itab[j].refs = 1;
	itab[j].first = n;
	ikeys_of[cid] = (uint32_t)j + 1;
	itab_used++;
	n->cid = cid;
}

/* Release n's reference to its slot (none: nothing). */
static void
intern_drop(struct fnode *n)
{
	size_t j, k, h;
	uint32_t cid = n->cid;

	if (cid == 0 || cid > ncids || ikeys_of[cid] == 0)
		return;
	j = ikeys_of[cid] - 1;
	if (itab[j].first == n)
		itab[j].first = NULL;
	if (--itab[j].refs > 0)
		return;
	free(itab[j].key);
	itab[j].key = NULL;
	ikeys_of[cid] = 0;
	free_cids[nfree_cids++] = cid;
	itab_used--;
	/* Re-place the rest of the probe run (linear probing delete). */
	for (k = (j + 1) & (itab_cap - 1); itab[k].key != NULL;
	    k = (k + 1) & (itab_cap - 1)) {
		struct ientry e = itab[k];

		itab[k].key = NULL;
		h = hash_bytes(e.key, strlen(e.key)) & (itab_cap - 1);
		while (itab[h].key != NULL)
			h = (h + 1) & (itab_cap - 1);
		itab[h] = e;
		ikeys_of[e.cid] = (uint32_t)h + 1;
	}
}

static void
xnode_free(struct xnode *x)
{
	size_t i;

	if (x == NULL)
		return;
	for (i = 0; i < x->nargs; i++)
		xnode_free(x->args[i]);
	free(x->args);
	free(x->ref.arg_key);
	free(x->cstr);
	free(x);
}

static void
fnode_free(struct fnode *n)
{
	size_t i;

	if (n == NULL)
		return;
	intern_drop(n);
	free(n->hset);
	for (i = 0; i < n->nkids; i++)
		fnode_free(n->kids[i]);
	free(n->kids);
	xnode_free(n->lhs);
	xnode_free(n->rhs);
	for (i = 0; i < n->nvals; i++) {
		free(n->vals[i].s);
		if (n->vals[i].re != NULL)
			pcre2_code_free(n->vals[i].re);
	}
	free(n->vals);
	free(n);
}

/* Free the nodes filter_specialize() made; the rest is borrowed. */
static void
spec_free(struct fnode *n)
{
	size_t i;

	if (n == NULL || !n->spec)
		return;
	for (i = 0; i < n->nkids; i++)
		spec_free(n->kids[i]);
	free(n->kids);
	free(n);
}

void
filter_free(struct filter *f)
{
	if (f == NULL)
		return;
	if (f->spec)
		spec_free(f->root);
	else
		fnode_free(f->root);
	free(f);
}

static int
is_str_type(enum ftype t)
{
	return t == FT_CHARBUF || t == FT_FSPATH;
}

static int
is_num_type(enum ftype t)
{
	switch (t) {
	case FT_INT16: case FT_INT32: case FT_INT64: case FT_UINT32:
	case FT_UINT64: case FT_DOUBLE: case FT_RELTIME: case FT_ABSTIME:
	case FT_PORT:
		return 1;
	default:
		return 0;
	}
}

static int
is_signed_type(enum ftype t)
{
	return t == FT_INT16 || t == FT_INT32 || t == FT_INT64;
}

/* Operator x type compatibility, as libsinsp checks it. */
static int
check_op_type(struct cstate *cs, enum op op, enum mod mod, enum ftype t,
    int is_list)
{
	const char *what;
	char opname[40];

	if (op == OP_EXISTS)
		return 0;
	/* evt.rawarg: typed by the event; checked at evaluation */
	if (t == FT_DYN && !is_list)
		return 0;
	snprintf(opname, sizeof(opname), "%s%s", op_name(op),
	    mod == MOD_ONEOF ? " oneof" : mod == MOD_ANYOF ? " anyof" :
	    mod == MOD_ALLOF ? " allof" : "");
	if (is_list) {
		if (op == OP_IN || op == OP_INTERSECTS)
			return 0;
		return cerr(cs, "filter error: '%s' operator not supported "
		    "list filters", opname);
	}
	if (is_num_type(t)) {
		if (op <= OP_GE || op == OP_IN || op == OP_INTERSECTS)
			return 0;
		what = "numeric";
	} else if (t == FT_BOOL) {
		if (op == OP_EQ || op == OP_NE || op == OP_IN ||
		    op == OP_INTERSECTS)
			return 0;
		what = "numeric";
	} else if (is_str_type(t)) {
		if (op != OP_BCONTAINS && op != OP_BSTARTSWITH)
			return 0;
		what = "string";
	} else if (t == FT_BYTEBUF) {
		switch (op) {
		case OP_EQ: case OP_NE: case OP_CONTAINS: case OP_IN:
		case OP_STARTSWITH: case OP_ENDSWITH: case OP_INTERSECTS:
		case OP_BCONTAINS: case OP_BSTARTSWITH:
			return 0;
		default:
			break;
		}
		what = "buffer";
	} else if (t == FT_IPADDR || t == FT_IPNET) {
		if (op == OP_EQ || op == OP_NE || op == OP_IN ||
		    op == OP_INTERSECTS)
			return 0;
		if (mod != MOD_NONE)
			return cerr(cs, "filter error: '%s' with modifier not "
			    "supported for ip address and network filters",
			    opname);
		what = "ip address and network";
	} else {
		return cerr(cs, "filter error: '%s' operator not supported "
		    "for type '%s'", opname, ftype_name(t));
	}
	return cerr(cs, "filter error: '%s' operator not supported for %s "
	    "filters", opname, what);
}

int
filter_op_allowed(const struct field_info *f, const char *opname)
{
	struct filter_err err;
	struct cstate cs;
	enum op op;
	enum mod mod;

	if (parse_op(opname, &op, &mod) != 0)
		return 0;
	memset(&cs, 0, sizeof(cs));
	cs.err = &err;
	return check_op_type(&cs, op, mod, f->type,
	    (f->flags & FF_IS_LIST) != 0) == 0;
}

/* ---- value producers --------------------------------------------- */

static struct xnode *compile_x(struct cstate *, const struct ast *, int);

static const struct {
	const char	*name;
	enum xf		 xf;
} xforms[] = {
	{ "tolower", XF_TOLOWER }, { "toupper", XF_TOUPPER },
	{ "b64", XF_B64 }, { "basename", XF_BASENAME }, { "len", XF_LEN },
	{ "val", XF_VAL }, { "join", XF_JOIN }, { "concat", XF_CONCAT },
};

static struct xnode *
compile_field(struct cstate *cs, const struct ast *a, int in_xform)
{
	struct xnode *x = xcalloc(1, sizeof(*x));
	struct filter_err ferr;

	x->xf = XF_FIELD;
	if (fields_resolve(a->str, a->arg, a->has_arg, &x->ref, &ferr) != 0) {
		free(x->ref.arg_key);
		free(x);
		cerr(cs, "%s", ferr.msg);
		return NULL;
	}
	if (in_xform && (x->ref.info->flags & FF_NO_TRANSFORMER)) {
		cerr(cs, "filter error: field '%s' can't be used with "
		    "transformers", a->str);
		xnode_free(x);
		return NULL;
	}
	x->type = x->ref.info->type;
	x->is_list = (x->ref.info->flags & FF_IS_LIST) != 0;
	return x;
}

static struct xnode *
compile_x(struct cstate *cs, const struct ast *a, int in_xform)
{
	struct xnode *x, *arg;
	size_t i;

	switch (a->kind) {
	case AST_FIELD:
		return compile_field(cs, a, in_xform);
	case AST_VALUE:
		x = xcalloc(1, sizeof(*x));
		x->xf = XF_CONST;
		x->type = FT_CHARBUF;
		x->cstr = xstrdup(a->str);
		return x;
	case AST_XLIST:
		x = xcalloc(1, sizeof(*x));
		x->xf = XF_LIST;
		x->type = FT_CHARBUF;
		x->is_list = 1;
		for (i = 0; i < a->nkids; i++) {
			if ((arg = compile_x(cs, a->kids[i], 1)) == NULL) {
				xnode_free(x);
				return NULL;
			}
			x->args = xreallocarray(x->args, x->nargs + 1,
			    sizeof(*x->args));
			x->args[x->nargs++] = arg;
		}
		return x;
	case AST_XFORM:
		break;
	default:
		cerr(cs, "filter error: unexpected expression in field "
		    "position");
		return NULL;
	}

	x = xcalloc(1, sizeof(*x));
	for (i = 0; i < NELEM(xforms); i++)
		if (strcmp(xforms[i].name, a->str) == 0)
			break;
	if (i == NELEM(xforms)) {
		/* XXX: getopt() parses but has no evaluator yet. */
		free(x);
		cerr(cs, "filter error: unsupported transformer '%s'", a->str);
		return NULL;
	}
	x->xf = xforms[i].xf;
	for (i = 0; i < a->nkids; i++) {
		arg = compile_x(cs, a->kids[i], x->xf != XF_VAL);
		if (arg == NULL) {
			xnode_free(x);
			return NULL;
		}
		x->args = xreallocarray(x->args, x->nargs + 1,
		    sizeof(*x->args));
		x->args[x->nargs++] = arg;
	}
	if (a->has_arg) {
		cerr(cs, "filter error: transformer '%s' does not take an "
		    "argument", a->str);
		goto bad;
	}
	switch (x->xf) {
	case XF_VAL:
		if (x->nargs != 1 || x->args[0]->xf != XF_FIELD)
			goto arity;
		if (x->args[0]->ref.info->flags & FF_NO_RHS) {
			cerr(cs, "filter error: field '%s' can't be used in "
			    "the right-hand side of a comparison",
			    x->args[0]->ref.info->name);
			goto bad;
		}
		x->type = x->args[0]->type;
		x->is_list = x->args[0]->is_list;
		break;
	case XF_TOLOWER:
	case XF_TOUPPER:
	case XF_B64:
	case XF_BASENAME:
		if (x->nargs != 1)
			goto arity;
		arg = x->args[0];
		if (arg->xf == XF_CONST || arg->xf == XF_LIST ||
		    (!is_str_type(arg->type) &&
		    !(arg->type == FT_BYTEBUF && x->xf == XF_B64))) {
			cerr(cs, "filter error: transformer '%s' does not "
			    "support field type '%s'", a->str,
			    ftype_name(arg->type));
			goto bad;
		}
		x->type = x->xf == XF_B64 ? FT_CHARBUF : arg->type;
		x->is_list = arg->is_list;
		break;
	case XF_LEN:
		if (x->nargs != 1)
			goto arity;
		arg = x->args[0];
		if (arg->xf == XF_CONST || (!arg->is_list &&
		    !is_str_type(arg->type) && arg->type != FT_BYTEBUF)) {
			cerr(cs, "filter error: transformer 'len' does not "
			    "support field type '%s'", ftype_name(arg->type));
			goto bad;
		}
		x->type = FT_UINT64;
		break;
	case XF_JOIN:
		if (x->nargs != 2 || x->args[0]->xf != XF_CONST ||
		    x->args[1]->xf != XF_LIST)
			goto arity;
		x->type = FT_CHARBUF;
		break;
	case XF_CONCAT:
		if (x->nargs < 1)
			goto arity;
		x->type = FT_CHARBUF;
		break;
	default:
		break;
	}
	return x;
arity:
	cerr(cs, "filter error: wrong arguments for transformer '%s'", a->str);
bad:
	xnode_free(x);
	return NULL;
}

/* ---- constants --------------------------------------------------- */

static int
parse_int(const char *s, int sign, struct fval *v)
{
	char *end;

	errno = 0;
	if (sign) {
		long long x = strtoll(s, &end, 10);

		if (errno || *end != '\0' || end == s)
			return -1;
		v->v.i = x;
	} else {
		unsigned long long x;

		if (*s == '-')
			return -1;
		x = strtoull(s, &end, 10);
		if (errno || *end != '\0' || end == s)
			return -1;
		v->v.u = x;
	}
	return 0;
}

static int
parse_ip(const char *s, struct fval *v, int allow_net, int need_net)
{
	char buf[64];
	const char *slash = strchr(s, '/');
	size_t n = slash != NULL ? (size_t)(slash - s) : strlen(s);
	long bits;
	char *end;

	if (n >= sizeof(buf) || (slash != NULL && !allow_net) ||
	    (slash == NULL && need_net))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	memset(&v->v.ip, 0, sizeof(v->v.ip));
	if (inet_pton(AF_INET, buf, v->v.ip.a) == 1) {
		v->v.ip.af = 4;
		v->v.ip.bits = 32;
	} else if (inet_pton(AF_INET6, buf, v->v.ip.a) == 1) {
		v->v.ip.af = 6;
		v->v.ip.bits = 128;
	} else
		return -1;
	if (slash != NULL) {
		errno = 0;
		bits = strtol(slash + 1, &end, 10);
		if (errno || *end != '\0' || end == slash + 1 || bits < 0 ||
		    bits > v->v.ip.bits)
			return -1;
		v->v.ip.bits = (uint8_t)bits;
	}
	return 0;
}

static int
unhex(const char *s, char **out, size_t *len)
{
	size_t n = strlen(s), i;
	char *b;
	int h, l;

	if (n % 2 != 0)
		return -1;
	b = xmalloc(n / 2 + 1);
	for (i = 0; i < n; i += 2) {
		h = isxdigit((unsigned char)s[i]) ? (isdigit((unsigned char)
		    s[i]) ? s[i] - '0' : (tolower((unsigned char)s[i]) -
		    'a' + 10)) : -1;
		l = isxdigit((unsigned char)s[i + 1]) ? (isdigit(
		    (unsigned char)s[i + 1]) ? s[i + 1] - '0' :
		    (tolower((unsigned char)s[i + 1]) - 'a' + 10)) : -1;
		if (h < 0 || l < 0) {
			free(b);
			return -1;
		}
		b[i / 2] = (char)(h * 16 + l);
	}
	b[n / 2] = '\0';
	*out = b;
	*len = n / 2;
	return 0;
}

static int
add_const(struct cstate *cs, struct fnode *n, const char *s,
    const struct evtype_check *evc)
{
	struct cval *c;
	enum ftype t = n->lhs->type;
	int rc;
	PCRE2_SIZE eoff;
	int ecode;

	n->vals = xreallocarray(n->vals, n->nvals + 1, sizeof(*n->vals));
	c = &n->vals[n->nvals];
	memset(c, 0, sizeof(*c));
	c->v.type = t;

	if (n->op == OP_BCONTAINS || n->op == OP_BSTARTSWITH) {
		if (unhex(s, &c->s, &c->len) != 0)
			return cerr(cs, "filter error: bcontains and "
			    "bstartswith operator support hex strings only");
		n->nvals++;
		c->v.v.s.p = c->s;
		c->v.v.s.len = c->len;
		return 0;
	}
	if (evc != NULL && evc->check != NULL && evc->check(s) != 0)
		return cerr(cs, "unknown event type %s", s);

	switch (t) {
	case FT_INT16: case FT_INT32: case FT_INT64:
		rc = parse_int(s, 1, &c->v);
		break;
	case FT_UINT32: case FT_UINT64: case FT_RELTIME: case FT_ABSTIME:
		rc = parse_int(s, 0, &c->v);
		break;
	case FT_PORT:
		if (*s != '\0' && strspn(s, "0123456789") == strlen(s)) {
			rc = parse_int(s, 0, &c->v);
			if (rc == 0 && c->v.v.u > 65535)
				rc = -1;
		} else {
			struct servent *se = getservbyname(s, NULL);

			if (se == NULL)
				return cerr(cs, "unrecognized protocol %s", s);
			c->v.v.u = ntohs((uint16_t)se->s_port);
			rc = 0;
		}
		break;
	case FT_DOUBLE:
		/* Like libsinsp, only integer constants for now. */
		rc = parse_int(s, 1, &c->v);
		if (rc == 0)
			c->v.v.d = (double)c->v.v.i;
		break;
	case FT_BOOL:
		if (strcmp(s, "true") == 0)
			c->v.v.u = 1;
		else if (strcmp(s, "false") == 0)
			c->v.v.u = 0;
		else
			return cerr(cs, "filter error: unrecognized boolean "
			    "value '%s'", s);
		rc = 0;
		break;
	case FT_IPADDR:
		rc = parse_ip(s, &c->v, 0, 0);
		if (rc != 0)
			return cerr(cs, "filter error: invalid IP address "
			    "'%s'", s);
		break;
	case FT_IPNET:
		rc = parse_ip(s, &c->v, 1, 1);
		if (rc != 0)
			return cerr(cs, "filter error: invalid network "
			    "'%s'", s);
		break;
	case FT_DYN:
		/* a number if it reads as one, else a string */
		c->s = xstrdup(s);
		c->len = strlen(s);
		if (parse_int(s, 1, &c->v) == 0)
			c->v.type = FT_INT64;
		else {
			c->v.type = FT_CHARBUF;
			c->v.v.s.p = c->s;
			c->v.v.s.len = c->len;
		}
		rc = 0;
		break;
	default:
		c->s = xstrdup(s);
		c->len = strlen(s);
		c->v.v.s.p = c->s;
		c->v.v.s.len = c->len;
		rc = 0;
		break;
	}
	if (rc != 0)
		return cerr(cs, "filter error: can't convert '%s' to type "
		    "'%s'", s, ftype_name(t));
	if (n->op == OP_REGEX) {
		c->re = pcre2_compile((PCRE2_SPTR)s, PCRE2_ZERO_TERMINATED,
		    PCRE2_ANCHORED | PCRE2_ENDANCHORED, &ecode, &eoff, NULL);
		if (c->re == NULL) {
			PCRE2_UCHAR ebuf[128];

			pcre2_get_error_message(ecode, ebuf, sizeof(ebuf));
			free(c->s);
			return cerr(cs, "filter error: invalid regular "
			    "expression '%s': %s", s, (char *)ebuf);
		}
		(void)pcre2_jit_compile(c->re, PCRE2_JIT_COMPLETE);
	}
	n->nvals++;
	return 0;
}

static int
cval_cmp(const void *a, const void *b)
{
	const struct cval *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int r = memcmp(x->s, y->s, n);

	if (r != 0)
		return r;
	return x->len < y->len ? -1 : x->len > y->len;
}

/* Warnings about constants that look like fields or transformers. */
static void
value_warnings(struct cstate *cs, enum op op, struct ast_pos pos,
    const char *v)
{
	static const char *const names[] = { "val", "tolower", "toupper",
	    "b64", "basename", "len", "join", "concat", "getopt" };
	struct field_ref ref;
	char *ns;
	size_t i, j, len;

	if (op == OP_REGEX) {
		const char *special = ".+*?^$()[]{}|\\";
		int simple = 1;

		len = strlen(v);
		for (i = 0; i < len && simple; i++) {
			if ((i == 0 && v[i] == '^') ||
			    (i == len - 1 && v[i] == '$'))
				continue;
			if (((i == 0 && len > 1) || (i + 2 == len)) &&
			    v[i] == '.' && strchr("+*?", v[i + 1]) != NULL) {
				i++;
				continue;
			}
			if (strchr(special, v[i]) != NULL)
				simple = 0;
		}
		if (simple)
			cwarn(cs, pos, "regex check with '%s' may be optimized "
			    "with simpler operators such as '=', 'contains', "
			    "'startswith', 'endswith'", v);
	}
	ns = xmalloc(strlen(v) + 1);
	for (i = j = 0; v[i] != '\0'; i++)
		if (!isspace((unsigned char)v[i]))
			ns[j++] = v[i];
	ns[j] = '\0';
	if (strchr(ns, '.') != NULL) {
		char *lb = strchr(ns, '['), *arg = NULL;
		int has_arg = 0;

		if (lb != NULL && ns[strlen(ns) - 1] == ']') {
			*lb = '\0';
			arg = lb + 1;
			arg[strlen(arg) - 1] = '\0';
			has_arg = 1;
		}
		if (fields_resolve(ns, arg, has_arg, &ref, NULL) == 0)
			cwarn(cs, pos, "'%s' may be a valid field misused as "
			    "a const string value", v);
		free(ref.arg_key);
		if (lb != NULL)
			*lb = '[';
	}
	len = strlen(ns);
	for (i = 0; i < NELEM(names); i++) {
		size_t tl = strlen(names[i]);

		if (len >= tl + 2 && strncmp(ns, names[i], tl) == 0 &&
		    ns[tl] == '(' && ns[len - 1] == ')')
			cwarn(cs, pos, "'%s' may be a valid field transformer "
			    "misused as a const string value", v);
	}
	free(ns);
}

static int
is_evttype_field(const struct xnode *x)
{
	return x->xf == XF_FIELD && (strcmp(x->ref.info->name,
	    "evt.type") == 0 || strcmp(x->ref.info->name,
	    "syscall.type") == 0);
}

static int
evtype_known(const char *name)
{
	const struct filter_evtypes *ev = filter_get_evtypes();
	uint8_t *bm;
	int n;

	if (ev == NULL)
		return 0;
	bm = xcalloc((ev->nbits + 7) / 8 + 1, 1);
	n = filter_evtype_lookup(name, bm);
	free(bm);
	return n > 0 ? 0 : -1;
}

/*
 * The string constants of an 'in' check as a hash set (load factor at
 * most 1/2): membership costs one hash of the value instead of a binary
 * search over the list.
 */
static void
build_hset(struct fnode *n)
{
	size_t cap = 4, i, j;

	while (cap < n->nvals * 2)
		cap *= 2;
	n->hset = xcalloc(cap, sizeof(*n->hset));
	n->hmask = (uint32_t)(cap - 1);
	for (i = 0; i < n->nvals; i++) {
		j = hash_bytes(n->vals[i].s, n->vals[i].len) & n->hmask;
		while (n->hset[j] != 0)
			j = (j + 1) & n->hmask;
		n->hset[j] = (uint32_t)i + 1;
	}
}

static int
hset_has(const struct fnode *n, const char *p, size_t len)
{
	size_t j = hash_bytes(p, len) & n->hmask;
	uint32_t k;

	while ((k = n->hset[j]) != 0) {
		const struct cval *c = &n->vals[k - 1];

		if (c->len == len && (len == 0 || memcmp(c->s, p, len) == 0))
			return 1;
		j = (j + 1) & n->hmask;
	}
	return 0;
}

static struct fnode *compile_node(struct cstate *, const struct ast *);

static struct fnode *
compile_check(struct cstate *cs, const struct ast *a)
{
	struct fnode *n = xcalloc(1, sizeof(*n));
	struct evtype_check evc = { NULL };
	const struct ast *r;
	size_t i;

	n->kind = N_CHECK;
	cs->pos = a->pos;
	if (parse_op(a->str, &n->op, &n->mod) != 0) {
		cerr(cs, "filter error: unknown operator '%s'", a->str);
		goto bad;
	}
	if ((n->lhs = compile_x(cs, a->kids[0], 0)) == NULL)
		goto bad;
	if (n->lhs->xf == XF_CONST || n->lhs->xf == XF_LIST) {
		cerr(cs, "filter error: missing field in left-hand of check");
		goto bad;
	}
	if (check_op_type(cs, n->op, n->mod, n->lhs->type,
	    n->lhs->is_list) != 0)
		goto bad;
	if (a->kind == AST_UNARY)
		return n;

	r = a->kids[1];
	if (is_evttype_field(n->lhs) && (n->op == OP_EQ || n->op == OP_NE ||
	    n->op == OP_IN || n->op == OP_INTERSECTS))
		evc.check = evtype_known;
	if (r->kind == AST_FIELD || r->kind == AST_XFORM) {
		if (n->op == OP_PMATCH || n->op == OP_REGEX) {
			cerr(cs, "filter error: operator '%s' does not support "
			    "a field on the right-hand side", op_name(n->op));
			goto bad;
		}
		if ((n->rhs = compile_x(cs, r, 0)) == NULL)
			goto bad;
		if (n->rhs->xf == XF_FIELD &&
		    (n->rhs->ref.info->flags & FF_NO_RHS)) {
			cerr(cs, "filter error: field '%s' can't be used in "
			    "the right-hand side of a comparison",
			    n->rhs->ref.info->name);
			goto bad;
		}
		if (n->rhs->type != n->lhs->type &&
		    !(is_str_type(n->rhs->type) && is_str_type(n->lhs->type)) &&
		    !(is_num_type(n->rhs->type) && is_num_type(n->lhs->type))) {
			cerr(cs, "filter error: field types mismatch: '%s' and "
			    "'%s'", ftype_name(n->lhs->type),
			    ftype_name(n->rhs->type));
			goto bad;
		}
		return n;
	}
	if (r->kind == AST_LIST) {
		for (i = 0; i < r->nvals; i++) {
			value_warnings(cs, n->op, r->pos, r->vals[i]);
			if (add_const(cs, n, r->vals[i], &evc) != 0)
				goto bad;
		}
	} else if (r->kind == AST_VALUE) {
		value_warnings(cs, n->op, r->pos, r->str);
		if (add_const(cs, n, r->str, &evc) != 0)
			goto bad;
	} else {
		cerr(cs, "filter error: unexpected right-hand side");
		goto bad;
	}
	if ((n->op == OP_IN || n->op == OP_INTERSECTS) && n->nvals > 1 &&
	    (is_str_type(n->lhs->type) || n->lhs->type == FT_BYTEBUF)) {
		qsort(n->vals, n->nvals, sizeof(*n->vals), cval_cmp);
		for (i = 0; i < n->nvals; i++) {
			n->vals[i].v.v.s.p = n->vals[i].s;
			n->vals[i].v.v.s.len = n->vals[i].len;
		}
		n->sorted = 1;
		build_hset(n);
	}
	if (n->nvals == 1 && n->mod == MOD_NONE && n->lhs->xf == XF_FIELD &&
	    (is_str_type(n->lhs->type) || n->lhs->type == FT_BYTEBUF)) {
		switch (n->op) {
		case OP_EQ: case OP_NE: case OP_IN: case OP_INTERSECTS:
		case OP_STARTSWITH: case OP_BSTARTSWITH: case OP_ENDSWITH:
		case OP_CONTAINS: case OP_BCONTAINS:
			n->strfast = 1;
			break;
		default:
			break;
		}
	}
	return n;
bad:
	fnode_free(n);
	return NULL;
}

static struct fnode *
compile_node1(struct cstate *cs, const struct ast *a)
{
	struct fnode *n, *k;
	size_t i;

	cs->pos = a->pos;
	switch (a->kind) {
	case AST_AND:
	case AST_OR:
	case AST_NOT:
		n = xcalloc(1, sizeof(*n));
		n->kind = a->kind == AST_AND ? N_AND : a->kind == AST_OR ?
		    N_OR : N_NOT;
		for (i = 0; i < a->nkids; i++) {
			if ((k = compile_node(cs, a->kids[i])) == NULL) {
				fnode_free(n);
				return NULL;
			}
			n->kids = xreallocarray(n->kids, n->nkids + 1,
			    sizeof(*n->kids));
			n->kids[n->nkids++] = k;
		}
		return n;
	case AST_UNARY:
	case AST_BINARY:
		return compile_check(cs, a);
	case AST_IDENT:
		cerr(cs, "filter error: unexpected identifier '%s'", a->str);
		return NULL;
	default:
		cerr(cs, "filter error: unexpected expression");
		return NULL;
	}
}

static struct fnode *
compile_node(struct cstate *cs, const struct ast *a)
{
	struct fnode *n;
	struct sbuf key = SBUF_INIT;
	size_t i;

	if ((n = compile_node1(cs, a)) == NULL)
		return NULL;
	if (n->kind == N_CHECK) {
		intern_node(n, ast_to_string(a));
		return n;
	}
	/*
	 * An and/or/not node's text is made of its kind and its children's
	 * texts, and children with equal texts have equal slots: the kind
	 * and the children's slots stand for the text (a leading \001 keeps
	 * these keys apart from printed checks).
	 */
	sbuf_putc(&key, '\001');
	sbuf_putc(&key, n->kind == N_AND ? '&' : n->kind == N_OR ? '|' : '!');
	for (i = 0; i < n->nkids; i++)
		sbuf_printf(&key, "%u,", (unsigned)n->kids[i]->cid);
	intern_node(n, sbuf_detach(&key));
	return n;
}

struct filter *
filter_compile(const struct ast *a, struct filter_err *err,
    struct filter_warning *warn, size_t nwarn_max, size_t *nwarn)
{
	struct cstate cs;
	struct filter *f;
	struct fnode *root;

	fields_init();
	memset(&cs, 0, sizeof(cs));
	memset(err, 0, sizeof(*err));
	cs.err = err;
	cs.warn = warn;
	cs.nwarn_max = nwarn_max;
	cs.pos = a->pos;
	root = compile_node(&cs, a);
	if (nwarn != NULL)
		*nwarn = cs.nwarn < nwarn_max ? cs.nwarn : nwarn_max;
	if (root == NULL)
		return NULL;
	f = xcalloc(1, sizeof(*f));
	f->root = root;
	return f;
}

/* ---- evaluation -------------------------------------------------- */

/*
 * Transformer outputs live in a per-evaluation scratch area on the stack:
 * no allocation per event.  A value that does not fit is treated as not
 * available.
 */
#define SCRATCH_SIZE	16384

#define POOL_DEPTH	32

struct ectx {
	void		*ctx;
	char		 scratch[SCRATCH_SIZE];
	size_t		 used;
	/* value buffers for transformers and right-hand fields, reused
	 * across events: no allocation per event */
	struct fvals	*pool[POOL_DEPTH];
	size_t		 depth;
	pcre2_match_data *md;	/* for regex matches */
	/* Results of interned nodes for the current event, by cid:
	 * slot >> 1 is the generation that wrote it, slot & 1 the result;
	 * valid where slot >> 1 == gen (filter_eval_cached() only). */
	int		 cached;
	uint64_t	 gen;
	unsigned	 epoch;		/* intern_epoch gen belongs to */
	uint64_t	*slot;
	size_t		 ncache;
};

static struct fvals *
pool_get(struct ectx *e)
{
	if (e->depth >= POOL_DEPTH)
		return xmalloc(sizeof(struct fvals));
	if (e->pool[e->depth] == NULL)
		e->pool[e->depth] = xmalloc(sizeof(struct fvals));
	return e->pool[e->depth++];
}

static void
pool_put(struct ectx *e, struct fvals *v)
{
	if (e->depth > 0 && e->pool[e->depth - 1] == v)
		e->depth--;
	else
		free(v);
}

static char *
scratch_alloc(struct ectx *e, size_t n)
{
	char *p;

	if (n > SCRATCH_SIZE - e->used)
		return NULL;
	p = e->scratch + e->used;
	e->used += n;
	return p;
}

static void produce(struct ectx *, const struct xnode *, struct fvals *);

static size_t
to_text(const struct fval *v, char *buf, size_t cap, const char **out)
{
	int n;

	switch (v->type) {
	case FT_CHARBUF: case FT_FSPATH: case FT_BYTEBUF:
		*out = v->v.s.p;
		return v->v.s.len;
	case FT_INT16: case FT_INT32: case FT_INT64:
		n = snprintf(buf, cap, "%lld", (long long)v->v.i);
		break;
	case FT_DOUBLE:
		n = snprintf(buf, cap, "%g", v->v.d);
		break;
	case FT_BOOL:
		n = snprintf(buf, cap, "%s", v->v.u ? "true" : "false");
		break;
	case FT_IPADDR: case FT_IPNET:
		if (inet_ntop(v->v.ip.af == 4 ? AF_INET : AF_INET6, v->v.ip.a,
		    buf, (socklen_t)cap) == NULL)
			buf[0] = '\0';
		n = (int)strlen(buf);
		break;
	default:
		n = snprintf(buf, cap, "%llu", (unsigned long long)v->v.u);
		break;
	}
	*out = buf;
	return n < 0 ? 0 : (size_t)n;
}

static int
b64val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Decode base64; -1 on malformed input. */
static int
b64_decode(const char *in, size_t len, char *out, size_t *olen)
{
	uint32_t acc = 0;
	size_t i, n = 0;
	int bits = 0, v, pad = 0;

	if (len % 4 != 0)
		return -1;
	for (i = 0; i < len; i++) {
		if (in[i] == '=') {
			pad++;
			continue;
		}
		if (pad > 0 || (v = b64val(in[i])) < 0)
			return -1;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (char)((acc >> bits) & 0xff);
		}
	}
	if (pad > 2)
		return -1;
	*olen = n;
	return 0;
}

static void
push_str(struct fvals *out, enum ftype t, const char *p, size_t len)
{
	if (out->n >= FVALS_MAX)
		return;
	out->v[out->n].type = t;
	out->v[out->n].v.s.p = p;
	out->v[out->n].v.s.len = len;
	out->n++;
}

static void
produce_xform(struct ectx *e, const struct xnode *x, struct fvals *out)
{
	struct fvals *in = pool_get(e);
	char num[64], *buf;
	const char *t;
	size_t i, j, len, total;

	out->n = 0;
	switch (x->xf) {
	case XF_VAL:
		produce(e, x->args[0], out);
		break;
	case XF_TOLOWER:
	case XF_TOUPPER:
	case XF_BASENAME:
	case XF_B64:
		produce(e, x->args[0], in);
		for (i = 0; i < in->n; i++) {
			const char *p = in->v[i].v.s.p;

			len = in->v[i].v.s.len;
			if (x->xf == XF_BASENAME) {
				for (j = len; j > 0 && p[j - 1] != '/'; j--)
					;
				push_str(out, x->type, p + j, len - j);
				continue;
			}
			if ((buf = scratch_alloc(e, len + 1)) == NULL)
				continue;
			if (x->xf == XF_B64) {
				if (b64_decode(p, len, buf, &len) != 0)
					continue;
			} else {
				for (j = 0; j < len; j++)
					buf[j] = (char)(x->xf == XF_TOLOWER ?
					    tolower((unsigned char)p[j]) :
					    toupper((unsigned char)p[j]));
			}
			buf[len] = '\0';
			push_str(out, x->type, buf, len);
		}
		break;
	case XF_LEN:
		produce(e, x->args[0], in);
		if (in->n == 0 && !x->args[0]->is_list)
			break;
		out->n = 1;
		out->v[0].type = FT_UINT64;
		out->v[0].v.u = x->args[0]->is_list ? in->n :
		    in->v[0].v.s.len;
		break;
	case XF_LIST:
		for (i = 0; i < x->nargs; i++) {
			produce(e, x->args[i], in);
			for (j = 0; j < in->n && out->n < FVALS_MAX; j++)
				out->v[out->n++] = in->v[j];
		}
		break;
	case XF_JOIN:
	case XF_CONCAT: {
		/* join(sep, (a, b...)) and concat(a, b...): every value as
		 * text; any part not available makes the result so too */
		const struct xnode *src = x->xf == XF_JOIN ? x->args[1] : x;
		const char *sep = x->xf == XF_JOIN ? x->args[0]->cstr : "";
		struct sbuf sb = SBUF_INIT;
		size_t k, nparts = 0;

		for (k = 0; k < src->nargs; k++) {
			produce(e, src->args[k], in);
			if (in->n == 0) {
				sbuf_free(&sb);
				goto out;
			}
			for (j = 0; j < in->n; j++) {
				len = to_text(&in->v[j], num, sizeof(num), &t);
				if (nparts++ > 0)
					sbuf_puts(&sb, sep);
				sbuf_put(&sb, t, len);
			}
		}
		total = sb.len;
		if ((buf = scratch_alloc(e, total + 1)) != NULL) {
			if (total > 0)
				memcpy(buf, sb.buf, total);
			buf[total] = '\0';
			push_str(out, FT_CHARBUF, buf, total);
		}
		sbuf_free(&sb);
		break;
	}
	default:
		break;
	}
out:
	pool_put(e, in);
}

static void
produce(struct ectx *e, const struct xnode *x, struct fvals *out)
{
	out->n = 0;
	switch (x->xf) {
	case XF_FIELD:
		if (x->ref.cls->extract == NULL ||
		    x->ref.cls->extract(e->ctx, &x->ref, out) != 0)
			out->n = 0;
		if (out->n > FVALS_MAX)
			out->n = FVALS_MAX;
		break;
	case XF_CONST:
		push_str(out, FT_CHARBUF, x->cstr, strlen(x->cstr));
		break;
	default:
		produce_xform(e, x, out);
		break;
	}
}

static int
cmp_num(const struct fval *a, const struct fval *b)
{
	int as = is_signed_type(a->type), bs = is_signed_type(b->type);

	if (a->type == FT_DOUBLE || b->type == FT_DOUBLE) {
		double x = a->type == FT_DOUBLE ? a->v.d : as ?
		    (double)a->v.i : (double)a->v.u;
		double y = b->type == FT_DOUBLE ? b->v.d : bs ?
		    (double)b->v.i : (double)b->v.u;

		return x < y ? -1 : x > y;
	}
	if (as && bs)
		return a->v.i < b->v.i ? -1 : a->v.i > b->v.i;
	if (as && a->v.i < 0)
		return -1;
	if (bs && b->v.i < 0)
		return 1;
	return a->v.u < b->v.u ? -1 : a->v.u > b->v.u;
}

static int
cmp_bytes(const char *a, size_t al, const char *b, size_t bl)
{
	size_t n = al < bl ? al : bl;
	int r = memcmp(a, b, n);

	if (r != 0)
		return r < 0 ? -1 : 1;
	return al < bl ? -1 : al > bl;
}

static int
icontains(const char *h, size_t hl, const char *n, size_t nl)
{
	size_t i, j;

	if (nl == 0)
		return 1;
	for (i = 0; i + nl <= hl; i++) {
		for (j = 0; j < nl; j++)
			if (tolower((unsigned char)h[i + j]) !=
			    tolower((unsigned char)n[j]))
				break;
		if (j == nl)
			return 1;
	}
	return 0;
}

static int
glob_match(const char *pat, const char *s, size_t len, int icase)
{
	char stack[1024], *buf = stack;
	int r;

	if (len >= sizeof(stack))
		buf = xmalloc(len + 1);
	memcpy(buf, s, len);
	buf[len] = '\0';
	r = fnmatch(pat, buf, icase ? FNM_CASEFOLD : 0) == 0;
	if (buf != stack)
		free(buf);
	return r;
}

static pthread_key_t ectx_key;
/* The evaluating thread's context; the key only frees it at exit. */
static __thread struct ectx *tl_ectx;

static int
regex_match(pcre2_code *re, const char *s, size_t len)
{
	struct ectx *e = tl_ectx;

	if (e->md == NULL)
		e->md = pcre2_match_data_create(1, NULL);
	return pcre2_match(re, (PCRE2_SPTR)s, len, 0, 0, e->md, NULL) >= 0;
}

static int
ip_equal(const struct fval *a, const struct fval *b)
{
	return a->v.ip.af == b->v.ip.af && memcmp(a->v.ip.a, b->v.ip.a,
	    a->v.ip.af == 4 ? 4 : 16) == 0;
}

static int
ip_in_net(const struct fval *addr, const struct fval *net)
{
	unsigned bits = net->v.ip.bits, i;

	if (addr->v.ip.af != net->v.ip.af)
		return 0;
	for (i = 0; i < bits / 8; i++)
		if (addr->v.ip.a[i] != net->v.ip.a[i])
			return 0;
	if (bits % 8 != 0) {
		uint8_t m = (uint8_t)(0xff << (8 - bits % 8));

		if ((addr->v.ip.a[i] & m) != (net->v.ip.a[i] & m))
			return 0;
	}
	return 1;
}

/* Next non-empty '/'-separated component of s[*pos..len); 0 at the end. */
static size_t
next_comp(const char *s, size_t len, size_t *pos, const char **comp)
{
	size_t start;

	while (*pos < len && s[*pos] == '/')
		(*pos)++;
	start = *pos;
	while (*pos < len && s[*pos] != '/')
		(*pos)++;
	*comp = s + start;
	return *pos - start;
}

/*
 * pmatch: the listed path's components are a prefix of the value's, each
 * compared literally or, when it holds ?, * or [, as a glob (libsinsp's
 * path prefix search).  Empty components are ignored, so "/" matches all.
 */
static int
pmatch_one(const char *p, size_t len, const char *pre, size_t plen)
{
	size_t pp = 0, vp = 0, cl, vl;
	const char *c, *v;
	char pat[256], str[256];

	for (;;) {
		if ((cl = next_comp(pre, plen, &pp, &c)) == 0)
			return 1;
		if ((vl = next_comp(p, len, &vp, &v)) == 0)
			return 0;
		if (memchr(c, '*', cl) == NULL && memchr(c, '?', cl) == NULL &&
		    memchr(c, '[', cl) == NULL) {
			if (cl != vl || memcmp(c, v, cl) != 0)
				return 0;
			continue;
		}
		if (cl >= sizeof(pat) || vl >= sizeof(str))
			return 0;
		memcpy(pat, c, cl);
		pat[cl] = '\0';
		memcpy(str, v, vl);
		str[vl] = '\0';
		if (fnmatch(pat, str, 0) != 0)
			return 0;
	}
}

/*
 * memmem() != NULL for the short strings of conditions (paths, names,
 * flags), where glibc's two-way search costs more to set up than this
 * scan for the needle's first byte costs in all.
 */
static int
contains(const char *h, size_t hl, const char *n, size_t nl)
{
	const char *p, *last;

	if (nl == 0)
		return 1;
	if (nl > hl)
		return 0;
	last = h + (hl - nl);
	for (p = h; p <= last; p++) {
		if ((p = memchr(p, n[0], (size_t)(last - p) + 1)) == NULL)
			return 0;
		if (memcmp(p + 1, n + 1, nl - 1) == 0)
			return 1;
	}
	return 0;
}

/* One left value against one right value, for the scalar operators. */
static int
cmp_one(enum op op, const struct fval *l, const struct fval *r,
    pcre2_code *re)
{
	int c;

	if (op == OP_EXISTS)
		return 1;
	switch (l->type) {
	case FT_CHARBUF: case FT_FSPATH: case FT_BYTEBUF: {
		const char *lp = l->v.s.p, *rp;
		size_t ll = l->v.s.len, rl;
		char num[64];

		rl = to_text(r, num, sizeof(num), &rp);
		switch (op) {
		case OP_EQ: case OP_IN: case OP_INTERSECTS:
			return cmp_bytes(lp, ll, rp, rl) == 0;
		case OP_NE:
			return cmp_bytes(lp, ll, rp, rl) != 0;
		case OP_LT: return cmp_bytes(lp, ll, rp, rl) < 0;
		case OP_LE: return cmp_bytes(lp, ll, rp, rl) <= 0;
		case OP_GT: return cmp_bytes(lp, ll, rp, rl) > 0;
		case OP_GE: return cmp_bytes(lp, ll, rp, rl) >= 0;
		case OP_CONTAINS: case OP_BCONTAINS:
			return contains(lp, ll, rp, rl);
		case OP_ICONTAINS:
			return icontains(lp, ll, rp, rl);
		case OP_STARTSWITH: case OP_BSTARTSWITH:
			return ll >= rl && memcmp(lp, rp, rl) == 0;
		case OP_ENDSWITH:
			return ll >= rl && memcmp(lp + ll - rl, rp, rl) == 0;
		case OP_GLOB: case OP_IGLOB: {
			char pat[1024];

			if (rl >= sizeof(pat))
				return 0;
			memcpy(pat, rp, rl);
			pat[rl] = '\0';
			return glob_match(pat, lp, ll, op == OP_IGLOB);
		}
		case OP_REGEX:
			return re != NULL && regex_match(re, lp, ll);
		case OP_PMATCH:
			return pmatch_one(lp, ll, rp, rl);
		default:
			return 0;
		}
	}
	case FT_IPADDR:
	case FT_IPNET:
		if (r->type != FT_IPADDR && r->type != FT_IPNET)
			return 0;
		c = l->type == FT_IPNET || r->v.ip.bits <
		    (r->v.ip.af == 4 ? 32 : 128) ? ip_in_net(l, r) :
		    ip_equal(l, r);
		return op == OP_NE ? !c : c;
	default:
		if (!is_num_type(r->type) && r->type != FT_BOOL)
			return 0;
		c = cmp_num(l, r);
		switch (op) {
		case OP_EQ: case OP_IN: case OP_INTERSECTS: return c == 0;
		case OP_NE: return c != 0;
		case OP_LT: return c < 0;
		case OP_LE: return c <= 0;
		case OP_GT: return c > 0;
		case OP_GE: return c >= 0;
		default: return 0;
		}
	}
}

/*
 * One left value against the constants or right values of a check.
 * Modifiers: "oneof" needs exactly one right value to match, "anyof" at
 * least one, "allof" every one (an empty list matches nothing).
 */
static int
match_value(const struct fnode *n, const struct fval *l,
    const struct fvals *rv)
{
	size_t i, nv = rv != NULL ? rv->n : n->nvals, hits = 0;
	int r;

	if (n->sorted && rv == NULL && (l->type == FT_CHARBUF ||
	    l->type == FT_FSPATH || l->type == FT_BYTEBUF)) {
		struct cval key;

		if (n->hset != NULL)
			return hset_has(n, l->v.s.p, l->v.s.len);
		key.s = (char *)(uintptr_t)l->v.s.p;
		key.len = l->v.s.len;
		return bsearch(&key, n->vals, n->nvals, sizeof(*n->vals),
		    cval_cmp) != NULL;
	}
	if (n->mod != MOD_NONE && nv == 0)
		return 0;
	for (i = 0; i < nv; i++) {
		const struct fval *c = rv != NULL ? &rv->v[i] : &n->vals[i].v;

		r = cmp_one(n->op, l, c, rv == NULL ? n->vals[i].re : NULL);
		switch (n->mod) {
		case MOD_ALLOF:
			if (!r)
				return 0;
			break;
		case MOD_ONEOF:
			if (r && ++hits > 1)
				return 0;
			break;
		default:
			/* one constant for scalar operators, any for lists */
			if (r)
				return 1;
			break;
		}
	}
	if (n->mod == MOD_ALLOF)
		return 1;
	if (n->mod == MOD_ONEOF)
		return hits == 1;
	return 0;
}

static int eval_node(struct ectx *, const struct fnode *);

/*
 * match_value() of a string value against the one string constant of a
 * strfast check, without the generic conversions.
 */
static int
match_str1(const struct fnode *n, const struct fval *l)
{
	const char *lp = l->v.s.p, *rp = n->vals[0].v.v.s.p;
	size_t ll = l->v.s.len, rl = n->vals[0].v.v.s.len;

	switch (n->op) {
	case OP_EQ: case OP_IN: case OP_INTERSECTS:
		return ll == rl && memcmp(lp, rp, rl) == 0;
	case OP_NE:
		return ll != rl || memcmp(lp, rp, rl) != 0;
	case OP_STARTSWITH: case OP_BSTARTSWITH:
		return ll >= rl && memcmp(lp, rp, rl) == 0;
	case OP_ENDSWITH:
		return ll >= rl && memcmp(lp + ll - rl, rp, rl) == 0;
	case OP_CONTAINS: case OP_BCONTAINS:
		return contains(lp, ll, rp, rl);
	default:
		return 0;
	}
}

static int
is_str_val(const struct fval *v)
{
	return v->type == FT_CHARBUF || v->type == FT_FSPATH ||
	    v->type == FT_BYTEBUF;
}

/* Check n given the values of its left-hand side. */
static int
check_values(struct ectx *e, const struct fnode *n, const struct fvals *lv)
{
	struct fvals *rv = NULL;
	size_t i;
	int res = 0;

	if (n->op == OP_EXISTS || lv->n == 0)
		return n->op == OP_EXISTS && lv->n > 0;
	if (n->rhs != NULL) {
		rv = pool_get(e);
		produce(e, n->rhs, rv);
		if (rv->n == 0)
			goto out;
	}
	if (n->lhs->is_list && n->op == OP_IN) {
		/* every element of the list must be in the set */
		res = 1;
		for (i = 0; i < lv->n && res; i++)
			res = match_value(n, &lv->v[i], rv);
		goto out;
	}
	for (i = 0; i < lv->n && !res; i++)
		res = n->strfast && is_str_val(&lv->v[i]) ?
		    match_str1(n, &lv->v[i]) : match_value(n, &lv->v[i], rv);
out:
	if (rv != NULL)
		pool_put(e, rv);
	return res;
}

static int
eval_check(struct ectx *e, const struct fnode *n)
{
	struct fvals lv;

	if (n->lhs->xf == XF_FIELD) {
		/* produce() of a plain field, without the call */
		const struct field_ref *ref = &n->lhs->ref;

		lv.n = 0;
		if (ref->cls->extract == NULL ||
		    ref->cls->extract(e->ctx, ref, &lv) != 0)
			lv.n = 0;
		if (lv.n > FVALS_MAX)
			lv.n = FVALS_MAX;
	} else
		produce(e, n->lhs, &lv);
	return check_values(e, n, &lv);
}

static void
cache_grow(struct ectx *e, size_t need)
{
	size_t cap = e->ncache == 0 ? 256 : e->ncache;

	while (cap <= need)
		cap *= 2;
	e->slot = xreallocarray(e->slot, cap, sizeof(*e->slot));
	memset(e->slot + e->ncache, 0, (cap - e->ncache) * sizeof(*e->slot));
	e->ncache = cap;
}

/*
 * The value of node k: with the result cache on, a shared node's value
 * is taken from or put into the current generation's slot; a check is
 * evaluated without going through eval_node().
 */
static inline int
kid_value(struct ectx *e, const struct fnode *k)
{
	uint64_t *s;
	int r;

	if (e->cached && __atomic_load_n(&k->shared, __ATOMIC_RELAXED)) {
		if (k->cid >= e->ncache)
			cache_grow(e, k->cid);
		s = &e->slot[k->cid];
		if (*s >> 1 == e->gen)
			return (int)(*s & 1);
		r = k->kind == N_CHECK ? eval_check(e, k) : eval_node(e, k);
		e->slot[k->cid] = e->gen << 1 | (uint64_t)(r != 0);
		return r;
	}
	return k->kind == N_CHECK ? eval_check(e, k) : eval_node(e, k);
}

/* A node's value, its children through kid_value() (n's own slot is
   the caller's business). */
static int
eval_node(struct ectx *e, const struct fnode *n)
{
	size_t i;

	switch (n->kind) {
	case N_AND:
		for (i = 0; i < n->nkids; i++)
			if (!kid_value(e, n->kids[i]))
				return 0;
		return 1;
	case N_OR:
		for (i = 0; i < n->nkids; i++)
			if (kid_value(e, n->kids[i]))
				return 1;
		return 0;
	case N_NOT:
		return !kid_value(e, n->kids[0]);
	case N_CHECK:
		return eval_check(e, n);
	default:
		return 0;
	}
}

/*
 * Each thread has its own evaluation context (scratch area, value
 * buffers, result cache), created on first use and freed when the
 * thread exits.  The pointer lives in a __thread variable, so that the
 * hot path needs no pthread_once()/pthread_getspecific(); the key is
 * there for its destructor.
 */
static pthread_once_t ectx_once = PTHREAD_ONCE_INIT;

static void
ectx_free(void *p)
{
	struct ectx *e = p;
	size_t i;

	for (i = 0; i < POOL_DEPTH; i++)
		free(e->pool[i]);
	if (e->md != NULL)
		pcre2_match_data_free(e->md);
	free(e->slot);
	free(e);
	tl_ectx = NULL;
}

static void
ectx_key_init(void)
{
	if (pthread_key_create(&ectx_key, ectx_free) != 0)
		abort();
}

static struct ectx *
ectx_get(void)
{
	struct ectx *e;

	if ((e = tl_ectx) != NULL)
		return e;
	(void)pthread_once(&ectx_once, ectx_key_init);
	e = xcalloc(1, sizeof(*e));
	e->gen = 1;
	if (pthread_setspecific(ectx_key, e) != 0)
		abort();
	return tl_ectx = e;
}

int
filter_eval(const struct filter *f, void *ctx)
{
	struct ectx *e = ectx_get();

	if (f->root == NULL)
		return f->konst;
	e->ctx = ctx;
	e->used = 0;
	e->depth = 0;
	e->cached = 0;
	return kid_value(e, f->root);
}

void
filter_cache_next(void)
{
	ectx_get()->gen++;
}

int
filter_eval_cached(const struct filter *f, void *ctx)
{
	struct ectx *e = ectx_get();
	unsigned ep = __atomic_load_n(&intern_epoch, __ATOMIC_RELAXED);

	if (f->root == NULL)
		return f->konst;
	if (e->epoch != ep) {
		e->epoch = ep;
		e->gen++;
	}
	e->ctx = ctx;
	e->used = 0;
	e->depth = 0;
	e->cached = 1;
	return kid_value(e, f->root);
}

/* ---- specialisation ------------------------------------------------ */

/* Stand-ins for a sub-condition decided by the facts. */
static struct fnode spec_true, spec_false;

/* The fact about the left-hand side of check n, or NULL. */
static const struct filter_fact *
spec_fact(const struct fnode *n, const struct filter_fact *facts,
    size_t nfacts)
{
	size_t i;

	if (n->lhs->xf != XF_FIELD || n->lhs->ref.has_arg || n->rhs != NULL)
		return NULL;
	for (i = 0; i < nfacts; i++) {
		if (strcmp(n->lhs->ref.info->name, facts[i].field) != 0)
			continue;
		/* a string stands for a string field's value only */
		if (facts[i].value != NULL && !is_str_type(n->lhs->type))
			return NULL;
		return &facts[i];
	}
	return NULL;
}

/*
 * n under the facts: spec_true or spec_false when decided, n itself
 * when nothing below it changed, else a new node (marked spec) over
 * the simplified children.  A new node keeps n's result slot: on the
 * events the facts hold for, both have the same value, so their cached
 * results are interchangeable.
 */
static struct fnode *
spec_node(struct fnode *n, const struct filter_fact *facts, size_t nfacts)
{
	struct fnode *k, *m, **kids, *absorb, *neutral;
	struct fvals lv;
	const struct filter_fact *ft;
	size_t i, nk = 0;
	int changed = 0;

	switch (n->kind) {
	case N_CHECK:
		if ((ft = spec_fact(n, facts, nfacts)) == NULL)
			return n;
		/* the value as the extractor gives it: one string, or
		   none */
		lv.n = ft->value != NULL;
		lv.v[0].type = FT_CHARBUF;
		lv.v[0].v.s.p = ft->value;
		lv.v[0].v.s.len = ft->value != NULL ? strlen(ft->value) : 0;
		return check_values(ectx_get(), n, &lv) ? &spec_true :
		    &spec_false;
	case N_NOT:
		k = spec_node(n->kids[0], facts, nfacts);
		if (k == &spec_true || k == &spec_false)
			return k == &spec_true ? &spec_false : &spec_true;
		if (k == n->kids[0])
			return n;
		kids = xcalloc(1, sizeof(*kids));
		kids[nk++] = k;
		break;
	case N_AND:
	case N_OR:
		absorb = n->kind == N_AND ? &spec_false : &spec_true;
		neutral = n->kind == N_AND ? &spec_true : &spec_false;
		kids = xcalloc(n->nkids + 1, sizeof(*kids));
		for (i = 0; i < n->nkids; i++) {
			k = spec_node(n->kids[i], facts, nfacts);
			if (k != n->kids[i])
				changed = 1;
			if (k == neutral)
				continue;
			if (k == absorb) {
				while (nk > 0)
					spec_free(kids[--nk]);
				free(kids);
				return absorb;
			}
			kids[nk++] = k;
		}
		if (!changed || nk <= 1) {
			k = !changed ? n : nk == 1 ? kids[0] : neutral;
			free(kids);
			return k;
		}
		break;
	default:
		return n;
	}
	m = xcalloc(1, sizeof(*m));
	m->kind = n->kind;
	m->cid = n->cid;
	m->shared = __atomic_load_n(&n->shared, __ATOMIC_RELAXED);
	m->spec = 1;
	m->kids = kids;
	m->nkids = nk;
	return m;
}

struct filter *
filter_specialize(const struct filter *f, const struct filter_fact *facts,
    size_t nfacts, int *konst)
{
	struct filter *s;
	struct fnode *r;

	*konst = f->root == NULL ? f->konst : -1;
	/* A specialisation's nodes are not all its own: not again. */
	if (f->root == NULL || f->spec || nfacts == 0)
		return NULL;
	r = spec_node(f->root, facts, nfacts);
	if (r == f->root)
		return NULL;
	s = xcalloc(1, sizeof(*s));
	s->spec = 1;
	if (r == &spec_true || r == &spec_false) {
		s->konst = r == &spec_true;
		*konst = s->konst;
	} else
		s->root = r;
	return s;
}
