/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Alert records, their builder, and rendering to Falco's text line and
 * JSON object.  The JSON encoder is ours: it must turn any bytes into
 * valid JSON and UTF-8 (rule outputs carry file names and command lines
 * chosen by whoever is being watched), and match Falco's member order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "outputs/outputs.h"
#include "util/json.h"
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

/* The slot for name, emptied and given type t. */
static struct alert_field *
field_typed(struct alert *a, const char *name, enum alert_vtype t)
{
	struct alert_field *f = field_slot(a, name);

	f->type = t;
	return f;
}

void
alert_field_null(struct alert *a, const char *name)
{
	field_typed(a, name, AV_NULL);
}

void
alert_field_strn(struct alert *a, const char *name, const char *s,
    size_t len)
{
	struct alert_field *f = field_typed(a, name, AV_STR);

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
	field_typed(a, name, AV_INT)->v.i = v;
}

void
alert_field_uint(struct alert *a, const char *name, uint64_t v)
{
	field_typed(a, name, AV_UINT)->v.u = v;
}

void
alert_field_double(struct alert *a, const char *name, double v)
{
	field_typed(a, name, AV_DOUBLE)->v.d = v;
}

void
alert_field_bool(struct alert *a, const char *name, int v)
{
	field_typed(a, name, AV_BOOL)->v.b = v != 0;
}

void
alert_format_defaults(struct alert_format *f)
{
	memset(f, 0, sizeof(*f));
	f->include_output = 1;
	f->include_tags = 1;
	f->include_output_fields = 1;
}

static void
json_put_value(struct sbuf *out, const struct alert_field *f)
{
	switch (f->type) {
	case AV_NULL:
		json_put_null(out);
		break;
	case AV_STR:
		json_put_strn(out, f->v.s.p, f->v.s.len);
		break;
	case AV_INT:
		json_put_int(out, f->v.i);
		break;
	case AV_UINT:
		json_put_uint(out, f->v.u);
		break;
	case AV_DOUBLE:
		json_put_double(out, f->v.d);
		break;
	case AV_BOOL:
		json_put_bool(out, f->v.b);
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

/* "HH:MM:SS.nnnnnnnnn" at p, from tm and the ns part of ns; the end. */
static char *
put_clock(char *p, const struct tm *tm, uint64_t ns)
{
	p = digits(p, (unsigned)tm->tm_hour, 2);
	*p++ = ':';
	p = digits(p, (unsigned)tm->tm_min, 2);
	*p++ = ':';
	p = digits(p, (unsigned)tm->tm_sec, 2);
	*p++ = '.';
	return digits(p, (unsigned)(ns % 1000000000ULL), 9);
}

/* Local "HH:MM:SS.nnnnnnnnn". */
static void
put_local_time(struct sbuf *out, uint64_t ns)
{
	time_t sec = (time_t)(ns / 1000000000ULL);
	struct tm tm;
	char buf[32], *p;

	localtime_r(&sec, &tm);
	p = put_clock(buf, &tm, ns);
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
	p = put_clock(p, &tm, ns);
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

/* ,"output_fields":{...}: the fields in name order, `extra` merged in. */
static void
put_output_fields(struct sbuf *out, const struct alert *a,
    const struct alert_field *extra)
{
	const struct alert_field **fv;
	size_t i, n;

	fv = sorted_fields(a, extra, &n);
	sbuf_puts(out, ",\"output_fields\":{");
	for (i = 0; i < n; i++) {
		if (i > 0)
			sbuf_putc(out, ',');
		json_put_key(out, fv[i]->name);
		json_put_value(out, fv[i]);
	}
	sbuf_putc(out, '}');
	free(fv);
}

/* ,"priority":...,"rule":...,"source":... */
static void
put_rule_members(struct sbuf *out, const struct alert *a, const char *prio)
{
	sbuf_puts(out, ",\"priority\":");
	json_put_str(out, prio);
	sbuf_puts(out, ",\"rule\":");
	json_put_str(out, a->rule);
	sbuf_puts(out, ",\"source\":");
	json_put_str(out, a->source);
}

/* ,"time":"..."}: the last member and the end of the object. */
static void
put_time_member(struct sbuf *out, const struct alert *a)
{
	sbuf_puts(out, ",\"time\":\"");
	put_utc_time(out, a->time_ns, "Z");
	sbuf_puts(out, "\"}");
}

static void
render_internal(const struct alert *a, const struct alert_format *f,
    const char *host, const char *prio, struct sbuf *out)
{
	const struct alert_field **fv;
	size_t i, n;

	if (f->json) {
		sbuf_puts(out, "{\"hostname\":");
		json_put_str(out, host);
		sbuf_puts(out, ",\"output\":");
		json_put_str(out, a->output);
		put_output_fields(out, a, NULL);
		put_rule_members(out, a, prio);
		put_time_member(out, a);
		return;
	}
	/* Falco ignores time_format_iso_8601 here. */
	put_local_time(out, a->time_ns);
	sbuf_printf(out, ": %s ", prio);
	json_put_escaped(out, a->output, strlen(a->output));
	sbuf_puts(out, " (");
	fv = sorted_fields(a, NULL, &n);
	for (i = 0; i < n; i++) {
		if (i > 0)
			sbuf_putc(out, ' ');
		json_put_escaped(out, fv[i]->name, strlen(fv[i]->name));
		sbuf_putc(out, '=');
		json_put_value(out, fv[i]);
	}
	sbuf_putc(out, ')');
	free(fv);
}

void
alert_render(const struct alert *a, const struct alert_format *f,
    struct sbuf *out)
{
	struct alert_field tf;
	struct sbuf line = SBUF_INIT, iso = SBUF_INIT;
	const char *host, *prio;
	char **tags;
	size_t i;

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
		json_put_escaped(out, line.buf, line.len);
		goto done;
	}

	sbuf_puts(out, "{\"hostname\":");
	json_put_str(out, host);
	if (f->include_message) {
		sbuf_puts(out, ",\"message\":");
		json_put_str(out, a->output);
	}
	if (f->include_output) {
		sbuf_puts(out, ",\"output\":");
		json_put_strn(out, line.buf, line.len);
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
		put_output_fields(out, a, &tf);
	}
	put_rule_members(out, a, prio);
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
			json_put_str(out, tags[i]);
		}
		sbuf_putc(out, ']');
		free(tags);
	}
	put_time_member(out, a);
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
