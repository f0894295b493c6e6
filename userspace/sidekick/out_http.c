/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The HTTP destinations: Slack, Microsoft Teams, PagerDuty (Events API
 * v2), Alertmanager, Loki, Elasticsearch and the generic webhook.  They
 * share one shape: a payload built from the alert, sent with the
 * output's own libcurl handle; only the payload and the URL differ.
 * Payloads follow falcosidekick's, key for key.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <json-c/json.h>

#include "sidekick/alert.h"
#include "sidekick/config.h"
#include "sidekick/httpc.h"
#include "sidekick/output.h"
#include "sidekick/outputs.h"
#include "sidekick/prio.h"
#include "sidekick/tmpl.h"
#include "util/json.h"
#include "util/log.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"

enum kind { K_SLACK, K_TEAMS, K_PAGERDUTY, K_ALERTMANAGER, K_LOKI, K_ES,
	K_WEBHOOK };

enum fmt { FMT_ALL, FMT_TEXT, FMT_FIELDS };

struct httpout {
	enum kind	 kind;
	char		*name;
	struct sk_http	*http;
	char		*url;
	const char	*method;
	const char	*ctype;
	struct sk_kv	*headers;
	size_t		 nheaders;
	char		*userpwd;
	const struct sk_enrich *en;

	/* Slack, Teams */
	enum fmt	 format;
	char		*channel;
	char		*username;
	char		*icon;
	char		*footer;
	struct sk_tmpl	*msg;
	/* PagerDuty */
	char		*routingkey;
	/* Alertmanager */
	long		 expiresafter;
	struct sk_kv	*xlabels;
	size_t		 nxlabels;
	struct sk_kv	*xannots;
	size_t		 nxannots;
	char		*severity[SK_PRIO_COUNT];
	/* Loki */
	char		**lokilabels;
	int		 json;
	/* Elasticsearch */
	char		*hostport;
	char		*index;
	char		*type;
	char		*suffix;
	char		*pipeline;
	int		 flatten;
};

static void
httpout_free(void *arg)
{
	struct httpout *h = arg;
	int i;

	sk_http_free(h->http);
	free(h->name);
	free(h->url);
	sk_conf_kv_free(h->headers, h->nheaders);
	free(h->userpwd);
	free(h->channel);
	free(h->username);
	free(h->icon);
	free(h->footer);
	sk_tmpl_free(h->msg);
	free(h->routingkey);
	sk_conf_kv_free(h->xlabels, h->nxlabels);
	sk_conf_kv_free(h->xannots, h->nxannots);
	for (i = 0; i < SK_PRIO_COUNT; i++)
		free(h->severity[i]);
	sk_conf_strv_free(h->lokilabels);
	free(h->hostport);
	free(h->index);
	free(h->type);
	free(h->suffix);
	free(h->pipeline);
	free(h);
}

/* Small JSON writing helpers. */

static void
jkey(struct sbuf *sb, int *first, const char *key)
{
	if (!*first)
		sbuf_putc(sb, ',');
	*first = 0;
	json_put_str(sb, key);
	sbuf_putc(sb, ':');
}

static void
jstr(struct sbuf *sb, int *first, const char *key, const char *val)
{
	jkey(sb, first, key);
	json_put_str(sb, val);
}

static size_t
runes(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static char *
join_tags(const struct sk_alert *a, const char *sep)
{
	struct sbuf sb = SBUF_INIT;
	size_t i;

	for (i = 0; i < a->ntags; i++) {
		if (i > 0)
			sbuf_puts(&sb, sep);
		sbuf_puts(&sb, a->tags[i]);
	}
	if (sb.buf == NULL)
		return xstrdup("");
	return sbuf_detach(&sb);
}

/* A string map that keeps its keys sorted and unique (Go maps marshal so). */
struct smap {
	struct sk_kv	*kv;
	size_t		 n;
};

static void
smap_set(struct smap *m, const char *key, const char *val)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		if (strcmp(m->kv[i].key, key) == 0) {
			free(m->kv[i].val);
			m->kv[i].val = xstrdup(val);
			return;
		}
	}
	m->kv = xreallocarray(m->kv, m->n + 1, sizeof(*m->kv));
	m->kv[m->n].key = xstrdup(key);
	m->kv[m->n].val = xstrdup(val);
	m->n++;
}

static int
kv_cmp(const void *a, const void *b)
{
	return strcmp(((const struct sk_kv *)a)->key,
	    ((const struct sk_kv *)b)->key);
}

static void
smap_json(struct sbuf *sb, struct smap *m)
{
	size_t i;

	if (m->n > 1)
		qsort(m->kv, m->n, sizeof(*m->kv), kv_cmp);
	sbuf_putc(sb, '{');
	for (i = 0; i < m->n; i++) {
		if (i > 0)
			sbuf_putc(sb, ',');
		json_put_str(sb, m->kv[i].key);
		sbuf_putc(sb, ':');
		json_put_str(sb, m->kv[i].val);
	}
	sbuf_putc(sb, '}');
	sk_conf_kv_free(m->kv, m->n);
	m->kv = NULL;
	m->n = 0;
}

