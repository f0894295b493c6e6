/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The containers behind the state: an int64 -> pointer map, fd tables and
 * thread records.
 */
#include <stdlib.h>
#include <string.h>

#include "state/state_int.h"
#include "util/xmalloc.h"

static size_t
slot(int64_t key, size_t cap)
{
	uint64_t h = (uint64_t)key * 0x9e3779b97f4a7c15ULL;

	return (size_t)(h >> 32) & (cap - 1);
}

void *
imap_get(const struct imap *m, int64_t key)
{
	size_t i;

	if (m->cap == 0)
		return NULL;
	for (i = slot(key, m->cap); m->vals[i] != NULL;
	    i = (i + 1) & (m->cap - 1))
		if (m->keys[i] == key)
			return m->vals[i];
	return NULL;
}

static void
grow(struct imap *m)
{
	struct imap n;
	size_t i;

	n.cap = m->cap ? m->cap * 2 : 16;
	n.n = 0;
	n.keys = xcalloc(n.cap, sizeof(*n.keys));
	n.vals = xcalloc(n.cap, sizeof(*n.vals));
	for (i = 0; i < m->cap; i++)
		if (m->vals[i] != NULL)
			(void)imap_put(&n, m->keys[i], m->vals[i]);
	free(m->keys);
	free(m->vals);
	*m = n;
}

void *
imap_put(struct imap *m, int64_t key, void *val)
{
	size_t i;
	void *old;

	if ((m->n + 1) * 4 > m->cap * 3)
		grow(m);
	for (i = slot(key, m->cap); m->vals[i] != NULL;
	    i = (i + 1) & (m->cap - 1)) {
		if (m->keys[i] == key) {
			old = m->vals[i];
			m->vals[i] = val;
			return old;
		}
	}
	m->keys[i] = key;
	m->vals[i] = val;
	m->n++;
	return NULL;
}

void *
imap_del(struct imap *m, int64_t key)
{
	size_t i, j, k;
	void *v;

	if (m->cap == 0)
		return NULL;
	for (i = slot(key, m->cap); m->vals[i] != NULL;
	    i = (i + 1) & (m->cap - 1))
		if (m->keys[i] == key)
			break;
	if (m->vals[i] == NULL)
		return NULL;
	v = m->vals[i];
	m->vals[i] = NULL;
	m->n--;
	/* Backward-shift deletion keeps probe chains unbroken. */
	j = i;
	for (;;) {
		j = (j + 1) & (m->cap - 1);
		if (m->vals[j] == NULL)
			break;
		k = slot(m->keys[j], m->cap);
		if ((j > i && (k <= i || k > j)) ||
		    (j < i && (k <= i && k > j))) {
			m->keys[i] = m->keys[j];
			m->vals[i] = m->vals[j];
			m->vals[j] = NULL;
			i = j;
		}
	}
	return v;
}

int
imap_next(const struct imap *m, size_t *i, int64_t *key, void **val)
{
	for (; *i < m->cap; (*i)++) {
		if (m->vals[*i] != NULL) {
			*key = m->keys[*i];
			*val = m->vals[*i];
			(*i)++;
			return 1;
		}
	}
	return 0;
}

void
imap_free(struct imap *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

struct st_fdtable *
fdt_new(void)
{
	struct st_fdtable *t = xcalloc(1, sizeof(*t));

	t->refs = 1;
	return t;
}

static struct st_fd *
fd_dup(const struct st_fd *f)
{
	struct st_fd *n = xmalloc(sizeof(*n));

	*n = *f;
	n->name = xstrdup(f->name);
	n->name_apart = 1;
	n->nameraw = f->nameraw != NULL ? xstrdup(f->nameraw) : NULL;
	return n;
}

struct st_fdtable *
fdt_copy(const struct st_fdtable *src)
{
	struct st_fdtable *t = fdt_new();
	size_t i = 0;
	int64_t k;
	void *v;

	if (src == NULL)
		return t;
	while (imap_next(&src->fds, &i, &k, &v))
		(void)imap_put(&t->fds, k, fd_dup(v));
	return t;
}

void
fd_set_name(struct st_fd *f, const char *name, size_t len)
{
	if (f->name_apart)
		free(f->name);
	f->name = xstrndup(name, len);
	f->name_apart = 1;
}

void
fd_free(struct st_fd *f)
{
	if (f == NULL)
		return;
	if (f->name_apart)
		free(f->name);
	free(f->nameraw);
	free(f);
}

void
fdt_unref(struct st_fdtable *t)
{
	size_t i = 0;
	int64_t k;
	void *v;

	if (t == NULL || --t->refs > 0)
		return;
	while (imap_next(&t->fds, &i, &k, &v))
		fd_free(v);
	imap_free(&t->fds);
	free(t);
}

void
fdt_put(struct st_fdtable *t, struct st_fd *f)
{
	fd_free(imap_put(&t->fds, f->fd, f));
}

struct st_fd *
fdt_new_fd(int64_t fd, uint8_t type, const char *name)
{
	size_t len = name != NULL ? strlen(name) : 0;
	struct st_fd *f = xmalloc(sizeof(*f) + len + 1);

	memset(f, 0, sizeof(*f));
	f->fd = fd;
	f->type = type;
	f->name = (char *)(f + 1);
	if (len > 0)
		memcpy(f->name, name, len);
	f->name[len] = '\0';
	return f;
}

struct st_thread *
thread_alloc(int64_t tid)
{
	struct st_thread *t = xcalloc(1, sizeof(*t));

	t->tid = tid;
	t->pid = tid;
	t->ptid = -1;
	t->sid = -1;
	t->vpgid = -1;
	t->pgid = -1;
	t->vtid = -1;
	t->vpid = -1;
	t->comm = xstrdup("");
	t->exe = xstrdup("");
	t->exepath = xstrdup("");
	t->cwd = xstrdup("/");
	t->loginuid = UINT32_MAX;
	t->uid = UINT32_MAX;
	t->gid = UINT32_MAX;
	return t;
}

void
thread_free(struct st_thread *t)
{
	if (t == NULL)
		return;
	free(t->comm);
	free(t->exe);
	free(t->exepath);
	free(t->args);
	free(t->env);
	free(t->cwd);
	free(t->cgroups);
	fdt_unref(t->fdt);
	free(t);
}

void
thread_set_str(char **dst, const char *src, size_t len)
{
	char *n = xmalloc(len + 1);

	memcpy(n, src, len);
	n[len] = '\0';
	free(*dst);
	*dst = n;
}
