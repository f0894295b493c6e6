/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What parameter rendering asks of the state: fd descriptions, thread
 * names, user and group names, absolute paths.
 */
#include <string.h>

#include "engine/engine_int.h"
#include "state/state.h"

void
engine_resolve_path(struct engine_ctx *c, int64_t dirfd, const char *path,
    size_t len, struct sbuf *out)
{
	struct sbuf raw = SBUF_INIT;
	const struct st_fd *f;
	const char *dir = NULL;

	sbuf_put(&raw, path, len);
	if (len > 0 && path[0] == '/')
		dir = "/";
	else if (c->t != NULL && dirfd == FE_AT_FDCWD)
		dir = c->t->cwd;
	else if (c->t != NULL && dirfd >= 0 &&
	    (f = state_fd(c->st, c->t, dirfd)) != NULL &&
	    (f->type == STFD_DIRECTORY || f->type == STFD_FILE))
		dir = f->name;
	if (dir == NULL)
		sbuf_put(out, path, len);	/* unknown directory */
	else
		state_path_resolve(dir, raw.buf, out);
	sbuf_free(&raw);
}

static int
r_fd(void *arg, const struct fevt *ev, int64_t fd, char type[3],
    struct sbuf *out)
{
	struct engine_ctx *c = arg;
	const struct st_fd *f;
	size_t n = 0;

	(void)ev;
	if (c->t == NULL || (f = state_fd(c->st, c->t, fd)) == NULL)
		return -1;
	type[n++] = state_fdtype_char(f->type);
	if (f->af != 0 && (f->role != 0 || f->l4proto == ST_L4_RAW)) {
		switch (f->l4proto) {
		case ST_L4_TCP: type[n++] = 't'; break;
		case ST_L4_UDP: type[n++] = 'u'; break;
		case ST_L4_ICMP: type[n++] = 'i'; break;
		case ST_L4_RAW: type[n++] = 'r'; break;
		default: break;
		}
	}
	type[n] = '\0';
	sbuf_puts(out, f->name);
	return 0;
}

static int
r_comm(void *arg, int64_t tid, struct sbuf *out)
{
	struct engine_ctx *c = arg;
	struct st_thread *t = state_thread(c->st, tid);

	if (t == NULL || t->comm[0] == '\0')
		return -1;
	sbuf_puts(out, t->comm);
	return 0;
}

static int
r_user(void *arg, const struct fevt *ev, uint32_t uid, struct sbuf *out)
{
	struct engine_ctx *c = arg;
	const struct st_user *u = state_user(c->st, uid);

	(void)ev;
	if (u == NULL)
		return -1;
	sbuf_puts(out, u->name);
	return 0;
}

static int
r_group(void *arg, const struct fevt *ev, uint32_t gid, struct sbuf *out)
{
	struct engine_ctx *c = arg;
	const struct st_group *g = state_group(c->st, gid);

	(void)ev;
	if (g == NULL)
		return -1;
	sbuf_puts(out, g->name);
	return 0;
}

static int
r_abspath(void *arg, const struct fevt *ev, int64_t dirfd, const char *path,
    struct sbuf *out)
{
	struct engine_ctx *c = arg;
	const struct st_fd *f;

	(void)ev;
	if (path[0] != '/') {
		if (c->t == NULL)
			return -1;
		if (dirfd != FE_AT_FDCWD &&
		    ((f = state_fd(c->st, c->t, dirfd)) == NULL ||
		    (f->type != STFD_DIRECTORY && f->type != STFD_FILE)))
			return -1;
	}
	engine_resolve_path(c, dirfd, path, strlen(path), out);
	return 0;
}

const struct schema_resolver *
engine_resolver(struct engine_ctx *c)
{
	static __thread struct schema_resolver r;

	if (c->t == NULL)
		return NULL;
	r.arg = c;
	r.fd = r_fd;
	r.comm = r_comm;
	r.user = r_user;
	r.group = r_group;
	r.abspath = r_abspath;
	return &r;
}
