/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Allocation wrappers that never return NULL: running out of memory is
 * fatal for the daemon, which cannot do anything useful without it.
 * Use plain malloc() where a failure must be recoverable (for example on
 * a size read from untrusted input) and check it.
 */
#ifndef UTIL_XMALLOC_H
#define UTIL_XMALLOC_H

#include <stddef.h>

void	*xmalloc(size_t size);
void	*xcalloc(size_t nmemb, size_t size);
void	*xreallocarray(void *ptr, size_t nmemb, size_t size);
char	*xstrdup(const char *s);
char	*xstrndup(const char *s, size_t n);
int	 xasprintf(char **ret, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#endif /* UTIL_XMALLOC_H */
