/* SPDX-License-Identifier: Apache-2.0 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "rules/yaml.h"
#include "util/xmalloc.h"

struct anchor {
	char		*name;
	struct ynode	*node;
};

struct ystate {
	yaml_parser_t	 p;
	struct anchor	*anchors;
	size_t		 nanchors;
	unsigned	 depth;
};

#define YAML_MAX_DEPTH	512

static void
ynode_free(struct ynode *n)
{
	size_t i;

	if (n == NULL)
		return;
	for (i = 0; i < n->nitems; i++)
		ynode_free(n->items[i]);
	free(n->items);
	free(n->str);
	free(n);
}

static struct ynode *
ynode_clone(const struct ynode *n)
{
	struct ynode *c = xcalloc(1, sizeof(*c));
	size_t i;

	*c = *n;
	c->str = n->str != NULL ? xstrdup(n->str) : NULL;
	c->items = NULL;
	if (n->nitems > 0) {
		c->items = xcalloc(n->nitems, sizeof(*c->items));
		for (i = 0; i < n->nitems; i++)
			c->items[i] = ynode_clone(n->items[i]);
	}
	return c;
}

static void
add_item(struct ynode *parent, struct ynode *kid)
{
	parent->items = xreallocarray(parent->items, parent->nitems + 1,
	    sizeof(*parent->items));
	parent->items[parent->nitems++] = kid;
}

static int
is_null_plain(const char *s)
{
	return *s == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
	    strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

static void
set_anchor(struct ystate *st, const yaml_char_t *name, struct ynode *n)
{
	if (name == NULL)
		return;
	st->anchors = xreallocarray(st->anchors, st->nanchors + 1,
	    sizeof(*st->anchors));
	st->anchors[st->nanchors].name = xstrdup((const char *)name);
	st->anchors[st->nanchors].node = ynode_clone(n);
	st->nanchors++;
}

/*
 * libyaml's problem descriptions, reworded as Falco users see them from
 * yaml-cpp so that messages stay recognizable; others pass through.
 */
static const char *
problem_text(const char *p)
{
	static const struct {
		const char	*libyaml;
		const char	*falco;
	} map[] = {
		{ "mapping values are not allowed in this context",
		    "illegal map value" },
		{ "did not find expected key", "end of map not found" },
		{ "did not find expected '-' indicator",
		    "end of sequence not found" },
		{ "did not find expected ',' or ']'",
		    "end of sequence flow not found" },
		{ "did not find expected ',' or '}'",
		    "end of map flow not found" },
		{ "found undefined alias", "the referenced anchor is not "
		    "defined" },
		{ "found unexpected end of stream", "end of stream not "
		    "found" },
		{ "found character that cannot start any token",
		    "unknown token" },
	};
	size_t i;

	if (p == NULL)
		return "YAML syntax error";
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(p, map[i].libyaml) == 0)
			return map[i].falco;
	return p;
}

/* Build the node starting with event ev (already read).  NULL on error. */
static struct ynode *
build(struct ystate *st, yaml_event_t *ev, int *err)
{
	struct ynode *n, *kid;
	yaml_event_t sub;
	const yaml_char_t *anchor = NULL;
	size_t i;

	if (++st->depth > YAML_MAX_DEPTH) {
		*err = 2;
		return NULL;
	}
	n = xcalloc(1, sizeof(*n));
	n->line = ev->start_mark.line;
	n->col = ev->start_mark.column;
	n->off = ev->start_mark.index;
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		n->str = xstrndup((const char *)ev->data.scalar.value,
		    ev->data.scalar.length);
		n->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
		n->kind = (!n->quoted && is_null_plain(n->str)) ? Y_NULL :
		    Y_SCALAR;
		set_anchor(st, ev->data.scalar.anchor, n);
		break;
	case YAML_ALIAS_EVENT:
		for (i = st->nanchors; i-- > 0;) {
			if (strcmp(st->anchors[i].name,
			    (const char *)ev->data.alias.anchor) == 0) {
				free(n);
				n = ynode_clone(st->anchors[i].node);
				n->line = ev->start_mark.line;
				n->col = ev->start_mark.column;
				n->off = ev->start_mark.index;
				break;
			}
		}
		if (i == (size_t)-1) {
			free(n);
			*err = 3;
			return NULL;
		}
		break;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		n->kind = ev->type == YAML_SEQUENCE_START_EVENT ? Y_SEQ :
		    Y_MAP;
		anchor = ev->type == YAML_SEQUENCE_START_EVENT ?
		    ev->data.sequence_start.anchor :
		    ev->data.mapping_start.anchor;
		for (;;) {
			if (!yaml_parser_parse(&st->p, &sub)) {
				*err = 1;
				ynode_free(n);
				return NULL;
			}
			if (sub.type == YAML_SEQUENCE_END_EVENT ||
			    sub.type == YAML_MAPPING_END_EVENT) {
				yaml_event_delete(&sub);
				break;
			}
			kid = build(st, &sub, err);
			yaml_event_delete(&sub);
			if (kid == NULL) {
				ynode_free(n);
				return NULL;
			}
			add_item(n, kid);
		}
		if (anchor != NULL)
			set_anchor(st, anchor, n);
		break;
	default:
		free(n);
		*err = 1;
		return NULL;
	}
	st->depth--;
	return n;
}