/* Slack: an optional templated text above one coloured attachment. */
static void
slack_payload(struct httpout *h, const struct sk_alert *a, struct sbuf *sb)
{
	struct sbuf v = SBUF_INIT, text = SBUF_INIT;
	char err[256];
	int first = 1, f2;
	size_t i;

	if (h->msg != NULL && sk_tmpl_exec(h->msg, a, &text, err,
	    sizeof(err)) != 0) {
		log_err("%s: cannot expand messageformat: %s", h->name, err);
		sbuf_reset(&text);
	}
	sbuf_putc(sb, '{');
	if (text.len > 0)
		jstr(sb, &first, "text", sbuf_str(&text));
	if (h->username[0] != '\0')
		jstr(sb, &first, "username", h->username);
	if (h->icon[0] != '\0')
		jstr(sb, &first, "icon_url", h->icon);
	if (h->channel[0] != '\0')
		jstr(sb, &first, "channel", h->channel);
	jkey(sb, &first, "attachments");
	sbuf_puts(sb, "[{");
	f2 = 1;
	jstr(sb, &f2, "fallback", a->output);
	jstr(sb, &f2, "color", sk_prio_color(a->prio));
	if (h->format != FMT_FIELDS && a->output[0] != '\0')
		jstr(sb, &f2, "text", a->output);
	jkey(sb, &f2, "fields");
	if (h->format == FMT_TEXT) {
		sbuf_puts(sb, "null");
	} else {
		char *tags;

#define FIELD(t, val, shrt) do {					\
	sbuf_puts(sb, "{\"title\":");					\
	json_put_str(sb, (t));						\
	sbuf_puts(sb, ",\"value\":");					\
	json_put_str(sb, (val));					\
	sbuf_puts(sb, (shrt) ? ",\"short\":true}" : ",\"short\":false}");\
} while (0)
		sbuf_putc(sb, '[');
		FIELD("rule", a->rule, 1);
		sbuf_putc(sb, ',');
		FIELD("priority", sk_prio_name(a->prio), 1);
		sbuf_putc(sb, ',');
		FIELD("source", a->source, 1);
		if (a->hostname[0] != '\0') {
			sbuf_putc(sb, ',');
			FIELD("hostname", a->hostname, 1);
		}
		if (a->ntags > 0) {
			tags = join_tags(a, ", ");
			sbuf_putc(sb, ',');
			FIELD("tags", tags, 1);
			free(tags);
		}
		for (i = 0; i < a->nfields; i++) {
			sbuf_reset(&v);
			sk_value_str(&v, a->fields[i].val, "<NA>");
			sbuf_putc(sb, ',');
			FIELD(a->fields[i].key, sbuf_str(&v),
			    runes(sbuf_str(&v)) < 36);
		}
		sbuf_reset(&v);
		sk_alert_time_go(&v, a);
		sbuf_putc(sb, ',');
		FIELD("time", sbuf_str(&v), 0);
#undef FIELD
		sbuf_putc(sb, ']');
		jstr(sb, &f2, "footer", h->footer);
	}
	sbuf_puts(sb, "}]}");
	sbuf_free(&v);
	sbuf_free(&text);
}

static const char *
teams_color(int prio)
{
	static const char *const c[SK_PRIO_COUNT] = {
		"", "ccfff2", "68c2ff", "5bffb5", "ffff00", "ffc700",
		"ff9000", "ff5400", "e20b0b",
	};

	return prio >= 0 && prio < SK_PRIO_COUNT ? c[prio] : "";
}

/* Teams: a MessageCard with one section of facts. */
static void
teams_payload(struct httpout *h, const struct sk_alert *a, struct sbuf *sb)
{
	struct sbuf v = SBUF_INIT;
	int first = 1, f2 = 1;
	size_t i;

	sbuf_putc(sb, '{');
	jstr(sb, &first, "@type", "MessageCard");
	if (a->output[0] != '\0')
		jstr(sb, &first, "summary", a->output);
	jstr(sb, &first, "themeColor", teams_color(a->prio));
	jkey(sb, &first, "sections");
	sbuf_puts(sb, "[{");
	jstr(sb, &f2, "activityTitle", "Falcosidekick");
	sk_alert_time_go(&v, a);
	jstr(sb, &f2, "activitySubtitle", sbuf_str(&v));
	if (h->icon[0] != '\0')
		jstr(sb, &f2, "activityImage", h->icon);
	jstr(sb, &f2, "text", h->format != FMT_FIELDS ? a->output : "");
	if (h->format != FMT_TEXT) {
#define FACT(n, val) do {						\
	sbuf_puts(sb, "{\"name\":");					\
	json_put_str(sb, (n));						\
	sbuf_puts(sb, ",\"value\":");					\
	json_put_str(sb, (val));					\
	sbuf_putc(sb, '}');						\
} while (0)
		jkey(sb, &f2, "facts");
		sbuf_putc(sb, '[');
		FACT("rule", a->rule);
		sbuf_putc(sb, ',');
		FACT("priority", sk_prio_name(a->prio));
		sbuf_putc(sb, ',');
		FACT("source", a->source);
		if (a->hostname[0] != '\0') {
			sbuf_putc(sb, ',');
			FACT("hostname", a->hostname);
		}
		for (i = 0; i < a->nfields; i++) {
			sbuf_reset(&v);
			sk_value_str(&v, a->fields[i].val, "<NA>");
			sbuf_putc(sb, ',');
			FACT(a->fields[i].key, sbuf_str(&v));
		}
		if (a->ntags > 0) {
			char *tags = join_tags(a, ", ");

			sbuf_putc(sb, ',');
			FACT("tags", tags);
			free(tags);
		}
#undef FACT
		sbuf_putc(sb, ']');
	}
	sbuf_puts(sb, "}]}");
	sbuf_free(&v);
}

