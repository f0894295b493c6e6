/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A small interpreter for the Go text/template subset described in
 * tmpl.h.  Parsing builds a tree of nodes (text, print, if) whose
 * expressions are resolved as far as possible at parse time: field names
 * are checked against the alert's fields and function names against the
 * supported list, so that a typo fails at start-up, not at 3 a.m.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "sidekick/alert.h"
#include "sidekick/prio.h"
#include "sidekick/tmpl.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"

#define TMPL_MAX_DEPTH	64
#define TMPL_MAX_ARGS	16

enum tok_kind {
	T_FIELD, T_DOT, T_IDENT, T_STR, T_NUM, T_LPAREN, T_RPAREN,
	T_PIPE, T_EOA
};

struct tok {
	enum tok_kind	 kind;
	const char	*p;
	size_t		 len;
	int		 line;
	int		 col;
};

/* The alert members a template can name. */
enum fld {
	F_RULE, F_PRIORITY, F_OUTPUT, F_TIME, F_HOSTNAME, F_SOURCE, F_TAGS,
	F_UUID, F_OUTPUTFIELDS
};

static const char *const fld_names[] = {
	"Rule", "Priority", "Output", "Time", "Hostname", "Source", "Tags",
	"UUID", "OutputFields",
};

enum fn {
	FN_INDEX, FN_EQ, FN_NE, FN_LT, FN_LE, FN_GT, FN_GE, FN_NOT, FN_AND,
	FN_OR, FN_LEN, FN_PRINT
};

static const char *const fn_names[] = {
	"index", "eq", "ne", "lt", "le", "gt", "ge", "not", "and", "or",
	"len", "print",
};

enum expr_kind { E_DOT, E_FIELD, E_STR, E_NUM, E_BOOL, E_NIL, E_CALL };

struct expr {
	enum expr_kind	 kind;
	int		 line;
	int		 col;
	enum fld	 fld;		/* E_FIELD */
	char		*key;		/* .OutputFields.key */
	char		*str;		/* E_STR */
	double		 num;		/* E_NUM */
	char		*numtext;	/* E_NUM, as written */
	int		 b;		/* E_BOOL */
	enum fn		 fn;		/* E_CALL */
	struct expr	*args[TMPL_MAX_ARGS];
	int		 nargs;
};

enum node_kind { N_TEXT, N_PRINT, N_IF };

struct node {
	enum node_kind	 kind;
	char		*text;		/* N_TEXT */
	size_t		 len;
	struct expr	*expr;		/* N_PRINT, N_IF condition */
	struct node	*then;		/* N_IF */
	struct node	*els;		/* N_IF */
	struct node	*next;
};

struct sk_tmpl {
	int		 mapdot;
	char		*name;
	struct node	*root;
};

/* Parser state. */
struct parser {
	int		 mapdot;	/* "." is the OutputFields map */
	const char	*name;
	const char	*src;
	char		*err;
	size_t		 errlen;
	int		 failed;
	struct tok	*toks;
	size_t		 ntoks;
	size_t		 pos;
};

static void __attribute__((format(printf, 4, 5)))
perr(struct parser *ps, int line, int col, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (ps->failed)
		return;
	ps->failed = 1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(ps->err, ps->errlen, "%s:%d:%d: %s", ps->name, line, col,
	    msg);
}

static void
pos_of(const char *src, const char *p, int *line, int *col)
{
	const char *q;

	*line = 1;
	*col = 1;
	for (q = src; q < p; q++) {
		if (*q == '\n') {
			(*line)++;
			*col = 1;
		} else
			(*col)++;
	}
}

static void
expr_free(struct expr *e)
{
	int i;

	if (e == NULL)
		return;
	for (i = 0; i < e->nargs; i++)
		expr_free(e->args[i]);
	free(e->key);
	free(e->str);
	free(e->numtext);
	free(e);
}

static void
node_free(struct node *n)
{
	struct node *next;

	for (; n != NULL; n = next) {
		next = n->next;
		free(n->text);
		expr_free(n->expr);
		node_free(n->then);
		node_free(n->els);
		free(n);
	}
}

static int
is_ident(int c)
{
	return isalnum(c) || c == '_';
}

/*
 * Split the inside of one action (between the delimiters and trim
 * markers) into tokens.  Returns 0 or -1 (error recorded).
 */
