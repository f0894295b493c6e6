/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Loading and merging falco.yaml, config_files and -o overrides, and the
 * typed getters.  The merge order and rules are Falco's: main file, then
 * each config_files entry (a file, or every regular file of a directory
 * in name order) with its strategy, then the -o options.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "config/config_impl.h"
#include "util/log.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"

/* Bound on a configuration file: anything larger is a mistake. */
#define CFG_MAX_FILE	(16 * 1024 * 1024)

enum strategy {
	STRAT_APPEND,	/* sequences are appended, other values replaced */
	STRAT_OVERRIDE,	/* every top-level key replaced */
	STRAT_ADDONLY,	/* only keys not yet present are added */
};

struct config *
config_new(void)
{
	return xcalloc(1, sizeof(struct config));
}

static void
strv_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void
config_reset(struct config *cfg)
{
	cfg_node_free(cfg->root);
	cfg->root = NULL;
	strv_free(cfg->warn, cfg->nwarn);
	strv_free(cfg->files, cfg->nfiles);
	strv_free(cfg->dirs, cfg->ndirs);
	cfg->warn = cfg->files = cfg->dirs = NULL;
	cfg->nwarn = cfg->nfiles = cfg->ndirs = 0;
}

void
config_free(struct config *cfg)
{
	if (cfg == NULL)
		return;
	config_reset(cfg);
	strv_free(cfg->names, cfg->nnames);
	free(cfg);
}

static void
strv_add(char ***v, size_t *n, const char *s)
{
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = xstrdup(s);
}

/*
 * Log a warning and keep it, prefixed with file:line:col unless file is
 * NULL.
 */
static void
vwarn_at(struct config *cfg, const char *file, int line, int col,
    const char *fmt, va_list ap)
{
	struct sbuf sb = SBUF_INIT;

	if (file != NULL)
		sbuf_printf(&sb, "%s:%d:%d: ", file, line, col);
	sbuf_vprintf(&sb, fmt, ap);
	log_warn("%s", sbuf_str(&sb));
	cfg->warn = xreallocarray(cfg->warn, cfg->nwarn + 1,
	    sizeof(*cfg->warn));
	cfg->warn[cfg->nwarn++] = sbuf_detach(&sb);
}

void
cfg_warn(struct config *cfg, const struct cfg_node *where, const char *fmt,
    ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (where != NULL)
		vwarn_at(cfg, where->file, where->line, where->col, fmt, ap);
	else
		vwarn_at(cfg, NULL, 0, 0, fmt, ap);
	va_end(ap);
}

void
cfg_warn_key(struct config *cfg, const struct cfg_node *map, size_t i,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn_at(cfg, map->vals[i]->file, map->klines[i], map->kcols[i], fmt,
	    ap);
	va_end(ap);
}

size_t
config_nwarnings(const struct config *cfg)
{
	return cfg->nwarn;
}

const char *
config_warning(const struct config *cfg, size_t i)
{
	return i < cfg->nwarn ? cfg->warn[i] : NULL;
}

size_t
config_nfiles(const struct config *cfg)
{
	return cfg->nfiles;
}

const char *
config_file(const struct config *cfg, size_t i)
{
	return i < cfg->nfiles ? cfg->files[i] : NULL;
}

size_t
config_ndirs(const struct config *cfg)
{
	return cfg->ndirs;
}

const char *
config_dir(const struct config *cfg, size_t i)
{
	return i < cfg->ndirs ? cfg->dirs[i] : NULL;
}

