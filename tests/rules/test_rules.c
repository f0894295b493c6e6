/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Rules loader tests.  The data-driven part reads
 * $FALCO_TESTDATA/extracted/falco_rule_loader_cases.yaml; cases whose
 * extraction is known to be wrong are listed by name, with the reason, in
 * tests/rules/known_bad_cases.txt and skipped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "filter/filter.h"
#include "rules/rules.h"
#include "rules/yaml.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"

static struct ydoc cases;
static char **known_bad;
static char **repairs;		/* prefix file per known-bad case, or NULL */
static size_t nknown_bad;

static char *
read_file(const char *path, size_t *len)
{
	struct sbuf sb = SBUF_INIT;
	char buf[8192];
	size_t n;
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return NULL;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sbuf_put(&sb, buf, n);
	fclose(f);
	*len = sb.len;
	sbuf_put(&sb, "", 0);
	return sbuf_detach(&sb);
}

static void
load_known_bad(void)
{
	const char *src = getenv("FALCO_SRC");
	char path[4096], *text, *line, *save = NULL, *tab;
	size_t len;

	snprintf(path, sizeof(path), "%s/tests/rules/known_bad_cases.txt",
	    src != NULL ? src : ".");
	if ((text = read_file(path, &len)) == NULL)
		return;
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#' || (tab = strchr(line, '\t')) == NULL)
			continue;
		*tab = '\0';
		known_bad = xreallocarray(known_bad, nknown_bad + 1,
		    sizeof(*known_bad));
		repairs = xreallocarray(repairs, nknown_bad + 1,
		    sizeof(*repairs));
		repairs[nknown_bad] = NULL;
		if ((tab = strchr(tab + 1, '\t')) != NULL) {
			char rp[4096];
			size_t rl;

			snprintf(rp, sizeof(rp), "%s/tests/rules/data/%s",
			    src != NULL ? src : ".", tab + 1);
			repairs[nknown_bad] = read_file(rp, &rl);
			assert_non_null(repairs[nknown_bad]);
		}
		known_bad[nknown_bad++] = xstrdup(line);
	}
	free(text);
}

/* 1 and *repair set (or NULL: skip) if name is a known-bad case. */
static int
is_known_bad(const char *name, const char **repair)
{
	size_t i;

	for (i = 0; i < nknown_bad; i++)
		if (strcmp(known_bad[i], name) == 0) {
			*repair = repairs[i];
			return 1;
		}
	return 0;
}

static int
setup(void **state)
{
	const char *td = getenv("FALCO_TESTDATA");
	char path[4096], *msg, *text;
	size_t len, line, col, off;

	fields_init();
	filter_set_evtypes(filter_schema_evtypes());
	snprintf(path, sizeof(path),
	    "%s/extracted/falco_rule_loader_cases.yaml",
	    td != NULL ? td : "../shared/testdata");
	if ((text = read_file(path, &len)) == NULL) {
		fprintf(stderr, "cannot read %s\n", path);
		return -1;
	}
	if (ydoc_load(text, len, &cases, &msg, &line, &col, &off) != 0) {
		fprintf(stderr, "%s:%zu:%zu: %s\n", path, line, col, msg);
		free(text);
		return -1;
	}
	free(text);
	load_known_bad();
	return 0;
}

static int
teardown(void **state)
{
	size_t i;

	ydoc_free(&cases);
	for (i = 0; i < nknown_bad; i++) {
		free(known_bad[i]);
		free(repairs[i]);
	}
	free(known_bad);
	free(repairs);
	return 0;
}

static int
any_msg_has(const struct rules_result *r, int errors, const char *sub)
{
	size_t i, n = errors ? rules_result_nerrors(r) :
	    rules_result_nwarnings(r);

	for (i = 0; i < n; i++) {
		const char *m = errors ? rules_result_error_msg(r, i) :
		    rules_result_warning_msg(r, i);

		if (strstr(m, sub) != NULL)
			return 1;
	}
	return 0;
}

static void
dump(const struct rules_result *r)
{
	struct sbuf sb = SBUF_INIT;

	rules_result_verbose(r, &sb);
	print_message("%s\n", sbuf_str(&sb));
	sbuf_free(&sb);
}

