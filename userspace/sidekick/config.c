/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The configuration is read with libyaml into a small tree that keeps
 * each node's line and column; lookups walk it by dotted path.  The
 * environment is consulted on every lookup, so an override needs no
 * list of known keys.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "sidekick/config.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"

#define CONF_MAX_DEPTH	32

enum ykind { Y_SCALAR, Y_MAP, Y_SEQ };

struct ynode {
	enum ykind	 kind;
	char		*key;		/* as written, in a mapping */
	char		*val;		/* Y_SCALAR */
	int		 line;
	int		 col;
	struct ynode	*child;
	struct ynode	*next;
};

struct sk_conf {
	char		*path;
	struct ynode	*root;
};

static void
ynode_free(struct ynode *n)
{
	struct ynode *next;

	for (; n != NULL; n = next) {
		next = n->next;
		ynode_free(n->child);
		free(n->key);
		free(n->val);
		free(n);
	}
}

struct yparse {
	yaml_parser_t	 p;
	char		*err;
	size_t		 errlen;
	const char	*path;
};

static struct ynode *parse_node(struct yparse *, yaml_event_t *, int);

static int
next_event(struct yparse *yp, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&yp->p, ev)) {
		snprintf(yp->err, yp->errlen, "%s:%zu:%zu: %s", yp->path,
		    yp->p.problem_mark.line + 1,
		    yp->p.problem_mark.column + 1,
		    yp->p.problem != NULL ? yp->p.problem : "YAML error");
		return -1;
	}
	return 0;
}

/* Build the node that starts with event ev (consumed by the caller). */
static struct ynode *
parse_node(struct yparse *yp, yaml_event_t *ev, int depth)
{
	struct ynode *n, **tail;
	yaml_event_t e;

	n = xcalloc(1, sizeof(*n));
	n->line = (int)ev->start_mark.line + 1;
	n->col = (int)ev->start_mark.column + 1;
	if (depth > CONF_MAX_DEPTH) {
		snprintf(yp->err, yp->errlen, "%s:%d:%d: nested too deep",
		    yp->path, n->line, n->col);
		free(n);
		return NULL;
	}
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		n->kind = Y_SCALAR;
		n->val = xstrndup((const char *)ev->data.scalar.value,
		    ev->data.scalar.length);
		return n;
	case YAML_SEQUENCE_START_EVENT:
		n->kind = Y_SEQ;
		tail = &n->child;
		for (;;) {
			struct ynode *c;

			if (next_event(yp, &e) != 0)
				goto fail;
			if (e.type == YAML_SEQUENCE_END_EVENT) {
				yaml_event_delete(&e);
				return n;
			}
			c = parse_node(yp, &e, depth + 1);
			yaml_event_delete(&e);
			if (c == NULL)
				goto fail;
			*tail = c;
			tail = &c->next;
		}
	case YAML_MAPPING_START_EVENT:
		n->kind = Y_MAP;
		tail = &n->child;
		for (;;) {
			struct ynode *c;
			char *key;

			if (next_event(yp, &e) != 0)
				goto fail;
			if (e.type == YAML_MAPPING_END_EVENT) {
				yaml_event_delete(&e);
				return n;
			}
			if (e.type != YAML_SCALAR_EVENT) {
				snprintf(yp->err, yp->errlen, "%s:%zu:%zu: "
				    "mapping keys must be scalars", yp->path,
				    e.start_mark.line + 1,
				    e.start_mark.column + 1);
				yaml_event_delete(&e);
				goto fail;
			}
			key = xstrndup((const char *)e.data.scalar.value,
			    e.data.scalar.length);
			yaml_event_delete(&e);
			if (next_event(yp, &e) != 0) {
				free(key);
				goto fail;
			}
			c = parse_node(yp, &e, depth + 1);
			yaml_event_delete(&e);
			if (c == NULL) {
				free(key);
				goto fail;
			}
			c->key = key;
			*tail = c;
			tail = &c->next;
		}
	case YAML_ALIAS_EVENT:
		snprintf(yp->err, yp->errlen, "%s:%d:%d: YAML aliases are not "
		    "supported", yp->path, n->line, n->col);
		break;
	default:
		snprintf(yp->err, yp->errlen, "%s:%d:%d: unexpected YAML "
		    "event", yp->path, n->line, n->col);
		break;
	}
fail:
	ynode_free(n);
	return NULL;
}

