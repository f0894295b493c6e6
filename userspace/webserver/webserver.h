/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The daemon's embedded HTTP server (libmicrohttpd), per the `webserver`
 * keys of falco.yaml:
 *
 *   GET <k8s_healthz_endpoint>  {"status": "ok"}, application/json
 *   GET /versions               the versions JSON given by the caller
 *   GET /metrics                Prometheus text of a metrics registry,
 *                               when prometheus_metrics_enabled and
 *                               metrics.enabled are both on
 *
 * Anything else is 404; a method other than GET or HEAD is 405.  With
 * ssl_enabled the server speaks HTTPS using one PEM file that holds
 * both the private key and the certificate.  The server runs on its own
 * threads until webserver_stop().
 *
 * See also webserver/metrics.h for the registry.
 */
#ifndef WEBSERVER_WEBSERVER_H
#define WEBSERVER_WEBSERVER_H

#include <stddef.h>

struct config;
struct metrics;
struct webserver;

struct webserver_options {
	int		 enabled;
	unsigned	 threadiness;	/* 0: one thread per CPU */
	unsigned	 listen_port;	/* 0: any free port (tests) */
	const char	*listen_address; /* numeric IPv4 or IPv6 */
	const char	*healthz_path;
	int		 prometheus_metrics; /* serve /metrics */
	int		 ssl_enabled;
	const char	*ssl_certificate; /* PEM: key and certificate */
	const char	*versions_json;	/* NULL: {"falco_version": ...} */
};

/*
 * Defaults as Falco's code has them when keys are absent: disabled,
 * port 8765 on 0.0.0.0, /healthz, no metrics, no SSL.
 */
void	webserver_options_defaults(struct webserver_options *o);

/*
 * Fill o from a loaded configuration.  /metrics is served only when both
 * webserver.prometheus_metrics_enabled and metrics.enabled are true.
 * The strings point into cfg.
 */
void	webserver_options_from_config(struct webserver_options *o,
	    const struct config *cfg);

/*
 * Start serving.  `m` (may be NULL) must outlive the server.  Returns
 * NULL with *errp set (malloc'd) when the address cannot be bound or
 * the certificate cannot be read.
 */
struct webserver *webserver_start(const struct webserver_options *o,
	    struct metrics *m, char **errp);

/* The port actually bound (useful with listen_port 0). */
unsigned webserver_port(const struct webserver *ws);

/* Stop the server and free it; NULL is allowed. */
void	webserver_stop(struct webserver *ws);

#endif /* WEBSERVER_WEBSERVER_H */
