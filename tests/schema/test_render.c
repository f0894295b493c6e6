/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Data-driven rendering tests: tests/schema/render_cases.txt describes
 * events (type, parameters, the state a resolver knows) and the evt.args
 * text Falco prints for them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema/schema.h"
#include "util/sbuf.h"
#include "evbuild.h"
#include "tests.h"

#define MAXSTATE	16

struct tcase {
	char		 label[128];
	int		 line;
	int		 type;		/* -1 until "event" */
	int		 thread;
	int		 nfd, ncomm, nuser, ngroup;
	int64_t		 fd[MAXSTATE];
	char		 fdtype[MAXSTATE][3];
	char		 fdname[MAXSTATE][128];
	int64_t		 comm_tid[MAXSTATE];
	char		 comm[MAXSTATE][32];
	uint32_t	 uid[MAXSTATE], gid[MAXSTATE];
	char		 user[MAXSTATE][32], group[MAXSTATE][32];
	char		 cwd[128];
	char		 expect[4096];
	int		 have_expect;
	int		 narg;
	char		 argname[8][32];
	char		 argval[8][256];
	struct evb	 b;
};

static int
r_fd(void *arg, const struct fevt *ev, int64_t fd, char type[3],
    struct sbuf *out)
{
	struct tcase *tc = arg;
	int i;

	for (i = 0; i < tc->nfd; i++)
		if (tc->fd[i] == fd) {
			memcpy(type, tc->fdtype[i], 3);
			sbuf_puts(out, tc->fdname[i]);
			return 0;
		}
	return -1;
}

static int
r_comm(void *arg, int64_t tid, struct sbuf *out)
{
	struct tcase *tc = arg;
	int i;

	for (i = 0; i < tc->ncomm; i++)
		if (tc->comm_tid[i] == tid) {
			sbuf_puts(out, tc->comm[i]);
			return 0;
		}
	return -1;
}

static int
r_user(void *arg, const struct fevt *ev, uint32_t uid, struct sbuf *out)
{
	struct tcase *tc = arg;
	int i;

	for (i = 0; i < tc->nuser; i++)
		if (tc->uid[i] == uid) {
			sbuf_puts(out, tc->user[i]);
			return 0;
		}
	return -1;
}

static int
r_group(void *arg, const struct fevt *ev, uint32_t gid, struct sbuf *out)
{
	struct tcase *tc = arg;
	int i;

	for (i = 0; i < tc->ngroup; i++)
		if (tc->gid[i] == gid) {
			sbuf_puts(out, tc->group[i]);
			return 0;
		}
	return -1;
}

/* Join the base directory and the path; the cases need no "..". */
static int
r_abspath(void *arg, const struct fevt *ev, int64_t dirfd, const char *path,
    struct sbuf *out)
{
	struct tcase *tc = arg;
	const char *base = NULL;
	int i;

	if (dirfd == FE_AT_FDCWD)
		base = tc->cwd[0] != '\0' ? tc->cwd : NULL;
	else
		for (i = 0; i < tc->nfd; i++)
			if (tc->fd[i] == dirfd)
				base = tc->fdname[i];
	if (base == NULL)
		return -1;
	sbuf_printf(out, "%s/%s", base, path);
	return 0;
}

static int
unescape(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;

	while (*s != '\0') {
		int c = (unsigned char)*s++;

		if (c == '\\') {
			c = (unsigned char)*s++;
			switch (c) {
			case '0':
				c = 0;
				break;
			case 'n':
				c = '\n';
				break;
			case '\\':
				break;
			case 'x':
				if (!isxdigit((unsigned char)s[0]) ||
				    !isxdigit((unsigned char)s[1]))
					return -1;
				{
					char h[3] = { s[0], s[1], 0 };

					c = (int)strtol(h, NULL, 16);
				}
				s += 2;
				break;
			default:
				return -1;
			}
		}
		if (n >= cap)
			return -1;
		out[n++] = (uint8_t)c;
	}
	return (int)n;
}

static int
find_type(const char *sym)
{
	unsigned i;

	for (i = 0; i < FE_MAX; i++)
		if (strcmp(schema_event((uint16_t)i)->sym, sym) == 0)
			return (int)i;
	return -1;
}

static int
put_ip(struct evb *b, uint8_t *buf, size_t *n, int af, const char *ip)
{
	if (inet_pton(af, ip, buf + *n) != 1)
		return -1;
	*n += af == AF_INET ? 4 : 16;
	return 0;
}

static void
put_port(uint8_t *buf, size_t *n, const char *port)
{
	uint16_t p = (uint16_t)strtoul(port, NULL, 0);

	memcpy(buf + *n, &p, 2);
	*n += 2;
}

