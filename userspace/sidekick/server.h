/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The HTTP front end (libmicrohttpd), falcosidekick's routes:
 *   POST /         one Falco JSON alert (any unknown path, as in Go's mux)
 *   /test          a test event through every output
 *   GET /healthz   {"status": "ok"}
 *   GET /ping      pong
 *   GET /metrics   Prometheus text
 * over HTTP or HTTPS (falcosidekick's tlsserver keys, with an optional
 * plain-HTTP port for a few paths), with a body size limit and an
 * optional bearer token (every route but
 * /healthz, /ping and the web UI's static pages), plus the web UI's
 * GET /ui/ and /api/ routes when it is enabled.
 */
#ifndef SIDEKICK_SERVER_H
#define SIDEKICK_SERVER_H

#include <stddef.h>

struct sk_core;
struct sk_server;
struct sk_webui;

struct sk_server_cfg {
	const char	*address;	/* "" or NULL: every address */
	int		 port;
	size_t		 maxbody;
	const char	*token;		/* "" or NULL: none */
	int		 threads;
	struct sk_webui	*webui;		/* NULL: no UI routes */
	/* HTTPS: PEM certificate and key contents, or NULL for HTTP. */
	const char	*tls_cert;
	const char	*tls_key;
	/*
	 * With HTTPS, these paths ("/ping", "/metrics"...) are served over
	 * plain HTTP on notls_port instead, and only there.
	 */
	char		**notls_paths;
	int		 notls_port;
};

/* Start listening; returns the server or NULL with a message in err. */
struct sk_server *sk_server_start(const struct sk_server_cfg *cfg,
	    struct sk_core *core, char *err, size_t errlen);

/* Stop accepting and wait for requests in progress, then free. */
void	sk_server_stop(struct sk_server *s);

#endif /* SIDEKICK_SERVER_H */
