/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The embedded HTTP server on libmicrohttpd's internal thread pool.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <microhttpd.h>

#include "config/config.h"
#include "util/log.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"
#include "webserver/metrics.h"
#include "webserver/webserver.h"

#ifndef FALCO_VERSION
#define FALCO_VERSION "0.0.0"
#endif

/* Falco's content type for the Prometheus text format. */
#define PROM_CONTENT_TYPE	"text/plain; version=0.0.4"
#define MAX_PEM			(1024 * 1024)

struct webserver {
	struct MHD_Daemon	*d;
	struct metrics		*m;
	char			*healthz;
	char			*versions;
	int			 prometheus;
	unsigned		 port;
	char			*key_pem;
	char			*cert_pem;
};

void
webserver_options_defaults(struct webserver_options *o)
{
	memset(o, 0, sizeof(*o));
	o->listen_port = 8765;
	o->listen_address = "0.0.0.0";
	o->healthz_path = "/healthz";
	o->ssl_certificate = "/etc/falco/falco.pem";
}

void
webserver_options_from_config(struct webserver_options *o,
    const struct config *cfg)
{
	int64_t v;

	webserver_options_defaults(o);
	o->enabled = config_bool(cfg, "webserver.enabled", 0);
	v = config_int(cfg, "webserver.threadiness", 0);
	o->threadiness = v > 0 ? (unsigned)v : 0;
	v = config_int(cfg, "webserver.listen_port", 8765);
	o->listen_port = v >= 0 && v <= 65535 ? (unsigned)v : 8765;
	o->listen_address = config_str(cfg, "webserver.listen_address",
	    o->listen_address);
	o->healthz_path = config_str(cfg, "webserver.k8s_healthz_endpoint",
	    o->healthz_path);
	o->prometheus_metrics = config_bool(cfg,
	    "webserver.prometheus_metrics_enabled", 0) &&
	    config_bool(cfg, "metrics.enabled", 0);
	o->ssl_enabled = config_bool(cfg, "webserver.ssl_enabled", 0);
	o->ssl_certificate = config_str(cfg, "webserver.ssl_certificate",
	    o->ssl_certificate);
}

static enum MHD_Result
reply(struct MHD_Connection *conn, unsigned status, const char *type,
    const char *body, size_t len)
{
	struct MHD_Response *r;
	enum MHD_Result rc;

	r = MHD_create_response_from_buffer(len, (void *)body,
	    MHD_RESPMEM_MUST_COPY);
	if (r == NULL)
		return MHD_NO;
	if (type != NULL)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	rc = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_len, void **state)
{
	static const char healthy[] = "{\"status\": \"ok\"}";
	static const char notfound[] = "Not Found";
	struct webserver *ws = cls;
	struct sbuf sb = SBUF_INIT;
	enum MHD_Result rc;

	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain",
		    "Method Not Allowed", 18);
	if (strcmp(url, ws->healthz) == 0)
		return reply(conn, MHD_HTTP_OK, "application/json", healthy,
		    sizeof(healthy) - 1);
	if (strcmp(url, "/versions") == 0)
		return reply(conn, MHD_HTTP_OK, "application/json",
		    ws->versions, strlen(ws->versions));
	if (strcmp(url, "/metrics") == 0 && ws->prometheus && ws->m != NULL) {
		metrics_render(ws->m, &sb);
		rc = reply(conn, MHD_HTTP_OK, PROM_CONTENT_TYPE, sbuf_str(&sb),
		    sb.len);
		sbuf_free(&sb);
		return rc;
	}
	return reply(conn, MHD_HTTP_NOT_FOUND, "text/plain", notfound,
	    sizeof(notfound) - 1);
}