static void
test_loader_cases(void **state)
{
	const struct ynode *list = ymap_get(cases.docs[0], "cases");
	size_t i, j, passed = 0, skipped = 0, failed = 0, repaired = 0;

	assert_non_null(list);
	for (i = 0; i < list->nitems; i++) {
		const struct ynode *c = list->items[i], *v;
		const char *name = ymap_get(c, "name")->str;
		const char *text = ymap_get(c, "rules")->str;
		struct rules_loader *l;
		struct rules_result *r;
		const char *repair = NULL;
		char *fixed = NULL;
		int ok = 1, load_ok;

		if (is_known_bad(name, &repair)) {
			if (repair == NULL) {
				skipped++;
				continue;
			}
			xasprintf(&fixed, "%s%s", repair, text);
			text = fixed;
			repaired++;
		}
		l = rules_loader_new();
		r = rules_load_content(l, "rules.yaml", text, strlen(text));
		free(fixed);
		v = ymap_get(c, "load_ok");
		if (v != NULL && yscalar_bool(v, &load_ok) == 0 &&
		    load_ok != rules_result_ok(r)) {
			print_message("%s: load_ok %d, got %d\n", name,
			    load_ok, rules_result_ok(r));
			ok = 0;
		}
		v = ymap_get(c, "compiled_conditions");
		for (j = 0; v != NULL && ok && j + 1 < v->nitems; j += 2) {
			const struct rule *ru = rules_find(
			    rules_loader_ruleset(l), v->items[j]->str);

			if (ru == NULL) {
				print_message("%s: no rule %s\n", name,
				    v->items[j]->str);
				ok = 0;
			} else if (strcmp(ru->condition,
			    v->items[j + 1]->str) != 0) {
				print_message("%s: condition\n  got  %s\n  want "
				    "%s\n", name, ru->condition,
				    v->items[j + 1]->str);
				ok = 0;
			}
		}
		v = ymap_get(c, "error_substrings");
		for (j = 0; v != NULL && ok && j < v->nitems; j++)
			if (!any_msg_has(r, 1, v->items[j]->str)) {
				print_message("%s: no error with '%s'\n", name,
				    v->items[j]->str);
				ok = 0;
			}
		v = ymap_get(c, "warning_substrings");
		for (j = 0; v != NULL && ok && j < v->nitems; j++)
			if (!any_msg_has(r, 0, v->items[j]->str)) {
				print_message("%s: no warning with '%s'\n",
				    name, v->items[j]->str);
				ok = 0;
			}
		v = ymap_get(c, "absent_warning_substrings");
		for (j = 0; v != NULL && ok && j < v->nitems; j++)
			if (any_msg_has(r, 0, v->items[j]->str)) {
				print_message("%s: warning with '%s'\n", name,
				    v->items[j]->str);
				ok = 0;
			}
		if (ok)
			passed++;
		else {
			dump(r);
			failed++;
		}
		rules_result_free(r);
		rules_loader_free(l);
	}
	print_message("loader cases: %zu passed (%zu of them repaired), %zu "
	    "failed, %zu skipped as known-bad\n", passed, repaired, failed,
	    skipped);
	assert_int_equal(failed, 0);
	assert_true(passed > 90);
}

static char *
data_path(const char *name)
{
	const char *src = getenv("FALCO_SRC");
	char *p;

	xasprintf(&p, "%s/tests/rules/data/%s", src != NULL ? src : ".",
	    name);
	return p;
}

static struct rules_result *
load_data(struct rules_loader *l, const char *name)
{
	char *p = data_path(name);
	struct rules_result *r = rules_load_file(l, p);

	free(p);
	return r;
}

static const char *
error_location(const struct rules_result *r, struct sbuf *sb)
{
	sbuf_reset(sb);
	rules_result_verbose(r, sb);
	return sbuf_str(sb);
}

