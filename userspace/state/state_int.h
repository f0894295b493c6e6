/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internals shared by the files of the state module.
 */
#ifndef STATE_STATE_INT_H
#define STATE_STATE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "state/state.h"

/* Open-addressing map from int64 keys to pointers (linear probing). */
struct imap {
	int64_t		*keys;
	void		**vals;
	size_t		 cap;		/* power of two, or 0 */
	size_t		 n;
};

void	*imap_get(const struct imap *m, int64_t key);
/* Insert or replace; returns the previous value or NULL. */
void	*imap_put(struct imap *m, int64_t key, void *val);
/* Remove; returns the value or NULL. */
void	*imap_del(struct imap *m, int64_t key);
void	 imap_free(struct imap *m);
/* Iterate: i from 0; returns 1 with key and val set, 0 at the end. */
int	 imap_next(const struct imap *m, size_t *i, int64_t *key,
	    void **val);

struct st_fdtable {
	unsigned	 refs;
	struct imap	 fds;
};

struct st_fdtable *fdt_new(void);
struct st_fdtable *fdt_copy(const struct st_fdtable *src);
void	 fdt_unref(struct st_fdtable *t);
/* Add (replacing) an fd entry owned by the table. */
void	 fdt_put(struct st_fdtable *t, struct st_fd *f);
/*
 * A new fd entry, its name in the same allocation (opens are the most
 * frequent events: one allocation each, not two).  Change the name only
 * with fd_set_name(); free with fd_free().  A copy of an entry made
 * with its own name allocation sets name_apart.
 */
struct st_fd *fdt_new_fd(int64_t fd, uint8_t type, const char *name);
/* Replace f's name with len bytes of name (a copy). */
void	 fd_set_name(struct st_fd *f, const char *name, size_t len);
void	 fd_free(struct st_fd *f);

/* Add a thread built by the caller (owned by the state afterwards).
 * Returns t, or NULL (t freed) when the table is full. */
struct st_thread *state_add_thread(struct state *s, struct st_thread *t);
struct st_thread *thread_alloc(int64_t tid);
void	 thread_free(struct st_thread *t);
/* Replace a string member. */
void	 thread_set_str(char **dst, const char *src, size_t len);

#endif /* STATE_STATE_INT_H */