static int
lex_action(struct parser *ps, const char *p, const char *end)
{
	int line, col;

	ps->ntoks = 0;
	ps->pos = 0;
	for (;;) {
		struct tok t;

		while (p < end && isspace((unsigned char)*p))
			p++;
		pos_of(ps->src, p, &line, &col);
		t.p = p;
		t.line = line;
		t.col = col;
		if (p >= end) {
			t.kind = T_EOA;
			t.len = 0;
		} else if (*p == '.' && p + 1 < end &&
		    (isalpha((unsigned char)p[1]) || p[1] == '_')) {
			const char *q = p;

			while (q < end && *q == '.' && q + 1 < end &&
			    (isalpha((unsigned char)q[1]) || q[1] == '_')) {
				q++;
				while (q < end && is_ident((unsigned char)*q))
					q++;
			}
			t.kind = T_FIELD;
			t.len = q - p;
		} else if (*p == '.') {
			t.kind = T_DOT;
			t.len = 1;
		} else if (isalpha((unsigned char)*p) || *p == '_') {
			const char *q = p;

			while (q < end && is_ident((unsigned char)*q))
				q++;
			t.kind = T_IDENT;
			t.len = q - p;
		} else if (*p == '"' || *p == '`') {
			const char *q = p + 1;
			char quote = *p;

			while (q < end && *q != quote) {
				if (quote == '"' && *q == '\\' && q + 1 < end)
					q++;
				else if (quote == '"' && *q == '\n')
					break;
				q++;
			}
			if (q >= end || *q != quote) {
				perr(ps, line, col, "unterminated string");
				return -1;
			}
			t.kind = T_STR;
			t.len = q + 1 - p;
		} else if (isdigit((unsigned char)*p) || ((*p == '-' ||
		    *p == '+') && p + 1 < end &&
		    isdigit((unsigned char)p[1]))) {
			const char *q = p + 1;

			while (q < end && (isalnum((unsigned char)*q) ||
			    *q == '.'))
				q++;
			t.kind = T_NUM;
			t.len = q - p;
		} else if (*p == '(' || *p == ')' || *p == '|') {
			t.kind = *p == '(' ? T_LPAREN : *p == ')' ? T_RPAREN :
			    T_PIPE;
			t.len = 1;
		} else if (*p == '$') {
			perr(ps, line, col, "variables are not supported");
			return -1;
		} else {
			perr(ps, line, col, "unexpected character '%c' in "
			    "action", *p);
			return -1;
		}
		ps->toks = xreallocarray(ps->toks, ps->ntoks + 1,
		    sizeof(*ps->toks));
		ps->toks[ps->ntoks++] = t;
		if (t.kind == T_EOA)
			return 0;
		p += t.len;
	}
}

static struct tok *
peek(struct parser *ps)
{
	return &ps->toks[ps->pos];
}

static struct tok *
next(struct parser *ps)
{
	struct tok *t = &ps->toks[ps->pos];

	if (t->kind != T_EOA)
		ps->pos++;
	return t;
}

static int
tok_is(const struct tok *t, const char *word)
{
	return t->kind == T_IDENT && t->len == strlen(word) &&
	    memcmp(t->p, word, t->len) == 0;
}

static struct expr *
new_expr(enum expr_kind kind, const struct tok *t)
{
	struct expr *e = xcalloc(1, sizeof(*e));

	e->kind = kind;
	e->line = t->line;
	e->col = t->col;
	return e;
}

static char *
unquote(struct parser *ps, const struct tok *t)
{
	struct sbuf sb = SBUF_INIT;
	size_t i;

	if (t->p[0] == '`') {
		sbuf_put(&sb, t->p + 1, t->len - 2);
		return sbuf_detach(&sb);
	}
	for (i = 1; i + 1 < t->len; i++) {
		char c = t->p[i];

		if (c == '\\') {
			c = t->p[++i];
			switch (c) {
			case 'n':
				c = '\n';
				break;
			case 't':
				c = '\t';
				break;
			case 'r':
				c = '\r';
				break;
			case '\\':
			case '"':
			case '\'':
				break;
			default:
				perr(ps, t->line, t->col + (int)i,
				    "unsupported escape '\\%c'", c);
				sbuf_free(&sb);
				return NULL;
			}
		}
		sbuf_putc(&sb, c);
	}
	if (sb.buf == NULL)
		return xstrdup("");
	return sbuf_detach(&sb);
}

static struct expr *parse_command(struct parser *, int);

