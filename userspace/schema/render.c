/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Rendering of event parameters as text, byte for byte as Falco's
 * inspector renders them (evt.args, evt.arg.NAME), including its quirks:
 * decimal numbers are printed signed at the parameter's width, "NULL"
 * marks some empty parameters and "<NA>" the others, socket tuples with
 * IPv4-mapped addresses print as IPv4.  Every read is bounded by the
 * parameter's length, since records come from untrusted files.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "schema/schema.h"
#include "util/sbuf.h"

/* One parameter as the renderer sees it after PT_DYN selection. */
struct pview {
	const uint8_t	*data;
	uint32_t	 len;
	uint8_t		 type;
	uint8_t		 fmt;
	const struct schema_flag *flags;
};

static uint64_t
get_uint(const uint8_t *p, uint32_t width)
{
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	switch (width) {
	case 1:
		memcpy(&u8, p, 1);
		return u8;
	case 2:
		memcpy(&u16, p, 2);
		return u16;
	case 4:
		memcpy(&u32, p, 4);
		return u32;
	default:
		memcpy(&u64, p, 8);
		return u64;
	}
}

static int64_t
sign_extend(uint64_t v, uint32_t width)
{
	switch (width) {
	case 1:
		return (int8_t)v;
	case 2:
		return (int16_t)v;
	case 4:
		return (int32_t)v;
	default:
		return (int64_t)v;
	}
}

/*
 * Digits of v in base (8, 10 or 16, upper-case).  Rendering is dominated
 * by number formatting, so this avoids printf for the common cases.
 */
static void
put_u64(struct sbuf *sb, uint64_t v, unsigned base)
{
	static const char digits[] = "0123456789ABCDEF";
	char buf[24], *p = buf + sizeof(buf);

	do {
		*--p = digits[v % base];
		v /= base;
	} while (v != 0);
	sbuf_put(sb, p, (size_t)(buf + sizeof(buf) - p));
}

static void
put_i64(struct sbuf *sb, int64_t v)
{
	if (v < 0) {
		sbuf_putc(sb, '-');
		put_u64(sb, -(uint64_t)v, 10);
	} else
		put_u64(sb, (uint64_t)v, 10);
}

/*
 * A number of the given width the way Falco prints it: octal with a
 * leading 0, upper-case hex, or (any other format) signed decimal, even
 * for unsigned types.
 */
static void
put_number(struct sbuf *sb, uint64_t v, uint32_t width, uint8_t fmt)
{
	switch (fmt) {
	case PF_OCT:
		/* "%#o": a leading 0, except for 0 itself. */
		if (v != 0)
			sbuf_putc(sb, '0');
		put_u64(sb, v, 8);
		break;
	case PF_HEX:
		put_u64(sb, v, 16);
		break;
	case PF_10_PADDED_DEC:
		sbuf_printf(sb, "%09" PRId64, sign_extend(v, width));
		break;
	default:
		put_i64(sb, sign_extend(v, width));
		break;
	}
}

static int
type_width(uint8_t type)
{
	switch (type) {
	case PT_INT8:
	case PT_UINT8:
	case PT_SIGTYPE:
	case PT_FLAGS8:
	case PT_ENUMFLAGS8:
		return 1;
	case PT_INT16:
	case PT_UINT16:
	case PT_SYSCALLID:
	case PT_FLAGS16:
	case PT_ENUMFLAGS16:
		return 2;
	case PT_INT32:
	case PT_UINT32:
	case PT_FLAGS32:
	case PT_ENUMFLAGS32:
	case PT_UID:
	case PT_GID:
	case PT_MODE:
	case PT_SIGSET:
		return 4;
	case PT_INT64:
	case PT_UINT64:
	case PT_ERRNO:
	case PT_FD:
	case PT_PID:
	case PT_RELTIME:
	case PT_ABSTIME:
		return 8;
	default:
		return 0;
	}
}