static void
test_pitfall1_list_append_order(void **state)
{
	struct rules_loader *l = rules_loader_new();
	struct rules_result *r;
	struct sbuf sb = SBUF_INIT;
	const struct rule *ru;

	r = load_data(l, "pitfall1_list_append_first.yaml");
	assert_false(rules_result_ok(r));
	assert_int_equal(rules_result_nerrors(r), 1);
	assert_string_equal(rules_result_error_code(r, 0),
	    "LOAD_ERR_VALIDATE");
	assert_non_null(strstr(rules_result_error_msg(r, 0),
	    "List uses 'append'"));
	/* names the list and where it is: 0-based line 2, column 2 */
	assert_non_null(strstr(error_location(r, &sb),
	    "list 'extra_shells': ("));
	assert_non_null(strstr(sbuf_str(&sb),
	    "pitfall1_list_append_first.yaml:2:2)"));
	rules_result_free(r);
	rules_loader_free(l);

	l = rules_loader_new();
	r = load_data(l, "pitfall1_later_list.yaml");
	assert_true(rules_result_ok(r));
	ru = rules_find(rules_loader_ruleset(l), "Editor");
	assert_non_null(ru);
	/* "inner" is defined after "outer": a literal item of the list */
	assert_string_equal(rules_list(rules_loader_ruleset(l), 0)->name,
	    "outer");
	assert_int_equal(rules_list(rules_loader_ruleset(l), 0)->nitems, 2);
	assert_string_equal(rules_list(rules_loader_ruleset(l), 0)->items[0],
	    "inner");
	/* but conditions take lists as text, in definition order */
	assert_string_equal(ru->condition,
	    "(evt.type = execve and proc.name in (vi, nano, cat))");
	rules_result_free(r);
	rules_loader_free(l);
	sbuf_free(&sb);
}

static void
test_pitfall3_append_other_source(void **state)
{
	struct rules_loader *l = rules_loader_new();
	struct rules_result *r;
	struct sbuf sb = SBUF_INIT;

	rules_loader_add_source(l, "k8s_audit");
	r = load_data(l, "pitfall3_append_other_source.yaml");
	assert_false(rules_result_ok(r));
	assert_int_equal(rules_result_nerrors(r), 1);
	assert_string_equal(rules_result_error_msg(r, 0),
	    "Rule has been re-defined with a different source");
	/* reported at the second item */
	assert_non_null(strstr(error_location(r, &sb),
	    "rule 'My rule': ("));
	assert_non_null(strstr(sbuf_str(&sb), "_source.yaml:7:2)"));
	rules_result_free(r);
	rules_loader_free(l);

	/* the same when the first rule's source is not loaded at all */
	l = rules_loader_new();
	r = load_data(l, "pitfall3_append_other_source.yaml");
	assert_false(rules_result_ok(r));
	assert_string_equal(rules_result_error_msg(r, 0),
	    "Rule has been re-defined with a different source");
	rules_result_free(r);
	rules_loader_free(l);
	sbuf_free(&sb);
}

static void
test_pitfall4_exception_typo(void **state)
{
	struct rules_loader *l = rules_loader_new();
	struct rules_result *r;
	const struct rule *ru;
	size_t i;
	int unknown = 0, novalues = 0;

	r = load_data(l, "pitfall4_exception_typo.yaml");
	/* Falco loads it; it must not pass silently: two warnings */
	assert_true(rules_result_ok(r));
	for (i = 0; i < rules_result_nwarnings(r); i++) {
		if (strcmp(rules_result_warning_code(r, i),
		    "LOAD_UNKNOWN_KEY") == 0 && strstr(
		    rules_result_warning_msg(r, i), "'value'") != NULL)
			unknown = 1;
		if (strcmp(rules_result_warning_code(r, i),
		    "LOAD_APPEND_NO_VALUES") == 0)
			novalues = 1;
	}
	assert_true(unknown);
	assert_true(novalues);
	/* and the structure check flags it, as Falco's schema does */
	assert_int_equal(rules_result_schema_valid(r), 0);
	ru = rules_find(rules_loader_ruleset(l), "Setuid seen");
	assert_non_null(ru);
	assert_string_equal(ru->condition, "((evt.type = setuid and evt.dir "
	    "= <) and not proc.name = sudo)");
	rules_result_free(r);
	rules_loader_free(l);
}