static const char *
pagerduty_severity(int prio)
{
	switch (prio) {
	case SK_PRIO_EMERGENCY:
	case SK_PRIO_ALERT:
	case SK_PRIO_CRITICAL:
		return "critical";
	case SK_PRIO_ERROR:
		return "error";
	case SK_PRIO_WARNING:
		return "warning";
	default:
		return "info";
	}
}

/* PagerDuty Events API v2: a trigger whose details are the fields. */
static void
pagerduty_payload(struct httpout *h, const struct sk_alert *a,
    struct sbuf *sb)
{
	struct json_object *hn = NULL;
	int first = 1, f2 = 1, found;
	size_t i;
	char ts[32];

	sbuf_putc(sb, '{');
	jstr(sb, &first, "routing_key", h->routingkey);
	jstr(sb, &first, "event_action", "trigger");
	jkey(sb, &first, "payload");
	sbuf_putc(sb, '{');
	jstr(sb, &f2, "summary", a->output);
	jstr(sb, &f2, "source", "falco");
	jstr(sb, &f2, "severity", pagerduty_severity(a->prio));
	snprintf(ts, sizeof(ts), "%.19sZ", a->time3339);
	jstr(sb, &f2, "timestamp", ts);
	jkey(sb, &f2, "custom_details");
	sbuf_putc(sb, '{');
	/* falcosidekick adds the hostname to the details, in key order. */
	sk_alert_field(a, "hostname", &found);
	if (a->hostname[0] != '\0' && !found)
		hn = json_object_new_string(a->hostname);
	for (i = 0; i < a->nfields; i++) {
		if (hn != NULL && strcmp(a->fields[i].key, "hostname") > 0) {
			sbuf_puts(sb, i > 0 ? ",\"hostname\":" :
			    "\"hostname\":");
			sk_json_value(sb, hn);
			json_object_put(hn);
			hn = NULL;
			sbuf_putc(sb, ',');
		} else if (i > 0)
			sbuf_putc(sb, ',');
		json_put_str(sb, a->fields[i].key);
		sbuf_putc(sb, ':');
		sk_json_value(sb, a->fields[i].val);
	}
	if (hn != NULL) {
		sbuf_puts(sb, ",\"hostname\":");
		sk_json_value(sb, hn);
		json_object_put(hn);
	}
	sbuf_puts(sb, "}}}");
}

/* Alertmanager label names match [a-zA-Z_][a-zA-Z0-9_]*. */
static char *
safe_label(const char *s)
{
	struct sbuf sb = SBUF_INIT;
	char *out, *p, *q;

	for (; *s != '\0'; s++)
		sbuf_putc(&sb, isalnum((unsigned char)*s) || *s == '_' ? *s :
		    '_');
	out = sb.buf != NULL ? sbuf_detach(&sb) : xstrdup("");
	/* Squeeze "__" to "_", then trim '_' at both ends. */
	for (p = q = out; *p != '\0'; p++)
		if (!(*p == '_' && q > out && q[-1] == '_'))
			*q++ = *p;
	*q = '\0';
	while (q > out && q[-1] == '_')
		*--q = '\0';
	p = out;
	while (*p == '_')
		p++;
	memmove(out, p, strlen(p) + 1);
	return out;
}

static const char *const am_default_sev[SK_PRIO_COUNT] = {
	"", "information", "information", "information", "warning",
	"warning", "critical", "critical", "critical",
};

static void
alertmanager_payload(struct httpout *h, const struct sk_alert *a,
    struct sbuf *sb)
{
	struct smap labels = { NULL, 0 }, ann = { NULL, 0 };
	struct sbuf v = SBUF_INIT;
	size_t i;
	char *tags;