/* The bytes of a string parameter up to its NUL (or its end). */
static size_t
str_len(const uint8_t *p, uint32_t len)
{
	const uint8_t *z = memchr(p, '\0', len);

	return z != NULL ? (size_t)(z - p) : len;
}

static void
put_flags(struct sbuf *res, const struct schema_flag *f, uint32_t val,
    int exact)
{
	uint32_t initial = val;
	const char *sep = "";

	for (; f != NULL && f->name != NULL; f++) {
		int match = 0;

		if (exact)
			match = f->value == initial;
		else if ((f->value == 0 && initial == 0) ||
		    (f->value != 0 && (val & f->value) == f->value &&
		    val != 0)) {
			match = 1;
			/* Composite names (O_RDWR) consume their parts. */
			val &= ~f->value;
		}
		if (!match)
			continue;
		sbuf_printf(res, "%s%s", sep, f->name);
		sep = "|";
		/* Enums may have aliases (AF_LOCAL, AF_UNIX): keep going. */
		if (!exact && f->value == initial)
			break;
	}
}

static void
put_mode(struct sbuf *res, const struct schema_flag *m, uint32_t val)
{
	uint32_t initial = val;
	const char *sep = "";

	for (; m != NULL && m->name != NULL && m->value != initial; m++) {
		if ((m->value == 0 && initial == 0) ||
		    (m->value != 0 && (val & m->value) == m->value &&
		    val != 0)) {
			sbuf_printf(res, "%s%s", sep, m->name);
			sep = "|";
			val &= ~m->value;
		}
	}
	if (m != NULL && m->name != NULL)
		sbuf_printf(res, "%s%s", sep, m->name);
}

static void
put_ipv4(struct sbuf *sb, const uint8_t *ip, const uint8_t *port)
{
	int i;

	for (i = 0; i < 4; i++) {
		put_u64(sb, ip[i], 10);
		sbuf_putc(sb, i < 3 ? '.' : ':');
	}
	put_u64(sb, get_uint(port, 2), 10);
}

static void
put_ipv6(struct sbuf *sb, const uint8_t *ip, const uint8_t *port)
{
	char a[INET6_ADDRSTRLEN];

	if (inet_ntop(AF_INET6, ip, a, sizeof(a)) == NULL)
		a[0] = '\0';
	sbuf_printf(sb, "%s:%u", a, (unsigned)get_uint(port, 2));
}

/* Falco treats ::ffff:a.b.c.d and :: alike as IPv4. */
static int
ipv4_mapped(const uint8_t *ip)
{
	static const uint8_t zero[16];

	if (memcmp(ip, zero, 10) != 0)
		return 0;
	return (ip[10] == 0xff && ip[11] == 0xff) ||
	    memcmp(ip + 10, zero, 6) == 0;
}

static const char *
invalid_family(uint8_t family, int tuple)
{
	switch (family) {
	case FL_SOCKET_FAMILIES_AF_UNIX:
		return "INVALID PATH";
	case FL_SOCKET_FAMILIES_AF_INET:
		return "INVALID IPv4";
	case FL_SOCKET_FAMILIES_AF_INET6:
		return "INVALID IPv6";
	default:
		return tuple ? "INVALID SOCKTUPLE" : "INVALID SOCKADDR";
	}
}

static void
put_sockaddr(struct sbuf *val, const struct pview *pv)
{
	const uint8_t *d = pv->data;
	uint8_t family = d[0];
	int ok;

	switch (family) {
	case FL_SOCKET_FAMILIES_AF_INET:
		ok = pv->len >= 7;
		break;
	case FL_SOCKET_FAMILIES_AF_INET6:
		ok = pv->len >= 19;
		break;
	case FL_SOCKET_FAMILIES_AF_UNIX:
		ok = pv->len >= 2 && d[pv->len - 1] == '\0';
		break;
	default:
		ok = 1;
		break;
	}
	if (!ok) {
		sbuf_puts(val, invalid_family(family, 0));
		return;
	}
	switch (family) {
	case FL_SOCKET_FAMILIES_AF_INET:
		put_ipv4(val, d + 1, d + 5);
		break;
	case FL_SOCKET_FAMILIES_AF_INET6:
		put_ipv6(val, d + 1, d + 17);
		break;
	case FL_SOCKET_FAMILIES_AF_UNIX:
		sbuf_puts(val, (const char *)d + 1);
		break;
	default:
		sbuf_printf(val, "family %d", family);
		break;
	}
}

