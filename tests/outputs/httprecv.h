/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A test HTTP receiver on 127.0.0.1 (libmicrohttpd, one thread per
 * connection) that records every request and can answer with an error
 * status or stall before answering, to play a failing alert receiver.
 */
#ifndef TESTS_OUTPUTS_HTTPRECV_H
#define TESTS_OUTPUTS_HTTPRECV_H

#include <stddef.h>

struct httprecv;

struct httprecv_req {
	char		*path;
	char		*body;
	size_t		 len;
	char		*content_type;
	char		*user_agent;
	unsigned	 status;	/* what we answered */
	int		 stalled;
	int		 client_verified; /* TLS client cert checked OK */
};

/*
 * Listen on 127.0.0.1:port (0: any free port).  With key_pem and
 * cert_pem (PEM text) the receiver speaks HTTPS; with trust_pem too it
 * asks for a client certificate and records whether it verified
 * against trust_pem.  NULL on failure.
 */
struct httprecv *httprecv_start(unsigned port, const char *key_pem,
	    const char *cert_pem, const char *trust_pem);
unsigned httprecv_port(const struct httprecv *r);
/* Answer `status` to the next `count` requests (-1: all), then 200. */
void	httprecv_fail(struct httprecv *r, unsigned status, int count);
/* Stall the next `count` requests (-1: all) for ms before answering. */
void	httprecv_stall(struct httprecv *r, unsigned ms, int count);
/* Requests seen, and requests answered 200 without a stall. */
size_t	httprecv_nreq(struct httprecv *r);
size_t	httprecv_nok(struct httprecv *r);
/* Wait until nok reaches n; 0, or -1 after timeout_ms. */
int	httprecv_wait_ok(struct httprecv *r, size_t n, unsigned timeout_ms);
/* A copy of request i (free with httprecv_req_free), or -1. */
int	httprecv_get(struct httprecv *r, size_t i, struct httprecv_req *out);
/* The body of the i-th request answered 200 (malloc'd), or NULL. */
char	*httprecv_ok_body(struct httprecv *r, size_t i);
void	httprecv_req_free(struct httprecv_req *q);
void	httprecv_stop(struct httprecv *r);

#endif /* TESTS_OUTPUTS_HTTPRECV_H */
