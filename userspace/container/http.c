/* SPDX-License-Identifier: Apache-2.0 */
/*
 * HTTP/1.1 GET to a container runtime over its unix socket, with libcurl
 * (it handles the chunked bodies Podman sends).  Only the worker thread
 * calls this.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "container/container_int.h"
#include "util/sbuf.h"

struct body {
	struct sbuf	 sb;
	int		 toolarge;
};

static size_t
on_data(char *p, size_t size, size_t n, void *arg)
{
	struct body *b = arg;

	if (b->sb.len + size * n > CM_HTTP_MAX_BODY) {
		b->toolarge = 1;
		return 0;
	}
	sbuf_put(&b->sb, p, size * n);
	return size * n;
}

static int
on_progress(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut,
    curl_off_t un)
{
	const volatile int *stop = arg;

	return *stop != 0;
}

enum cm_http_result
cm_http_get(const char *sock, const char *path, int timeout_ms,
    const volatile int *stop, char **bodyp, size_t *lenp, long *statusp)
{
	struct body b = { SBUF_INIT, 0 };
	struct stat st;
	enum cm_http_result r;
	char url[512];
	CURL *c;
	CURLcode cc;
	long status = 0;

	*bodyp = NULL;
	*lenp = 0;
	*statusp = 0;
	if (stat(sock, &st) == -1 || !S_ISSOCK(st.st_mode))
		return CM_HTTP_NOSOCKET;
	if ((c = curl_easy_init()) == NULL)
		return CM_HTTP_DOWN;
	/*
	 * The host part is never resolved: the connection goes to the unix
	 * socket.  Proxies from the environment are turned off so that
	 * nothing can redirect the request elsewhere.
	 */
	(void)snprintf(url, sizeof(url), "http://localhost%s", path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, sock);
	curl_easy_setopt(c, CURLOPT_PROXY, "");
	curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)timeout_ms);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, (void *)(uintptr_t)stop);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	cc = curl_easy_perform(c);
	if (cc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(c);

	if (cc == CURLE_ABORTED_BY_CALLBACK && *stop)
		r = CM_HTTP_ABORTED;
	else if (cc != CURLE_OK || b.toolarge)
		r = CM_HTTP_DOWN;
	else if (status >= 200 && status < 300)
		r = CM_HTTP_OK;
	else if (status == 404)
		r = CM_HTTP_NOTFOUND;
	else
		r = CM_HTTP_ERROR;
	if (r == CM_HTTP_OK || r == CM_HTTP_NOTFOUND || r == CM_HTTP_ERROR) {
		*lenp = b.sb.len;
		*bodyp = sbuf_detach(&b.sb);
	}
	sbuf_free(&b.sb);
	*statusp = status;
	return r;
}
