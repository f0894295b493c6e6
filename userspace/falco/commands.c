/* SPDX-License-Identifier: Apache-2.0 */
#include <sys/stat.h>

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "falco/commands.h"
#include "filter/filter.h"
#include "rules/rules.h"
#include "util/log.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"

static json_object *
jstr(const char *s)
{
	return json_object_new_string(s != NULL ? s : "");
}

static json_object *
jstrv(const char *const *v, size_t n)
{
	json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_object_array_add(a, jstr(v[i]));
	return a;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Names of the event types of a rule, sorted, for the JSON details. */
static json_object *
evt_names(const struct rule *r)
{
	const struct filter_evtypes *ev = filter_get_evtypes();
	json_object *a = json_object_new_array();
	const char **names = NULL, *prev = NULL;
	size_t i, n = 0;

	for (i = 0; ev != NULL && r->evttypes != NULL && i < r->nevtbits; i++)
		if (r->evttypes[i / 8] & (1u << (i % 8))) {
			names = xreallocarray(names, n + 1, sizeof(*names));
			names[n++] = ev->name_of((uint16_t)i);
		}
	for (i = 0; i < n; i++)
		if (names[i] == NULL)
			names[i] = "";
	if (n > 1)
		qsort(names, n, sizeof(*names), name_cmp);
	for (i = 0; i < n; i++) {
		if (prev != NULL && strcmp(prev, names[i]) == 0)
			continue;
		json_object_array_add(a, jstr(names[i]));
		prev = names[i];
	}
	free(names);
	return a;
}

/* A sorted set of strings, for the JSON details. */
struct strset {
	char	**v;
	size_t	 n;
};

static void
set_add(struct strset *s, const char *str)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->v[i], str) == 0)
			return;
	s->v = xreallocarray(s->v, s->n + 1, sizeof(*s->v));
	s->v[s->n++] = xstrdup(str);
}

/* Move the set into a sorted JSON array. */
static json_object *
set_json(struct strset *s)
{
	json_object *a = json_object_new_array();
	size_t i;

	if (s->n > 1)
		qsort(s->v, s->n, sizeof(*s->v), name_cmp);
	for (i = 0; i < s->n; i++) {
		json_object_array_add(a, jstr(s->v[i]));
		free(s->v[i]);
	}
	free(s->v);
	s->v = NULL;
	s->n = 0;
	return a;
}

/* Fields (with their argument) and operators of a condition tree. */
static void
collect_checks(const struct ast *a, struct strset *fields,
    struct strset *ops)
{
	size_t i;
	char *f;

	if (a->kind == AST_FIELD) {
		if (a->has_arg) {
			xasprintf(&f, "%s[%s]", a->str, a->arg);
			set_add(fields, f);
			free(f);
		} else
			set_add(fields, a->str);
	}
	if (a->kind == AST_UNARY || a->kind == AST_BINARY)
		set_add(ops, a->str);
	for (i = 0; i < a->nkids; i++)
		collect_checks(a->kids[i], fields, ops);
}

/* Macros and lists a condition names as written. */
static void
collect_refs(const struct ast *a, struct rules_set *rs,
    struct strset *macros, struct strset *lists)
{
	size_t i, j;

	if (a->kind == AST_IDENT)
		for (i = 0; i < rules_nmacros(rs); i++)
			if (strcmp(rules_macro(rs, i)->name, a->str) == 0)
				set_add(macros, a->str);
	for (j = 0; j < a->nvals || (a->kind == AST_VALUE && j == 0); j++) {
		const char *v = a->kind == AST_VALUE ? a->str : a->vals[j];

		for (i = 0; i < rules_nlists(rs); i++)
			if (strcmp(rules_list(rs, i)->name, v) == 0)
				set_add(lists, v);
	}
	for (i = 0; i < a->nkids; i++)
		collect_refs(a->kids[i], rs, macros, lists);
}

