/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A growable byte buffer for building text (alert lines, JSON, reports).
 * The struct is public so that a buffer can live on the stack and be
 * reused across events without allocating: sbuf_reset() keeps the memory.
 * The contents are always NUL-terminated after any sbuf_* call.
 */
#ifndef UTIL_SBUF_H
#define UTIL_SBUF_H

#include <stdarg.h>
#include <stddef.h>

struct sbuf {
	char	*buf;
	size_t	 len;
	size_t	 cap;
};

#define SBUF_INIT	{ NULL, 0, 0 }

void	sbuf_reset(struct sbuf *sb);
void	sbuf_free(struct sbuf *sb);
void	sbuf_reserve(struct sbuf *sb, size_t more);
void	sbuf_put(struct sbuf *sb, const void *data, size_t len);
void	sbuf_puts(struct sbuf *sb, const char *s);
void	sbuf_putc(struct sbuf *sb, char c);
void	sbuf_printf(struct sbuf *sb, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	sbuf_vprintf(struct sbuf *sb, const char *fmt, va_list ap);
/* Return the contents and leave the buffer empty; the caller frees. */
char	*sbuf_detach(struct sbuf *sb);
/* The contents; never NULL. */
const char *sbuf_str(const struct sbuf *sb);

#endif /* UTIL_SBUF_H */
