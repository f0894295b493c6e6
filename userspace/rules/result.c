/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Load results and their three renderings (summary, verbose, JSON), in
 * the formats `falco -V` prints.
 */
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/rules_int.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"

/* ---- arena ------------------------------------------------------- */

struct arena_blk {
	struct arena_blk *next;
	size_t		 used, cap;
	char		 data[];
};

#define ARENA_BLK	65536

void *
amalloc(struct arena *a, size_t n)
{
	struct arena_blk *b = a->head;
	void *p;

	n = (n + 15) & ~(size_t)15;
	if (b == NULL || b->cap - b->used < n) {
		size_t cap = n > ARENA_BLK ? n : ARENA_BLK;

		b = xmalloc(sizeof(*b) + cap);
		b->used = 0;
		b->cap = cap;
		b->next = a->head;
		a->head = b;
	}
	p = b->data + b->used;
	b->used += n;
	memset(p, 0, n);
	return p;
}

char *
astrndup(struct arena *a, const char *s, size_t n)
{
	char *p = amalloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
astrdup(struct arena *a, const char *s)
{
	return astrndup(a, s, strlen(s));
}

char *
aprintf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	char *s, *r;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (s == NULL)
		return astrdup(a, "");
	r = astrdup(a, s);
	free(s);
	return r;
}

void
arena_free(struct arena *a)
{
	struct arena_blk *b, *n;

	for (b = a->head; b != NULL; b = n) {
		n = b->next;
		free(b);
	}
	a->head = NULL;
}

/* ---- codes ------------------------------------------------------- */

static const char *const err_codes[] = {
	"LOAD_ERR_FILE_READ", "LOAD_ERR_YAML_PARSE", "LOAD_ERR_YAML_VALIDATE",
	"LOAD_ERR_COMPILE_CONDITION", "LOAD_ERR_COMPILE_OUTPUT",
	"LOAD_ERR_VALIDATE", "LOAD_ERR_EXTENSION"
};

static const char *const err_short[] = {
	"File read error", "YAML parse error",
	"Error validating internal structure of YAML file",
	"Error compiling condition", "Error compiling output",
	"Error validating rule/macro/list/exception objects",
	"Error in extension item"
};

static const char *const warn_codes[] = {
	"LOAD_UNKNOWN_SOURCE", "LOAD_UNSAFE_NA_CHECK", "LOAD_NO_EVTTYPE",
	"LOAD_UNKNOWN_FILTER", "LOAD_UNUSED_MACRO", "LOAD_UNUSED_LIST",
	"LOAD_UNKNOWN_ITEM", "LOAD_DEPRECATED_ITEM", "LOAD_WARNING_EXTENSION",
	"LOAD_APPEND_NO_VALUES", "LOAD_EXCEPTION_NAME_NOT_UNIQUE",
	"LOAD_INVALID_MACRO_NAME", "LOAD_INVALID_LIST_NAME",
	"LOAD_COMPILE_CONDITION", "LOAD_UNKNOWN_KEY"
};

static const char *const warn_short[] = {
	"Unknown event source", "Unsafe <NA> comparison in condition",
	"Condition has no event-type restriction",
	"Unknown field or event-type in condition or output",
	"Unused macro", "Unused list", "Unknown rules file item",
	"Used deprecated item", "Warning in extension item",
	"Overriding/appending with no values",
	"Multiple exceptions defined with the same name",
	"Invalid macro name", "Invalid list name",
	"Warning in rule condition", "Unknown key in item definition"
};

/*
 * Longer explanations of the warning codes, our own wording; Falco puts
 * such a text in the JSON "codedesc" of warnings.
 */
static const char *const warn_desc[] = {
	"The rule names an event source that is not loaded; the rule is "
	    "ignored.",
	"A field is compared with <NA>, which depends on how a missing "
	    "value is rendered; use the 'exists' operator instead.",
	"The condition can match too many event types, so it runs on "
	    "almost every event; restrict it with evt.type.",
	"The condition or output names a field or event type that does not "
	    "exist; skip-if-unknown-filter turned the error into this "
	    "warning.",
	"The macro is not used by any rule or macro.",
	"The list is not used by any rule, macro or list.",
	"A top-level item of an unknown kind was ignored.",
	"The rules use a deprecated key, field or syntax.",
	"An extension item produced a warning.",
	"An exception was appended or overridden without values.",
	"A rule defines several exceptions with the same name.",
	"The macro name is not a valid identifier.",
	"The list name is not a valid bare string.",
	"The condition compiled with a warning.",
	"An item holds a key that does not belong to its kind; the key is "
	    "ignored."
};

