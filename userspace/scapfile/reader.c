/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The .scap reader.
 *
 * Input comes through a window: a plain file is mapped whole (the window
 * is the mapping and never moves); a gzip file, a pipe or a gzip buffer
 * is decompressed or read into a heap window that grows only as data
 * actually arrives (at most twice the largest block), so a corrupt
 * length cannot make us allocate more than the input holds.  A block is
 * parsed in place once it is entirely in the window; an event is handed
 * out as a view into the window, valid until the next call, which may
 * move the window.  Old v1 event records, which lack nparams, and
 * converted events are built in side buffers.
 *
 * Metadata strings are copied into an arena owned by the reader.
 */
#include <sys/mman.h>
#include <sys/stat.h>

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

#define WIN_INIT	(1u << 20)
#define ZIN_SIZE	(256u << 10)
#define ARENA_CHUNK	(64u << 10)
#define ERR_LEN		512

struct arena_chunk {
	struct arena_chunk *next;
	size_t		 used, cap;
	char		 data[];
};

struct src {
	int		 fd;		/* -1 for memory input */
	const uint8_t	*map;		/* mapping of a plain file */
	size_t		 maplen;
	int		 gz;
	z_stream	 zs;
	int		 zinit;
	const uint8_t	*mem;		/* memory input */
	size_t		 memlen;
	uint8_t		*zin;		/* compressed input read from fd */
	int		 in_eof;	/* no more compressed/plain input */
	int		 z_end;		/* gzip member ended at input end */
	uint8_t		*heap;		/* heap window, or NULL */
	const uint8_t	*win;
	size_t		 cap, pos, end;
	uint64_t	 win_off;	/* stream offset of win[0] */
	int		 eof;
};

struct scap_reader {
	struct src	 s;
	struct scap_info info;
	struct scap_read_stats st;
	struct scap_machine machine;
	int		 convert;
	int		 failed;
	uint32_t	 cur_bt;	/* block being read, for I/O errors */
	char		 err[ERR_LEN];

	struct scap_thread *threads;
	size_t		 nthreads, capthreads;
	struct scap_fdlist *fdls;
	size_t		 nfdls, capfdls;
	int		 fdl_dirty;
	struct scap_iface *ifaces;
	size_t		 nifaces, capifaces;
	struct scap_user *users;
	size_t		 nusers, capusers;
	struct scap_group *groups;
	size_t		 ngroups, capgroups;
	struct arena_chunk *arena;

	uint8_t		*v1buf;		/* rebuilt v1 event records */
	size_t		 v1cap;
	struct scap_conv *conv;
	const int16_t	*passmap;
};

/* --- errors ------------------------------------------------------------ */

const char *
scap_block_name(uint32_t t)
{
	switch (t) {
	case SCAP_SHB:		return "section header";
	case SCAP_MI:
	case SCAP_MI_OLD:	return "machine info";
	case SCAP_PL_V1:
	case SCAP_PL_V1_OLD:	return "PL v1";
	case SCAP_PL_V2:
	case SCAP_PL_V2_OLD:	return "PL v2";
	case SCAP_PL_V3:
	case SCAP_PL_V3_OLD:	return "PL v3";
	case SCAP_PL_V4:	return "PL v4";
	case SCAP_PL_V5:	return "PL v5";
	case SCAP_PL_V6:	return "PL v6";
	case SCAP_PL_V7:	return "PL v7";
	case SCAP_PL_V8:	return "PL v8";
	case SCAP_PL_V9:	return "PL v9";
	case SCAP_FDL:
	case SCAP_FDL_OLD:	return "FDL v1";
	case SCAP_FDL_V2:	return "FDL v2";
	case SCAP_EV:
	case SCAP_EV_OLD:	return "EV v1";
	case SCAP_EV_V2:	return "EV";
	case SCAP_EV_V2_LARGE:	return "EV large";
	case SCAP_EVF:		return "EVF v1";
	case SCAP_EVF_V2:	return "EVF";
	case SCAP_EVF_V2_LARGE:	return "EVF large";
	case SCAP_IL:
	case SCAP_IL_OLD:	return "IL v1";
	case SCAP_IL_V2:	return "IL v2";
	case SCAP_UL:
	case SCAP_UL_OLD:	return "UL v1";
	case SCAP_UL_V2:	return "UL v2";
	default:		return "unknown";
	}
}

static int
rerr(struct scap_reader *r, uint64_t off, uint32_t btype, const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));

/* Record an error at stream offset off inside a block of type btype. */
static int
rerr(struct scap_reader *r, uint64_t off, uint32_t btype, const char *fmt,
    ...)
{
	va_list ap;
	int n;

	/* btype 0: the error is not inside a block (stream, header). */
	if (btype == 0)
		n = snprintf(r->err, sizeof(r->err), "offset %llu%s: ",
		    (unsigned long long)off,
		    r->info.compressed ? " (uncompressed)" : "");
	else
		n = snprintf(r->err, sizeof(r->err), "offset %llu%s: %s "
		    "block (0x%x): ", (unsigned long long)off,
		    r->info.compressed ? " (uncompressed)" : "",
		    scap_block_name(btype), btype);
	if (n < 0 || (size_t)n >= sizeof(r->err))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(r->err + n, sizeof(r->err) - n, fmt, ap);
	va_end(ap);
	r->failed = 1;
	return -1;
}

/* --- arena ------------------------------------------------------------- */

