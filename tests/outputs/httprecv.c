/* SPDX-License-Identifier: Apache-2.0 */
/* The test HTTP receiver; see httprecv.h. */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <microhttpd.h>

#include "../lib/testutil.h"
#include "httprecv.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"

struct httprecv {
	struct MHD_Daemon	*d;
	unsigned		 port;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	struct httprecv_req	*reqs;
	size_t			 nreqs;
	size_t			 nok;
	unsigned		 fail_status;
	int			 fail_count;
	unsigned		 stall_ms;
	int			 stall_count;
};

static char *
dup_or_empty(const char *s)
{
	return xstrdup(s != NULL ? s : "");
}

/* Did the TLS client present a certificate that verifies? */
static int
client_verified(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci;
	unsigned int status = 1, n = 0;

	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	if (ci == NULL || ci->tls_session == NULL)
		return 0;
	if (gnutls_certificate_get_peers(ci->tls_session, &n) == NULL ||
	    n == 0)
		return 0;
	if (gnutls_certificate_verify_peers2(ci->tls_session, &status) != 0)
		return 0;
	return status == 0;
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_len, void **state)
{
	struct httprecv *r = cls;
	struct sbuf *body = *state;
	struct httprecv_req q;
	struct MHD_Response *resp;
	enum MHD_Result rc;
	unsigned status = 200, stall = 0;

	if (body == NULL) {
		body = xcalloc(1, sizeof(*body));
		*state = body;
		return MHD_YES;
	}
	if (*upload_len > 0) {
		sbuf_put(body, upload, *upload_len);
		*upload_len = 0;
		return MHD_YES;
	}
	memset(&q, 0, sizeof(q));
	q.path = xstrdup(url);
	q.len = body->len;
	q.body = xmalloc(body->len + 1);
	memcpy(q.body, sbuf_str(body), body->len + 1);
	q.content_type = dup_or_empty(MHD_lookup_connection_value(conn,
	    MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE));
	q.user_agent = dup_or_empty(MHD_lookup_connection_value(conn,
	    MHD_HEADER_KIND, MHD_HTTP_HEADER_USER_AGENT));
	pthread_mutex_lock(&r->mu);
	if (r->stall_count != 0) {
		stall = r->stall_ms;
		if (r->stall_count > 0)
			r->stall_count--;
	}
	if (r->fail_count != 0) {
		status = r->fail_status;
		if (r->fail_count > 0)
			r->fail_count--;
	}
	q.status = status;
	q.stalled = stall > 0;
	q.client_verified = client_verified(conn);
	r->reqs = xreallocarray(r->reqs, r->nreqs + 1, sizeof(*r->reqs));
	r->reqs[r->nreqs++] = q;
	pthread_mutex_unlock(&r->mu);
	if (stall > 0)
		tu_sleep_ms(stall);
	resp = MHD_create_response_from_buffer(2, (void *)"ok",
	    MHD_RESPMEM_PERSISTENT);
	rc = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	if (status == 200 && stall == 0) {
		pthread_mutex_lock(&r->mu);
		r->nok++;
		pthread_cond_broadcast(&r->cv);
		pthread_mutex_unlock(&r->mu);
	}
	return rc;
}

static void
completed(void *cls, struct MHD_Connection *conn, void **state,
    enum MHD_RequestTerminationCode toe)
{
	struct sbuf *body = *state;

	if (body != NULL) {
		sbuf_free(body);
		free(body);
		*state = NULL;
	}
}