struct sk_conf *
sk_conf_load(const char *path, char *err, size_t errlen)
{
	struct sk_conf *c;
	struct yparse yp;
	yaml_event_t ev;
	FILE *f;
	int done = 0;

	c = xcalloc(1, sizeof(*c));
	if (path == NULL)
		return c;
	c->path = xstrdup(path);
	f = fopen(path, "r");
	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		sk_conf_free(c);
		return NULL;
	}
	memset(&yp, 0, sizeof(yp));
	yp.err = err;
	yp.errlen = errlen;
	yp.path = path;
	yaml_parser_initialize(&yp.p);
	yaml_parser_set_input_file(&yp.p, f);
	while (!done) {
		if (next_event(&yp, &ev) != 0)
			goto fail;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
		case YAML_DOCUMENT_END_EVENT:
			done = 1;
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
		case YAML_SCALAR_EVENT:
			c->root = parse_node(&yp, &ev, 0);
			if (c->root == NULL) {
				yaml_event_delete(&ev);
				goto fail;
			}
			if (c->root->kind == Y_SCALAR &&
			    c->root->val[0] == '\0') {
				/* An empty file. */
				ynode_free(c->root);
				c->root = NULL;
			} else if (c->root->kind != Y_MAP) {
				snprintf(err, errlen, "%s:%d:%d: the "
				    "configuration must be a mapping", path,
				    c->root->line, c->root->col);
				yaml_event_delete(&ev);
				goto fail;
			}
			done = 1;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&yp.p);
	fclose(f);
	return c;
fail:
	yaml_parser_delete(&yp.p);
	fclose(f);
	sk_conf_free(c);
	return NULL;
}

void
sk_conf_free(struct sk_conf *c)
{
	if (c == NULL)
		return;
	ynode_free(c->root);
	free(c->path);
	free(c);
}

void
sk_conf_envname(const char *key, char *buf, size_t buflen)
{
	size_t i;

	for (i = 0; key[i] != '\0' && i + 1 < buflen; i++)
		buf[i] = key[i] == '.' ? '_' :
		    (char)toupper((unsigned char)key[i]);
	buf[i] = '\0';
}

static const char *
env_of(const char *key, char *name, size_t namelen)
{
	const char *v;

	sk_conf_envname(key, name, namelen);
	v = getenv(name);
	return v != NULL && *v != '\0' ? v : NULL;
}

static struct ynode *
lookup(const struct sk_conf *c, const char *key)
{
	struct ynode *n = c->root;
	const char *p = key;

	while (n != NULL && *p != '\0') {
		const char *dot = strchr(p, '.');
		size_t len = dot != NULL ? (size_t)(dot - p) : strlen(p);
		struct ynode *ch;

		if (n->kind != Y_MAP)
			return NULL;
		for (ch = n->child; ch != NULL; ch = ch->next)
			if (strlen(ch->key) == len &&
			    strncasecmp(ch->key, p, len) == 0)
				break;
		n = ch;
		p += len;
		if (*p == '.')
			p++;
	}
	return n;
}

int
sk_conf_has(const struct sk_conf *c, const char *key)
{
	char name[256];
	struct ynode *n;

	if (env_of(key, name, sizeof(name)) != NULL)
		return 1;
	n = lookup(c, key);
	return n != NULL && !(n->kind == Y_SCALAR && n->val[0] == '\0');
}

const char *
sk_conf_str(const struct sk_conf *c, const char *key, const char *def)
{
	char name[256];
	const char *v;
	struct ynode *n;

	if ((v = env_of(key, name, sizeof(name))) != NULL)
		return v;
	n = lookup(c, key);
	if (n == NULL || n->kind != Y_SCALAR)
		return def;
	/* YAML "~" and "null" mean unset. */
	if (strcmp(n->val, "~") == 0 || strcmp(n->val, "null") == 0)
		return def;
	return n->val;
}

void
sk_conf_fail(const struct sk_conf *c, const char *key, char *err,
    size_t errlen, const char *fmt, ...)
{
	char name[256], msg[512];
	struct ynode *n;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (env_of(key, name, sizeof(name)) != NULL) {
		snprintf(err, errlen, "environment %s: %s", name, msg);
		return;
	}
	n = lookup(c, key);
	if (n != NULL && c->path != NULL)
		snprintf(err, errlen, "%s:%d:%d: %s: %s", c->path, n->line,
		    n->col, key, msg);
	else
		snprintf(err, errlen, "%s: %s", key, msg);
}

