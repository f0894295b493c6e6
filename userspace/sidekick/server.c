/* SPDX-License-Identifier: Apache-2.0 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "sidekick/core.h"
#include "sidekick/server.h"
#include "sidekick/webui.h"
#include "util/log.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"

struct sk_server {
	struct MHD_Daemon	*d;
	struct MHD_Daemon	*plain;		/* HTTP for notls */
	char			**notls;	/* paths only on plain */
	struct sk_core		*core;
	size_t			 maxbody;
	char			*token;
	struct sk_webui		*webui;
};

/* Per-request state, kept in MHD's connection-request pointer. */
struct req {
	struct sbuf	body;
	int		too_big;
};

static enum MHD_Result
reply(struct MHD_Connection *conn, unsigned int code, const char *ctype,
    const char *body)
{
	struct MHD_Response *r;
	enum MHD_Result rc;

	r = MHD_create_response_from_buffer(strlen(body), (void *)body,
	    MHD_RESPMEM_MUST_COPY);
	if (r == NULL)
		return MHD_NO;
	if (ctype != NULL)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	rc = MHD_queue_response(conn, code, r);
	MHD_destroy_response(r);
	return rc;
}

/* Compare in time independent of where the strings differ. */
static int
token_ok(const char *want, const char *hdr)
{
	size_t wl, hl, i;
	unsigned char d = 0;

	if (hdr == NULL || strncasecmp(hdr, "Bearer ", 7) != 0)
		return 0;
	hdr += 7;
	wl = strlen(want);
	hl = strlen(hdr);
	for (i = 0; i < wl; i++)
		d |= (unsigned char)want[i] ^ (unsigned char)(i < hl ?
		    hdr[i] : 0);
	return d == 0 && wl == hl;
}

static const char *
query_arg(void *ctx, const char *name)
{
	return MHD_lookup_connection_value(ctx, MHD_GET_ARGUMENT_KIND, name);
}

static enum MHD_Result
webui(struct sk_server *s, struct MHD_Connection *conn, const char *url,
    int *handled)
{
	struct sbuf body = SBUF_INIT;
	const char *ctype = NULL;
	enum MHD_Result rc = MHD_NO;
	int status;

	*handled = sk_webui_route(s->webui, url, query_arg, conn, &status,
	    &ctype, &body);
	if (*handled)
		rc = reply(conn, (unsigned int)status, ctype, sbuf_str(&body));
	sbuf_free(&body);
	return rc;
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *data,
    size_t *size, void **ptr)
{
	struct sk_server *s = cls;
	struct req *q = *ptr;
	char err[256];
	int handled;

	if (q == NULL) {
		const char *cl;

		q = xcalloc(1, sizeof(*q));
		*ptr = q;
		cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
		    MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl != NULL && strtoull(cl, NULL, 10) > s->maxbody)
			q->too_big = 1;
		return MHD_YES;
	}
	if (*size > 0) {
		if (!q->too_big && q->body.len + *size <= s->maxbody)
			sbuf_put(&q->body, data, *size);
		else
			q->too_big = 1;
		*size = 0;
		return MHD_YES;
	}

	if (strcmp(url, "/healthz") == 0)
		return reply(conn, MHD_HTTP_OK, "application/json",
		    "{\"status\": \"ok\"}");
	if (strcmp(url, "/ping") == 0)
		return reply(conn, MHD_HTTP_OK, "text/plain; charset=utf-8",
		    "pong\n");
	if (s->webui != NULL && sk_webui_is_asset(url) &&
	    strcmp(method, MHD_HTTP_METHOD_GET) == 0) {
		enum MHD_Result rc = webui(s, conn, url, &handled);

		if (handled)
			return rc;
	}
	if (s->token != NULL && !token_ok(s->token,
	    MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_AUTHORIZATION))) {
		sk_core_reject(s->core, SK_REJ_UNAUTHORIZED);
		return reply(conn, MHD_HTTP_UNAUTHORIZED,
		    "text/plain; charset=utf-8", "Unauthorized\n");
	}
	if (strcmp(url, "/metrics") == 0) {
		struct sbuf m = SBUF_INIT;
		enum MHD_Result rc;

		sk_core_metrics(s->core, &m);
		rc = reply(conn, MHD_HTTP_OK,
		    "text/plain; version=0.0.4; charset=utf-8", sbuf_str(&m));
		sbuf_free(&m);
		return rc;
	}
	if (s->webui != NULL && strncmp(url, "/api/", 5) == 0 &&
	    strcmp(method, MHD_HTTP_METHOD_GET) == 0) {
		enum MHD_Result rc = webui(s, conn, url, &handled);

		if (handled)
			return rc;
	}
	if (strcmp(url, "/test") == 0) {
		sk_core_submit_test(s->core);
		return reply(conn, MHD_HTTP_OK, NULL, "");
	}
	if (strcmp(method, MHD_HTTP_METHOD_POST) != 0) {
		sk_core_reject(s->core, SK_REJ_METHOD);
		return reply(conn, MHD_HTTP_BAD_REQUEST,
		    "text/plain; charset=utf-8",
		    "Please send with post http method\n");
	}
	if (q->too_big) {
		sk_core_reject(s->core, SK_REJ_TOOLARGE);
		return reply(conn, MHD_HTTP_CONTENT_TOO_LARGE,
		    "text/plain; charset=utf-8", "Request body too large\n");
	}
	if (sk_core_submit(s->core, sbuf_str(&q->body), q->body.len, err,
	    sizeof(err)) != 0)
		return reply(conn, MHD_HTTP_BAD_REQUEST,
		    "text/plain; charset=utf-8",
		    "Please send a valid request body\n");
	return reply(conn, MHD_HTTP_OK, NULL, "");
}

