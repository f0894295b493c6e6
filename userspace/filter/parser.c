/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Recursive-descent parser of the condition language.
 *
 *   or     := and ('or' (BLANK and | '(' or ')'))*
 *   and    := not ('and' (BLANK not | '(' or ')'))*
 *   not    := ('not' BLANK+)* ('not(' or ')' | check)
 *   check  := '(' or ')' | lhs cond | IDENT
 *   lhs    := FIELD ['[' ARG ']'] | XFORM '(' xargs ')' ['[' ARG ']']
 *   cond   := 'exists' | numop (NUM | xform) | strop (QSTR | BARE | xform)
 *           | strop ('oneof'|'anyof'|'allof') (list | IDENT)
 *           | listop (list | xform | IDENT)
 *
 * Token shapes follow libsinsp's parser so that the same conditions are
 * accepted and rejected: operators written as words need a blank after
 * them, symbols do not; tokens are matched longest-first.  Errors stop
 * at the first problem; the position reported is the parser's cursor.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter/filter.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"

#define DEFAULT_MAX_DEPTH	1000

struct parser {
	const char	*in;
	size_t		 len;
	struct ast_pos	 pos;
	char		*tok;		/* last token (owned) */
	unsigned	 depth;
	unsigned	 max_depth;
	struct filter_err *err;
	jmp_buf		 fail;
	/* Trees under construction, freed on failure. */
	struct ast	**live;
	size_t		 nlive;
};

static const char *const str_ops[] = {
	"==", "=", "!=", "glob ", "iglob ", "contains ", "icontains ",
	"bcontains ", "startswith ", "bstartswith ", "endswith ", "regex ",
	NULL
};
static const char *const num_ops[] = { "<=", "<", ">=", ">", NULL };
static const char *const list_ops[] = { "intersects", "in", "pmatch", NULL };
static const char *const unary_ops[] = { "exists", NULL };
static const char *const modifiers[] = { "oneof ", "anyof ", "allof ", NULL };
static const char *const xforms[] = {
	"tolower(", "toupper(", "b64(", "basename(", "len(", "join(",
	"concat(", "getopt(", NULL
};

static void fail(struct parser *, const char *, ...)
	    __attribute__((format(printf, 2, 3), noreturn));

static void
fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	va_end(ap);
	p->err->pos = p->pos;
	longjmp(p->fail, 1);
}

static const char *
cur(const struct parser *p)
{
	return p->in + p->pos.idx;
}

static void
advance(struct parser *p, size_t n)
{
	while (n-- > 0 && p->pos.idx < p->len) {
		char c = p->in[p->pos.idx];

		p->pos.col++;
		if (c == '\r' || c == '\n') {
			p->pos.col = 1;
			p->pos.line++;
		}
		p->pos.idx++;
	}
}

static void
set_tok(struct parser *p, const char *s, size_t n)
{
	free(p->tok);
	p->tok = xstrndup(s, n);
}

/* Track a tree so that a failure deep below frees it. */
static struct ast *
track(struct parser *p, struct ast *a)
{
	p->live = xreallocarray(p->live, p->nlive + 1, sizeof(*p->live));
	p->live[p->nlive++] = a;
	return a;
}

/* Stop tracking a tree that was attached to a tracked parent. */
static struct ast *
untrack(struct parser *p, struct ast *a)
{
	size_t i;

	for (i = p->nlive; i-- > 0;) {
		if (p->live[i] == a) {
			p->live[i] = p->live[--p->nlive];
			break;
		}
	}
	return a;
}

static void
enter(struct parser *p)
{
	if (++p->depth >= p->max_depth)
		fail(p, "exceeded max depth limit of %u", p->max_depth);
}

static void
leave(struct parser *p)
{
	p->depth--;
}

/* ---- lexing ------------------------------------------------------ */

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\b' || c == '\r' || c == '\n';
}

static int
is_posix_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' ||
	    c == '\f' || c == '\r';
}

/* Does not change the last token, like libsinsp's lex_blank. */
static int
lex_blank(struct parser *p)
{
	int found = 0;

	while (is_blank(*cur(p))) {
		found = 1;
		advance(p, 1);
	}
	return found;
}

static int
lex_str(struct parser *p, const char *s)
{
	size_t n = strlen(s);

	if (strncmp(cur(p), s, n) != 0)
		return 0;
	set_tok(p, s, n);
	advance(p, n);
	return 1;
}

