/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "sidekick/config.h"
#include "sidekick/httpc.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"

struct sk_http {
	CURL		*curl;
	struct sk_tls	 tls;
	long		 timeout_ms;
	char		*unix_path;
	/* For several requests in flight; NULL when concurrency is 1. */
	CURLM		*multi;
	CURL		*many[SK_HTTP_MAX_BATCH];
};

void
sk_http_global_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

void
sk_tls_clear(struct sk_tls *t)
{
	free(t->certfile);
	free(t->keyfile);
	free(t->cacertfile);
	t->certfile = t->keyfile = t->cacertfile = NULL;
}

static char *
dup_or_null(const char *s)
{
	return s != NULL && *s != '\0' ? xstrdup(s) : NULL;
}

struct sk_http *
sk_http_new(const struct sk_tls *tls, long timeout_ms, const char *unix_path,
    int concurrency)
{
	struct sk_http *h = xcalloc(1, sizeof(*h));

	h->curl = curl_easy_init();
	if (h->curl == NULL) {
		free(h);
		return NULL;
	}
	h->tls.checkcert = 1;
	if (tls != NULL) {
		h->tls.checkcert = tls->checkcert;
		h->tls.mutualtls = tls->mutualtls;
		h->tls.certfile = dup_or_null(tls->certfile);
		h->tls.keyfile = dup_or_null(tls->keyfile);
		h->tls.cacertfile = dup_or_null(tls->cacertfile);
	}
	h->timeout_ms = timeout_ms > 0 ? timeout_ms : 10000;
	h->unix_path = dup_or_null(unix_path);
	if (concurrency > 1) {
		h->multi = curl_multi_init();
		if (h->multi != NULL) {
			/* One connection per request in flight, kept open. */
			curl_multi_setopt(h->multi,
			    CURLMOPT_MAX_HOST_CONNECTIONS, (long)concurrency);
			curl_multi_setopt(h->multi, CURLMOPT_MAXCONNECTS,
			    (long)concurrency);
		}
	}
	return h;
}

void
sk_http_free(struct sk_http *h)
{
	size_t i;

	if (h == NULL)
		return;

	curl_easy_cleanup(h->curl);
	for (i = 0; i < SK_HTTP_MAX_BATCH; i++)
		if (h->many[i] != NULL)
			curl_easy_cleanup(h->many[i]);
	if (h->multi != NULL)
		curl_multi_cleanup(h->multi);
	sk_tls_clear(&h->tls);
	free(h->unix_path);
	free(h);
}

static size_t
sink(char *data, size_t size, size_t n, void *arg)
{
	struct sbuf *sb = arg;

	if (sb != NULL)
		sbuf_put(sb, data, size * n);
	return size * n;
}

/*
 * Set up handle c for request r.  *hdrs receives the header list, which
 * must outlive the transfer; errbuf (CURL_ERROR_SIZE) likewise.
 */
static void
prepare(struct sk_http *h, CURL *c, const struct sk_http_req *r,
    struct curl_slist **hdrs, char *errbuf)
{
	struct sbuf line = SBUF_INIT;
	size_t i;

	*hdrs = NULL;
	errbuf[0] = '\0';
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, r->url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, h->timeout_ms);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, h->timeout_ms);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "Falcosidekick");
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r->resp);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, h->tls.checkcert ? 1L : 0L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, h->tls.checkcert ? 2L : 0L);
	if (h->tls.cacertfile != NULL)
		curl_easy_setopt(c, CURLOPT_CAINFO, h->tls.cacertfile);
	if (h->tls.mutualtls) {
		curl_easy_setopt(c, CURLOPT_SSLCERT, h->tls.certfile);
		curl_easy_setopt(c, CURLOPT_SSLKEY, h->tls.keyfile);
		/* Mutual TLS always checks the server certificate. */
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	}
	if (h->unix_path != NULL)
		curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, h->unix_path);
	if (r->userpwd != NULL) {
		curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
		curl_easy_setopt(c, CURLOPT_USERPWD, r->userpwd);
	}
	if (r->ctype != NULL) {
		sbuf_printf(&line, "Content-Type: %s", r->ctype);
		*hdrs = curl_slist_append(*hdrs, sbuf_str(&line));
	}
	/* No "Expect: 100-continue" round trip for larger bodies. */
	*hdrs = curl_slist_append(*hdrs, "Expect:");
	for (i = 0; i < r->nheaders; i++) {
		sbuf_reset(&line);
		sbuf_printf(&line, "%s: %s", r->headers[i].key,
		    r->headers[i].val);
		*hdrs = curl_slist_append(*hdrs, sbuf_str(&line));
	}
	sbuf_free(&line);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, *hdrs);
	if (r->body != NULL) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, r->body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)r->len);
	}
	if (r->method != NULL && strcmp(r->method, "GET") == 0 &&
	    r->body == NULL)
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	else if (r->method != NULL && strcmp(r->method, "POST") != 0)
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, r->method);
	else if (r->body == NULL) {
		curl_easy_setopt(c, CURLOPT_POST, 1L);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, 0L);
	}
}