/* %field tokens of an output format. */
static void
collect_output_fields(const char *fmt, struct strset *out)
{
	const char *p, *start;
	char *tok;

	for (p = strchr(fmt, '%'); p != NULL; p = strchr(p, '%')) {
		p++;
		while (*p >= '0' && *p <= '9')
			p++;
		start = p;
		while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '_' || *p == '.')
			p++;
		if (*p == '[' && strchr(p, ']') != NULL)
			p = strchr(p, ']') + 1;
		if (p > start) {
			tok = xstrndup(start, (size_t)(p - start));
			set_add(out, tok);
			free(tok);
		}
	}
}

/*
 * {"details": d, "info": in}, the shape of every entry Falco describes;
 * takes both.  Keys are added in sorted order, as Falco's JSON output
 * has them.
 */
static json_object *
describe_entry(json_object *d, json_object *in)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "details", d);
	json_object_object_add(o, "info", in);
	return o;
}

static json_object *
rule_json(struct rules_set *rs, const struct rule *r)
{
	json_object *d, *in;
	struct strset fields = { NULL, 0 }, ops = { NULL, 0 };
	struct strset macros = { NULL, 0 }, lists = { NULL, 0 };
	struct strset outf = { NULL, 0 };
	struct filter_err err;
	struct ast *raw;

	collect_checks(r->ast, &fields, &ops);
	if ((raw = filter_parse(r->condition_raw, 0, &err)) != NULL) {
		collect_refs(raw, rs, &macros, &lists);
		ast_free(raw);
	}
	collect_output_fields(r->output, &outf);
	d = json_object_new_object();
	json_object_object_add(d, "condition_compiled", jstr(r->condition));
	json_object_object_add(d, "condition_fields", set_json(&fields));
	json_object_object_add(d, "condition_operators", set_json(&ops));
	json_object_object_add(d, "events", evt_names(r));
	json_object_object_add(d, "lists", set_json(&lists));
	json_object_object_add(d, "macros", set_json(&macros));
	json_object_object_add(d, "output_compiled", jstr(r->output));
	json_object_object_add(d, "output_fields", set_json(&outf));
	in = json_object_new_object();
	json_object_object_add(in, "capture",
	    json_object_new_boolean(r->capture));
	json_object_object_add(in, "capture_duration",
	    json_object_new_int64((int64_t)r->capture_duration));
	json_object_object_add(in, "condition", jstr(r->condition_raw));
	json_object_object_add(in, "description", jstr(r->desc));
	json_object_object_add(in, "enabled",
	    json_object_new_boolean(r->enabled));
	json_object_object_add(in, "name", jstr(r->name));
	json_object_object_add(in, "output", jstr(r->output));
	json_object_object_add(in, "priority",
	    jstr(rules_priority_name(r->priority)));
	json_object_object_add(in, "source", jstr(r->source));
	json_object_object_add(in, "tags", jstrv(r->tags, r->ntags));
	return describe_entry(d, in);
}

static json_object *
describe_json(struct rules_set *rs, const char *only)
{
	json_object *o = json_object_new_object(), *a, *d, *in;
	size_t i;

	if (only == NULL) {
		a = json_object_new_array();
		for (i = 0; i < rules_nlists(rs); i++) {
			const struct rules_list_view *l = rules_list(rs, i);

			d = json_object_new_object();
			json_object_object_add(d, "items_compiled",
			    jstrv(l->items, l->nitems));
			json_object_object_add(d, "used",
			    json_object_new_boolean(l->used));
			in = json_object_new_object();
			json_object_object_add(in, "name", jstr(l->name));
			json_object_array_add(a, describe_entry(d, in));
		}
		json_object_object_add(o, "lists", a);
		a = json_object_new_array();
		for (i = 0; i < rules_nmacros(rs); i++) {
			const struct rules_macro_view *m = rules_macro(rs, i);

			d = json_object_new_object();
			json_object_object_add(d, "used",
			    json_object_new_boolean(m->used));
			in = json_object_new_object();
			json_object_object_add(in, "condition",
			    jstr(m->condition));
			json_object_object_add(in, "name", jstr(m->name));
			json_object_array_add(a, describe_entry(d, in));
		}
		json_object_object_add(o, "macros", a);
	}
	a = json_object_new_array();
	for (i = 0; i < rules_count(rs); i++) {
		const struct rule *r = rules_get(rs, i);

		if (only == NULL || strcmp(only, r->name) == 0)
			json_object_array_add(a, rule_json(rs, r));
	}
	json_object_object_add(o, "rules", a);
	return o;
}