static void
test_multiple_files(void **state)
{
	struct rules_loader *l = rules_loader_new();
	struct rules_result *r;
	struct rules_set *rs;
	const struct rule *ru;

	r = load_data(l, "multi_a.yaml");
	assert_true(rules_result_ok(r));
	assert_int_equal(rules_result_schema_valid(r), 1);
	rules_result_free(r);
	r = load_data(l, "multi_b.yaml");
	assert_true(rules_result_ok(r));
	rules_result_free(r);
	r = rules_load_content(l, "empty.yaml", "", 0);
	assert_true(rules_result_ok(r));
	assert_int_equal(rules_result_schema_valid(r), -1);
	rules_result_free(r);
	rs = rules_loader_ruleset(l);
	assert_int_equal(rules_count(rs), 3);
	/* redefinition keeps the first position */
	assert_string_equal(rules_get(rs, 0)->name, "Edit");
	assert_string_equal(rules_get(rs, 1)->name, "Second");
	assert_string_equal(rules_get(rs, 2)->name, "Third");
	ru = rules_get(rs, 0);
	assert_string_equal(ru->desc, "redefined in place");
	assert_int_equal(ru->priority, PRIO_ERROR);
	assert_string_equal(ru->condition, "((evt.type in (open, openat) or "
	    "evt.type = openat2) and proc.name in (vi, nano) and not "
	    "fd.name startswith /tmp)");
	assert_int_equal(ru->ntags, 1);
	rules_loader_free(l);

	/* a file cannot use what a later file defines */
	l = rules_loader_new();
	r = load_data(l, "multi_late_macro.yaml");
	assert_false(rules_result_ok(r));
	assert_string_equal(rules_result_error_msg(r, 0),
	    "Undefined macro 'later_macro' used in filter.");
	rules_result_free(r);
	rules_loader_free(l);
}

static void
test_directory(void **state)
{
	char *dir = data_path("dir"), **paths = NULL;
	struct rules_loader *l = rules_loader_new();
	struct rules_result *r;
	size_t i, n = 0;

	rules_expand_path(dir, &paths, &n);
	assert_int_equal(n, 2);
	assert_non_null(strstr(paths[0], "/10-first.yaml"));
	assert_non_null(strstr(paths[1], "/20-second.yml"));
	for (i = 0; i < n; i++) {
		r = rules_load_file(l, paths[i]);
		assert_true(rules_result_ok(r));
		rules_result_free(r);
		free(paths[i]);
	}
	free(paths);
	assert_string_equal(rules_find(rules_loader_ruleset(l),
	    "From dir")->condition, "(evt.type = open and proc.name = cat)");
	/* a missing directory expands to nothing (with a warning) */
	paths = NULL;
	n = 0;
	rules_expand_path("/nonexistent/rules.d", &paths, &n);
	assert_int_equal(n, 0);
	/* a missing rules file is kept, so that loading it names it */
	rules_expand_path("/nonexistent/rules.yaml", &paths, &n);
	assert_int_equal(n, 1);
	assert_string_equal(paths[0], "/nonexistent/rules.yaml");
	r = rules_load_file(l, paths[0]);
	free(paths[0]);
	free(paths);
	assert_false(rules_result_ok(r));
	assert_string_equal(rules_result_error_code(r, 0),
	    "LOAD_ERR_FILE_READ");
	assert_string_equal(rules_result_error_msg(r, 0), "Could not open "
	    "file /nonexistent/rules.yaml for reading: No such file or "
	    "directory");
	rules_result_free(r);
	/* a directory is not a rules file (fopen would read it as empty) */
	r = rules_load_file(l, dir);
	assert_false(rules_result_ok(r));
	assert_string_equal(rules_result_error_code(r, 0),
	    "LOAD_ERR_FILE_READ");
	assert_non_null(strstr(rules_result_error_msg(r, 0),
	    "it is a directory"));
	assert_non_null(strstr(rules_result_error_msg(r, 0), dir));
	rules_result_free(r);
	rules_loader_free(l);
	free(dir);
}

