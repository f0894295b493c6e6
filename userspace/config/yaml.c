/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The configuration tree: building it from libyaml events with the
 * location of every node, key paths, and in-place edits for overrides
 * and merges.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "config/config_impl.h"
#include "util/log.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"

/*
 * Limits against hostile input: nesting (the parser recurses) and the
 * total node count after alias expansion ("billion laughs").
 */
#define CFG_MAX_DEPTH	128
#define CFG_MAX_NODES	200000

const char *
cfg_intern(struct config *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->nnames; i++)
		if (strcmp(cfg->names[i], name) == 0)
			return cfg->names[i];
	cfg->names = xreallocarray(cfg->names, cfg->nnames + 1,
	    sizeof(*cfg->names));
	cfg->names[cfg->nnames] = xstrdup(name);
	return cfg->names[cfg->nnames++];
}

struct cfg_node *
cfg_node_new(enum cfg_kind kind, const char *file, int line, int col)
{
	struct cfg_node *n = xcalloc(1, sizeof(*n));

	n->kind = kind;
	n->file = file;
	n->line = line;
	n->col = col;
	return n;
}

void
cfg_node_free(struct cfg_node *n)
{
	size_t i;

	if (n == NULL)
		return;
	for (i = 0; i < n->n; i++) {
		if (n->keys != NULL)
			free(n->keys[i]);
		cfg_node_free(n->vals[i]);
	}
	free(n->keys);
	free(n->klines);
	free(n->kcols);
	free(n->vals);
	free(n->str);
	free(n);
}

struct cfg_node *
cfg_node_copy(const struct cfg_node *n)
{
	struct cfg_node *c;
	size_t i;

	c = cfg_node_new(n->kind, n->file, n->line, n->col);
	c->plain = n->plain;
	if (n->str != NULL)
		c->str = xstrdup(n->str);
	if (n->n > 0) {
		c->cap = n->n;
		c->vals = xcalloc(n->n, sizeof(*c->vals));
		if (n->keys != NULL) {
			c->keys = xcalloc(n->n, sizeof(*c->keys));
			c->klines = xcalloc(n->n, sizeof(*c->klines));
			c->kcols = xcalloc(n->n, sizeof(*c->kcols));
		}
		for (i = 0; i < n->n; i++) {
			c->vals[i] = cfg_node_copy(n->vals[i]);
			if (n->keys != NULL) {
				c->keys[i] = xstrdup(n->keys[i]);
				c->klines[i] = n->klines[i];
				c->kcols[i] = n->kcols[i];
			}
		}
		c->n = n->n;
	}
	return c;
}

static void
node_grow(struct cfg_node *n)
{
	if (n->n < n->cap)
		return;
	n->cap = n->cap ? n->cap * 2 : 4;
	n->vals = xreallocarray(n->vals, n->cap, sizeof(*n->vals));
	if (n->kind == CFG_MAP) {
		n->keys = xreallocarray(n->keys, n->cap, sizeof(*n->keys));
		n->klines = xreallocarray(n->klines, n->cap,
		    sizeof(*n->klines));
		n->kcols = xreallocarray(n->kcols, n->cap, sizeof(*n->kcols));
	}
}

struct cfg_node *
cfg_map_find(const struct cfg_node *map, const char *key)
{
	size_t i;

	if (map == NULL || map->kind != CFG_MAP)
		return NULL;
	for (i = 0; i < map->n; i++)
		if (strcmp(map->keys[i], key) == 0)
			return map->vals[i];
	return NULL;
}


long
cfg_map_index(const struct cfg_node *map, const char *key)
{
	size_t i;

	if (map == NULL || map->kind != CFG_MAP)
		return -1;
	for (i = 0; i < map->n; i++)
		if (strcmp(map->keys[i], key) == 0)
			return (long)i;
	return -1;
}

/*
 * Set or replace map[key]; the old value is freed, the order kept.  A
 * replaced key keeps the location where it was first written.
 */
void
cfg_map_set_at(struct cfg_node *map, const char *key, int line, int col,
    struct cfg_node *val)
{
	long i = cfg_map_index(map, key);