/* Read the PEM file and split it into the key and certificate blocks. */
static int
load_pem(struct webserver *ws, const char *path, char **errp)
{
	struct sbuf sb = SBUF_INIT, key = SBUF_INIT, cert = SBUF_INIT;
	const char *p, *begin, *end;
	char buf[4096];
	ssize_t r;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		xasprintf(errp, "webserver: cannot open %s: %s", path,
		    strerror(errno));
		return -1;
	}
	while ((r = read(fd, buf, sizeof(buf))) > 0 && sb.len < MAX_PEM)
		sbuf_put(&sb, buf, (size_t)r);
	close(fd);
	for (p = sbuf_str(&sb); (begin = strstr(p, "-----BEGIN ")) != NULL;
	    p = end) {
		end = strstr(begin + 11, "-----END ");
		if (end == NULL)
			break;
		end = strstr(end + 9, "-----");
		if (end == NULL)
			break;
		end += 5;
		if (strncmp(begin, "-----BEGIN CERTIFICATE-----", 27) == 0) {
			sbuf_put(&cert, begin, (size_t)(end - begin));
			sbuf_putc(&cert, '\n');
		} else if (strstr(begin, "PRIVATE KEY-----") != NULL &&
		    strstr(begin, "PRIVATE KEY-----") < end && key.len == 0) {
			sbuf_put(&key, begin, (size_t)(end - begin));
			sbuf_putc(&key, '\n');
		}
	}
	sbuf_free(&sb);
	if (key.len == 0 || cert.len == 0) {
		xasprintf(errp, "webserver: %s must hold a private key and a "
		    "certificate in PEM form", path);
		sbuf_free(&key);
		sbuf_free(&cert);
		return -1;
	}
	ws->key_pem = sbuf_detach(&key);
	ws->cert_pem = sbuf_detach(&cert);
	return 0;
}

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	log_vemit(LOG_ERR, fmt, ap);
}

struct webserver *
webserver_start(const struct webserver_options *o, struct metrics *m,
    char **errp)
{
	struct webserver *ws;
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	const union MHD_DaemonInfo *info;
	struct MHD_OptionItem tls[3];
	unsigned flags, threads;
	long ncpu;

	memset(&ss, 0, sizeof(ss));
	memset(tls, 0, sizeof(tls));
	flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
	if (inet_pton(AF_INET, o->listen_address, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)o->listen_port);
	} else if (inet_pton(AF_INET6, o->listen_address,
	    &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)o->listen_port);
		flags |= MHD_USE_IPv6;
	} else {
		xasprintf(errp, "webserver: listen_address '%s' is not a "
		    "numeric IPv4 or IPv6 address", o->listen_address);
		return NULL;
	}
	ws = xcalloc(1, sizeof(*ws));
	ws->m = m;
	ws->healthz = xstrdup(o->healthz_path);
	ws->prometheus = o->prometheus_metrics;
	if (o->versions_json != NULL)
		ws->versions = xstrdup(o->versions_json);
	else
		xasprintf(&ws->versions, "{\"falco_version\":\"%s\"}",
		    FALCO_VERSION);
	if (o->ssl_enabled) {
		if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
			xasprintf(errp, "webserver: this libmicrohttpd has no "
			    "TLS support");
			webserver_stop(ws);
			return NULL;
		}
		if (load_pem(ws, o->ssl_certificate, errp) < 0) {
			webserver_stop(ws);
			return NULL;
		}
		flags |= MHD_USE_TLS;
	}
	threads = o->threadiness;
	if (threads == 0) {
		ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		threads = ncpu > 0 ? (unsigned)ncpu : 1;
	}
	/* The TLS options, or none (the array then holds only its end). */
	tls[0].option = MHD_OPTION_HTTPS_MEM_KEY;
	tls[0].ptr_value = ws->key_pem;
	tls[1].option = MHD_OPTION_HTTPS_MEM_CERT;
	tls[1].ptr_value = ws->cert_pem;
	tls[2].option = MHD_OPTION_END;
	ws->d = MHD_start_daemon(flags, (uint16_t)o->listen_port, NULL, NULL,
	    handle, ws,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_THREAD_POOL_SIZE, threads,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
	    MHD_OPTION_ARRAY, ws->key_pem != NULL ? tls : &tls[2],
	    MHD_OPTION_END);
	if (ws->d == NULL) {
		xasprintf(errp, "webserver: cannot listen on %s port %u",
		    o->listen_address, o->listen_port);
		webserver_stop(ws);
		return NULL;
	}
	info = MHD_get_daemon_info(ws->d, MHD_DAEMON_INFO_BIND_PORT);
	ws->port = info != NULL ? info->port : o->listen_port;
	return ws;
}

unsigned
webserver_port(const struct webserver *ws)
{
	return ws->port;
}

void
webserver_stop(struct webserver *ws)
{
	if (ws == NULL)
		return;
	if (ws->d != NULL)
		MHD_stop_daemon(ws->d);
	free(ws->healthz);
	free(ws->versions);
	if (ws->key_pem != NULL)
		explicit_bzero(ws->key_pem, strlen(ws->key_pem));
	free(ws->key_pem);
	free(ws->cert_pem);
	free(ws);
}