	for (i = 0; i < a->nfields; i++) {
		struct json_object *val = a->fields[i].val;
		char *l;

		if (strncmp(a->fields[i].key, "n_evts", 6) == 0 ||
		    val == NULL || (!json_object_is_type(val,
		    json_type_string) && !json_object_is_type(val,
		    json_type_int) && !json_object_is_type(val,
		    json_type_double)))
			continue;
		sbuf_reset(&v);
		sk_value_str(&v, val, "");
		if (strncmp(a->fields[i].key, "n_drop", 6) == 0) {
			smap_set(&labels, a->fields[i].key, sbuf_str(&v));
			continue;
		}
		l = safe_label(a->fields[i].key);
		smap_set(&labels, l, sbuf_str(&v));
		free(l);
	}
	smap_set(&labels, "source", "falco");
	smap_set(&labels, "rule", a->rule);
	smap_set(&labels, "alertname", a->rule);
	smap_set(&labels, "eventsource", a->source);
	if (a->hostname[0] != '\0')
		smap_set(&labels, "hostname", a->hostname);
	if (a->ntags > 0) {
		tags = join_tags(a, ",");
		smap_set(&labels, "tags", tags);
		free(tags);
	}
	smap_set(&labels, "priority", sk_prio_name(a->prio));
	smap_set(&labels, "severity", h->severity[a->prio] != NULL ?
	    h->severity[a->prio] : am_default_sev[a->prio]);
	smap_set(&ann, "info", a->output);
	smap_set(&ann, "description", a->output);
	smap_set(&ann, "summary", a->rule);
	for (i = 0; i < h->nxlabels; i++)
		smap_set(&labels, h->xlabels[i].key, h->xlabels[i].val);
	for (i = 0; i < h->nxannots; i++)
		smap_set(&ann, h->xannots[i].key, h->xannots[i].val);

	sbuf_puts(sb, "[{\"labels\":");
	smap_json(sb, &labels);
	sbuf_puts(sb, ",\"annotations\":");
	smap_json(sb, &ann);
	sbuf_puts(sb, ",\"endsAt\":");
	if (h->expiresafter > 0) {
		struct sk_alert end = *a;
		struct sbuf t = SBUF_INIT;
		struct tm tm;
		time_t s;
		char buf[32];

		end.sec += h->expiresafter;
		s = (time_t)end.sec;
		gmtime_r(&s, &tm);
		strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
		sbuf_puts(&t, buf);
		/* Same fraction as the alert time. */
		sbuf_puts(&t, a->time3339 + 19);
		json_put_str(sb, sbuf_str(&t));
		sbuf_free(&t);
	} else {
		/* Go marshals a zero time.Time despite omitempty. */
		sbuf_puts(sb, "\"0001-01-01T00:00:00Z\"");
	}
	sbuf_puts(sb, "}]");
	sbuf_free(&v);
}

static void
loki_label(struct smap *m, const char *key, const char *val)
{
	struct sbuf k = SBUF_INIT, v = SBUF_INIT;

	for (; *key != '\0'; key++) {
		if (*key == '[' || *key == ']')
			continue;
		sbuf_putc(&k, *key == '.' ? '_' : *key);
	}
	for (; *val != '\0'; val++)
		if (*val != '"')
			sbuf_putc(&v, *val);
	smap_set(m, sbuf_str(&k), sbuf_str(&v));
	sbuf_free(&k);
	sbuf_free(&v);
}

static int
is_string_field(const struct sk_alert *a, const char *key, const char **val)
{
	struct json_object *v = sk_alert_field(a, key, NULL);

	if (v == NULL || !json_object_is_type(v, json_type_string))
		return 0;
	*val = json_object_get_string(v);
	return 1;
}

static void
loki_payload(struct httpout *h, const struct sk_alert *a, struct sbuf *sb)
{
	struct smap s = { NULL, 0 };
	const char *val;
	char *tags, ns[32];
	size_t i;

	smap_set(&s, "rule", a->rule);
	smap_set(&s, "source", a->source);
	smap_set(&s, "priority", sk_prio_name(a->prio));
	if (is_string_field(a, "k8s.ns.name", &val))
		smap_set(&s, "k8s_ns_name", val);
	if (is_string_field(a, "k8s.pod.name", &val))
		smap_set(&s, "k8s_pod_name", val);
	for (i = 0; h->en != NULL && i < h->en->nfields; i++)
		if (is_string_field(a, h->en->fkeys[i], &val))
			loki_label(&s, h->en->fkeys[i], val);
	for (i = 0; h->en != NULL && i < h->en->ntmpl; i++)
		if (is_string_field(a, h->en->tkeys[i], &val))
			loki_label(&s, h->en->tkeys[i], val);
	for (i = 0; h->lokilabels != NULL && h->lokilabels[i] != NULL; i++)
		if (is_string_field(a, h->lokilabels[i], &val))
			loki_label(&s, h->lokilabels[i], val);
	if (a->hostname[0] != '\0')
		smap_set(&s, "hostname", a->hostname);
	if (a->ntags > 0) {
		tags = join_tags(a, ",");
		smap_set(&s, "tags", tags);
		free(tags);
	}
	sbuf_puts(sb, "{\"streams\":[{\"stream\":");
	smap_json(sb, &s);
	snprintf(ns, sizeof(ns), "%lld%09ld", (long long)a->sec, a->nsec);
	sbuf_puts(sb, ",\"values\":[[");
	json_put_str(sb, a->sec > 0 ? ns : "0");
	sbuf_putc(sb, ',');
	json_put_str(sb, h->json ? a->json : a->output);
	sbuf_puts(sb, "]]}]}");
}

static int
field_cmp(const void *x, const void *y)
{
	return strcmp(((const struct sk_field *)x)->key,
	    ((const struct sk_field *)y)->key);
}