	if (i >= 0) {
		cfg_node_free(map->vals[i]);
		map->vals[i] = val;
		return;
	}
	node_grow(map);
	map->keys[map->n] = xstrdup(key);
	map->klines[map->n] = line;
	map->kcols[map->n] = col;
	map->vals[map->n++] = val;
}

void
cfg_map_set(struct cfg_node *map, const char *key, struct cfg_node *val)
{
	cfg_map_set_at(map, key, val->line, val->col, val);
}

void
cfg_seq_push(struct cfg_node *seq, struct cfg_node *item)
{
	node_grow(seq);
	seq->vals[seq->n++] = item;
}

/*
 * ${NAME} becomes the value of NAME (nothing when unset); $${ stays as a
 * literal ${; an unterminated ${ leaves the rest of the text alone.
 */
char *
cfg_expand_env(const char *s)
{
	struct sbuf sb = SBUF_INIT;
	const char *p = s, *end, *val;
	char *name;

	if (strchr(s, '$') == NULL)
		return xstrdup(s);
	while (*p != '\0') {
		if (p[0] == '$' && p[1] == '{') {
			end = strchr(p + 2, '}');
			if (end == NULL) {
				sbuf_puts(&sb, p);
				break;
			}
			name = xstrndup(p + 2, (size_t)(end - p - 2));
			if ((val = getenv(name)) != NULL)
				sbuf_puts(&sb, val);
			free(name);
			p = end + 1;
		} else if (p[0] == '$' && p[1] == '$' && p[2] == '{') {
			end = strchr(p + 3, '}');
			if (end == NULL) {
				sbuf_puts(&sb, p);
				break;
			}
			/* Drop one '$' and copy the rest verbatim. */
			sbuf_put(&sb, p + 1, (size_t)(end + 1 - (p + 1)));
			p = end + 1;
		} else {
			sbuf_putc(&sb, *p++);
		}
	}
	return sbuf_detach(&sb);
}

/* Parser state for one document. */
struct yp {
	yaml_parser_t	 parser;
	const char	*file;
	int		 line0;		/* added to libyaml's line (0-based) */
	int		 col0;		/* added to the column on line 0 */
	int		 expand_env;
	size_t		 nodes;
	struct anchor {
		char		*name;
		struct cfg_node	*node;	/* a private copy: the tree may
					   replace the original */
	}		*anchors;
	size_t		 nanchors;
	char		*err;
};

static void
yp_mark(const struct yp *y, const yaml_mark_t *m, int *line, int *col)
{
	*line = (int)m->line + y->line0;
	*col = (int)m->column + 1 + (m->line == 0 ? y->col0 : 0);
}

/* Record the first error: "file:line:col: " then fmt with one %s. */
static void
yp_error(struct yp *y, const yaml_mark_t *m, const char *fmt, const char *arg)
{
	char *msg;
	int line, col;

	if (y->err != NULL)
		return;
	yp_mark(y, m, &line, &col);
	xasprintf(&msg, fmt, arg);
	xasprintf(&y->err, "%s:%d:%d: %s", y->file, line, col, msg);
	free(msg);
}

static int
yp_next(struct yp *y, yaml_event_t *ev)
{
	if (yaml_parser_parse(&y->parser, ev))
		return 0;
	if (y->err == NULL) {
		int line, col;

		yp_mark(y, &y->parser.problem_mark, &line, &col);
		xasprintf(&y->err, "%s:%d:%d: YAML syntax error: %s%s%s",
		    y->file, line, col,
		    y->parser.problem ? y->parser.problem : "unknown",
		    y->parser.context ? " " : "",
		    y->parser.context ? y->parser.context : "");
	}
	return -1;
}

static size_t
node_count(const struct cfg_node *n)
{
	size_t i, c = 1;

	for (i = 0; i < n->n; i++)
		c += node_count(n->vals[i]);
	return c;
}

static void
yp_anchor(struct yp *y, const yaml_char_t *anchor, struct cfg_node *n)
{
	if (anchor == NULL)
		return;
	y->anchors = xreallocarray(y->anchors, y->nanchors + 1,
	    sizeof(*y->anchors));
	y->anchors[y->nanchors].name = xstrdup((const char *)anchor);
	y->anchors[y->nanchors++].node = cfg_node_copy(n);
	/* The copy counts against the budget, checked at the next node. */
	y->nodes += node_count(n);
}

