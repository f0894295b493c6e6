/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Configuration loader tests: the data-driven cases of data/cases.txt,
 * -o overrides, ${ENV} expansion, config_files merging, getters, and the
 * repository's own falco.yaml.
 */
#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../lib/testutil.h"
#include "config/config.h"
#include "util/log.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"

static char *
src_path(const char *rel)
{
	const char *src = getenv("FALCO_SRC");
	char *p;

	xasprintf(&p, "%s/%s", src != NULL ? src : ".", rel);
	return p;
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* One case of data/cases.txt. */
struct dcase {
	char	*name;
	char	*opts[8];
	size_t	 nopts;
	char	*err;
	char	*warn[4];
	size_t	 nwarn;
	char	*get[8];
	size_t	 nget;
	struct sbuf yaml;
};

static void
dcase_clear(struct dcase *c)
{
	size_t i;

	free(c->name);
	for (i = 0; i < c->nopts; i++)
		free(c->opts[i]);
	for (i = 0; i < c->nwarn; i++)
		free(c->warn[i]);
	for (i = 0; i < c->nget; i++)
		free(c->get[i]);
	free(c->err);
	sbuf_free(&c->yaml);
	memset(c, 0, sizeof(*c));
}

/* Run one case; returns 0 when it behaves as the file says. */
static int
dcase_run(struct dcase *c)
{
	struct config *cfg = config_new();
	char *err = NULL, *key, *eq;
	const char *got;
	size_t i, j;
	int rc, bad = 0;

	rc = config_load_string(cfg, sbuf_str(&c->yaml), c->yaml.len,
	    "case.yaml", c->opts, c->nopts, 0, &err);
	if (c->err != NULL) {
		if (rc == 0 || strstr(err, c->err) == NULL) {
			print_error("case '%s': want error containing\n  %s\n"
			    "got %s\n", c->name, c->err,
			    rc == 0 ? "success" : err);
			bad = 1;
		}
	} else if (rc != 0) {
		print_error("case '%s': unexpected error %s\n", c->name, err);
		bad = 1;
	} else {
		for (i = 0; i < c->nwarn; i++) {
			for (j = 0; j < config_nwarnings(cfg); j++)
				if (strstr(config_warning(cfg, j),
				    c->warn[i]) != NULL)
					break;
			if (j == config_nwarnings(cfg)) {
				print_error("case '%s': no warning '%s'\n",
				    c->name, c->warn[i]);
				bad = 1;
			}
		}
		for (i = 0; i < c->nget; i++) {
			key = xstrdup(c->get[i]);
			eq = strstr(key, " =");
			assert_non_null(eq);
			*eq = '\0';
			got = config_str(cfg, key, "");
			if (strcmp(got, eq[2] == ' ' ? eq + 3 : eq + 2) != 0) {
				print_error("case '%s': %s is '%s'\n",
				    c->name, key, got);
				bad = 1;
			}
			free(key);
		}
	}
	free(err);
	config_free(cfg);
	return bad;
}

static void
test_data_cases(void **state)
{
	char *path = src_path("tests/config/data/cases.txt");
	char line[1024];
	struct dcase c;
	FILE *f;
	int in_yaml = 0, ncases = 0, nbad = 0;
	size_t len;

	memset(&c, 0, sizeof(c));
	f = fopen(path, "r");
	assert_non_null(f);
	for (;;) {
		int eof = fgets(line, sizeof(line), f) == NULL;

		if (eof || strncmp(line, "=== ", 4) == 0) {
			if (c.name != NULL) {
				nbad += dcase_run(&c);
				ncases++;
			}
			dcase_clear(&c);
			if (eof)
				break;
			len = strcspn(line + 4, "\n");
			c.name = xstrndup(line + 4, len);
			in_yaml = 0;
			continue;
		}
		if (c.name == NULL)
			continue;
		if (in_yaml) {
			sbuf_puts(&c.yaml, line);
			continue;
		}
		line[strcspn(line, "\n")] = '\0';
		if (strcmp(line, "---") == 0)
			in_yaml = 1;
		else if (strncmp(line, "opt: ", 5) == 0)
			c.opts[c.nopts++] = xstrdup(line + 5);
		else if (strncmp(line, "err: ", 5) == 0)
			c.err = xstrdup(line + 5);
		else if (strncmp(line, "warn: ", 6) == 0)
			c.warn[c.nwarn++] = xstrdup(line + 6);
		else if (strncmp(line, "get: ", 5) == 0)
			c.get[c.nget++] = xstrdup(line + 5);
		else if (strcmp(line, "ok") != 0 && line[0] != '\0')
			fail_msg("bad line in cases.txt: %s", line);
	}
	fclose(f);
	free(path);
	assert_true(ncases >= 25);
	assert_int_equal(nbad, 0);
}

static struct config *
load_str(const char *yaml, char **opts, size_t nopts)
{
	struct config *cfg = config_new();
	char *err = NULL;

	if (config_load_string(cfg, yaml, strlen(yaml), "t.yaml", opts, nopts,
	    0, &err) != 0)
		fail_msg("load failed: %s", err);
	return cfg;
}

static void
test_overrides(void **state)
{
	char *opts[] = {
		"http_output.url=http://127.0.0.1:9/",
		"rules_files[1]=/two.yaml",
		"rules_files[]=/three.yaml",
		"append_output[0].match.source=syscall",
		"append_output[0].extra_output=pid=%proc.pid",
		"capture={}",
		"webserver={enabled: true, listen_port: 9999}",
		"base_syscalls.custom_set=[openat, '!close']",
		"static_fields.k8s\\.io/role=master",
		"static_fields.a\\\\b=back",
		"metrics.interval=15m",
		"json_output=true",
		"json_output=false",
	};
	struct config *cfg;
	const char **list;
	const struct cfg_node *n;
	size_t nl;

	cfg = load_str("rules_files: [/one.yaml]\n"
	    "webserver:\n  listen_address: 127.0.0.1\n",
	    opts, sizeof(opts) / sizeof(opts[0]));
	assert_string_equal(config_str(cfg, "http_output.url", ""),
	    "http://127.0.0.1:9/");
	list = config_rules_files(cfg, &nl);
	assert_int_equal(nl, 3);
	assert_string_equal(list[0], "/one.yaml");
	assert_string_equal(list[1], "/two.yaml");
	assert_string_equal(list[2], "/three.yaml");
	assert_null(list[3]);
	free(list);
	assert_string_equal(config_str(cfg, "append_output[0].match.source",
	    ""), "syscall");
	assert_string_equal(config_str(cfg, "append_output[0].extra_output",
	    ""), "pid=%proc.pid");
	n = config_node(cfg, "capture");
	assert_non_null(n);
	assert_int_equal(cfg_node_kind(n), CFG_MAP);
	/* A {yaml} value replaces the whole mapping. */
	assert_true(config_bool(cfg, "webserver.enabled", 0));
	assert_int_equal(config_int(cfg, "webserver.listen_port", 0), 9999);
	assert_false(config_has(cfg, "webserver.listen_address"));
	list = config_str_list(cfg, "base_syscalls.custom_set", &nl);
	assert_int_equal(nl, 2);
	assert_string_equal(list[1], "!close");
	free(list);
	n = config_node(cfg, "static_fields");
	assert_non_null(n);
	assert_string_equal(cfg_node_key(n, 0), "k8s.io/role");
	assert_string_equal(cfg_node_str(cfg_node_at(n, 0)), "master");
	assert_string_equal(cfg_node_key(n, 1), "a\\b");
	assert_string_equal(config_str(cfg, "static_fields.k8s\\.io/role", ""),
	    "master");
	assert_int_equal(config_duration_ms(cfg, "metrics.interval", 0),
	    15 * 60 * 1000);
	/* Later options win. */
	assert_false(config_bool(cfg, "json_output", 1));
	/* Locations of -o values name the option. */
	n = config_node(cfg, "http_output.url");
	assert_string_equal(cfg_node_file(n), "-o #1");
	assert_int_equal(cfg_node_col(n), 17);
	config_free(cfg);
}

static void
test_env_expansion(void **state)
{
	struct config *cfg;

	setenv("FALCO_TEST_DIR", "/var/tmp/ft", 1);
	unsetenv("FALCO_TEST_UNSET");
	cfg = load_str(
	    "file_output:\n  filename: ${FALCO_TEST_DIR}/events.txt\n"
	    "program_output:\n"
	    "  program: \"echo $${HOME} ${FALCO_TEST_UNSET}x\"\n"
	    "http_output:\n  url: \"http://${FALCO_TEST_DIR\"\n",
	    NULL, 0);
	assert_string_equal(config_str(cfg, "file_output.filename", ""),
	    "/var/tmp/ft/events.txt");
	assert_string_equal(config_str(cfg, "program_output.program", ""),
	    "echo ${HOME} x");
	assert_string_equal(config_str(cfg, "http_output.url", ""),
	    "http://${FALCO_TEST_DIR");
	config_free(cfg);
}

static void
test_getters_defaults(void **state)
{
	struct config *cfg;
	const struct cfg_node *n;
	const char **list;
	size_t nl;

	cfg = load_str("json_output: yes\noutput_timeout: 250\n"
	    "syscall_event_drops:\n  rate: .03333\n  actions: log\n"
	    "metrics:\n  interval: 1h30m\n"
	    "stdout_output:\n  enabled:\n", NULL, 0);
	assert_true(config_bool(cfg, "json_output", 0));
	assert_int_equal(config_int(cfg, "output_timeout", 2000), 250);
	assert_int_equal(config_int(cfg, "outputs_queue.capacity", 7), 7);
	assert_true(config_double(cfg, "syscall_event_drops.rate", 0) > 0.0333);
	assert_int_equal(config_duration_ms(cfg, "metrics.interval", 0),
	    90 * 60 * 1000);
	/* An empty value is null: the default applies. */
	assert_true(config_bool(cfg, "stdout_output.enabled", 1));
	assert_true(config_has(cfg, "stdout_output.enabled"));
	assert_string_equal(config_str(cfg, "engine.kind", "modern_ebpf"),
	    "modern_ebpf");
	/* A scalar where a list is expected is a one-element list. */
	list = config_str_list(cfg, "syscall_event_drops.actions", &nl);
	assert_int_equal(nl, 1);
	assert_string_equal(list[0], "log");
	free(list);
	assert_null(config_str_list(cfg, "rules_files", &nl));
	assert_int_equal(nl, 0);
	n = config_node(cfg, "metrics.interval");
	assert_int_equal(cfg_node_line(n), 7);
	assert_int_equal(cfg_node_col(n), 13);
	assert_string_equal(cfg_node_file(n), "t.yaml");
	config_free(cfg);
}

static void
test_scalar_parsers(void **state)
{
	int64_t i;
	double d;
	int b;

	assert_int_equal(cfg_parse_bool("ON", &b), 0);
	assert_int_equal(b, 1);
	assert_int_equal(cfg_parse_bool("1", &b), -1);
	assert_int_equal(cfg_parse_int("-42", &i), 0);
	assert_int_equal(i, -42);
	assert_int_equal(cfg_parse_int("0o17", &i), 0);
	assert_int_equal(i, 15);
	assert_int_equal(cfg_parse_int("0x1F", &i), 0);
	assert_int_equal(i, 31);
	assert_int_equal(cfg_parse_int("12abc", &i), -1);
	assert_int_equal(cfg_parse_int("", &i), -1);
	assert_int_equal(cfg_parse_double("1e3", &d), 0);
	assert_true(d == 1000.0);
	assert_int_equal(cfg_parse_double("inf", &d), -1);
	assert_int_equal(cfg_parse_duration_ms("500ms", &i), 0);
	assert_int_equal(i, 500);
	assert_int_equal(cfg_parse_duration_ms("2s", &i), 0);
	assert_int_equal(i, 2000);
	assert_int_equal(cfg_parse_duration_ms("1d", &i), 0);
	assert_int_equal(i, 86400000);
	assert_int_equal(cfg_parse_duration_ms("3 weeks", &i), -1);
	assert_int_equal(cfg_parse_duration_ms("s", &i), -1);
}

static void
test_config_files_merge(void **state)
{
	char *main_yaml = tu_path("falco.yaml"), *one = tu_path("one.yaml");
	char *dir = tu_path("config.d"), *d1 = tu_path("config.d/20-b.yaml");
	char *d0 = tu_path("config.d/10-a.yaml"), *ov = tu_path("over.yaml");
	char *text, *err = NULL;
	struct config *cfg;
	const char **list;
	size_t n;

	assert_int_equal(mkdir(dir, 0700), 0);
	xasprintf(&text,
	    "config_files:\n  - %s\n  - %s\n  - %s/missing.yaml\n"
	    "  - path: %s\n    strategy: add-only\n"
	    "rules_files: [/main.yaml]\n"
	    "json_output: false\npriority: debug\n",
	    one, dir, tu_tmpdir, ov);
	write_file(main_yaml, text);
	free(text);
	write_file(one, "rules_files: [/one.yaml]\njson_output: true\n");
	/* Directory entries load in name order: 10-a before 20-b. */
	write_file(d1, "priority: error\nrules_files: [/d1.yaml]\n");
	write_file(d0, "priority: warning\nrules_files: [/d0.yaml]\n");
	write_file(ov, "priority: critical\noutput_timeout: 99\n");

	cfg = config_new();
	assert_int_equal(config_load(cfg, main_yaml, NULL, 0, 0, &err), 0);
	list = config_rules_files(cfg, &n);
	assert_int_equal(n, 4);
	assert_string_equal(list[0], "/main.yaml");
	assert_string_equal(list[1], "/one.yaml");
	assert_string_equal(list[2], "/d0.yaml");
	assert_string_equal(list[3], "/d1.yaml");
	free(list);
	assert_true(config_bool(cfg, "json_output", 0));
	/* add-only does not replace priority but adds output_timeout. */
	assert_string_equal(config_str(cfg, "priority", ""), "error");
	assert_int_equal(config_int(cfg, "output_timeout", 0), 99);
	assert_int_equal(config_nfiles(cfg), 5);
	assert_string_equal(config_file(cfg, 0), main_yaml);
	assert_string_equal(config_file(cfg, 2), d0);
	assert_int_equal(config_ndirs(cfg), 1);
	assert_string_equal(config_dir(cfg, 0), dir);
	/* A located error in an included file names that file. */
	write_file(d1, "json_output: 3\n");
	assert_int_equal(config_load(cfg, main_yaml, NULL, 0, 0, &err), -1);
	xasprintf(&text, "%s:1:14: key 'json_output' must be a boolean", d1);
	assert_non_null(strstr(err, text));
	free(text);
	free(err);
	err = NULL;
	config_free(cfg);

	/* -o config_files is applied before the merge, other -o after. */
	{
		char *opts[2];

		xasprintf(&opts[0], "config_files=%s", one);
		opts[1] = "json_output=false";
		cfg = config_new();
		assert_int_equal(config_load(cfg, main_yaml, opts, 2, 0, &err),
		    0);
		list = config_rules_files(cfg, &n);
		assert_int_equal(n, 2);
		assert_string_equal(list[1], "/one.yaml");
		free(list);
		assert_false(config_bool(cfg, "json_output", 1));
		assert_string_equal(config_str(cfg, "priority", ""), "debug");
		config_free(cfg);
		free(opts[0]);
		/* and -o config_files= turns includes off */
		opts[0] = "config_files=";
		cfg = config_new();
		assert_int_equal(config_load(cfg, main_yaml, opts, 1, 0, &err),
		    0);
		assert_int_equal(config_nfiles(cfg), 1);
		config_free(cfg);
	}
	free(main_yaml);
	free(one);
	free(dir);
	free(d0);
	free(d1);
	free(ov);
}

static void
test_config_files_errors(void **state)
{
	char *main_yaml = tu_path("falco.yaml"), *inc = tu_path("inc.yaml");
	char *text, *err = NULL;
	struct config *cfg = config_new();

	/* An included file may not include more. */
	xasprintf(&text, "config_files: [%s]\n", inc);
	write_file(main_yaml, text);
	free(text);
	write_file(inc, "json_output: true\nconfig_files: [/etc]\n");
	assert_int_equal(config_load(cfg, main_yaml, NULL, 0, 0, &err), -1);
	xasprintf(&text, "%s:2:15: 'config_files' is not allowed", inc);
	assert_non_null(strstr(err, text));
	free(text);
	free(err);
	err = NULL;

	/* Nor may the main file include itself. */
	xasprintf(&text, "priority: debug\nconfig_files:\n  - %s\n", main_yaml);
	write_file(main_yaml, text);
	free(text);
	assert_int_equal(config_load(cfg, main_yaml, NULL, 0, 0, &err), -1);
	xasprintf(&text, "%s:3:5: config_files includes the main", main_yaml);
	assert_non_null(strstr(err, text));
	free(text);
	free(err);
	err = NULL;

	/* Even through a symbolic link. */
	{
		char *link = tu_path("alias.yaml");

		assert_int_equal(symlink(main_yaml, link), 0);
		xasprintf(&text, "priority: debug\nconfig_files: [%s]\n",
		    link);
		write_file(main_yaml, text);
		free(text);
		assert_int_equal(config_load(cfg, main_yaml, NULL, 0, 0,
		    &err), -1);
		assert_non_null(strstr(err, "config_files includes the main"));
		free(err);
		err = NULL;
		free(link);
	}

	/* A bad strategy is located. */
	xasprintf(&text, "config_files:\n  - path: %s\n    strategy: merge\n",
	    inc);
	write_file(main_yaml, text);
	free(text);
	assert_int_equal(config_load(cfg, main_yaml, NULL, 0, 0, &err), -1);
	assert_non_null(strstr(err, ":3:15: config_files strategy must be"));
	free(err);
	err = NULL;

	/* A missing main file is an error that names it. */
	assert_int_equal(config_load(cfg, "/nonexistent/falco.yaml", NULL, 0,
	    0, &err), -1);
	assert_non_null(strstr(err, "/nonexistent/falco.yaml: cannot open"));
	free(err);
	config_free(cfg);
	free(main_yaml);
	free(inc);
}

static void
test_alias_bomb_rejected(void **state)
{
	struct sbuf sb = SBUF_INIT;
	struct config *cfg = config_new();
	char *err = NULL;
	int i;

	sbuf_puts(&sb, "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
	for (i = 1; i < 10; i++)
		sbuf_printf(&sb, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, "
		    "*a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i, i - 1, i - 1,
		    i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
	assert_int_equal(config_load_string(cfg, sb.buf, sb.len, "bomb.yaml",
	    NULL, 0, 0, &err), -1);
	assert_non_null(strstr(err, "document too large"));
	free(err);
	sbuf_reset(&sb);
	for (i = 0; i < 1000; i++)
		sbuf_putc(&sb, '[');
	assert_int_equal(config_load_string(cfg, sb.buf, sb.len, "deep.yaml",
	    NULL, 0, 0, &err), -1);
	assert_non_null(strstr(err, "nesting too deep"));
	free(err);
	sbuf_free(&sb);
	config_free(cfg);
}

static void
test_shipped_falco_yaml(void **state)
{
	char *path = src_path("falco.yaml"), *err = NULL;
	char *opts[] = { "config_files=" };
	struct config *cfg = config_new();
	const char **list;
	size_t n;

	if (config_load(cfg, path, opts, 1, 0, &err) != 0)
		fail_msg("%s", err);
	/* Our own file must not trip our own schema. */
	assert_int_equal(config_nwarnings(cfg), 0);
	list = config_rules_files(cfg, &n);
	assert_int_equal(n, 3);
	assert_string_equal(list[0], "/etc/falco/falco_rules.yaml");
	assert_string_equal(list[2], "/etc/falco/rules.d");
	free(list);
	assert_string_equal(config_str(cfg, "engine.kind", ""), "modern_ebpf");
	assert_int_equal(config_int(cfg, "webserver.listen_port", 0), 8765);
	assert_int_equal(config_int(cfg, "output_timeout", 0), 2000);
	assert_int_equal(config_int(cfg, "http_output.max_consecutive_timeouts",
	    0), 5);
	assert_false(config_bool(cfg, "json_output", 1));
	assert_true(config_bool(cfg, "syslog_output.enabled", 0));
	assert_string_equal(config_str(cfg, "priority", ""), "debug");
	config_free(cfg);
	free(path);
}

/* config_load_plain(): the YAML as written, nothing of falco.yaml's. */
static void
test_load_plain(void **state)
{
	char *path = tu_path("plain.yaml"), *missing = tu_path("nope.yaml");
	char *err = NULL, *want;
	struct config *cfg = config_new();

	setenv("TEST_CONFIG_PLAIN", "expanded", 1);
	write_file(path, "config_files: [/nonexistent]\n"
	    "Colour: \"${TEST_CONFIG_PLAIN}\"\nkey: 1\nkey: 2\n"
	    "json_output: perhaps\n");
	assert_int_equal(config_load_plain(cfg, path, &err), 0);
	/* No ${} expansion, no includes, no key checks or warnings. */
	assert_string_equal(config_str(cfg, "Colour", ""),
	    "${TEST_CONFIG_PLAIN}");
	assert_int_equal(config_nwarnings(cfg), 0);
	assert_int_equal(config_nfiles(cfg), 1);
	assert_string_equal(config_file(cfg, 0), path);
	/* A repeated key keeps its last value. */
	assert_int_equal(config_int(cfg, "key", 0), 2);
	assert_int_equal(cfg_node_line(config_node(cfg, "key")), 4);
	assert_int_equal(cfg_node_col(config_node(cfg, "key")), 6);

	/* Failures: not a mapping, no file. */
	write_file(path, "- a\n");
	assert_int_equal(config_load_plain(cfg, path, &err), -1);
	xasprintf(&want, "%s:1:1: a configuration file must be a mapping",
	    path);
	assert_string_equal(err, want);
	free(want);
	free(err);
	err = NULL;
	config_free(cfg);
	cfg = config_new();
	assert_int_equal(config_load_plain(cfg, missing, &err), -1);
	assert_non_null(strstr(err, "nope.yaml: cannot open"));
	free(err);
	config_free(cfg);
	unsetenv("TEST_CONFIG_PLAIN");
	free(path);
	free(missing);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_data_cases),
		cmocka_unit_test(test_overrides),
		cmocka_unit_test(test_env_expansion),
		cmocka_unit_test(test_getters_defaults),
		cmocka_unit_test(test_scalar_parsers),
		cmocka_unit_test_setup_teardown(test_config_files_merge,
		    tu_setup_tmp, tu_teardown_tmp),
		cmocka_unit_test_setup_teardown(test_config_files_errors,
		    tu_setup_tmp, tu_teardown_tmp),
		cmocka_unit_test(test_alias_bomb_rejected),
		cmocka_unit_test_setup_teardown(test_load_plain,
		    tu_setup_tmp, tu_teardown_tmp),
		cmocka_unit_test(test_shipped_falco_yaml),
	};

	log_init("test_config", LOG_ERR, 1, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