static const char *
arena_str(struct scap_reader *r, const void *p, size_t len)
{
	struct arena_chunk *c = r->arena;
	char *dst;

	if (c == NULL || c->cap - c->used < len + 1) {
		size_t cap = len + 1 > ARENA_CHUNK ? len + 1 : ARENA_CHUNK;

		c = xmalloc(sizeof(*c) + cap);
		c->next = r->arena;
		c->used = 0;
		c->cap = cap;
		r->arena = c;
	}
	dst = c->data + c->used;
	if (len != 0)
		memcpy(dst, p, len);
	dst[len] = '\0';
	c->used += len + 1;
	return dst;
}

/* --- input window ------------------------------------------------------ */

static size_t
src_avail(const struct src *s)
{
	return s->end - s->pos;
}

static uint64_t
src_off(const struct src *s)
{
	return s->win_off + s->pos;
}

/*
 * Pull up to n bytes of (decompressed) data into dst.  Returns the
 * count, 0 at the end of the input, -1 on an error (message in r).
 */
static ssize_t
src_pull(struct scap_reader *r, uint8_t *dst, size_t n)
{
	struct src *s = &r->s;
	ssize_t got;

	if (!s->gz) {
		do
			got = read(s->fd, dst, n);
		while (got == -1 && errno == EINTR);
		if (got == -1)
			return rerr(r, src_off(s), r->cur_bt, "read: %s",
			    strerror(errno));
		return got;
	}
	s->zs.next_out = dst;
	s->zs.avail_out = (uInt)(n > UINT32_MAX / 2 ? UINT32_MAX / 2 : n);
	while (s->zs.avail_out != 0) {
		int zr;

		if (s->zs.avail_in == 0 && !s->in_eof) {
			if (s->fd == -1)
				s->in_eof = 1;
			else {
				do
					got = read(s->fd, s->zin, ZIN_SIZE);
				while (got == -1 && errno == EINTR);
				if (got == -1)
					return rerr(r, src_off(s), r->cur_bt,
					    "read: %s", strerror(errno));
				if (got == 0)
					s->in_eof = 1;
				s->zs.next_in = s->zin;
				s->zs.avail_in = (uInt)got;
			}
		}
		if (s->z_end) {
			/* A member ended: another may follow.  Anything
			   else after it is ignored, as gzread() does. */
			if (s->zs.avail_in != 0 && s->zs.next_in[0] != 0x1f) {
				s->zs.avail_in = 0;
				s->in_eof = 1;
			}
			if (s->zs.avail_in == 0)
				break;
			if (inflateReset(&s->zs) != Z_OK)
				return rerr(r, src_off(s), 0,
				    "gzip: cannot restart");
			s->z_end = 0;
		}
		zr = inflate(&s->zs, Z_NO_FLUSH);
		if (zr == Z_STREAM_END)
			s->z_end = 1;
		else if (zr == Z_BUF_ERROR) {
			if (s->in_eof && s->zs.avail_in == 0)
				break;	/* truncated gzip stream */
		} else if (zr != Z_OK)
			return rerr(r, s->win_off + s->end +
			    (n - s->zs.avail_out), r->cur_bt,
			    "gzip data corrupt (%s)",
			    s->zs.msg != NULL ? s->zs.msg : "inflate error");
	}
	return (ssize_t)(n - s->zs.avail_out);
}

/*
 * Make n bytes from the current position available.  Returns 1, 0 if
 * the input ends first (everything left stays available), -1 on error.
 */
static int
src_ensure(struct scap_reader *r, size_t n)
{
	struct src *s = &r->s;

	if (src_avail(s) >= n)
		return 1;
	if (s->heap == NULL || s->eof)
		return 0;
	if (s->pos > 0) {
		memmove(s->heap, s->heap + s->pos, s->end - s->pos);
		s->win_off += s->pos;
		s->end -= s->pos;
		s->pos = 0;
	}
	while (s->end < n && !s->eof) {
		ssize_t got;

		if (s->end == s->cap) {
			/* Grow only when full of real data. */
			size_t ncap = s->cap * 2;

			if (ncap < s->cap)
				return rerr(r, src_off(s), 0,
				    "window overflow");
			s->heap = xreallocarray(s->heap, ncap, 1);
			s->win = s->heap;
			s->cap = ncap;
		}
		got = src_pull(r, s->heap + s->end, s->cap - s->end);
		if (got < 0)
			return -1;
		if (got == 0)
			s->eof = 1;
		s->end += (size_t)got;
	}
	return s->end >= n;
}

static int
src_open_stream(struct scap_reader *r)
{
	struct src *s = &r->s;

	s->heap = xmalloc(WIN_INIT);
	s->win = s->heap;
	s->cap = WIN_INIT;
	if (s->gz) {
		memset(&s->zs, 0, sizeof(s->zs));
		if (s->fd == -1) {
			s->zs.next_in = (Bytef *)(uintptr_t)s->mem;
			s->zs.avail_in = (uInt)s->memlen;
			if (s->memlen > UINT32_MAX / 2)
				return -1;
		} else
			s->zin = xmalloc(ZIN_SIZE);
		/* 15 + 32: window of 32 KiB, gzip or zlib header. */
		if (inflateInit2(&s->zs, 15 + 32) != Z_OK)
			return -1;
		s->zinit = 1;
	}
	return 0;
}

static void
src_close(struct src *s)
{
	if (s->zinit)
		inflateEnd(&s->zs);
	if (s->map != NULL)
		munmap((void *)(uintptr_t)s->map, s->maplen);
	if (s->fd != -1)
		close(s->fd);
	free(s->zin);
	free(s->heap);
}

/* --- little-endian cursor over a block body ----------------------------- */

struct cur {
	const uint8_t	*p, *end;
	int		 bad;
};

static int
c_need(struct cur *c, size_t n)
{
	if (c->bad || (size_t)(c->end - c->p) < n) {
		c->bad = 1;
		return 0;
	}
	return 1;
}

