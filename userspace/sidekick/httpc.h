/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The HTTP client the outputs share: one libcurl handle per output
 * (used only by that output's worker, so connections are kept alive),
 * with the TLS options falcosidekick offers per output.
 */
#ifndef SIDEKICK_HTTPC_H
#define SIDEKICK_HTTPC_H

#include <stddef.h>

#include "sidekick/output.h"

struct sbuf;
struct sk_kv;
struct sk_http;

struct sk_tls {
	int	 checkcert;	/* verify the server certificate */
	int	 mutualtls;	/* present a client certificate */
	char	*certfile;	/* client certificate, for mutualtls */
	char	*keyfile;
	char	*cacertfile;	/* extra CA, or NULL */
};

struct sk_http_req {
	const char		*method;	/* "POST", "PUT", "GET" */
	const char		*url;
	const char		*ctype;		/* NULL: none */
	const char		*body;		/* NULL: no body */
	size_t			 len;
	const struct sk_kv	*headers;	/* extra headers */
	size_t			 nheaders;
	const char		*userpwd;	/* basic auth, or NULL */
	struct sbuf		*resp;		/* body, or NULL */
};

/* Most requests one client keeps in flight at once. */
#define SK_HTTP_MAX_BATCH	16

/* Call once before threads start. */
void	sk_http_global_init(void);

/*
 * A client; tls may be NULL (defaults: verify, no client certificate).
 * unix_path, when not NULL, sends every request over that AF_UNIX
 * socket (the URL's host is then only used for the Host header).
 * concurrency (1 .. SK_HTTP_MAX_BATCH) bounds sk_http_do_many().
 */
struct sk_http *sk_http_new(const struct sk_tls *tls, long timeout_ms,
	    const char *unix_path, int concurrency);
void	sk_http_free(struct sk_http *h);

/*
 * Perform one request.  2xx is SK_SEND_OK; a transport error, 408, 429
 * and 5xx are SK_SEND_RETRY; anything else SK_SEND_FAIL.  *status gets
 * the HTTP status (0 if none); err gets a reason on failure.
 */
enum sk_send sk_http_do(struct sk_http *h, const struct sk_http_req *r,
	    long *status, struct sbuf *err);

/*
 * Perform n requests at once, over up to n connections, and wait for
 * all of them; res[i] and errs[i] are request i's result and reason.
 * n is at most the client's concurrency (one at a time without it).
 */
void	sk_http_do_many(struct sk_http *h, const struct sk_http_req *r,
	    size_t n, enum sk_send *res, struct sbuf *errs);

/* Free the strings of a struct sk_tls. */
void	sk_tls_clear(struct sk_tls *t);

#endif /* SIDEKICK_HTTPC_H */
