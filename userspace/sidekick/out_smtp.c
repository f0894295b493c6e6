/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SMTP: one mail per alert through libcurl's SMTP client, with
 * STARTTLS unless tls is false, and PLAIN/LOGIN authentication when a
 * user is set.  The subject is "[Priority] output"; the body is plain
 * text, or plain text and HTML as multipart/alternative (the default).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "sidekick/alert.h"
#include "sidekick/config.h"
#include "sidekick/output.h"
#include "sidekick/outputs.h"
#include "sidekick/prio.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"

#define SMTP_BOUNDARY	"sk-alt-2f8e1c7d"

struct smtp {
	char		*url;
	char		*from;
	char		**to;
	int		 tls;
	int		 html;
	char		*user;
	char		*password;
	long		 timeout_ms;
	CURL		*curl;
};

struct upload {
	const char	*p;
	size_t		 left;
};

static void
smtp_free(void *arg)
{
	struct smtp *s = arg;

	if (s->curl != NULL)
		curl_easy_cleanup(s->curl);
	free(s->url);
	free(s->from);
	sk_conf_strv_free(s->to);
	free(s->user);
	free(s->password);
	free(s);
}

static size_t
feed(char *buf, size_t size, size_t n, void *arg)
{
	struct upload *u = arg;
	size_t k = size * n < u->left ? size * n : u->left;

	memcpy(buf, u->p, k);
	u->p += k;
	u->left -= k;
	return k;
}

static void
html_escape(struct sbuf *sb, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '<':
			sbuf_puts(sb, "&lt;");
			break;
		case '>':
			sbuf_puts(sb, "&gt;");
			break;
		case '&':
			sbuf_puts(sb, "&amp;");
			break;
		case '"':
			sbuf_puts(sb, "&#34;");
			break;
		default:
			sbuf_putc(sb, *s);
		}
	}
}

/* Header values must stay on one line. */
static void
one_line(struct sbuf *sb, const char *s)
{
	for (; *s != '\0'; s++)
		sbuf_putc(sb, *s == '\r' || *s == '\n' ? ' ' : *s);
}

static void
message(const struct smtp *s, const struct sk_alert *a, struct sbuf *sb)
{
	struct sbuf v = SBUF_INIT;
	struct tm tm;
	time_t t = (time_t)a->sec;
	char date[64];
	size_t i;

	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	sbuf_printf(sb, "Subject: [%s] ", sk_prio_name(a->prio));
	one_line(sb, a->output);
	sbuf_puts(sb, "\nFrom: ");
	one_line(sb, s->from);
	sbuf_puts(sb, "\nTo: ");
	for (i = 0; s->to[i] != NULL; i++) {
		if (i > 0)
			sbuf_puts(sb, ", ");
		one_line(sb, s->to[i]);
	}
	sbuf_printf(sb, "\nDate: %s\nMIME-version: 1.0\n", date);
	if (s->html)
		sbuf_puts(sb, "Content-Type: multipart/alternative; "
		    "boundary=" SMTP_BOUNDARY "\n\n--" SMTP_BOUNDARY "\n");
	sbuf_puts(sb, "Content-Type: text/plain; charset=\"UTF-8\"\n\n");
	sbuf_printf(sb, "Priority: %s\nRule: %s\nOutput: %s\nSource: %s\n",
	    sk_prio_name(a->prio), a->rule, a->output, a->source);
	if (a->hostname[0] != '\0')
		sbuf_printf(sb, "Hostname: %s\n", a->hostname);
	if (a->ntags > 0) {
		sbuf_puts(sb, "Tags:");
		for (i = 0; i < a->ntags; i++)
			sbuf_printf(sb, " %s", a->tags[i]);
		sbuf_putc(sb, '\n');
	}
	sk_alert_time_go(&v, a);
	sbuf_printf(sb, "Time: %s\nFields:\n", sbuf_str(&v));
	for (i = 0; i < a->nfields; i++) {
		sbuf_printf(sb, "  %s: ", a->fields[i].key);
		sk_value_str(sb, a->fields[i].val, "<NA>");
		sbuf_putc(sb, '\n');
	}
	if (s->html) {
		sbuf_puts(sb, "\n--" SMTP_BOUNDARY "\nContent-Type: text/html; "
		    "charset=\"UTF-8\"\n\n<html><body>\n<table>\n");
#define ROW(k, val) do {						\
	sbuf_puts(sb, "<tr><th align=\"left\">");			\
	html_escape(sb, (k));						\
	sbuf_puts(sb, "</th><td>");					\
	html_escape(sb, (val));						\
	sbuf_puts(sb, "</td></tr>\n");					\
} while (0)
		ROW("Priority", sk_prio_name(a->prio));
		ROW("Rule", a->rule);
		ROW("Output", a->output);
		ROW("Source", a->source);
		if (a->hostname[0] != '\0')
			ROW("Hostname", a->hostname);
		ROW("Time", sbuf_str(&v));
		for (i = 0; i < a->nfields; i++) {
			sbuf_reset(&v);
			sk_value_str(&v, a->fields[i].val, "<NA>");
			ROW(a->fields[i].key, sbuf_str(&v));
		}
#undef ROW
		sbuf_puts(sb, "</table>\n</body></html>\n--" SMTP_BOUNDARY
		    "--\n");
	}
	sbuf_free(&v);
}