static struct expr *
parse_field(struct parser *ps, const struct tok *t)
{
	struct expr *e = new_expr(E_FIELD, t);
	const char *p = t->p + 1, *end = t->p + t->len, *dot;
	size_t n, i;

	if (ps->mapdot) {
		/* Templated fields: the data is the fields map itself. */
		if (memchr(p, '.', end - p) != NULL) {
			perr(ps, t->line, t->col, "a field value has no "
			    "fields; use index . \"a.b\" for dotted names");
			expr_free(e);
			return NULL;
		}
		e->fld = F_OUTPUTFIELDS;
		e->key = xstrndup(p, end - p);
		return e;
	}
	dot = memchr(p, '.', end - p);
	n = (dot != NULL ? dot : end) - p;
	for (i = 0; i < sizeof(fld_names) / sizeof(fld_names[0]); i++)
		if (strlen(fld_names[i]) == n &&
		    memcmp(fld_names[i], p, n) == 0)
			break;
	if (i == sizeof(fld_names) / sizeof(fld_names[0])) {
		perr(ps, t->line, t->col, "can't evaluate field %.*s: an alert "
		    "has Rule, Priority, Output, Time, Hostname, Source, Tags, "
		    "UUID and OutputFields", (int)n, p);
		expr_free(e);
		return NULL;
	}
	e->fld = (enum fld)i;
	if (dot == NULL)
		return e;
	if (e->fld != F_OUTPUTFIELDS) {
		perr(ps, t->line, t->col + (int)(dot - t->p),
		    "can't evaluate a field of .%s", fld_names[i]);
		expr_free(e);
		return NULL;
	}
	p = dot + 1;
	if (memchr(p, '.', end - p) != NULL) {
		perr(ps, t->line, t->col, "a field value has no fields; use "
		    "index .OutputFields \"a.b\" for dotted names");
		expr_free(e);
		return NULL;
	}
	e->key = xstrndup(p, end - p);
	return e;
}

static struct expr *
parse_operand(struct parser *ps, int depth)
{
	struct tok *t = next(ps);
	struct expr *e;
	char *endp;

	switch (t->kind) {
	case T_FIELD:
		return parse_field(ps, t);
	case T_DOT:
		return new_expr(E_DOT, t);
	case T_STR:
		e = new_expr(E_STR, t);
		e->str = unquote(ps, t);
		if (e->str == NULL) {
			expr_free(e);
			return NULL;
		}
		return e;
	case T_NUM:
		e = new_expr(E_NUM, t);
		e->numtext = xstrndup(t->p, t->len);
		e->num = strtod(e->numtext, &endp);
		if (*endp != '\0') {
			perr(ps, t->line, t->col, "bad number syntax: %s",
			    e->numtext);
			expr_free(e);
			return NULL;
		}
		return e;
	case T_LPAREN:
		if (depth > TMPL_MAX_DEPTH) {
			perr(ps, t->line, t->col, "expression nested too deep");
			return NULL;
		}
		e = parse_command(ps, depth + 1);
		if (e == NULL)
			return NULL;
		t = next(ps);
		if (t->kind != T_RPAREN) {
			perr(ps, t->line, t->col, "expected ')'");
			expr_free(e);
			return NULL;
		}
		return e;
	case T_IDENT:
		if (tok_is(t, "true") || tok_is(t, "false")) {
			e = new_expr(E_BOOL, t);
			e->b = tok_is(t, "true");
			return e;
		}
		if (tok_is(t, "nil"))
			return new_expr(E_NIL, t);
		perr(ps, t->line, t->col, "function %.*s used as a value; "
		    "wrap the call in parentheses", (int)t->len, t->p);
		return NULL;
	case T_PIPE:
		perr(ps, t->line, t->col, "pipelines are not supported");
		return NULL;
	case T_RPAREN:
		perr(ps, t->line, t->col, "unexpected ')'");
		return NULL;
	case T_EOA:
	default:
		perr(ps, t->line, t->col, "missing value");
		return NULL;
	}
}

static int
ends_command(const struct tok *t)
{
	return t->kind == T_EOA || t->kind == T_RPAREN || t->kind == T_PIPE;
}

