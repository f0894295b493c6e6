/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The mock runtime API of mockapi.h.  Locking: m->mu guards the routes,
 * the settings and the request log; the server thread never holds it
 * while it waits or writes.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mockapi.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"

#define MAX_ROUTES	32
#define MAX_LOG		1024

struct route {
	char	*path;
	int	 status;
	char	*body;
};

struct mockapi {
	pthread_mutex_t	 mu;
	pthread_t	 thr;
	int		 lfd;
	int		 stopfd[2];
	char		*path;
	struct route	 routes[MAX_ROUTES];
	int		 nroutes;
	int		 delay_ms;
	int		 silent;
	int		 chunked;
	char		*log[MAX_LOG];
	int		 nlog;
};

/* Wait for fd to be readable or for the stop pipe; 1 readable, 0 not. */
static int
wait_fd(struct mockapi *m, int fd, int timeout_ms)
{
	struct pollfd p[2];
	int n = 1;

	p[0].fd = m->stopfd[0];
	p[0].events = POLLIN;
	if (fd >= 0) {
		p[1].fd = fd;
		p[1].events = POLLIN;
		n = 2;
	}
	if (poll(p, (nfds_t)n, timeout_ms) <= 0)
		return 0;
	if (p[0].revents != 0)
		return -1;
	return n == 2 && p[1].revents != 0;
}

static void
write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, p, n)) <= 0) {
			if (w == -1 && errno == EINTR)
				continue;
			return;
		}
		p += w;
		n -= (size_t)w;
	}
}

static void
serve(struct mockapi *m, int fd)
{
	struct sbuf req = SBUF_INIT, out = SBUF_INIT;
	char buf[4096], path[1024], *body = NULL;
	int status = 404, delay, silent, chunked, i;
	ssize_t n;

	while (strstr(sbuf_str(&req), "\r\n\r\n") == NULL) {
		if (wait_fd(m, fd, 5000) != 1)
			goto out;
		if ((n = read(fd, buf, sizeof(buf))) <= 0)
			goto out;
		sbuf_put(&req, buf, (size_t)n);
	}
	if (sscanf(sbuf_str(&req), "GET %1023s HTTP/1.1", path) != 1)
		goto out;

	pthread_mutex_lock(&m->mu);
	if (m->nlog < MAX_LOG)
		m->log[m->nlog++] = xstrdup(path);
	for (i = 0; i < m->nroutes; i++)
		if (strcmp(m->routes[i].path, path) == 0) {
			status = m->routes[i].status;
			body = xstrdup(m->routes[i].body);
		}
	delay = m->delay_ms;
	silent = m->silent;
	chunked = m->chunked;
	pthread_mutex_unlock(&m->mu);
	if (body == NULL)
		body = xstrdup("{\"message\":\"no such container\"}");

	if (silent) {
		/* Hold the connection until the client gives up. */
		while (wait_fd(m, fd, 1000) == 0)
			;
		goto out;
	}
	if (delay > 0 && wait_fd(m, -1, delay) == -1)
		goto out;
	sbuf_printf(&out, "HTTP/1.1 %d %s\r\nContent-Type: application/json"
	    "\r\nConnection: close\r\n", status, status == 200 ? "OK" :
	    "Not Found");
	if (chunked) {
		size_t half = strlen(body) / 2;

		sbuf_printf(&out, "Transfer-Encoding: chunked\r\n\r\n");
		sbuf_printf(&out, "%zx\r\n%.*s\r\n", half, (int)half, body);
		sbuf_printf(&out, "%zx\r\n%s\r\n0\r\n\r\n",
		    strlen(body) - half, body + half);
	} else
		sbuf_printf(&out, "Content-Length: %zu\r\n\r\n%s",
		    strlen(body), body);
	write_all(fd, sbuf_str(&out), out.len);
out:
	free(body);
	sbuf_free(&req);
	sbuf_free(&out);
}

static void *
server(void *arg)
{
	struct mockapi *m = arg;
	int fd, r;

	for (;;) {
		if ((r = wait_fd(m, m->lfd, 1000)) == -1)
			break;
		if (r == 0)
			continue;
		if ((fd = accept(m->lfd, NULL, NULL)) == -1)
			continue;
		serve(m, fd);
		close(fd);
	}
	return NULL;
}

struct mockapi *
mockapi_start(const char *path)
{
	struct sockaddr_un sun;
	struct mockapi *m;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path))
		return NULL;
	strcpy(sun.sun_path, path);
	m = xcalloc(1, sizeof(*m));
	pthread_mutex_init(&m->mu, NULL);
	m->path = xstrdup(path);
	(void)unlink(path);
	if ((m->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    bind(m->lfd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    listen(m->lfd, 16) == -1 || pipe2(m->stopfd, O_CLOEXEC) == -1 ||
	    pthread_create(&m->thr, NULL, server, m) != 0) {
		if (m->lfd != -1)
			close(m->lfd);
		free(m->path);
		free(m);
		return NULL;
	}
	return m;
}

void
mockapi_route(struct mockapi *m, const char *path, int status,
    const char *body)
{
	int i;

	pthread_mutex_lock(&m->mu);
	for (i = 0; i < m->nroutes; i++)
		if (strcmp(m->routes[i].path, path) == 0)
			break;
	if (i == m->nroutes) {
		if (i == MAX_ROUTES) {
			pthread_mutex_unlock(&m->mu);
			return;
		}
		m->routes[i].path = xstrdup(path);
		m->nroutes++;
	} else
		free(m->routes[i].body);
	m->routes[i].status = status;
	m->routes[i].body = xstrdup(body);
	pthread_mutex_unlock(&m->mu);
}

int
mockapi_route_file(struct mockapi *m, const char *path, const char *file)
{
	struct sbuf sb = SBUF_INIT;
	char buf[4096];
	size_t n;
	FILE *f;

	if ((f = fopen(file, "r")) == NULL)
		return -1;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sbuf_put(&sb, buf, n);
	fclose(f);
	mockapi_route(m, path, 200, sbuf_str(&sb));
	sbuf_free(&sb);
	return 0;
}

void
mockapi_set_delay(struct mockapi *m, int ms)
{
	pthread_mutex_lock(&m->mu);
	m->delay_ms = ms;
	pthread_mutex_unlock(&m->mu);
}

void
mockapi_set_silent(struct mockapi *m, int on)
{
	pthread_mutex_lock(&m->mu);
	m->silent = on;
	pthread_mutex_unlock(&m->mu);
}

void
mockapi_set_chunked(struct mockapi *m, int on)
{
	pthread_mutex_lock(&m->mu);
	m->chunked = on;
	pthread_mutex_unlock(&m->mu);
}

int
mockapi_count(struct mockapi *m, const char *prefix)
{
	int i, n = 0;

	pthread_mutex_lock(&m->mu);
	for (i = 0; i < m->nlog; i++)
		if (strncmp(m->log[i], prefix, strlen(prefix)) == 0)
			n++;
	pthread_mutex_unlock(&m->mu);
	return n;
}

void
mockapi_stop(struct mockapi *m)
{
	int i;

	if (m == NULL)
		return;
	write_all(m->stopfd[1], "x", 1);
	pthread_join(m->thr, NULL);
	close(m->lfd);
	close(m->stopfd[0]);
	close(m->stopfd[1]);
	(void)unlink(m->path);
	for (i = 0; i < m->nroutes; i++) {
		free(m->routes[i].path);
		free(m->routes[i].body);
	}
	for (i = 0; i < m->nlog; i++)
		free(m->log[i]);
	pthread_mutex_destroy(&m->mu);
	free(m->path);
	free(m);
}