static int
is_notls(const struct sk_server *s, const char *url)
{
	size_t i;

	for (i = 0; s->notls != NULL && s->notls[i] != NULL; i++)
		if (strcmp(s->notls[i], url) == 0)
			return 1;
	return 0;
}

/* The TLS daemon: paths moved to the plain port are not found here. */
static enum MHD_Result
handle_tls(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *data,
    size_t *size, void **ptr)
{
	struct sk_server *s = cls;

	if (*ptr != NULL && *size == 0 && is_notls(s, url))
		return reply(conn, MHD_HTTP_NOT_FOUND,
		    "text/plain; charset=utf-8", "404 page not found\n");
	return handle(cls, conn, url, method, version, data, size, ptr);
}

/* The plain daemon next to a TLS one: only the listed paths. */
static enum MHD_Result
handle_plain(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *data,
    size_t *size, void **ptr)
{
	struct sk_server *s = cls;

	if (*ptr != NULL && *size == 0 && !is_notls(s, url))
		return reply(conn, MHD_HTTP_NOT_FOUND,
		    "text/plain; charset=utf-8", "404 page not found\n");
	return handle(cls, conn, url, method, version, data, size, ptr);
}

static void
done(void *cls, struct MHD_Connection *conn, void **ptr,
    enum MHD_RequestTerminationCode why)
{
	struct req *q = *ptr;

	if (q != NULL) {
		sbuf_free(&q->body);
		free(q);
		*ptr = NULL;
	}
}

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	log_vemit(LOG_WARNING, fmt, ap);
}

static struct MHD_Daemon *
start(struct sk_server *s, unsigned int flags, const struct sk_server_cfg *cfg,
    struct sockaddr *sa, int port, int tls)
{
	struct MHD_OptionItem opts[10];
	MHD_AccessHandlerCallback cb = handle;
	int n = 0;

