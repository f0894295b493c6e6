/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The JSON writer of util/json.h.  Escaping runs on every alert, on the
 * event thread: plain bytes are copied in runs, not one at a time.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/json.h"
#include "util/sbuf.h"

/*
 * Length of the well-formed UTF-8 sequence at p (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or 0.
 */
static size_t
utf8_len(const unsigned char *p, size_t n)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (n < len)
		return 0;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

/*
 * The next unit of s as printed: the UTF-8 sequence at *s, or U+FFFD for
 * a byte that does not start one.  Sets *p to its bytes, returns their
 * count (0 at the end) and advances *s.
 */
static size_t
utf8_unit(const char **s, const unsigned char **p)
{
	static const unsigned char repl[] = { 0xef, 0xbf, 0xbd };
	const unsigned char *u = (const unsigned char *)*s;
	size_t l;

	if (*u == '\0')
		return 0;
	if ((l = utf8_len(u, strnlen(*s, 4))) == 0) {
		*p = repl;
		*s += 1;
		return sizeof(repl);
	}
	*p = u;
	*s += l;
	return l;
}

int
json_utf8_cmp(const char *a, const char *b)
{
	const unsigned char *pa = NULL, *pb = NULL;
	size_t la = 0, lb = 0;

	for (;;) {
		if (la == 0)
			la = utf8_unit(&a, &pa);
		if (lb == 0)
			lb = utf8_unit(&b, &pb);
		if (la == 0 || lb == 0)
			return (la != 0) - (lb != 0);
		if (*pa != *pb)
			return *pa < *pb ? -1 : 1;
		pa++, la--;
		pb++, lb--;
	}
}

/* The escape for an ASCII byte that needs one, in esc[7]; its length. */
static size_t
ascii_escape(unsigned char c, char esc[7])
{
	static const char hex[] = "0123456789abcdef";

	esc[0] = '\\';
	switch (c) {
	case '"':
	case '\\':
		esc[1] = (char)c;
		return 2;
	case '\b':
		esc[1] = 'b';
		return 2;
	case '\f':
		esc[1] = 'f';
		return 2;
	case '\n':
		esc[1] = 'n';
		return 2;
	case '\r':
		esc[1] = 'r';
		return 2;
	case '\t':
		esc[1] = 't';
		return 2;
	}
	esc[1] = 'u';
	esc[2] = '0';
	esc[3] = '0';
	esc[4] = hex[c >> 4];
	esc[5] = hex[c & 0xf];
	return 6;
}

void
json_put_escaped(struct sbuf *sb, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0, l;
	char esc[7];

	sbuf_reserve(sb, len + 2);
	while (i < len) {
		unsigned char c = p[i];

		if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
			run++;
			i++;
			continue;
		}
		if (run > 0) {
			sbuf_put(sb, p + i - run, run);
			run = 0;
		}
		if (c < 0x80) {
			sbuf_put(sb, esc, ascii_escape(c, esc));
			i++;
		} else if ((l = utf8_len(p + i, len - i)) == 0) {
			sbuf_put(sb, "\xef\xbf\xbd", 3);
			i++;
		} else {
			sbuf_put(sb, p + i, l);
			i += l;
		}
	}
	if (run > 0)
		sbuf_put(sb, p + i - run, run);
}

void
json_put_strn(struct sbuf *sb, const char *s, size_t len)
{
	sbuf_putc(sb, '"');
	json_put_escaped(sb, s, len);
	sbuf_putc(sb, '"');
}

void
json_put_str(struct sbuf *sb, const char *s)
{
	if (s == NULL)
		json_put_null(sb);
	else
		json_put_strn(sb, s, strlen(s));
}

void
json_put_key(struct sbuf *sb, const char *key)
{
	json_put_str(sb, key);
	sbuf_putc(sb, ':');
}

void
json_put_double(struct sbuf *sb, double d)
{
	char buf[40];
	int prec;

	if (!isfinite(d)) {
		json_put_null(sb);
		return;
	}
	for (prec = 1; prec <= 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	sbuf_puts(sb, buf);
	if (strpbrk(buf, ".eE") == NULL)
		sbuf_puts(sb, ".0");
}

void
json_put_int(struct sbuf *sb, int64_t v)
{
	sbuf_printf(sb, "%" PRId64, v);
}

void
json_put_uint(struct sbuf *sb, uint64_t v)
{
	sbuf_printf(sb, "%" PRIu64, v);
}

void
json_put_bool(struct sbuf *sb, int v)
{
	sbuf_puts(sb, v ? "true" : "false");
}

void
json_put_null(struct sbuf *sb)
{
	sbuf_puts(sb, "null");
}