static uint8_t
c_u8(struct cur *c)
{
	uint8_t v = 0;

	if (c_need(c, 1))
		v = *c->p++;
	return v;
}

static uint16_t
c_u16(struct cur *c)
{
	uint16_t v = 0;

	if (c_need(c, 2)) {
		memcpy(&v, c->p, 2);
		c->p += 2;
	}
	return v;
}

static uint32_t
c_u32(struct cur *c)
{
	uint32_t v = 0;

	if (c_need(c, 4)) {
		memcpy(&v, c->p, 4);
		c->p += 4;
	}
	return v;
}

static uint64_t
c_u64(struct cur *c)
{
	uint64_t v = 0;

	if (c_need(c, 8)) {
		memcpy(&v, c->p, 8);
		c->p += 8;
	}
	return v;
}

static void
c_bytes(struct cur *c, void *dst, size_t n)
{
	if (c_need(c, n)) {
		memcpy(dst, c->p, n);
		c->p += n;
	}
}

/* A u16-length string; *lenp gets its length.  Never NULL. */
static const char *
c_str(struct scap_reader *r, struct cur *c, uint32_t *lenp)
{
	uint16_t len = c_u16(c);
	const char *s;

	if (!c_need(c, len)) {
		if (lenp != NULL)
			*lenp = 0;
		return "";
	}
	s = arena_str(r, c->p, len);
	c->p += len;
	if (lenp != NULL)
		*lenp = len;
	return s;
}

static size_t
c_left(const struct cur *c)
{
	return (size_t)(c->end - c->p);
}

/* --- metadata blocks ---------------------------------------------------- */

#define GROW(arr, n, cap) do {						\
	if ((n) == (cap)) {						\
		(cap) = (cap) ? (cap) * 2 : 16;				\
		(arr) = xreallocarray((arr), (cap), sizeof(*(arr)));	\
	}								\
} while (0)

static int
read_machine(struct scap_reader *r, const uint8_t *b, uint32_t len,
    uint64_t off, uint32_t bt)
{
	struct cur c = { b, b + len, 0 };
	struct scap_machine *m = &r->machine;

	memset(m, 0, sizeof(*m));
	/* Older writers may have written fewer fields: read what fits. */
	m->num_cpus = c_u32(&c);
	m->memory_bytes = c_u64(&c);
	m->max_pid = c_u64(&c);
	c_bytes(&c, m->hostname, 128);
	m->hostname[128] = '\0';
	m->boot_ts = c_u64(&c);
	m->flags = c_u64(&c);
	if (len < 4 + 8 + 8 + 128)
		return rerr(r, off, bt, "body of %u bytes is too short", len);
	r->info.has_machine = 1;
	return 0;
}

static int
pl_version(uint32_t bt)
{
	switch (bt) {
	case SCAP_PL_V1:
	case SCAP_PL_V1_OLD:	return 1;
	case SCAP_PL_V2:
	case SCAP_PL_V2_OLD:	return 2;
	case SCAP_PL_V3:
	case SCAP_PL_V3_OLD:	return 3;
	case SCAP_PL_V4:	return 4;
	case SCAP_PL_V5:	return 5;
	case SCAP_PL_V6:	return 6;
	case SCAP_PL_V7:	return 7;
	case SCAP_PL_V8:	return 8;
	case SCAP_PL_V9:	return 9;
	default:		return 0;
	}
}

/*
 * Process list.  Versions 1 to 8 have fixed layouts chosen by the block
 * type; version 9 starts each entry with its length, and fields added
 * later are present only when the entry is long enough.
 */
static int
read_proclist(struct scap_reader *r, const uint8_t *b, uint32_t len,
    uint64_t off, uint32_t bt)
{
	int v = pl_version(bt);
	struct cur blk = { b, b + len, 0 };
	unsigned entry = 0;

	while (c_left(&blk) >= 4) {
		struct scap_thread t;
		struct cur c = blk;
		const uint8_t *start = blk.p;
		uint32_t elen = 0;

		memset(&t, 0, sizeof(t));
		t.sid = t.vpgid = UINT64_MAX;
		t.pgid = t.vtid = t.vpid = -1;
		t.loginuid = UINT32_MAX;
		if (v == 9) {
			elen = c_u32(&c);
			if (elen < 4 || elen > c_left(&blk))
				return rerr(r, off + (start - b), bt,
				    "entry %u: length %u does not fit the "
				    "%zu bytes left", entry, elen,
				    c_left(&blk));
			c.end = start + elen;
		}
		t.tid = c_u64(&c);
		t.pid = c_u64(&c);
		t.ptid = c_u64(&c);
		if (v >= 6)
			t.sid = c_u64(&c);
		if (v >= 8)
			t.vpgid = c_u64(&c);
		t.comm = c_str(r, &c, NULL);
		t.exe = c_str(r, &c, NULL);
		t.exepath = v >= 7 ? c_str(r, &c, NULL) : "";
		t.args = c_str(r, &c, &t.args_len);
		t.cwd = c_str(r, &c, NULL);
		t.fdlimit = c_u64(&c);
		t.flags = c_u32(&c);
		t.uid = c_u32(&c);
		t.gid = c_u32(&c);
		t.env = t.cgroups = t.root = "";
		if (v >= 2) {
			t.vmsize_kb = c_u32(&c);
			t.vmrss_kb = c_u32(&c);
			t.vmswap_kb = c_u32(&c);
			t.pfmajor = c_u64(&c);
			t.pfminor = c_u64(&c);
		}
		if (v >= 3)
			t.env = c_str(r, &c, &t.env_len);
		if (v >= 4) {
			t.vtid = (int64_t)c_u64(&c);
			t.vpid = (int64_t)c_u64(&c);
			t.cgroups = c_str(r, &c, &t.cgroups_len);
		}
		if (v >= 5)
			t.root = c_str(r, &c, NULL);
		if (c.bad)
			return rerr(r, off + (start - b), bt,
			    "entry %u (tid %llu) is truncated", entry,
			    (unsigned long long)t.tid);
		if (v == 9) {
			/*
			 * Writers before libs 0.10 appended loginuid,
			 * exe_writable and the capabilities (29 bytes)
			 * right here; later ones put pidns_init_start_ts
			 * and tty first.  Tell them apart by what is left.
			 */
			if (c_left(&c) > 29) {
				if (c_left(&c) >= 8)
					t.pidns_init_start_ts = c_u64(&c);
				if (c_left(&c) >= 4)
					t.tty = c_u32(&c);
			}
#define OPT(f, fn, sz) do { if (c_left(&c) >= (sz)) (f) = fn(&c); } while (0)
			OPT(t.loginuid, c_u32, 4);
			OPT(t.exe_writable, c_u8, 1);
			OPT(t.cap_inheritable, c_u64, 8);
			OPT(t.cap_permitted, c_u64, 8);
			OPT(t.cap_effective, c_u64, 8);
			OPT(t.exe_upper_layer, c_u8, 1);
			OPT(t.exe_ino, c_u64, 8);
			OPT(t.exe_ino_ctime, c_u64, 8);
			OPT(t.exe_ino_mtime, c_u64, 8);
			OPT(t.exe_from_memfd, c_u8, 1);
			OPT(t.exe_lower_layer, c_u8, 1);
			OPT(t.pgid, (int64_t)c_u64, 8);
#undef OPT
			/* Fields of newer writers are skipped. */
			blk.p = start + elen;
		} else
			blk.p = c.p;
		GROW(r->threads, r->nthreads, r->capthreads);
		r->threads[r->nthreads++] = t;
		r->fdl_dirty = 1;
		entry++;
	}
	return 0;
}