static void
test_selection_and_buckets(void **state)
{
	const struct filter_evtypes *ev = filter_get_evtypes();
	struct rules_loader *l = rules_loader_new();
	struct rules_result *r;
	struct rules_set *rs;
	const struct rule *const *v;
	uint8_t *bm;
	size_t n, open_id, close_id, exec_id;

	r = load_data(l, "multi_a.yaml");
	rules_result_free(r);
	r = load_data(l, "multi_b.yaml");
	rules_result_free(r);
	rs = rules_loader_ruleset(l);

	bm = xcalloc((ev->nbits + 7) / 8, 1);
	assert_true(ev->by_name("openat", bm) > 0);
	for (open_id = 0; !(bm[open_id / 8] & (1u << (open_id % 8)));
	    open_id++)
		;
	memset(bm, 0, (ev->nbits + 7) / 8);
	assert_true(ev->by_name("close", bm) > 0);
	for (close_id = 0; !(bm[close_id / 8] & (1u << (close_id % 8)));
	    close_id++)
		;
	memset(bm, 0, (ev->nbits + 7) / 8);
	assert_true(ev->by_name("execve", bm) > 0);
	for (exec_id = 0; !(bm[exec_id / 8] & (1u << (exec_id % 8)));
	    exec_id++)
		;
	free(bm);

	v = rules_for_evttype(rs, "syscall", (uint16_t)open_id, &n);
	assert_int_equal(n, 1);
	assert_string_equal(v[0]->name, "Edit");
	v = rules_for_evttype(rs, "syscall", (uint16_t)close_id, &n);
	assert_int_equal(n, 1);
	assert_string_equal(v[0]->name, "Second");
	/* minimum priority: Second is Debug */
	rules_set_min_priority(rs, PRIO_NOTICE);
	v = rules_for_evttype(rs, "syscall", (uint16_t)close_id, &n);
	assert_int_equal(n, 0);
	rules_set_min_priority(rs, PRIO_DEBUG);
	/* selection by tag and by name glob, applied in order */
	assert_int_equal(rules_select_tag(rs, "files", 0), 2);
	v = rules_for_evttype(rs, "syscall", (uint16_t)open_id, &n);
	assert_int_equal(n, 0);
	assert_int_equal(rules_select_name(rs, "[E]*", 1), 0);
	assert_int_equal(rules_select_name(rs, "*d*", 1), 3);
	assert_int_equal(rules_select_name(rs, "Second", 0), 1);
	assert_int_equal(rules_select_name(rs, "E*", 1), 1);
	v = rules_for_evttype(rs, "syscall", (uint16_t)open_id, &n);
	assert_int_equal(n, 1);
	v = rules_for_evttype(rs, "syscall", (uint16_t)exec_id, &n);
	assert_int_equal(n, 1);
	assert_string_equal(v[0]->name, "Third");
	v = rules_for_evttype(rs, "k8s_audit", (uint16_t)exec_id, &n);
	assert_int_equal(n, 0);
	rules_loader_free(l);
}

/* Without an event-type resolver every rule runs on every event. */
static void
test_no_resolver(void **state)
{
	const struct filter_evtypes *saved = filter_get_evtypes();
	static const char *const text =
	    "- rule: any type\n  desc: d\n  condition: evt.type = "
	    "nosuchevent\n  output: o\n  priority: INFO\n";
	struct rules_loader *l;
	struct rules_result *r;
	size_t n;

	filter_set_evtypes(NULL);
	l = rules_loader_new();
	r = load_data(l, "multi_a.yaml");
	assert_true(rules_result_ok(r));
	rules_result_free(r);
	r = rules_load_content(l, "t.yaml", text, strlen(text));
	assert_true(rules_result_ok(r));
	rules_result_free(r);
	(void)rules_for_evttype(rules_loader_ruleset(l), "syscall", 7, &n);
	assert_int_equal(n, 3);
	rules_loader_free(l);
	filter_set_evtypes(saved);
}

