/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Alert records, their builder, and rendering to Falco's text line and
 * JSON object.  The JSON encoder is ours: it must turn any bytes into
 * valid JSON and UTF-8 (rule outputs carry file names and command lines
 * chosen by whoever is being watched), and match Falco's member order.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "outputs/outputs.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"

static const char *const prio_names[] = {
	"Emergency", "Alert", "Critical", "Error", "Warning", "Notice",
	"Informational", "Debug",
};

const char *
alert_priority_name(int priority)
{
	if (priority < 0 || priority > ALERT_DEBUG)
		return NULL;
	return prio_names[priority];
}

int
alert_priority_parse(const char *name)
{
	int i;

	for (i = 0; i <= ALERT_DEBUG; i++)
		if (strcasecmp(name, prio_names[i]) == 0)
			return i;
	if (strcasecmp(name, "info") == 0)
		return ALERT_INFORMATIONAL;
	return -1;
}

struct alert *
alert_new(uint64_t time_ns, int priority, const char *rule,
    const char *source)
{
	struct alert *a = xcalloc(1, sizeof(*a));

	a->time_ns = time_ns;
	a->priority = priority;
	a->rule = xstrdup(rule != NULL ? rule : "");
	a->source = xstrdup(source != NULL ? source : "syscall");
	a->output = xstrdup("");
	return a;
}

struct alert *
alert_new_internal(uint64_t time_ns, int priority, const char *rule,
    const char *msg)
{
	struct alert *a;

	a = alert_new(time_ns, priority, rule, ALERT_SOURCE_INTERNAL);
	alert_set_output(a, msg);
	return a;
}

static void
field_clear(struct alert_field *f)
{
	if (f->type == AV_STR)
		free(f->v.s.p);
	f->type = AV_NULL;
}

void
alert_free(struct alert *a)
{
	size_t i;

	if (a == NULL)
		return;
	for (i = 0; i < a->ntags; i++)
		free(a->tags[i]);
	for (i = 0; i < a->nfields; i++) {
		field_clear(&a->fields[i]);
		free(a->fields[i].name);
	}
	free(a->tags);
	free(a->fields);
	free(a->rule);
	free(a->source);
	free(a->hostname);
	free(a->output);
	free(a);
}

void
alert_set_output(struct alert *a, const char *output)
{
	free(a->output);
	a->output = xstrdup(output != NULL ? output : "");
}

void
alert_set_hostname(struct alert *a, const char *hostname)
{
	free(a->hostname);
	a->hostname = hostname != NULL ? xstrdup(hostname) : NULL;
}

void
alert_add_tag(struct alert *a, const char *tag)
{
	a->tags = xreallocarray(a->tags, a->ntags + 1, sizeof(*a->tags));
	a->tags[a->ntags++] = xstrdup(tag);
}

const struct alert_field *
alert_field_find(const struct alert *a, const char *name)
{
	size_t i;

	for (i = 0; i < a->nfields; i++)
		if (strcmp(a->fields[i].name, name) == 0)
			return &a->fields[i];
	return NULL;
}

/* The slot for name, emptied, appended if new. */
static struct alert_field *
field_slot(struct alert *a, const char *name)
{
	struct alert_field *f;
	size_t i;

	for (i = 0; i < a->nfields; i++) {
		if (strcmp(a->fields[i].name, name) == 0) {
			field_clear(&a->fields[i]);
			return &a->fields[i];
		}
	}
	if (a->nfields == a->capfields) {
		a->capfields = a->capfields ? a->capfields * 2 : 8;
		a->fields = xreallocarray(a->fields, a->capfields,
		    sizeof(*a->fields));
	}
	f = &a->fields[a->nfields++];
	memset(f, 0, sizeof(*f));
	f->name = xstrdup(name);
	return f;
}

void
alert_field_null(struct alert *a, const char *name)
{
	field_slot(a, name)->type = AV_NULL;
}

void
alert_field_strn(struct alert *a, const char *name, const char *s,
    size_t len)
{
	struct alert_field *f = field_slot(a, name);

	f->type = AV_STR;
	f->v.s.p = xmalloc(len + 1);
	memcpy(f->v.s.p, s, len);
	f->v.s.p[len] = '\0';
	f->v.s.len = len;
}

void
alert_field_str(struct alert *a, const char *name, const char *s)
{
	if (s == NULL)
		alert_field_null(a, name);
	else
		alert_field_strn(a, name, s, strlen(s));
}