static int
is_str_tag(const yaml_char_t *tag)
{
	return tag != NULL &&
	    strcmp((const char *)tag, "tag:yaml.org,2002:str") == 0;
}

/* Build the node that starts with event *ev (consumed by this call). */
static struct cfg_node *
yp_node(struct yp *y, yaml_event_t *ev, int depth)
{
	struct cfg_node *n = NULL, *child;
	yaml_event_t kev, vev;
	size_t i;
	int line, col;

	yp_mark(y, &ev->start_mark, &line, &col);
	if (++y->nodes > CFG_MAX_NODES) {
		yp_error(y, &ev->start_mark, "%s", "document too large");
		return NULL;
	}
	if (depth > CFG_MAX_DEPTH) {
		yp_error(y, &ev->start_mark, "%s", "nesting too deep");
		return NULL;
	}
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		n = cfg_node_new(CFG_SCALAR, y->file, line, col);
		n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
		    !is_str_tag(ev->data.scalar.tag);
		if (y->expand_env)
			n->str = cfg_expand_env(
			    (const char *)ev->data.scalar.value);
		else
			n->str = xstrdup((const char *)ev->data.scalar.value);
		yp_anchor(y, ev->data.scalar.anchor, n);
		return n;
	case YAML_ALIAS_EVENT:
		for (i = y->nanchors; i > 0; i--) {
			if (strcmp(y->anchors[i - 1].name,
			    (const char *)ev->data.alias.anchor) == 0)
				break;
		}
		if (i == 0) {
			yp_error(y, &ev->start_mark, "unknown alias '%s'",
			    (const char *)ev->data.alias.anchor);
			return NULL;
		}
		y->nodes += node_count(y->anchors[i - 1].node);
		if (y->nodes > CFG_MAX_NODES) {
			yp_error(y, &ev->start_mark, "%s",
			    "document too large after alias expansion");
			return NULL;
		}
		n = cfg_node_copy(y->anchors[i - 1].node);
		n->line = line;
		n->col = col;
		return n;
	case YAML_SEQUENCE_START_EVENT:
		n = cfg_node_new(CFG_SEQ, y->file, line, col);
		for (;;) {
			if (yp_next(y, &vev) < 0)
				goto fail;
			if (vev.type == YAML_SEQUENCE_END_EVENT) {
				yaml_event_delete(&vev);
				break;
			}
			child = yp_node(y, &vev, depth + 1);
			yaml_event_delete(&vev);
			if (child == NULL)
				goto fail;
			cfg_seq_push(n, child);
		}
		/* Register after the body: an anchor cannot refer to itself. */
		yp_anchor(y, ev->data.sequence_start.anchor, n);
		return n;
	case YAML_MAPPING_START_EVENT:
		n = cfg_node_new(CFG_MAP, y->file, line, col);
		for (;;) {
			if (yp_next(y, &kev) < 0)
				goto fail;
			if (kev.type == YAML_MAPPING_END_EVENT) {
				yaml_event_delete(&kev);
				break;
			}
			if (kev.type != YAML_SCALAR_EVENT) {
				yp_error(y, &kev.start_mark, "%s",
				    "only scalar mapping keys are supported");
				yaml_event_delete(&kev);
				goto fail;
			}
			if (yp_next(y, &vev) < 0) {
				yaml_event_delete(&kev);
				goto fail;
			}
			child = yp_node(y, &vev, depth + 1);
			yaml_event_delete(&vev);
			if (child == NULL) {
				yaml_event_delete(&kev);
				goto fail;
			}
			/* A repeated key: the later value wins. */
			yp_mark(y, &kev.start_mark, &line, &col);
			cfg_map_set_at(n, (const char *)kev.data.scalar.value,
			    line, col, child);
			yaml_event_delete(&kev);
		}
		yp_anchor(y, ev->data.mapping_start.anchor, n);
		return n;
	default:
		yp_error(y, &ev->start_mark, "%s", "unexpected YAML event");
		return NULL;
	}
