/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internals shared by the files of the rules module: the arena, load
 * contexts (the "In rule 'x': (file:line:col)" chains) and results.
 */
#ifndef RULES_RULES_INT_H
#define RULES_RULES_INT_H

#include <stddef.h>

#include "rules/rules.h"

/* A bump allocator; everything is freed at once with the loader. */
struct arena_blk;
struct arena {
	struct arena_blk *head;
};

void	*amalloc(struct arena *a, size_t n);
char	*astrdup(struct arena *a, const char *s);
char	*astrndup(struct arena *a, const char *s, size_t n);
char	*aprintf(struct arena *a, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	 arena_free(struct arena *a);

/* Kinds of context locations, printed as Falco prints them. */
enum ctx_type {
	CT_VALUE_FOR, CT_EXCEPTIONS, CT_EXCEPTION, CT_EXCEPTION_VALUES,
	CT_EXCEPTION_VALUE, CT_RULES_CONTENT, CT_RULES_CONTENT_ITEM,
	CT_REQUIRED_ENGINE_VERSION, CT_REQUIRED_PLUGIN_VERSIONS,
	CT_REQUIRED_PLUGIN_VERSIONS_ENTRY,
	CT_REQUIRED_PLUGIN_VERSIONS_ALTERNATIVE, CT_LIST, CT_LIST_ITEM,
	CT_MACRO, CT_MACRO_CONDITION, CT_RULE, CT_RULE_CONDITION,
	CT_CONDITION_EXPRESSION, CT_RULE_OUTPUT, CT_RULE_OUTPUT_EXPRESSION,
	CT_RULE_PRIORITY, CT_OVERRIDE, CT_EXTENSION_ITEM
};

struct loc {
	enum ctx_type	 type;
	const char	*item_name;
	const char	*name;		/* file name or condition prefix */
	size_t		 line, col, off;
};

struct ctx {
	struct loc	*locs;
	size_t		 nlocs;
	const char	*alt;		/* condition text for snippets */
	size_t		 alt_off;	/* offset of the caret in alt */
};

struct problem {
	int		 code;
	int		 deprecated_field;	/* -1, or index */
	const char	*msg;
	const struct ctx *ctx;
};

/* Contents of every file loaded so far, for snippets. */
struct content {
	const char	*name;
	const char	*text;
	size_t		 len;
};

struct rules_result {
	const char	*name;
	int		 ok;
	/* schema validation: not run (no document), or its findings */
	int		 schema_checked;
	char		**schema;
	size_t		 nschema;
	struct problem	*errs;
	size_t		 nerrs;
	struct problem	*warns;
	size_t		 nwarns;
	struct arena	 mem;
	/* borrowed from the loader, valid while it lives */
	const struct content *contents;
	const size_t	*ncontents;
};

void	result_error(struct rules_result *r, int code, const struct ctx *c,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void	result_warning(struct rules_result *r, int code, const struct ctx *c,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void	result_deprecated(struct rules_result *r, int field,
	    const struct ctx *c, const char *msg);

struct ynode;

/*
 * Structural check of one rules document (Falco's JSON schema of rules
 * files).  Appends "failed for <path>: <what>" messages to *msgs (the
 * caller frees each and the array); returns how many were added.
 */
size_t	rules_schema_check(const struct ynode *doc, char ***msgs, size_t *n);

/* Deprecated fields Falco warns about, and their explanations. */
extern const char *const rules_deprecated_fields[];
extern const size_t rules_ndeprecated_fields;
const char *rules_deprecated_desc(int i);

#endif /* RULES_RULES_INT_H */