const char *const rules_deprecated_fields[] = {
	"evt.dir", "evt.latency", "evt.latency.s", "evt.latency.ns",
	"evt.latency.human", "evt.wait_latency"
};
const size_t rules_ndeprecated_fields = 6;

const char *
rules_deprecated_desc(int i)
{
	if (i == 0)
		return "drivers no longer send enter events, so 'evt.dir = <' "
		    "is always true and 'evt.dir = >' always false: remove "
		    "the evt.dir check from the condition";
	return "latencies need enter events, which drivers no longer send: "
	    "this field is never available.";
}

/* ---- results ----------------------------------------------------- */

static void
add(struct rules_result *r, int is_err, int code, int dfield,
    const struct ctx *c, const char *msg)
{
	struct problem **v = is_err ? &r->errs : &r->warns;
	size_t *n = is_err ? &r->nerrs : &r->nwarns;

	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[*n].code = code;
	(*v)[*n].deprecated_field = dfield;
	(*v)[*n].msg = astrdup(&r->mem, msg);
	(*v)[*n].ctx = c;
	(*n)++;
	if (is_err)
		r->ok = 0;
}

void
result_error(struct rules_result *r, int code, const struct ctx *c,
    const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	add(r, 1, code, -1, c, s != NULL ? s : "");
	free(s);
}

void
result_warning(struct rules_result *r, int code, const struct ctx *c,
    const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	add(r, 0, code, -1, c, s != NULL ? s : "");
	free(s);
}

void
result_deprecated(struct rules_result *r, int field, const struct ctx *c,
    const char *msg)
{
	add(r, 0, LOAD_DEPRECATED_ITEM, field, c, msg);
}

int
rules_result_ok(const struct rules_result *r)
{
	return r->ok;
}

int
rules_result_has_warnings(const struct rules_result *r)
{
	return r->nwarns > 0;
}

size_t
rules_result_nerrors(const struct rules_result *r)
{
	return r->nerrs;
}

size_t
rules_result_nwarnings(const struct rules_result *r)
{
	return r->nwarns;
}

const char *
rules_result_error_code(const struct rules_result *r, size_t i)
{
	return i < r->nerrs ? err_codes[r->errs[i].code] : NULL;
}

const char *
rules_result_error_msg(const struct rules_result *r, size_t i)
{
	return i < r->nerrs ? r->errs[i].msg : NULL;
}

const char *
rules_result_warning_code(const struct rules_result *r, size_t i)
{
	return i < r->nwarns ? warn_codes[r->warns[i].code] : NULL;
}

const char *
rules_result_warning_msg(const struct rules_result *r, size_t i)
{
	return i < r->nwarns ? r->warns[i].msg : NULL;
}

int
rules_result_schema_valid(const struct rules_result *r)
{
	if (!r->schema_checked)
		return -1;
	return r->nschema == 0;
}

void
rules_result_free(struct rules_result *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nschema; i++)
		free(r->schema[i]);
	free(r->schema);
	free(r->errs);
	free(r->warns);
	arena_free(&r->mem);
	free(r);
}

/* ---- rendering --------------------------------------------------- */

static const char *const ctx_type_names[] = {
	"value for", "exceptions", "exception", "exception values",
	"exception value", "rules content", "rules content item",
	"required_engine_version", "required plugin versions",
	"required plugin versions entry",
	"required plugin versions alternative", "list", "list item", "macro",
	"macro condition", "rule", "rule condition", "condition expression",
	"rule output", "rule output expression", "rule priority", "overrides",
	"extension item"
};

static void
warn_short_str(const struct problem *p, struct sbuf *out)
{
	sbuf_puts(out, warn_short[p->code]);
	if (p->deprecated_field >= 0)
		sbuf_printf(out, ": field '%s'",
		    rules_deprecated_fields[p->deprecated_field]);
}

