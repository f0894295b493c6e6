/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "util/log.h"
#include "util/sbuf.h"

static void
test_sbuf_grows_and_resets(void **state)
{
	struct sbuf sb = SBUF_INIT;
	int i;

	assert_string_equal(sbuf_str(&sb), "");
	for (i = 0; i < 1000; i++)
		sbuf_printf(&sb, "%d,", i);
	assert_int_equal(sb.len, 3890);
	assert_memory_equal(sb.buf + sb.len - 4, "999,", 4);
	sbuf_reset(&sb);
	assert_int_equal(sb.len, 0);
	sbuf_puts(&sb, "ab");
	sbuf_putc(&sb, 'c');
	assert_string_equal(sbuf_str(&sb), "abc");
	sbuf_free(&sb);
}

static void
test_log_levels_parse(void **state)
{
	assert_int_equal(log_level_parse("debug"), LOG_DEBUG);
	assert_int_equal(log_level_parse("Warning"), LOG_WARNING);
	assert_int_equal(log_level_parse("info"), LOG_INFO);
	assert_int_equal(log_level_parse("emergency"), LOG_EMERG);
	assert_int_equal(log_level_parse("loud"), -1);
	assert_string_equal(log_level_name(LOG_ERR), "error");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sbuf_grows_and_resets),
		cmocka_unit_test(test_log_levels_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