int
sk_conf_int(const struct sk_conf *c, const char *key, long def, long *out,
    char *err, size_t errlen)
{
	const char *v = sk_conf_str(c, key, NULL);
	char *end;
	long l;

	if (v == NULL || *v == '\0') {
		*out = def;
		return 0;
	}
	errno = 0;
	l = strtol(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0') {
		sk_conf_fail(c, key, err, errlen, "'%s' is not an integer", v);
		return -1;
	}
	*out = l;
	return 0;
}

int
sk_conf_bool(const struct sk_conf *c, const char *key, int def, int *out,
    char *err, size_t errlen)
{
	const char *v = sk_conf_str(c, key, NULL);

	if (v == NULL || *v == '\0') {
		*out = def;
		return 0;
	}
	if (strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0 ||
	    strcasecmp(v, "yes") == 0 || strcasecmp(v, "on") == 0 ||
	    strcasecmp(v, "t") == 0) {
		*out = 1;
		return 0;
	}
	if (strcasecmp(v, "false") == 0 || strcmp(v, "0") == 0 ||
	    strcasecmp(v, "no") == 0 || strcasecmp(v, "off") == 0 ||
	    strcasecmp(v, "f") == 0) {
		*out = 0;
		return 0;
	}
	sk_conf_fail(c, key, err, errlen, "'%s' is not a boolean", v);
	return -1;
}

static char *
trimmed(const char *s, size_t len)
{
	while (len > 0 && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	return xstrndup(s, len);
}

static size_t
split_commas(const char *s, char ***out)
{
	char **v = NULL;
	size_t n = 0;

	while (*s != '\0') {
		const char *comma = strchr(s, ',');
		size_t len = comma != NULL ? (size_t)(comma - s) : strlen(s);
		char *item = trimmed(s, len);

		if (*item != '\0') {
			v = xreallocarray(v, n + 2, sizeof(*v));
			v[n++] = item;
		} else
			free(item);
		s += len;
		if (*s == ',')
			s++;
	}
	if (v == NULL)
		v = xcalloc(1, sizeof(*v));
	v[n] = NULL;
	*out = v;
	return n;
}

size_t
sk_conf_list(const struct sk_conf *c, const char *key, char ***out)
{
	char name[256];
	const char *v;
	struct ynode *n, *ch;
	char **list = NULL;
	size_t cnt = 0;

	if ((v = env_of(key, name, sizeof(name))) != NULL)
		return split_commas(v, out);
	n = lookup(c, key);
	if (n != NULL && n->kind == Y_SCALAR)
		return split_commas(n->val, out);
	if (n != NULL && n->kind == Y_SEQ) {
		for (ch = n->child; ch != NULL; ch = ch->next) {
			if (ch->kind != Y_SCALAR || ch->val[0] == '\0')
				continue;
			list = xreallocarray(list, cnt + 2, sizeof(*list));
			list[cnt++] = xstrdup(ch->val);
		}
	}
	if (list == NULL)
		list = xcalloc(1, sizeof(*list));
	list[cnt] = NULL;
	*out = list;
	return cnt;
}

void
sk_conf_strv_free(char **v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

size_t
sk_conf_map(const struct sk_conf *c, const char *key, struct sk_kv **out)
{
	char name[256];
	const char *v;
	struct ynode *n, *ch;
	struct sk_kv *kv = NULL;
	size_t cnt = 0, i;
	char **items;

	*out = NULL;
	if ((v = env_of(key, name, sizeof(name))) != NULL) {
		split_commas(v, &items);
		for (i = 0; items[i] != NULL; i++) {
			char *colon = strchr(items[i], ':');

			if (colon == NULL)
				continue;
			kv = xreallocarray(kv, cnt + 1, sizeof(*kv));
			kv[cnt].key = trimmed(items[i], colon - items[i]);
			kv[cnt].val = trimmed(colon + 1, strlen(colon + 1));
			cnt++;
		}
		sk_conf_strv_free(items);
		*out = kv;
		return cnt;
	}
	n = lookup(c, key);
	if (n == NULL || n->kind != Y_MAP)
		return 0;
	for (ch = n->child; ch != NULL; ch = ch->next) {
		if (ch->kind != Y_SCALAR)
			continue;
		kv = xreallocarray(kv, cnt + 1, sizeof(*kv));
		kv[cnt].key = xstrdup(ch->key);
		kv[cnt].val = xstrdup(ch->val);
		cnt++;
	}
	*out = kv;
	return cnt;
}

void
sk_conf_kv_free(struct sk_kv *kv, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(kv[i].key);
		free(kv[i].val);
	}
	free(kv);
}
