/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Rule output formats: "%proc.name opened %fd.name" compiled once into
 * literal and field tokens, rendered per alert as Falco renders them.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine_int.h"
#include "outputs/outputs.h"
#include "util/xmalloc.h"

struct etok {
	char		*text;		/* literal, or NULL for a field */
	size_t		 len;
	struct field_ref ref;
	char		*name;		/* the field as written */
	unsigned	 width;		/* %Nfield; 0: as is */
};

struct efmt {
	struct etok	*toks;
	size_t		 ntoks;
};

static void
add_tok(struct efmt *f, const struct etok *t)
{
	f->toks = xreallocarray(f->toks, f->ntoks + 1, sizeof(*f->toks));
	f->toks[f->ntoks++] = *t;
}

static void
add_lit(struct efmt *f, const char *s, size_t len)
{
	struct etok t;

	if (len == 0)
		return;
	memset(&t, 0, sizeof(t));
	t.text = xstrndup(s, len);
	t.len = len;
	add_tok(f, &t);
}

static int
name_char(int c)
{
	return isalnum(c) || c == '.' || c == '_';
}

/*
 * Resolve the longest field at s (n name characters, then an optional
 * [arg]); returns the characters used, 0 if none resolves.
 */
static size_t
resolve_at(const char *s, size_t n, struct etok *t)
{
	struct filter_err err;
	char *name, *arg;
	const char *close;
	size_t len;

	for (len = n; len > 0; len--) {
		name = xstrndup(s, len);
		arg = NULL;
		if (len == n && s[n] == '[' &&
		    (close = strchr(s + n, ']')) != NULL)
			arg = xstrndup(s + n + 1, (size_t)(close - s - n - 1));
		if (fields_resolve(name, arg, arg != NULL, &t->ref,
		    &err) == 0 && !(t->ref.info->flags & FF_FILTER_ONLY)) {
			size_t used = len;

			if (arg != NULL) {
				used = (size_t)(strchr(s + n, ']') - s) + 1;
				free(name);
				name = xstrndup(s, used);
			}
			t->name = name;
			free(arg);
			return used;
		}
		free(t->ref.arg_key);
		t->ref.arg_key = NULL;
		free(name);
		free(arg);
	}
	return 0;
}

struct efmt *
efmt_compile(const char *fmt, char *err, size_t errlen)
{
	struct efmt *f = xcalloc(1, sizeof(*f));
	const char *p = fmt, *lit = fmt;
	struct etok t;
	size_t n, used;

	while (*p != '\0') {
		if (*p != '%') {
			p++;
			continue;
		}
		add_lit(f, lit, (size_t)(p - lit));
		memset(&t, 0, sizeof(t));
		p++;
		if (*p == '\0') {
			snprintf(err, errlen, "invalid formatting syntax: "
			    "formatting cannot end with a %%");
			efmt_free(f);
			return NULL;
		}
		while (isdigit((unsigned char)*p))
			t.width = t.width * 10 + (unsigned)(*p++ - '0');
		for (n = 0; name_char((unsigned char)p[n]); n++)
			;
		if ((used = resolve_at(p, n, &t)) == 0) {
			snprintf(err, errlen, "invalid output format '%s': "
			    "unknown filter: %.*s", fmt, (int)(n > 0 ? n : 1),
			    p);
			efmt_free(f);
			return NULL;
		}
		/*
		 * %container.info is an empty string since Falco 0.41 (the
		 * suggested container fields of append_output replaced it).
		 */
		if (strcmp(t.ref.info->name, "container.info") == 0) {
			free(t.name);
			free(t.ref.arg_key);
		} else
			add_tok(f, &t);
		p += used;
		lit = p;
	}
	add_lit(f, lit, (size_t)(p - lit));
	return f;
}

void
efmt_free(struct efmt *f)
{
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < f->ntoks; i++) {
		free(f->toks[i].text);
		free(f->toks[i].name);
		free(f->toks[i].ref.arg_key);
	}
	free(f->toks);
	free(f);
}

/* A decimal integer (what "%lld"/"%llu" print), without printf. */
static void
put_int(struct sbuf *out, int neg, uint64_t mag)
{
	char buf[24], *p = buf + sizeof(buf);

	do {
		*--p = (char)('0' + mag % 10);
		mag /= 10;
	} while (mag != 0);
	if (neg)
		*--p = '-';
	sbuf_put(out, p, (size_t)(buf + sizeof(buf) - p));
}

/* The text form of one value, appended to out. */
static void
put_value(struct sbuf *out, const struct fval *v)
{
	char buf[INET6_ADDRSTRLEN];
	size_t i;

	switch (v->type) {
	case FT_CHARBUF: case FT_FSPATH:
		sbuf_put(out, v->v.s.p, v->v.s.len);
		break;
	case FT_BYTEBUF:
		for (i = 0; i < v->v.s.len; i++) {
			unsigned char ch = (unsigned char)v->v.s.p[i];

			sbuf_putc(out, isprint(ch) ? (char)ch : '.');
		}
		break;
	case FT_INT16: case FT_INT32: case FT_INT64:
		put_int(out, v->v.i < 0, v->v.i < 0 ? 0 - (uint64_t)v->v.i :
		    (uint64_t)v->v.i);
		break;
	case FT_BOOL:
		sbuf_puts(out, v->v.u ? "true" : "false");
		break;
	case FT_DOUBLE:
		sbuf_printf(out, "%.2f", v->v.d);
		break;
	case FT_IPADDR: case FT_IPNET:
		inet_ntop(v->v.ip.af == 4 ? AF_INET : AF_INET6, v->v.ip.a, buf,
		    sizeof(buf));
		sbuf_puts(out, buf);
		break;
	default:
		put_int(out, 0, v->v.u);
		break;
	}
}

