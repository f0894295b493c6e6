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

/*
 * A transformer applied to a field in an output ("%tolower(proc.name)"),
 * nested to at most XF_DEPTH levels.  The leaf is a field.
 */
enum oxk { OX_FIELD, OX_TOLOWER, OX_TOUPPER, OX_B64, OX_BASENAME, OX_LEN };

#define XF_DEPTH	8

/* The widest %N: more is a typo, and would pad each alert for ever. */
#define FMT_WIDTH_MAX	65536

struct oxf {
	enum oxk	 kind;
	enum ftype	 type;		/* of the values it gives */
	int		 is_list;
	struct oxf	*arg;		/* transformers: the argument */
	struct field_ref ref;		/* OX_FIELD */
	char		*name;		/* OX_FIELD: the field as written */
};

struct etok {
	char		*text;		/* literal, or NULL for a field */
	size_t		 len;
	struct field_ref ref;		/* the field (for a transformer,
					   its leaf field; xf owns it) */
	char		*name;		/* the field as written */
	unsigned	 width;		/* %Nfield; 0: as is */
	struct oxf	*xf;		/* transformer, or NULL */
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

static void
oxf_free(struct oxf *x)
{
	if (x == NULL)
		return;
	oxf_free(x->arg);
	free(x->ref.arg_key);
	free(x->name);
	free(x);
}

static const struct {
	const char	*name;
	enum oxk	 kind;
} oxnames[] = {
	{ "tolower", OX_TOLOWER }, { "toupper", OX_TOUPPER },
	{ "b64", OX_B64 }, { "basename", OX_BASENAME }, { "len", OX_LEN },
};

/*
 * Whether the n characters at s name a transformer, those of outputs or
 * the ones only conditions take: "%proc.name(%proc.pid)" is a field and
 * a literal, "%tolower(proc.name)" a transformer.
 */
static int
is_xform_name(const char *s, size_t n)
{
	static const char *const all[] = { "tolower", "toupper", "b64",
	    "basename", "len", "join", "concat", "getopt", "val" };
	size_t i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (strlen(all[i]) == n && memcmp(all[i], s, n) == 0)
			return 1;
	return 0;
}

static size_t
skip_blanks(const char *s, size_t i)
{
	while (s[i] == ' ' || s[i] == '\t')
		i++;
	return i;
}

/*
 * A field or a transformer applied to one, at s; returns the tree and
 * the characters used in *used, or NULL with a message in err.  The
 * argument checks are those of transformers in conditions.
 */
static struct oxf *
parse_ox(const char *s, size_t *used, int depth, char *err, size_t errlen)
{
	struct oxf *x, *arg;
	struct etok t;
	size_t n, k, i;

	for (n = 0; name_char((unsigned char)s[n]); n++)
		;
	if (s[n] != '(' || !is_xform_name(s, n)) {
		memset(&t, 0, sizeof(t));
		if ((*used = resolve_at(s, n, &t)) == 0) {
			snprintf(err, errlen, "unknown filter: %.*s",
			    (int)(n > 0 ? n : 1), s);
			return NULL;
		}
		x = xcalloc(1, sizeof(*x));
		x->kind = OX_FIELD;
		x->ref = t.ref;
		x->name = t.name;
		x->type = t.ref.info->type;
		x->is_list = (t.ref.info->flags & FF_IS_LIST) != 0;
		return x;
	}
	for (k = 0; k < sizeof(oxnames) / sizeof(oxnames[0]); k++)
		if (strlen(oxnames[k].name) == n &&
		    memcmp(oxnames[k].name, s, n) == 0)
			break;
	if (k == sizeof(oxnames) / sizeof(oxnames[0])) {
		/* XXX join(), concat() and getopt() take lists and
		   constants: conditions only, for now. */
		snprintf(err, errlen, "unsupported transformer '%.*s' in "
		    "an output", (int)n, s);
		return NULL;
	}
	if (depth >= XF_DEPTH) {
		snprintf(err, errlen, "transformers nested too deeply");
		return NULL;
	}
	i = skip_blanks(s, n + 1);
	if ((arg = parse_ox(s + i, used, depth + 1, err, errlen)) == NULL)
		return NULL;
	i = skip_blanks(s, i + *used);
	if (s[i] != ')') {
		snprintf(err, errlen, "expected a ')' token closing the "
		    "transformer '%s'", oxnames[k].name);
		oxf_free(arg);
		return NULL;
	}
	*used = i + 1;
	x = xcalloc(1, sizeof(*x));
	x->kind = oxnames[k].kind;
	x->arg = arg;
	if (arg->kind == OX_FIELD &&
	    (arg->ref.info->flags & FF_NO_TRANSFORMER)) {
		snprintf(err, errlen, "filter error: field '%s' can't be "
		    "used with transformers", arg->ref.info->name);
		oxf_free(x);
		return NULL;
	}
	switch (x->kind) {
	case OX_LEN:
		if (!arg->is_list && arg->type != FT_CHARBUF &&
		    arg->type != FT_FSPATH && arg->type != FT_BYTEBUF)
			goto badtype;
		x->type = FT_UINT64;
		break;
	default:
		if (arg->type != FT_CHARBUF && arg->type != FT_FSPATH &&
		    !(arg->type == FT_BYTEBUF && x->kind == OX_B64))
			goto badtype;
		x->type = x->kind == OX_B64 ? FT_CHARBUF : arg->type;
		x->is_list = arg->is_list;
		break;
	}
	return x;
badtype:
	snprintf(err, errlen, "filter error: transformer '%s' does not "
	    "support field type '%s'", oxnames[k].name, ftype_name(arg->type));
	oxf_free(x);
	return NULL;
}

/* The leaf field of a transformer tree. */
static const struct oxf *
oxf_leaf(const struct oxf *x)
{
	while (x->kind != OX_FIELD)
		x = x->arg;
	return x;
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
		while (isdigit((unsigned char)*p)) {
			t.width = t.width * 10 + (unsigned)(*p++ - '0');
			if (t.width > FMT_WIDTH_MAX) {
				snprintf(err, errlen, "invalid formatting "
				    "syntax: width above %d", FMT_WIDTH_MAX);
				efmt_free(f);
				return NULL;
			}
		}
		for (n = 0; name_char((unsigned char)p[n]); n++)
			;
		if (p[n] == '(' && is_xform_name(p, n)) {
			char xerr[256];
			const struct oxf *leaf;

			if ((t.xf = parse_ox(p, &used, 0, xerr,
			    sizeof(xerr))) == NULL) {
				snprintf(err, errlen, "invalid output format "
				    "'%s': %s", fmt, xerr);
				efmt_free(f);
				return NULL;
			}
			leaf = oxf_leaf(t.xf);
			t.ref = leaf->ref;
			t.ref.arg_key = NULL;	/* t.xf owns it */
			t.name = xstrndup(p, used);
			add_tok(f, &t);
			p += used;
			lit = p;
			continue;
		}
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
		oxf_free(f->toks[i].xf);
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

void
engine_b64_encode(struct sbuf *out, const void *p, size_t len)
{
	static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *b = p;
	uint32_t w;
	size_t i;

	for (i = 0; i + 2 < len; i += 3) {
		w = (uint32_t)b[i] << 16 | (uint32_t)b[i + 1] << 8 | b[i + 2];
		sbuf_putc(out, abc[w >> 18]);
		sbuf_putc(out, abc[(w >> 12) & 63]);
		sbuf_putc(out, abc[(w >> 6) & 63]);
		sbuf_putc(out, abc[w & 63]);
	}
	if (i < len) {
		w = (uint32_t)b[i] << 16;
		if (i + 1 < len)
			w |= (uint32_t)b[i + 1] << 8;
		sbuf_putc(out, abc[w >> 18]);
		sbuf_putc(out, abc[(w >> 12) & 63]);
		sbuf_putc(out, i + 1 < len ? abc[(w >> 6) & 63] : '=');
		sbuf_putc(out, '=');
	}
}

/* The text form of one value, appended to out. */
static void
put_value(struct sbuf *out, const struct fval *v, int b64)
{
	char buf[INET6_ADDRSTRLEN];
	size_t i;

	switch (v->type) {
	case FT_CHARBUF: case FT_FSPATH:
		sbuf_put(out, v->v.s.p, v->v.s.len);
		break;
	case FT_BYTEBUF:
		if (b64) {
			engine_b64_encode(out, v->v.s.p, v->v.s.len);
			break;
		}
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

static void render_field(const struct etok *, struct engine_ctx *,
    struct sbuf *, struct alert *);

/*
 * Every value is rendered in place at the end of out: its text is what
 * the typed field gets (before "<NA>" and before the width is applied),
 * and no buffer is allocated per field or per alert.
 */
void
efmt_render(const struct efmt *f, struct engine_ctx *ctx, struct sbuf *out,
    struct alert *a)
{
	size_t i;

	sbuf_put(out, "", 0);
	ctx->b64_out = ctx->buf_b64;
	for (i = 0; i < f->ntoks; i++) {
		const struct etok *t = &f->toks[i];

		if (t->text != NULL)
			sbuf_put(out, t->text, t->len);
		else
			render_field(t, ctx, out, a);
	}
	ctx->b64_out = 0;
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

/* Decode base64 (no line breaks); -1 on malformed input. */
static int
b64_decode(const char *in, size_t len, struct sbuf *out)
{
	static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	uint32_t acc = 0;
	size_t i, pad = 0;
	const char *c;
	int bits = 0;

	if (len % 4 != 0)
		return -1;
	for (i = 0; i < len; i++) {
		if (in[i] == '=') {
			pad++;
			continue;
		}
		if (pad > 0 || in[i] == '\0' ||
		    (c = strchr(abc, in[i])) == NULL)
			return -1;
		acc = (acc << 6) | (uint32_t)(c - abc);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			sbuf_putc(out, (char)((acc >> bits) & 0xff));
		}
	}
	return pad > 2 ? -1 : 0;
}

/*
 * The values of x for the event in ctx.  Transformed strings go to
 * bufs[0] (one buffer per nesting level: bufs[1] holds the argument's)
 * and stay valid until bufs[0] is reset.
 */
static void
ox_eval(const struct oxf *x, struct engine_ctx *ctx, struct fvals *out,
    struct sbuf *bufs)
{
	struct fvals in;
	size_t offs[FVALS_MAX], lens[FVALS_MAX];
	size_t i, j, n = 0, start;

	out->n = 0;
	if (x->kind == OX_FIELD) {
		if (x->ref.cls->extract == NULL ||
		    x->ref.cls->extract(ctx, &x->ref, out) != 0)
			out->n = 0;
		return;
	}
	ox_eval(x->arg, ctx, &in, bufs + 1);
	if (x->kind == OX_LEN) {
		if (in.n == 0 && !x->arg->is_list)
			return;
		out->n = 1;
		out->v[0].type = FT_UINT64;
		out->v[0].v.u = x->arg->is_list ? in.n : in.v[0].v.s.len;
		return;
	}
	sbuf_reset(&bufs[0]);
	for (i = 0; i < in.n && i < FVALS_MAX; i++) {
		const char *p = in.v[i].v.s.p;
		size_t len = in.v[i].v.s.len;

		start = bufs[0].len;
		switch (x->kind) {
		case OX_BASENAME:
			for (j = len; j > 0 && p[j - 1] != '/'; j--)
				;
			sbuf_put(&bufs[0], p + j, len - j);
			break;
		case OX_B64:
			if (b64_decode(p, len, &bufs[0]) != 0) {
				bufs[0].len = start;
				continue;
			}
			break;
		default:
			for (j = 0; j < len; j++)
				sbuf_putc(&bufs[0], (char)(x->kind ==
				    OX_TOLOWER ? tolower((unsigned char)p[j]) :
				    toupper((unsigned char)p[j])));
			break;
		}
		offs[n] = start;
		lens[n++] = bufs[0].len - start;
	}
	/* pointers only now: the buffer may have moved while growing */
	for (i = 0; i < n; i++) {
		out->v[i].type = x->type;
		out->v[i].v.s.p = bufs[0].buf != NULL ?
		    bufs[0].buf + offs[i] : "";
		out->v[i].v.s.len = lens[i];
	}
	out->n = n;
}

/*
 * One field token, as Falco renders it: a list field as "(a,b)", a
 * transformer's result in the text; the output fields get the plain
 * fields only (Falco leaves transformed ones out of them).
 */
static void
render_field(const struct etok *t, struct engine_ctx *ctx, struct sbuf *out,
    struct alert *a)
{
	struct fvals vals;
	struct sbuf bufs[XF_DEPTH + 1];
	size_t i, start, vlen;
	int list;

	vals.n = 0;
	list = t->xf != NULL ? t->xf->is_list :
	    (t->ref.info->flags & FF_IS_LIST) != 0;
	if (t->xf != NULL) {
		for (i = 0; i <= XF_DEPTH; i++)
			memset(&bufs[i], 0, sizeof(bufs[i]));
		ox_eval(t->xf, ctx, &vals, bufs);
		if (a != NULL) {
			const struct etok leaf = { .ref = oxf_leaf(t->xf)->ref,
			    .name = oxf_leaf(t->xf)->name };
			struct sbuf lsb = SBUF_INIT;

			render_field(&leaf, ctx, &lsb, a);
			sbuf_free(&lsb);
		}
	} else if (t->ref.cls->extract == NULL ||
	    t->ref.cls->extract(ctx, &t->ref, &vals) != 0)
		vals.n = 0;
	start = out->len;
	if (list && vals.n > 0) {
		sbuf_putc(out, '(');
		for (i = 0; i < vals.n; i++) {
			if (i > 0)
				sbuf_putc(out, ',');
			put_value(out, &vals.v[i], ctx->b64_out);
		}
		sbuf_putc(out, ')');
		if (a != NULL && t->xf == NULL)
			alert_field_strn(a, t->name, out->buf + start,
			    out->len - start);
	} else {
		if (vals.n > 0)
			put_value(out, &vals.v[0], ctx->b64_out);
		if (a != NULL && t->xf == NULL)
			add_field(a, t->name, &vals, out->buf + start,
			    out->len - start);
	}
	if (t->xf != NULL)
		for (i = 0; i <= XF_DEPTH; i++)
			sbuf_free(&bufs[i]);
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
