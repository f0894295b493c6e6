/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parsing and serialising Falco alerts.  json-c does the JSON parsing;
 * the forwarded payload is written by hand so that the key order and the
 * time format are exactly those falcosidekick produces.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <json-c/json.h>

#include "sidekick/alert.h"
#include "sidekick/prio.h"
#include "sidekick/tmpl.h"
#include "util/json.h"
#include "util/log.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"

#define ALERT_MAX_DEPTH	32

static int
field_cmp(const void *a, const void *b)
{
	const struct sk_field *fa = a, *fb = b;
	int r;

	/* In printed order, so that a forwarded payload sorts the same. */
	if ((r = json_utf8_cmp(fa->key, fb->key)) != 0)
		return r;
	return strcmp(fa->key, fb->key);
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
sk_json_value(struct sbuf *sb, struct json_object *v)
{
	if (v == NULL) {
		sbuf_puts(sb, "null");
		return;
	}
	if (json_object_is_type(v, json_type_string)) {
		json_put_str(sb, json_object_get_string(v));
		return;
	}
	sbuf_puts(sb, json_object_to_json_string_ext(v,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
}

void
sk_value_str(struct sbuf *sb, struct json_object *v, const char *nullstr)
{
	if (v == NULL)
		sbuf_puts(sb, nullstr);
	else if (json_object_is_type(v, json_type_string))
		sbuf_puts(sb, json_object_get_string(v));
	else
		sbuf_puts(sb, json_object_to_json_string_ext(v,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
}

static int
parse_digits(const char **pp, int n, int *out)
{
	const char *p = *pp;
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)p[i]))
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	*pp = p + n;
	*out = v;
	return 0;
}

int
sk_time_parse(const char *s, int64_t *sec, long *nsec)
{
	struct tm tm;
	int y, mo, d, h, mi, se, oh, om;
	long ns = 0, scale = 100000000;
	int64_t t;
	const char *p = s;

	if (parse_digits(&p, 4, &y) || *p++ != '-' ||
	    parse_digits(&p, 2, &mo) || *p++ != '-' ||
	    parse_digits(&p, 2, &d) || (*p != 'T' && *p != 't'))
		return -1;
	p++;
	if (parse_digits(&p, 2, &h) || *p++ != ':' ||
	    parse_digits(&p, 2, &mi) || *p++ != ':' ||
	    parse_digits(&p, 2, &se))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    se > 60)
		return -1;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		while (isdigit((unsigned char)*p)) {
			ns += (*p - '0') * scale;
			scale /= 10;
			p++;
		}
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	t = (int64_t)timegm(&tm);
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p == '-' ? -1 : 1;

		p++;
		if (parse_digits(&p, 2, &oh) || *p++ != ':' ||
		    parse_digits(&p, 2, &om) || oh > 23 || om > 59)
			return -1;
		t -= sign * (int64_t)(oh * 3600 + om * 60);
	} else
		return -1;
	if (*p != '\0')
		return -1;
	*sec = t;
	*nsec = ns;
	return 0;
}

/* Go trims trailing zeros of the fraction and drops an all-zero one. */
static void
put_frac(struct sbuf *sb, long nsec)
{
	char frac[16];
	int n;

	if (nsec == 0)
		return;
	n = snprintf(frac, sizeof(frac), ".%09ld", nsec);
	while (n > 1 && frac[n - 1] == '0')
		n--;
	sbuf_put(sb, frac, n);
}

/* "YYYY-MM-DD<sep>HH:MM:SS" and the trimmed fraction, in UTC. */
static void
put_datetime(struct sbuf *sb, const struct sk_alert *a, char sep)
{
	struct tm tm;
	time_t t = (time_t)a->sec;
	char buf[80];

	gmtime_r(&t, &tm);
	/* Four-digit years, as Go prints them; strftime does not pad. */
	snprintf(buf, sizeof(buf), "%04d-%02d-%02d%c%02d:%02d:%02d",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, sep, tm.tm_hour,
	    tm.tm_min, tm.tm_sec);
	sbuf_puts(sb, buf);
	put_frac(sb, a->nsec);
}

