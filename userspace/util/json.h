/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A small JSON writer on top of struct sbuf, for output whose exact bytes
 * matter (Falco's alert JSON, falcosidekick payloads): member order and
 * number formats are the caller's, the string escaping is ours and is the
 * same everywhere.  Parsing is json-c's business, not this file's.
 *
 * Strings are escaped the way Falco writes them: '"' and '\\' with a
 * backslash, \b \f \n \r \t by their short escapes, the other control
 * bytes below 0x20 as \u00XX (lowercase hex), DEL and '/' as they are.
 * Well-formed UTF-8 (RFC 3629) is copied; every byte that does not start
 * one becomes U+FFFD, so the result is valid JSON and valid UTF-8 for
 * any input bytes, including NUL.
 */
#ifndef UTIL_JSON_H
#define UTIL_JSON_H

#include <stddef.h>
#include <stdint.h>

struct sbuf;

/* Append the escaped bytes of s[0..len) without the quotes. */
void	json_put_escaped(struct sbuf *sb, const char *s, size_t len);

/* Append s[0..len) as a quoted JSON string. */
void	json_put_strn(struct sbuf *sb, const char *s, size_t len);

/* Append the NUL-terminated s as a quoted JSON string; NULL as null. */
void	json_put_str(struct sbuf *sb, const char *s);

/* Append "key": (key quoted like any string). */
void	json_put_key(struct sbuf *sb, const char *key);

/*
 * Append d as the shortest %g text that reads back as the same double,
 * with ".0" added when that text looks like an integer; null when d is
 * not finite (JSON has no NaN or infinity).
 */
void	json_put_double(struct sbuf *sb, double d);

/*
 * strcmp() of a and b as this writer will print them: every byte that
 * does not start well-formed UTF-8 compares as U+FFFD.  Sorting keys with
 * it gives the order that the printed document sorts to again.
 */
int	json_utf8_cmp(const char *a, const char *b);

void	json_put_int(struct sbuf *sb, int64_t v);
void	json_put_uint(struct sbuf *sb, uint64_t v);
/* Append true or false. */
void	json_put_bool(struct sbuf *sb, int v);
void	json_put_null(struct sbuf *sb);

#endif /* UTIL_JSON_H */
