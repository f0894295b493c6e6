/* SPDX-License-Identifier: Apache-2.0 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sidekick/alert.h"
#include "sidekick/core.h"
#include "sidekick/output.h"
#include "sidekick/prio.h"
#include "util/log.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"

/*
 * Alerts per (rule, priority, source).  Bounded so that a flood of
 * distinct rule names cannot grow memory without limit; beyond the bound
 * alerts are counted under rule="other".
 */
#define RULE_SLOTS	4096
#define RULE_MAX	2048

struct rulecount {
	char		*rule;
	char		*source;
	int		 prio;
	uint64_t	 n;
	struct rulecount *next;
};

struct sk_core {
	struct sk_output	**outs;
	size_t			  nouts;
	const struct sk_enrich	 *enrich;
	uint64_t		  accepted;
	uint64_t		  rejected[SK_REJ_COUNT];
	pthread_mutex_t		  mu;		/* rule counts */
	struct rulecount	 *slots[RULE_SLOTS];
	size_t			  nrules;
};

static const char *const reject_names[SK_REJ_COUNT] = {
	"invalid", "toolarge", "unauthorized", "method",
};

struct sk_core *
sk_core_new(struct sk_output **outs, size_t n, const struct sk_enrich *en)
{
	struct sk_core *c = xcalloc(1, sizeof(*c));

	c->outs = outs;
	c->nouts = n;
	c->enrich = en;
	pthread_mutex_init(&c->mu, NULL);
	return c;
}

void
sk_core_free(struct sk_core *c)
{
	struct rulecount *r, *next;
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < RULE_SLOTS; i++) {
		for (r = c->slots[i]; r != NULL; r = next) {
			next = r->next;
			free(r->rule);
			free(r->source);
			free(r);
		}
	}
	pthread_mutex_destroy(&c->mu);
	free(c);
}

static uint32_t
hash(const char *s, const char *t, int p)
{
	uint32_t h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	for (; *t != '\0'; t++)
		h = (h ^ (unsigned char)*t) * 16777619u;
	return (h ^ (uint32_t)p) * 16777619u;
}

static void
count_rule(struct sk_core *c, const struct sk_alert *a)
{
	const char *rule = a->rule, *src = a->source;
	struct rulecount *r;
	uint32_t h;

	pthread_mutex_lock(&c->mu);
	for (;;) {
		h = hash(rule, src, a->prio) % RULE_SLOTS;
		for (r = c->slots[h]; r != NULL; r = r->next)
			if (r->prio == a->prio && strcmp(r->rule, rule) == 0 &&
			    strcmp(r->source, src) == 0)
				break;
		if (r != NULL || c->nrules < RULE_MAX || strcmp(rule,
		    "other") == 0)
			break;
		rule = "other";
	}
	if (r == NULL) {
		r = xcalloc(1, sizeof(*r));
		r->rule = xstrdup(rule);
		r->source = xstrdup(src);
		r->prio = a->prio;
		r->next = c->slots[h];
		c->slots[h] = r;
		c->nrules++;
	}
	r->n++;
	pthread_mutex_unlock(&c->mu);
}

void
sk_core_reject(struct sk_core *c, enum sk_reject why)
{
	__atomic_add_fetch(&c->rejected[why], 1, __ATOMIC_RELAXED);
}

/*
 * A body may carry several alerts (Falco's program output with
 * keep_alive feeds a stream to "curl -d @-").  All are checked before
 * any is forwarded: one bad alert rejects the request.
 */
#define SUBMIT_MAX	1024

int
sk_core_submit(struct sk_core *c, const char *body, size_t len, char *err,
    size_t errlen)
{
	struct sk_alert *batch[SUBMIT_MAX];
	size_t n = 0, off = 0, used, i, k;

	do {
		if (n == SUBMIT_MAX) {
			snprintf(err, errlen, "more than %d alerts in one "
			    "request", SUBMIT_MAX);
			goto reject;
		}
		batch[n] = sk_alert_parse_next(body + off, len - off, &used,
		    c->enrich, err, errlen);
		if (batch[n] == NULL)
			goto reject;
		n++;
		off += used;
		while (off < len && (body[off] == ' ' || body[off] == '\n' ||
		    body[off] == '\r' || body[off] == '\t'))
			off++;
	} while (off < len);

	for (i = 0; i < n; i++) {
		struct sk_alert *a = batch[i];

		__atomic_add_fetch(&c->accepted, 1, __ATOMIC_RELAXED);
		count_rule(c, a);
		log_debug("alert %s: %s", a->uuid, a->json);
		for (k = 0; k < c->nouts; k++)
			sk_output_offer(c->outs[k], a);
		sk_alert_unref(a);
	}
	return 0;
reject:
	for (i = 0; i < n; i++)
		sk_alert_unref(batch[i]);
	sk_core_reject(c, SK_REJ_INVALID);
	log_debug("rejected request: %s", err);
	return -1;
}

int
sk_core_submit_test(struct sk_core *c)
{
	struct sbuf sb = SBUF_INIT;
	struct tm tm;
	time_t now = time(NULL);
	char ts[32], err[256];
	int rc;

	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	sbuf_printf(&sb, "{\"output\":\"This is a test from falcosidekick\","
	    "\"source\":\"debug\",\"priority\":\"Debug\",\"hostname\":"
	    "\"falcosidekick\",\"rule\":\"Test rule\",\"time\":\"%s\","
	    "\"output_fields\":{\"proc.name\":\"falcosidekick\","
	    "\"user.name\":\"falcosidekick\"},\"tags\":[\"test\","
	    "\"example\"]}", ts);
	rc = sk_core_submit(c, sb.buf, sb.len, err, sizeof(err));
	sbuf_free(&sb);
	return rc;
}

