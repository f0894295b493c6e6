/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Alert rendering: Falco's text line and JSON object, member order,
 * optional members, internal alerts, and hostile bytes in the strings
 * (every line is parsed back with json-c in strict, UTF-8 checking mode;
 * the escaping itself is tested in tests/util/test_json.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include <json-c/json.h>

#include "../lib/testjson.h"
#include "outputs/outputs.h"
#include "util/log.h"
#include "util/sbuf.h"

/* 2023-11-14T22:13:20.123456789Z */
#define T0	1700000000123456789ULL

static struct alert *
sample_alert(void)
{
	struct alert *a;

	a = alert_new(T0, ALERT_WARNING, "Read sensitive file", "syscall");
	alert_set_output(a, "Sensitive file opened (file=/etc/shadow)");
	alert_add_tag(a, "filesystem");
	alert_add_tag(a, "T1555");
	alert_add_tag(a, "filesystem");
	alert_field_int(a, "proc.pid", 42);
	alert_field_str(a, "fd.name", "/etc/shadow");
	alert_field_null(a, "user.name");
	return a;
}

static void
test_text_line(void **state)
{
	struct alert_format f;
	struct alert *a = sample_alert();
	struct sbuf sb = SBUF_INIT;

	alert_format_defaults(&f);
	alert_render(a, &f, &sb);
	assert_string_equal(sb.buf, "22:13:20.123456789: Warning Sensitive "
	    "file opened (file=/etc/shadow)");
	sbuf_reset(&sb);
	f.time_iso8601 = 1;
	alert_render(a, &f, &sb);
	assert_string_equal(sb.buf, "2023-11-14T22:13:20.123456789+0000: "
	    "Warning Sensitive file opened (file=/etc/shadow)");
	/* Control bytes are escaped as in JSON, even in text mode. */
	alert_set_output(a, "a\nb\t\"c\"");
	sbuf_reset(&sb);
	f.time_iso8601 = 0;
	alert_render(a, &f, &sb);
	assert_string_equal(sb.buf, "22:13:20.123456789: Warning "
	    "a\\nb\\t\\\"c\\\"");
	sbuf_free(&sb);
	alert_free(a);
}

static void
test_json_exact(void **state)
{
	struct alert_format f;
	struct alert *a = sample_alert();
	struct sbuf sb = SBUF_INIT;
	struct json_object *o;

	alert_format_defaults(&f);
	f.json = 1;
	f.hostname = "h1";
	alert_render(a, &f, &sb);
	assert_string_equal(sb.buf,
	    "{\"hostname\":\"h1\","
	    "\"output\":\"22:13:20.123456789: Warning Sensitive file opened "
	    "(file=/etc/shadow)\","
	    "\"output_fields\":{\"evt.time\":1700000000123456789,"
	    "\"fd.name\":\"/etc/shadow\",\"proc.pid\":42,\"user.name\":null},"
	    "\"priority\":\"Warning\",\"rule\":\"Read sensitive file\","
	    "\"source\":\"syscall\",\"tags\":[\"T1555\",\"filesystem\"],"
	    "\"time\":\"2023-11-14T22:13:20.123456789Z\"}");
	o = tu_json_strict(sb.buf);
	json_object_put(o);

	/* ISO time: evt.time.iso8601 in the fields; optional members. */
	sbuf_reset(&sb);
	f.time_iso8601 = 1;
	f.include_output = 0;
	f.include_tags = 0;
	f.include_message = 1;
	alert_set_hostname(a, "override");
	alert_render(a, &f, &sb);
	assert_string_equal(sb.buf,
	    "{\"hostname\":\"override\","
	    "\"message\":\"Sensitive file opened (file=/etc/shadow)\","
	    "\"output_fields\":{"
	    "\"evt.time.iso8601\":\"2023-11-14T22:13:20.123456789+0000\","
	    "\"fd.name\":\"/etc/shadow\",\"proc.pid\":42,\"user.name\":null},"
	    "\"priority\":\"Warning\",\"rule\":\"Read sensitive file\","
	    "\"source\":\"syscall\","
	    "\"time\":\"2023-11-14T22:13:20.123456789Z\"}");
	sbuf_reset(&sb);
	f.include_output_fields = 0;
	f.include_message = 0;
	alert_render(a, &f, &sb);
	assert_string_equal(sb.buf,
	    "{\"hostname\":\"override\",\"priority\":\"Warning\","
	    "\"rule\":\"Read sensitive file\",\"source\":\"syscall\","
	    "\"time\":\"2023-11-14T22:13:20.123456789Z\"}");
	sbuf_free(&sb);
	alert_free(a);
}

static void
test_field_types(void **state)
{
	struct alert_format f;
	struct alert *a = alert_new(5, ALERT_DEBUG, "r", "k8s_audit");
	struct sbuf sb = SBUF_INIT;
	struct json_object *o, *fields, *v;

	alert_field_uint(a, "u", UINT64_MAX);
	alert_field_int(a, "i", INT64_MIN);
	alert_field_double(a, "d", 0.1);
	alert_field_double(a, "whole", 3.0);
	alert_field_double(a, "nan", 0.0 / 0.0);
	alert_field_bool(a, "b", 1);
	alert_field_str(a, "s", "x");
	alert_field_int(a, "s", 7);	/* replaces, keeps position */
	assert_int_equal(a->nfields, 7);
	assert_int_equal(alert_field_find(a, "s")->type, AV_INT);
	alert_format_defaults(&f);
	f.json = 1;
	f.hostname = "h";
	alert_render(a, &f, &sb);
	assert_non_null(strstr(sb.buf, "\"b\":true,\"d\":0.1,"
	    "\"evt.time\":5,\"i\":-9223372036854775808,\"nan\":null,"
	    "\"s\":7,\"u\":18446744073709551615,\"whole\":3.0}"));
	assert_non_null(strstr(sb.buf, "\"time\":\"1970-01-01T00:00:00."
	    "000000005Z\""));
	o = tu_json_strict(sb.buf);
	fields = json_object_object_get(o, "output_fields");
	v = json_object_object_get(fields, "d");
	assert_true(json_object_get_double(v) == 0.1);
	json_object_put(o);
	sbuf_free(&sb);
	alert_free(a);
}

static void
test_internal_alert(void **state)
{
	struct alert_format f;
	struct alert *a;
	struct sbuf sb = SBUF_INIT;

	a = alert_new_internal(T0, ALERT_DEBUG, ALERT_RULE_DROPS,
	    "Falco internal: syscall event drop. 3 system calls dropped in "
	    "last second.");
	alert_field_str(a, "n_evts", "1000");
	alert_field_str(a, "n_drops", "3");
	alert_field_str(a, "ebpf_enabled", "1");
	alert_add_tag(a, "ignored");
	alert_format_defaults(&f);
	f.hostname = "h1";
	f.time_iso8601 = 1;	/* not used by internal text alerts */
	alert_render(a, &f, &sb);
	assert_string_equal(sb.buf, "22:13:20.123456789: Debug Falco "
	    "internal: syscall event drop. 3 system calls dropped in last "
	    "second. (ebpf_enabled=\"1\" n_drops=\"3\" n_evts=\"1000\")");
	sbuf_reset(&sb);
	f.json = 1;
	alert_render(a, &f, &sb);
	assert_string_equal(sb.buf, "{\"hostname\":\"h1\",\"output\":\"Falco "
	    "internal: syscall event drop. 3 system calls dropped in last "
	    "second.\",\"output_fields\":{\"ebpf_enabled\":\"1\","
	    "\"n_drops\":\"3\",\"n_evts\":\"1000\"},\"priority\":\"Debug\","
	    "\"rule\":\"Falco internal: syscall event drop\","
	    "\"source\":\"internal\","
	    "\"time\":\"2023-11-14T22:13:20.123456789Z\"}");
	/* A priority out of range renders as Debug, never crashes. */
	a->priority = 42;
	sbuf_reset(&sb);
	alert_render(a, &f, &sb);
	assert_non_null(strstr(sb.buf, "\"priority\":\"Debug\""));
	sbuf_free(&sb);
	alert_free(a);
}

/* Random bytes everywhere: every rendered line must stay valid JSON. */
static void
test_json_random_bytes(void **state)
{
	struct alert_format f;
	struct sbuf sb = SBUF_INIT;
	struct json_object *o, *v;
	struct alert *a;
	char buf[64], name[16];
	unsigned seed = 12345;
	int i, j, len;

	alert_format_defaults(&f);
	f.json = 1;
	f.include_message = 1;
	f.hostname = "h";
	for (i = 0; i < 2000; i++) {
		len = (int)(rand_r(&seed) % sizeof(buf));
		for (j = 0; j < len; j++)
			buf[j] = (char)(rand_r(&seed) & 0xff);
		a = alert_new(T0, i % 8, "rule", "syscall");
		alert_field_strn(a, "proc.cmdline", buf, (size_t)len);
		/* Field names and tags may also carry odd bytes. */
		snprintf(name, sizeof(name), "f\x01%c", (char)(0x80 + i % 64));
		alert_field_strn(a, name, buf, (size_t)(len / 2));
		buf[len > 0 ? len - 1 : 0] = '\0';
		alert_set_output(a, buf);
		alert_add_tag(a, buf);
		sbuf_reset(&sb);
		alert_render(a, &f, &sb);
		assert_null(memchr(sb.buf, '\n', sb.len));
		o = tu_json_strict(sb.buf);
		v = json_object_object_get(o, "priority");
		assert_string_equal(json_object_get_string(v),
		    alert_priority_name(i % 8));
		json_object_put(o);
		alert_free(a);
	}
	sbuf_free(&sb);
}

static void
test_priorities_and_hostname(void **state)
{
	char host[64];

	assert_int_equal(alert_priority_parse("info"), ALERT_INFORMATIONAL);
	assert_int_equal(alert_priority_parse("CRITICAL"), ALERT_CRITICAL);
	assert_int_equal(alert_priority_parse("loud"), -1);
	assert_string_equal(alert_priority_name(ALERT_EMERGENCY),
	    "Emergency");
	assert_null(alert_priority_name(8));
	setenv("FALCO_HOSTNAME", "node-7", 1);
	outputs_hostname(host, sizeof(host));
	assert_string_equal(host, "node-7");
	setenv("FALCO_HOSTNAME", "", 1);
	outputs_hostname(host, sizeof(host));
	assert_true(host[0] != '\0');
	unsetenv("FALCO_HOSTNAME");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_line),
		cmocka_unit_test(test_json_exact),
		cmocka_unit_test(test_field_types),
		cmocka_unit_test(test_internal_alert),
		cmocka_unit_test(test_json_random_bytes),
		cmocka_unit_test(test_priorities_and_hostname),
	};

	/* Local times in the expected lines are UTC. */
	setenv("TZ", "UTC", 1);
	tzset();
	log_init("test_alert_render", LOG_ERR, 1, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
