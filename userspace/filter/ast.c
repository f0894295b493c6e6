/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Syntax tree helpers: construction, cloning and the canonical printer.
 */
#include <stdlib.h>
#include <string.h>

#include "filter/filter.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"

struct ast *
ast_new(enum ast_kind kind, struct ast_pos pos, const char *str)
{
	struct ast *a = xcalloc(1, sizeof(*a));

	a->kind = kind;
	a->pos = pos;
	if (str != NULL)
		a->str = xstrdup(str);
	return a;
}

void
ast_add_kid(struct ast *parent, struct ast *kid)
{
	parent->kids = xreallocarray(parent->kids, parent->nkids + 1,
	    sizeof(*parent->kids));
	parent->kids[parent->nkids++] = kid;
}

void
ast_free(struct ast *a)
{
	size_t i;

	if (a == NULL)
		return;
	for (i = 0; i < a->nkids; i++)
		ast_free(a->kids[i]);
	for (i = 0; i < a->nvals; i++)
		free(a->vals[i]);
	free(a->kids);
	free(a->vals);
	free(a->str);
	free(a->arg);
	free(a);
}

struct ast *
ast_clone(const struct ast *a)
{
	struct ast *c;
	size_t i;

	c = ast_new(a->kind, a->pos, a->str);
	c->has_arg = a->has_arg;
	if (a->arg != NULL)
		c->arg = xstrdup(a->arg);
	if (a->nkids > 0) {
		c->kids = xcalloc(a->nkids, sizeof(*c->kids));
		for (i = 0; i < a->nkids; i++)
			c->kids[i] = ast_clone(a->kids[i]);
		c->nkids = a->nkids;
	}
	if (a->nvals > 0) {
		c->vals = xcalloc(a->nvals, sizeof(*c->vals));
		for (i = 0; i < a->nvals; i++)
			c->vals[i] = xstrdup(a->vals[i]);
		c->nvals = a->nvals;
	}
	return c;
}

/*
 * Print a constant so that the parser reads back the same string.  Falco
 * quotes values holding blanks, '=', quotes and backslashes; we also
 * quote the characters a bare string cannot hold ('(', ')', ',') and the
 * empty string, which Falco prints in a form that does not parse back.
 */
static void
put_value(struct sbuf *sb, const char *s, int in_arg)
{
	const char *p;
	int quote = (*s == '\0');

	for (p = s; *p != '\0' && !quote; p++) {
		switch (*p) {
		case ' ': case '=': case '\\': case '"': case '\'':
		case '\b': case '\f': case '\n': case '\r': case '\t':
		case '(': case ')': case ',': case '\v':
			quote = 1;
			break;
		case '[': case ']':
			if (in_arg)
				quote = 1;
			break;
		}
	}
	if (!quote) {
		sbuf_puts(sb, s);
		return;
	}
	sbuf_putc(sb, '"');
	for (p = s; *p != '\0'; p++) {
		switch (*p) {
		case '\b': sbuf_puts(sb, "\\b"); break;
		case '\f': sbuf_puts(sb, "\\f"); break;
		case '\n': sbuf_puts(sb, "\\n"); break;
		case '\r': sbuf_puts(sb, "\\r"); break;
		case '\t': sbuf_puts(sb, "\\t"); break;
		case '\v': sbuf_puts(sb, "\\x0b"); break;
		case '\\':
			/* The lexer ends a string only at a quote that no
			 * backslash precedes: a final backslash goes as hex. */
			sbuf_puts(sb, p[1] == '\0' ? "\\x5c" : "\\\\");
			break;
		case '"': sbuf_puts(sb, "\\\""); break;
		default: sbuf_putc(sb, *p); break;
		}
	}
	sbuf_putc(sb, '"');
}

static void
put_arg(struct sbuf *sb, const struct ast *a)
{
	if (!a->has_arg)
		return;
	sbuf_putc(sb, '[');
	put_value(sb, a->arg, 1);
	sbuf_putc(sb, ']');
}

static void print(struct sbuf *, const struct ast *);

/*
 * Arguments of transformers have no bare strings: a constant there is a
 * number or a quoted string, so constants are always printed quoted.
 */
static void
print_xarg(struct sbuf *sb, const struct ast *a)
{
	size_t start = sb->len;

	if (a->kind != AST_VALUE) {
		print(sb, a);
		return;
	}
	put_value(sb, a->str, 0);
	if (sb->buf[start] != '"') {
		sbuf_reserve(sb, 2);
		memmove(sb->buf + start + 1, sb->buf + start, sb->len - start);
		sb->buf[start] = '"';
		sb->len++;
		sb->buf[sb->len++] = '"';
		sb->buf[sb->len] = '\0';
	}
}

static void
print(struct sbuf *sb, const struct ast *a)
{
	size_t i;

	switch (a->kind) {
	case AST_AND:
	case AST_OR:
		sbuf_putc(sb, '(');
		for (i = 0; i < a->nkids; i++) {
			if (i > 0)
				sbuf_puts(sb, a->kind == AST_AND ? " and " :
				    " or ");
			print(sb, a->kids[i]);
		}
		sbuf_putc(sb, ')');
		break;
	case AST_NOT:
		/* "not not x" would read back as x: parenthesize */
		sbuf_puts(sb, "not ");
		if (a->kids[0]->kind == AST_NOT) {
			sbuf_putc(sb, '(');
			print(sb, a->kids[0]);
			sbuf_putc(sb, ')');
		} else
			print(sb, a->kids[0]);
		break;
	case AST_IDENT:
		sbuf_puts(sb, a->str);
		break;
	case AST_UNARY:
		print(sb, a->kids[0]);
		sbuf_putc(sb, ' ');
		sbuf_puts(sb, a->str);
		break;
	case AST_BINARY:
		print(sb, a->kids[0]);
		sbuf_putc(sb, ' ');
		sbuf_puts(sb, a->str);
		sbuf_putc(sb, ' ');
		print(sb, a->kids[1]);
		break;
	case AST_FIELD:
		sbuf_puts(sb, a->str);
		put_arg(sb, a);
		break;
	case AST_XFORM:
		sbuf_puts(sb, a->str);
		sbuf_putc(sb, '(');
		for (i = 0; i < a->nkids; i++) {
			if (i > 0)
				sbuf_putc(sb, ',');
			print_xarg(sb, a->kids[i]);
		}
		sbuf_putc(sb, ')');
		put_arg(sb, a);
		break;
	case AST_VALUE:
		put_value(sb, a->str, 0);
		break;
	case AST_LIST:
		sbuf_putc(sb, '(');
		for (i = 0; i < a->nvals; i++) {
			if (i > 0)
				sbuf_puts(sb, ", ");
			put_value(sb, a->vals[i], 0);
		}
		sbuf_putc(sb, ')');
		break;
	case AST_XLIST:
		sbuf_putc(sb, '(');
		for (i = 0; i < a->nkids; i++) {
			if (i > 0)
				sbuf_putc(sb, ',');
			print_xarg(sb, a->kids[i]);
		}
		sbuf_putc(sb, ')');
		break;
	}
}

char *
ast_to_string(const struct ast *a)
{
	struct sbuf sb = SBUF_INIT;

	print(&sb, a);
	sbuf_put(&sb, "", 0);
	return sbuf_detach(&sb);
}
