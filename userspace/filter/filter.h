/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The condition language of Falco rules: parser, syntax tree, canonical
 * printer, field registry, compiler and evaluator.
 *
 * Life of a condition:
 *
 *   filter_parse()      text -> struct ast (positions kept for errors)
 *   ast_to_string()     canonical text; parsing it again gives the same tree
 *   filter_compile()    ast -> struct filter (fields looked up in the
 *                       registry, operators checked against field types,
 *                       constants parsed once, regexes compiled once)
 *   filter_eval()       struct filter + an opaque event context -> bool
 *
 * Field values are produced by extractors that the state layer provides:
 * one function per field class (fields_set_extractor()).  An extractor that
 * cannot produce a value reports "not available", and every comparison on
 * a value that is not available is false, including '!=' (only 'exists'
 * tells the two cases apart).
 *
 * Threads: parsing, compiling and registering fields use shared tables
 * and caches without locks, so load rules from one thread; filter_eval()
 * may run on several threads at once (its scratch space and result cache
 * are per thread).
 *
 * Error convention of this module: functions that can fail on user input
 * return NULL or -1 and fill a struct filter_err with a message and the
 * position (0-based offset, 1-based line and column) inside the condition.
 * Nothing here logs.
 */
#ifndef FILTER_FILTER_H
#define FILTER_FILTER_H

#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------------ */
/* Syntax tree */

struct ast_pos {
	uint32_t	idx;	/* byte offset, 0-based */
	uint32_t	line;	/* 1-based */
	uint32_t	col;	/* 1-based */
};

enum ast_kind {
	AST_AND,	/* kids[0..n): operands */
	AST_OR,		/* kids[0..n): operands */
	AST_NOT,	/* kids[0]: operand */
	AST_IDENT,	/* str: macro name (bare identifier) */
	AST_UNARY,	/* str: operator ("exists"), kids[0]: lhs */
	AST_BINARY,	/* str: operator, kids[0]: lhs, kids[1]: rhs */
	AST_FIELD,	/* str: field name, arg if has_arg */
	AST_XFORM,	/* str: transformer ("tolower", "val"...), kids: args,
			   arg if has_arg */
	AST_VALUE,	/* str: constant (already unescaped) */
	AST_LIST,	/* vals[0..nvals): constants of a '(a, b)' list */
	AST_XLIST,	/* kids: elements of a transformer argument list */
};

struct ast {
	enum ast_kind	 kind;
	struct ast_pos	 pos;
	char		*str;
	char		*arg;
	int		 has_arg;
	struct ast	**kids;
	size_t		 nkids;
	char		**vals;
	size_t		 nvals;
};

struct filter_err {
	char		msg[512];
	struct ast_pos	pos;
};

/*
 * Parse a condition.  Returns a new tree (free with ast_free), or NULL
 * with err filled; err->pos is where the parser stopped.  Nesting deeper
 * than max_depth (0 = default 1000) is an error.
 */
struct ast *filter_parse(const char *text, unsigned max_depth,
	    struct filter_err *err);

void	 ast_free(struct ast *a);
struct ast *ast_clone(const struct ast *a);

/*
 * The canonical text of a tree, as Falco prints expanded conditions:
 * n-ary and/or in parentheses, "not X", values quoted when they hold
 * blanks, quotes, backslashes or characters that end a bare string.
 * Caller frees.
 */
char	*ast_to_string(const struct ast *a);

/* Builders used by the parser and by the loader (macro expansion). */
struct ast *ast_new(enum ast_kind kind, struct ast_pos pos, const char *str);
void	 ast_add_kid(struct ast *parent, struct ast *kid);

/* ------------------------------------------------------------------ */
/* Field registry */

/* Value types (named after the libsinsp parameter types users see). */
enum ftype {
	FT_NONE = 0,
	FT_INT16, FT_INT32, FT_INT64,
	FT_UINT32, FT_UINT64,
	FT_DOUBLE,
	FT_BOOL,
	FT_CHARBUF,	/* string */
	FT_FSPATH,	/* string holding a path */
	FT_BYTEBUF,	/* bytes */
	FT_RELTIME,	/* ns, unsigned */
	FT_ABSTIME,	/* ns since the epoch, unsigned */
	FT_IPADDR,	/* v4 or v6 address */
	FT_IPNET,	/* v4 or v6 network */
	FT_PORT,	/* u16 */
	FT_DYN,		/* typed by the event argument (evt.rawarg) */
	FT_MAX
};

