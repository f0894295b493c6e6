/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer harness for alert rendering: the input supplies the output
 * text, field names and values, tags and format flags; every JSON line
 * must parse back with json-c in strict, UTF-8 validating mode, and no
 * line may contain a raw newline.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "outputs/outputs.h"
#include "util/sbuf.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Next NUL-separated piece of the input, as a NUL-terminated copy. */
static char *
piece(const uint8_t **p, const uint8_t *end, size_t *len)
{
	const uint8_t *z = memchr(*p, 0, (size_t)(end - *p));
	size_t n = z != NULL ? (size_t)(z - *p) : (size_t)(end - *p);
	char *s = malloc(n + 1);

	memcpy(s, *p, n);
	s[n] = '\0';
	*p += z != NULL ? n + 1 : n;
	*len = n;
	return s;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data + 1, *end = data + size;
	struct json_tokener *tok;
	struct json_object *o;
	struct alert_format f;
	struct alert *a;
	struct sbuf sb = SBUF_INIT;
	char *name, *val;
	size_t nlen, vlen;
	uint8_t flags;
	int i;

	if (size < 1)
		return 0;
	flags = data[0];
	a = alert_new((uint64_t)size * 1000000007ULL, flags % 8, "rule",
	    (flags & 0x80) ? ALERT_SOURCE_INTERNAL : "syscall");
	val = piece(&p, end, &vlen);
	alert_set_output(a, val);
	free(val);
	for (i = 0; p < end && i < 64; i++) {
		name = piece(&p, end, &nlen);
		val = piece(&p, end, &vlen);
		switch (i % 4) {
		case 0:
			alert_field_strn(a, name, val, vlen);
			break;
		case 1:
			alert_add_tag(a, val);
			break;
		case 2:
			alert_field_int(a, name, (int64_t)vlen - 3);
			break;
		default:
			alert_field_null(a, name);
			break;
		}
		free(name);
		free(val);
	}
	alert_format_defaults(&f);
	f.json = 1;
	f.time_iso8601 = (flags & 0x08) != 0;
	f.include_message = (flags & 0x10) != 0;
	f.include_tags = (flags & 0x20) != 0;
	f.hostname = "fuzz";
	alert_render(a, &f, &sb);
	if (memchr(sb.buf, '\n', sb.len) != NULL)
		abort();
	tok = json_tokener_new();
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
	    JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, sb.buf, (int)sb.len);
	if (o == NULL || json_tokener_get_parse_end(tok) != sb.len)
		abort();
	json_object_put(o);
	json_tokener_free(tok);
	/* The text form must not break lines either. */
	sbuf_reset(&sb);
	f.json = 0;
	alert_render(a, &f, &sb);
	if (memchr(sb.buf, '\n', sb.len) != NULL)
		abort();
	sbuf_free(&sb);
	alert_free(a);
	return 0;
}