static void
es_payload(struct httpout *h, const struct sk_alert *a, struct sbuf *sb)
{
	struct sk_field *f;
	char **keys;
	size_t i;

	if (!h->flatten) {
		/* The forwarded payload plus "@timestamp". */
		sbuf_put(sb, a->json, a->jsonlen - 1);
		sbuf_puts(sb, ",\"@timestamp\":");
		json_put_str(sb, a->time3339);
		sbuf_putc(sb, '}');
		return;
	}
	/* Same document with '.' in field names replaced by '_'. */
	f = xcalloc(a->nfields, sizeof(*f));
	keys = xcalloc(a->nfields, sizeof(*keys));
	for (i = 0; i < a->nfields; i++) {
		char *p;

		keys[i] = xstrdup(a->fields[i].key);
		for (p = keys[i]; *p != '\0'; p++)
			if (*p == '.')
				*p = '_';
		f[i].key = keys[i];
		f[i].val = a->fields[i].val;
	}
	if (a->nfields > 1)
		qsort(f, a->nfields, sizeof(*f), field_cmp);
	sk_alert_json_open(sb, a, f, a->nfields);
	sbuf_puts(sb, ",\"@timestamp\":");
	json_put_str(sb, a->time3339);
	sbuf_putc(sb, '}');
	for (i = 0; i < a->nfields; i++)
		free(keys[i]);
	free(keys);
	free(f);
}

static void
url_escape(struct sbuf *sb, const char *s)
{
	for (; *s != '\0'; s++) {
		if (isalnum((unsigned char)*s) || strchr("-._~", *s) != NULL)
			sbuf_putc(sb, *s);
		else
			sbuf_printf(sb, "%%%02X", (unsigned char)*s);
	}
}

static void
es_url(struct httpout *h, struct sbuf *url)
{
	struct tm tm;
	time_t now = time(NULL);
	char date[16] = "";

	/* The index suffix follows the local date, as falcosidekick's. */
	localtime_r(&now, &tm);
	if (strcasecmp(h->suffix, "none") == 0)
		date[0] = '\0';
	else if (strcasecmp(h->suffix, "monthly") == 0)
		strftime(date, sizeof(date), "-%Y.%m", &tm);
	else if (strcasecmp(h->suffix, "annually") == 0)
		strftime(date, sizeof(date), "-%Y", &tm);
	else
		strftime(date, sizeof(date), "-%Y.%m.%d", &tm);
	sbuf_printf(url, "%s/%s%s/%s", h->hostport, h->index, date, h->type);
	if (h->pipeline[0] != '\0') {
		sbuf_puts(url, "?pipeline=");
		url_escape(url, h->pipeline);
	}
}

/* The request for one alert; body and url are the caller's buffers. */
static void
build(struct httpout *h, const struct sk_alert *a, struct sbuf *body,
    struct sbuf *url, struct sk_http_req *r)
{
	switch (h->kind) {
	case K_SLACK:
		slack_payload(h, a, body);
		break;
	case K_TEAMS:
		teams_payload(h, a, body);
		break;
	case K_PAGERDUTY:
		pagerduty_payload(h, a, body);
		break;
	case K_ALERTMANAGER:
		alertmanager_payload(h, a, body);
		break;
	case K_LOKI:
		loki_payload(h, a, body);
		break;
	case K_ES:
		es_payload(h, a, body);
		es_url(h, url);
		break;
	case K_WEBHOOK:
		sbuf_put(body, a->json, a->jsonlen);
		break;
	}
	memset(r, 0, sizeof(*r));
	r->method = h->method;
	r->url = url->len > 0 ? sbuf_str(url) : h->url;
	r->ctype = h->ctype;
	r->body = sbuf_str(body);
	r->len = body->len;
	r->headers = h->headers;
	r->nheaders = h->nheaders;
	r->userpwd = h->userpwd;
	if (log_get_level() >= LOG_DEBUG)
		log_debug("%s: %s %s: %s", h->name, r->method, r->url,
		    sbuf_str(body));
}

static enum sk_send
httpout_send(void *arg, const struct sk_alert *a, struct sbuf *err)
{
	struct httpout *h = arg;
	struct sbuf body = SBUF_INIT, url = SBUF_INIT;
	struct sk_http_req r;
	enum sk_send rc;
	long status;

	build(h, a, &body, &url, &r);
	rc = sk_http_do(h->http, &r, &status, err);
	sbuf_free(&body);
	sbuf_free(&url);
	return rc;
}

static void
httpout_send_many(void *arg, const struct sk_alert *const *a, size_t n,
    enum sk_send *res, struct sbuf *errs)
{
	struct httpout *h = arg;
	struct sbuf body[SK_OUTPUT_MAX_BATCH], url[SK_OUTPUT_MAX_BATCH];
	struct sk_http_req r[SK_OUTPUT_MAX_BATCH];
	size_t i;

	memset(body, 0, sizeof(body));
	memset(url, 0, sizeof(url));
	memset(r, 0, sizeof(r));
	if (n > SK_OUTPUT_MAX_BATCH)
		n = SK_OUTPUT_MAX_BATCH;
	for (i = 0; i < n; i++)
		build(h, a[i], &body[i], &url[i], &r[i]);
	sk_http_do_many(h->http, r, n, res, errs);
	for (i = 0; i < n; i++) {
		sbuf_free(&body[i]);
		sbuf_free(&url[i]);
	}
}