static struct expr *
parse_command(struct parser *ps, int depth)
{
	struct tok *t = peek(ps);
	struct expr *e;
	size_t i;

	if (t->kind == T_IDENT && !tok_is(t, "true") && !tok_is(t, "false") &&
	    !tok_is(t, "nil")) {
		for (i = 0; i < sizeof(fn_names) / sizeof(fn_names[0]); i++)
			if (tok_is(t, fn_names[i]))
				break;
		if (i == sizeof(fn_names) / sizeof(fn_names[0])) {
			perr(ps, t->line, t->col, "function \"%.*s\" not "
			    "supported", (int)t->len, t->p);
			return NULL;
		}
		next(ps);
		e = new_expr(E_CALL, t);
		e->fn = (enum fn)i;
		while (!ends_command(peek(ps))) {
			struct expr *a;

			if (e->nargs == TMPL_MAX_ARGS) {
				perr(ps, t->line, t->col, "too many arguments");
				expr_free(e);
				return NULL;
			}
			a = parse_operand(ps, depth);
			if (a == NULL) {
				expr_free(e);
				return NULL;
			}
			e->args[e->nargs++] = a;
		}
		switch (e->fn) {
		case FN_INDEX:
			if (e->nargs < 2)
				perr(ps, t->line, t->col, "index needs a map "
				    "and at least one key");
			break;
		case FN_EQ:
			if (e->nargs < 2)
				perr(ps, t->line, t->col, "eq needs at least "
				    "two arguments");
			break;
		case FN_NE: case FN_LT: case FN_LE: case FN_GT: case FN_GE:
			if (e->nargs != 2)
				perr(ps, t->line, t->col, "%s needs two "
				    "arguments", fn_names[e->fn]);
			break;
		case FN_NOT: case FN_LEN:
			if (e->nargs != 1)
				perr(ps, t->line, t->col, "%s needs one "
				    "argument", fn_names[e->fn]);
			break;
		case FN_AND: case FN_OR:
			if (e->nargs < 1)
				perr(ps, t->line, t->col, "%s needs at least "
				    "one argument", fn_names[e->fn]);
			break;
		case FN_PRINT:
			break;
		}
		if (ps->failed) {
			expr_free(e);
			return NULL;
		}
	} else {
		e = parse_operand(ps, depth);
		if (e == NULL)
			return NULL;
		t = peek(ps);
		if (!ends_command(t)) {
			perr(ps, t->line, t->col, "can't give argument to "
			    "non-function");
			expr_free(e);
			return NULL;
		}
	}
	t = peek(ps);
	if (t->kind == T_PIPE) {
		perr(ps, t->line, t->col, "pipelines are not supported");
		expr_free(e);
		return NULL;
	}
	return e;
}

/* A whole action's expression: one command, then the end of the action. */
static struct expr *
parse_pipeline(struct parser *ps)
{
	struct expr *e;
	struct tok *t;

	e = parse_command(ps, 0);
	if (e == NULL)
		return NULL;
	t = peek(ps);
	if (t->kind != T_EOA) {
		perr(ps, t->line, t->col, "unexpected \"%.*s\" in action",
		    (int)t->len, t->p);
		expr_free(e);
		return NULL;
	}
	return e;
}

/* One open {{if}} while parsing: where its branches are being appended. */
struct frame {
	struct node	 *ifnode;
	struct node	**tail;		/* end of the open branch */
	int		  in_else;
	int		  chained;	/* from {{else if}}: ends with
					   its parent's {{end}} */
	int		  line;
	int		  col;
};

static int
is_trim_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void
append(struct node ***tail, struct node *n)
{
	**tail = n;
	*tail = &n->next;
}

/*
 * Open the {{if}} (chained: the {{else if}}) whose keyword is kw: its
 * node ends the open branch at *tail, a frame is pushed at stack[*depth]
 * and *tail moves into the new node's "then" branch.  Returns 0, or -1
 * once an error is recorded in ps.
 */
static int
open_if(struct parser *ps, struct frame *stack, int *depth,
    struct node ***tail, const struct tok *kw, int chained)
{
	struct node *n;
	struct frame *f;

	if (*depth == TMPL_MAX_DEPTH) {
		perr(ps, kw->line, kw->col, "if nested too deep");
		return -1;
	}
	n = xcalloc(1, sizeof(*n));
	n->kind = N_IF;
	n->expr = parse_pipeline(ps);
	append(tail, n);
	if (n->expr == NULL)
		return -1;
	f = &stack[(*depth)++];
	f->ifnode = n;
	f->tail = *tail;
	f->in_else = 0;
	f->chained = chained;
	f->line = kw->line;
	f->col = kw->col;
	*tail = &n->then;
	return 0;
}

struct sk_tmpl *
sk_tmpl_parse(const char *name, const char *text, char *err, size_t errlen)
{
	return sk_tmpl_parse_ex(name, text, 0, err, errlen);
}