static void
put_socktuple(struct sbuf *val, const struct pview *pv)
{
	const uint8_t *d = pv->data;
	uint8_t family = d[0];
	int ok;

	switch (family) {
	case FL_SOCKET_FAMILIES_AF_INET:
		ok = pv->len >= 13;
		break;
	case FL_SOCKET_FAMILIES_AF_INET6:
		ok = pv->len >= 37;
		break;
	case FL_SOCKET_FAMILIES_AF_UNIX:
		ok = pv->len >= 18 && d[pv->len - 1] == '\0';
		break;
	default:
		ok = 1;
		break;
	}
	if (!ok) {
		sbuf_puts(val, invalid_family(family, 1));
		return;
	}
	switch (family) {
	case FL_SOCKET_FAMILIES_AF_INET:
		put_ipv4(val, d + 1, d + 5);
		sbuf_puts(val, "->");
		put_ipv4(val, d + 7, d + 11);
		break;
	case FL_SOCKET_FAMILIES_AF_INET6:
		if (ipv4_mapped(d + 1) && ipv4_mapped(d + 19)) {
			put_ipv4(val, d + 13, d + 17);
			sbuf_puts(val, "->");
			put_ipv4(val, d + 31, d + 35);
		} else {
			put_ipv6(val, d + 1, d + 17);
			sbuf_puts(val, "->");
			put_ipv6(val, d + 19, d + 35);
		}
		break;
	case FL_SOCKET_FAMILIES_AF_UNIX:
		sbuf_printf(val, "%" PRIx64 "->%" PRIx64 " %s",
		    get_uint(d + 1, 8), get_uint(d + 9, 8),
		    (const char *)d + 17);
		break;
	default:
		sbuf_printf(val, "family %d", family);
		break;
	}
}

static void
put_fdlist(struct sbuf *val, const struct pview *pv, const struct fevt *ev,
    const struct schema_resolver *r)
{
	uint32_t pos = 2, j, nfds;

	/* Falco lists fds only when it knows the event's thread. */
	if (r == NULL || pv->len < 2)
		return;
	nfds = (uint32_t)get_uint(pv->data, 2);
	for (j = 0; j < nfds && pos + 10 <= pv->len; j++, pos += 10) {
		uint64_t fd = get_uint(pv->data + pos, 8);
		int16_t fl = (int16_t)get_uint(pv->data + pos + 8, 2);
		char type[3] = "";
		struct sbuf scratch = SBUF_INIT;

		if (r->fd == NULL ||
		    r->fd(r->arg, ev, (int64_t)fd, type, &scratch) != 0 ||
		    type[0] == '\0')
			type[0] = '?';
		sbuf_free(&scratch);
		sbuf_printf(val, "%s%" PRIu64 ":%c%x", j > 0 ? " " : "", fd,
		    type[0], (uint32_t)(int32_t)fl);
	}
}

static void
put_abstime(struct sbuf *val, uint64_t ns)
{
	time_t sec = (time_t)(ns / 1000000000ULL);
	struct tm tm;
	char buf[64];

	/* Falco prints local time and drops the zone its format asks for. */
	if (localtime_r(&sec, &tm) == NULL ||
	    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm) == 0)
		buf[0] = '\0';
	sbuf_printf(val, "%s.%09lu", buf,
	    (unsigned long)(ns % 1000000000ULL));
}