static const struct sk_output_ops httpout_ops = {
	httpout_send, NULL, httpout_free, httpout_send_many,
};

static struct httpout *
httpout_new(enum kind kind, const char *name)
{
	struct httpout *h = xcalloc(1, sizeof(*h));

	h->kind = kind;
	h->name = xstrdup(name);
	h->method = "POST";
	h->ctype = "application/json; charset=utf-8";
	return h;
}

static char *
conf_dup(const struct sk_conf *c, const char *section, const char *key,
    const char *def)
{
	char path[128];
	const char *v;

	snprintf(path, sizeof(path), "%s.%s", section, key);
	v = sk_conf_str(c, path, def);
	return xstrdup(v != NULL ? v : "");
}

/*
 * Finish an output: TLS options, priority, HTTP client, registration.
 * Frees h on failure.
 */
static int
httpout_finish(const struct sk_build *b, const char *section,
    struct httpout *h, struct sk_output ***outs, size_t *n, char *err,
    size_t errlen)
{
	struct sk_output *o;
	struct sk_tls tls;
	char key[128];
	long conc;
	int prio;

	memset(&tls, 0, sizeof(tls));
	snprintf(key, sizeof(key), "%s.maxconcurrentrequests", section);
	if (sk_conf_prio(b->conf, section, SK_PRIO_NONE, &prio, err,
	    errlen) != 0 || sk_conf_tls(b->conf, section, &tls, err,
	    errlen) != 0 || sk_conf_int(b->conf, key, 1, &conc, err,
	    errlen) != 0) {
		sk_tls_clear(&tls);
		httpout_free(h);
		return -1;
	}
	/* As in falcosidekick, 0 means no limit: ours is the batch size. */
	if (conc == 0 || conc > SK_OUTPUT_MAX_BATCH)
		conc = SK_OUTPUT_MAX_BATCH;
	if (conc < 0) {
		sk_conf_fail(b->conf, key, err, errlen, "must not be negative");
		sk_tls_clear(&tls);
		httpout_free(h);
		return -1;
	}
	h->http = sk_http_new(&tls, b->delivery->timeout_ms, NULL, (int)conc);
	sk_tls_clear(&tls);
	if (h->http == NULL) {
		snprintf(err, errlen, "%s: cannot create an HTTP client",
		    section);
		httpout_free(h);
		return -1;
	}
	o = sk_output_new(h->name, &httpout_ops, h, prio, b->delivery);
	sk_output_set_concurrency(o, (int)conc);
	sk_outputs_add(outs, n, o);
	return 0;
}

static int
parse_format(const struct sk_conf *c, const char *section, const char *alt,
    enum fmt *out, char *err, size_t errlen)
{
	char key[128];
	const char *v;

	snprintf(key, sizeof(key), "%s.outputformat", section);
	v = sk_conf_str(c, key, "all");
	if (*v == '\0' || strcasecmp(v, "all") == 0)
		*out = FMT_ALL;
	else if (strcasecmp(v, "text") == 0)
		*out = FMT_TEXT;
	else if (strcasecmp(v, alt) == 0)
		*out = FMT_FIELDS;
	else {
		sk_conf_fail(c, key, err, errlen, "'%s' is not one of all, "
		    "text, %s", v, alt);
		return -1;
	}
	return 0;
}

#define DEFAULT_ICON	"https://raw.githubusercontent.com/falcosecurity/" \
			"falcosidekick/master/imgs/falcosidekick_color.png"
#define DEFAULT_FOOTER	"https://github.com/falcosecurity/falcosidekick"

int
sk_out_slack(const struct sk_build *b, struct sk_output ***outs, size_t *n,
    char *err, size_t errlen)
{
	const struct sk_conf *c = b->conf;
	const char *url = sk_conf_str(c, "slack.webhookurl", "");
	const char *mf;
	struct httpout *h;

	if (*url == '\0')
		return 0;
	h = httpout_new(K_SLACK, "slack");
	h->url = xstrdup(url);
	h->channel = conf_dup(c, "slack", "channel", "");
	h->username = conf_dup(c, "slack", "username", "Falcosidekick");
	h->icon = conf_dup(c, "slack", "icon", DEFAULT_ICON);
	h->footer = conf_dup(c, "slack", "footer", DEFAULT_FOOTER);
	if (h->footer[0] == '\0') {
		free(h->footer);
		h->footer = xstrdup(DEFAULT_FOOTER);
	}
	if (parse_format(c, "slack", "fields", &h->format, err, errlen) != 0) {
		httpout_free(h);
		return -1;
	}
	mf = sk_conf_str(c, "slack.messageformat", "");
	if (*mf != '\0') {
		char terr[256];

		h->msg = sk_tmpl_parse("slack.messageformat", mf, terr,
		    sizeof(terr));
		if (h->msg == NULL) {
			sk_conf_fail(c, "slack.messageformat", err, errlen,
			    "template error: %s", terr);
			httpout_free(h);
			return -1;
		}
	}
	return httpout_finish(b, "slack", h, outs, n, err, errlen);
}