void
alert_field_int(struct alert *a, const char *name, int64_t v)
{
	struct alert_field *f = field_slot(a, name);

	f->type = AV_INT;
	f->v.i = v;
}

void
alert_field_uint(struct alert *a, const char *name, uint64_t v)
{
	struct alert_field *f = field_slot(a, name);

	f->type = AV_UINT;
	f->v.u = v;
}

void
alert_field_double(struct alert *a, const char *name, double v)
{
	struct alert_field *f = field_slot(a, name);

	f->type = AV_DOUBLE;
	f->v.d = v;
}

void
alert_field_bool(struct alert *a, const char *name, int v)
{
	struct alert_field *f = field_slot(a, name);

	f->type = AV_BOOL;
	f->v.b = v != 0;
}

void
alert_format_defaults(struct alert_format *f)
{
	memset(f, 0, sizeof(*f));
	f->include_output = 1;
	f->include_tags = 1;
	f->include_output_fields = 1;
}

/*
 * Length of the well-formed UTF-8 sequence at p (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or 0.
 */
static size_t
utf8_len(const unsigned char *p, size_t n)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (n < len)
		return 0;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

/* The body of a JSON string: escapes, and U+FFFD for invalid bytes. */
static void
json_put_body(struct sbuf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0, l;
	char esc[7];

	sbuf_reserve(out, len + 2);
	while (i < len) {
		unsigned char c = p[i];

		if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
			run++;
			i++;
			continue;
		}
		if (run > 0) {
			sbuf_put(out, p + i - run, run);
			run = 0;
		}
		if (c >= 0x80) {
			if ((l = utf8_len(p + i, len - i)) == 0) {
				sbuf_put(out, "\xef\xbf\xbd", 3);
				i++;
			} else {
				sbuf_put(out, p + i, l);
				i += l;
			}
			continue;
		}
		switch (c) {
		case '"':
			sbuf_put(out, "\\\"", 2);
			break;
		case '\\':
			sbuf_put(out, "\\\\", 2);
			break;
		case '\b':
			sbuf_put(out, "\\b", 2);
			break;
		case '\f':
			sbuf_put(out, "\\f", 2);
			break;
		case '\n':
			sbuf_put(out, "\\n", 2);
			break;
		case '\r':
			sbuf_put(out, "\\r", 2);
			break;
		case '\t':
			sbuf_put(out, "\\t", 2);
			break;
		default:
			esc[0] = '\\';
			esc[1] = 'u';
			esc[2] = '0';
			esc[3] = '0';
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 0xf];
			sbuf_put(out, esc, 6);
			break;
		}
		i++;
	}
	if (run > 0)
		sbuf_put(out, p + i - run, run);
}

void
json_put_string(struct sbuf *out, const char *s, size_t len)
{
	sbuf_putc(out, '"');
	json_put_body(out, s, len);
	sbuf_putc(out, '"');
}

static void
json_put_cstr(struct sbuf *out, const char *s)
{
	json_put_string(out, s, strlen(s));
}