/* Wrap words at line_len, indenting continuation lines by indent. */
static void
wrap_text(struct sbuf *out, const char *s, size_t indent, size_t line_len)
{
	size_t len = 0, wl, i;

	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == '\n')
			s++;
		if (*s == '\0')
			break;
		wl = strcspn(s, " \t\n");
		if (len + wl + 1 <= line_len - indent)
			len += wl + 1;
		else {
			sbuf_putc(out, '\n');
			for (i = 0; i < indent; i++)
				sbuf_putc(out, ' ');
			len = wl + 1;
		}
		sbuf_put(out, s, wl);
		sbuf_putc(out, ' ');
		s += wl;
	}
}

static void
describe_text(struct rules_set *rs, const char *only)
{
	struct sbuf sb = SBUF_INIT;
	size_t i;

	printf("%-50s %s\n", "Rule", "Description");
	printf("%-50s %s\n", "----", "-----------");
	for (i = 0; i < rules_count(rs); i++) {
		const struct rule *r = rules_get(rs, i);

		if (only != NULL && strcmp(only, r->name) != 0)
			continue;
		sbuf_reset(&sb);
		wrap_text(&sb, r->desc, 51, 110);
		printf("%-50s %s\n\n", r->name, sbuf_str(&sb));
	}
	sbuf_free(&sb);
}

