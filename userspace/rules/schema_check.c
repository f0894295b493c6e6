/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Structural validation of rules documents, the checks Falco runs with
 * its JSON schema of rules files: every item is a mapping of known keys,
 * values have the expected types, priorities are one of the upper-case
 * names, override entries say append or replace.  A violation does not
 * make the file invalid; it is reported as a schema warning (Falco's
 * "schema validation: failed").  The wording of the messages is ours.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/rules_int.h"
#include "rules/yaml.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"

struct schk {
	char	**msgs;
	size_t	  n;
};

static void bad(struct schk *, const char *, const char *, ...)
	    __attribute__((format(printf, 3, 4)));

static void
bad(struct schk *s, const char *path, const char *fmt, ...)
{
	struct sbuf sb = SBUF_INIT;
	va_list ap;

	sbuf_printf(&sb, "failed for %s: ", path);
	va_start(ap, fmt);
	sbuf_vprintf(&sb, fmt, ap);
	va_end(ap);
	s->msgs = xreallocarray(s->msgs, s->n + 1, sizeof(*s->msgs));
	s->msgs[s->n++] = sbuf_detach(&sb);
}

static char *
sub(const char *path, const char *key, size_t idx)
{
	char *p;

	if (key != NULL)
		xasprintf(&p, "%s[%s]", path, key);
	else
		xasprintf(&p, "%s[%zu]", path, idx);
	return p;
}

static int
is_string(const struct ynode *n)
{
	return n->kind == Y_SCALAR;
}

static int
is_bool(const struct ynode *n)
{
	return n->kind == Y_SCALAR && (strcmp(n->str, "true") == 0 ||
	    strcmp(n->str, "false") == 0);
}

static int
is_integer(const struct ynode *n)
{
	const char *s;

	if (n->kind != Y_SCALAR)
		return 0;
	s = n->str + (n->str[0] == '-' || n->str[0] == '+');
	return *s != '\0' && strspn(s, "0123456789") == strlen(s);
}

static void
want_string(struct schk *s, const char *path, const struct ynode *n)
{
	if (!is_string(n))
		bad(s, path, "expected a string");
}

static void
want_string_array(struct schk *s, const char *path, const struct ynode *n)
{
	size_t i;

	if (n->kind != Y_SEQ) {
		bad(s, path, "expected a sequence");
		return;
	}
	for (i = 0; i < n->nitems; i++) {
		char *p = sub(path, NULL, i);

		want_string(s, p, n->items[i]);
		free(p);
	}
}

/* Keys of map n must be in allowed; required ones must be there. */
static void
check_keys(struct schk *s, const char *path, const struct ynode *n,
    const char *const *allowed, const char *const *required)
{
	size_t i, j;

	for (i = 0; i + 1 < n->nitems; i += 2) {
		const char *k = n->items[i]->str != NULL ? n->items[i]->str :
		    "";

		for (j = 0; allowed[j] != NULL; j++)
			if (strcmp(allowed[j], k) == 0)
				break;
		if (allowed[j] == NULL)
			bad(s, path, "key '%s' is not allowed here", k);
	}
	for (j = 0; required != NULL && required[j] != NULL; j++)
		if (ymap_get(n, required[j]) == NULL)
			bad(s, path, "required key '%s' is missing",
			    required[j]);
}

static void
check_name_version(struct schk *s, const char *path, const struct ynode *n,
    int with_alternatives)
{
	static const char *const keys[] = { "name", "version",
	    "alternatives", NULL };
	static const char *const req[] = { "name", "version", NULL };
	const struct ynode *v;
	size_t i;
	char *p;

	if (n->kind != Y_MAP) {
		bad(s, path, "expected a mapping");
		return;
	}
	check_keys(s, path, n, with_alternatives ? keys : req, req);
	if ((v = ymap_get(n, "name")) != NULL)
		want_string(s, path, v);
	if ((v = ymap_get(n, "version")) != NULL)
		want_string(s, path, v);
	if (with_alternatives && (v = ymap_get(n, "alternatives")) != NULL) {
		char *ap = sub(path, "alternatives", 0);

		if (v->kind != Y_SEQ)
			bad(s, ap, "expected a sequence");
		for (i = 0; v->kind == Y_SEQ && i < v->nitems; i++) {
			p = sub(ap, NULL, i);
			check_name_version(s, p, v->items[i], 0);
			free(p);
		}
		free(ap);
	}
}

