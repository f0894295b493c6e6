/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The HTTP channel: one POST per alert with libcurl.
 *
 * Falco retries only on a libcurl timeout, up to max_consecutive_timeouts
 * extra attempts.  We retry on every failure that a receiver coming back
 * can cure (timeouts, refused or reset connections, 5xx and 429
 * answers), with a pause that doubles from retry_interval up to 2 s, and
 * the same bound; so an alert sent while the receiver restarts arrives
 * once it is back, and a dead receiver costs at most a known time per
 * alert.  A 4xx answer is final.  Giving up is logged and counted.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "outputs/chan.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define RETRY_PAUSE_MAX_MS	2000

struct httpch {
	CURL			*curl;
	struct curl_slist	*headers;
	char			 errbuf[CURL_ERROR_SIZE];
	int			 failing;
};

static size_t
discard_body(char *ptr, size_t size, size_t nmemb, void *arg)
{
	return size * nmemb;
}

static size_t
echo_body(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct chan *c = arg;
	size_t len = size * nmemb;
	ssize_t r;
	size_t off = 0;

	/* "echo": the receiver's answer goes to our stdout. */
	while (off < len) {
		r = write(c->opt->stdout_fd, ptr + off, len - off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		off += (size_t)r;
	}
	return len;
}

/* Lets a shutdown past its deadline interrupt a transfer. */
static int
progress_cb(void *arg, curl_off_t dltotal, curl_off_t dlnow,
    curl_off_t ultotal, curl_off_t ulnow)
{
	struct chan *c = arg;

	return atomic_load(c->abort) ? 1 : 0;
}

/* Strip one pair of matching quotes around a URL, as Falco does. */
static char *
unquote(const char *s)
{
	size_t n = strlen(s);

	if (n >= 2 && ((s[0] == '"' && s[n - 1] == '"') ||
	    (s[0] == '\'' && s[n - 1] == '\'')))
		return xstrndup(s + 1, n - 2);
	return xstrdup(s);
}

static int
http_setup(struct chan *c)
{
	struct httpch *h = c->priv;
	const struct outputs_options *o = c->opt;
	CURLcode rc = CURLE_OK;
	char *url;

#define SET(opt, val) do {						\
	if (rc == CURLE_OK || rc == CURLE_NOT_BUILT_IN)			\
		rc = curl_easy_setopt(h->curl, opt, val);		\
} while (0)

	if ((h->curl = curl_easy_init()) == NULL)
		return -1;
	h->headers = curl_slist_append(NULL, o->fmt.json ?
	    "Content-Type: application/json" : "Content-Type: text/plain");
	url = unquote(o->http_url);
	SET(CURLOPT_URL, url);
	free(url);
	SET(CURLOPT_HTTPHEADER, h->headers);
	SET(CURLOPT_USERAGENT, o->http_user_agent);
	SET(CURLOPT_ERRORBUFFER, h->errbuf);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
	if (o->http_timeout_ms > 0) {
		SET(CURLOPT_TIMEOUT_MS, o->http_timeout_ms);
		SET(CURLOPT_CONNECTTIMEOUT_MS, o->http_timeout_ms);
	}
	if (o->http_insecure) {
		SET(CURLOPT_SSL_VERIFYPEER, 0L);
		SET(CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (o->http_mtls) {
		SET(CURLOPT_SSLCERT, o->http_client_cert);
		SET(CURLOPT_SSLKEY, o->http_client_key);
	}
	if (o->http_ca_cert != NULL && o->http_ca_cert[0] != '\0')
		SET(CURLOPT_CAINFO, o->http_ca_cert);
	else if (o->http_ca_bundle != NULL && o->http_ca_bundle[0] != '\0')
		SET(CURLOPT_CAINFO, o->http_ca_bundle);
	else if (o->http_ca_path != NULL && o->http_ca_path[0] != '\0')
		SET(CURLOPT_CAPATH, o->http_ca_path);
	if (o->http_echo) {
		SET(CURLOPT_WRITEFUNCTION, echo_body);
		SET(CURLOPT_WRITEDATA, c);
	} else
		SET(CURLOPT_WRITEFUNCTION, discard_body);
	/*
	 * XXX compress_uploads asks for a compressed transfer encoding, which
	 * is what Falco's option does (it does not compress the request
	 * body; receivers such as falcosidekick do not decode one).
	 */
	if (o->http_compress_uploads)
		SET(CURLOPT_TRANSFER_ENCODING, 1L);
	if (o->http_keep_alive)
		SET(CURLOPT_TCP_KEEPALIVE, 1L);
	SET(CURLOPT_NOPROGRESS, 0L);
	SET(CURLOPT_XFERINFOFUNCTION, progress_cb);
	SET(CURLOPT_XFERINFODATA, c);
#undef SET
	if (rc != CURLE_OK && rc != CURLE_NOT_BUILT_IN) {
		log_err("http output: libcurl error: %s",
		    curl_easy_strerror(rc));
		return -1;
	}
	return 0;
}

/* Failures that a receiver coming back may cure. */
static int
retryable(CURLcode rc, long status)
{
	switch (rc) {
	case CURLE_OK:
		return status >= 500 || status == 429;
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_COULDNT_CONNECT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
		return 1;
	default:
		return 0;
	}
}

static int
http_write(struct chan *c, const char *line, size_t len, int prio)
{
	struct httpch *h = c->priv;
	const struct outputs_options *o = c->opt;
	unsigned attempt, pause;
	long status = 0;
	CURLcode rc;

	if (h->curl == NULL && http_setup(c) < 0)
		return -1;
	curl_easy_setopt(h->curl, CURLOPT_POSTFIELDSIZE, (long)len);
	curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, line);
	pause = o->http_retry_interval_ms > 0 ?
	    (unsigned)o->http_retry_interval_ms : 0;
	for (attempt = 0;; attempt++) {
		h->errbuf[0] = '\0';
		status = 0;
		rc = curl_easy_perform(h->curl);
		if (rc == CURLE_OK)
			curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE,
			    &status);
		if (rc == CURLE_OK && status < 400)
			break;
		if (atomic_load(c->abort) || !retryable(rc, status) ||
		    attempt >= o->http_max_consecutive_timeouts)
			break;
		atomic_fetch_add(&c->retries, 1);
		if (chan_sleep(pause, c->abort) < 0)
			break;
		pause = pause * 2 > RETRY_PAUSE_MAX_MS ? RETRY_PAUSE_MAX_MS :
		    pause * 2;
	}
	if (rc == CURLE_OK && status < 400) {
		if (h->failing)
			log_info("http output: %s reachable again",
			    o->http_url);
		h->failing = 0;
		return 0;
	}
	if (rc != CURLE_OK)
		log_err("http output: libcurl failed to perform call: %s%s%s "
		    "(alert dropped after %u attempts)", curl_easy_strerror(rc),
		    h->errbuf[0] ? ": " : "", h->errbuf, attempt + 1);
	else
		log_err("http output: %s answered %ld (alert dropped after %u "
		    "attempts)", o->http_url, status, attempt + 1);
	h->failing = 1;
	return -1;
}

static void
http_reopen(struct chan *c)
{
	/* Nothing to reopen: the connection is re-made when needed. */
}

static void
http_close(struct chan *c)
{
	struct httpch *h = c->priv;

	if (h->curl != NULL)
		curl_easy_cleanup(h->curl);
	curl_slist_free_all(h->headers);
	h->curl = NULL;
	h->headers = NULL;
}

static void
http_free(struct chan *c)
{
	http_close(c);
	free(c->priv);
	free(c);
}

static const struct chan_ops http_ops = {
	"http", http_write, http_reopen, http_close, http_free,
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void
curl_init_once(void)
{
	/* Must run before any thread uses libcurl; never undone. */
	if (curl_global_init(CURL_GLOBAL_ALL) != CURLE_OK)
		fatal("curl_global_init failed");
}

struct chan *
chan_http_new(const struct outputs_options *o, char **errp)
{
	if (o->http_url == NULL || o->http_url[0] == '\0') {
		xasprintf(errp, "http_output: url is empty");
		return NULL;
	}
	pthread_once(&curl_once, curl_init_once);
	return chan_alloc(&http_ops, xcalloc(1, sizeof(struct httpch)), o);
}
