/* SPDX-License-Identifier: Apache-2.0 */
/*
 * falcosidekick's configuration: a YAML file whose keys are matched
 * case-insensitively, overridden key by key by environment variables
 * named after the key path in capitals with '.' replaced by '_'
 * (slack.webhookurl -> SLACK_WEBHOOKURL, listenport -> LISTENPORT).
 *
 * Lookups take a dotted lower-case path.  Values that are wrong for
 * their key are reported by sk_conf_fail(), which names the file, line
 * and column (or the environment variable) the value came from.
 */
#ifndef SIDEKICK_CONFIG_H
#define SIDEKICK_CONFIG_H

#include <stddef.h>

struct sk_conf;

struct sk_kv {
	char	*key;
	char	*val;
};

/*
 * Load path (NULL: no file, environment only).  Returns the config, or
 * NULL with "path:line:col: message" in err.
 */
struct sk_conf *sk_conf_load(const char *path, char *err, size_t errlen);
void	sk_conf_free(struct sk_conf *c);

/* A scalar value, environment first; def when unset. */
const char *sk_conf_str(const struct sk_conf *c, const char *key,
	    const char *def);

/* Whether the key is set in the file or the environment. */
int	sk_conf_has(const struct sk_conf *c, const char *key);

/*
 * Integer and boolean values.  Return 0, or -1 with a positioned
 * message in err when the value is not a number / not a boolean.
 */
int	sk_conf_int(const struct sk_conf *c, const char *key, long def,
	    long *out, char *err, size_t errlen);
int	sk_conf_bool(const struct sk_conf *c, const char *key, int def,
	    int *out, char *err, size_t errlen);

/*
 * A list: a YAML sequence, or a comma-separated string (which is what
 * the environment variable holds).  Items are trimmed; empty ones
 * dropped.  Returns the count; *out is a NULL-terminated array the
 * caller frees with sk_conf_strv_free().
 */
size_t	sk_conf_list(const struct sk_conf *c, const char *key,
	    char ***out);
void	sk_conf_strv_free(char **v);

/*
 * A map of strings: a YAML mapping (keys keep their case), or
 * "k:v,k2:v2" in the environment.  Returns the count; *out is an array
 * the caller frees with sk_conf_kv_free().
 */
size_t	sk_conf_map(const struct sk_conf *c, const char *key,
	    struct sk_kv **out);
void	sk_conf_kv_free(struct sk_kv *kv, size_t n);

/*
 * Format "where: key: message" into err, where says which file
 * position or environment variable gave the key its value.
 */
void	sk_conf_fail(const struct sk_conf *c, const char *key, char *err,
	    size_t errlen, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));

/* The environment variable name for a key path, into buf. */
void	sk_conf_envname(const char *key, char *buf, size_t buflen);

#endif /* SIDEKICK_CONFIG_H */
