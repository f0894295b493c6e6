/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internals shared by the files of the container module.
 */
#ifndef CONTAINER_CONTAINER_INT_H
#define CONTAINER_CONTAINER_INT_H

#include <stddef.h>

#include "container/container.h"

/* A response body larger than this is refused (inspect is a few KB). */
#define CM_HTTP_MAX_BODY	(4u << 20)

enum cm_http_result {
	CM_HTTP_OK,		/* 2xx, body filled */
	CM_HTTP_NOTFOUND,	/* 404: the runtime does not know the id */
	CM_HTTP_ERROR,		/* other status: the runtime answered */
	CM_HTTP_NOSOCKET,	/* no socket at the path */
	CM_HTTP_DOWN,		/* refused, timed out, or not HTTP */
	CM_HTTP_ABORTED,	/* the module is shutting down */
};

/*
 * GET path over the unix socket sock, within timeout_ms.  *stop is read
 * during the transfer: non-zero aborts it.  On CM_HTTP_OK (and ERROR,
 * NOTFOUND) *body holds the NUL-terminated body (caller frees).
 */
enum cm_http_result cm_http_get(const char *sock, const char *path,
	    int timeout_ms, const volatile int *stop, char **body,
	    size_t *len, long *status);

/* Give rec the pod labels found on its sandbox's record. */
void	cm_rec_set_pod_labels(struct container_rec *rec,
	    const struct container_rec *sandbox);

/* Is s 12..64 lowercase or uppercase hex digits?  1 or 0. */
int	cm_valid_id(const char *s);

#endif /* CONTAINER_CONTAINER_INT_H */