	/* The logger goes first so that MHD never prints by itself. */
	opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_EXTERNAL_LOGGER,
	    (intptr_t)mhd_log, NULL };
	opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_NOTIFY_COMPLETED,
	    (intptr_t)done, s };
	opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_TIMEOUT,
	    60, NULL };
	if (cfg->threads > 1)
		opts[n++] = (struct MHD_OptionItem){
		    MHD_OPTION_THREAD_POOL_SIZE, cfg->threads, NULL };
	if (sa != NULL)
		opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_SOCK_ADDR, 0,
		    sa };
	if (tls) {
		flags |= MHD_USE_TLS;
		opts[n++] = (struct MHD_OptionItem){
		    MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)cfg->tls_cert };
		opts[n++] = (struct MHD_OptionItem){
		    MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)cfg->tls_key };
		if (s->notls != NULL)
			cb = handle_tls;
	} else if (s->notls != NULL)
		cb = handle_plain;
	opts[n] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
	return MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, cb, s,
	    MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
}

static void
set_port(struct sockaddr *sa, int port)
{
	if (sa->sa_family == AF_INET)
		((struct sockaddr_in *)sa)->sin_port = htons((uint16_t)port);
	else
		((struct sockaddr_in6 *)sa)->sin6_port =
		    htons((uint16_t)port);
}

struct sk_server *
sk_server_start(const struct sk_server_cfg *cfg, struct sk_core *core,
    char *err, size_t errlen)
{
	struct sk_server *s;
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	struct sockaddr *sa = NULL;
	int tls;
	/* TURBO: no per-connection shutdown() and fewer syscalls. */
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_EPOLL | MHD_USE_ERROR_LOG | MHD_USE_TURBO;

	memset(&sin, 0, sizeof(sin));
	memset(&sin6, 0, sizeof(sin6));
	if (cfg->address != NULL && *cfg->address != '\0') {
		if (inet_pton(AF_INET, cfg->address, &sin.sin_addr) == 1) {
			sin.sin_family = AF_INET;
			sin.sin_port = htons((uint16_t)cfg->port);
			sa = (struct sockaddr *)&sin;
		} else if (inet_pton(AF_INET6, cfg->address,
		    &sin6.sin6_addr) == 1) {
			sin6.sin6_family = AF_INET6;
			sin6.sin6_port = htons((uint16_t)cfg->port);
			sa = (struct sockaddr *)&sin6;
			flags |= MHD_USE_IPv6;
		} else {
			snprintf(err, errlen, "listenaddress: '%s' is not an "
			    "IP address", cfg->address);
			return NULL;
		}
	} else
		flags |= MHD_USE_DUAL_STACK;

	s = xcalloc(1, sizeof(*s));
	s->core = core;
	s->maxbody = cfg->maxbody;
	s->webui = cfg->webui;
	if (cfg->token != NULL && *cfg->token != '\0')
		s->token = xstrdup(cfg->token);
	tls = cfg->tls_cert != NULL;
	if (tls && cfg->notls_paths != NULL && cfg->notls_paths[0] != NULL)
		s->notls = cfg->notls_paths;
	s->d = start(s, flags, cfg, sa, cfg->port, tls);
	if (s->d == NULL && sa == NULL) {
		/* No IPv6 on this host: all IPv4 addresses then. */
		flags &= ~(unsigned int)MHD_USE_DUAL_STACK;
		s->d = start(s, flags, cfg, NULL, cfg->port, tls);
	}
	if (s->d != NULL && s->notls != NULL) {
		if (sa != NULL)
			set_port(sa, cfg->notls_port);
		s->plain = start(s, flags, cfg, sa, cfg->notls_port, 0);
		if (s->plain == NULL) {
			MHD_stop_daemon(s->d);
			snprintf(err, errlen, "cannot listen on %s:%d",
			    cfg->address != NULL && *cfg->address != '\0' ?
			    cfg->address : "*", cfg->notls_port);
			free(s->token);
			free(s);
			return NULL;
		}
	}
	if (s->d == NULL) {
		snprintf(err, errlen, "cannot listen on %s:%d",
		    cfg->address != NULL && *cfg->address != '\0' ?
		    cfg->address : "*", cfg->port);
		free(s->token);
		free(s);
		return NULL;
	}
	return s;
}

void
sk_server_stop(struct sk_server *s)
{
	if (s == NULL)
		return;
	if (s->plain != NULL)
		MHD_stop_daemon(s->plain);
	MHD_stop_daemon(s->d);
	free(s->token);
	free(s);
}