/* Read a whole file; NULL with *errp set on failure. */
static char *
read_file(const char *path, size_t *lenp, char **errp)
{
	struct sbuf sb = SBUF_INIT;
	char buf[8192];
	ssize_t r;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		xasprintf(errp, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		r = read(fd, buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			xasprintf(errp, "%s: read error: %s", path,
			    strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		if (sb.len + (size_t)r > CFG_MAX_FILE) {
			xasprintf(errp, "%s: file too large", path);
			goto fail;
		}
		sbuf_put(&sb, buf, (size_t)r);
	}
	close(fd);
	*lenp = sb.len;
	return sbuf_detach(&sb);
fail:
	close(fd);
	sbuf_free(&sb);
	return NULL;
}

/*
 * Parse the text of a configuration file: its document must be a
 * mapping; an empty or null document is an empty mapping.  NULL with
 * *errp set on failure.
 */
static struct cfg_node *
parse_text(struct config *cfg, const char *text, size_t len,
    const char *name, int expand_env, char **errp)
{
	struct cfg_node *root;

	root = cfg_parse_yaml(cfg, text, len, name, 1, 0, expand_env, errp);
	if (root == NULL || root->kind == CFG_MAP)
		return root;
	if (!cfg_node_is_null(root)) {
		xasprintf(errp, "%s:%d:%d: a configuration file must be a "
		    "mapping", root->file, root->line, root->col);
		cfg_node_free(root);
		return NULL;
	}
	cfg_node_free(root);
	return cfg_node_new(CFG_MAP, cfg_intern(cfg, name), 1, 1);
}

static struct cfg_node *
parse_file(struct config *cfg, const char *path, int expand_env,
    char **errp)
{
	struct cfg_node *root;
	size_t len;
	char *text;

	if ((text = read_file(path, &len, errp)) == NULL)
		return NULL;
	root = parse_text(cfg, text, len, path, expand_env, errp);
	free(text);
	return root;
}

/* Apply one "key=value" option; `idx` numbers it in locations. */
static int
apply_option(struct config *cfg, const char *opt, size_t idx, char **errp)
{
	struct cfg_node *val;
	const char *eq, *v;
	char *key, *name, *err = NULL;
	size_t vlen;
	int rc;

	xasprintf(&name, "-o #%zu", idx + 1);
	eq = strchr(opt, '=');
	if (eq == NULL || eq == opt) {
		xasprintf(errp, "%s: option \"%s\" must be of the form "
		    "key=value", name, opt);
		free(name);
		return -1;
	}
	key = xstrndup(opt, (size_t)(eq - opt));
	v = eq + 1;
	vlen = strlen(v);
	if (vlen >= 2 && ((v[0] == '{' && v[vlen - 1] == '}') ||
	    (v[0] == '[' && v[vlen - 1] == ']'))) {
		/* A YAML flow value; columns count from the option start. */
		val = cfg_parse_yaml(cfg, v, vlen, name, 1,
		    (int)(v - opt), 0, &err);
		if (val == NULL) {
			xasprintf(errp, "%s", err);
			free(err);
			free(key);
			free(name);
			return -1;
		}
	} else {
		val = cfg_node_new(CFG_SCALAR, cfg_intern(cfg, name), 1,
		    (int)(v - opt) + 1);
		val->str = xstrdup(v);
		val->plain = 1;
	}
	rc = cfg_set(&cfg->root, key, val, &err);
	if (rc < 0) {
		xasprintf(errp, "%s: %s", name, err);
		free(err);
	}
	free(key);
	free(name);
	return rc;
}

static int
starts_with_config_files(const char *opt)
{
	return strncmp(opt, "config_files", 12) == 0 &&
	    (opt[12] == '=' || opt[12] == '[' || opt[12] == '.');
}

static void
merge_root(struct cfg_node *root, const struct cfg_node *inc,
    enum strategy strat)
{
	struct cfg_node *cur;
	size_t i, j;

	for (i = 0; i < inc->n; i++) {
		cur = cfg_map_find(root, inc->keys[i]);
		switch (strat) {
		case STRAT_APPEND:
			if (inc->vals[i]->kind == CFG_SEQ && cur != NULL &&
			    cur->kind == CFG_SEQ) {
				for (j = 0; j < inc->vals[i]->n; j++)
					cfg_seq_push(cur, cfg_node_copy(
					    inc->vals[i]->vals[j]));
				break;
			}
			/* FALLTHROUGH */
		case STRAT_OVERRIDE:
			cfg_map_set(root, inc->keys[i],
			    cfg_node_copy(inc->vals[i]));
			break;
		case STRAT_ADDONLY:
			if (cur == NULL)
				cfg_map_set(root, inc->keys[i],
				    cfg_node_copy(inc->vals[i]));
			break;
		}
	}
}

static int
include_file(struct config *cfg, const char *path, enum strategy strat,
    char **errp)
{
	struct cfg_node *inc;
	const struct cfg_node *bad;

	if ((inc = parse_file(cfg, path, 1, errp)) == NULL)
		return -1;
	if ((bad = cfg_map_find(inc, "config_files")) != NULL) {
		xasprintf(errp, "%s:%d:%d: 'config_files' is not allowed in "
		    "an included configuration file", bad->file, bad->line,
		    bad->col);
		cfg_node_free(inc);
		return -1;
	}
	strv_add(&cfg->files, &cfg->nfiles, path);
	merge_root(cfg->root, inc, strat);
	cfg_node_free(inc);
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
include_dir(struct config *cfg, const char *dir, enum strategy strat,
    char **errp)
{
	struct dirent *de;
	struct stat st;
	char **names = NULL, *p;
	size_t n = 0, i;
	DIR *d;
	int rc = 0;

	if ((d = opendir(dir)) == NULL) {
		xasprintf(errp, "%s: cannot open directory: %s", dir,
		    strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' && (de->d_name[1] == '\0' ||
		    (de->d_name[1] == '.' && de->d_name[2] == '\0')))
			continue;
		xasprintf(&p, "%s/%s", dir, de->d_name);
		/* stat() follows symlinks, as Falco's directory walk does. */
		if (stat(p, &st) == 0 && S_ISREG(st.st_mode))
			strv_add(&names, &n, p);
		free(p);
	}
	closedir(d);
	if (n > 0)	/* names is NULL for an empty directory */
		qsort(names, n, sizeof(*names), cmp_str);
	strv_add(&cfg->dirs, &cfg->ndirs, dir);
	for (i = 0; i < n && rc == 0; i++)
		rc = include_file(cfg, names[i], strat, errp);
	strv_free(names, n);
	return rc;
}

static int
parse_entry(const struct cfg_node *e, const char **pathp,
    enum strategy *stratp, char **errp)
{
	const struct cfg_node *p, *s;

	*stratp = STRAT_APPEND;
	if (e->kind == CFG_SCALAR) {
		*pathp = e->str;
		return 0;
	}
	p = cfg_map_find(e, "path");
	s = cfg_map_find(e, "strategy");
	if (e->kind != CFG_MAP || p == NULL || p->kind != CFG_SCALAR) {
		xasprintf(errp, "%s:%d:%d: a config_files entry must be a "
		    "path or a mapping with 'path'", e->file, e->line, e->col);
		return -1;
	}
	*pathp = p->str;
	if (s == NULL || cfg_node_is_null(s))
		return 0;
	if (s->kind == CFG_SCALAR && strcmp(s->str, "append") == 0)
		*stratp = STRAT_APPEND;
	else if (s->kind == CFG_SCALAR && strcmp(s->str, "override") == 0)
		*stratp = STRAT_OVERRIDE;
	else if (s->kind == CFG_SCALAR && strcmp(s->str, "add-only") == 0)
		*stratp = STRAT_ADDONLY;
	else {
		xasprintf(errp, "%s:%d:%d: config_files strategy must be "
		    "append, override or add-only", s->file, s->line, s->col);
		return -1;
	}
	return 0;
}

static int
merge_includes(struct config *cfg, const char *mainpath, char **errp)
{
	const struct cfg_node *list;
	struct cfg_node *copy;
	enum strategy strat;
	const char *path;
	struct stat st, mst;
	size_t i, n;
	int rc = 0, have_main;

	list = cfg_map_find(cfg->root, "config_files");
	if (list == NULL || cfg_node_is_null(list))
		return 0;
	have_main = stat(mainpath, &mst) == 0;
	/* Merging may replace keys of the root: walk a private copy. */
	copy = cfg_node_copy(list);
	n = copy->kind == CFG_SEQ ? copy->n : 1;
	for (i = 0; i < n && rc == 0; i++) {
		const struct cfg_node *e = copy->kind == CFG_SEQ ?
		    copy->vals[i] : copy;

		if (cfg_node_is_null(e))
			continue;
		if ((rc = parse_entry(e, &path, &strat, errp)) < 0)
			break;
		/* A missing entry is skipped, as for rules files. */
		if (stat(path, &st) < 0)
			continue;
		/* The same file under another name is caught too. */
		if (strcmp(path, mainpath) == 0 || (have_main &&
		    st.st_dev == mst.st_dev && st.st_ino == mst.st_ino)) {
			xasprintf(errp, "%s:%d:%d: config_files includes the "
			    "main configuration file %s", e->file, e->line,
			    e->col, mainpath);
			rc = -1;
			break;
		}
		if (S_ISREG(st.st_mode))
			rc = include_file(cfg, path, strat, errp);
		else if (S_ISDIR(st.st_mode))
			rc = include_dir(cfg, path, strat, errp);
	}
	cfg_node_free(copy);
	return rc;
}

static int
finish_load(struct config *cfg, const char *mainpath, char *const *opts,
    size_t nopts, int flags, char **errp)
{
	const struct cfg_node *a, *b;
	struct sbuf errs = SBUF_INIT;
	size_t i;
	long ia, ib;

	strv_add(&cfg->files, &cfg->nfiles, mainpath);
	/* Falco applies -o config_files... before it merges includes. */
	for (i = 0; i < nopts; i++)
		if (starts_with_config_files(opts[i]) &&
		    apply_option(cfg, opts[i], i, errp) < 0)
			return -1;
	if (!(flags & CONFIG_NO_INCLUDES) &&
	    merge_includes(cfg, mainpath, errp) < 0)
		return -1;
	for (i = 0; i < nopts; i++)
		if (apply_option(cfg, opts[i], i, errp) < 0)
			return -1;
	if (cfg_schema_check(cfg, &errs) > 0) {
		*errp = sbuf_detach(&errs);
		return -1;
	}
	sbuf_free(&errs);
	ia = cfg_map_index(cfg->root, "rules_file");
	ib = cfg_map_index(cfg->root, "rules_files");
	if (ia >= 0 && ib >= 0) {
		a = cfg->root->vals[ia];
		b = cfg->root->vals[ib];
		xasprintf(errp, "%s:%d:%d: 'rules_file' and 'rules_files' are "
		    "both set (%s:%d:%d); keep only 'rules_files'", a->file,
		    cfg->root->klines[ia], cfg->root->kcols[ia], b->file,
		    cfg->root->klines[ib], cfg->root->kcols[ib]);
		return -1;
	}
	if (ia >= 0)
		cfg_warn_key(cfg, cfg->root, (size_t)ia, "'rules_file' is "
		    "deprecated, use 'rules_files'");
	return 0;
}

int
config_load(struct config *cfg, const char *path, char *const *opts,
    size_t nopts, int flags, char **errp)
{
	config_reset(cfg);
	if ((cfg->root = parse_file(cfg, path, 1, errp)) == NULL)
		return -1;
	return finish_load(cfg, path, opts, nopts, flags, errp);
}

int
config_load_string(struct config *cfg, const char *text, size_t len,
    const char *name, char *const *opts, size_t nopts, int flags,
    char **errp)
{
	config_reset(cfg);
	if ((cfg->root = parse_text(cfg, text, len, name, 1, errp)) == NULL)
		return -1;
	return finish_load(cfg, name, opts, nopts, flags, errp);
}

int
config_load_plain(struct config *cfg, const char *path, char **errp)
{
	config_reset(cfg);
	if ((cfg->root = parse_file(cfg, path, 0, errp)) == NULL)
		return -1;
	strv_add(&cfg->files, &cfg->nfiles, path);
	return 0;
}

/* Scalar conversions. */

int
cfg_parse_bool(const char *s, int *out)
{
	static const char *const yes[] = { "true", "yes", "on", "y" };
	static const char *const no[] = { "false", "no", "off", "n" };
	size_t i;

	for (i = 0; i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

int
cfg_parse_int(const char *s, int64_t *out)
{
	const char *p = s;
	char *end;
	long long v;
	int base = 10;

	if (*p == '+' || *p == '-')
		p++;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		base = 16;
	else if (p[0] == '0' && p[1] == 'o') {
		/* YAML 1.2 octal: strtoll does not know the 0o prefix. */
		char *tmp;
		int rc;

		if (!isdigit((unsigned char)p[2]))
			return -1;
		xasprintf(&tmp, "%.*s%s", (int)(p - s), s, p + 2);
		errno = 0;
		v = strtoll(tmp, &end, 8);
		rc = (errno != 0 || *end != '\0') ? -1 : 0;
		free(tmp);
		if (rc == 0)
			*out = v;
		return rc;
	}
	if (!isxdigit((unsigned char)p[base == 16 ? 2 : 0]))
		return -1;
	errno = 0;
	v = strtoll(s, &end, base);
	if (errno != 0 || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

int
cfg_parse_double(const char *s, double *out)
{
	char *end;
	double v;

	if (strcasecmp(s, ".inf") == 0 || strcasecmp(s, "+.inf") == 0) {
		*out = INFINITY;
		return 0;
	}
	if (strcasecmp(s, "-.inf") == 0) {
		*out = -INFINITY;
		return 0;
	}
	if (strcasecmp(s, ".nan") == 0) {
		*out = NAN;
		return 0;
	}
	/* Refuse what strtod accepts but YAML does not (inf, nan, hex). */
	if (*s == '\0' || isspace((unsigned char)*s) ||
	    strpbrk(s, "iInNxX") != NULL)
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

int
cfg_parse_duration_ms(const char *s, int64_t *out)
{
	static const struct {
		const char	*unit;
		double		 ms;
	} units[] = {
		{ "ns", 1e-6 }, { "us", 1e-3 }, { "ms", 1 }, { "s", 1e3 },
		{ "m", 60e3 }, { "h", 3600e3 }, { "d", 86400e3 },
	};
	const char *p = s;
	double total = 0, v;
	char *end;
	size_t i, ulen;
	int64_t iv;

	if (cfg_parse_int(s, &iv) == 0) {
		if (iv < 0)
			return -1;
		*out = iv;
		return 0;
	}
	if (*p == '\0')
		return -1;
	while (*p != '\0') {
		if (!isdigit((unsigned char)*p) && *p != '.')
			return -1;
		errno = 0;
		v = strtod(p, &end);
		if (errno != 0 || end == p)
			return -1;
		p = end;
		ulen = 0;
		while (isalpha((unsigned char)p[ulen]))
			ulen++;
		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (strlen(units[i].unit) == ulen &&
			    strncmp(units[i].unit, p, ulen) == 0)
				break;
		if (i == sizeof(units) / sizeof(units[0]))
			return -1;
		total += v * units[i].ms;
		p += ulen;
	}
	if (total > 9.2e18)
		return -1;
	*out = (int64_t)total;
	return 0;
}

/* Getters. */

const struct cfg_node *
config_node(const struct config *cfg, const char *key)
{
	return cfg_lookup(cfg->root, key);
}

const struct cfg_node *
config_root(const struct config *cfg)
{
	return cfg->root;
}

int
config_has(const struct config *cfg, const char *key)
{
	return config_node(cfg, key) != NULL;
}

static const struct cfg_node *
scalar_at(const struct config *cfg, const char *key)
{
	const struct cfg_node *n = config_node(cfg, key);

	if (n == NULL || cfg_node_is_null(n))
		return NULL;
	if (n->kind != CFG_SCALAR) {
		log_warn("%s:%d:%d: key '%s' is not a scalar; using the "
		    "default", n->file, n->line, n->col, key);
		return NULL;
	}
	return n;
}

/* The conversions of the typed getters. */
enum conv {
	CONV_BOOL,
	CONV_INT,
	CONV_DOUBLE,
	CONV_DURATION,
};

union conv_val {
	int	b;
	int64_t	i;
	double	d;
};

static const char *const conv_what[] = {
	[CONV_BOOL] = "a boolean",
	[CONV_INT] = "an integer",
	[CONV_DOUBLE] = "a number",
	[CONV_DURATION] = "a duration",
};

/*
 * Convert the scalar at key: 1 with *v set; 0 when the key is absent,
 * null or not a scalar; -1 (logged) when the text does not convert.
 */
static int
scalar_conv(const struct config *cfg, const char *key, enum conv c,
    union conv_val *v)
{
	const struct cfg_node *n = scalar_at(cfg, key);
	int rc = -1;

	if (n == NULL)
		return 0;
	switch (c) {
	case CONV_BOOL:
		rc = cfg_parse_bool(n->str, &v->b);
		break;
	case CONV_INT:
		rc = cfg_parse_int(n->str, &v->i);
		break;
	case CONV_DOUBLE:
		rc = cfg_parse_double(n->str, &v->d);
		break;
	case CONV_DURATION:
		rc = cfg_parse_duration_ms(n->str, &v->i);
		break;
	}
	if (rc < 0) {
		log_warn("%s:%d:%d: key '%s': '%s' is not %s; using the "
		    "default", n->file, n->line, n->col, key, n->str,
		    conv_what[c]);
		return -1;
	}
	return 1;
}

int
config_bool(const struct config *cfg, const char *key, int def)
{
	union conv_val v;

	return scalar_conv(cfg, key, CONV_BOOL, &v) > 0 ? v.b : def;
}

int64_t
config_int(const struct config *cfg, const char *key, int64_t def)
{
	union conv_val v;

	return scalar_conv(cfg, key, CONV_INT, &v) > 0 ? v.i : def;
}

double
config_double(const struct config *cfg, const char *key, double def)
{
	union conv_val v;

	return scalar_conv(cfg, key, CONV_DOUBLE, &v) > 0 ? v.d : def;
}

int64_t
config_duration_ms(const struct config *cfg, const char *key, int64_t def)
{
	union conv_val v;

	switch (scalar_conv(cfg, key, CONV_DURATION, &v)) {
	case 0:
		return def;
	case 1:
		return v.i;
	default:
		return -1;
	}
}

const char *
config_str(const struct config *cfg, const char *key, const char *def)
{
	const struct cfg_node *n = scalar_at(cfg, key);

	return n == NULL ? def : n->str;
}

const char **
config_str_list(const struct config *cfg, const char *key, size_t *np)
{
	const struct cfg_node *n = config_node(cfg, key);
	const char **v;
	size_t i, k = 0;

	*np = 0;
	if (n == NULL || cfg_node_is_null(n) || n->kind == CFG_MAP)
		return NULL;
	if (n->kind == CFG_SCALAR) {
		v = xcalloc(2, sizeof(*v));
		v[0] = n->str;
		*np = 1;
		return v;
	}
	v = xcalloc(n->n + 1, sizeof(*v));
	for (i = 0; i < n->n; i++)
		if (n->vals[i]->kind == CFG_SCALAR &&
		    !cfg_node_is_null(n->vals[i]))
			v[k++] = n->vals[i]->str;
	*np = k;
	return v;
}

const char **
config_rules_files(const struct config *cfg, size_t *np)
{
	if (config_has(cfg, "rules_files"))
		return config_str_list(cfg, "rules_files", np);
	return config_str_list(cfg, "rules_file", np);
}

/* Node accessors. */

enum cfg_kind
cfg_node_kind(const struct cfg_node *n)
{
	return n->kind;
}

const char *
cfg_node_str(const struct cfg_node *n)
{
	return n->kind == CFG_SCALAR ? n->str : NULL;
}

size_t
cfg_node_len(const struct cfg_node *n)
{
	return n->kind == CFG_SCALAR ? 0 : n->n;
}

const struct cfg_node *
cfg_node_at(const struct cfg_node *n, size_t i)
{
	return n->kind != CFG_SCALAR && i < n->n ? n->vals[i] : NULL;
}

const char *
cfg_node_key(const struct cfg_node *n, size_t i)
{
	return n->kind == CFG_MAP && i < n->n ? n->keys[i] : NULL;
}

const struct cfg_node *
cfg_node_get(const struct cfg_node *n, const char *key)
{
	return cfg_lookup(n, key);
}

const char *
cfg_node_file(const struct cfg_node *n)
{
	return n->file;
}

int
cfg_node_line(const struct cfg_node *n)
{
	return n->line;
}

int
cfg_node_col(const struct cfg_node *n)
{
	return n->col;
}