static void
check_value(struct schk *s, const char *path, const char *key,
    const struct ynode *v)
{
	static const char *const strings[] = { "required_engine_version",
	    "macro", "condition", "list", "rule", "desc", "output", "source",
	    NULL };
	static const char *const bools[] = { "enabled", "append", "capture",
	    "warn_evttypes", "skip-if-unknown-filter", NULL };
	static const char *const prios[] = { "EMERGENCY", "ALERT",
	    "CRITICAL", "ERROR", "WARNING", "NOTICE", "INFO", "INFORMATIONAL",
	    "DEBUG", NULL };
	static const char *const ovr_keys[] = { "items", "desc", "condition",
	    "output", "priority", "enabled", "exceptions", "capture",
	    "capture_duration", "tags", "warn_evttypes",
	    "skip-if-unknown-filter", NULL };
	static const char *const exc_keys[] = { "name", "fields", "comps",
	    "values", NULL };
	static const char *const exc_req[] = { "name", NULL };
	char *p = sub(path, key, 0);
	size_t i;

	for (i = 0; strings[i] != NULL; i++)
		if (strcmp(key, strings[i]) == 0) {
			want_string(s, p, v);
			goto out;
		}
	for (i = 0; bools[i] != NULL; i++)
		if (strcmp(key, bools[i]) == 0) {
			if (!is_bool(v))
				bad(s, p, "expected a boolean");
			goto out;
		}
	if (strcmp(key, "capture_duration") == 0) {
		if (!is_integer(v))
			bad(s, p, "expected an integer");
	} else if (strcmp(key, "priority") == 0) {
		for (i = 0; prios[i] != NULL; i++)
			if (v->kind == Y_SCALAR && strcmp(v->str, prios[i]) == 0)
				break;
		if (prios[i] == NULL)
			bad(s, p, "priority must be one of EMERGENCY, ALERT, "
			    "CRITICAL, ERROR, WARNING, NOTICE, INFO, "
			    "INFORMATIONAL, DEBUG");
	} else if (strcmp(key, "items") == 0 || strcmp(key, "tags") == 0) {
		want_string_array(s, p, v);
	} else if (strcmp(key, "override") == 0) {
		if (v->kind != Y_MAP || v->nitems == 0) {
			bad(s, p, "expected a non-empty mapping");
			goto out;
		}
		check_keys(s, p, v, ovr_keys, NULL);
		for (i = 1; i < v->nitems; i += 2)
			if (v->items[i]->kind != Y_SCALAR ||
			    (strcmp(v->items[i]->str, "append") != 0 &&
			    strcmp(v->items[i]->str, "replace") != 0))
				bad(s, p, "override of '%s' must be append or "
				    "replace", v->items[i - 1]->str);
	} else if (strcmp(key, "exceptions") == 0) {
		if (v->kind != Y_SEQ) {
			bad(s, p, "expected a sequence");
			goto out;
		}
		for (i = 0; i < v->nitems; i++) {
			char *q = sub(p, NULL, i);

			if (v->items[i]->kind != Y_MAP)
				bad(s, q, "expected a mapping");
			else {
				const struct ynode *nm;

				check_keys(s, q, v->items[i], exc_keys,
				    exc_req);
				if ((nm = ymap_get(v->items[i], "name")) !=
				    NULL)
					want_string(s, q, nm);
			}
			free(q);
		}
	} else if (strcmp(key, "required_plugin_versions") == 0) {
		if (v->kind != Y_SEQ) {
			bad(s, p, "expected a sequence");
			goto out;
		}
		for (i = 0; i < v->nitems; i++) {
			char *q = sub(p, NULL, i);

			check_name_version(s, q, v->items[i], 1);
			free(q);
		}
	}
out:
	free(p);
}

size_t
rules_schema_check(const struct ynode *doc, char ***msgs, size_t *n)
{
	static const char *const keys[] = { "required_engine_version",
	    "required_plugin_versions", "macro", "condition", "list", "items",
	    "rule", "desc", "enabled", "output", "append", "priority",
	    "capture", "capture_duration", "source", "exceptions", "override",
	    "tags", "warn_evttypes", "skip-if-unknown-filter", NULL };
	struct schk s = { *msgs, *n };
	size_t i, j, before = *n;
	char *p;

	if (doc->kind != Y_SEQ)
		bad(&s, "<root>", "expected a sequence of items");
	for (i = 0; doc->kind == Y_SEQ && i < doc->nitems; i++) {
		const struct ynode *it = doc->items[i];

		p = sub("<root>", NULL, i);
		if (it->kind != Y_MAP) {
			bad(&s, p, "expected a mapping");
			free(p);
			continue;
		}
		check_keys(&s, p, it, keys, NULL);
		for (j = 0; j + 1 < it->nitems; j += 2)
			if (it->items[j]->str != NULL)
				check_value(&s, p, it->items[j]->str,
				    it->items[j + 1]);
		free(p);
	}
	*msgs = s.msgs;
	*n = s.n;
	return s.n - before;
}