int
sk_out_teams(const struct sk_build *b, struct sk_output ***outs, size_t *n,
    char *err, size_t errlen)
{
	const struct sk_conf *c = b->conf;
	const char *url = sk_conf_str(c, "teams.webhookurl", "");
	struct httpout *h;

	if (*url == '\0')
		return 0;
	h = httpout_new(K_TEAMS, "teams");
	h->url = xstrdup(url);
	h->icon = conf_dup(c, "teams", "activityimage", DEFAULT_ICON);
	if (parse_format(c, "teams", "facts", &h->format, err, errlen) != 0) {
		httpout_free(h);
		return -1;
	}
	return httpout_finish(b, "teams", h, outs, n, err, errlen);
}

int
sk_out_pagerduty(const struct sk_build *b, struct sk_output ***outs,
    size_t *n, char *err, size_t errlen)
{
	const struct sk_conf *c = b->conf;
	const char *key = sk_conf_str(c, "pagerduty.routingkey", "");
	const char *region, *url;
	struct httpout *h;

	if (*key == '\0')
		return 0;
	region = sk_conf_str(c, "pagerduty.region", "us");
	if (strcasecmp(region, "eu") == 0)
		url = "https://events.eu.pagerduty.com/v2/enqueue";
	else if (*region == '\0' || strcasecmp(region, "us") == 0)
		url = "https://events.pagerduty.com/v2/enqueue";
	else {
		sk_conf_fail(c, "pagerduty.region", err, errlen,
		    "'%s' is not us or eu", region);
		return -1;
	}
	h = httpout_new(K_PAGERDUTY, "pagerduty");
	h->routingkey = xstrdup(key);
	/* Not in falcosidekick: lets the events endpoint be moved. */
	h->url = conf_dup(c, "pagerduty", "apiurl", url);
	if (h->url[0] == '\0') {
		free(h->url);
		h->url = xstrdup(url);
	}
	h->ctype = "application/json";
	return httpout_finish(b, "pagerduty", h, outs, n, err, errlen);
}

/* "k:v" pairs given as a YAML map or as a comma-separated string. */
static size_t
conf_pairs(const struct sk_conf *c, const char *key, struct sk_kv **out)
{
	char **items;
	struct sk_kv *kv = NULL;
	size_t n, i, cnt = 0;

	n = sk_conf_map(c, key, out);
	if (n > 0 || !sk_conf_has(c, key))
		return n;
	sk_conf_list(c, key, &items);
	for (i = 0; items[i] != NULL; i++) {
		char *colon = strchr(items[i], ':');

		kv = xreallocarray(kv, cnt + 1, sizeof(*kv));
		if (colon != NULL) {
			*colon = '\0';
			kv[cnt].val = xstrdup(colon + 1);
		} else
			kv[cnt].val = xstrdup("");
		kv[cnt].key = xstrdup(items[i]);
		cnt++;
	}
	sk_conf_strv_free(items);
	*out = kv;
	return cnt;
}

int
sk_out_alertmanager(const struct sk_build *b, struct sk_output ***outs,
    size_t *n, char *err, size_t errlen)
{
	const struct sk_conf *c = b->conf;
	struct sk_kv *sev;
	char **hosts, name[64];
	const char *endpoint;
	size_t nh, nsev, i, k;
	long exp;

	nh = sk_conf_list(c, "alertmanager.hostport", &hosts);
	if (nh == 0) {
		sk_conf_strv_free(hosts);
		return 0;
	}
	endpoint = sk_conf_str(c, "alertmanager.endpoint", "/api/v2/alerts");
	if (sk_conf_int(c, "alertmanager.expiresafter", 0, &exp, err,
	    errlen) != 0) {
		sk_conf_strv_free(hosts);
		return -1;
	}
	nsev = conf_pairs(c, "alertmanager.customseveritymap", &sev);
	for (i = 0; i < nh; i++) {
		struct httpout *h;

		if (nh == 1)
			snprintf(name, sizeof(name), "alertmanager");
		else
			snprintf(name, sizeof(name), "alertmanager_%zu", i);
		h = httpout_new(K_ALERTMANAGER, name);
		xasprintf(&h->url, "%s%s", hosts[i], endpoint);
		h->expiresafter = exp;
		h->nxlabels = conf_pairs(c, "alertmanager.extralabels",
		    &h->xlabels);
		h->nxannots = conf_pairs(c, "alertmanager.extraannotations",
		    &h->xannots);
		h->nheaders = sk_conf_map(c, "alertmanager.customheaders",
		    &h->headers);
		for (k = 0; k < nsev; k++) {
			int p = sk_prio_parse(sev[k].key);

			if (p <= SK_PRIO_NONE) {
				sk_conf_fail(c, "alertmanager."
				    "customseveritymap", err, errlen,
				    "'%s' is not a priority", sev[k].key);
				httpout_free(h);
				sk_conf_kv_free(sev, nsev);
				sk_conf_strv_free(hosts);
				return -1;
			}
			free(h->severity[p]);
			h->severity[p] = xstrdup(sev[k].val);
		}
		if (httpout_finish(b, "alertmanager", h, outs, n, err,
		    errlen) != 0) {
			sk_conf_kv_free(sev, nsev);
			sk_conf_strv_free(hosts);
			return -1;
		}
	}
	sk_conf_kv_free(sev, nsev);
	sk_conf_strv_free(hosts);
	return 0;
}