struct sk_tmpl *
sk_tmpl_parse_ex(const char *name, const char *text, int mapdot, char *err,
    size_t errlen)
{
	struct parser ps;
	struct frame stack[TMPL_MAX_DEPTH];
	struct node *root = NULL, **tail = &root;
	const char *p = text;
	int depth = 0, trim_next = 0, line, col;
	struct sk_tmpl *t;

	memset(&ps, 0, sizeof(ps));
	ps.mapdot = mapdot;
	ps.name = name;
	ps.src = text;
	ps.err = err;
	ps.errlen = errlen;

	while (*p != '\0' && !ps.failed) {
		const char *open = strstr(p, "{{"), *tend, *in, *inend, *close;
		int trim_prev = 0;

		tend = open != NULL ? open : p + strlen(p);
		if (trim_next)
			while (p < tend && is_trim_space(*p))
				p++;
		trim_next = 0;
		in = open != NULL ? open + 2 : NULL;
		if (in != NULL && in[0] == '-' && is_trim_space(in[1])) {
			trim_prev = 1;
			in += 2;
		}
		if (trim_prev)
			while (tend > p && is_trim_space(tend[-1]))
				tend--;
		if (tend > p) {
			struct node *n = xcalloc(1, sizeof(*n));

			n->kind = N_TEXT;
			n->text = xstrndup(p, tend - p);
			n->len = tend - p;
			append(&tail, n);
		}
		if (open == NULL)
			break;
		pos_of(text, open, &line, &col);

		/* Comments are skipped whole, strings may hold "}}". */
		while (is_trim_space(*in))
			in++;
		if (in[0] == '/' && in[1] == '*') {
			const char *c = strstr(in + 2, "*/");

			if (c == NULL) {
				perr(&ps, line, col, "unclosed comment");
				break;
			}
			inend = c + 2;
			close = inend;
			while (is_trim_space(*close))
				close++;
			if (close[0] == '-' && close > inend &&
			    close[1] == '}' && close[2] == '}') {
				trim_next = 1;
				close++;
			}
			if (close[0] != '}' || close[1] != '}') {
				perr(&ps, line, col, "comment ends before "
				    "closing delimiter");
				break;
			}
			p = close + 2;
			continue;
		}
		close = in;
		for (;;) {
			if (*close == '\0') {
				perr(&ps, line, col, "unclosed action");
				break;
			}
			if (*close == '"' || *close == '`') {
				char q = *close++;

				while (*close != '\0' && *close != q) {
					if (q == '"' && *close == '\\' &&
					    close[1] != '\0')
						close++;
					close++;
				}
				if (*close == '\0') {
					pos_of(text, in, &line, &col);
					perr(&ps, line, col,
					    "unterminated string");
					break;
				}
				close++;
				continue;
			}
			if (close[0] == '}' && close[1] == '}')
				break;
			close++;
		}
		if (ps.failed)
			break;
		inend = close;
		if (inend - in >= 2 && inend[-1] == '-' &&
		    is_trim_space(inend[-2])) {
			trim_next = 1;
			inend--;
		}
		p = close + 2;
		if (lex_action(&ps, in, inend) != 0)
			break;

		if (tok_is(peek(&ps), "if")) {
			struct tok *kw = next(&ps);

			if (open_if(&ps, stack, &depth, &tail, kw, 0) != 0)
				break;
		} else if (tok_is(peek(&ps), "else")) {
			struct tok *kw = next(&ps);
			struct frame *f;

			if (depth == 0 || stack[depth - 1].in_else) {
				perr(&ps, kw->line, kw->col,
				    "unexpected {{else}}");
				break;
			}
			f = &stack[depth - 1];
			f->in_else = 1;
			tail = &f->ifnode->els;
			if (tok_is(peek(&ps), "if")) {
				next(&ps);
				if (open_if(&ps, stack, &depth, &tail, kw, 1)
				    != 0)
					break;
			} else if (peek(&ps)->kind != T_EOA) {
				perr(&ps, peek(&ps)->line, peek(&ps)->col,
				    "unexpected \"%.*s\" after else",
				    (int)peek(&ps)->len, peek(&ps)->p);
				break;
			}
		} else if (tok_is(peek(&ps), "end")) {
			struct tok *kw = next(&ps);

			if (peek(&ps)->kind != T_EOA) {
				perr(&ps, kw->line, kw->col,
				    "unexpected text after end");
				break;
			}
			if (depth == 0) {
				perr(&ps, kw->line, kw->col,
				    "unexpected {{end}}");
				break;
			}
			while (depth > 0 && stack[depth - 1].chained)
				depth--;
			depth--;
			tail = stack[depth].tail;
		} else if (tok_is(peek(&ps), "range") ||
		    tok_is(peek(&ps), "with") || tok_is(peek(&ps), "define") ||
		    tok_is(peek(&ps), "template") ||
		    tok_is(peek(&ps), "block") ||
		    tok_is(peek(&ps), "break") ||
		    tok_is(peek(&ps), "continue")) {
			perr(&ps, peek(&ps)->line, peek(&ps)->col,
			    "{{%.*s}} is not supported", (int)peek(&ps)->len,
			    peek(&ps)->p);
			break;
		} else if (peek(&ps)->kind == T_EOA) {
			perr(&ps, line, col, "missing value for command");
			break;
		} else {
			struct node *n = xcalloc(1, sizeof(*n));

			n->kind = N_PRINT;
			n->expr = parse_pipeline(&ps);
			append(&tail, n);
			if (n->expr == NULL)
				break;
		}
	}
	free(ps.toks);
	if (!ps.failed && depth > 0)
		perr(&ps, stack[depth - 1].line, stack[depth - 1].col,
		    "unexpected EOF: {{if}} without {{end}}");
	if (ps.failed) {
		node_free(root);
		return NULL;
	}
	t = xcalloc(1, sizeof(*t));
	t->mapdot = mapdot;
	t->name = xstrdup(name);
	t->root = root;
	return t;
}