int
ydoc_load(const char *text, size_t len, struct ydoc *out, char **msg,
    size_t *line, size_t *col, size_t *off)
{
	struct ystate st;
	yaml_event_t ev, sub;
	struct ynode *root;
	int err = 0, rc = 0;
	size_t i;

	memset(out, 0, sizeof(*out));
	memset(&st, 0, sizeof(st));
	*msg = NULL;
	*line = *col = *off = 0;
	if (!yaml_parser_initialize(&st.p))
		return -1;
	yaml_parser_set_input_string(&st.p, (const unsigned char *)text, len);
	for (;;) {
		if (!yaml_parser_parse(&st.p, &ev)) {
			err = 1;
			break;
		}
		if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		if (ev.type != YAML_DOCUMENT_START_EVENT) {
			yaml_event_delete(&ev);
			continue;
		}
		yaml_event_delete(&ev);
		if (!yaml_parser_parse(&st.p, &sub)) {
			err = 1;
			break;
		}
		root = build(&st, &sub, &err);
		*line = sub.start_mark.line;
		*col = sub.start_mark.column;
		*off = sub.start_mark.index;
		yaml_event_delete(&sub);
		if (root == NULL)
			break;
		out->docs = xreallocarray(out->docs, out->ndocs + 1,
		    sizeof(*out->docs));
		out->docs[out->ndocs++] = root;
		/* document end */
		if (!yaml_parser_parse(&st.p, &ev)) {
			err = 1;
			break;
		}
		yaml_event_delete(&ev);
	}
	if (err != 0) {
		if (err == 1 && st.p.error != YAML_NO_ERROR) {
			/* 0-based, as the location reported with it */
			xasprintf(msg, "error at line %zu, column %zu: %s",
			    st.p.problem_mark.line,
			    st.p.problem_mark.column,
			    problem_text(st.p.problem));
			*line = st.p.problem_mark.line;
			*col = st.p.problem_mark.column;
			*off = st.p.problem_mark.index;
		} else if (err == 2)
			*msg = xstrdup("YAML nesting is too deep");
		else if (err == 3)
			*msg = xstrdup("YAML alias to an unknown anchor");
		else
			*msg = xstrdup("unknown YAML parsing error");
		ydoc_free(out);
		rc = -1;
	}
	for (i = 0; i < st.nanchors; i++) {
		free(st.anchors[i].name);
		ynode_free(st.anchors[i].node);
	}
	free(st.anchors);
	yaml_parser_delete(&st.p);
	return rc;
}

void
ydoc_free(struct ydoc *d)
{
	size_t i;

	for (i = 0; i < d->ndocs; i++)
		ynode_free(d->docs[i]);
	free(d->docs);
	d->docs = NULL;
	d->ndocs = 0;
}

const struct ynode *
ymap_get(const struct ynode *map, const char *key)
{
	size_t i;

	if (map == NULL || map->kind != Y_MAP)
		return NULL;
	for (i = 0; i + 1 < map->nitems; i += 2) {
		const struct ynode *k = map->items[i];

		if (k->str != NULL && strcmp(k->str, key) == 0)
			return map->items[i + 1];
	}
	return NULL;
}

int
yscalar_bool(const struct ynode *n, int *out)
{
	static const char *const yes[] = { "y", "Y", "yes", "Yes", "YES",
	    "true", "True", "TRUE", "on", "On", "ON", NULL };
	static const char *const no[] = { "n", "N", "no", "No", "NO",
	    "false", "False", "FALSE", "off", "Off", "OFF", NULL };
	size_t i;

	if (n == NULL || n->kind != Y_SCALAR)
		return -1;
	for (i = 0; yes[i] != NULL; i++)
		if (strcmp(n->str, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
	for (i = 0; no[i] != NULL; i++)
		if (strcmp(n->str, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	return -1;
}

int
yscalar_u64(const struct ynode *n, uint64_t *out)
{
	const char *s;
	char *end;
	unsigned long long v;

	if (n == NULL || n->kind != Y_SCALAR)
		return -1;
	s = n->str;
	while (isspace((unsigned char)*s))
		s++;
	if (*s == '-' || *s == '\0')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s)
		return -1;
	while (isspace((unsigned char)*end))
		end++;
	if (*end != '\0')
		return -1;
	*out = v;
	return 0;
}