int
sk_out_loki(const struct sk_build *b, struct sk_output ***outs, size_t *n,
    char *err, size_t errlen)
{
	const struct sk_conf *c = b->conf;
	const char *hp = sk_conf_str(c, "loki.hostport", "");
	const char *user, *key, *fmt;
	struct httpout *h;
	struct sk_kv extra[1];

	if (*hp == '\0')
		return 0;
	h = httpout_new(K_LOKI, "loki");
	h->en = b->enrich;
	xasprintf(&h->url, "%s%s", hp, sk_conf_str(c, "loki.endpoint",
	    "/loki/api/v1/push"));
	h->ctype = "application/json";
	fmt = sk_conf_str(c, "loki.format", "text");
	h->json = strcasecmp(fmt, "json") == 0;
	sk_conf_list(c, "loki.extralabels", &h->lokilabels);
	user = sk_conf_str(c, "loki.user", "");
	key = sk_conf_str(c, "loki.apikey", "");
	if (*user != '\0' && *key != '\0')
		xasprintf(&h->userpwd, "%s:%s", user, key);
	h->nheaders = sk_conf_map(c, "loki.customheaders", &h->headers);
	if (*sk_conf_str(c, "loki.tenant", "") != '\0') {
		extra[0].key = xstrdup("X-Scope-OrgID");
		extra[0].val = xstrdup(sk_conf_str(c, "loki.tenant", ""));
		h->headers = xreallocarray(h->headers, h->nheaders + 1,
		    sizeof(*h->headers));
		h->headers[h->nheaders++] = extra[0];
	}
	return httpout_finish(b, "loki", h, outs, n, err, errlen);
}

int
sk_out_elasticsearch(const struct sk_build *b, struct sk_output ***outs,
    size_t *n, char *err, size_t errlen)
{
	const struct sk_conf *c = b->conf;
	const char *hp = sk_conf_str(c, "elasticsearch.hostport", "");
	const char *user, *pass, *apikey;
	struct httpout *h;
	int flat, tmpl;

	if (*hp == '\0')
		return 0;
	h = httpout_new(K_ES, "elasticsearch");
	h->hostport = xstrdup(hp);
	h->index = conf_dup(c, "elasticsearch", "index", "falco");
	h->type = conf_dup(c, "elasticsearch", "type", "_doc");
	h->suffix = conf_dup(c, "elasticsearch", "suffix", "daily");
	h->pipeline = conf_dup(c, "elasticsearch", "pipeline", "");
	if (sk_conf_bool(c, "elasticsearch.flattenfields", 0, &flat, err,
	    errlen) != 0 || sk_conf_bool(c,
	    "elasticsearch.createindextemplate", 0, &tmpl, err,
	    errlen) != 0) {
		httpout_free(h);
		return -1;
	}
	h->flatten = flat || tmpl;
	user = sk_conf_str(c, "elasticsearch.username", "");
	pass = sk_conf_str(c, "elasticsearch.password", "");
	if (*user != '\0' && *pass != '\0')
		xasprintf(&h->userpwd, "%s:%s", user, pass);
	h->nheaders = sk_conf_map(c, "elasticsearch.customheaders",
	    &h->headers);
	apikey = sk_conf_str(c, "elasticsearch.apikey", "");
	if (*apikey != '\0') {
		h->headers = xreallocarray(h->headers, h->nheaders + 1,
		    sizeof(*h->headers));
		h->headers[h->nheaders].key = xstrdup("Authorization");
		xasprintf(&h->headers[h->nheaders].val, "APIKey %s", apikey);
		h->nheaders++;
	}
	return httpout_finish(b, "elasticsearch", h, outs, n, err, errlen);
}

int
sk_out_webhook(const struct sk_build *b, struct sk_output ***outs,
    size_t *n, char *err, size_t errlen)
{
	const struct sk_conf *c = b->conf;
	const char *addr = sk_conf_str(c, "webhook.address", "");
	const char *method;
	struct httpout *h;

	if (*addr == '\0')
		return 0;
	method = sk_conf_str(c, "webhook.method", "POST");
	if (*method != '\0' && strcasecmp(method, "POST") != 0 &&
	    strcasecmp(method, "PUT") != 0) {
		sk_conf_fail(c, "webhook.method", err, errlen,
		    "'%s' is not POST or PUT", method);
		return -1;
	}
	h = httpout_new(K_WEBHOOK, "webhook");
	h->url = xstrdup(addr);
	h->method = strcasecmp(method, "PUT") == 0 ? "PUT" : "POST";
	h->nheaders = sk_conf_map(c, "webhook.customheaders", &h->headers);
	return httpout_finish(b, "webhook", h, outs, n, err, errlen);
}
