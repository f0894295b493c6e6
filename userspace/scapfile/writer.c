/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The .scap writer: format 1.2, in the block order libscap writes
 * (section header, machine, interfaces, users, process list, fd lists,
 * events).  Blocks are assembled in a buffer and written in large
 * chunks, through zlib when compressing.  The first write error sticks:
 * later calls return -1 and close reports it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "scapfile/scapfile.h"
#include "scapfile/scapfile_int.h"
#include "util/xmalloc.h"

#define OUT_FLUSH	(1u << 20)

struct scap_writer {
	int		 fd;
	gzFile		 gz;
	uint8_t		*buf;		/* pending output */
	size_t		 len, cap;
	size_t		 blk;		/* start of the open block */
	int		 events;	/* an event was written */
	int		 failed;
	char		 err[256];
};

static int
werr(struct scap_writer *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
werr(struct scap_writer *w, const char *fmt, ...)
{
	va_list ap;

	if (!w->failed) {
		va_start(ap, fmt);
		vsnprintf(w->err, sizeof(w->err), fmt, ap);
		va_end(ap);
	}
	w->failed = 1;
	return -1;
}

static void
put(struct scap_writer *w, const void *p, size_t n)
{
	if (w->cap - w->len < n) {
		while (w->cap - w->len < n)
			w->cap *= 2;
		w->buf = xreallocarray(w->buf, w->cap, 1);
	}
	if (n != 0)
		memcpy(w->buf + w->len, p, n);
	w->len += n;
}

static void
put8(struct scap_writer *w, uint8_t v)
{
	put(w, &v, 1);
}

static void
put16(struct scap_writer *w, uint16_t v)
{
	put(w, &v, 2);
}

static void
put32(struct scap_writer *w, uint32_t v)
{
	put(w, &v, 4);
}

static void
put64(struct scap_writer *w, uint64_t v)
{
	put(w, &v, 8);
}

/* A u16-length string of len bytes (strings longer are cut). */
static void
putstrn(struct scap_writer *w, const char *s, size_t len)
{
	if (s == NULL)
		len = 0;
	if (len > UINT16_MAX)
		len = UINT16_MAX;
	put16(w, (uint16_t)len);
	put(w, s, len);
}

static void
putstr(struct scap_writer *w, const char *s)
{
	putstrn(w, s, s != NULL ? strlen(s) : 0);
}

static int
flush(struct scap_writer *w)
{
	size_t off = 0;

	if (w->failed)
		return -1;
	while (off < w->len) {
		ssize_t n;

		if (w->gz != NULL) {
			size_t chunk = w->len - off;

			if (chunk > (1u << 30))
				chunk = 1u << 30;
			n = gzwrite(w->gz, w->buf + off, (unsigned)chunk);
			if (n <= 0) {
				int e;

				return werr(w, "gzip write: %s",
				    gzerror(w->gz, &e));
			}
		} else {
			n = write(w->fd, w->buf + off, w->len - off);
			if (n == -1 && errno == EINTR)
				continue;
			if (n == -1)
				return werr(w, "write: %s", strerror(errno));
		}
		off += (size_t)n;
	}
	w->len = 0;
	return 0;
}

static void
block_open(struct scap_writer *w, uint32_t type)
{
	w->blk = w->len;
	put32(w, type);
	put32(w, 0);		/* total length, set by block_close() */
}

static int
block_close(struct scap_writer *w)
{
	static const uint8_t zero[4];
	size_t body = w->len - w->blk - 8;
	uint64_t total = 8 + ((body + 3) & ~(size_t)3) + 4;
	uint32_t t32;

	if (total > UINT32_MAX)
		return werr(w, "block of %llu bytes is too large",
		    (unsigned long long)total);
	put(w, zero, ((body + 3) & ~(size_t)3) - body);
	t32 = (uint32_t)total;
	put32(w, t32);
	memcpy(w->buf + w->blk + 4, &t32, 4);
	if (w->len >= OUT_FLUSH)
		return flush(w);
	return 0;
}

struct scap_writer *
scap_writer_open(const char *path, int gzip, char *err, size_t errlen)
{
	struct scap_writer *w;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	w = xcalloc(1, sizeof(*w));
	w->fd = fd;
	if (gzip) {
		if ((w->gz = gzdopen(fd, "wb6")) == NULL) {
			snprintf(err, errlen, "%s: cannot start gzip", path);
			close(fd);
			free(w);
			return NULL;
		}
		w->fd = -1;
	}
	w->cap = OUT_FLUSH + 65536;
	w->buf = xmalloc(w->cap);
	block_open(w, SCAP_SHB);
	put32(w, SCAP_SHB_MAGIC);
	put16(w, 1);
	put16(w, 2);
	put64(w, UINT64_MAX);	/* section length: unknown */
	block_close(w);
	return w;
}

static int
meta_ok(struct scap_writer *w, const char *what)
{
	if (w->failed)
		return -1;
	if (w->events)
		return werr(w, "%s written after the first event", what);
	return 0;
}

int
scap_writer_machine(struct scap_writer *w, const struct scap_machine *mi)
{
	char host[128];

	if (meta_ok(w, "machine info") == -1)
		return -1;
	memset(host, 0, sizeof(host));
	memcpy(host, mi->hostname, strnlen(mi->hostname, sizeof(host) - 1));
	block_open(w, SCAP_MI);
	put32(w, mi->num_cpus);
	put64(w, mi->memory_bytes);
	put64(w, mi->max_pid);
	put(w, host, sizeof(host));
	put64(w, mi->boot_ts);
	put64(w, mi->flags);
	put64(w, 0);		/* reserved */
	put64(w, 0);
	return block_close(w);
}

int
scap_writer_ifaces(struct scap_writer *w, const struct scap_iface *ifs,
    size_t n)
{
	size_t i;

	if (meta_ok(w, "interface list") == -1)
		return -1;
	block_open(w, SCAP_IL_V2);
	for (i = 0; i < n; i++) {
		const struct scap_iface *f = &ifs[i];
		size_t alen = (f->type == 2 || f->type == 4) ? 16 : 4;
		size_t nlen = f->name != NULL ? strlen(f->name) : 0;
		int speed = f->type == 1 || f->type == 2;

		if (f->type < 1 || f->type > 4)
			return werr(w, "interface %zu: bad type %u", i,
			    f->type);
		if (nlen > UINT16_MAX)
			nlen = UINT16_MAX;
		/* The entry length does not count itself. */
		put32(w, (uint32_t)(4 + 3 * alen + (speed ? 8 : 0) + nlen));
		put16(w, f->type);
		put16(w, (uint16_t)nlen);
		put(w, f->addr, alen);
		put(w, f->netmask, alen);
		put(w, f->bcast, alen);
		if (speed)
			put64(w, f->linkspeed);
		put(w, f->name, nlen);
	}
	return block_close(w);
}

static size_t
slen(const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;

	return n > UINT16_MAX ? UINT16_MAX : n;
}

int
scap_writer_users(struct scap_writer *w, const struct scap_user *users,
    size_t nusers, const struct scap_group *groups, size_t ngroups)
{
	size_t i;

	if (meta_ok(w, "user list") == -1)
		return -1;
	block_open(w, SCAP_UL_V2);
	for (i = 0; i < nusers; i++) {
		const struct scap_user *u = &users[i];

		/* The entry length counts itself. */
		put32(w, (uint32_t)(4 + 1 + 4 + 4 + 2 + slen(u->name) +
		    2 + slen(u->homedir) + 2 + slen(u->shell)));
		put8(w, 0);
		put32(w, u->uid);
		put32(w, u->gid);
		putstr(w, u->name);
		putstr(w, u->homedir);
		putstr(w, u->shell);
	}
	for (i = 0; i < ngroups; i++) {
		const struct scap_group *g = &groups[i];

		put32(w, (uint32_t)(4 + 1 + 4 + 2 + slen(g->name)));
		put8(w, 1);
		put32(w, g->gid);
		putstr(w, g->name);
	}
	return block_close(w);
}

static size_t
blen(size_t n)
{
	return n > UINT16_MAX ? UINT16_MAX : n;
}

static void
put_thread(struct scap_writer *w, const struct scap_thread *t)
{
	size_t start = w->len;
	uint32_t elen;

	put32(w, 0);		/* entry length, set below */
	put64(w, t->tid);
	put64(w, t->pid);
	put64(w, t->ptid);
	put64(w, t->sid);
	put64(w, t->vpgid);
	putstr(w, t->comm);
	putstr(w, t->exe);
	putstr(w, t->exepath);
	putstrn(w, t->args, blen(t->args_len));
	putstr(w, t->cwd);
	put64(w, t->fdlimit);
	put32(w, t->flags);
	put32(w, t->uid);
	put32(w, t->gid);
	put32(w, t->vmsize_kb);
	put32(w, t->vmrss_kb);
	put32(w, t->vmswap_kb);
	put64(w, t->pfmajor);
	put64(w, t->pfminor);
	putstrn(w, t->env, blen(t->env_len));
	put64(w, (uint64_t)t->vtid);
	put64(w, (uint64_t)t->vpid);
	putstrn(w, t->cgroups, blen(t->cgroups_len));
	putstr(w, t->root);
	put64(w, t->pidns_init_start_ts);
	put32(w, t->tty);
	put32(w, t->loginuid);
	put8(w, t->exe_writable);
	put64(w, t->cap_inheritable);
	put64(w, t->cap_permitted);
	put64(w, t->cap_effective);
	put8(w, t->exe_upper_layer);
	put64(w, t->exe_ino);
	put64(w, t->exe_ino_ctime);
	put64(w, t->exe_ino_mtime);
	put8(w, t->exe_from_memfd);
	put8(w, t->exe_lower_layer);
	put64(w, (uint64_t)t->pgid);
	elen = (uint32_t)(w->len - start);
	memcpy(w->buf + start, &elen, 4);
}

int
scap_writer_threads(struct scap_writer *w, const struct scap_thread *threads,
    size_t n)
{
	size_t i;

	if (meta_ok(w, "process list") == -1)
		return -1;
	block_open(w, SCAP_PL_V9);
	for (i = 0; i < n; i++)
		put_thread(w, &threads[i]);
	if (block_close(w) == -1)
		return -1;
	for (i = 0; i < n; i++)
		if (threads[i].fdl != NULL &&
		    scap_writer_fdlist(w, threads[i].fdl) == -1)
			return -1;
	return 0;
}

static void
put_fd(struct scap_writer *w, const struct scap_fd *f)
{
	size_t start = w->len;
	uint32_t elen;

	put32(w, 0);		/* entry length (counting itself) */
	put64(w, f->fd);
	put64(w, f->ino);
	put8(w, f->type);
	switch (f->type) {
	case SCAP_FD_IPV4_SOCK:
		put(w, f->sip, 4);
		put(w, f->dip, 4);
		put16(w, f->sport);
		put16(w, f->dport);
		put8(w, f->l4proto);
		break;
	case SCAP_FD_IPV4_SERVSOCK:
		put(w, f->sip, 4);
		put16(w, f->sport);
		put8(w, f->l4proto);
		break;
	case SCAP_FD_IPV6_SOCK:
		put(w, f->sip, 16);
		put(w, f->dip, 16);
		put16(w, f->sport);
		put16(w, f->dport);
		put8(w, f->l4proto);
		break;
	case SCAP_FD_IPV6_SERVSOCK:
		put(w, f->sip, 16);
		put16(w, f->sport);
		put8(w, f->l4proto);
		break;
	case SCAP_FD_UNIX_SOCK:
		put64(w, f->unix_src);
		put64(w, f->unix_dst);
		putstr(w, f->name);
		break;
	case SCAP_FD_FILE_V2:
		put32(w, f->open_flags);
		putstr(w, f->name);
		put32(w, f->dev);
		break;
	case SCAP_FD_UNKNOWN:
		break;
	default:
		putstr(w, f->name);
		break;
	}
	elen = (uint32_t)(w->len - start);
	memcpy(w->buf + start, &elen, 4);
}

int
scap_writer_fdlist(struct scap_writer *w, const struct scap_fdlist *l)
{
	size_t i;

	if (meta_ok(w, "fd list") == -1)
		return -1;
	block_open(w, SCAP_FDL_V2);
	put64(w, l->tid);
	for (i = 0; i < l->nfds; i++)
		put_fd(w, &l->fds[i]);
	return block_close(w);
}

int
scap_writer_meta_from(struct scap_writer *w, const struct scap_reader *r)
{
	const struct scap_machine *m = scap_reader_machine(r);
	const struct scap_iface *ifs;
	const struct scap_user *us;
	const struct scap_group *gs;
	const struct scap_thread *t;
	size_t n, ng;

	if (m != NULL && scap_writer_machine(w, m) == -1)
		return -1;
	ifs = scap_reader_ifaces(r, &n);
	if (n != 0 && scap_writer_ifaces(w, ifs, n) == -1)
		return -1;
	us = scap_reader_users(r, &n);
	gs = scap_reader_groups(r, &ng);
	if (n + ng != 0 && scap_writer_users(w, us, n, gs, ng) == -1)
		return -1;
	t = scap_reader_threads(r, &n);
	return scap_writer_threads(w, t, n);
}

int
scap_writer_event(struct scap_writer *w, const struct fevt_hdr *rec,
    uint16_t cpu, uint32_t flags)
{
	uint32_t len, type, total;
	static const uint8_t zero[4];
	size_t body, pad;

	if (w->failed)
		return -1;
	memcpy(&len, &rec->len, 4);
	if (len < FEVT_HDR_LEN)
		return werr(w, "event record of %u bytes is too short", len);
	if (len > SCAP_EV_LARGE_MAX - 64)
		return werr(w, "event record of %u bytes is too large", len);
	w->events = 1;
	body = 2 + (flags != 0 ? 4 : 0) + (size_t)len;
	pad = ((body + 3) & ~(size_t)3) - body;
	total = (uint32_t)(8 + body + pad + 4);
	if (total > SCAP_EV_BLOCK_MAX)
		type = flags != 0 ? SCAP_EVF_V2_LARGE : SCAP_EV_V2_LARGE;
	else
		type = flags != 0 ? SCAP_EVF_V2 : SCAP_EV_V2;
	/* The hot path: one reservation, stores without checks. */
	if (w->cap - w->len < total) {
		while (w->cap - w->len < total)
			w->cap *= 2;
		w->buf = xreallocarray(w->buf, w->cap, 1);
	}
	{
		uint8_t *p = w->buf + w->len;

		memcpy(p, &type, 4);
		memcpy(p + 4, &total, 4);
		memcpy(p + 8, &cpu, 2);
		p += 10;
		if (flags != 0) {
			memcpy(p, &flags, 4);
			p += 4;
		}
		memcpy(p, rec, len);
		p += len;
		memcpy(p, zero, pad);
		p += pad;
		memcpy(p, &total, 4);
	}
	w->len += total;
	if (w->len >= OUT_FLUSH)
		return flush(w);
	return 0;
}

const char *
scap_writer_error(const struct scap_writer *w)
{
	return w->err;
}

int
scap_writer_close(struct scap_writer *w, char *err, size_t errlen)
{
	int rc = 0;

	if (w == NULL)
		return 0;
	if (flush(w) == -1)
		rc = -1;
	if (w->gz != NULL) {
		if (gzclose(w->gz) != Z_OK && rc == 0)
			rc = werr(w, "gzip close failed");
	} else if (close(w->fd) == -1 && rc == 0)
		rc = werr(w, "close: %s", strerror(errno));
	if (rc == -1 && err != NULL)
		snprintf(err, errlen, "%s", w->err);
	free(w->buf);
	free(w);
	return rc;
}