static void
test_plugin_requirements(void **state)
{
	static const char *const ok =
	    "- required_plugin_versions:\n  - name: container\n"
	    "    version: 0.4.0\n";
	static const char *const alt =
	    "- required_plugin_versions:\n  - name: json\n"
	    "    version: 0.1.0\n    alternatives:\n"
	    "      - name: container\n        version: 0.2.0\n";
	static const char *const missing =
	    "- required_plugin_versions:\n  - name: json\n"
	    "    version: 0.1.0\n";
	static const char *const newer =
	    "- required_plugin_versions:\n  - name: container\n"
	    "    version: 1.0.0\n";
	struct rules_loader *l;
	struct rules_result *r;
	char err[256];

	l = rules_loader_new();
	r = rules_load_content(l, "a.yaml", ok, strlen(ok));
	assert_true(rules_result_ok(r));
	rules_result_free(r);
	assert_int_equal(rules_loader_check_plugins(l, err, sizeof(err)), 0);
	r = rules_load_content(l, "b.yaml", alt, strlen(alt));
	rules_result_free(r);
	assert_int_equal(rules_loader_check_plugins(l, err, sizeof(err)), 0);
	r = rules_load_content(l, "c.yaml", missing, strlen(missing));
	assert_true(rules_result_ok(r));
	rules_result_free(r);
	assert_int_equal(rules_loader_check_plugins(l, err, sizeof(err)), -1);
	assert_string_equal(err, "Plugin requirement not satisfied, must "
	    "load one of: json (>= 0.1.0)");
	rules_loader_free(l);

	l = rules_loader_new();
	r = rules_load_content(l, "d.yaml", newer, strlen(newer));
	rules_result_free(r);
	assert_int_equal(rules_loader_check_plugins(l, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "is not compatible with required plugin "
	    "version '1.0.0'"));
	rules_loader_free(l);
}

/* Bad input of any shape: a located message, never a crash. */
static void
test_bad_inputs(void **state)
{
	static const char *const bad[] = {
		"", "- rule: x\n  desc: [\n", "[1, 2, 3]", "- 1\n- 2",
		"- rule: {a: b}\n", "- rule: r\n  condition: evt.type=open\n"
		    "  output: o\n  desc: d\n  priority: LOUD\n",
		"- macro: m\n  condition: (a\n",
		"- list: l\n  items: {a: 1}\n",
		"- rule: r\n  condition: a and\n  output: o\n  desc: d\n"
		    "  priority: info\n",
		"- rule: r\n  condition: evt.type=nosuchevent\n  output: o"
		    "\n  desc: d\n  priority: info\n",
		"- rule: r\n  condition: evt.type=open\n  output: o %nope"
		    "\n  desc: d\n  priority: info\n",
		"- required_engine_version: 99.0.0\n",
		"- rule: r\n  exceptions: 3\n  condition: c.x = 1\n"
		    "  output: o\n  desc: d\n  priority: info\n",
		"- macro: a\n  condition: b\n- macro: b\n  condition: a\n"
		    "- rule: r\n  condition: a\n  output: o\n  desc: d\n"
		    "  priority: info\n",
		"&a [*a]",
	};
	struct rules_loader *l;
	struct rules_result *r;
	struct sbuf sb = SBUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		l = rules_loader_new();
		r = rules_load_content(l, "bad.yaml", bad[i], strlen(bad[i]));
		rules_result_verbose(r, &sb);
		if (i > 0 && rules_result_ok(r))
			fail_msg("loaded '%s'", bad[i]);
		if (i > 0)
			assert_non_null(strstr(sbuf_str(&sb), "(bad.yaml:"));
		sbuf_reset(&sb);
		rules_result_json(r, &sb);
		assert_true(sb.len > 0 && sb.buf[0] == '{');
		sbuf_reset(&sb);
		rules_result_free(r);
		rules_loader_free(l);
	}
	sbuf_free(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loader_cases),
		cmocka_unit_test(test_pitfall1_list_append_order),
		cmocka_unit_test(test_pitfall3_append_other_source),
		cmocka_unit_test(test_pitfall4_exception_typo),
		cmocka_unit_test(test_multiple_files),
		cmocka_unit_test(test_directory),
		cmocka_unit_test(test_selection_and_buckets),
		cmocka_unit_test(test_no_resolver),
		cmocka_unit_test(test_plugin_requirements),
		cmocka_unit_test(test_bad_inputs),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
