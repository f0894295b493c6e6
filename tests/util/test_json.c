/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The JSON writer of util/json.h: the exact bytes of every escape, U+FFFD
 * for each byte of invalid UTF-8, numbers, and every string read back by
 * json-c in strict, UTF-8 checking mode.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <json-c/json.h>

#include "../lib/testjson.h"
#include "util/json.h"
#include "util/sbuf.h"

/* Input bytes, the string json-c must decode, and our exact body. */
static const struct {
	const char	*in;
	size_t		 inlen;
	const char	*decoded;
	size_t		 declen;
	const char	*encoded;	/* the body we emit, or NULL */
} esc_cases[] = {
	{ "plain", 5, "plain", 5, "plain" },
	{ "", 0, "", 0, "" },
	{ "q\"b\\s/", 6, "q\"b\\s/", 6, "q\\\"b\\\\s/" },
	{ "\b\f\n\r\t", 5, "\b\f\n\r\t", 5, "\\b\\f\\n\\r\\t" },
	{ "\x01\x1f\x7f", 3, "\x01\x1f\x7f", 3, "\\u0001\\u001f\x7f" },
	{ "\x0b\x1b", 2, "\x0b\x1b", 2, "\\u000b\\u001b" },
	{ "nul\0in", 6, "nul\0in", 6, "nul\\u0000in" },
	{ "caf\xc3\xa9", 5, "caf\xc3\xa9", 5, "caf\xc3\xa9" },
	{ "\xf0\x9f\x94\xa5", 4, "\xf0\x9f\x94\xa5", 4, NULL },
	/* lone continuation byte */
	{ "a\x80z", 3, "a\xef\xbf\xbdz", 5, "a\xef\xbf\xbdz" },
	/* truncated 3-byte sequence at the end */
	{ "x\xe2\x82", 3, "x\xef\xbf\xbd\xef\xbf\xbd", 7, NULL },
	/* overlong encoding of '/' */
	{ "\xc0\xaf", 2, "\xef\xbf\xbd\xef\xbf\xbd", 6, NULL },
	/* UTF-16 surrogate encoded in UTF-8 */
	{ "\xed\xa0\x80", 3, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", 9,
	    NULL },
	/* above U+10FFFF */
	{ "\xf4\x90\x80\x80", 4,
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", 12, NULL },
	{ "\xff\xfe", 2, "\xef\xbf\xbd\xef\xbf\xbd", 6, NULL },
};

static void
test_json_string_escaping(void **state)
{
	struct sbuf sb = SBUF_INIT, body = SBUF_INIT;
	struct json_object *o;
	size_t i;

	for (i = 0; i < sizeof(esc_cases) / sizeof(esc_cases[0]); i++) {
		sbuf_reset(&sb);
		sbuf_reset(&body);
		json_put_strn(&sb, esc_cases[i].in, esc_cases[i].inlen);
		json_put_escaped(&body, esc_cases[i].in, esc_cases[i].inlen);
		/* The quoted form is the body between two quotes. */
		assert_int_equal(sb.len, body.len + 2);
		assert_int_equal(sb.buf[0], '"');
		assert_int_equal(sb.buf[sb.len - 1], '"');
		assert_memory_equal(sb.buf + 1, body.buf, body.len);
		if (esc_cases[i].encoded != NULL) {
			assert_int_equal(body.len,
			    strlen(esc_cases[i].encoded));
			assert_memory_equal(body.buf, esc_cases[i].encoded,
			    body.len);
		}
		o = tu_json_strict(sb.buf);
		assert_int_equal(json_object_get_string_len(o),
		    esc_cases[i].declen);
		assert_memory_equal(json_object_get_string(o),
		    esc_cases[i].decoded, esc_cases[i].declen);
		json_object_put(o);
	}
	sbuf_free(&sb);
	sbuf_free(&body);
}

/* json_put_str() stops at the NUL; NULL is null; keys end in ':'. */
static void
test_json_cstr_and_key(void **state)
{
	struct sbuf sb = SBUF_INIT;

	json_put_str(&sb, "a\tb");
	sbuf_putc(&sb, ',');
	json_put_str(&sb, NULL);
	sbuf_putc(&sb, ',');
	json_put_key(&sb, "k\"1");
	json_put_null(&sb);
	assert_string_equal(sbuf_str(&sb), "\"a\\tb\",null,\"k\\\"1\":null");
	sbuf_free(&sb);
}

static const struct {
	double		 d;
	const char	*text;
} dbl_cases[] = {
	{ 0.0, "0.0" },
	{ -0.0, "-0.0" },
	{ 1.0, "1.0" },
	{ 0.5, "0.5" },
	{ 0.1, "0.1" },
	{ 1.0 / 3.0, "0.3333333333333333" },
	{ 123456789.0, "123456789.0" },
	{ 1e21, "1e+21" },
	{ -2.5e-7, "-2.5e-07" },
	{ 1.7976931348623157e308, "1.7976931348623157e+308" },
};

/* Keys compare as printed: a byte that is not UTF-8 is U+FFFD (ef bf bd). */
static void
test_json_utf8_cmp(void **state)
{
	(void)state;
	assert_int_equal(json_utf8_cmp("abc", "abc"), 0);
	assert_true(json_utf8_cmp("abc", "abd") < 0);
	assert_true(json_utf8_cmp("ab", "abc") < 0);
	assert_true(json_utf8_cmp("abc", "ab") > 0);
	/* 0xc1 0x8d is overlong: two U+FFFD, as is 0xff 0xfe. */
	assert_int_equal(json_utf8_cmp("a\xc1\x8dz", "a\xff\xfez"), 0);
	assert_int_equal(json_utf8_cmp("a\xc1z", "a\xef\xbf\xbdz"), 0);
	/* strcmp puts "\xc1" before "\xe2\x82\xac"; printed, U+20AC comes
	   before U+FFFD. */
	assert_true(strcmp("\xc1", "\xe2\x82\xac") < 0);
	assert_true(json_utf8_cmp("\xc1", "\xe2\x82\xac") > 0);
	/* A truncated sequence at the end is U+FFFD too. */
	assert_int_equal(json_utf8_cmp("x\xe2\x82", "x\xef\xbf\xbd\xef\xbf\xbd"),
	    0);
}

static void
test_json_numbers(void **state)
{
	struct sbuf sb = SBUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(dbl_cases) / sizeof(dbl_cases[0]); i++) {
		sbuf_reset(&sb);
		json_put_double(&sb, dbl_cases[i].d);
		assert_string_equal(sbuf_str(&sb), dbl_cases[i].text);
	}
	sbuf_reset(&sb);
	json_put_double(&sb, NAN);
	sbuf_putc(&sb, ',');
	json_put_double(&sb, -INFINITY);
	sbuf_putc(&sb, ',');
	json_put_int(&sb, INT64_MIN);
	sbuf_putc(&sb, ',');
	json_put_uint(&sb, UINT64_MAX);
	sbuf_putc(&sb, ',');
	json_put_bool(&sb, 7);
	sbuf_putc(&sb, ',');
	json_put_bool(&sb, 0);
	assert_string_equal(sbuf_str(&sb), "null,null,"
	    "-9223372036854775808,18446744073709551615,true,false");
	sbuf_free(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_string_escaping),
		cmocka_unit_test(test_json_cstr_and_key),
		cmocka_unit_test(test_json_numbers),
		cmocka_unit_test(test_json_utf8_cmp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