static void
put_sigset(struct sbuf *val, uint32_t set)
{
	int sig, first = 1;

	for (sig = 0; sig < 32; sig++) {
		const char *s;

		if (!(set & (1u << sig)) ||
		    (s = schema_signal_name((uint32_t)sig + 1)) == NULL)
			continue;
		sbuf_printf(val, "%s%s", first ? "" : " ", s);
		first = 0;
	}
}

static void
put_path(struct sbuf *val, struct sbuf *res, const struct fevt *ev,
    unsigned idx, const struct pview *pv, const struct schema_resolver *r)
{
	const struct schema_event *se = schema_event(ev->hdr->type);
	int64_t dirfd = FE_AT_FDCWD;
	size_t n = str_len(pv->data, pv->len);
	int8_t di;

	sbuf_put(val, pv->data, n);
	if (r == NULL || r->abspath == NULL || res == NULL || n == 0 ||
	    pv->data[0] == '/')
		return;
	di = se->params[idx].dirfd;
	if (pv->type == PT_FSRELPATH && di >= 0 &&
	    (unsigned)di < ev->nparams && se->params[di].type == PT_FD &&
	    ev->plen[di] == 8)
		dirfd = (int64_t)get_uint(ev->param[di], 8);
	/* The value is the NUL-terminated tail of val. */
	(void)r->abspath(r->arg, ev, dirfd, val->buf + val->len - n, res);
}

static void
put_fd(struct sbuf *val, struct sbuf *res, const struct fevt *ev,
    int64_t fd, const struct schema_resolver *r)
{
	const char *e;

	put_i64(val, fd);
	if (r == NULL || res == NULL)
		return;
	if (fd >= 0) {
		char type[3] = "";
		struct sbuf name = SBUF_INIT;

		if (r->fd != NULL &&
		    r->fd(r->arg, ev, fd, type, &name) == 0) {
			type[sizeof(type) - 1] = '\0';
			sbuf_printf(res, "<%s>", type);
			sbuf_put(res, name.buf != NULL ? name.buf : "",
			    name.len);
		}
		sbuf_free(&name);
	} else if (fd == FE_AT_FDCWD)
		sbuf_puts(res, "AT_FDCWD");
	else if ((e = schema_errno_name(fd)) != NULL)
		sbuf_puts(res, e);
}

static void
put_id_name(struct sbuf *val, struct sbuf *res, const struct fevt *ev,
    uint32_t id, const struct schema_resolver *r, int is_user)
{
	if (id == UINT32_MAX) {
		sbuf_puts(val, "-1");
		if (res != NULL)
			sbuf_puts(res, "<NONE>");
		return;
	}
	put_i64(val, (int32_t)id);
	if (res == NULL)
		return;
	if (r != NULL) {
		int (*cb)(void *, const struct fevt *, uint32_t,
		    struct sbuf *) = is_user ? r->user : r->group;
		size_t before = res->len;

		if (cb != NULL && cb(r->arg, ev, id, res) == 0 &&
		    res->len > before)
			return;
	}
	sbuf_puts(res, "<NA>");
}