static int
read_fd(struct scap_reader *r, struct cur *c, int v2, struct scap_fd *fd)
{
	const uint8_t *start = c->p;
	uint32_t elen = 0;
	struct cur e = *c;

	memset(fd, 0, sizeof(*fd));
	fd->name = "";
	if (v2) {
		elen = c_u32(&e);
		if (e.bad || elen < 4 || elen > (size_t)(c->end - start))
			return -1;
		e.end = start + elen;
	}
	fd->fd = c_u64(&e);
	fd->ino = c_u64(&e);
	fd->type = c_u8(&e);
	switch (fd->type) {
	case SCAP_FD_IPV4_SOCK:
		c_bytes(&e, fd->sip, 4);
		c_bytes(&e, fd->dip, 4);
		fd->sport = c_u16(&e);
		fd->dport = c_u16(&e);
		fd->l4proto = c_u8(&e);
		break;
	case SCAP_FD_IPV4_SERVSOCK:
		c_bytes(&e, fd->sip, 4);
		fd->sport = c_u16(&e);
		fd->l4proto = c_u8(&e);
		break;
	case SCAP_FD_IPV6_SOCK:
		c_bytes(&e, fd->sip, 16);
		c_bytes(&e, fd->dip, 16);
		fd->sport = c_u16(&e);
		fd->dport = c_u16(&e);
		fd->l4proto = c_u8(&e);
		break;
	case SCAP_FD_IPV6_SERVSOCK:
		c_bytes(&e, fd->sip, 16);
		fd->sport = c_u16(&e);
		fd->l4proto = c_u8(&e);
		break;
	case SCAP_FD_UNIX_SOCK:
		fd->unix_src = c_u64(&e);
		fd->unix_dst = c_u64(&e);
		fd->name = c_str(r, &e, NULL);
		break;
	case SCAP_FD_FILE_V2:
		fd->open_flags = c_u32(&e);
		fd->name = c_str(r, &e, NULL);
		if (v2 && c_left(&e) >= 4)
			fd->dev = c_u32(&e);
		break;
	case SCAP_FD_UNKNOWN:
		/* libscap writes nothing more for these. */
		break;
	default:
		/* Every other known type, and types of newer writers,
		   which carry a name as far as we know. */
		fd->name = c_str(r, &e, NULL);
		break;
	}
	if (e.bad)
		return -1;
	c->p = v2 ? start + elen : e.p;
	return 0;
}

static int
read_fdlist(struct scap_reader *r, const uint8_t *b, uint32_t len,
    uint64_t off, uint32_t bt)
{
	struct cur c = { b, b + len, 0 };
	struct scap_fdlist l;
	size_t cap = 0;
	int v2 = bt == SCAP_FDL_V2;

	l.tid = c_u64(&c);
	l.nfds = 0;
	l.fds = NULL;
	if (c.bad)
		return rerr(r, off, bt, "body of %u bytes has no tid", len);
	while (c_left(&c) >= 4) {
		const uint8_t *start = c.p;

		GROW(l.fds, l.nfds, cap);
		if (read_fd(r, &c, v2, &l.fds[l.nfds]) == -1) {
			free(l.fds);
			return rerr(r, off + (start - b), bt,
			    "fd entry %zu of tid %llu is truncated or "
			    "corrupt", l.nfds, (unsigned long long)l.tid);
		}
		l.nfds++;
	}
	GROW(r->fdls, r->nfdls, r->capfdls);
	r->fdls[r->nfdls++] = l;
	r->fdl_dirty = 1;
	return 0;
}