static void
add_field(struct alert *a, const char *name, const struct fvals *vals,
    const char *text, size_t textlen)
{
	const struct fval *v = &vals->v[0];

	if (vals->n == 0) {
		alert_field_null(a, name);
		return;
	}
	switch (v->type) {
	case FT_INT16: case FT_INT32: case FT_INT64:
		alert_field_int(a, name, v->v.i);
		break;
	case FT_UINT32: case FT_UINT64: case FT_RELTIME: case FT_ABSTIME:
	case FT_PORT:
		alert_field_uint(a, name, v->v.u);
		break;
	case FT_BOOL:
		alert_field_bool(a, name, v->v.u != 0);
		break;
	case FT_DOUBLE:
		alert_field_double(a, name, v->v.d);
		break;
	default:
		alert_field_strn(a, name, text, textlen);
		break;
	}
}

/*
 * Every value is rendered in place at the end of out: its text is what
 * the typed field gets (before "<NA>" and before the width is applied),
 * and no buffer is allocated per field or per alert.
 */
void
efmt_render(const struct efmt *f, struct engine_ctx *ctx, struct sbuf *out,
    struct alert *a)
{
	struct fvals vals;
	size_t i, start, vlen;

	sbuf_put(out, "", 0);
	for (i = 0; i < f->ntoks; i++) {
		const struct etok *t = &f->toks[i];

		if (t->text != NULL) {
			sbuf_put(out, t->text, t->len);
			continue;
		}
		vals.n = 0;
		if (t->ref.cls->extract == NULL ||
		    t->ref.cls->extract(ctx, &t->ref, &vals) != 0)
			vals.n = 0;
		start = out->len;
		if (vals.n > 0)
			put_value(out, &vals.v[0]);
		if (a != NULL)
			add_field(a, t->name, &vals, out->buf + start,
			    out->len - start);
		if (vals.n == 0)
			sbuf_puts(out, "<NA>");
		if (t->width > 0) {
			vlen = out->len - start;
			if (vlen > t->width) {
				out->len = start + t->width;
				out->buf[out->len] = '\0';
			}
			while (out->len - start < t->width)
				sbuf_putc(out, ' ');
		}
	}
}

/* ---- deferred rendering -------------------------------------------- */

/*
 * Fields whose value comes from the container's runtime metadata: the
 * container.* and k8s.* fields, except the ids, which the cgroup gives.
 */
static int
is_hole(const struct etok *t)
{
	const char *n;

	if (t->text != NULL)
		return 0;
	n = t->ref.info->name;
	if (strncmp(n, "k8s.", 4) == 0)
		return 1;
	return strncmp(n, "container.", 10) == 0 &&
	    strcmp(n, "container.id") != 0 &&
	    strcmp(n, "container.full_id") != 0;
}

/* One field token, as efmt_render() renders it. */
static void
render_field(const struct etok *t, struct engine_ctx *ctx, struct sbuf *out,
    struct alert *a)
{
	struct fvals vals;
	size_t start, vlen;

	vals.n = 0;
	if (t->ref.cls->extract == NULL ||
	    t->ref.cls->extract(ctx, &t->ref, &vals) != 0)
		vals.n = 0;
	start = out->len;
	if (vals.n > 0)
		put_value(out, &vals.v[0]);
	if (a != NULL)
		add_field(a, t->name, &vals, out->buf + start,
		    out->len - start);
	if (vals.n == 0)
		sbuf_puts(out, "<NA>");
	if (t->width > 0) {
		vlen = out->len - start;
		if (vlen > t->width) {
			out->len = start + t->width;
			out->buf[out->len] = '\0';
		}
		while (out->len - start < t->width)
			sbuf_putc(out, ' ');
	}
}

int
efmt_has_holes(const struct efmt *f)
{
	size_t i;

	for (i = 0; f != NULL && i < f->ntoks; i++)
		if (is_hole(&f->toks[i]))
			return 1;
	return 0;
}

void
efmt_render_held(const struct efmt *f, struct engine_ctx *ctx,
    struct sbuf *out, struct alert *a, struct efmt_hole **holes,
    size_t *nholes)
{
	size_t i;

	sbuf_put(out, "", 0);
	for (i = 0; i < f->ntoks; i++) {
		const struct etok *t = &f->toks[i];

		if (t->text != NULL)
			sbuf_put(out, t->text, t->len);
		else if (is_hole(t)) {
			*holes = xreallocarray(*holes, *nholes + 1,
			    sizeof(**holes));
			(*holes)[*nholes].off = out->len;
			(*holes)[*nholes].tok = i;
			(*nholes)++;
		} else
			render_field(t, ctx, out, a);
	}
}

void
efmt_fill(const struct efmt *f, const char *text, size_t len,
    const struct efmt_hole *holes, size_t nholes, struct engine_ctx *ctx,
    struct sbuf *out, struct alert *a)
{
	size_t i, at = 0;

	sbuf_put(out, "", 0);
	for (i = 0; i < nholes; i++) {
		if (holes[i].off < at || holes[i].off > len ||
		    holes[i].tok >= f->ntoks)
			continue;	/* not from this text: a bug */
		sbuf_put(out, text + at, holes[i].off - at);
		at = holes[i].off;
		render_field(&f->toks[holes[i].tok], ctx, out, a);
	}
	sbuf_put(out, text + at, len - at);
}