/* One parameter line; returns 0, -1 on a syntax error. */
static int
param_line(struct tcase *tc, const char *kind, char *rest)
{
	uint8_t buf[4096];
	size_t n = 0;
	char *f[5];
	int nf = 0;
	char *save = NULL, *tok;

	if (strcmp(kind, "str") == 0) {
		evb_str(&tc->b, rest);
		return 0;
	}
	if (strcmp(kind, "empty") == 0) {
		evb_param(&tc->b, NULL, 0);
		return 0;
	}
	if (strcmp(kind, "bytes") == 0) {
		int k = unescape(rest, buf, sizeof(buf));

		if (k < 0)
			return -1;
		evb_param(&tc->b, buf, (size_t)k);
		return 0;
	}
	for (tok = strtok_r(rest, " ", &save); tok != NULL && nf < 5;
	    tok = strtok_r(NULL, " ", &save))
		f[nf++] = tok;
	if (kind[0] == 'i' || kind[0] == 'u') {
		int w = atoi(kind + 1);
		uint64_t v;

		if (nf != 1)
			return -1;
		errno = 0;
		v = kind[0] == 'i' ? (uint64_t)strtoll(f[0], NULL, 0) :
		    strtoull(f[0], NULL, 0);
		if (errno != 0)
			return -1;
		switch (w) {
		case 8:
			evb_u8(&tc->b, (uint8_t)v);
			return 0;
		case 16:
			evb_u16(&tc->b, (uint16_t)v);
			return 0;
		case 32:
			evb_u32(&tc->b, (uint32_t)v);
			return 0;
		case 64:
			evb_u64(&tc->b, v);
			return 0;
		default:
			return -1;
		}
	}
	if (strcmp(kind, "sa4") == 0 || strcmp(kind, "sa6") == 0) {
		int af = kind[2] == '4' ? AF_INET : AF_INET6;

		if (nf != 2)
			return -1;
		buf[n++] = af == AF_INET ? 2 : 10;
		if (put_ip(&tc->b, buf, &n, af, f[0]) != 0)
			return -1;
		put_port(buf, &n, f[1]);
	} else if (strcmp(kind, "tuple4") == 0 || strcmp(kind, "tuple6") == 0) {
		int af = kind[5] == '4' ? AF_INET : AF_INET6;

		if (nf != 4)
			return -1;
		buf[n++] = af == AF_INET ? 2 : 10;
		if (put_ip(&tc->b, buf, &n, af, f[0]) != 0)
			return -1;
		put_port(buf, &n, f[1]);
		if (put_ip(&tc->b, buf, &n, af, f[2]) != 0)
			return -1;
		put_port(buf, &n, f[3]);
	} else if (strcmp(kind, "saun") == 0) {
		if (nf != 1)
			return -1;
		buf[n++] = 1;
		memcpy(buf + n, f[0], strlen(f[0]) + 1);
		n += strlen(f[0]) + 1;
	} else if (strcmp(kind, "tupleun") == 0) {
		uint64_t s, d;

		if (nf != 3)
			return -1;
		s = strtoull(f[0], NULL, 16);
		d = strtoull(f[1], NULL, 16);
		buf[n++] = 1;
		memcpy(buf + n, &s, 8);
		memcpy(buf + n + 8, &d, 8);
		n += 16;
		memcpy(buf + n, f[2], strlen(f[2]) + 1);
		n += strlen(f[2]) + 1;
	} else
		return -1;
	evb_param(&tc->b, buf, n);
	return 0;
}

static int
state_line(struct tcase *tc, const char *kind, char *rest)
{
	char *sp = strchr(rest, ' ');
	char *second = sp != NULL ? sp + 1 : NULL;

	if (strcmp(kind, "thread") == 0) {
		tc->thread = 1;
		return 0;
	}
	if (strcmp(kind, "cwd") == 0) {
		snprintf(tc->cwd, sizeof(tc->cwd), "%s", rest);
		return 0;
	}
	if (sp != NULL)
		*sp = '\0';
	if (strcmp(kind, "fd") == 0 && second != NULL && tc->nfd < MAXSTATE) {
		char *name = strchr(second, ' ');

		if (name != NULL)
			*name++ = '\0';
		tc->fd[tc->nfd] = strtoll(rest, NULL, 0);
		snprintf(tc->fdtype[tc->nfd], 3, "%s", second);
		snprintf(tc->fdname[tc->nfd], 128, "%s",
		    name != NULL ? name : "");
		tc->nfd++;
		return 0;
	}
	if (second == NULL)
		return -1;
	if (strcmp(kind, "comm") == 0 && tc->ncomm < MAXSTATE) {
		tc->comm_tid[tc->ncomm] = strtoll(rest, NULL, 0);
		snprintf(tc->comm[tc->ncomm++], 32, "%s", second);
		return 0;
	}
	if (strcmp(kind, "user") == 0 && tc->nuser < MAXSTATE) {
		tc->uid[tc->nuser] = (uint32_t)strtoul(rest, NULL, 0);
		snprintf(tc->user[tc->nuser++], 32, "%s", second);
		return 0;
	}
	if (strcmp(kind, "group") == 0 && tc->ngroup < MAXSTATE) {
		tc->gid[tc->ngroup] = (uint32_t)strtoul(rest, NULL, 0);
		snprintf(tc->group[tc->ngroup++], 32, "%s", second);
		return 0;
	}
	return -1;
}

