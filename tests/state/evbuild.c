/* SPDX-License-Identifier: Apache-2.0 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evbuild.h"

static void
die(const char *what, const char *v)
{
	fprintf(stderr, "evbuild: bad %s '%s'\n", what, v);
	abort();
}

/* "ip:port" or "[ip6]:port" -> family byte, address, port. */
static size_t
addr(const char *s, uint8_t *out, int with_family)
{
	char ip[64];
	const char *colon;
	uint8_t a[16];
	uint16_t port;
	size_t n = 0;
	int v6 = s[0] == '[';

	if (v6) {
		colon = strstr(s, "]:");
		if (colon == NULL || (size_t)(colon - s - 1) >= sizeof(ip))
			die("address", s);
		memcpy(ip, s + 1, (size_t)(colon - s - 1));
		ip[colon - s - 1] = '\0';
		colon++;
	} else {
		colon = strrchr(s, ':');
		if (colon == NULL || (size_t)(colon - s) >= sizeof(ip))
			die("address", s);
		memcpy(ip, s, (size_t)(colon - s));
		ip[colon - s] = '\0';
	}
	if (inet_pton(v6 ? AF_INET6 : AF_INET, ip, a) != 1)
		die("address", s);
	port = (uint16_t)strtoul(colon + 1, NULL, 10);
	if (with_family)
		out[n++] = v6 ? FL_SOCKET_FAMILIES_AF_INET6 :
		    FL_SOCKET_FAMILIES_AF_INET;
	memcpy(out + n, a, v6 ? 16 : 4);
	n += v6 ? 16 : 4;
	memcpy(out + n, &port, 2);
	return n + 2;
}

static size_t
encode(uint8_t type, const char *v, uint8_t *out)
{
	int64_t i;
	size_t n;
	const char *arrow;

	switch (type) {
	case PT_CHARBUF: case PT_FSPATH: case PT_FSRELPATH:
		n = strlen(v);
		memcpy(out, v, n + 1);
		return n + 1;
	case PT_BYTEBUF:
		n = strlen(v);
		for (i = 0; i < (int64_t)n; i++)
			out[i] = v[i] == '|' ? '\0' : (uint8_t)v[i];
		return n;
	case PT_SOCKTUPLE:
		if (strncmp(v, "unix:", 5) == 0) {
			memset(out, 0, 17);
			out[0] = FL_SOCKET_FAMILIES_AF_UNIX;
			n = strlen(v + 5);
			memcpy(out + 17, v + 5, n + 1);
			return 17 + n + 1;
		}
		if ((arrow = strstr(v, "->")) == NULL)
			die("tuple", v);
		{
			char left[80];
			uint8_t tmp[20];
			size_t ln = (size_t)(arrow - v), k;

			if (ln >= sizeof(left))
				die("tuple", v);
			memcpy(left, v, ln);
			left[ln] = '\0';
			n = addr(left, out, 1);
			k = addr(arrow + 2, tmp, 0);
			memcpy(out + n, tmp, k);
			return n + k;
		}
	case PT_SOCKADDR:
		return addr(v, out, 1);
	default:
		i = strtoll(v, NULL, 0);
		n = schema_type_size(type);
		if (n == 0)
			die("type for", v);
		memcpy(out, &i, n);	/* little-endian hosts */
		return n;
	}
}

void
evb_build(struct evrec *r, uint16_t type, uint64_t ts, int64_t tid,
    const char *const *vals, size_t nvals)
{
	const struct schema_event *e = schema_event(type);
	struct fevt_hdr h;
	uint8_t data[6000];
	uint16_t lens[FEVT_MAX_PARAMS];
	size_t i, dlen = 0, l;
	const char *why;

	if (e == NULL || nvals != e->nparams || (e->flags & EF_LARGE_PAYLOAD)) {
		fprintf(stderr, "evbuild: type %u wants %u params, got %zu\n",
		    type, e != NULL ? e->nparams : 0, nvals);
		abort();
	}
	for (i = 0; i < nvals; i++) {
		l = vals[i] == NULL ? 0 : encode(e->params[i].type, vals[i],
		    data + dlen);
		lens[i] = (uint16_t)l;
		dlen += l;
	}
	h.ts = ts;
	h.tid = (uint64_t)tid;
	h.type = type;
	h.nparams = (uint32_t)nvals;
	h.len = (uint32_t)(sizeof(h) + nvals * 2 + dlen);
	memcpy(r->buf, &h, sizeof(h));
	memcpy(r->buf + sizeof(h), lens, nvals * 2);
	memcpy(r->buf + sizeof(h) + nvals * 2, data, dlen);
	r->len = h.len;
	r->ev.cpu = 0;
	if (fevt_parse(&r->ev, r->buf, r->len, &why) != 0) {
		fprintf(stderr, "evbuild: %s\n", why);
		abort();
	}
}

static const char *
num(char buf[][24], int i, int64_t v)
{
	snprintf(buf[i], 24, "%lld", (long long)v);
	return buf[i];
}

void
evb_clone(struct evrec *r, uint64_t ts, int64_t tid, int64_t res,
    int64_t pid, int64_t ptid, uint32_t flags, const char *comm,
    const char *cwd)
{
	char b[8][24];

	EVB(r, FE_SYSCALL_CLONE_20_X, ts, tid, num(b, 0, res), comm, "",
	    num(b, 1, tid), num(b, 2, pid), num(b, 3, ptid), cwd, "1024",
	    "0", "0", "0", "0", "0", comm, "cpu=/", num(b, 4, flags), "1000",
	    "1000", num(b, 5, tid), num(b, 6, pid), "0");
}

void
evb_execve(struct evrec *r, uint64_t ts, int64_t tid, int64_t res,
    int64_t ptid, const char *exe, const char *args, const char *comm,
    const char *cwd, const char *cgroups)
{
	char b[4][24];

	EVB(r, FE_SYSCALL_EXECVE_19_X, ts, tid, num(b, 0, res), exe, args,
	    num(b, 1, tid), num(b, 1, tid), num(b, 2, ptid), cwd, "1024",
	    "0", "0", "0", "0", "0", comm, cgroups, "HOME=/root|", "0", "0",
	    "1000", "0", "0", "0", "0x200000", "0", "0", "0", "1000", NULL,
	    "0", "1000", exe);
}

void
evb_procexit(struct evrec *r, uint64_t ts, int64_t tid, int64_t reaper)
{
	char b[1][24];

	EVB(r, FE_PROCEXIT_1_E, ts, tid, "0", "0", "0", "0",
	    num(b, 0, reaper));
}