static enum sk_send
smtp_send(void *arg, const struct sk_alert *a, struct sbuf *err)
{
	struct smtp *s = arg;
	struct curl_slist *rcpt = NULL;
	struct sbuf msg = SBUF_INIT;
	char errbuf[CURL_ERROR_SIZE] = "";
	struct upload u;
	CURLcode rc;
	long code = 0;
	size_t i;

	if (s->curl == NULL && (s->curl = curl_easy_init()) == NULL) {
		sbuf_puts(err, "smtp: cannot create a curl handle");
		return SK_SEND_RETRY;
	}
	message(s, a, &msg);
	for (i = 0; s->to[i] != NULL; i++)
		rcpt = curl_slist_append(rcpt, s->to[i]);
	u.p = msg.buf;
	u.left = msg.len;
	curl_easy_reset(s->curl);
	curl_easy_setopt(s->curl, CURLOPT_URL, s->url);
	curl_easy_setopt(s->curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(s->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(s->curl, CURLOPT_TIMEOUT_MS, s->timeout_ms);
	curl_easy_setopt(s->curl, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(s->curl, CURLOPT_MAIL_FROM, s->from);
	curl_easy_setopt(s->curl, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(s->curl, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(s->curl, CURLOPT_READFUNCTION, feed);
	curl_easy_setopt(s->curl, CURLOPT_READDATA, &u);
	/* The message is written with LF; SMTP wants CRLF. */
	curl_easy_setopt(s->curl, CURLOPT_CRLF, 1L);
	if (s->tls)
		curl_easy_setopt(s->curl, CURLOPT_USE_SSL,
		    (long)CURLUSESSL_ALL);
	if (s->user[0] != '\0') {
		curl_easy_setopt(s->curl, CURLOPT_USERNAME, s->user);
		curl_easy_setopt(s->curl, CURLOPT_PASSWORD, s->password);
	}
	rc = curl_easy_perform(s->curl);
	curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(rcpt);
	sbuf_free(&msg);
	if (rc == CURLE_OK)
		return SK_SEND_OK;
	sbuf_printf(err, "smtp %s: %s (reply %ld)", s->url,
	    errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc), code);
	/* 5xx replies are final; connection trouble and 4xx are not. */
	return code >= 500 ? SK_SEND_FAIL : SK_SEND_RETRY;
}

static const struct sk_output_ops smtp_ops = {
	smtp_send, NULL, smtp_free, NULL,
};

int
sk_out_smtp(const struct sk_build *b, struct sk_output ***outs, size_t *n,
    char *err, size_t errlen)
{
	const struct sk_conf *c = b->conf;
	const char *hp = sk_conf_str(c, "smtp.hostport", "");
	const char *fmt, *mech, *from;
	struct smtp *s;
	int prio;

	if (*hp == '\0')
		return 0;
	if (strchr(hp, ':') == NULL) {
		sk_conf_fail(c, "smtp.hostport", err, errlen,
		    "'%s' is not host:port", hp);
		return -1;
	}
	from = sk_conf_str(c, "smtp.from", "");
	if (*from == '\0') {
		snprintf(err, errlen, "smtp.from: a sender is required");
		return -1;
	}
	s = xcalloc(1, sizeof(*s));
	xasprintf(&s->url, "smtp://%s", hp);
	s->from = xstrdup(from);
	if (sk_conf_list(c, "smtp.to", &s->to) == 0) {
		snprintf(err, errlen, "smtp.to: at least one recipient is "
		    "required");
		smtp_free(s);
		return -1;
	}
	fmt = sk_conf_str(c, "smtp.outputformat", "html");
	s->html = strcasecmp(fmt, "text") != 0;
	mech = sk_conf_str(c, "smtp.authmechanism", "plain");
	s->user = xstrdup(strcasecmp(mech, "none") == 0 ? "" :
	    sk_conf_str(c, "smtp.user", ""));
	s->password = xstrdup(sk_conf_str(c, "smtp.password", ""));
	s->timeout_ms = b->delivery->timeout_ms;
	if (sk_conf_bool(c, "smtp.tls", 1, &s->tls, err, errlen) != 0 ||
	    sk_conf_prio(c, "smtp", SK_PRIO_NONE, &prio, err, errlen) != 0) {
		smtp_free(s);
		return -1;
	}
	sk_outputs_add(outs, n, sk_output_new("smtp", &smtp_ops, s, prio,
	    b->delivery));
	return 0;
}