static int
read_iflist(struct scap_reader *r, const uint8_t *b, uint32_t len,
    uint64_t off, uint32_t bt)
{
	struct cur blk = { b, b + len, 0 };
	int v2 = bt == SCAP_IL_V2;

	/* A later block replaces the list, as in libscap. */
	r->nifaces = 0;
	while (c_left(&blk) >= 4) {
		const uint8_t *start = blk.p;
		struct cur c = blk;
		struct scap_iface i;
		uint32_t elen = 0;
		uint16_t namelen;
		size_t alen;

		memset(&i, 0, sizeof(i));
		if (v2) {
			elen = c_u32(&c);
			if (elen > c_left(&c))
				goto bad;
			c.end = c.p + elen;
		}
		i.type = c_u16(&c);
		namelen = c_u16(&c);
		if (i.type == 1 || i.type == 3)
			alen = 4;
		else if (i.type == 2 || i.type == 4)
			alen = 16;
		else
			return rerr(r, off + (start - b), bt,
			    "unknown interface type %u", i.type);
		c_bytes(&c, i.addr, alen);
		c_bytes(&c, i.netmask, alen);
		c_bytes(&c, i.bcast, alen);
		if (i.type <= 2)
			i.linkspeed = c_u64(&c);
		if (!c_need(&c, namelen))
			goto bad;
		i.name = arena_str(r, c.p, namelen);
		c.p += namelen;
		blk.p = v2 ? c.end : c.p;
		GROW(r->ifaces, r->nifaces, r->capifaces);
		r->ifaces[r->nifaces++] = i;
		continue;
bad:
		return rerr(r, off + (start - b), bt,
		    "interface entry %zu is truncated", r->nifaces);
	}
	return 0;
}

static int
read_userlist(struct scap_reader *r, const uint8_t *b, uint32_t len,
    uint64_t off, uint32_t bt)
{
	struct cur blk = { b, b + len, 0 };
	int v2 = bt == SCAP_UL_V2;

	r->nusers = r->ngroups = 0;
	while (c_left(&blk) >= 4) {
		const uint8_t *start = blk.p;
		struct cur c = blk;
		uint32_t elen = 0;
		uint8_t type;

		if (v2) {
			elen = c_u32(&c);
			if (elen < 4 || elen > c_left(&blk))
				goto bad;
			c.end = start + elen;
		}
		type = c_u8(&c);
		if (type == 0) {
			struct scap_user u;

			u.uid = c_u32(&c);
			u.gid = c_u32(&c);
			u.name = c_str(r, &c, NULL);
			u.homedir = c_str(r, &c, NULL);
			u.shell = c_str(r, &c, NULL);
			if (c.bad)
				goto bad;
			GROW(r->users, r->nusers, r->capusers);
			r->users[r->nusers++] = u;
		} else {
			struct scap_group g;

			g.gid = c_u32(&c);
			g.name = c_str(r, &c, NULL);
			if (c.bad)
				goto bad;
			GROW(r->groups, r->ngroups, r->capgroups);
			r->groups[r->ngroups++] = g;
		}
		blk.p = v2 ? start + elen : c.p;
		continue;
bad:
		return rerr(r, off + (start - b), bt, "entry %zu is truncated",
		    r->nusers + r->ngroups);
	}
	return 0;
}

/* --- blocks ------------------------------------------------------------- */

struct blk {
	uint32_t	 type;
	uint32_t	 len;		/* total length */
	const uint8_t	*body;
	uint32_t	 blen;		/* body + padding */
	uint64_t	 off;		/* stream offset of the header */
};

static int
is_event_block(uint32_t t)
{
	switch (t) {
	case SCAP_EV:
	case SCAP_EV_OLD:
	case SCAP_EV_V2:
	case SCAP_EV_V2_LARGE:
	case SCAP_EVF:
	case SCAP_EVF_V2:
	case SCAP_EVF_V2_LARGE:
		return 1;
	default:
		return 0;
	}
}

/*
 * Take the next block.  Returns 1, 0 at a clean end of file, -1 on a
 * truncated or malformed block.  With peek set the block stays unread.
 */
static int
block_next(struct scap_reader *r, struct blk *b, int peek)
{
	struct src *s = &r->s;
	const uint8_t *p;
	uint32_t trailer, max;
	int rc;

	r->cur_bt = 0;
	if ((rc = src_ensure(r, 8)) != 1) {
		if (rc == -1)
			return -1;
		if (src_avail(s) == 0)
			return 0;
		b->type = 0;
		if (src_avail(s) >= 4)
			memcpy(&b->type, s->win + s->pos, 4);
		return rerr(r, src_off(s), b->type, "file ends inside the "
		    "block header (%zu bytes left)", src_avail(s));
	}
	p = s->win + s->pos;
	b->off = src_off(s);
	memcpy(&b->type, p, 4);
	memcpy(&b->len, p + 4, 4);
	if (b->len < SCAP_BLOCK_OVERHEAD || (b->len & 3) != 0)
		return rerr(r, b->off, b->type, "bad block length %u",
		    b->len);
	switch (b->type) {
	case SCAP_EV_V2_LARGE:
	case SCAP_EVF_V2_LARGE:
		max = SCAP_EV_LARGE_MAX;
		break;
	default:
		max = is_event_block(b->type) ? SCAP_EV_BLOCK_MAX :
		    SCAP_META_BLOCK_MAX;
	}
	if (b->len > max)
		return rerr(r, b->off, b->type, "block length %u exceeds "
		    "the limit of %u", b->len, max);
	r->cur_bt = b->type;
	if ((rc = src_ensure(r, b->len)) != 1) {
		if (rc == -1)
			return -1;
		return rerr(r, b->off, b->type, "file ends inside the block: "
		    "%zu of its %u bytes present", src_avail(s), b->len);
	}
	p = s->win + s->pos;
	memcpy(&trailer, p + b->len - 4, 4);
	if (trailer != b->len)
		return rerr(r, b->off, b->type, "trailer length %u differs "
		    "from header length %u", trailer, b->len);
	b->body = p + 8;
	b->blen = b->len - SCAP_BLOCK_OVERHEAD;
	if (!peek)
		s->pos += b->len;
	r->st.blocks += !peek;
	return 1;
}

