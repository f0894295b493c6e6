/* SPDX-License-Identifier: Apache-2.0 */
/* Plain socket helpers for the outputs that do not speak HTTP. */
#ifndef SIDEKICK_NET_H
#define SIDEKICK_NET_H

#include <stddef.h>

struct sbuf;

/*
 * Split "host:port" or "[v6addr]:port" into newly allocated strings.
 * Returns 0, or -1 when there is no port.
 */
int	sk_net_split(const char *addr, char **host, char **port);

/*
 * Connect a SOCK_STREAM or SOCK_DGRAM socket to host and port (numeric
 * or resolved), giving up after timeout_ms; the socket's send and
 * receive timeouts are set to the same value.  Returns the descriptor,
 * or -1 with a reason appended to err.
 */
int	sk_net_connect(const char *host, const char *port, int socktype,
	    long timeout_ms, struct sbuf *err);

/* Connect to an AF_UNIX socket path, stream or datagram. */
int	sk_net_connect_unix(const char *path, int socktype, long timeout_ms,
	    struct sbuf *err);

/* Write everything; returns 0 or -1 (errno set). */
int	sk_net_write_all(int fd, const void *buf, size_t len);

#endif /* SIDEKICK_NET_H */
