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
	sbuf_reserve(&sb, 0);
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loader_cases),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