/* The shortest %g text that reads back as the same double. */
static void
json_put_double(struct sbuf *out, double d)
{
	char buf[40];
	int prec;

	if (!isfinite(d)) {
		sbuf_puts(out, "null");
		return;
	}
	for (prec = 1; prec <= 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	sbuf_puts(out, buf);
	if (strpbrk(buf, ".eE") == NULL)
		sbuf_puts(out, ".0");
}

static void
json_put_value(struct sbuf *out, const struct alert_field *f)
{
	switch (f->type) {
	case AV_NULL:
		sbuf_puts(out, "null");
		break;
	case AV_STR:
		json_put_string(out, f->v.s.p, f->v.s.len);
		break;
	case AV_INT:
		sbuf_printf(out, "%lld", (long long)f->v.i);
		break;
	case AV_UINT:
		sbuf_printf(out, "%llu", (unsigned long long)f->v.u);
		break;
	case AV_DOUBLE:
		json_put_double(out, f->v.d);
		break;
	case AV_BOOL:
		sbuf_puts(out, f->v.b ? "true" : "false");
		break;
	}
}

/*
 * Zero-padded decimal digits, without printf: times are rendered twice
 * per JSON alert, on the event thread.
 */
static char *
digits(char *p, unsigned v, int width)
{
	int i;

	for (i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + width;
}

/* Local "HH:MM:SS.nnnnnnnnn". */
static void
put_local_time(struct sbuf *out, uint64_t ns)
{
	time_t sec = (time_t)(ns / 1000000000ULL);
	struct tm tm;
	char buf[32], *p = buf;

	localtime_r(&sec, &tm);
	p = digits(p, (unsigned)tm.tm_hour, 2);
	*p++ = ':';
	p = digits(p, (unsigned)tm.tm_min, 2);
	*p++ = ':';
	p = digits(p, (unsigned)tm.tm_sec, 2);
	*p++ = '.';
	p = digits(p, (unsigned)(ns % 1000000000ULL), 9);
	sbuf_put(out, buf, (size_t)(p - buf));
}

/* UTC "YYYY-MM-DDTHH:MM:SS.nnnnnnnnn" followed by `zone`. */
static void
put_utc_time(struct sbuf *out, uint64_t ns, const char *zone)
{
	time_t sec = (time_t)(ns / 1000000000ULL);
	struct tm tm;
	char buf[48], *p = buf;

	gmtime_r(&sec, &tm);
	p = digits(p, (unsigned)(tm.tm_year + 1900), 4);
	*p++ = '-';
	p = digits(p, (unsigned)(tm.tm_mon + 1), 2);
	*p++ = '-';
	p = digits(p, (unsigned)tm.tm_mday, 2);
	*p++ = 'T';
	p = digits(p, (unsigned)tm.tm_hour, 2);
	*p++ = ':';
	p = digits(p, (unsigned)tm.tm_min, 2);
	*p++ = ':';
	p = digits(p, (unsigned)tm.tm_sec, 2);
	*p++ = '.';
	p = digits(p, (unsigned)(ns % 1000000000ULL), 9);
	sbuf_put(out, buf, (size_t)(p - buf));
	sbuf_puts(out, zone);
}

static int
cmp_field_ptr(const void *a, const void *b)
{
	const struct alert_field *fa = *(const struct alert_field *const *)a;
	const struct alert_field *fb = *(const struct alert_field *const *)b;

	return strcmp(fa->name, fb->name);
}

static int
cmp_str_ptr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The fields sorted by name, as Falco's JSON objects are; `extra` (the
 * time prefix field) replaces a field of the same name.  Returns a
 * malloc'd array and its length.
 */
static const struct alert_field **
sorted_fields(const struct alert *a, const struct alert_field *extra,
    size_t *np)
{
	const struct alert_field **v;
	size_t i, n = 0;

	v = xcalloc(a->nfields + 1, sizeof(*v));
	for (i = 0; i < a->nfields; i++)
		if (extra == NULL || strcmp(a->fields[i].name,
		    extra->name) != 0)
			v[n++] = &a->fields[i];
	if (extra != NULL)
		v[n++] = extra;
	qsort(v, n, sizeof(*v), cmp_field_ptr);
	*np = n;
	return v;
}

static void
render_internal(const struct alert *a, const struct alert_format *f,
    const char *host, const char *prio, struct sbuf *out)
{
	const struct alert_field **fv;
	size_t i, n;

	fv = sorted_fields(a, NULL, &n);
	if (f->json) {
		sbuf_puts(out, "{\"hostname\":");
		json_put_cstr(out, host);
		sbuf_puts(out, ",\"output\":");
		json_put_cstr(out, a->output);
		sbuf_puts(out, ",\"output_fields\":{");
		for (i = 0; i < n; i++) {
			if (i > 0)
				sbuf_putc(out, ',');
			json_put_cstr(out, fv[i]->name);
			sbuf_putc(out, ':');
			json_put_value(out, fv[i]);
		}
		sbuf_puts(out, "},\"priority\":");
		json_put_cstr(out, prio);
		sbuf_puts(out, ",\"rule\":");
		json_put_cstr(out, a->rule);
		sbuf_puts(out, ",\"source\":");
		json_put_cstr(out, a->source);
		sbuf_puts(out, ",\"time\":\"");
		put_utc_time(out, a->time_ns, "Z");
		sbuf_puts(out, "\"}");
	} else {
		struct sbuf raw = SBUF_INIT;

		/* Falco ignores time_format_iso_8601 here. */
		put_local_time(out, a->time_ns);
		sbuf_printf(out, ": %s ", prio);
		json_put_body(out, a->output, strlen(a->output));
		sbuf_puts(out, " (");
		for (i = 0; i < n; i++) {
			if (i > 0)
				sbuf_putc(out, ' ');
			json_put_body(out, fv[i]->name, strlen(fv[i]->name));
			sbuf_putc(out, '=');
			json_put_value(&raw, fv[i]);
			sbuf_put(out, raw.buf, raw.len);
			sbuf_reset(&raw);
		}
		sbuf_putc(out, ')');
		sbuf_free(&raw);
	}
	free(fv);
}

void
alert_render(const struct alert *a, const struct alert_format *f,
    struct sbuf *out)
{
	const struct alert_field **fv;
	struct alert_field tf;
	struct sbuf line = SBUF_INIT, iso = SBUF_INIT;
	const char *host, *prio;
	char **tags;
	size_t i, n;

	host = a->hostname != NULL ? a->hostname :
	    f->hostname != NULL ? f->hostname : "";
	/* An out-of-range priority renders as the least severe. */
	prio = alert_priority_name(a->priority);
	if (prio == NULL)
		prio = "Debug";
	if (strcmp(a->source, ALERT_SOURCE_INTERNAL) == 0) {
		render_internal(a, f, host, prio, out);
		return;
	}

	/* The classic line: "<time>: <Priority> <output>". */
	if (f->time_iso8601) {
		put_utc_time(&iso, a->time_ns, "+0000");
		sbuf_put(&line, iso.buf, iso.len);
	} else
		put_local_time(&line, a->time_ns);
	sbuf_put(&line, ": ", 2);
	sbuf_puts(&line, prio);
	sbuf_putc(&line, ' ');
	sbuf_puts(&line, a->output);

	if (!f->json) {
		json_put_body(out, line.buf, line.len);
		goto done;
	}

	sbuf_puts(out, "{\"hostname\":");
	json_put_cstr(out, host);
	if (f->include_message) {
		sbuf_puts(out, ",\"message\":");
		json_put_cstr(out, a->output);
	}
	if (f->include_output) {
		sbuf_puts(out, ",\"output\":");
		json_put_string(out, line.buf, line.len);
	}
	if (f->include_output_fields) {
		memset(&tf, 0, sizeof(tf));
		if (f->time_iso8601) {
			tf.name = "evt.time.iso8601";
			tf.type = AV_STR;
			tf.v.s.p = iso.buf;
			tf.v.s.len = iso.len;
		} else {
			tf.name = "evt.time";
			tf.type = AV_UINT;
			tf.v.u = a->time_ns;
		}
		fv = sorted_fields(a, &tf, &n);
		sbuf_puts(out, ",\"output_fields\":{");
		for (i = 0; i < n; i++) {
			if (i > 0)
				sbuf_putc(out, ',');
			json_put_cstr(out, fv[i]->name);
			sbuf_putc(out, ':');
			json_put_value(out, fv[i]);
		}
		sbuf_putc(out, '}');
		free(fv);
	}
	sbuf_puts(out, ",\"priority\":");
	json_put_cstr(out, prio);
	sbuf_puts(out, ",\"rule\":");
	json_put_cstr(out, a->rule);
	sbuf_puts(out, ",\"source\":");
	json_put_cstr(out, a->source);
	if (f->include_tags) {
		/* Falco keeps tags in a set: sorted, without repeats. */
		tags = xcalloc(a->ntags + 1, sizeof(*tags));
		if (a->ntags > 0)
			memcpy(tags, a->tags, a->ntags * sizeof(*tags));
		qsort(tags, a->ntags, sizeof(*tags), cmp_str_ptr);
		sbuf_puts(out, ",\"tags\":[");
		for (i = 0; i < a->ntags; i++) {
			if (i > 0 && strcmp(tags[i], tags[i - 1]) == 0)
				continue;
			if (i > 0)
				sbuf_putc(out, ',');
			json_put_cstr(out, tags[i]);
		}
		sbuf_putc(out, ']');
		free(tags);
	}
	sbuf_puts(out, ",\"time\":\"");
	put_utc_time(out, a->time_ns, "Z");
	sbuf_puts(out, "\"}");
done:
	sbuf_free(&line);
	sbuf_free(&iso);
}

void
outputs_hostname(char *buf, size_t len)
{
	const char *env = getenv("FALCO_HOSTNAME");

	if (len == 0)
		return;
	if (env != NULL && env[0] != '\0') {
		snprintf(buf, len, "%s", env);
		return;
	}
	if (gethostname(buf, len) != 0)
		snprintf(buf, len, "%s", "unknown");
	buf[len - 1] = '\0';
}