void
schema_param_str(struct sbuf *val, struct sbuf *res, const struct fevt *ev,
    unsigned idx, const struct schema_resolver *r)
{
	const struct schema_event *se;
	const struct schema_param *sp;
	struct pview pv;
	uint64_t v = 0;
	int w;

	/* Make sure val exists as a string even if nothing is appended. */
	sbuf_put(val, "", 0);
	if (res != NULL)
		sbuf_put(res, "", 0);
	if (ev == NULL || ev->hdr == NULL || idx >= ev->nparams ||
	    (se = schema_event(ev->hdr->type)) == NULL)
		return;
	if (idx >= se->nparams) {
		/* A parameter the schema does not describe: show its size. */
		sbuf_printf(val, "<%u bytes>", ev->plen[idx]);
		return;
	}
	sp = &se->params[idx];
	pv.data = ev->param[idx];
	pv.len = ev->plen[idx];
	pv.type = sp->type;
	pv.fmt = sp->fmt;
	pv.flags = sp->flags;

	switch (pv.type) {
	case PT_CHARBUF:
	case PT_FSPATH:
	case PT_FSRELPATH:
		/* Empty and "(NULL)" strings both read as "<NA>". */
		if (pv.len == 0 || (pv.len == 7 &&
		    memcmp(pv.data, "(NULL)", 7) == 0)) {
			sbuf_puts(val, "<NA>");
			return;
		}
		break;
	case PT_BYTEBUF:
	case PT_SOCKTUPLE:
	case PT_FDLIST:
	case PT_CHARBUFARRAY:
	case PT_CHARBUF_PAIR_ARRAY:
	case PT_DYN:
		if (pv.len == 0) {
			sbuf_puts(val, "NULL");
			return;
		}
		break;
	default:
		if (pv.len == 0) {
			sbuf_puts(val, "<NA>");
			return;
		}
		break;
	}

	if (pv.type == PT_DYN && sp->dyn != NULL) {
		unsigned k, n = 0;

		for (k = 0; sp->dyn[k].type != PT_NONE; k++)
			n++;
		if (pv.data[0] < n) {
			pv.type = sp->dyn[pv.data[0]].type;
			pv.data++;
			pv.len--;
		}
	}

	w = type_width(pv.type);
	if (w != 0) {
		/* Falco refuses fixed-size values of the wrong size. */
		if (pv.len != (uint32_t)w) {
			sbuf_puts(val, "<NA>");
			return;
		}
		v = get_uint(pv.data, (uint32_t)w);
	}

	switch (pv.type) {
	case PT_INT8:
	case PT_INT16:
	case PT_INT32:
	case PT_INT64:
	case PT_UINT8:
	case PT_UINT16:
	case PT_UINT32:
	case PT_UINT64:
		put_number(val, v, (uint32_t)w, pv.fmt);
		break;
	case PT_FD:
		put_fd(val, res, ev, (int64_t)v, r);
		break;
	case PT_PID:
		put_i64(val, (int64_t)v);
		if (r != NULL && r->comm != NULL && res != NULL)
			(void)r->comm(r->arg, (int64_t)v, res);
		break;
	case PT_ERRNO:
		put_i64(val, (int64_t)v);
		if ((int64_t)v < 0 && res != NULL) {
			const char *e = schema_errno_name((int64_t)v);

			if (e != NULL)
				sbuf_puts(res, e);
		}
		break;
	case PT_CHARBUF:
		sbuf_put(val, pv.data, str_len(pv.data, pv.len));
		break;
	case PT_FSPATH:
	case PT_FSRELPATH:
		put_path(val, res, ev, idx, &pv, r);
		break;
	case PT_BYTEBUF: {
		uint32_t k;
		char *dst;

		/* Written in place: struct sbuf is public for this. */
		sbuf_reserve(val, pv.len);
		dst = val->buf + val->len;
		for (k = 0; k < pv.len; k++) {
			uint8_t c = pv.data[k];

			/* isprint() in the C locale. */
			dst[k] = (c >= 0x20 && c < 0x7f) ? (char)c : '.';
		}
		val->len += pv.len;
		val->buf[val->len] = '\0';
		break;
	}
	case PT_SOCKADDR:
		put_sockaddr(val, &pv);
		break;
	case PT_SOCKTUPLE:
		put_socktuple(val, &pv);
		break;
	case PT_FDLIST:
		put_fdlist(val, &pv, ev, r);
		break;
	case PT_SYSCALLID:
		if (v >= FE_SC_MAX) {
			sbuf_puts(val, "<unknown syscall>");
			break;
		}
		sbuf_printf(val, "%u", (unsigned)v);
		/* Unassigned codes have no name, as in Falco. */
		if (res != NULL && schema_syscall_name((uint16_t)v) != NULL)
			sbuf_puts(res, schema_syscall_name((uint16_t)v));
		break;
	case PT_SIGTYPE:
		sbuf_printf(val, "%u", (unsigned)v);
		if (res != NULL && schema_signal_name((uint32_t)v) != NULL)
			sbuf_puts(res, schema_signal_name((uint32_t)v));
		break;
	case PT_RELTIME:
		if (v == UINT64_MAX) {
			sbuf_puts(val, "none");
			break;
		}
		put_u64(val, v, 10);
		if (res != NULL)
			sbuf_printf(res, "%lgs", (double)v / 1000000000);
		break;
	case PT_FLAGS8:
	case PT_FLAGS16:
	case PT_FLAGS32:
	case PT_ENUMFLAGS8:
	case PT_ENUMFLAGS16:
	case PT_ENUMFLAGS32:
		put_u64(val, (uint32_t)v, 10);
		if (res != NULL)
			put_flags(res, pv.flags, (uint32_t)v,
			    pv.type == PT_ENUMFLAGS8 ||
			    pv.type == PT_ENUMFLAGS16 ||
			    pv.type == PT_ENUMFLAGS32);
		break;
	case PT_MODE:
		put_number(val, v, 4, pv.fmt);
		if (res != NULL)
			put_mode(res, pv.flags, (uint32_t)v);
		break;
	case PT_ABSTIME:
		put_abstime(val, v);
		break;
	case PT_UID:
	case PT_GID:
		put_id_name(val, res, ev, (uint32_t)v, r, pv.type == PT_UID);
		break;
	case PT_SIGSET:
		put_sigset(val, (uint32_t)v);
		break;
	case PT_DYN:
		sbuf_puts(val, "INVALID DYNAMIC PARAMETER");
		break;
	default:
		/*
		 * Types Falco has no text form for (ports, raw addresses,
		 * 32-bit fds, pointers to userspace arrays).
		 */
		sbuf_puts(val, "(n.a.)");
		break;
	}
}