static int
read_shb(struct scap_reader *r, const struct blk *b)
{
	uint32_t magic;
	uint16_t major, minor;

	if (b->blen < 16)
		return rerr(r, b->off, b->type, "body of %u bytes is shorter "
		    "than the 16 of a section header", b->blen);
	memcpy(&magic, b->body, 4);
	memcpy(&major, b->body + 4, 2);
	memcpy(&minor, b->body + 6, 2);
	if (magic == SCAP_SHB_MAGIC_SWAPPED)
		return rerr(r, b->off, b->type, "byte-swapped magic: the "
		    "file was written big-endian, which is not supported");
	if (magic != SCAP_SHB_MAGIC)
		return rerr(r, b->off, b->type, "bad magic 0x%08x", magic);
	if (major != 1)
		return rerr(r, b->off, b->type, "unsupported format version "
		    "%u.%u", major, minor);
	/* Anything after the 16 bytes is pcapng-style options: skipped. */
	r->info.major = major;
	r->info.minor = minor;
	return 0;
}

/* A block met before or between events that is not an event block. */
static int
read_meta(struct scap_reader *r, const struct blk *b)
{
	switch (b->type) {
	case SCAP_SHB:
		return read_shb(r, b);
	case SCAP_MI:
	case SCAP_MI_OLD:
		return read_machine(r, b->body, b->blen, b->off, b->type);
	case SCAP_FDL:
	case SCAP_FDL_OLD:
	case SCAP_FDL_V2:
		return read_fdlist(r, b->body, b->blen, b->off, b->type);
	case SCAP_IL:
	case SCAP_IL_OLD:
	case SCAP_IL_V2:
		return read_iflist(r, b->body, b->blen, b->off, b->type);
	case SCAP_UL:
	case SCAP_UL_OLD:
	case SCAP_UL_V2:
		return read_userlist(r, b->body, b->blen, b->off, b->type);
	default:
		if (pl_version(b->type) != 0)
			return read_proclist(r, b->body, b->blen, b->off,
			    b->type);
		/* Unknown block: skipped by its length. */
		return 0;
	}
}

/* --- open/close --------------------------------------------------------- */

static struct scap_reader *
reader_new(void)
{
	struct scap_reader *r = xcalloc(1, sizeof(*r));

	r->s.fd = -1;
	r->convert = 1;
	r->conv = scap_conv_new();
	r->passmap = scap_conv_passmap();
	return r;
}

static struct scap_reader *
reader_start(struct scap_reader *r, char *err, size_t errlen)
{
	struct blk b;
	int rc;

	/* A big-endian writer's header also has a swapped length: look at
	   the magic before trusting the length. */
	if (src_ensure(r, 12) == 1) {
		uint32_t t, m;

		memcpy(&t, r->s.win + r->s.pos, 4);
		memcpy(&m, r->s.win + r->s.pos + 8, 4);
		if (t == SCAP_SHB && m == SCAP_SHB_MAGIC_SWAPPED)
			rerr(r, 0, t, "byte-swapped magic: the file was "
			    "written big-endian, which is not supported");
	}
	rc = r->failed ? -1 : block_next(r, &b, 0);
	if (rc == 0)
		rerr(r, 0, 0, "empty file");
	else if (rc == 1 && b.type != SCAP_SHB)
		rerr(r, b.off, b.type, "the file does not start with a "
		    "section header (not a capture file?)");
	else if (rc == 1)
		rc = read_shb(r, &b) == 0 ? 1 : -1;
	while (rc == 1) {
		rc = block_next(r, &b, 1);
		if (rc != 1 || is_event_block(b.type))
			break;
		r->s.pos += b.len;
		r->st.blocks++;
		if (read_meta(r, &b) == -1)
			rc = -1;
	}
	if (r->failed) {
		snprintf(err, errlen, "%s", r->err);
		scap_reader_close(r);
		return NULL;
	}
	/* A file with metadata and no events is valid. */
	return r;
}

