/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internals shared by the files of the config library; not for other
 * modules, which use config/config.h.
 */
#ifndef CONFIG_CONFIG_IMPL_H
#define CONFIG_CONFIG_IMPL_H

#include <stddef.h>

#include "config/config.h"
#include "util/sbuf.h"

struct cfg_node {
	enum cfg_kind	  kind;
	char		 *str;		/* CFG_SCALAR text */
	int		  plain;	/* scalar was unquoted */
	const char	 *file;		/* interned in struct config */
	int		  line;
	int		  col;
	size_t		  n;
	size_t		  cap;
	char		**keys;		/* CFG_MAP keys, parallel to vals */
	int		 *klines;	/* CFG_MAP key locations */
	int		 *kcols;
	struct cfg_node	**vals;		/* CFG_SEQ items or CFG_MAP values */
};

struct config {
	struct cfg_node	 *root;
	char		**names;	/* interned file names for nodes */
	size_t		  nnames;
	char		**warn;
	size_t		  nwarn;
	char		**files;
	size_t		  nfiles;
	char		**dirs;
	size_t		  ndirs;
};

/* One segment of a key path: a mapping key or a sequence index. */
struct cfg_seg {
	char	*name;		/* NULL for an index */
	long	 idx;		/* -1 with name NULL: append ("[]") */
};

/* yaml.c */
const char *cfg_intern(struct config *cfg, const char *name);
struct cfg_node *cfg_node_new(enum cfg_kind kind, const char *file,
	    int line, int col);
void	cfg_node_free(struct cfg_node *n);
struct cfg_node *cfg_node_copy(const struct cfg_node *n);
void	cfg_map_set(struct cfg_node *map, const char *key,
	    struct cfg_node *val);
/* Same, giving the location of a newly added key. */
void	cfg_map_set_at(struct cfg_node *map, const char *key, int line, int col,
	    struct cfg_node *val);
struct cfg_node *cfg_map_find(const struct cfg_node *map, const char *key);
/* Index of key in map, or -1. */
long	cfg_map_index(const struct cfg_node *map, const char *key);
void	cfg_seq_push(struct cfg_node *seq, struct cfg_node *item);
/*
 * Parse YAML text into a node (the first document; an empty stream is an
 * empty mapping).  expand_env applies ${NAME} expansion to scalars.
 * Returns NULL with *errp set ("file:line:col: ...").
 */
struct cfg_node *cfg_parse_yaml(struct config *cfg, const char *text,
	    size_t len, const char *file, int line0, int col0, int expand_env,
	    char **errp);
char	*cfg_expand_env(const char *s);
int	cfg_path_parse(const char *key, struct cfg_seg **segs, size_t *nsegs,
	    char **errp);
void	cfg_path_free(struct cfg_seg *segs, size_t nsegs);
const struct cfg_node *cfg_lookup(const struct cfg_node *root,
	    const char *key);
/*
 * Replace the node at `key` with val (taking ownership), creating
 * mappings and sequences on the way; `[]` and an index equal to the
 * length append.  Returns 0, or -1 with *errp set (val is freed).
 */
int	cfg_set(struct cfg_node **rootp, const char *key, struct cfg_node *val,
	    char **errp);

/* schema.c */
/*
 * Check the known keys of the tree: wrong types and values are appended
 * to `errs` (one line each), unknown and deprecated keys become
 * warnings of cfg.  Returns the number of errors.
 */
int	cfg_schema_check(struct config *cfg, struct sbuf *errs);

/* config.c */
void	cfg_warn(struct config *cfg, const struct cfg_node *where,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Same, located at the i-th key of map. */
void	cfg_warn_key(struct config *cfg, const struct cfg_node *map, size_t i,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif /* CONFIG_CONFIG_IMPL_H */