/* Prometheus label values escape backslash, quote and newline. */
static void
label(struct sbuf *sb, const char *s)
{
	sbuf_putc(sb, '"');
	for (; *s != '\0'; s++) {
		if (*s == '\\' || *s == '"')
			sbuf_putc(sb, '\\');
		if (*s == '\n') {
			sbuf_puts(sb, "\\n");
			continue;
		}
		sbuf_putc(sb, *s);
	}
	sbuf_putc(sb, '"');
}

static const char *const stat_names[SK_STAT_COUNT] = {
	"queued", "sent", "failed", "retried", "dropped", "spooled",
};

void
sk_core_metrics(struct sk_core *c, struct sbuf *sb)
{
	struct rulecount *r;
	uint64_t total;
	size_t i;
	int p, s;

	sbuf_puts(sb, "# HELP falcosidekick_inputs_total Requests received, "
	    "by outcome.\n# TYPE falcosidekick_inputs_total counter\n");
	sbuf_printf(sb, "falcosidekick_inputs_total{source=\"requests\","
	    "status=\"accepted\"} %llu\n", (unsigned long long)
	    __atomic_load_n(&c->accepted, __ATOMIC_RELAXED));
	total = 0;
	for (i = 0; i < SK_REJ_COUNT; i++)
		total += __atomic_load_n(&c->rejected[i], __ATOMIC_RELAXED);
	sbuf_printf(sb, "falcosidekick_inputs_total{source=\"requests\","
	    "status=\"rejected\"} %llu\n", (unsigned long long)total);
	sbuf_puts(sb, "# HELP falcosidekick_inputs_rejected_total Rejected "
	    "requests, by reason.\n"
	    "# TYPE falcosidekick_inputs_rejected_total counter\n");
	for (i = 0; i < SK_REJ_COUNT; i++)
		sbuf_printf(sb, "falcosidekick_inputs_rejected_total{reason="
		    "\"%s\"} %llu\n", reject_names[i], (unsigned long long)
		    __atomic_load_n(&c->rejected[i], __ATOMIC_RELAXED));

	sbuf_puts(sb, "# HELP falcosidekick_falco_events_total Alerts "
	    "received, by rule and priority.\n"
	    "# TYPE falcosidekick_falco_events_total counter\n");
	pthread_mutex_lock(&c->mu);
	for (i = 0; i < RULE_SLOTS; i++) {
		for (r = c->slots[i]; r != NULL; r = r->next) {
			sbuf_puts(sb, "falcosidekick_falco_events_total{rule=");
			label(sb, r->rule);
			sbuf_printf(sb, ",priority=\"%d\",priority_raw=\"%s\","
			    "source=", r->prio, sk_prio_lower(r->prio));
			label(sb, r->source);
			sbuf_printf(sb, "} %llu\n", (unsigned long long)r->n);
		}
	}
	pthread_mutex_unlock(&c->mu);

	sbuf_puts(sb, "# HELP falcosidekick_outputs_total Deliveries, by "
	    "destination and status.\n"
	    "# TYPE falcosidekick_outputs_total counter\n");
	for (i = 0; i < c->nouts; i++) {
		uint64_t ok = 0, bad = 0;

		for (p = 0; p < SK_PRIO_COUNT; p++) {
			ok += sk_output_stat(c->outs[i], p, SK_STAT_SENT);
			bad += sk_output_stat(c->outs[i], p, SK_STAT_FAILED);
		}
		sbuf_printf(sb, "falcosidekick_outputs_total{destination="
		    "\"%s\",status=\"ok\"} %llu\n",
		    sk_output_name(c->outs[i]), (unsigned long long)ok);
		sbuf_printf(sb, "falcosidekick_outputs_total{destination="
		    "\"%s\",status=\"error\"} %llu\n",
		    sk_output_name(c->outs[i]), (unsigned long long)bad);
	}
	sbuf_puts(sb, "# HELP falcosidekick_output_alerts_total Alerts per "
	    "destination, priority and delivery step.\n"
	    "# TYPE falcosidekick_output_alerts_total counter\n");
	for (i = 0; i < c->nouts; i++)
		for (p = SK_PRIO_DEBUG; p < SK_PRIO_COUNT; p++)
			for (s = 0; s < SK_STAT_COUNT; s++)
				sbuf_printf(sb, "falcosidekick_output_alerts_"
				    "total{destination=\"%s\",priority=\"%s\","
				    "status=\"%s\"} %llu\n",
				    sk_output_name(c->outs[i]),
				    sk_prio_lower(p), stat_names[s],
				    (unsigned long long)sk_output_stat(
				    c->outs[i], p, (enum sk_stat)s));
	sbuf_puts(sb, "# HELP falcosidekick_output_queue_length Alerts "
	    "waiting, in memory and spooled.\n"
	    "# TYPE falcosidekick_output_queue_length gauge\n");
	for (i = 0; i < c->nouts; i++)
		sbuf_printf(sb, "falcosidekick_output_queue_length{destination="
		    "\"%s\"} %zu\n", sk_output_name(c->outs[i]),
		    sk_output_queued(c->outs[i]));
}