static void
format_3339(const struct sk_alert *a, char *out, size_t outlen)
{
	struct sbuf sb = SBUF_INIT;

	put_datetime(&sb, a, 'T');
	sbuf_putc(&sb, 'Z');
	snprintf(out, outlen, "%s", sbuf_str(&sb));
	sbuf_free(&sb);
}

void
sk_alert_time_go(struct sbuf *sb, const struct sk_alert *a)
{
	put_datetime(sb, a, ' ');
	sbuf_puts(sb, " +0000 UTC");
}

void
sk_alert_time_fmt(struct sbuf *sb, const struct sk_alert *a, const char *fmt)
{
	struct tm tm;
	time_t t = (time_t)a->sec;
	char buf[128];

	gmtime_r(&t, &tm);
	if (strftime(buf, sizeof(buf), fmt, &tm) > 0)
		sbuf_puts(sb, buf);
}

/*
 * Random bytes come from a per-thread pool refilled 4 KiB at a time, so
 * that a UUID does not cost a system call.
 */
static void
random_bytes(unsigned char *out, size_t n)
{
	static __thread unsigned char pool[4096];
	static __thread size_t left;
	size_t got;

	if (left < n) {
		for (got = 0; got < sizeof(pool); ) {
			ssize_t r = getrandom(pool + got, sizeof(pool) - got,
			    0);

			if (r <= 0)
				fatal("getrandom failed");
			got += (size_t)r;
		}
		left = sizeof(pool);
	}
	memcpy(out, pool + sizeof(pool) - left, n);
	/* Used bytes are not kept around. */
	memset(pool + sizeof(pool) - left, 0, n);
	left -= n;
}

void
sk_uuid_new(char out[37])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char r[16];
	int i, j;

	random_bytes(r, sizeof(r));
	r[6] = (r[6] & 0x0f) | 0x40;
	r[8] = (r[8] & 0x3f) | 0x80;
	for (i = 0, j = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[j++] = '-';
		out[j++] = hex[r[i] >> 4];
		out[j++] = hex[r[i] & 15];
	}
	out[j] = '\0';
}

static int
valid_uuid(const char *s)
{
	size_t i;

	if (strlen(s) != 36)
		return 0;
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!isxdigit((unsigned char)s[i]))
			return 0;
	}
	return 1;
}

void
sk_alert_json_open(struct sbuf *sb, const struct sk_alert *a,
    const struct sk_field *fields, size_t nfields)
{
	size_t i;

	sbuf_puts(sb, "{\"uuid\":");
	json_put_str(sb, a->uuid);
	sbuf_puts(sb, ",\"output\":");
	json_put_str(sb, a->output);
	sbuf_puts(sb, ",\"priority\":");
	json_put_str(sb, sk_prio_name(a->prio));
	sbuf_puts(sb, ",\"rule\":");
	json_put_str(sb, a->rule);
	sbuf_puts(sb, ",\"time\":");
	json_put_str(sb, a->time3339);
	sbuf_puts(sb, ",\"output_fields\":{");
	for (i = 0; i < nfields; i++) {
		if (i > 0 && strcmp(fields[i].key, fields[i - 1].key) == 0)
			continue;
		if (i > 0)
			sbuf_putc(sb, ',');
		json_put_key(sb, fields[i].key);
		sk_json_value(sb, fields[i].val);
	}
	sbuf_puts(sb, "},\"source\":");
	json_put_str(sb, a->source);
	if (a->ntags > 0) {
		sbuf_puts(sb, ",\"tags\":[");
		for (i = 0; i < a->ntags; i++) {
			if (i > 0)
				sbuf_putc(sb, ',');
			json_put_str(sb, a->tags[i]);
		}
		sbuf_putc(sb, ']');
	}
	if (a->hostname[0] != '\0') {
		sbuf_puts(sb, ",\"hostname\":");
		json_put_str(sb, a->hostname);
	}
}

static void
serialise(struct sk_alert *a)
{
	struct sbuf sb = SBUF_INIT;

	sk_alert_json_open(&sb, a, a->fields, a->nfields);
	sbuf_putc(&sb, '}');
	a->jsonlen = sb.len;
	a->json = sbuf_detach(&sb);
}