/* How a field takes an argument: name[ARG] or name.ARG. */
enum farg {
	FARG_NONE = 0,
	FARG_INDEX,		/* optional [N], N >= 0 (proc.aname[2]) */
	FARG_KEY,		/* optional [key] (proc.env[HOME]) */
	FARG_KEY_REQ,		/* required [key] or .key */
	FARG_EVTARG,		/* required [N] or .name (evt.arg) */
};

/* Field flags. */
#define FF_FILTER_ONLY		0x01	/* not usable in outputs */
#define FF_NO_RHS		0x02	/* not usable inside val() */
#define FF_NO_TRANSFORMER	0x04	/* not usable in transformers */
#define FF_IS_LIST		0x08	/* several values per event */
#define FF_DEPRECATED		0x10
#define FF_DOTTED_ARG		0x20	/* also name.ARG */
#define FF_MULTI_NOARG		0x40	/* no arg: any of several values
					   (proc.aname: any ancestor) */
#define FF_HIDDEN		0x80	/* table-only: not listed */

struct field_info {
	const char	*name;
	enum ftype	 type;
	enum farg	 arg;
	unsigned	 flags;
	const char	*desc;
};

/*
 * One extracted value.  Strings and byte buffers point into memory the
 * extractor owns; it must stay valid until filter_eval() returns (one
 * check may extract from the same context twice, e.g. with val()).
 * type is the field's type, except for FT_DYN fields (evt.rawarg), whose
 * values carry the type of the event argument.
 */
struct fval {
	enum ftype	 type;
	union {
		int64_t		 i;
		uint64_t	 u;
		double		 d;
		struct {
			const char	*p;
			size_t		 len;
		} s;
		struct {
			uint8_t		 af;	/* 4 or 6 */
			uint8_t		 bits;	/* prefix length */
			uint8_t		 a[16];
		} ip;
	} v;
};

#define FVALS_MAX	64

/* Values of one extraction: n == 0 means "not available". */
struct fvals {
	size_t		n;
	struct fval	v[FVALS_MAX];
};

/* A field reference resolved at compile time. */
struct field_ref {
	const struct field_class *cls;
	const struct field_info	*info;
	uint16_t	 id;		/* index of info in cls->fields */
	int		 has_arg;
	int64_t		 arg_index;	/* [N] of FARG_INDEX/EVTARG */
	char		*arg_key;	/* key argument or NULL; owned */
};

/*
 * Extractor of one field class.  ctx is the caller's event context,
 * passed through filter_eval() untouched; ref says which field
 * (ref->cls, ref->id index the class table; ref->info is a stable
 * pointer) and which argument.  Fill out and return 0:
 * - out->n = 0: the value is not available (every check is false);
 * - one value for a plain field;
 * - every element for an FF_IS_LIST field (fd.types), and every
 *   candidate for an FF_MULTI_NOARG field used without argument
 *   (proc.aname: all ancestors), at most FVALS_MAX.
 * Return -1 only on an internal error, treated as "not available".
 * Called from the evaluating thread only; no locking is done here.
 */
typedef int (*field_extract_fn)(void *ctx, const struct field_ref *ref,
	    struct fvals *out);

struct field_class {
	const char		*name;		/* "process", "fd" */
	const char		*source;	/* "syscall" */
	const char		*desc;
	const struct field_info	*fields;
	size_t			 nfields;
	field_extract_fn	 extract;	/* fields_set_extractor */
};

/* The built-in classes, registered once (idempotent, not thread-safe:
 * call before starting threads). */
void	fields_init(void);

/*
 * Add a class (plugin fields, test fields).  The class and its tables
 * must outlive the registry.  Returns 0, or -1 if a field name is taken.
 */
int	fields_register_class(struct field_class *cls);

/* Install the extractor of a class by name; -1 if no such class. */
int	fields_set_extractor(const char *cls_name, field_extract_fn fn);

/* All classes, in registration order. */
size_t	fields_nclasses(void);
const struct field_class *fields_class(size_t i);

/*
 * Resolve "name" with its optional argument (the text inside [...], or
 * NULL) into ref.  Accepts name.ARG for classes that allow it.  Returns
 * 0 (the caller frees ref->arg_key), or -1 with a message in err (may be
 * NULL): "filter_check called with nonexistent field X", bad argument.
 */
int	fields_resolve(const char *name, const char *arg, int has_arg,
	    struct field_ref *ref, struct filter_err *err);

/*
 * Whether operator op ("=", "contains", "startswith oneof", ...) may be
 * applied to field f (before transformers), following libsinsp's
 * operator x type table.
 */