/* Turn a finished transfer into a delivery result. */
static enum sk_send
classify(const struct sk_http_req *r, CURLcode rc, long code,
    const char *errbuf, struct sbuf *err)
{
	if (rc != CURLE_OK) {
		sbuf_printf(err, "%s %s: %s", r->method, r->url,
		    errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc));
		if (rc == CURLE_URL_MALFORMAT ||
		    rc == CURLE_UNSUPPORTED_PROTOCOL)
			return SK_SEND_FAIL;
		return SK_SEND_RETRY;
	}
	if (code >= 200 && code < 300)
		return SK_SEND_OK;
	sbuf_printf(err, "%s %s: HTTP %ld", r->method, r->url, code);
	if (code == 408 || code == 429 || code >= 500)
		return SK_SEND_RETRY;
	return SK_SEND_FAIL;
}

enum sk_send
sk_http_do(struct sk_http *h, const struct sk_http_req *r, long *status,
    struct sbuf *err)
{
	struct curl_slist *hdrs;
	char errbuf[CURL_ERROR_SIZE];
	CURLcode rc;
	long code = 0;

	prepare(h, h->curl, r, &hdrs, errbuf);
	rc = curl_easy_perform(h->curl);
	curl_slist_free_all(hdrs);
	curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &code);
	*status = code;
	return classify(r, rc, code, errbuf, err);
}

void
sk_http_do_many(struct sk_http *h, const struct sk_http_req *r, size_t n,
    enum sk_send *res, struct sbuf *errs)
{
	struct curl_slist *hdrs[SK_HTTP_MAX_BATCH];
	char errbuf[SK_HTTP_MAX_BATCH][CURL_ERROR_SIZE];
	int done[SK_HTTP_MAX_BATCH];
	size_t i;
	int running, left;
	CURLMsg *m;

	if (n == 1 || h->multi == NULL) {
		for (i = 0; i < n; i++) {
			long status;

			res[i] = sk_http_do(h, &r[i], &status, &errs[i]);
		}
		return;
	}
	if (n > SK_HTTP_MAX_BATCH)
		n = SK_HTTP_MAX_BATCH;
	for (i = 0; i < n; i++) {
		if (h->many[i] == NULL)
			h->many[i] = curl_easy_init();
		done[i] = 0;
		res[i] = SK_SEND_RETRY;
		if (h->many[i] == NULL) {
			sbuf_puts(&errs[i], "cannot create a curl handle");
			done[i] = 1;
			hdrs[i] = NULL;
			continue;
		}
		prepare(h, h->many[i], &r[i], &hdrs[i], errbuf[i]);
		curl_easy_setopt(h->many[i], CURLOPT_PRIVATE, (void *)i);
		curl_multi_add_handle(h->multi, h->many[i]);
	}
	do {
		if (curl_multi_perform(h->multi, &running) != CURLM_OK)
			break;
		while ((m = curl_multi_info_read(h->multi, &left)) != NULL) {
			void *priv;
			long code = 0;

			if (m->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE,
			    &priv);
			i = (size_t)priv;
			curl_easy_getinfo(m->easy_handle,
			    CURLINFO_RESPONSE_CODE, &code);
			res[i] = classify(&r[i], m->data.result, code,
			    errbuf[i], &errs[i]);
			done[i] = 1;
		}
		if (running > 0)
			curl_multi_poll(h->multi, NULL, 0, 1000, NULL);
	} while (running > 0);
	for (i = 0; i < n; i++) {
		if (h->many[i] != NULL)
			curl_multi_remove_handle(h->multi, h->many[i]);
		curl_slist_free_all(hdrs[i]);
		if (!done[i])
			sbuf_printf(&errs[i], "%s %s: transfer interrupted",
			    r[i].method, r[i].url);
	}
}