void
sk_tmpl_free(struct sk_tmpl *t)
{
	if (t == NULL)
		return;
	node_free(t->root);
	free(t->name);
	free(t);
}

/* Execution. */

enum vkind {
	V_MISSING, V_STR, V_JSON, V_BOOL, V_NUM, V_PRIO, V_TIME, V_TAGS,
	V_FIELDS, V_ALERT
};

struct val {
	enum vkind		 kind;
	const char		*s;	/* V_STR */
	struct json_object	*j;	/* V_JSON (non-NULL) */
	int			 b;	/* V_BOOL, V_PRIO */
	double			 n;	/* V_NUM */
	const char		*ntext;	/* V_NUM */
};

struct exec {
	const struct sk_tmpl	*t;
	const struct sk_alert	*a;
	char			*err;
	size_t			 errlen;
	int			 failed;
};

static void __attribute__((format(printf, 3, 4)))
xerr(struct exec *x, const struct expr *e, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (x->failed)
		return;
	x->failed = 1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(x->err, x->errlen, "%s:%d:%d: %s", x->t->name, e->line,
	    e->col, msg);
}

static void print_val(struct sbuf *, const struct exec *, const struct val *);

static void
print_num(struct sbuf *sb, double n)
{
	if (n == (double)(long long)n && n < 1e15 && n > -1e15)
		sbuf_printf(sb, "%lld", (long long)n);
	else
		sbuf_printf(sb, "%g", n);
}

static void
print_val(struct sbuf *sb, const struct exec *x, const struct val *v)
{
	size_t i;

	switch (v->kind) {
	case V_MISSING:
		sbuf_puts(sb, "<no value>");
		break;
	case V_STR:
		sbuf_puts(sb, v->s);
		break;
	case V_JSON:
		sk_value_str(sb, v->j, "<nil>");
		break;
	case V_BOOL:
		sbuf_puts(sb, v->b ? "true" : "false");
		break;
	case V_NUM:
		if (v->ntext != NULL)
			sbuf_puts(sb, v->ntext);
		else
			print_num(sb, v->n);
		break;
	case V_PRIO:
		sbuf_puts(sb, sk_prio_name(v->b));
		break;
	case V_TIME:
		sk_alert_time_go(sb, x->a);
		break;
	case V_TAGS:
		sbuf_putc(sb, '[');
		for (i = 0; i < x->a->ntags; i++) {
			if (i > 0)
				sbuf_putc(sb, ' ');
			sbuf_puts(sb, x->a->tags[i]);
		}
		sbuf_putc(sb, ']');
		break;
	case V_FIELDS:
		sbuf_puts(sb, "map[");
		for (i = 0; i < x->a->nfields; i++) {
			if (i > 0)
				sbuf_putc(sb, ' ');
			sbuf_puts(sb, x->a->fields[i].key);
			sbuf_putc(sb, ':');
			sk_value_str(sb, x->a->fields[i].val, "<nil>");
		}
		sbuf_putc(sb, ']');
		break;
	case V_ALERT:
		sbuf_puts(sb, x->a->json);
		break;
	}
}