fail:
	cfg_node_free(n);
	return NULL;
}

struct cfg_node *
cfg_parse_yaml(struct config *cfg, const char *text, size_t len,
    const char *file, int line0, int col0, int expand_env, char **errp)
{
	struct yp y;
	struct cfg_node *root = NULL;
	yaml_event_t ev;
	size_t i;
	int done = 0;

	memset(&y, 0, sizeof(y));
	y.file = cfg_intern(cfg, file);
	y.line0 = line0;
	y.col0 = col0;
	y.expand_env = expand_env;
	if (!yaml_parser_initialize(&y.parser))
		fatal("yaml_parser_initialize failed");
	yaml_parser_set_input_string(&y.parser, (const unsigned char *)text,
	    len);
	while (!done) {
		if (yp_next(&y, &ev) < 0)
			break;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_SCALAR_EVENT:
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
		case YAML_ALIAS_EVENT:
			root = yp_node(&y, &ev, 0);
			/* Only the first document counts. */
			done = 1;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	for (i = 0; i < y.nanchors; i++) {
		free(y.anchors[i].name);
		cfg_node_free(y.anchors[i].node);
	}
	free(y.anchors);
	yaml_parser_delete(&y.parser);
	if (y.err != NULL) {
		cfg_node_free(root);
		*errp = y.err;
		return NULL;
	}
	if (root == NULL)
		root = cfg_node_new(CFG_MAP, y.file, line0, col0 + 1);
	return root;
}

void
cfg_path_free(struct cfg_seg *segs, size_t nsegs)
{
	size_t i;

	for (i = 0; i < nsegs; i++)
		free(segs[i].name);
	free(segs);
}

/*
 * Key := Name ('[' digits? ']')* ('.' Key)?; a backslash escapes one of
 * . [ ] \ inside a name.
 */
int
cfg_path_parse(const char *key, struct cfg_seg **segsp, size_t *nsegsp,
    char **errp)
{
	struct cfg_seg *segs = NULL;
	struct sbuf name = SBUF_INIT;
	size_t nsegs = 0, i = 0;
	char *endp;
	long v;

	for (;;) {
		sbuf_reset(&name);
		while (key[i] != '\0' && key[i] != '.' && key[i] != '[') {
			if (key[i] == ']') {
				xasprintf(errp, "key \"%s\": unexpected ']' at "
				    "position %zu", key, i + 1);
				goto fail;
			}
			if (key[i] == '\\') {
				if (strchr(".[]\\", key[i + 1]) == NULL ||
				    key[i + 1] == '\0') {
					xasprintf(errp, "key \"%s\": invalid "
					    "escape at position %zu", key,
					    i + 1);
					goto fail;
				}
				i++;
			}
			sbuf_putc(&name, key[i++]);
		}
		if (name.len == 0) {
			xasprintf(errp, "key \"%s\": empty name at position "
			    "%zu", key, i + 1);
			goto fail;
		}
		segs = xreallocarray(segs, nsegs + 1, sizeof(*segs));
		segs[nsegs].name = xstrdup(sbuf_str(&name));
		segs[nsegs++].idx = 0;
		while (key[i] == '[') {
			i++;
			segs = xreallocarray(segs, nsegs + 1, sizeof(*segs));
			segs[nsegs].name = NULL;
			if (key[i] == ']') {
				segs[nsegs++].idx = -1;
				i++;
				continue;
			}
			if (!isdigit((unsigned char)key[i])) {
				xasprintf(errp, "key \"%s\": expected an index "
				    "at position %zu", key, i + 1);
				goto fail;
			}
			errno = 0;
			v = strtol(key + i, &endp, 10);
			if (errno != 0 || *endp != ']' || v > 1000000) {
				xasprintf(errp, "key \"%s\": bad index at "
				    "position %zu", key, i + 1);
				goto fail;
			}
			segs[nsegs++].idx = v;
			i = (size_t)(endp - key) + 1;
		}
		if (key[i] == '\0')
			break;
		if (key[i] != '.') {
			xasprintf(errp, "key \"%s\": expected '.' at position "
			    "%zu", key, i + 1);
			goto fail;
		}
		i++;
	}
	sbuf_free(&name);
	*segsp = segs;
	*nsegsp = nsegs;
	return 0;
fail:
	sbuf_free(&name);
	cfg_path_free(segs, nsegs);
	return -1;
}

const struct cfg_node *
cfg_lookup(const struct cfg_node *root, const char *key)
{
	struct cfg_seg *segs;
	const struct cfg_node *n = root;
	size_t nsegs, i;
	char *err = NULL;

	if (root == NULL)
		return NULL;
	if (cfg_path_parse(key, &segs, &nsegs, &err) < 0) {
		free(err);
		return NULL;
	}
	for (i = 0; i < nsegs && n != NULL; i++) {
		if (segs[i].name != NULL)
			n = cfg_map_find(n, segs[i].name);
		else if (n->kind == CFG_SEQ && segs[i].idx >= 0 &&
		    (size_t)segs[i].idx < n->n)
			n = n->vals[segs[i].idx];
		else
			n = NULL;
	}
	cfg_path_free(segs, nsegs);
	return n;
}

static int
is_null_scalar(const struct cfg_node *n)
{
	return n->kind == CFG_SCALAR && n->plain &&
	    (n->str[0] == '\0' || strcmp(n->str, "~") == 0 ||
	    strcmp(n->str, "null") == 0 || strcmp(n->str, "Null") == 0 ||
	    strcmp(n->str, "NULL") == 0);
}

/* A placeholder for a path being created; a failed walk leaves nulls. */
static struct cfg_node *
null_node(const struct cfg_node *where)
{
	struct cfg_node *n;

	n = cfg_node_new(CFG_SCALAR, where->file, where->line, where->col);
	n->str = xstrdup("");
	n->plain = 1;
	return n;
}

int
cfg_set(struct cfg_node **rootp, const char *key, struct cfg_node *val,
    char **errp)
{
	struct cfg_seg *segs;
	struct cfg_node **slot = rootp, *cur, *next;
	size_t nsegs, i;
	enum cfg_kind want;

	if (cfg_path_parse(key, &segs, &nsegs, errp) < 0) {
		cfg_node_free(val);
		return -1;
	}
	for (i = 0; i < nsegs; i++) {
		want = segs[i].name != NULL ? CFG_MAP : CFG_SEQ;
		cur = *slot;
		if (cur == NULL || is_null_scalar(cur)) {
			next = cfg_node_new(want, val->file, val->line,
			    val->col);
			cfg_node_free(cur);
			*slot = cur = next;
		}
		if (cur->kind != want) {
			xasprintf(errp, "key \"%s\": \"%s\" is a %s, not a %s",
			    key, i > 0 && segs[i - 1].name != NULL ?
			    segs[i - 1].name : "(item)",
			    cur->kind == CFG_SCALAR ? "scalar" :
			    cur->kind == CFG_MAP ? "mapping" : "sequence",
			    want == CFG_MAP ? "mapping" : "sequence");
			goto fail;
		}
		if (want == CFG_MAP) {
			if (cfg_map_find(cur, segs[i].name) == NULL)
				cfg_map_set(cur, segs[i].name,
				    null_node(val));
			for (size_t k = 0; k < cur->n; k++)
				if (strcmp(cur->keys[k], segs[i].name) == 0)
					slot = &cur->vals[k];
		} else {
			long idx = segs[i].idx;

			if (idx < 0)
				idx = (long)cur->n;
			if ((size_t)idx > cur->n) {
				xasprintf(errp, "key \"%s\": index %ld is past "
				    "the end of a sequence of %zu", key, idx,
				    cur->n);
				goto fail;
			}
			if ((size_t)idx == cur->n)
				cfg_seq_push(cur, null_node(val));
			slot = &cur->vals[idx];
		}
	}
	cfg_node_free(*slot);
	*slot = val;
	cfg_path_free(segs, nsegs);
	return 0;
fail:
	cfg_path_free(segs, nsegs);
	cfg_node_free(val);
	return -1;
}

int
cfg_node_is_null(const struct cfg_node *n)
{
	return n == NULL || is_null_scalar(n);
}
