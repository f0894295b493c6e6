/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The daemon's configuration: falco.yaml, the files its `config_files` key
 * names, and `-o key=value` overrides, merged into one tree in that order.
 *
 * Every node remembers the file, line and column it came from, so that a
 * wrong type is reported where the user wrote it.  Known keys are checked
 * against a table of types at load time (unknown keys warn, wrong types
 * fail); after a successful load the typed getters below never fail, they
 * return the caller's default for an absent or null key.
 *
 * Keys use the `-o` syntax: `a.b.c`, `list[1]`, `list[1].name`, and a
 * backslash escapes a literal `.`, `[`, `]` or `\` inside a name.
 *
 * Error convention: functions returning int give 0 on success and -1 on
 * failure, with *errp set to a malloc'd message of one or more lines
 * "file:line:column: text" that the caller frees.
 *
 * Thread safety: a loaded config is read-only; concurrent getters are
 * safe.  Loading and freeing need exclusive access.
 */
#ifndef CONFIG_CONFIG_H
#define CONFIG_CONFIG_H

#include <stddef.h>
#include <stdint.h>

struct config;
struct cfg_node;

enum cfg_kind {
	CFG_SCALAR,
	CFG_SEQ,
	CFG_MAP,
};

/* Flags for config_load(). */
#define CONFIG_NO_INCLUDES	0x1	/* ignore `config_files` (fuzzing) */

/* A new, empty configuration.  Never NULL. */
struct config *config_new(void);
void	config_free(struct config *cfg);

/*
 * Load the main file `path`, merge the files named by `config_files`
 * (from the file, or from a `-o config_files...` override, which Falco
 * applies first), then apply the `nopts` overrides "key=value" in order,
 * then check known keys.  `${NAME}` in file scalars expands to the
 * environment variable (empty if unset); `$${` is a literal `${`.
 * Returns 0, or -1 with *errp set.  On failure cfg holds what was read
 * so far and must only be freed.
 */
int	config_load(struct config *cfg, const char *path,
	    char *const *opts, size_t nopts, int flags, char **errp);

/* Same as config_load() on text in memory; `name` is used in locations. */
int	config_load_string(struct config *cfg, const char *text, size_t len,
	    const char *name, char *const *opts, size_t nopts, int flags,
	    char **errp);

/*
 * Read the YAML file `path` as it is written: no `${NAME}` expansion, no
 * `config_files`, no overrides, no known-key check.  For the files of
 * other programs (falcosidekick) that want the node tree and its
 * locations; the getters and cfg_node_*() work on it as usual.  The
 * document must be a mapping (an empty file is an empty one); a key
 * repeated in a mapping keeps its last value.  Returns 0, or -1 with
 * *errp set; on failure cfg must only be freed.
 */
int	config_load_plain(struct config *cfg, const char *path, char **errp);

/*
 * Warnings produced by the last load (unknown keys, deprecated keys);
 * each is also logged with log_warn().  The strings belong to cfg.
 */
size_t	config_nwarnings(const struct config *cfg);
const char *config_warning(const struct config *cfg, size_t i);

/*
 * Files that make up the configuration, in load order (main file first);
 * and the directories named by config_files.  For watch_config_files.
 * The strings belong to cfg.
 */
size_t	config_nfiles(const struct config *cfg);
const char *config_file(const struct config *cfg, size_t i);
size_t	config_ndirs(const struct config *cfg);
const char *config_dir(const struct config *cfg, size_t i);

/*
 * Typed getters.  An absent key, or a null value (`~`, `null`, empty),
 * yields `def`.  Keys in the known-key table have been type-checked by
 * the load; for any other key a value that does not convert is logged
 * once per call and `def` is returned.
 */
int	config_bool(const struct config *cfg, const char *key, int def);
int64_t	config_int(const struct config *cfg, const char *key, int64_t def);
double	config_double(const struct config *cfg, const char *key, double def);
/* The string belongs to cfg (or is `def`). */
const char *config_str(const struct config *cfg, const char *key,
	    const char *def);
/* Nonzero when the key is present (even if null). */
int	config_has(const struct config *cfg, const char *key);

/*
 * A list of strings: a sequence of scalars, or a single scalar taken as a
 * one-element list (as Falco does).  Returns a malloc'd NULL-terminated
 * array of pointers into cfg (free only the array), and its length in
 * *np; NULL with *np = 0 when the key is absent or null.
 */
const char **config_str_list(const struct config *cfg, const char *key,
	    size_t *np);

/*
 * The rules files: `rules_files`, or the older `rules_file` (accepted
 * with a warning at load; setting both fails the load).  Same ownership
 * as config_str_list().
 */
const char **config_rules_files(const struct config *cfg, size_t *np);

/*
 * Duration getter for values such as metrics.interval: an integer is
 * milliseconds; a string is a sum of <number><unit> with units ns, us,
 * ms, s, m, h, d (e.g. "1h30m", "500ms").  Returns `def` when absent,
 * -1 when the text does not parse (the load already rejects that for
 * known duration keys).
 */
int64_t	config_duration_ms(const struct config *cfg, const char *key,
	    int64_t def);

/*
 * Raw node access, for structured keys (plugins, rules, append_output).
 * config_node() returns NULL for an absent key.  Node pointers stay
 * valid until config_free().
 */
const struct cfg_node *config_node(const struct config *cfg,
	    const char *key);
const struct cfg_node *config_root(const struct config *cfg);
enum cfg_kind cfg_node_kind(const struct cfg_node *n);
/* Scalar text, or NULL for a non-scalar. */
const char *cfg_node_str(const struct cfg_node *n);
/* Nonzero for a null scalar (`~`, `null`, or an empty plain value). */
int	cfg_node_is_null(const struct cfg_node *n);
/* Items of a sequence, or values of a mapping, in document order. */
size_t	cfg_node_len(const struct cfg_node *n);
const struct cfg_node *cfg_node_at(const struct cfg_node *n, size_t i);
/* The i-th key of a mapping (NULL for other kinds). */
const char *cfg_node_key(const struct cfg_node *n, size_t i);
/* A child by key path relative to n; NULL if absent. */
const struct cfg_node *cfg_node_get(const struct cfg_node *n,
	    const char *key);
/* Where the node was written. */
const char *cfg_node_file(const struct cfg_node *n);
int	cfg_node_line(const struct cfg_node *n);
int	cfg_node_col(const struct cfg_node *n);

/*
 * Scalar conversions used by the getters, exposed for structured keys.
 * Each returns 0 and stores the value, or -1 if the text is not of that
 * type.  Booleans accept true/false, yes/no, on/off, y/n in any case.
 */
int	cfg_parse_bool(const char *s, int *out);
int	cfg_parse_int(const char *s, int64_t *out);
int	cfg_parse_double(const char *s, double *out);
int	cfg_parse_duration_ms(const char *s, int64_t *out);

#endif /* CONFIG_CONFIG_H */