static void
ctx_as_string(const struct ctx *c, struct sbuf *out)
{
	size_t i;

	for (i = 0; i < c->nlocs; i++) {
		const struct loc *l = &c->locs[i];

		sbuf_puts(out, i == 0 ? "In " : "    ");
		sbuf_puts(out, ctx_type_names[l->type]);
		if (l->item_name != NULL && *l->item_name != '\0')
			sbuf_printf(out, " '%s'", l->item_name);
		sbuf_printf(out, ": (%s:%zu:%zu)\n", l->name, l->line, l->col);
	}
}

/* The line holding the last location, with a caret under it. */
static void
ctx_snippet(const struct rules_result *r, const struct ctx *c,
    struct sbuf *out)
{
	const size_t width = 160;
	const struct loc *l = &c->locs[c->nlocs - 1];
	const char *text = NULL;
	size_t len = 0, pos, from, to, i, start;

	if (c->alt != NULL) {
		text = c->alt;
		len = strlen(text);
	} else {
		for (i = 0; i < *r->ncontents; i++) {
			if (strcmp(r->contents[i].name, l->name) == 0) {
				text = r->contents[i].text;
				len = r->contents[i].len;
			}
		}
		if (text == NULL) {
			sbuf_printf(out, "<No context for file + %s>\n",
			    l->name);
			return;
		}
	}
	if (len == 0) {
		sbuf_puts(out, "<No context available>\n");
		return;
	}
	pos = c->alt != NULL ? c->alt_off : l->off;
	while (pos > 0 && (pos >= len || text[pos] == '\n'))
		pos--;
	from = pos;
	while (from > 0 && text[from] != '\n' && pos - from < width / 2)
		from--;
	to = pos;
	while (to < len - 1 && text[to] != '\n' && to - pos < width / 2)
		to++;
	if (from < len && text[from] == '\n')
		from++;
	if (to < len && text[to] == '\n')
		to--;
	if (to + 1 <= from) {
		sbuf_puts(out, "<No context available>\n");
		return;
	}
	start = out->len;
	sbuf_put(out, text + from, to - from + 1);
	if (pos - from >= width / 2 && out->len - start >= 3)
		memcpy(out->buf + start, "...", 3);
	if (to - pos >= width / 2 && out->len - start >= 3)
		memcpy(out->buf + out->len - 3, "...", 3);
	i = out->len - start;
	sbuf_putc(out, '\n');
	if (pos - from <= i) {
		for (start = 0; start < pos - from; start++)
			sbuf_putc(out, ' ');
		sbuf_puts(out, "^\n");
	}
}

static void
status_line(const struct rules_result *r, struct sbuf *out)
{
	if (r->name != NULL && *r->name != '\0')
		sbuf_printf(out, "%s: ", r->name);
	if (r->ok)
		sbuf_puts(out, r->nwarns > 0 ? "Ok, with warnings" : "Ok");
	else
		sbuf_puts(out, "Invalid");
}

void
rules_result_summary(const struct rules_result *r, struct sbuf *out)
{
	size_t i;

	status_line(r, out);
	if (r->nschema > 0) {
		sbuf_printf(out, "\n %zu schema warnings: [", r->nschema);
		for (i = 0; i < r->nschema; i++)
			sbuf_printf(out, "%s%s", i ? " " : "", r->schema[i]);
		sbuf_putc(out, ']');
	}
	if (r->nerrs > 0) {
		sbuf_printf(out, "\n %zu errors: [", r->nerrs);
		for (i = 0; i < r->nerrs; i++)
			sbuf_printf(out, "%s%s (%s)", i ? " " : "",
			    err_codes[r->errs[i].code],
			    err_short[r->errs[i].code]);
		sbuf_putc(out, ']');
	}
	if (r->nwarns > 0) {
		sbuf_printf(out, "\n %zu warnings: [", r->nwarns);
		for (i = 0; i < r->nwarns; i++) {
			sbuf_printf(out, "%s%s (", i ? " " : "",
			    warn_codes[r->warns[i].code]);
			warn_short_str(&r->warns[i], out);
			sbuf_putc(out, ')');
		}
		sbuf_putc(out, ']');
	}
}