static const char *
opt_string(struct json_object *root, const char *key, int *bad)
{
	struct json_object *v;

	if (!json_object_object_get_ex(root, key, &v) || v == NULL)
		return NULL;
	if (!json_object_is_type(v, json_type_string)) {
		*bad = 1;
		return NULL;
	}
	return json_object_get_string(v);
}

static void
alert_free(struct sk_alert *a)
{
	size_t i;

	if (a == NULL)
		return;
	free(a->rule);
	free(a->output);
	free(a->source);
	free(a->hostname);
	for (i = 0; i < a->ntags; i++)
		free(a->tags[i]);
	free(a->tags);
	free(a->json);
	if (a->root != NULL)
		json_object_put(a->root);
	else if (a->keys != NULL) {
		for (i = 0; i < a->nfields; i++)
			if (a->fields[i].val != NULL)
				json_object_put(a->fields[i].val);
	}
	free(a->keys);
	free(a->fields);
	free(a);
}

/*
 * Keep the field values but not the parser's hash tables, which are most
 * of an alert's memory: the keys move to one block, each value keeps a
 * reference of its own, and the tree goes.
 */
static void
detach(struct sk_alert *a)
{
	size_t i, total = 0, off = 0;

	for (i = 0; i < a->nfields; i++)
		total += strlen(a->fields[i].key) + 1;
	a->keys = xmalloc(total);
	for (i = 0; i < a->nfields; i++) {
		size_t l = strlen(a->fields[i].key) + 1;

		memcpy(a->keys + off, a->fields[i].key, l);
		a->fields[i].key = a->keys + off;
		off += l;
		if (a->fields[i].val != NULL)
			json_object_get(a->fields[i].val);
	}
	json_object_put(a->root);
	a->root = NULL;
}

/* Rename "a[b]" fields to "a<rep>b", as bracketreplacer asks. */
static void
replace_brackets(struct json_object *of, const char *rep)
{
	struct json_object_iterator it, end;
	char **old = NULL;
	size_t n = 0, i;

	it = json_object_iter_begin(of);
	end = json_object_iter_end(of);
	for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
		const char *k = json_object_iter_peek_name(&it);

		if (strchr(k, '[') == NULL)
			continue;
		old = xreallocarray(old, n + 1, sizeof(*old));
		old[n++] = xstrdup(k);
	}
	for (i = 0; i < n; i++) {
		struct sbuf nk = SBUF_INIT;
		struct json_object *v = NULL;
		const char *p;

		for (p = old[i]; *p != '\0'; p++) {
			if (*p == '[')
				sbuf_puts(&nk, rep);
			else if (*p != ']')
				sbuf_putc(&nk, *p);
		}
		json_object_object_get_ex(of, old[i], &v);
		json_object_object_add(of, sbuf_str(&nk), json_object_get(v));
		json_object_object_del(of, old[i]);
		sbuf_free(&nk);
		free(old[i]);
	}
	free(old);
}

/* The sorted field array of output_fields; -1 if one is not a scalar. */
static int
collect_fields(struct sk_alert *a, struct json_object *of, char *err,
    size_t errlen)
{
	struct json_object_iterator it, end;
	size_t n, i, j;

	n = (size_t)json_object_object_length(of);
	if (n == 0) {
		snprintf(err, errlen, "empty output_fields");
		return -1;
	}
	a->fields = xcalloc(n, sizeof(*a->fields));
	it = json_object_iter_begin(of);
	end = json_object_iter_end(of);
	while (!json_object_iter_equal(&it, &end) && a->nfields < n) {
		struct json_object *v = json_object_iter_peek_value(&it);

		if (v != NULL && (json_object_is_type(v, json_type_object) ||
		    json_object_is_type(v, json_type_array))) {
			snprintf(err, errlen,
			    "output_fields values must be scalars");
			return -1;
		}
		a->fields[a->nfields].key = json_object_iter_peek_name(&it);
		a->fields[a->nfields].val = v;
		a->nfields++;
		json_object_iter_next(&it);
	}
	if (a->nfields > 1)
		qsort(a->fields, a->nfields, sizeof(*a->fields),
		    field_cmp);
	/*
	 * Keys that differ only in bytes that are not UTF-8 print alike:
	 * keep the first, as a parser of the printed payload would see one.
	 */
	for (i = j = 0; i < a->nfields; i++)
		if (j == 0 || json_utf8_cmp(a->fields[j - 1].key,
		    a->fields[i].key) != 0)
			a->fields[j++] = a->fields[i];
	a->nfields = j;
	return 0;
}