static int
print_description(const struct cli *c, struct rules_set *rs)
{
	json_object *o;

	if (c->describe != NULL && rules_find(rs, c->describe) == NULL) {
		fprintf(stderr, "Error: Rule \"%s\" is not loaded\n",
		    c->describe);
		return 1;
	}
	if (c->json_output) {
		o = describe_json(rs, c->describe);
		printf("%s\n", json_object_to_json_string_ext(o,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
	} else
		describe_text(rs, c->describe);
	return 0;
}

int
cmd_validate(const struct cli *c)
{
	struct rules_loader *l = rules_loader_new();
	struct sbuf summary = SBUF_INIT, json = SBUF_INIT, v = SBUF_INIT;
	struct rules_result *r;
	struct stat sb;
	char perr[1024], **paths = NULL;
	size_t i, npaths = 0;
	int ok = 1, rc;

	/*
	 * A directory is validated as -r loads it: its *.yaml and *.yml
	 * files in sorted order.  Anything else is read as a file, so a
	 * missing or unreadable path fails naming it.
	 */
	for (i = 0; i < c->nvalidate; i++) {
		size_t before = npaths;

		if (stat(c->validate[i], &sb) == 0 && S_ISDIR(sb.st_mode)) {
			rules_expand_path(c->validate[i], &paths, &npaths);
			if (npaths == before)
				log_warn("%s: no rules files (*.yaml, *.yml) "
				    "in this directory", c->validate[i]);
		} else {
			paths = xreallocarray(paths, npaths + 1,
			    sizeof(*paths));
			paths[npaths++] = xstrdup(c->validate[i]);
		}
	}
	if (npaths == 0) {
		fprintf(stderr, "Error: no rules files to validate\n");
		rc = 1;
		goto out;
	}
	log_info("Validating rules file(s):");
	for (i = 0; i < npaths; i++)
		log_info("   %s", paths[i]);
	sbuf_puts(&json, "{\"falco_load_results\":[");
	for (i = 0; i < npaths; i++) {
		r = rules_load_file(l, paths[i]);
		if (rules_loader_check_plugins(l, perr, sizeof(perr)) != 0) {
			fprintf(stderr, "Error: %s\n", perr);
			rules_result_free(r);
			rc = 1;
			goto out;
		}
		ok &= rules_result_ok(r);
		if (i > 0)
			sbuf_putc(&json, ',');
		rules_result_json(r, &json);
		if (summary.len > 0)
			sbuf_putc(&summary, '\n');
		if (!rules_result_ok(r) || !rules_result_has_warnings(r))
			rules_result_verbose(r, &summary);
		else {
			sbuf_printf(&summary, "%s: Ok, with warnings",
			    paths[i]);
			sbuf_reset(&v);
			rules_result_verbose(r, &v);
			log_warn("%s", sbuf_str(&v));
		}
		rules_result_free(r);
	}
	sbuf_puts(&json, "]}");
	if (c->json_output)
		printf("%s\n", sbuf_str(&json));
	else
		printf("%s\n", sbuf_str(&summary));
	rc = ok ? 0 : 1;
	if (ok && (c->describe_all || c->describe != NULL) &&
	    rules_loader_ruleset(l) != NULL) {
		if (!c->json_output)
			printf("\n");
		rc = print_description(c, rules_loader_ruleset(l));
	}
	fflush(stdout);
	if (!ok)
		fprintf(stderr, "Error: %s\n", sbuf_str(&summary));
out:
	for (i = 0; i < npaths; i++)
		free(paths[i]);
	free(paths);
	sbuf_free(&summary);
	sbuf_free(&json);
	sbuf_free(&v);
	rules_loader_free(l);
	return rc;
}

int
cmd_describe(const struct cli *c)
{
	struct rules_loader *l = NULL;
	struct rules_result *r;
	struct config *cfg = config_new();
	struct sbuf sb = SBUF_INIT;
	struct cli cc = *c;
	char perr[1024], *errp = NULL;
	const char **cf, *s;
	char **paths = NULL;
	size_t i, n = 0, nc = 0;
	int rc = 0, p;

	/* rules_files, json_output and priority come from falco.yaml and
	   -o, as for the daemon; -r replaces rules_files. */
	if (c->config != NULL)
		rc = config_load(cfg, c->config, c->overrides, c->noverrides,
		    0, &errp);
	else
		rc = config_load_string(cfg, "", 0, "<defaults>",
		    c->overrides, c->noverrides, 0, &errp);
	if (rc != 0) {
		fprintf(stderr, "Error: %s\n", errp != NULL ? errp : "");
		rc = 1;
		goto out;
	}
	cc.json_output = config_bool(cfg, "json_output", c->json_output);
	if ((s = config_str(cfg, "priority", NULL)) != NULL &&
	    (p = rules_priority_parse(s)) >= 0)
		cc.min_priority = p;
	if (c->nrules > 0) {
		for (i = 0; i < c->nrules; i++) {
			rules_expand_path(c->rules[i], &paths, &n);
			sbuf_printf(&sb, " %s", c->rules[i]);
		}
	} else {
		cf = config_rules_files(cfg, &nc);
		for (i = 0; i < nc; i++) {
			rules_expand_path(cf[i], &paths, &n);
			sbuf_printf(&sb, " %s", cf[i]);
		}
		free(cf);
	}
	if (n == 0 && sb.len > 0) {
		/* paths were given; rules_expand_path() warned about each */
		fprintf(stderr, "Error: No rules file found in:%s\n",
		    sbuf_str(&sb));
		rc = 1;
		goto out;
	} else if (n == 0) {
		fprintf(stderr, "Error: You must specify at least one rules "
		    "file/directory via -r or a rules_file entry in "
		    "falco.yaml\n");
		rc = 1;
		goto out;
	}
	l = rules_loader_new();
	log_info("Loading rules from:");
	for (i = 0; i < n && rc == 0; i++) {
		log_info("   %s", paths[i]);
		r = rules_load_file(l, paths[i]);
		sbuf_reset(&sb);
		rules_result_verbose(r, &sb);
		if (!rules_result_ok(r)) {
			fprintf(stderr, "Error: %s\n", sbuf_str(&sb));
			rc = 1;
		} else if (rules_result_has_warnings(r))
			log_warn("%s", sbuf_str(&sb));
		rules_result_free(r);
	}
	if (rc == 0 && rules_loader_check_plugins(l, perr,
	    sizeof(perr)) != 0) {
		fprintf(stderr, "Error: %s\n", perr);
		rc = 1;
	}
	if (rc == 0 && rules_loader_ruleset(l) != NULL) {
		struct rules_set *rs = rules_loader_ruleset(l);

		rules_set_min_priority(rs, cc.min_priority);
		if (c->describe_all || c->describe != NULL)
			rc = print_description(&cc, rs);
	}
out:
	for (i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	sbuf_free(&sb);
	rules_loader_free(l);
	config_free(cfg);
	free(errp);
	return rc;
}

/* Text of a field class as Falco's --list prints it. */
static void
list_class(const struct cli *c, const struct field_class *fc)
{
	size_t j;

	printf("-------------------------------\n");
	printf("%-30s%s (%s)\n", "Field Class:", fc->name, fc->desc);
	printf("%-30s%s \n\n", "Event Sources:", fc->source);
	for (j = 0; j < fc->nfields; j++) {
		const struct field_info *f = &fc->fields[j];

		if (f->flags & (FF_HIDDEN | FF_DEPRECATED))
			continue;
		if (strlen(f->name) > 30)
			printf("%s\n%-30s", f->name, " ");
		else
			printf("%-30s", f->name);
		if (c->verbose)
			printf("(Type: %s) ", ftype_name(f->type));
		printf("%s\n", f->desc);
	}
	printf("\n");
}

/* A field class as a markdown section (--format markdown). */
static void
list_class_md(const struct field_class *fc)
{
	size_t j;

	printf("## Field Class: %s\n\n%s\n\nEvent Sources: %s\n\n",
	    fc->name, fc->desc, fc->source);
	printf("Name | Type | Description\n:----|:-----|:-----------\n");
	for (j = 0; j < fc->nfields; j++) {
		const struct field_info *f = &fc->fields[j];

		if (f->flags & (FF_HIDDEN | FF_DEPRECATED))
			continue;
		printf("`%s` | %s | %s\n", f->name, ftype_name(f->type),
		    f->desc);
	}
	printf("\n");
}

/* A field class as a JSON object (--format json). */
static json_object *
list_class_json(const struct field_class *fc)
{
	json_object *o = json_object_new_object(), *a, *f, *src;
	size_t j;

	json_object_object_add(o, "name", jstr(fc->name));
	json_object_object_add(o, "desc", jstr(fc->desc));
	src = json_object_new_array();
	json_object_array_add(src, jstr(fc->source));
	json_object_object_add(o, "event_sources", src);
	a = json_object_new_array();
	for (j = 0; j < fc->nfields; j++) {
		const struct field_info *fi = &fc->fields[j];

		if (fi->flags & (FF_HIDDEN | FF_DEPRECATED))
			continue;
		f = json_object_new_object();
		json_object_object_add(f, "name", jstr(fi->name));
		json_object_object_add(f, "type", jstr(ftype_name(fi->type)));
		json_object_object_add(f, "desc", jstr(fi->desc));
		json_object_array_add(a, f);
	}
	json_object_object_add(o, "fields", a);
	return o;
}

int
cmd_list_fields(const struct cli *c)
{
	const char *fmt = c->format != NULL ? c->format : "text";
	json_object *all = NULL;
	size_t i, j;

	if (c->list_source != NULL && *c->list_source != '\0' &&
	    strcmp(c->list_source, "syscall") != 0) {
		fprintf(stderr, "Error: Value for --list must be a valid "
		    "source type\n");
		return 1;
	}
	if (strcmp(fmt, "json") == 0)
		all = json_object_new_array();
	for (i = 0; i < fields_nclasses(); i++) {
		const struct field_class *fc = fields_class(i);

		if (all != NULL) {
			json_object_array_add(all, list_class_json(fc));
			continue;
		}
		if (!c->names_only && strcmp(fmt, "markdown") == 0) {
			list_class_md(fc);
			continue;
		}
		if (!c->names_only) {
			list_class(c, fc);
			continue;
		}
		for (j = 0; j < fc->nfields; j++)
			if (!(fc->fields[j].flags & (FF_HIDDEN |
			    FF_DEPRECATED)))
				printf("%s\n", fc->fields[j].name);
	}
	if (all != NULL) {
		printf("%s\n", json_object_to_json_string_ext(all,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(all);
	}
	return 0;
}
