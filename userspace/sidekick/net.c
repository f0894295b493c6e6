/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "sidekick/net.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"

int
sk_net_split(const char *addr, char **host, char **port)
{
	const char *colon;

	if (addr[0] == '[') {
		const char *end = strchr(addr, ']');

		if (end == NULL || end[1] != ':' || end[2] == '\0')
			return -1;
		*host = xstrndup(addr + 1, end - addr - 1);
		*port = xstrdup(end + 2);
		return 0;
	}
	colon = strrchr(addr, ':');
	if (colon == NULL || colon[1] == '\0' || colon == addr)
		return -1;
	*host = xstrndup(addr, colon - addr);
	*port = xstrdup(colon + 1);
	return 0;
}

static void
set_timeouts(int fd, long ms)
{
	struct timeval tv;

	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* connect() with a deadline, on a socket made non-blocking for it. */
static int
connect_timed(int fd, const struct sockaddr *sa, socklen_t len, long ms)
{
	int fl = fcntl(fd, F_GETFL), rc, soerr = 0;
	socklen_t sl = sizeof(soerr);
	struct pollfd p;

	fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	rc = connect(fd, sa, len);
	if (rc != 0 && errno == EINPROGRESS) {
		p.fd = fd;
		p.events = POLLOUT;
		rc = poll(&p, 1, (int)ms);
		if (rc == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (rc < 0)
			return -1;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0)
			return -1;
		if (soerr != 0) {
			errno = soerr;
			return -1;
		}
		rc = 0;
	}
	fcntl(fd, F_SETFL, fl);
	return rc;
}

int
sk_net_connect(const char *host, const char *port, int socktype,
    long timeout_ms, struct sbuf *err)
{
	struct addrinfo hints, *res, *ai;
	int fd = -1, rc, saved = 0;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = socktype;
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0) {
		sbuf_printf(err, "%s:%s: %s", host, port, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (fd < 0) {
			saved = errno;
			continue;
		}
		if (connect_timed(fd, ai->ai_addr, ai->ai_addrlen,
		    timeout_ms) == 0)
			break;
		saved = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		sbuf_printf(err, "connect %s:%s: %s", host, port,
		    strerror(saved));
		return -1;
	}
	set_timeouts(fd, timeout_ms);
	return fd;
}

int
sk_net_connect_unix(const char *path, int socktype, long timeout_ms,
    struct sbuf *err)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		sbuf_printf(err, "%s: path too long", path);
		return -1;
	}
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, socktype | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun,
	    sizeof(sun)) != 0) {
		sbuf_printf(err, "connect %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	set_timeouts(fd, timeout_ms);
	return fd;
}

int
sk_net_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t w = send(fd, p, len, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == ENOTSOCK)
			w = write(fd, p, len);
		if (w <= 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}
