/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The HTTP listener of "event-generator test": receives the JSON alerts
 * that Falco's http_output POSTs (one alert per request, any path) and
 * keeps their rule names with the time they arrived.
 *
 * Locking: libmicrohttpd calls the handler from its own thread; the
 * alert array is guarded by mu and waiters sleep on cv, which uses
 * CLOCK_MONOTONIC like the timestamps.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <microhttpd.h>

#include "evgen/evgen.h"
#include "util/log.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"

/* Larger bodies are refused; a Falco alert is a few KiB. */
#define MAX_BODY	(1024 * 1024)

struct alert {
	char		*rule;
	long long	 at;		/* CLOCK_MONOTONIC ns */
};

struct evgen_listener {
	struct MHD_Daemon	*daemon;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	struct alert		*alerts;
	size_t			 nalerts;
	size_t			 cap;
};

/* Per-request state: the body as it arrives. */
struct request {
	struct sbuf	body;
	int		too_big;
};

static void
add_alert(struct evgen_listener *l, const char *rule)
{
	pthread_mutex_lock(&l->mu);
	if (l->nalerts == l->cap) {
		l->cap = l->cap == 0 ? 64 : l->cap * 2;
		l->alerts = xreallocarray(l->alerts, l->cap,
		    sizeof(*l->alerts));
	}
	l->alerts[l->nalerts].rule = xstrdup(rule);
	l->alerts[l->nalerts].at = evgen_now_ns();
	l->nalerts++;
	pthread_cond_broadcast(&l->cv);
	pthread_mutex_unlock(&l->mu);
}

static enum MHD_Result
reply(struct MHD_Connection *conn, unsigned status, const char *text)
{
	struct MHD_Response *resp;
	enum MHD_Result r;

	resp = MHD_create_response_from_buffer(strlen(text), (void *)text,
	    MHD_RESPMEM_PERSISTENT);
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, "Content-Type", "text/plain");
	r = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return r;
}

/* Parse one alert and record its rule.  Returns an HTTP status. */
static unsigned
take_alert(struct evgen_listener *l, const char *body, size_t len)
{
	char *rule;

	if ((rule = evgen_alert_rule(body, len)) == NULL) {
		log_warn("listener: body is not a Falco JSON alert with a "
		    "\"rule\" (is json_output on?)");
		return MHD_HTTP_BAD_REQUEST;
	}
	log_debug("listener: alert for rule \"%s\"", rule);
	add_alert(l, rule);
	free(rule);
	return MHD_HTTP_OK;
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **state)
{
	struct evgen_listener *l = cls;
	struct request *req = *state;
	unsigned status;

	if (req == NULL) {
		req = xcalloc(1, sizeof(*req));
		*state = req;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		if (req->body.len + *upload_size > MAX_BODY)
			req->too_big = 1;
		else
			sbuf_put(&req->body, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	if (strcmp(method, MHD_HTTP_METHOD_POST) != 0)
		return reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "POST only\n");
	if (req->too_big)
		return reply(conn, MHD_HTTP_CONTENT_TOO_LARGE, "too large\n");
	status = take_alert(l, sbuf_str(&req->body), req->body.len);
	return reply(conn, status, status == MHD_HTTP_OK ? "ok\n" :
	    "expected a Falco JSON alert\n");
}

static void
request_done(void *cls, struct MHD_Connection *conn, void **state,
    enum MHD_RequestTerminationCode code)
{
	struct request *req = *state;

	if (req == NULL)
		return;
	sbuf_free(&req->body);
	free(req);
	*state = NULL;
}

struct evgen_listener *
evgen_listener_start(const char *addr, int port)
{
	struct evgen_listener *l;
	struct sockaddr_in sin;
	pthread_condattr_t ca;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	if (strcmp(addr, "localhost") == 0)
		addr = "127.0.0.1";
	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1) {
		log_err("listener: %s is not an IPv4 address", addr);
		return NULL;
	}
	l = xcalloc(1, sizeof(*l));
	pthread_mutex_init(&l->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&l->cv, &ca);
	pthread_condattr_destroy(&ca);
	l->daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_ITC,
	    (uint16_t)port, NULL, NULL, handle, l,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
	    MHD_OPTION_NOTIFY_COMPLETED, request_done, NULL,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)10,
	    MHD_OPTION_END);
	if (l->daemon == NULL) {
		log_err("listener: cannot listen on %s:%d", addr, port);
		evgen_listener_stop(l);
		return NULL;
	}
	log_info("listening for Falco alerts on http://%s:%d/", addr, port);
	return l;
}

/*
 * Stop accepting, then give the requests in flight up to a second to
 * get their response: the alert that ended a wait is usually one of
 * them, and Falco counts a reset connection as a failed output.
 */
static void
drain(struct MHD_Daemon *d)
{
	const union MHD_DaemonInfo *info;
	struct timespec nap = { 0, 10 * 1000 * 1000 };
	int i;

	MHD_quiesce_daemon(d);
	for (i = 0; i < 100; i++) {
		info = MHD_get_daemon_info(d,
		    MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
		if (info == NULL || info->num_connections == 0)
			break;
		nanosleep(&nap, NULL);
	}
}

void
evgen_listener_stop(struct evgen_listener *l)
{
	size_t i;

	if (l == NULL)
		return;
	if (l->daemon != NULL) {
		drain(l->daemon);
		MHD_stop_daemon(l->daemon);
	}
	for (i = 0; i < l->nalerts; i++)
		free(l->alerts[i].rule);
	free(l->alerts);
	pthread_cond_destroy(&l->cv);
	pthread_mutex_destroy(&l->mu);
	free(l);
}

size_t
evgen_listener_count(struct evgen_listener *l)
{
	size_t n;

	pthread_mutex_lock(&l->mu);
	n = l->nalerts;
	pthread_mutex_unlock(&l->mu);
	return n;
}

int
evgen_listener_wait(struct evgen_listener *l, const char *rule,
    const char *action, long long since, int timeout_ms)
{
	long long deadline = evgen_now_ns() + (long long)timeout_ms * 1000000;
	struct timespec ts;
	size_t i, seen = 0;
	int found = 0;

	ts.tv_sec = (time_t)(deadline / 1000000000LL);
	ts.tv_nsec = (long)(deadline % 1000000000LL);
	pthread_mutex_lock(&l->mu);
	for (;;) {
		for (i = seen; i < l->nalerts && !found; i++)
			found = l->alerts[i].at >= since &&
			    ((rule != NULL &&
			    evgen_names_match(l->alerts[i].rule, rule)) ||
			    evgen_names_match(l->alerts[i].rule, action));
		seen = i;
		if (found)
			break;
		if (pthread_cond_timedwait(&l->cv, &l->mu, &ts) == ETIMEDOUT &&
		    seen == l->nalerts)
			break;
	}
	pthread_mutex_unlock(&l->mu);
	return found;
}