struct scap_reader *
scap_reader_open(const char *path, char *err, size_t errlen)
{
	struct scap_reader *r;
	struct stat sb;
	uint8_t magic[2] = { 0, 0 };
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &sb) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	r = reader_new();
	r->s.fd = fd;
	if (S_ISREG(sb.st_mode) && pread(fd, magic, 2, 0) == 2 &&
	    magic[0] == 0x1f && magic[1] == 0x8b) {
		r->s.gz = 1;
		r->info.compressed = 1;
	}
	if (!r->s.gz && S_ISREG(sb.st_mode) && sb.st_size > 0) {
		void *m = mmap(NULL, (size_t)sb.st_size, PROT_READ,
		    MAP_PRIVATE, fd, 0);

		if (m != MAP_FAILED) {
			madvise(m, (size_t)sb.st_size, MADV_SEQUENTIAL);
			r->s.map = m;
			r->s.maplen = (size_t)sb.st_size;
			r->s.win = m;
			r->s.end = r->s.cap = r->s.maplen;
		}
	}
	if (r->s.map == NULL && S_ISREG(sb.st_mode) && sb.st_size == 0) {
		r->s.win = (const uint8_t *)"";
	} else if (!S_ISREG(sb.st_mode)) {
		/* A pipe or device: sniff the first bytes to choose. */
		uint8_t first[2];
		size_t got = 0;
		ssize_t k;

		while (got < 2 && (k = read(fd, first + got, 2 - got)) != 0) {
			if (k == -1 && errno == EINTR)
				continue;
			if (k == -1) {
				snprintf(err, errlen, "%s: %s", path,
				    strerror(errno));
				scap_reader_close(r);
				return NULL;
			}
			got += (size_t)k;
		}
		r->s.gz = got == 2 && first[0] == 0x1f && first[1] == 0x8b;
		r->info.compressed = r->s.gz;
		if (src_open_stream(r) == -1) {
			snprintf(err, errlen, "%s: cannot start gzip decoder",
			    path);
			scap_reader_close(r);
			return NULL;
		}
		if (r->s.gz) {
			memcpy(r->s.zin, first, got);
			r->s.zs.next_in = r->s.zin;
			r->s.zs.avail_in = (uInt)got;
		} else {
			memcpy(r->s.heap, first, got);
			r->s.end = got;
		}
	} else if (r->s.map == NULL && src_open_stream(r) == -1) {
		snprintf(err, errlen, "%s: cannot start gzip decoder", path);
		scap_reader_close(r);
		return NULL;
	}
	if ((r = reader_start(r, err, errlen)) == NULL) {
		/* Prefix the path. */
		size_t n = strlen(err);
		size_t pl = strlen(path);

		if (pl + 2 + n + 1 <= errlen) {
			memmove(err + pl + 2, err, n + 1);
			memcpy(err, path, pl);
			memcpy(err + pl, ": ", 2);
		}
	}
	return r;
}

struct scap_reader *
scap_reader_open_mem(const void *buf, size_t len, char *err, size_t errlen)
{
	struct scap_reader *r = reader_new();
	const uint8_t *p = buf;

	if (len >= 2 && p[0] == 0x1f && p[1] == 0x8b) {
		r->s.gz = 1;
		r->info.compressed = 1;
		r->s.mem = p;
		r->s.memlen = len;
		if (src_open_stream(r) == -1) {
			snprintf(err, errlen, "cannot start gzip decoder");
			scap_reader_close(r);
			return NULL;
		}
	} else {
		r->s.win = len != 0 ? p : (const uint8_t *)"";
		r->s.end = r->s.cap = len;
	}
	return reader_start(r, err, errlen);
}

void
scap_reader_close(struct scap_reader *r)
{
	size_t i;

	if (r == NULL)
		return;
	src_close(&r->s);
	while (r->arena != NULL) {
		struct arena_chunk *c = r->arena;

		r->arena = c->next;
		free(c);
	}
	for (i = 0; i < r->nfdls; i++)
		free(r->fdls[i].fds);
	free(r->fdls);
	free(r->threads);
	free(r->ifaces);
	free(r->users);
	free(r->groups);
	free(r->v1buf);
	scap_conv_free(r->conv);
	free(r);
}

void
scap_reader_set_convert(struct scap_reader *r, int on)
{
	r->convert = on;
}

/* --- events ------------------------------------------------------------- */

/*
 * Rebuild a v1 record (22-byte header, no nparams) as a current one.
 * The parameter count is the largest count, starting from the schema's,
 * whose u16 lengths add up exactly to the record length.
 * Returns 1, 0 to skip (unknown type), -1 on error.
 */
static int
event_v1(struct scap_reader *r, const struct blk *b, const uint8_t *p,
    uint32_t avail, const uint8_t **recp, uint32_t *lenp)
{
	const struct schema_event *se;
	struct fevt_hdr h;
	uint32_t len, plen, np, i;
	int64_t found;
	uint16_t type;
	const uint8_t *pay;

	if (avail < FEVT_HDR_LEN - 4)
		return rerr(r, b->off, b->type, "no room for an event header");
	memcpy(&h.ts, p, 8);
	memcpy(&h.tid, p + 8, 8);
	memcpy(&len, p + 16, 4);
	memcpy(&type, p + 20, 2);
	if ((se = schema_event(type)) == NULL) {
		r->st.unknown++;
		return 0;
	}
	if (type == SCAP_OLD_NOTIFICATION_E ||
	    type == SCAP_OLD_INFRASTRUCTURE_E)
		len -= 3;	/* those writers counted 3 bytes too many */
	if (len < FEVT_HDR_LEN - 4 || len > avail)
		return rerr(r, b->off, b->type, "event length %u does not "
		    "fit the %u bytes of the block", len, avail);
	pay = p + FEVT_HDR_LEN - 4;
	plen = len - (FEVT_HDR_LEN - 4);
	found = -1;
	for (np = se->nparams;; np--) {
		if ((uint64_t)np * 2 <= plen) {
			uint64_t sum = (uint64_t)np * 2;

			for (i = 0; i < np; i++) {
				uint16_t l;

				memcpy(&l, pay + i * 2, 2);
				sum += l;
			}
			if (sum == plen) {
				found = (int64_t)np;
				break;
			}
			/* One parameter fewer is at least 2 bytes
			   shorter: no smaller count can match. */
			if (sum < plen)
				break;
		}
		if (np == 0)
			break;
	}
	if (found < 0)
		return rerr(r, b->off, b->type, "cannot infer the "
		    "parameter count of a %s event of %u bytes", se->name,
		    len);
	if (np > FEVT_MAX_PARAMS)
		return rerr(r, b->off, b->type, "too many parameters");
	h.len = len + 4;
	h.type = type;
	h.nparams = np;
	if (r->v1cap < h.len) {
		free(r->v1buf);
		r->v1cap = h.len < 65536 ? 65536 : h.len;
		r->v1buf = xmalloc(r->v1cap);
	}
	memcpy(r->v1buf, &h, FEVT_HDR_LEN);
	memcpy(r->v1buf + FEVT_HDR_LEN, pay, plen);
	*recp = r->v1buf;
	*lenp = h.len;
	return 1;
}