void
rules_result_verbose(const struct rules_result *r, struct sbuf *out)
{
	size_t i;

	status_line(r, out);
	if (r->nschema > 0) {
		sbuf_printf(out, "\n%zu Schema warnings:\n", r->nschema);
		for (i = 0; i < r->nschema; i++)
			sbuf_printf(out, "------\n%s\n", r->schema[i]);
		sbuf_puts(out, "------\n");
	}
	if (r->nerrs > 0) {
		sbuf_printf(out, "\n%zu Errors:\n", r->nerrs);
		for (i = 0; i < r->nerrs; i++) {
			const struct problem *p = &r->errs[i];

			ctx_as_string(p->ctx, out);
			sbuf_puts(out, "------\n");
			ctx_snippet(r, p->ctx, out);
			sbuf_puts(out, "------\n");
			sbuf_printf(out, "%s (%s): %s\n", err_codes[p->code],
			    err_short[p->code], p->msg);
		}
	}
	if (r->nwarns > 0) {
		sbuf_printf(out, "\n%zu Warnings:\n", r->nwarns);
		for (i = 0; i < r->nwarns; i++) {
			const struct problem *p = &r->warns[i];

			ctx_as_string(p->ctx, out);
			sbuf_puts(out, "------\n");
			ctx_snippet(r, p->ctx, out);
			sbuf_puts(out, "------\n");
			sbuf_printf(out, "%s (", warn_codes[p->code]);
			warn_short_str(p, out);
			sbuf_printf(out, "): %s\n", p->msg);
		}
	}
}

/* Keys in sorted order, as Falco's JSON library prints them. */
static json_object *
problem_json(const struct rules_result *r, const struct problem *p,
    int is_err)
{
	json_object *o = json_object_new_object(), *ctx, *locs, *lo, *pos;
	struct sbuf sn = SBUF_INIT;
	size_t i;

	json_object_object_add(o, "code", json_object_new_string(is_err ?
	    err_codes[p->code] : warn_codes[p->code]));
	json_object_object_add(o, "codedesc", json_object_new_string(is_err ?
	    err_short[p->code] : warn_desc[p->code]));
	ctx = json_object_new_object();
	locs = json_object_new_array();
	for (i = 0; i < p->ctx->nlocs; i++) {
		const struct loc *l = &p->ctx->locs[i];

		lo = json_object_new_object();
		json_object_object_add(lo, "item_name", json_object_new_string(
		    l->item_name != NULL ? l->item_name : ""));
		json_object_object_add(lo, "item_type", json_object_new_string(
		    ctx_type_names[l->type]));
		pos = json_object_new_object();
		json_object_object_add(pos, "column",
		    json_object_new_int64((int64_t)l->col));
		json_object_object_add(pos, "line",
		    json_object_new_int64((int64_t)l->line));
		json_object_object_add(pos, "name",
		    json_object_new_string(l->name));
		json_object_object_add(pos, "offset",
		    json_object_new_int64((int64_t)l->off));
		json_object_object_add(lo, "position", pos);
		json_object_array_add(locs, lo);
	}
	json_object_object_add(ctx, "locations", locs);
	ctx_snippet(r, p->ctx, &sn);
	json_object_object_add(ctx, "snippet",
	    json_object_new_string(sbuf_str(&sn)));
	sbuf_free(&sn);
	json_object_object_add(o, "context", ctx);
	if (!is_err && p->deprecated_field >= 0)
		json_object_object_add(o, "deprecated_field",
		    json_object_new_string(
		    rules_deprecated_fields[p->deprecated_field]));
	json_object_object_add(o, "message", json_object_new_string(p->msg));
	return o;
}

void
rules_result_json(const struct rules_result *r, struct sbuf *out)
{
	json_object *o = json_object_new_object(), *a;
	size_t i;

	a = json_object_new_array();
	for (i = 0; i < r->nerrs; i++)
		json_object_array_add(a, problem_json(r, &r->errs[i], 1));
	json_object_object_add(o, "errors", a);
	json_object_object_add(o, "name", json_object_new_string(
	    r->name != NULL ? r->name : ""));
	if (r->schema_checked) {
		json_object_object_add(o, "schema_valid",
		    json_object_new_boolean(r->nschema == 0));
		a = json_object_new_array();
		for (i = 0; i < r->nschema; i++)
			json_object_array_add(a,
			    json_object_new_string(r->schema[i]));
		json_object_object_add(o, "schema_warnings", a);
	}
	json_object_object_add(o, "successful",
	    json_object_new_boolean(r->ok));
	a = json_object_new_array();
	for (i = 0; i < r->nwarns; i++)
		json_object_array_add(a, problem_json(r, &r->warns[i], 0));
	json_object_object_add(o, "warnings", a);
	sbuf_puts(out, json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}