struct httprecv *
httprecv_start(unsigned port, const char *key_pem, const char *cert_pem,
    const char *trust_pem)
{
	struct httprecv *r = xcalloc(1, sizeof(*r));
	struct sockaddr_in sin;
	const union MHD_DaemonInfo *info;
	unsigned flags = MHD_USE_THREAD_PER_CONNECTION |
	    MHD_USE_INTERNAL_POLLING_THREAD;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	if (trust_pem != NULL)
		r->d = MHD_start_daemon(flags | MHD_USE_TLS, (uint16_t)port,
		    NULL, NULL, handle, r,
		    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
		    MHD_OPTION_NOTIFY_COMPLETED, completed, r,
		    MHD_OPTION_HTTPS_MEM_KEY, key_pem,
		    MHD_OPTION_HTTPS_MEM_CERT, cert_pem,
		    MHD_OPTION_HTTPS_MEM_TRUST, trust_pem,
		    MHD_OPTION_END);
	else if (key_pem != NULL)
		r->d = MHD_start_daemon(flags | MHD_USE_TLS, (uint16_t)port,
		    NULL, NULL, handle, r,
		    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
		    MHD_OPTION_NOTIFY_COMPLETED, completed, r,
		    MHD_OPTION_HTTPS_MEM_KEY, key_pem,
		    MHD_OPTION_HTTPS_MEM_CERT, cert_pem,
		    MHD_OPTION_END);
	else
		r->d = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL,
		    handle, r,
		    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
		    MHD_OPTION_NOTIFY_COMPLETED, completed, r,
		    MHD_OPTION_END);
	if (r->d == NULL) {
		free(r);
		return NULL;
	}
	info = MHD_get_daemon_info(r->d, MHD_DAEMON_INFO_BIND_PORT);
	r->port = info->port;
	return r;
}

unsigned
httprecv_port(const struct httprecv *r)
{
	return r->port;
}

void
httprecv_fail(struct httprecv *r, unsigned status, int count)
{
	pthread_mutex_lock(&r->mu);
	r->fail_status = status;
	r->fail_count = count;
	pthread_mutex_unlock(&r->mu);
}

void
httprecv_stall(struct httprecv *r, unsigned ms, int count)
{
	pthread_mutex_lock(&r->mu);
	r->stall_ms = ms;
	r->stall_count = count;
	pthread_mutex_unlock(&r->mu);
}

size_t
httprecv_nreq(struct httprecv *r)
{
	size_t n;

	pthread_mutex_lock(&r->mu);
	n = r->nreqs;
	pthread_mutex_unlock(&r->mu);
	return n;
}

size_t
httprecv_nok(struct httprecv *r)
{
	size_t n;

	pthread_mutex_lock(&r->mu);
	n = r->nok;
	pthread_mutex_unlock(&r->mu);
	return n;
}

int
httprecv_wait_ok(struct httprecv *r, size_t n, unsigned timeout_ms)
{
	struct timespec ts;
	int rc = 0;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += timeout_ms / 1000;
	ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&r->mu);
	while (r->nok < n && rc == 0)
		rc = pthread_cond_timedwait(&r->cv, &r->mu, &ts);
	rc = r->nok >= n ? 0 : -1;
	pthread_mutex_unlock(&r->mu);
	return rc;
}

static void
req_copy(struct httprecv_req *d, const struct httprecv_req *s)
{
	*d = *s;
	d->path = xstrdup(s->path);
	d->body = xmalloc(s->len + 1);
	memcpy(d->body, s->body, s->len + 1);
	d->content_type = xstrdup(s->content_type);
	d->user_agent = xstrdup(s->user_agent);
}

int
httprecv_get(struct httprecv *r, size_t i, struct httprecv_req *out)
{
	int rc = -1;

	pthread_mutex_lock(&r->mu);
	if (i < r->nreqs) {
		req_copy(out, &r->reqs[i]);
		rc = 0;
	}
	pthread_mutex_unlock(&r->mu);
	return rc;
}

char *
httprecv_ok_body(struct httprecv *r, size_t i)
{
	char *body = NULL;
	size_t k, seen = 0;

	pthread_mutex_lock(&r->mu);
	for (k = 0; k < r->nreqs && body == NULL; k++) {
		if (r->reqs[k].status != 200 || r->reqs[k].stalled)
			continue;
		if (seen++ == i)
			body = xstrdup(r->reqs[k].body);
	}
	pthread_mutex_unlock(&r->mu);
	return body;
}

void
httprecv_req_free(struct httprecv_req *q)
{
	free(q->path);
	free(q->body);
	free(q->content_type);
	free(q->user_agent);
}

void
httprecv_stop(struct httprecv *r)
{
	size_t i;

	if (r == NULL)
		return;
	MHD_stop_daemon(r->d);
	for (i = 0; i < r->nreqs; i++)
		httprecv_req_free(&r->reqs[i]);
	free(r->reqs);
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv);
	free(r);
}
