/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A stand-in for a container runtime's Docker API on a unix socket, for
 * tests.  One thread serves one connection at a time; routes map an
 * exact path to a status and a body.  It can answer late, or read a
 * request and never answer at all.
 */
#ifndef TESTS_CONTAINER_MOCKAPI_H
#define TESTS_CONTAINER_MOCKAPI_H

struct mockapi;

/* Listen at path (created; an old file there is removed).  NULL on error. */
struct mockapi *mockapi_start(const char *path);

/* Serve body with status at path (replaces an earlier route). */
void	mockapi_route(struct mockapi *m, const char *path, int status,
	    const char *body);

/* Serve the contents of a file (read now) at path with status 200. */
int	mockapi_route_file(struct mockapi *m, const char *path,
	    const char *file);

/* Wait ms before each answer. */
void	mockapi_set_delay(struct mockapi *m, int ms);

/* Read requests but never answer them. */
void	mockapi_set_silent(struct mockapi *m, int on);

/* Send bodies with chunked transfer encoding instead of a length. */
void	mockapi_set_chunked(struct mockapi *m, int on);

/* Requests received so far whose path starts with prefix. */
int	mockapi_count(struct mockapi *m, const char *prefix);

/* Stop serving, remove the socket file and free everything. */
void	mockapi_stop(struct mockapi *m);

#endif /* TESTS_CONTAINER_MOCKAPI_H */