int
scap_reader_next(struct scap_reader *r, struct fevt *ev, uint32_t *flags)
{
	struct blk b;
	int rc;

	for (;;) {
		const uint8_t *p, *rec = NULL;
		uint32_t avail, reclen = 0, fl = 0, evlen;
		uint16_t cpu, type;
		const char *why;

		if (r->failed)
			return -1;
		if ((rc = block_next(r, &b, 0)) != 1)
			return rc;
		if (!is_event_block(b.type)) {
			if (read_meta(r, &b) == -1)
				return -1;
			continue;
		}
		p = b.body;
		avail = b.blen;
		if (avail < 2)
			return rerr(r, b.off, b.type, "no room for the cpu");
		memcpy(&cpu, p, 2);
		p += 2;
		avail -= 2;
		if (b.type == SCAP_EVF || b.type == SCAP_EVF_V2 ||
		    b.type == SCAP_EVF_V2_LARGE) {
			if (avail < 4)
				return rerr(r, b.off, b.type,
				    "no room for the flags");
			memcpy(&fl, p, 4);
			p += 4;
			avail -= 4;
		}
		r->st.records++;
		if (b.type == SCAP_EV || b.type == SCAP_EV_OLD ||
		    b.type == SCAP_EVF) {
			rc = event_v1(r, &b, p, avail, &rec, &reclen);
			if (rc == -1)
				return -1;
			if (rc == 0)
				continue;
		} else {
			if (avail < FEVT_HDR_LEN)
				return rerr(r, b.off, b.type,
				    "no room for an event header");
			memcpy(&type, p + 20, 2);
			if (type >= FE_MAX) {
				r->st.unknown++;
				continue;
			}
			memcpy(&evlen, p + 16, 4);
			if (evlen < FEVT_HDR_LEN || evlen > avail)
				return rerr(r, b.off, b.type, "event length "
				    "%u exceeds the %u bytes of the block",
				    evlen, avail);
			rec = p;
			reclen = evlen;
		}
		if (fevt_parse(ev, rec, reclen, &why) != 0)
			return rerr(r, b.off, b.type, "bad event: %s", why);
		ev->cpu = cpu;
		if (r->convert) {
			int16_t pm = r->passmap[ev->hdr->type];

			if (pm != -2 && pm != ev->nparams) {
				char cerr[256];

				rc = scap_conv_event(r->conv, ev, cerr,
				    sizeof(cerr));
				if (rc == -1)
					return rerr(r, b.off, b.type, "%s",
					    cerr);
				if (rc == 0) {
					r->st.dropped++;
					continue;
				}
				if ((const void *)ev->hdr != (const void *)rec)
					r->st.converted++;
			}
		}
		if (flags != NULL)
			*flags = fl;
		r->st.events++;
		return 1;
	}
}

/* --- accessors ---------------------------------------------------------- */

const char *
scap_reader_error(const struct scap_reader *r)
{
	return r->err;
}

uint64_t
scap_reader_offset(const struct scap_reader *r)
{
	return src_off(&r->s);
}

const struct scap_info *
scap_reader_info(const struct scap_reader *r)
{
	return &r->info;
}

const struct scap_read_stats *
scap_reader_stats(const struct scap_reader *r)
{
	return &r->st;
}

const struct scap_machine *
scap_reader_machine(const struct scap_reader *r)
{
	return r->info.has_machine ? &r->machine : NULL;
}

static int
fdl_cmp(const void *a, const void *b)
{
	const struct scap_fdlist *x = *(const struct scap_fdlist *const *)a;
	const struct scap_fdlist *y = *(const struct scap_fdlist *const *)b;

	if (x->tid != y->tid)
		return x->tid < y->tid ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* Point each thread at its fd list (the first one for its tid). */
static void
link_fdlists(struct scap_reader *r)
{
	const struct scap_fdlist **idx;
	size_t i;

	r->fdl_dirty = 0;
	if (r->nfdls == 0)
		return;
	idx = xreallocarray(NULL, r->nfdls, sizeof(*idx));
	for (i = 0; i < r->nfdls; i++)
		idx[i] = &r->fdls[i];
	qsort(idx, r->nfdls, sizeof(*idx), fdl_cmp);
	for (i = 0; i < r->nthreads; i++) {
		size_t lo = 0, hi = r->nfdls;
		uint64_t tid = r->threads[i].tid;

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (idx[mid]->tid < tid)
				lo = mid + 1;
			else
				hi = mid;
		}
		r->threads[i].fdl = lo < r->nfdls && idx[lo]->tid == tid ?
		    idx[lo] : NULL;
	}
	free(idx);
}

const struct scap_thread *
scap_reader_threads(const struct scap_reader *cr, size_t *n)
{
	struct scap_reader *r = (struct scap_reader *)(uintptr_t)cr;

	if (r->fdl_dirty)
		link_fdlists(r);
	*n = r->nthreads;
	return r->threads;
}

const struct scap_fdlist *
scap_reader_fdlists(const struct scap_reader *r, size_t *n)
{
	*n = r->nfdls;
	return r->fdls;
}

const struct scap_iface *
scap_reader_ifaces(const struct scap_reader *r, size_t *n)
{
	*n = r->nifaces;
	return r->ifaces;
}

const struct scap_user *
scap_reader_users(const struct scap_reader *r, size_t *n)
{
	*n = r->nusers;
	return r->users;
}

const struct scap_group *
scap_reader_groups(const struct scap_reader *r, size_t *n)
{
	*n = r->ngroups;
	return r->groups;
}