/* Run one complete case; returns the number of mismatches. */
static int
run_case(struct tcase *tc)
{
	struct schema_resolver r = {
		tc, r_fd, r_comm, r_user, r_group, r_abspath
	};
	const struct schema_event *se = schema_event((uint16_t)tc->type);
	struct sbuf out = SBUF_INIT;
	struct fevt ev;
	const char *why = NULL;
	int bad = 0, i;

	evb_finish(&tc->b, (se->flags & EF_LARGE_PAYLOAD) != 0);
	memset(&ev, 0, sizeof(ev));
	if (fevt_parse(&ev, tc->b.rec, tc->b.rlen, &why) != 0) {
		print_error("%s (line %d): parse failed: %s\n", tc->label,
		    tc->line, why);
		return 1;
	}
	if (tc->b.nparams != se->nparams) {
		print_error("%s (line %d): %u parameters, schema has %u\n",
		    tc->label, tc->line, tc->b.nparams, se->nparams);
		bad++;
	}
	schema_render_args(&out, &ev, tc->thread ? &r : NULL);
	if (tc->have_expect && strcmp(sbuf_str(&out), tc->expect) != 0) {
		print_error("%s (line %d):\n  want: %s\n  got:  %s\n",
		    tc->label, tc->line, tc->expect, sbuf_str(&out));
		bad++;
	}
	for (i = 0; i < tc->narg; i++) {
		int idx = schema_param_index((uint16_t)tc->type,
		    tc->argname[i]);

		sbuf_reset(&out);
		if (idx < 0) {
			print_error("%s: no parameter %s\n", tc->label,
			    tc->argname[i]);
			bad++;
			continue;
		}
		schema_render_arg(&out, &ev, (unsigned)idx,
		    tc->thread ? &r : NULL);
		if (strcmp(sbuf_str(&out), tc->argval[i]) != 0) {
			print_error("%s: evt.arg.%s: want \"%s\" got \"%s\"\n",
			    tc->label, tc->argname[i], tc->argval[i],
			    sbuf_str(&out));
			bad++;
		}
	}
	sbuf_free(&out);
	return bad;
}

int
run_render_cases(const char *path, int *ncases)
{
	FILE *fp;
	char line[8192];
	struct tcase *tc = NULL;
	int lineno = 0, bad = 0;

	*ncases = 0;
	if ((fp = fopen(path, "r")) == NULL) {
		print_error("%s: %s\n", path, strerror(errno));
		return 1;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		char *rest, *nl;

		lineno++;
		if ((nl = strchr(line, '\n')) != NULL)
			*nl = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if ((rest = strchr(line, ' ')) != NULL)
			*rest++ = '\0';
		else
			rest = line + strlen(line);
		if (strcmp(line, "case") == 0) {
			if (tc != NULL)
				goto syntax;
			tc = calloc(1, sizeof(*tc));
			if (tc == NULL)
				abort();
			tc->type = -1;
			tc->line = lineno;
			snprintf(tc->label, sizeof(tc->label), "%s", rest);
			continue;
		}
		if (tc == NULL)
			goto syntax;
		if (strcmp(line, "end") == 0) {
			if (tc->type < 0)
				goto syntax;
			bad += run_case(tc);
			(*ncases)++;
			free(tc);
			tc = NULL;
		} else if (strcmp(line, "event") == 0) {
			if ((tc->type = find_type(rest)) < 0)
				goto syntax;
			evb_init(&tc->b, (uint16_t)tc->type);
		} else if (strcmp(line, "expect") == 0) {
			snprintf(tc->expect, sizeof(tc->expect), "%s", rest);
			tc->have_expect = 1;
		} else if (strcmp(line, "arg") == 0) {
			char *v = strchr(rest, ' ');

			if (v == NULL || tc->narg >= 8)
				goto syntax;
			*v++ = '\0';
			snprintf(tc->argname[tc->narg], 32, "%s", rest);
			snprintf(tc->argval[tc->narg++], 256, "%s", v);
		} else if (strcmp(line, "thread") == 0 ||
		    strcmp(line, "fd") == 0 || strcmp(line, "comm") == 0 ||
		    strcmp(line, "user") == 0 || strcmp(line, "group") == 0 ||
		    strcmp(line, "cwd") == 0) {
			if (state_line(tc, line, rest) != 0)
				goto syntax;
		} else if (tc->type < 0 || param_line(tc, line, rest) != 0)
			goto syntax;
	}
	fclose(fp);
	if (tc != NULL) {
		print_error("%s: case at line %d has no end\n", path, tc->line);
		free(tc);
		return bad + 1;
	}
	return bad;
syntax:
	print_error("%s:%d: cannot read this line\n", path, lineno);
	free(tc);
	fclose(fp);
	return bad + 1;
}