static int
lex_str_list(struct parser *p, const char *const *list)
{
	for (; *list != NULL; list++)
		if (lex_str(p, *list))
			return 1;
	return 0;
}

/* Operators ending with a space need a blank after the word. */
static int
lex_op_list(struct parser *p, const char *const *list)
{
	for (; *list != NULL; list++) {
		size_t n = strlen(*list);
		struct ast_pos save = p->pos;

		if ((*list)[n - 1] != ' ') {
			if (lex_str(p, *list))
				return 1;
			continue;
		}
		if (strncmp(cur(p), *list, n - 1) != 0)
			continue;
		advance(p, n - 1);
		if (lex_blank(p)) {
			set_tok(p, *list, n - 1);
			return 1;
		}
		p->pos = save;
	}
	return 0;
}

static size_t
span_ident(const char *s)
{
	size_t n = 0;

	if (!isalpha((unsigned char)s[0]))
		return 0;
	while (isalnum((unsigned char)s[n]) || s[n] == '_')
		n++;
	return n;
}

static int
lex_ident(struct parser *p)
{
	size_t n = span_ident(cur(p));

	if (n == 0)
		return 0;
	set_tok(p, cur(p), n);
	advance(p, n);
	return 1;
}

/* ident ('.' ident)+, longest match */
static int
lex_field_name(struct parser *p)
{
	const char *s = cur(p);
	size_t n = span_ident(s), m;
	int segs = 0;

	if (n == 0)
		return 0;
	while (s[n] == '.' && (m = span_ident(s + n + 1)) > 0) {
		n += 1 + m;
		segs++;
	}
	if (segs == 0)
		return 0;
	set_tok(p, s, n);
	advance(p, n);
	return 1;
}

static int
lex_not_blank(struct parser *p)
{
	const char *s = cur(p);
	size_t n = 3;

	if (strncmp(s, "not", 3) != 0 || !is_posix_space(s[3]))
		return 0;
	while (is_posix_space(s[n]))
		n++;
	set_tok(p, s, n);
	advance(p, n);
	return 1;
}

static int
lex_hex_num(struct parser *p)
{
	const char *s = cur(p);
	size_t n = 2;

	if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X') ||
	    !isxdigit((unsigned char)s[2]))
		return 0;
	while (isxdigit((unsigned char)s[n]))
		n++;
	set_tok(p, s, n);
	advance(p, n);
	return 1;
}

/* [+-]?[0-9]+\.?[0-9]*([eE][+-][0-9]+)? */
static int
lex_num(struct parser *p)
{
	const char *s = cur(p);
	size_t n = 0;

	if (s[n] == '+' || s[n] == '-')
		n++;
	if (!isdigit((unsigned char)s[n]))
		return 0;
	while (isdigit((unsigned char)s[n]))
		n++;
	if (s[n] == '.')
		n++;
	while (isdigit((unsigned char)s[n]))
		n++;
	if ((s[n] == 'e' || s[n] == 'E') && (s[n + 1] == '+' ||
	    s[n + 1] == '-') && isdigit((unsigned char)s[n + 2])) {
		n += 2;
		while (isdigit((unsigned char)s[n]))
			n++;
	}
	set_tok(p, s, n);
	advance(p, n);
	return 1;
}

static int
lex_span(struct parser *p, const char *reject)
{
	const char *s = cur(p);
	size_t n = 0;

	while (s[n] != '\0' && !is_posix_space(s[n]) &&
	    strchr(reject, s[n]) == NULL)
		n++;
	if (n == 0)
		return 0;
	set_tok(p, s, n);
	advance(p, n);
	return 1;
}

static int
lex_bare_str(struct parser *p)
{
	return lex_span(p, "()\"'=,");
}