static int
truth(const struct exec *x, const struct val *v)
{
	switch (v->kind) {
	case V_MISSING:
		return 0;
	case V_STR:
		return v->s[0] != '\0';
	case V_JSON:
		switch (json_object_get_type(v->j)) {
		case json_type_string:
			return json_object_get_string_len(v->j) > 0;
		case json_type_boolean:
			return json_object_get_boolean(v->j);
		case json_type_int:
			return json_object_get_int64(v->j) != 0 ||
			    json_object_get_uint64(v->j) != 0;
		case json_type_double:
			return json_object_get_double(v->j) != 0;
		default:
			return 0;
		}
	case V_BOOL:
		return v->b;
	case V_NUM:
		return v->n != 0;
	case V_PRIO:
		return v->b != SK_PRIO_NONE;
	case V_TIME:
	case V_ALERT:
		return 1;
	case V_TAGS:
		return x->a->ntags > 0;
	case V_FIELDS:
		return x->a->nfields > 0;
	}
	return 0;
}

/* Is v a number?  Sets *n. */
static int
as_num(const struct val *v, double *n)
{
	if (v->kind == V_NUM) {
		*n = v->n;
		return 1;
	}
	if (v->kind == V_JSON && (json_object_is_type(v->j, json_type_int) ||
	    json_object_is_type(v->j, json_type_double))) {
		*n = json_object_get_double(v->j);
		return 1;
	}
	return 0;
}

/* Compare two values: <0, 0, >0; numbers numerically, others as text. */
static int
compare(const struct exec *x, const struct val *a, const struct val *b)
{
	struct sbuf sa = SBUF_INIT, sb = SBUF_INIT;
	double na, nb;
	int r;

	if (as_num(a, &na) && as_num(b, &nb))
		return na < nb ? -1 : na > nb;
	print_val(&sa, x, a);
	print_val(&sb, x, b);
	r = strcmp(sbuf_str(&sa), sbuf_str(&sb));
	sbuf_free(&sa);
	sbuf_free(&sb);
	return r;
}

static int eval(struct exec *, const struct expr *, struct val *);

static int
eval_call(struct exec *x, const struct expr *e, struct val *out)
{
	struct val a, b;
	int i, c;

	switch (e->fn) {
	case FN_INDEX:
		if (eval(x, e->args[0], &a) != 0)
			return -1;
		for (i = 1; i < e->nargs; i++) {
			struct sbuf key = SBUF_INIT;
			struct json_object *v;
			double n;
			int found;

			if (eval(x, e->args[i], &b) != 0)
				return -1;
			if (a.kind == V_TAGS) {
				if (!as_num(&b, &n) || n < 0 ||
				    n >= (double)x->a->ntags) {
					xerr(x, e->args[i], "index out of "
					    "range");
					return -1;
				}
				a.kind = V_STR;
				a.s = x->a->tags[(size_t)n];
				continue;
			}
			if (a.kind != V_FIELDS) {
				xerr(x, e->args[0], "can't index item that is "
				    "not a map or a list");
				return -1;
			}
			print_val(&key, x, &b);
			v = sk_alert_field(x->a, sbuf_str(&key), &found);
			sbuf_free(&key);
			if (!found || v == NULL) {
				a.kind = V_MISSING;
			} else {
				a.kind = V_JSON;
				a.j = v;
			}
		}
		*out = a;
		return 0;
	case FN_EQ:
		if (eval(x, e->args[0], &a) != 0)
			return -1;
		out->kind = V_BOOL;
		out->b = 0;
		for (i = 1; i < e->nargs; i++) {
			if (eval(x, e->args[i], &b) != 0)
				return -1;
			if (compare(x, &a, &b) == 0)
				out->b = 1;
		}
		return 0;
	case FN_NE: case FN_LT: case FN_LE: case FN_GT: case FN_GE:
		if (eval(x, e->args[0], &a) != 0 ||
		    eval(x, e->args[1], &b) != 0)
			return -1;
		c = compare(x, &a, &b);
		out->kind = V_BOOL;
		out->b = e->fn == FN_NE ? c != 0 : e->fn == FN_LT ? c < 0 :
		    e->fn == FN_LE ? c <= 0 : e->fn == FN_GT ? c > 0 : c >= 0;
		return 0;
	case FN_NOT:
		if (eval(x, e->args[0], &a) != 0)
			return -1;
		out->kind = V_BOOL;
		out->b = !truth(x, &a);
		return 0;
	case FN_AND:
	case FN_OR:
		for (i = 0; i < e->nargs; i++) {
			if (eval(x, e->args[i], out) != 0)
				return -1;
			if (truth(x, out) == (e->fn == FN_OR))
				return 0;
		}
		return 0;
	case FN_LEN:
		if (eval(x, e->args[0], &a) != 0)
			return -1;
		out->kind = V_NUM;
		out->ntext = NULL;
		if (a.kind == V_STR)
			out->n = (double)strlen(a.s);
		else if (a.kind == V_JSON &&
		    json_object_is_type(a.j, json_type_string))
			out->n = json_object_get_string_len(a.j);
		else if (a.kind == V_TAGS)
			out->n = (double)x->a->ntags;
		else if (a.kind == V_FIELDS)
			out->n = (double)x->a->nfields;
		else {
			xerr(x, e->args[0], "len of a value without length");
			return -1;
		}
		return 0;
	case FN_PRINT:
		/* Only used as an argument; N_PRINT handles it directly. */
		xerr(x, e, "print can only be used on its own");
		return -1;
	}
	return -1;
}

