/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A YAML document tree built with libyaml that keeps the position of
 * every node, and the scalar conversions the rules loader needs (with
 * yaml-cpp's rules, which Falco uses: "yes"/"on" are booleans, "~" and
 * an empty plain scalar are null).  Internal to the rules module.
 */
#ifndef RULES_YAML_H
#define RULES_YAML_H

#include <stddef.h>
#include <stdint.h>

enum ykind { Y_NULL, Y_SCALAR, Y_SEQ, Y_MAP };

struct ynode {
	enum ykind	 kind;
	size_t		 line;		/* 0-based */
	size_t		 col;		/* 0-based */
	size_t		 off;		/* byte offset */
	char		*str;		/* Y_SCALAR (and Y_NULL: its text) */
	int		 quoted;	/* scalar was quoted or a block */
	struct ynode	**items;	/* Y_SEQ items; Y_MAP key, value, ... */
	size_t		 nitems;	/* Y_MAP: 2 * pairs */
};

struct ydoc {
	struct ynode	**docs;
	size_t		 ndocs;
};

/*
 * Parse a whole stream.  Returns 0, or -1 with msg (malloc'd) and the
 * 0-based position of the problem.
 */
int	 ydoc_load(const char *text, size_t len, struct ydoc *out, char **msg,
	    size_t *line, size_t *col, size_t *off);
void	 ydoc_free(struct ydoc *d);

/* Map lookup by key; NULL when absent. */
const struct ynode *ymap_get(const struct ynode *map, const char *key);
/* Decoders; 0 on success, -1 when the scalar does not convert. */
int	 yscalar_bool(const struct ynode *n, int *out);
int	 yscalar_u64(const struct ynode *n, uint64_t *out);

#endif /* RULES_YAML_H */