static struct sk_alert *
fail(struct sk_alert *a, struct json_object *root, char *err, size_t errlen,
    const char *msg)
{
	if (msg != NULL)
		snprintf(err, errlen, "%s", msg);
	if (a == NULL && root != NULL)
		json_object_put(root);
	alert_free(a);
	return NULL;
}

struct sk_alert *
sk_alert_parse(const char *buf, size_t len, const struct sk_enrich *en,
    char *err, size_t errlen)
{
	struct sk_alert *a;
	size_t used, i;

	a = sk_alert_parse_next(buf, len, &used, en, err, errlen);
	if (a == NULL)
		return NULL;
	/* Trailing whitespace is fine, as for a stream decoder. */
	for (i = used; i < len; i++) {
		if (!isspace((unsigned char)buf[i])) {
			snprintf(err, errlen, "invalid JSON: trailing data");
			sk_alert_unref(a);
			return NULL;
		}
	}
	return a;
}

struct sk_alert *
sk_alert_parse_next(const char *buf, size_t len, size_t *used,
    const struct sk_enrich *en, char *err, size_t errlen)
{
	struct json_tokener *tok;
	struct json_object *root, *of = NULL, *tags = NULL;
	struct sk_alert *a;
	const char *s, *rule, *prio, *tstr;
	enum json_tokener_error je;
	size_t i, n, skip = 0;
	int bad = 0;

	while (skip < len && isspace((unsigned char)buf[skip]))
		skip++;
	tok = json_tokener_new_ex(ALERT_MAX_DEPTH);
	if (tok == NULL)
		return fail(NULL, NULL, err, errlen, "out of memory");
	/* Strict JSON, but the next alert may follow this one. */
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
	    JSON_TOKENER_VALIDATE_UTF8 | JSON_TOKENER_ALLOW_TRAILING_CHARS);
	root = json_tokener_parse_ex(tok, buf + skip, (int)(len - skip));
	je = json_tokener_get_error(tok);
	if (root == NULL || je != json_tokener_success) {
		snprintf(err, errlen, "invalid JSON: %s",
		    json_tokener_error_desc(je));
		json_tokener_free(tok);
		if (root != NULL)
			json_object_put(root);
		return NULL;
	}
	*used = skip + (size_t)tok->char_offset;
	json_tokener_free(tok);
	if (!json_object_is_type(root, json_type_object))
		return fail(NULL, root, err, errlen, "alert is not an object");

	a = xcalloc(1, sizeof(*a));
	a->refs = 1;
	a->root = root;
	rule = opt_string(root, "rule", &bad);
	prio = opt_string(root, "priority", &bad);
	tstr = opt_string(root, "time", &bad);
	if (bad)
		return fail(a, root, err, errlen,
		    "rule, priority and time must be strings");
	if (rule == NULL || *rule == '\0')
		return fail(a, root, err, errlen, "missing rule");
	a->prio = sk_prio_parse(prio);
	if (prio == NULL || a->prio <= SK_PRIO_NONE)
		return fail(a, root, err, errlen,
		    "missing or unknown priority");
	if (tstr == NULL || sk_time_parse(tstr, &a->sec, &a->nsec) != 0)
		return fail(a, root, err, errlen, "missing or invalid time");
	if (a->sec <= -62135596800LL)
		return fail(a, root, err, errlen, "zero time");
	a->rule = xstrdup(rule);
	s = opt_string(root, "output", &bad);
	a->output = xstrdup(s != NULL ? s : "");
	s = opt_string(root, "hostname", &bad);
	a->hostname = xstrdup(s != NULL ? s : "");
	s = opt_string(root, "source", &bad);
	if (strcmp(a->rule, "Test rule") == 0)
		s = "internal";
	a->source = xstrdup(s != NULL && *s != '\0' ? s : "syscalls");
	s = opt_string(root, "uuid", &bad);
	if (bad)
		return fail(a, root, err, errlen,
		    "output, hostname, source and uuid must be strings");
	if (s != NULL && valid_uuid(s))
		memcpy(a->uuid, s, 37);
	else
		sk_uuid_new(a->uuid);

	if (!json_object_object_get_ex(root, "output_fields", &of) ||
	    of == NULL || !json_object_is_type(of, json_type_object))
		return fail(a, root, err, errlen,
		    "missing or invalid output_fields");
	if (en != NULL && en->bracket != NULL && *en->bracket != '\0')
		replace_brackets(of, en->bracket);
	if (en != NULL)
		for (i = 0; i < en->nfields; i++)
			json_object_object_add(of, en->fkeys[i],
			    json_object_new_string(en->fvals[i]));
	if (collect_fields(a, of, err, errlen) != 0)
		return fail(a, root, err, errlen, NULL);
	if (en != NULL && en->ntmpl > 0) {
		/*
		 * Templated fields see the fields so far (custom ones
		 * included), then join them.
		 */
		struct json_object **vals;

		vals = xcalloc(en->ntmpl, sizeof(*vals));
		for (i = 0; i < en->ntmpl; i++) {
			struct sbuf v = SBUF_INIT;
			char terr[256];

			if (sk_tmpl_exec(en->tmpls[i], a, &v, terr,
			    sizeof(terr)) != 0)
				log_err("templatedfields %s: %s", en->tkeys[i],
				    terr);
			vals[i] = json_object_new_string(sbuf_str(&v));
			sbuf_free(&v);
		}
		for (i = 0; i < en->ntmpl; i++)
			json_object_object_add(of, en->tkeys[i], vals[i]);
		free(vals);
		free(a->fields);
		a->fields = NULL;
		a->nfields = 0;
		if (collect_fields(a, of, err, errlen) != 0)
			return fail(a, root, err, errlen, NULL);
	}

	n = en != NULL ? en->ntags : 0;
	if (json_object_object_get_ex(root, "tags", &tags) && tags != NULL) {
		if (!json_object_is_type(tags, json_type_array))
			return fail(a, root, err, errlen,
			    "tags must be a list");
		n += json_object_array_length(tags);
	}
	if (n > 0)
		a->tags = xcalloc(n, sizeof(*a->tags));
	if (tags != NULL && json_object_is_type(tags, json_type_array)) {
		for (i = 0; i < json_object_array_length(tags); i++) {
			struct json_object *t = json_object_array_get_idx(tags,
			    i);

			if (t == NULL || !json_object_is_type(t,
			    json_type_string))
				return fail(a, root, err, errlen,
				    "tags must be strings");
			a->tags[a->ntags++] =
			    xstrdup(json_object_get_string(t));
		}
	}
	for (i = 0; en != NULL && i < en->ntags; i++) {
		size_t k;
		int dup = 0;

		/* A spooled alert already carries the custom tags. */
		for (k = 0; k < a->ntags; k++)
			if (strcmp(a->tags[k], en->tags[i]) == 0)
				dup = 1;
		if (!dup)
			a->tags[a->ntags++] = xstrdup(en->tags[i]);
	}
	if (a->ntags > 1)
		qsort(a->tags, a->ntags, sizeof(*a->tags), str_cmp);

	format_3339(a, a->time3339, sizeof(a->time3339));
	serialise(a);
	detach(a);
	return a;
}

struct sk_alert *
sk_alert_ref(struct sk_alert *a)
{
	__atomic_add_fetch(&a->refs, 1, __ATOMIC_RELAXED);
	return a;
}

void
sk_alert_unref(struct sk_alert *a)
{
	if (a == NULL)
		return;
	if (__atomic_sub_fetch(&a->refs, 1, __ATOMIC_ACQ_REL) == 0)
		alert_free(a);
}

struct json_object *
sk_alert_field(const struct sk_alert *a, const char *key, int *found)
{
	struct sk_field k, *f;

	k.key = key;
	f = bsearch(&k, a->fields, a->nfields, sizeof(*a->fields), field_cmp);
	if (found != NULL)
		*found = f != NULL;
	return f != NULL ? f->val : NULL;
}