void
schema_render_arg(struct sbuf *out, const struct fevt *ev, unsigned idx,
    const struct schema_resolver *r)
{
	struct sbuf val = SBUF_INIT, res = SBUF_INIT;

	schema_param_str(&val, &res, ev, idx, r);
	sbuf_puts(out, res.len > 0 ? sbuf_str(&res) : sbuf_str(&val));
	sbuf_free(&val);
	sbuf_free(&res);
}

static void
render_one(struct sbuf *out, const struct fevt *ev, unsigned idx,
    const struct schema_resolver *r, struct sbuf *val, struct sbuf *res)
{
	sbuf_reset(val);
	sbuf_reset(res);
	schema_param_str(val, res, ev, idx, r);
	sbuf_put(out, val->buf, val->len);
	if (res->len > 0) {
		sbuf_putc(out, '(');
		sbuf_put(out, res->buf, res->len);
		sbuf_putc(out, ')');
	}
}

void
schema_render_args(struct sbuf *out, const struct fevt *ev,
    const struct schema_resolver *r)
{
	const struct schema_event *se;
	struct sbuf val = SBUF_INIT, res = SBUF_INIT;
	unsigned i;

	sbuf_put(out, "", 0);
	if (ev == NULL || ev->hdr == NULL ||
	    (se = schema_event(ev->hdr->type)) == NULL)
		return;
	/* Falco shows no arguments for the generic syscall event. */
	if (ev->hdr->type == FE_GENERIC_X)
		return;
	for (i = 0; i < ev->nparams; i++) {
		if (i > 0)
			sbuf_putc(out, ' ');
		sbuf_puts(out, i < se->nparams ? se->params[i].name : "?");
		sbuf_putc(out, '=');
		render_one(out, ev, i, r, &val, &res);
	}
	sbuf_free(&val);
	sbuf_free(&res);
}

void
schema_render_param(struct sbuf *out, const struct fevt *ev, unsigned idx)
{
	struct sbuf val = SBUF_INIT, res = SBUF_INIT;

	sbuf_put(out, "", 0);
	render_one(out, ev, idx, NULL, &val, &res);
	sbuf_free(&val);
	sbuf_free(&res);
}
