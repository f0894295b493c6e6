/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The configuration file is read by the config module as plain YAML
 * (config_load_plain(): no Falco key checks, no ${} expansion) into its
 * node tree, which keeps each node's file, line and column; lookups walk
 * it by dotted path, matching names in any case as falcosidekick does.
 * The environment is consulted on every lookup, so an override needs no
 * list of known keys.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/config.h"
#include "sidekick/config.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"

struct sk_conf {
	struct config		*cfg;
	const struct cfg_node	*root;	/* NULL: no file */
};

struct sk_conf *
sk_conf_load(const char *path, char *err, size_t errlen)
{
	struct sk_conf *c;
	char *msg = NULL;

	c = xcalloc(1, sizeof(*c));
	c->cfg = config_new();
	if (path == NULL)
		return c;
	if (config_load_plain(c->cfg, path, &msg) != 0) {
		snprintf(err, errlen, "%s", msg);
		free(msg);
		sk_conf_free(c);
		return NULL;
	}
	c->root = config_root(c->cfg);
	return c;
}

void
sk_conf_free(struct sk_conf *c)
{
	if (c == NULL)
		return;
	config_free(c->cfg);
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

/* The node at the dotted path key, its names matched in any case. */
static const struct cfg_node *
lookup(const struct sk_conf *c, const char *key)
{
	const struct cfg_node *n = c->root;
	const char *p = key, *k;
	size_t i;

	while (n != NULL && *p != '\0') {
		const char *dot = strchr(p, '.');
		size_t len = dot != NULL ? (size_t)(dot - p) : strlen(p);

		if (cfg_node_kind(n) != CFG_MAP)
			return NULL;
		for (i = 0; (k = cfg_node_key(n, i)) != NULL; i++)
			if (strlen(k) == len && strncasecmp(k, p, len) == 0)
				break;
		n = k != NULL ? cfg_node_at(n, i) : NULL;
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
	const struct cfg_node *n;
	const char *v;

	if (env_of(key, name, sizeof(name)) != NULL)
		return 1;
	if ((n = lookup(c, key)) == NULL)
		return 0;
	v = cfg_node_str(n);
	return v == NULL || v[0] != '\0';
}

const char *
sk_conf_str(const struct sk_conf *c, const char *key, const char *def)
{
	char name[256];
	const struct cfg_node *n;
	const char *v;

	if ((v = env_of(key, name, sizeof(name))) != NULL)
		return v;
	if ((n = lookup(c, key)) == NULL || (v = cfg_node_str(n)) == NULL)
		return def;
	/* YAML "~" and "null" mean unset. */
	if (strcmp(v, "~") == 0 || strcmp(v, "null") == 0)
		return def;
	return v;
}

void
sk_conf_fail(const struct sk_conf *c, const char *key, char *err,
    size_t errlen, const char *fmt, ...)
{
	char name[256], msg[512];
	const struct cfg_node *n;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (env_of(key, name, sizeof(name)) != NULL) {
		snprintf(err, errlen, "environment %s: %s", name, msg);
		return;
	}
	n = lookup(c, key);
	if (n != NULL)
		snprintf(err, errlen, "%s:%d:%d: %s: %s", cfg_node_file(n),
		    cfg_node_line(n), cfg_node_col(n), key, msg);
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
	const struct cfg_node *n;
	char **list = NULL;
	size_t cnt = 0, i;

	if ((v = env_of(key, name, sizeof(name))) != NULL)
		return split_commas(v, out);
	n = lookup(c, key);
	if (n != NULL && (v = cfg_node_str(n)) != NULL)
		return split_commas(v, out);
	if (n != NULL && cfg_node_kind(n) == CFG_SEQ) {
		for (i = 0; i < cfg_node_len(n); i++) {
			v = cfg_node_str(cfg_node_at(n, i));
			if (v == NULL || v[0] == '\0')
				continue;
			list = xreallocarray(list, cnt + 2, sizeof(*list));
			list[cnt++] = xstrdup(v);
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
	const struct cfg_node *n;
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
	if (n == NULL || cfg_node_kind(n) != CFG_MAP)
		return 0;
	for (i = 0; i < cfg_node_len(n); i++) {
		if ((v = cfg_node_str(cfg_node_at(n, i))) == NULL)
			continue;
		kv = xreallocarray(kv, cnt + 1, sizeof(*kv));
		kv[cnt].key = xstrdup(cfg_node_key(n, i));
		kv[cnt].val = xstrdup(v);
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