static int
lex_field_arg_bare(struct parser *p)
{
	return lex_span(p, "[]\"'");
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Unescape the quoted token s[0..n) (quotes included) into the token. */
static void
unescape(struct parser *p, const char *s, size_t n)
{
	struct sbuf sb = SBUF_INIT;
	char q = s[0];
	size_t i;
	int h1, h2;

	for (i = 1; i + 1 < n; i++) {
		if (s[i] != '\\') {
			sbuf_putc(&sb, s[i]);
			continue;
		}
		i++;
		switch (s[i]) {
		case 'b': sbuf_putc(&sb, '\b'); break;
		case 'f': sbuf_putc(&sb, '\f'); break;
		case 'n': sbuf_putc(&sb, '\n'); break;
		case 'r': sbuf_putc(&sb, '\r'); break;
		case 't': sbuf_putc(&sb, '\t'); break;
		case ' ': /* FALLTHROUGH: tolerated for old rules */
		case '\\': sbuf_putc(&sb, '\\'); break;
		case '/': sbuf_putc(&sb, '/'); break;
		case '"':
			if (q != '"') {
				sbuf_free(&sb);
				fail(p, "invalid \\\" escape in "
				    "'-quoted string");
			}
			sbuf_putc(&sb, '"');
			break;
		case '\'':
			if (q != '\'') {
				sbuf_free(&sb);
				fail(p, "invalid \\' escape in "
				    "\"-quoted string");
			}
			sbuf_putc(&sb, '\'');
			break;
		case 'x':
			if (i + 2 >= n - 1) {
				sbuf_free(&sb);
				fail(p, "truncated hex char escape sequence");
			}
			h1 = hexval(s[i + 1]);
			h2 = hexval(s[i + 2]);
			if (h1 < 0 || h2 < 0) {
				sbuf_free(&sb);
				fail(p, "invalid hex char escape "
				    "sequence: %.2s",
				    s + i + 1);
			}
			/* XXX: strings are NUL-terminated here, so a
			 * "\x00" escape cannot be represented. */
			if (h1 == 0 && h2 == 0) {
				sbuf_free(&sb);
				fail(p, "unsupported NUL character escape");
			}
			sbuf_putc(&sb, (char)(h1 * 16 + h2));
			i += 2;
			break;
		default:
			sbuf_free(&sb);
			fail(p, "unsupported string escape sequence: \\%c",
			    s[i]);
		}
	}
	sbuf_put(&sb, "", 0);
	free(p->tok);
	p->tok = sbuf_detach(&sb);
}

static int
lex_quoted_str(struct parser *p)
{
	const char *s = cur(p);
	char q = s[0], prev = '\\';
	size_t n;

	if (q != '\'' && q != '"')
		return 0;
	for (n = 0; s[n] != '\0'; n++) {
		if (s[n] == q && prev != '\\' && n > 0) {
			struct ast_pos save = p->pos;

			unescape(p, s, n + 1);
			p->pos = save;
			advance(p, n + 1);
			return 1;
		}
		prev = s[n];
	}
	return 0;
}

/* ---- grammar ----------------------------------------------------- */

static struct ast *parse_or(struct parser *);
static struct ast *parse_xform_rest(struct parser *, const char *,
	    struct ast_pos);

static void
parse_opt_arg(struct parser *p, struct ast *a)
{
	if (!lex_str(p, "["))
		return;
	if (!lex_quoted_str(p) && !lex_field_arg_bare(p))
		fail(p, "expected a valid field argument: a quoted string "
		    "or a bare string");
	a->arg = xstrdup(p->tok);
	a->has_arg = 1;
	if (!lex_str(p, "]"))
		fail(p, "expected a ']' token");
}

static struct ast *
parse_field_rest(struct parser *p, struct ast_pos pos)
{
	struct ast *f;

	enter(p);
	f = track(p, ast_new(AST_FIELD, pos, p->tok));
	parse_opt_arg(p, f);
	leave(p);
	return untrack(p, f);
}

static struct ast *
parse_embedded_rest(struct parser *p)
{
	struct ast *a;

	enter(p);
	lex_blank(p);
	a = track(p, parse_or(p));
	lex_blank(p);
	if (!lex_str(p, ")"))
		fail(p, "expected a ')' token");
	leave(p);
	return untrack(p, a);
}

/* Transformer name from a token like "tolower(", into buf[16]. */
static char *
xform_name(const char *tok, char *buf)
{
	snprintf(buf, 16, "%.*s", (int)strlen(tok) - 1, tok);
	return buf;
}

static struct ast *
parse_xlist_arg(struct parser *p, struct ast_pos pos)
{
	char *name, nbuf[16];
	struct ast *a;

	if (lex_field_name(p))
		return parse_field_rest(p, pos);
	if (lex_str_list(p, xforms)) {
		lex_blank(p);
		name = xform_name(p->tok, nbuf);
		a = parse_xform_rest(p, name, pos);
		return a;
	}
	if (lex_quoted_str(p))
		return ast_new(AST_VALUE, pos, p->tok);
	if (lex_hex_num(p) || lex_num(p))
		return ast_new(AST_VALUE, pos, p->tok);
	fail(p, "expected transformer list argument: field, transformer, "
	    "quoted string, or number");
}

static struct ast *
parse_xlist(struct parser *p, struct ast_pos pos)
{
	struct ast *l = track(p, ast_new(AST_XLIST, pos, NULL));

	lex_blank(p);
	if (lex_str(p, ")"))
		return untrack(p, l);
	ast_add_kid(l, parse_xlist_arg(p, pos));
	lex_blank(p);
	while (lex_str(p, ",")) {
		lex_blank(p);
		ast_add_kid(l, parse_xlist_arg(p, pos));
		lex_blank(p);
	}
	if (!lex_str(p, ")"))
		fail(p, "expected ')'");
	return untrack(p, l);
}

static struct ast *
parse_xform_arg(struct parser *p, struct ast_pos pos)
{
	struct ast *a;
	char *name, nbuf[16];

	enter(p);
	lex_blank(p);
	if (lex_hex_num(p) || lex_num(p) || lex_quoted_str(p))
		a = ast_new(AST_VALUE, pos, p->tok);
	else if (lex_str(p, "("))
		a = parse_xlist(p, pos);
	else if (lex_str_list(p, xforms)) {
		name = xform_name(p->tok, nbuf);
		a = parse_xform_rest(p, name, pos);
	} else if (lex_field_name(p))
		a = parse_field_rest(p, pos);
	else
		fail(p, "expected field transformer argument: field, "
		    "transformer, quoted string, number, or transformer list");
	leave(p);
	return a;
}

/* After "name(": arguments, ')' and an optional [arg]. */
static struct ast *
parse_xform_rest(struct parser *p, const char *name, struct ast_pos pos)
{
	struct ast *x;

	enter(p);
	x = track(p, ast_new(AST_XFORM, pos, name));
	lex_blank(p);
	do {
		ast_add_kid(x, parse_xform_arg(p, p->pos));
		lex_blank(p);
	} while (lex_str(p, ","));
	lex_blank(p);
	if (!lex_str(p, ")"))
		fail(p, "expected a ')' token closing the transformer");
	parse_opt_arg(p, x);
	leave(p);
	return untrack(p, x);
}

/* val(field) or a transformer; NULL if neither starts here. */
static struct ast *
try_xform_or_val(struct parser *p)
{
	struct ast_pos pos, fpos;
	struct ast *x, *f;
	char *name, nbuf[16];

	enter(p);
	lex_blank(p);
	pos = p->pos;
	if (lex_str(p, "val(")) {
		lex_blank(p);
		fpos = p->pos;
		if (!lex_field_name(p))
			fail(p, "expected a field within 'val' transformer");
		x = track(p, ast_new(AST_XFORM, pos, "val"));
		f = parse_field_rest(p, fpos);
		ast_add_kid(x, f);
		lex_blank(p);
		if (!lex_str(p, ")"))
			fail(p, "expected a ')' token closing the transformer");
		parse_opt_arg(p, x);
		leave(p);
		return untrack(p, x);
	}
	if (lex_str_list(p, xforms)) {
		lex_blank(p);
		name = xform_name(p->tok, nbuf);
		x = parse_xform_rest(p, name, pos);
		leave(p);
		return x;
	}
	leave(p);
	return NULL;
}

static const char *
xform_list_msg(void)
{
	return "'val', 'tolower', 'toupper', 'b64', 'basename', 'len', "
	    "'join', 'concat', 'getopt'";
}

static struct ast *
parse_num_rhs(struct parser *p)
{
	struct ast_pos pos;
	struct ast *a;

	enter(p);
	lex_blank(p);
	pos = p->pos;
	if ((a = try_xform_or_val(p)) == NULL) {
		if (!lex_hex_num(p) && !lex_num(p))
			fail(p, "expected a number value or a field with a "
			    "valid transformer: %s", xform_list_msg());
		a = ast_new(AST_VALUE, pos, p->tok);
	}
	leave(p);
	return a;
}

/* Returns NULL when no_xform and nothing matched (used for lists). */
static struct ast *
parse_str_rhs(struct parser *p, int no_xform, int soft)
{
	struct ast_pos pos;
	struct ast *a;

	enter(p);
	lex_blank(p);
	pos = p->pos;
	if (!no_xform && (a = try_xform_or_val(p)) != NULL) {
		leave(p);
		return a;
	}
	if (lex_quoted_str(p) || lex_bare_str(p)) {
		leave(p);
		return ast_new(AST_VALUE, pos, p->tok);
	}
	if (soft) {
		leave(p);
		return NULL;
	}
	if (no_xform)
		fail(p, "expected a string value");
	fail(p, "expected a string value or a field with a valid "
	    "transformer: %s", xform_list_msg());
}

static void
list_push(struct ast *l, const char *v)
{
	l->vals = xreallocarray(l->vals, l->nvals + 1, sizeof(*l->vals));
	l->vals[l->nvals++] = xstrdup(v);
}

static struct ast *
try_list(struct parser *p)
{
	struct ast_pos pos = p->pos;
	struct ast *l, *v;

	if (!lex_str(p, "("))
		return NULL;
	l = track(p, ast_new(AST_LIST, pos, NULL));
	lex_blank(p);
	if ((v = parse_str_rhs(p, 1, 1)) != NULL) {
		list_push(l, v->str);
		ast_free(v);
		lex_blank(p);
		while (lex_str(p, ",")) {
			v = parse_str_rhs(p, 1, 0);
			list_push(l, v->str);
			ast_free(v);
			lex_blank(p);
		}
	}
	if (!lex_str(p, ")"))
		fail(p, "expected a ')' token");
	return untrack(p, l);
}

static struct ast *
parse_list_rhs(struct parser *p, int allow_xform)
{
	struct ast_pos pos;
	struct ast *a;

	enter(p);
	lex_blank(p);
	pos = p->pos;
	if ((a = try_list(p)) == NULL &&
	    (!allow_xform || (a = try_xform_or_val(p)) == NULL)) {
		if (!lex_ident(p)) {
			if (allow_xform)
				fail(p, "expected a list, an identifier, or a "
				    "field with a valid transformer: %s",
				    xform_list_msg());
			fail(p, "expected a list or an identifier");
		}
		a = ast_new(AST_VALUE, pos, p->tok);
	}
	leave(p);
	return a;
}

static int
list_value_follows(struct parser *p)
{
	return *cur(p) == '(' || span_ident(cur(p)) > 0;
}

static int
bool_keyword_follows(struct parser *p)
{
	static const char *const kw[] = { "and", "or", "not", NULL };
	const char *s = cur(p);
	size_t i, n;

	for (i = 0; kw[i] != NULL; i++) {
		n = strlen(kw[i]);
		if (strncmp(s, kw[i], n) == 0 &&
		    !isalnum((unsigned char)s[n]))
			return 1;
	}
	return 0;
}

static struct ast *
parse_condition(struct parser *p, struct ast *left, struct ast_pos pos)
{
	struct ast *c, *right;
	struct ast_pos save;
	char op[64], savetok[64];
	int had_blank;
	size_t n;

	enter(p);
	track(p, left);
	lex_blank(p);
	if (lex_op_list(p, unary_ops)) {
		c = ast_new(AST_UNARY, pos, p->tok);
		ast_add_kid(c, untrack(p, left));
		leave(p);
		return c;
	}
	lex_blank(p);
	if (lex_op_list(p, num_ops)) {
		snprintf(op, sizeof(op), "%s", p->tok);
		right = parse_num_rhs(p);
	} else if (lex_op_list(p, str_ops)) {
		snprintf(op, sizeof(op), "%s", p->tok);
		had_blank = isalpha((unsigned char)op[0]) || lex_blank(p);
		save = p->pos;
		snprintf(savetok, sizeof(savetok), "%s", p->tok);
		if (had_blank && lex_op_list(p, modifiers) &&
		    list_value_follows(p) && !bool_keyword_follows(p)) {
			n = strlen(op);
			snprintf(op + n, sizeof(op) - n, " %s", p->tok);
			right = parse_list_rhs(p, 0);
		} else {
			p->pos = save;
			set_tok(p, savetok, strlen(savetok));
			right = parse_str_rhs(p, 0, 0);
		}
	} else if (lex_op_list(p, list_ops)) {
		snprintf(op, sizeof(op), "%s", p->tok);
		right = parse_list_rhs(p, 1);
	} else {
		fail(p, "expected a valid check operator: one of 'exists', "
		    "'<=', '<', '>=', '>', '==', '=', '!=', 'glob', 'iglob', "
		    "'contains', 'icontains', 'bcontains', 'startswith', "
		    "'bstartswith', 'endswith', 'regex', 'intersects', 'in', "
		    "'pmatch'");
	}
	n = strlen(op);
	while (n > 0 && op[n - 1] == ' ')
		op[--n] = '\0';
	c = ast_new(AST_BINARY, pos, op);
	ast_add_kid(c, untrack(p, left));
	ast_add_kid(c, right);
	leave(p);
	return c;
}

static struct ast *
parse_check(struct parser *p)
{
	struct ast_pos pos;
	struct ast *a, *left;
	char *name, nbuf[16];

	enter(p);
	lex_blank(p);
	pos = p->pos;
	if (lex_str(p, "(")) {
		a = parse_embedded_rest(p);
	} else if (lex_field_name(p)) {
		left = parse_field_rest(p, pos);
		a = parse_condition(p, left, pos);
	} else if (lex_str_list(p, xforms)) {
		lex_blank(p);
		name = xform_name(p->tok, nbuf);
		left = parse_xform_rest(p, name, pos);
		a = parse_condition(p, left, pos);
	} else if (lex_ident(p)) {
		a = ast_new(AST_IDENT, pos, p->tok);
	} else
		fail(p, "expected a '(' token, a field check, or an "
		    "identifier");
	leave(p);
	return a;
}

static struct ast *
parse_not(struct parser *p)
{
	struct ast_pos pos;
	struct ast *child, *n;
	int neg = 0;

	enter(p);
	lex_blank(p);
	pos = p->pos;
	while (lex_not_blank(p))
		neg = !neg;
	if (lex_str(p, "not(")) {
		neg = !neg;
		child = parse_embedded_rest(p);
	} else
		child = parse_check(p);
	leave(p);
	if (!neg)
		return child;
	n = ast_new(AST_NOT, pos, NULL);
	ast_add_kid(n, child);
	return n;
}

static struct ast *
parse_nary(struct parser *p, enum ast_kind kind)
{
	const char *word = kind == AST_OR ? "or" : "and";
	struct ast_pos pos;
	struct ast *n, *child;

	enter(p);
	pos = p->pos;
	n = track(p, ast_new(kind, pos, NULL));
	lex_blank(p);
	child = kind == AST_OR ? parse_nary(p, AST_AND) : parse_not(p);
	ast_add_kid(n, child);
	lex_blank(p);
	while (lex_str(p, word)) {
		if (!lex_blank(p)) {
			if (lex_str(p, "("))
				child = parse_embedded_rest(p);
			else
				fail(p, "expected blank or '(' after '%s'",
				    word);
		} else if (kind == AST_OR)
			child = parse_nary(p, AST_AND);
		else
			child = parse_not(p);
		ast_add_kid(n, child);
		lex_blank(p);
	}
	untrack(p, n);
	leave(p);
	if (n->nkids == 1) {
		child = n->kids[0];
		n->nkids = 0;
		ast_free(n);
		return child;
	}
	return n;
}

static struct ast *
parse_or(struct parser *p)
{
	return parse_nary(p, AST_OR);
}

struct ast *
filter_parse(const char *text, unsigned max_depth, struct filter_err *err)
{
	struct parser p;
	struct ast *res = NULL;
	size_t i;

	memset(&p, 0, sizeof(p));
	p.in = text;
	p.len = strlen(text);
	p.pos.line = 1;
	p.pos.col = 1;
	p.max_depth = max_depth ? max_depth : DEFAULT_MAX_DEPTH;
	p.err = err;
	p.tok = xstrdup("");
	memset(err, 0, sizeof(*err));

	if (setjmp(p.fail) != 0) {
		for (i = 0; i < p.nlive; i++)
			ast_free(p.live[i]);
		ast_free(res);
		free(p.live);
		free(p.tok);
		return NULL;
	}
	if (p.len == 0)
		fail(&p, "filter input string is empty");
	res = parse_or(&p);
	if (p.pos.idx != p.len) {
		track(&p, res);
		res = NULL;
		fail(&p, "unexpected token after '%s', expecting 'or', 'and'",
		    p.tok);
	}
	free(p.live);
	free(p.tok);
	return res;
}