int	filter_op_allowed(const struct field_info *f, const char *op);

/* Printable type name ("CHARBUF", "INT64", ...). */
const char *ftype_name(enum ftype t);

/* ------------------------------------------------------------------ */
/* Event types */

/*
 * The set of event type ids a name stands for, as evt.type means it.
 * The event schema provides it; tests may install their own table.
 * nbits is the number of event type ids.  by_name sets the bits of name's
 * ids in bm (nbits bits, zeroed by the caller) and returns how many it
 * set, 0 for an unknown name.
 */
struct filter_evtypes {
	size_t	 nbits;
	int	(*by_name)(const char *name, uint8_t *bm);
	/* Name of an id, for listings; NULL when unknown. */
	const char *(*name_of)(uint16_t id);
};

/* Install the resolver (NULL: names are not checked, every evt.type
 * check matches all types).  Affects later compilations only. */
void	filter_set_evtypes(const struct filter_evtypes *ev);
const struct filter_evtypes *filter_get_evtypes(void);

/* by_name() of the installed resolver, cached; bits are ORed into bm
 * (nbits of the resolver).  Returns how many ids name has, 0 if none. */
int	filter_evtype_lookup(const char *name, uint8_t *bm);

/* The resolver backed by the event schema (userspace/schema). */
const struct filter_evtypes *filter_schema_evtypes(void);

/* ------------------------------------------------------------------ */
/* Compiled conditions */

struct filter;

/* A warning raised while compiling (e.g. a field name used as a value). */
struct filter_warning {
	char		msg[512];
	struct ast_pos	pos;
};

/*
 * Compile a macro-free tree (identifiers are errors).  Returns a program
 * or NULL with err filled; err->pos is the position of the check that
 * failed.  Warnings (may be NULL) receive up to *nwarn_max entries;
 * *nwarn is set to how many were produced.  The tree is not kept.
 */
struct filter *filter_compile(const struct ast *a, struct filter_err *err,
	    struct filter_warning *warn, size_t nwarn_max, size_t *nwarn);

void	filter_free(struct filter *f);

/* Evaluate f on an event.  Returns 1 (match) or 0. */
int	filter_eval(const struct filter *f, void *ctx);

/*
 * Evaluation with a per-event result cache, for running many filters on
 * one event: sub-conditions with the same canonical text (a macro
 * expanded into many rules) are evaluated once per event on the calling
 * thread, and later filters reuse the result.  Call filter_cache_next()
 * before the first filter_eval_cached() of every event (a new event, or
 * any change to what the extractors would return for ctx); until the
 * next call, the extractors must give the same values for the same
 * field.  Same result as filter_eval() under that contract.
 */
void	filter_cache_next(void);
int	filter_eval_cached(const struct filter *f, void *ctx);

/*
 * A fact about every event a filter will run on: the plain field
 * `field` (no argument) has the one string value `value`, as its
 * extractor gives it (an event type's name for "evt.type", ">" or "<"
 * for "evt.dir"), or is not available (value NULL).
 */
struct filter_fact {
	const char	*field;
	const char	*value;
};

/*
 * f specialised for the events the facts hold for: every check of a
 * fact's field against constants (no transformer) is decided now and
 * the and/or/not nodes above it simplified.  On those events the result
 * evaluates like f, with filter_eval() and filter_eval_cached() (it
 * shares f's cached sub-results), and faster.  It borrows f's nodes:
 * free it with filter_free() before f.  Returns NULL when nothing was
 * decided, or when f is itself a specialisation (use f itself).
 * *konst gets the value of a condition the facts decide entirely (the
 * result, if any, then evaluates to it without extracting anything),
 * else -1.
 */
struct filter *filter_specialize(const struct filter *f,
	    const struct filter_fact *facts, size_t nfacts, int *konst);

/*
 * The event type ids the tree can match, as a bitmap of nbits bits
 * (allocated, caller frees); *count is the number of set bits.  With no
 * resolver installed, returns NULL and *count = 0.
 */
uint8_t	*filter_evttypes(const struct ast *a, size_t *nbits,
	    size_t *count);

/* The names of the comparison operators, for messages. */
int	filter_is_operator(const char *op);
/* "startswith oneof" and friends. */
int	filter_is_str_op_with_modifier(const char *op);
/* "in", "intersects", "pmatch" and the modifier forms: take a list. */
int	filter_is_list_operator(const char *op);

#endif /* FILTER_FILTER_H */