/* A string value; returns 0 for eval(). */
static int
str_val(struct val *v, const char *s)
{
	v->kind = V_STR;
	v->s = s;
	return 0;
}

static int
eval(struct exec *x, const struct expr *e, struct val *v)
{
	struct json_object *j;
	int found;

	memset(v, 0, sizeof(*v));
	switch (e->kind) {
	case E_DOT:
		v->kind = x->t->mapdot ? V_FIELDS : V_ALERT;
		return 0;
	case E_STR:
		return str_val(v, e->str);
	case E_NUM:
		v->kind = V_NUM;
		v->n = e->num;
		v->ntext = e->numtext;
		return 0;
	case E_BOOL:
		v->kind = V_BOOL;
		v->b = e->b;
		return 0;
	case E_NIL:
		v->kind = V_MISSING;
		return 0;
	case E_CALL:
		return eval_call(x, e, v);
	case E_FIELD:
		break;
	}
	switch (e->fld) {
	case F_RULE:
		return str_val(v, x->a->rule);
	case F_OUTPUT:
		return str_val(v, x->a->output);
	case F_HOSTNAME:
		return str_val(v, x->a->hostname);
	case F_SOURCE:
		return str_val(v, x->a->source);
	case F_UUID:
		return str_val(v, x->a->uuid);
	case F_PRIORITY:
		v->kind = V_PRIO;
		v->b = x->a->prio;
		break;
	case F_TIME:
		v->kind = V_TIME;
		break;
	case F_TAGS:
		v->kind = V_TAGS;
		break;
	case F_OUTPUTFIELDS:
		if (e->key == NULL) {
			v->kind = V_FIELDS;
			break;
		}
		j = sk_alert_field(x->a, e->key, &found);
		if (j == NULL) {
			v->kind = V_MISSING;
		} else {
			v->kind = V_JSON;
			v->j = j;
		}
		break;
	}
	return 0;
}

static int
exec_nodes(struct exec *x, const struct node *n, struct sbuf *out)
{
	struct val v;
	int i;

	for (; n != NULL; n = n->next) {
		switch (n->kind) {
		case N_TEXT:
			sbuf_put(out, n->text, n->len);
			break;
		case N_PRINT:
			if (n->expr->kind == E_CALL &&
			    n->expr->fn == FN_PRINT) {
				/* Go's print puts spaces only between two
				 * operands that are not strings. */
				int prev_str = 1;

				for (i = 0; i < n->expr->nargs; i++) {
					int is_str;

					if (eval(x, n->expr->args[i], &v) != 0)
						return -1;
					is_str = v.kind == V_STR ||
					    (v.kind == V_JSON &&
					    json_object_is_type(v.j,
					    json_type_string));
					if (i > 0 && !is_str && !prev_str)
						sbuf_putc(out, ' ');
					print_val(out, x, &v);
					prev_str = is_str;
				}
				break;
			}
			if (eval(x, n->expr, &v) != 0)
				return -1;
			print_val(out, x, &v);
			break;
		case N_IF:
			if (eval(x, n->expr, &v) != 0)
				return -1;
			if (exec_nodes(x, truth(x, &v) ? n->then : n->els,
			    out) != 0)
				return -1;
			break;
		}
	}
	return 0;
}

int
sk_tmpl_exec(const struct sk_tmpl *t, const struct sk_alert *a,
    struct sbuf *out, char *err, size_t errlen)
{
	struct exec x;

	x.t = t;
	x.a = a;
	x.err = err;
	x.errlen = errlen;
	x.failed = 0;
	if (exec_nodes(&x, t->root, out) != 0 || x.failed)
		return -1;
	return 0;
}
