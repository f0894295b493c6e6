/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests of the .scap reader, converter and writer:
 *   - every capture of testdata reads to its end with the per-type event
 *     counts pinned in event_counts.txt;
 *   - the reference-driver capture decodes to the values its .txt shows;
 *   - write -> read gives back the same events and metadata;
 *   - truncated, corrupted and hostile inputs give an error naming the
 *     offset and block, never a crash;
 *   - the conversion table agrees with the schema.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <cmocka.h>

#include "scapfile/scapfile.h"
#include "scapfile/scapfile_int.h"
#include "schema/schema.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"

static const char *captures[] = {
	"captures/curl_google.scap",
	"captures/curl_google_comments.scap",
	"captures/single_ipv6_conn.scap",
	"captures/test_ipv6_client.scap",
	"falco-0.34.1/trace_files/cat_write.scap",
	"falco-0.34.1/trace_files/connect_localhost.scap",
	"falco-0.34.1/trace_files/empty.scap",
	"falco-0.34.1/trace_files/open-multiple-files.scap",
	"falco-0.34.1/trace_files/ping_sendto.scap",
	"falco-0.34.1/trace_files/syscall.scap",
	"reference-driver/workload-6.1-modern-ebpf.scap",
};
#define NCAPTURES (sizeof(captures) / sizeof(captures[0]))
#define REFERENCE "reference-driver/workload-6.1-modern-ebpf"

static char *
data_path(const char *rel)
{
	const char *td = getenv("FALCO_TESTDATA");
	char *p;

	if (td == NULL)
		td = "../shared/testdata";
	xasprintf(&p, "%s/%s", td, rel);
	return p;
}

static char *
src_path(const char *rel)
{
	const char *src = getenv("FALCO_SRC");
	char *p;

	xasprintf(&p, "%s/%s", src != NULL ? src : ".", rel);
	return p;
}

/* The whole decompressed content of a capture. */
static uint8_t *
load_plain(const char *rel, size_t *lenp)
{
	char *path = data_path(rel);
	gzFile gz = gzopen(path, "rb");
	size_t cap = 1 << 16, len = 0;
	uint8_t *buf = xmalloc(cap);
	int n;

	assert_non_null(gz);
	while ((n = gzread(gz, buf + len, (unsigned)(cap - len))) > 0) {
		len += (size_t)n;
		if (len == cap) {
			cap *= 2;
			buf = xreallocarray(buf, cap, 1);
		}
	}
	assert_int_equal(n, 0);
	gzclose(gz);
	free(path);
	*lenp = len;
	return buf;
}

/* Read every event; returns the count, or -1 on error. */
static int64_t
drain(struct scap_reader *r)
{
	struct fevt ev;
	int64_t n = 0;
	int rc;

	while ((rc = scap_reader_next(r, &ev, NULL)) == 1)
		n++;
	return rc == 0 ? n : -1;
}

/* --- pinned counts ------------------------------------------------------ */

static void
test_pinned_counts(void **state)
{
	char *path = src_path("tests/scapfile/event_counts.txt");
	FILE *f = fopen(path, "r");
	char line[512], cur[256] = "", err[512];
	uint64_t *counts = xcalloc(FE_MAX, sizeof(*counts));
	uint64_t total = 0;
	unsigned checked = 0, captures_seen = 0;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		char cap[256], sym[128];
		unsigned long long want;
		unsigned i;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		assert_int_equal(sscanf(line, "%255s %127s %llu", cap, sym,
		    &want), 3);
		if (strcmp(cap, cur) != 0) {
			char *p = data_path(cap);
			struct scap_reader *r;
			struct fevt ev;
			int rc;

			r = scap_reader_open(p, err, sizeof(err));
			if (r == NULL)
				fail_msg("%s", err);
			memset(counts, 0, FE_MAX * sizeof(*counts));
			total = 0;
			while ((rc = scap_reader_next(r, &ev, NULL)) == 1) {
				counts[ev.hdr->type]++;
				total++;
			}
			if (rc != 0)
				fail_msg("%s: %s", cap, scap_reader_error(r));
			scap_reader_close(r);
			free(p);
			snprintf(cur, sizeof(cur), "%s", cap);
			captures_seen++;
		}
		if (strcmp(sym, "total") == 0) {
			if (total != want)
				fail_msg("%s: %llu events, want %llu", cap,
				    (unsigned long long)total, want);
			checked++;
			continue;
		}
		for (i = 0; i < FE_MAX; i++)
			if (strcmp(schema_event((uint16_t)i)->sym, sym) == 0)
				break;
		if (i == FE_MAX)
			fail_msg("%s: unknown symbol %s", cap, sym);
		if (counts[i] != want)
			fail_msg("%s: %s: %llu events, want %llu", cap, sym,
			    (unsigned long long)counts[i], want);
		checked++;
	}
	fclose(f);
	free(path);
	free(counts);
	assert_int_equal(captures_seen, NCAPTURES);
	assert_true(checked > 100);
}

/* Every capture ends exactly at a block end: nothing is left over. */
static void
test_read_to_last_byte(void **state)
{
	size_t i;

	for (i = 0; i < NCAPTURES; i++) {
		size_t len;
		uint8_t *buf = load_plain(captures[i], &len);
		char err[512];
		struct scap_reader *r;

		r = scap_reader_open_mem(buf, len, err, sizeof(err));
		if (r == NULL)
			fail_msg("%s: %s", captures[i], err);
		assert_true(drain(r) > 0);
		assert_int_equal(scap_reader_offset(r), len);
		assert_true(scap_reader_stats(r)->blocks > 1);
		scap_reader_close(r);
		free(buf);
	}
}

/* --- the reference capture against the inspector's text ---------------- */

/*
 * Compare our rendering of one event with one line of the inspector's
 * output:
 *   NUM TIME cat=C proc=NAME(PID.TID) [ppid=N exe=E args=[CMD] ]TYPE ARGS
 * followed, for some events, by " fd.name".  The inspector resolves fds
 * pids, uids, gids and relative paths through its state (fd=3(<f>/etc/
 * hostname), tid=127(cat), uid=0(root), name=passwd(/etc/passwd),
 * memfd:m(/root/memfd:m)); we
 * print what the event holds, so the parenthesis after such a value is
 * skipped.  Returns NULL
 * when they agree, else a description of the first difference.
 */
static const char *
compare_line(const struct fevt *ev, uint64_t num, const char *line,
    struct sbuf *val, char *why, size_t whylen)
{
	const struct schema_event *se = schema_event(ev->hdr->type);
	char head[64];
	const char *p;
	unsigned i;

	snprintf(head, sizeof(head), "%llu ", (unsigned long long)num);
	if (strncmp(line, head, strlen(head)) != 0)
		return "event number";
	if ((p = strstr(line, " proc=")) == NULL)
		return "no proc=";
	p = strchr(p + 1, ' ');
	if (p == NULL)
		return "truncated line";
	p++;
	if (strncmp(p, "ppid=", 5) == 0) {
		if ((p = strstr(p, " args=[")) == NULL ||
		    (p = strstr(p, "] ")) == NULL)
			return "cannot skip ppid/exe/args";
		p += 2;
	}
	if (strncmp(p, se->name, strlen(se->name)) != 0 ||
	    (p[strlen(se->name)] != ' ' && p[strlen(se->name)] != '\0' &&
	    p[strlen(se->name)] != '\n'))
		return "event type";
	p += strlen(se->name);
	for (i = 0; i < ev->nparams && i < se->nparams; i++) {
		uint8_t pt = se->params[i].type;

		if (*p++ != ' ')
			return "separator";
		if (strncmp(p, se->params[i].name,
		    strlen(se->params[i].name)) != 0 ||
		    p[strlen(se->params[i].name)] != '=') {
			snprintf(why, whylen, "parameter %u name %s", i,
			    se->params[i].name);
			return why;
		}
		p += strlen(se->params[i].name) + 1;
		sbuf_reset(val);
		schema_render_param(val, ev, i);
		/* User and group names come from the thread's view of
		   the system: compare the ids only. */
		if ((pt == PT_UID || pt == PT_GID) &&
		    strchr(sbuf_str(val), '(') != NULL)
			val->len = (size_t)(strchr(sbuf_str(val), '(') -
			    sbuf_str(val));
		if (strncmp(p, sbuf_str(val), val->len) != 0) {
			snprintf(why, whylen, "parameter %s: ours '%s', "
			    "theirs '%.*s'", se->params[i].name,
			    sbuf_str(val), (int)val->len + 8, p);
			return why;
		}
		p += val->len;
		if ((pt == PT_FD || pt == PT_PID || pt == PT_FD32 ||
		    pt == PT_PID32 || pt == PT_UID || pt == PT_GID ||
		    pt == PT_FSRELPATH || pt == PT_FSPATH) && *p == '(') {
			int depth = 0;

			do {
				if (*p == '(')
					depth++;
				else if (*p == ')')
					depth--;
				else if (*p == '\0')
					return "unbalanced parenthesis";
				p++;
			} while (depth > 0);
		}
	}
	/* Left over: nothing, or the trailing fd.name. */
	if (*p != '\0' && *p != '\n' && *p != ' ')
		return "trailing text";
	return NULL;
}

static void
test_reference_text(void **state)
{
	char *scap = data_path(REFERENCE ".scap");
	char *txt = data_path(REFERENCE ".txt");
	char err[512], why[512];
	struct scap_reader *r;
	struct sbuf val = SBUF_INIT;
	struct fevt ev;
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	uint64_t num = 0, want;
	unsigned compared = 0, bad = 0;

	r = scap_reader_open(scap, err, sizeof(err));
	if (r == NULL)
		fail_msg("%s", err);
	f = fopen(txt, "r");
	assert_non_null(f);
	while (getline(&line, &cap, f) > 0) {
		const char *d;

		want = strtoull(line, NULL, 10);
		while (num < want) {
			assert_int_equal(scap_reader_next(r, &ev, NULL), 1);
			num++;
		}
		d = compare_line(&ev, num, line, &val, why, sizeof(why));
		if (d != NULL) {
			if (bad < 10)
				print_message("event %llu: %s\n  %s",
				    (unsigned long long)num, d, line);
			bad++;
		}
		compared++;
	}
	assert_int_equal(drain(r), 0);
	fclose(f);
	free(line);
	sbuf_free(&val);
	scap_reader_close(r);
	free(scap);
	free(txt);
	assert_int_equal(compared, 358);
	assert_int_equal(bad, 0);
}

/* --- round trip --------------------------------------------------------- */

struct copy {
	uint8_t		*recs;		/* cpu (u16), flags (u32), record */
	size_t		 len, cap;
	size_t		 nevents;
};

static void
copy_events(struct scap_reader *r, struct copy *c)
{
	struct fevt ev;
	uint32_t fl;
	int rc;

	memset(c, 0, sizeof(*c));
	while ((rc = scap_reader_next(r, &ev, &fl)) == 1) {
		size_t need = 6 + ev.hdr->len;

		if (c->cap - c->len < need) {
			c->cap = (c->cap + need) * 2;
			c->recs = xreallocarray(c->recs, c->cap, 1);
		}
		memcpy(c->recs + c->len, &ev.cpu, 2);
		memcpy(c->recs + c->len + 2, &fl, 4);
		memcpy(c->recs + c->len + 6, ev.hdr, ev.hdr->len);
		c->len += need;
		c->nevents++;
	}
	assert_int_equal(rc, 0);
}

static void
assert_same_str(const char *a, const char *b)
{
	assert_non_null(a);
	assert_non_null(b);
	assert_string_equal(a, b);
}

static void
assert_same_threads(const struct scap_reader *a, const struct scap_reader *b)
{
	const struct scap_thread *x, *y;
	size_t n, m, i, j;

	x = scap_reader_threads(a, &n);
	y = scap_reader_threads(b, &m);
	assert_int_equal(n, m);
	for (i = 0; i < n; i++) {
		const struct scap_thread *s = &x[i], *t = &y[i];

#define SAME(f) assert_int_equal(s->f, t->f)
		SAME(tid); SAME(pid); SAME(ptid); SAME(sid); SAME(vpgid);
		SAME(fdlimit); SAME(flags); SAME(uid); SAME(gid);
		SAME(vmsize_kb); SAME(vmrss_kb); SAME(vmswap_kb);
		SAME(pfmajor); SAME(pfminor); SAME(vtid); SAME(vpid);
		SAME(pidns_init_start_ts); SAME(tty); SAME(loginuid);
		SAME(exe_writable); SAME(exe_upper_layer);
		SAME(exe_from_memfd); SAME(exe_lower_layer);
		SAME(cap_inheritable); SAME(cap_permitted);
		SAME(cap_effective); SAME(exe_ino); SAME(exe_ino_ctime);
		SAME(exe_ino_mtime); SAME(pgid);
		SAME(args_len); SAME(env_len); SAME(cgroups_len);
#undef SAME
		assert_same_str(s->comm, t->comm);
		assert_same_str(s->exe, t->exe);
		assert_same_str(s->exepath, t->exepath);
		assert_same_str(s->cwd, t->cwd);
		assert_same_str(s->root, t->root);
		assert_memory_equal(s->args, t->args, s->args_len);
		assert_memory_equal(s->env, t->env, s->env_len);
		assert_memory_equal(s->cgroups, t->cgroups, s->cgroups_len);
		assert_int_equal(s->fdl == NULL, t->fdl == NULL);
		if (s->fdl == NULL)
			continue;
		assert_int_equal(s->fdl->nfds, t->fdl->nfds);
		for (j = 0; j < s->fdl->nfds; j++) {
			const struct scap_fd *f = &s->fdl->fds[j];
			const struct scap_fd *g = &t->fdl->fds[j];

			assert_int_equal(f->fd, g->fd);
			assert_int_equal(f->ino, g->ino);
			assert_int_equal(f->type, g->type);
			assert_int_equal(f->l4proto, g->l4proto);
			assert_int_equal(f->sport, g->sport);
			assert_int_equal(f->dport, g->dport);
			assert_memory_equal(f->sip, g->sip, 16);
			assert_memory_equal(f->dip, g->dip, 16);
			assert_int_equal(f->unix_src, g->unix_src);
			assert_int_equal(f->unix_dst, g->unix_dst);
			assert_int_equal(f->open_flags, g->open_flags);
			/* v1 lists have no dev; v2 writes 0 for it. */
			assert_int_equal(f->dev, g->dev);
			assert_same_str(f->name, g->name);
		}
	}
}

static void
assert_same_meta(const struct scap_reader *a, const struct scap_reader *b)
{
	const struct scap_machine *ma = scap_reader_machine(a);
	const struct scap_machine *mb = scap_reader_machine(b);
	const struct scap_iface *ia, *ib;
	const struct scap_user *ua, *ub;
	const struct scap_group *ga, *gb;
	size_t n, m, i;

	assert_int_equal(ma == NULL, mb == NULL);
	if (ma != NULL) {
		assert_int_equal(ma->num_cpus, mb->num_cpus);
		assert_int_equal(ma->memory_bytes, mb->memory_bytes);
		assert_int_equal(ma->max_pid, mb->max_pid);
		assert_string_equal(ma->hostname, mb->hostname);
		assert_int_equal(ma->boot_ts, mb->boot_ts);
		assert_int_equal(ma->flags, mb->flags);
	}
	ia = scap_reader_ifaces(a, &n);
	ib = scap_reader_ifaces(b, &m);
	assert_int_equal(n, m);
	for (i = 0; i < n; i++) {
		assert_int_equal(ia[i].type, ib[i].type);
		assert_memory_equal(ia[i].addr, ib[i].addr, 16);
		assert_memory_equal(ia[i].netmask, ib[i].netmask, 16);
		assert_memory_equal(ia[i].bcast, ib[i].bcast, 16);
		assert_int_equal(ia[i].linkspeed, ib[i].linkspeed);
		assert_string_equal(ia[i].name, ib[i].name);
	}
	ua = scap_reader_users(a, &n);
	ub = scap_reader_users(b, &m);
	assert_int_equal(n, m);
	for (i = 0; i < n; i++) {
		assert_int_equal(ua[i].uid, ub[i].uid);
		assert_int_equal(ua[i].gid, ub[i].gid);
		assert_string_equal(ua[i].name, ub[i].name);
		assert_string_equal(ua[i].homedir, ub[i].homedir);
		assert_string_equal(ua[i].shell, ub[i].shell);
	}
	ga = scap_reader_groups(a, &n);
	gb = scap_reader_groups(b, &m);
	assert_int_equal(n, m);
	for (i = 0; i < n; i++) {
		assert_int_equal(ga[i].gid, gb[i].gid);
		assert_string_equal(ga[i].name, gb[i].name);
	}
	assert_same_threads(a, b);
}

/* Write what a capture holds, read it back, compare. */
static void
roundtrip(const char *rel, int gzip)
{
	char *in = data_path(rel);
	char out[] = "/tmp/test_scapfile.XXXXXX";
	char err[512];
	struct scap_reader *a, *b;
	struct scap_writer *w;
	struct copy ca, cb;
	const struct scap_thread *t;
	const struct scap_iface *ifs;
	const struct scap_user *us;
	const struct scap_group *gs;
	size_t n, ng, off;
	int fd;

	a = scap_reader_open(in, err, sizeof(err));
	if (a == NULL)
		fail_msg("%s", err);
	copy_events(a, &ca);
	fd = mkstemp(out);
	assert_true(fd != -1);
	close(fd);
	w = scap_writer_open(out, gzip, err, sizeof(err));
	assert_non_null(w);
	if (scap_reader_machine(a) != NULL)
		assert_int_equal(scap_writer_machine(w,
		    scap_reader_machine(a)), 0);
	ifs = scap_reader_ifaces(a, &n);
	assert_int_equal(scap_writer_ifaces(w, ifs, n), 0);
	us = scap_reader_users(a, &n);
	gs = scap_reader_groups(a, &ng);
	assert_int_equal(scap_writer_users(w, us, n, gs, ng), 0);
	t = scap_reader_threads(a, &n);
	assert_int_equal(scap_writer_threads(w, t, n), 0);
	for (off = 0; off < ca.len;) {
		uint16_t cpu;
		uint32_t fl;
		const struct fevt_hdr *h;

		memcpy(&cpu, ca.recs + off, 2);
		memcpy(&fl, ca.recs + off + 2, 4);
		h = (const struct fevt_hdr *)(ca.recs + off + 6);
		assert_int_equal(scap_writer_event(w, h, cpu, fl), 0);
		off += 6 + h->len;
	}
	/* Metadata after events is refused. */
	assert_int_equal(scap_writer_ifaces(w, ifs, 0), -1);
	assert_non_null(strstr(scap_writer_error(w), "after the first"));
	assert_int_equal(scap_writer_close(w, err, sizeof(err)), -1);

	/* Again, without the refused call, the metadata in one call. */
	w = scap_writer_open(out, gzip, err, sizeof(err));
	assert_non_null(w);
	assert_int_equal(scap_writer_meta_from(w, a), 0);
	for (off = 0; off < ca.len;) {
		uint16_t cpu;
		uint32_t fl;
		const struct fevt_hdr *h;

		memcpy(&cpu, ca.recs + off, 2);
		memcpy(&fl, ca.recs + off + 2, 4);
		h = (const struct fevt_hdr *)(ca.recs + off + 6);
		scap_writer_event(w, h, cpu, fl);
		off += 6 + h->len;
	}
	if (scap_writer_close(w, err, sizeof(err)) != 0)
		fail_msg("%s", err);

	b = scap_reader_open(out, err, sizeof(err));
	if (b == NULL)
		fail_msg("%s", err);
	assert_int_equal(scap_reader_info(b)->compressed, gzip);
	assert_int_equal(scap_reader_info(b)->minor, 2);
	copy_events(b, &cb);
	assert_int_equal(ca.nevents, cb.nevents);
	assert_int_equal(ca.len, cb.len);
	assert_memory_equal(ca.recs, cb.recs, ca.len);
	assert_same_meta(a, b);
	/* Nothing was converted the second time. */
	assert_int_equal(scap_reader_stats(b)->converted, 0);
	assert_int_equal(scap_reader_stats(b)->dropped, 0);
	scap_reader_close(a);
	scap_reader_close(b);
	unlink(out);
	free(ca.recs);
	free(cb.recs);
	free(in);
}

static void
test_roundtrip(void **state)
{
	size_t i;

	for (i = 0; i < NCAPTURES; i++)
		roundtrip(captures[i], (int)(i & 1));
}

/* Events too big for a normal block go into the large block types. */
static void
test_large_event(void **state)
{
	char out[] = "/tmp/test_scapfile.XXXXXX";
	char err[512];
	struct scap_writer *w;
	struct scap_reader *r;
	struct fevt ev;
	const struct schema_event *se = NULL;
	uint8_t *rec;
	struct fevt_hdr h;
	uint16_t id, l16;
	uint32_t dlen, fl = 0, btype;
	FILE *f;
	int fd;

	/* write_x: res, data, fd, size.  With 64 KiB - 1 of data the
	   record no longer fits a normal block. */
	for (id = 0; id < FE_MAX; id++) {
		se = schema_event(id);
		if (strcmp(se->sym, "SYSCALL_WRITE_X") == 0)
			break;
	}
	assert_true(id < FE_MAX);
	assert_int_equal(se->nparams, 4);
	dlen = UINT16_MAX;
	h.ts = 1;
	h.tid = 42;
	h.type = id;
	h.nparams = 4;
	h.len = FEVT_HDR_LEN + 4 * 2 + 8 + dlen + 8 + 8;
	rec = xcalloc(1, h.len);
	memcpy(rec, &h, FEVT_HDR_LEN);
	l16 = 8;
	memcpy(rec + FEVT_HDR_LEN, &l16, 2);
	l16 = (uint16_t)dlen;
	memcpy(rec + FEVT_HDR_LEN + 2, &l16, 2);
	l16 = 8;
	memcpy(rec + FEVT_HDR_LEN + 4, &l16, 2);
	memcpy(rec + FEVT_HDR_LEN + 6, &l16, 2);
	memset(rec + FEVT_HDR_LEN + 16, 'x', dlen);
	fd = mkstemp(out);
	close(fd);
	w = scap_writer_open(out, 0, err, sizeof(err));
	assert_int_equal(scap_writer_event(w, (struct fevt_hdr *)rec, 3, 7),
	    0);
	assert_int_equal(scap_writer_close(w, err, sizeof(err)), 0);
	f = fopen(out, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 28, SEEK_SET), 0);
	assert_int_equal(fread(&btype, 4, 1, f), 1);
	fclose(f);
	assert_int_equal(btype, SCAP_EVF_V2_LARGE);
	r = scap_reader_open(out, err, sizeof(err));
	if (r == NULL)
		fail_msg("%s", err);
	assert_int_equal(scap_reader_next(r, &ev, &fl), 1);
	assert_int_equal(fl, 7);
	assert_int_equal(ev.cpu, 3);
	assert_int_equal(ev.plen[1], dlen);
	assert_memory_equal(ev.hdr, rec, h.len);
	assert_int_equal(scap_reader_next(r, &ev, &fl), 0);
	scap_reader_close(r);
	unlink(out);
	free(rec);
}

/* --- hostile input ------------------------------------------------------ */

static const char *read_err(const uint8_t *buf, size_t len, char *err,
    size_t errlen);

/* Offsets at which blocks end, so that a cut there is a valid file. */
static int
is_block_end(const uint8_t *buf, size_t len, size_t cut)
{
	size_t off = 0;

	while (off + 8 <= len) {
		uint32_t bl;

		memcpy(&bl, buf + off + 4, 4);
		off += bl;
		if (off == cut)
			return 1;
		if (off > cut || bl == 0)
			return 0;
	}
	return 0;
}

static void
test_truncated(void **state)
{
	size_t len, cut;
	uint8_t *buf = load_plain(REFERENCE ".scap", &len);
	unsigned errors = 0, ok = 0;

	for (cut = 0; cut < len; cut += cut < 4096 ? 1 : 61) {
		char err[512];
		struct scap_reader *r;
		int64_t n;

		r = scap_reader_open_mem(buf, cut, err, sizeof(err));
		if (r == NULL) {
			assert_non_null(strstr(err, "offset "));
			assert_non_null(strstr(err, cut == 0 ? "empty file" :
			    "block"));
			errors++;
			continue;
		}
		n = drain(r);
		if (is_block_end(buf, len, cut)) {
			assert_true(n >= 0);
			ok++;
		} else {
			assert_int_equal(n, -1);
			assert_non_null(strstr(scap_reader_error(r),
			    "offset "));
			assert_non_null(strstr(scap_reader_error(r),
			    "block"));
			errors++;
		}
		scap_reader_close(r);
	}
	assert_true(errors > 4000);
	assert_true(ok > 0);
	free(buf);
}

/* The same through the gzip path: a cut compressed stream. */
static void
test_truncated_gzip(void **state)
{
	char *path = data_path(REFERENCE ".scap");
	FILE *f = fopen(path, "rb");
	uint8_t *buf = xmalloc(1 << 20);
	size_t len, cut;
	unsigned errors = 0;

	assert_non_null(f);
	len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	for (cut = 0; cut < len; cut += 37) {
		char err[512];
		struct scap_reader *r;

		r = scap_reader_open_mem(buf, cut, err, sizeof(err));
		if (r == NULL || drain(r) == -1)
			errors++;
		scap_reader_close(r);
	}
	assert_true(errors > len / 37 / 2);
	/* A corrupt deflate stream: found at the latest by the CRC. */
	for (cut = 100; cut < len - 8; cut += 997) {
		char err[512];

		buf[cut] ^= 0x5a;
		read_err(buf, len, err, sizeof(err));
		if (err[0] == '\0')
			fail_msg("corruption at %zu not detected", cut);
		assert_non_null(strstr(err, "offset "));
		buf[cut] ^= 0x5a;
	}
	free(buf);
	free(path);
}

static uint64_t rng = 0x2545F4914F6CDD1Dull;

static uint32_t
next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

/* Corrupted bytes: any outcome but a crash or a hang. */
static void
test_flipped_bytes(void **state)
{
	size_t i, c;

	for (c = 0; c < NCAPTURES; c++) {
		size_t len;
		uint8_t *orig = load_plain(captures[c], &len);
		uint8_t *buf = xmalloc(len);

		for (i = 0; i < 150; i++) {
			char err[512];
			struct scap_reader *r;
			unsigned k, nflip = 1 + next_rand() % 4;

			memcpy(buf, orig, len);
			for (k = 0; k < nflip; k++)
				buf[next_rand() % len] ^=
				    (uint8_t)(1u << (next_rand() % 8));
			r = scap_reader_open_mem(buf, len, err, sizeof(err));
			if (r == NULL) {
				assert_true(err[0] != '\0');
				continue;
			}
			if (drain(r) == -1)
				assert_true(scap_reader_error(r)[0] != '\0');
			scap_reader_close(r);
		}
		free(buf);
		free(orig);
	}
}

static void
test_swapped_magic(void **state)
{
	size_t len;
	uint8_t *buf = load_plain(REFERENCE ".scap", &len);
	uint32_t m = SCAP_SHB_MAGIC_SWAPPED;
	char err[512];

	memcpy(buf + 8, &m, 4);
	assert_null(scap_reader_open_mem(buf, len, err, sizeof(err)));
	assert_non_null(strstr(err, "byte-swapped"));
	assert_non_null(strstr(err, "offset 0: section header block"));
	m = 0x12345678;
	memcpy(buf + 8, &m, 4);
	assert_null(scap_reader_open_mem(buf, len, err, sizeof(err)));
	assert_non_null(strstr(err, "bad magic"));
	/* Not a capture at all. */
	assert_null(scap_reader_open_mem("hello world, not a capture", 26,
	    err, sizeof(err)));
	assert_non_null(strstr(err, "offset 0"));
	assert_null(scap_reader_open_mem("", 0, err, sizeof(err)));
	assert_non_null(strstr(err, "empty"));
	free(buf);
}

/* Read a whole buffer; the error message of open or of the events. */
static const char *
read_err(const uint8_t *buf, size_t len, char *err, size_t errlen)
{
	struct scap_reader *r = scap_reader_open_mem(buf, len, err, errlen);

	if (r == NULL)
		return err;
	if (drain(r) != -1)
		err[0] = '\0';
	else
		snprintf(err, errlen, "%s", scap_reader_error(r));
	scap_reader_close(r);
	return err;
}

/* Offset of the first block of type t (or of any event block). */
static size_t
find_block(const uint8_t *buf, size_t len, uint32_t t)
{
	size_t off = 0;

	while (off + 8 <= len) {
		uint32_t bt, bl;

		memcpy(&bt, buf + off, 4);
		memcpy(&bl, buf + off + 4, 4);
		if (bt == t)
			return off;
		off += bl;
	}
	fail_msg("no block 0x%x", t);
	return 0;
}

static void
test_huge_lengths(void **state)
{
	size_t len, off;
	uint8_t *buf = load_plain(REFERENCE ".scap", &len);
	uint8_t *gz;
	uLongf gzlen;
	uint32_t v;
	char err[512], want[128];
	z_stream zs;

	/* A metadata block claiming 4 GiB. */
	off = find_block(buf, len, SCAP_PL_V9);
	v = 0xFFFFFFF0u;
	memcpy(buf + off + 4, &v, 4);
	assert_null(scap_reader_open_mem(buf, len, err, sizeof(err)));
	snprintf(want, sizeof(want), "offset %zu: PL v9 block (0x215): "
	    "block length 4294967280 exceeds", off);
	assert_non_null(strstr(err, want));

	/* 256 MiB: under the limit, but the file ends first. */
	v = 256u << 20;
	memcpy(buf + off + 4, &v, 4);
	assert_null(scap_reader_open_mem(buf, len, err, sizeof(err)));
	assert_non_null(strstr(err, "file ends inside the block"));

	/* The same compressed: the window grows with the data only. */
	memset(&zs, 0, sizeof(zs));
	gzlen = compressBound(len) + 64;
	gz = xmalloc(gzlen);
	assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, 31, 8,
	    Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = buf;
	zs.avail_in = (uInt)len;
	zs.next_out = gz;
	zs.avail_out = (uInt)gzlen;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	gzlen = zs.total_out;
	deflateEnd(&zs);
	assert_null(scap_reader_open_mem(gz, gzlen, err, sizeof(err)));
	assert_non_null(strstr(err, "(uncompressed): PL v9 block"));
	assert_non_null(strstr(err, "file ends inside the block"));
	free(gz);

	/* An event block over the limit of its type. */
	v = 256u << 20;
	memcpy(&v, buf + off + 4, 4);
	free(buf);
	buf = load_plain(REFERENCE ".scap", &len);
	off = find_block(buf, len, SCAP_EV_V2);
	v = 1u << 20;
	memcpy(buf + off + 4, &v, 4);
	snprintf(want, sizeof(want), "offset %zu: EV block (0x216): block "
	    "length 1048576 exceeds", off);
	assert_non_null(strstr(read_err(buf, len, err, sizeof(err)), want));

	/* A trailer that disagrees with the header. */
	free(buf);
	buf = load_plain(REFERENCE ".scap", &len);
	memcpy(&v, buf + off + 4, 4);
	buf[off + v - 4] ^= 0x10;
	assert_non_null(strstr(read_err(buf, len, err, sizeof(err)),
	    "trailer length"));

	/* An event length beyond its block. */
	free(buf);
	buf = load_plain(REFERENCE ".scap", &len);
	v = 60000;
	memcpy(buf + off + 8 + 2 + 16, &v, 4);
	assert_non_null(strstr(read_err(buf, len, err, sizeof(err)),
	    "event length 60000"));

	/* A parameter count far beyond the record. */
	free(buf);
	buf = load_plain(REFERENCE ".scap", &len);
	v = 0x7FFFFFFF;
	memcpy(buf + off + 8 + 2 + 22, &v, 4);
	assert_non_null(strstr(read_err(buf, len, err, sizeof(err)),
	    "bad event: too many parameters"));

	/* A process list entry longer than its block. */
	free(buf);
	buf = load_plain(REFERENCE ".scap", &len);
	off = find_block(buf, len, SCAP_PL_V9);
	v = 1u << 30;
	memcpy(buf + off + 8, &v, 4);
	assert_null(scap_reader_open_mem(buf, len, err, sizeof(err)));
	assert_non_null(strstr(err, "PL v9 block (0x215): entry 0: length"));
	free(buf);
}

/* Unknown block types are skipped; event types beyond the schema too. */
static void
test_unknown_blocks(void **state)
{
	size_t len, off;
	uint8_t *buf = load_plain(REFERENCE ".scap", &len);
	uint8_t *big = xmalloc(len + 16);
	uint32_t v;
	uint16_t t;
	char err[512];
	struct scap_reader *r;

	/* Insert a 16-byte block of type 0x999 after the section header. */
	memcpy(&v, buf + 4, 4);
	memcpy(big, buf, v);
	{
		uint32_t blk[4] = { 0x999, 16, 0xdeadbeef, 16 };

		memcpy(big + v, blk, 16);
	}
	memcpy(big + v + 16, buf, 0);
	memcpy(big + v + 16, buf + v, len - v);
	r = scap_reader_open_mem(big, len + 16, err, sizeof(err));
	if (r == NULL)
		fail_msg("%s", err);
	assert_int_equal(drain(r), 435);
	scap_reader_close(r);

	/* The first event gets an unknown type: one event fewer. */
	off = find_block(buf, len, SCAP_EV_V2);
	t = FE_MAX + 5;
	memcpy(buf + off + 8 + 2 + 20, &t, 2);
	r = scap_reader_open_mem(buf, len, err, sizeof(err));
	assert_non_null(r);
	assert_true(drain(r) >= 433);
	assert_int_equal(scap_reader_stats(r)->unknown, 1);
	scap_reader_close(r);
	free(big);
	free(buf);
}

/* --- conversion --------------------------------------------------------- */

/* The table agrees with the schema's converter-managed flags, targets
   exist, and no line builds more parameters than the schema has. */
static void
test_conv_table(void **state)
{
	uint8_t *managed = xcalloc(FE_MAX, 1);
	size_t i;
	unsigned id;

	for (i = 0; i < scap_conv_nrules; i++) {
		const struct scap_conv_rule *r = &scap_conv_rules[i];
		const struct schema_event *se = schema_event(r->type);
		const char *s;
		unsigned n = 0;

		assert_non_null(se);
		managed[r->type] = 1;
		for (s = r->instrs; *s != '\0'; s++) {
			if (*s == 'O' || *s == 'E' || *s == '-' ||
			    *s == 'D' || *s == 'J')
				n++;
			if (s[0] == '.' && s[1] == '.') {
				/* O<a>..<b> */
				unsigned a, b;
				const char *q = s;

				while (q > r->instrs && q[-1] != 'O')
					q--;
				a = (unsigned)strtoul(q, NULL, 10);
				b = (unsigned)strtoul(s + 2, NULL, 10);
				assert_true(b > a);
				n += b - a;
				s++;
			}
		}
		if (r->action == CV_RETYPE) {
			const struct schema_event *to = schema_event(r->to);

			assert_non_null(to);
			assert_true(n <= to->nparams);
			assert_int_equal(schema_is_enter(r->type),
			    schema_is_enter(r->to));
		} else if (r->action == CV_ADD)
			assert_true(r->nparams + n <= se->nparams);
		else
			assert_int_equal(n, 0);
	}
	for (id = 0; id < FE_MAX; id++) {
		const struct schema_event *se = schema_event((uint16_t)id);

		if (((se->flags & EF_CONVERTER_MANAGED) != 0) !=
		    (managed[id] != 0))
			fail_msg("%s: flag and table disagree", se->sym);
	}
	free(managed);
}

/* A v1 event block (no nparams) gets its count from the lengths; an old
   read enter/exit pair becomes one exit event with four parameters. */
static void
test_v1_conversion(void **state)
{
	uint8_t file[512];
	size_t len = 0;
	uint32_t v;
	uint16_t s16;
	uint64_t v64;
	char err[512];
	struct scap_reader *r;
	struct fevt ev;
	unsigned read_e = 0, read_x = 0;

	for (s16 = 0; s16 < FE_MAX; s16++) {
		const char *sym = schema_event(s16)->sym;

		if (strcmp(sym, "SYSCALL_READ_E") == 0)
			read_e = s16;
		if (strcmp(sym, "SYSCALL_READ_X") == 0)
			read_x = s16;
	}
	assert_int_equal(read_x, read_e + 1);
#define PUT(p, n) do { memcpy(file + len, (p), (n)); len += (n); } while (0)
	/* Section header, format 1.0. */
	v = SCAP_SHB; PUT(&v, 4);
	v = 28; PUT(&v, 4);
	v = SCAP_SHB_MAGIC; PUT(&v, 4);
	s16 = 1; PUT(&s16, 2);
	s16 = 0; PUT(&s16, 2);
	v64 = UINT64_MAX; PUT(&v64, 8);
	v = 28; PUT(&v, 4);
	/* read enter: fd (8), size (4): 22 + 2*2 + 12 = 38 bytes. */
	v = SCAP_EV; PUT(&v, 4);
	v = 8 + 2 + 38 + 4; PUT(&v, 4);
	s16 = 1; PUT(&s16, 2);
	v64 = 1000; PUT(&v64, 8);
	v64 = 77; PUT(&v64, 8);
	v = 38; PUT(&v, 4);
	s16 = (uint16_t)read_e; PUT(&s16, 2);
	s16 = 8; PUT(&s16, 2);
	s16 = 4; PUT(&s16, 2);
	v64 = 5; PUT(&v64, 8);
	v = 4096; PUT(&v, 4);
	v = 8 + 2 + 38 + 4; PUT(&v, 4);
	/* read exit: res (8), data "hi" (2): 22 + 4 + 10 = 36 bytes. */
	v = SCAP_EV; PUT(&v, 4);
	v = 8 + 2 + 36 + 2 + 4; PUT(&v, 4);
	s16 = 1; PUT(&s16, 2);
	v64 = 2000; PUT(&v64, 8);
	v64 = 77; PUT(&v64, 8);
	v = 36; PUT(&v, 4);
	s16 = (uint16_t)read_x; PUT(&s16, 2);
	s16 = 8; PUT(&s16, 2);
	s16 = 2; PUT(&s16, 2);
	v64 = 2; PUT(&v64, 8);
	PUT("hi", 2);
	memset(file + len, 0, 2); len += 2;	/* padding */
	v = 8 + 2 + 36 + 2 + 4; PUT(&v, 4);
#undef PUT
	r = scap_reader_open_mem(file, len, err, sizeof(err));
	if (r == NULL)
		fail_msg("%s", err);
	if (scap_reader_next(r, &ev, NULL) != 1)
		fail_msg("%s", scap_reader_error(r));
	assert_int_equal(ev.hdr->type, read_x);
	assert_int_equal(ev.hdr->ts, 2000);
	assert_int_equal(ev.cpu, 1);
	assert_int_equal(ev.nparams, 4);
	assert_int_equal(ev.plen[1], 2);
	assert_memory_equal(ev.param[1], "hi", 2);
	memcpy(&v64, ev.param[2], 8);
	assert_int_equal(v64, 5);	/* fd from the enter event */
	memcpy(&v, ev.param[3], 4);
	assert_int_equal(v, 4096);	/* size from the enter event */
	assert_int_equal(scap_reader_next(r, &ev, NULL), 0);
	assert_int_equal(scap_reader_stats(r)->dropped, 1);
	assert_int_equal(scap_reader_stats(r)->converted, 1);
	scap_reader_close(r);

	/* Raw: both records, as stored (nparams inferred: 2 and 2). */
	r = scap_reader_open_mem(file, len, err, sizeof(err));
	scap_reader_set_convert(r, 0);
	assert_int_equal(scap_reader_next(r, &ev, NULL), 1);
	assert_int_equal(ev.hdr->type, read_e);
	assert_int_equal(ev.nparams, 2);
	assert_int_equal(scap_reader_next(r, &ev, NULL), 1);
	assert_int_equal(ev.nparams, 2);
	assert_int_equal(scap_reader_next(r, &ev, NULL), 0);
	scap_reader_close(r);

	/* Exit without its enter: fd and size get default values. */
	r = scap_reader_open_mem(file, 28, err, sizeof(err));
	assert_non_null(r);
	scap_reader_close(r);
	memmove(file + 28, file + 28 + 52, len - 28 - 52);
	r = scap_reader_open_mem(file, len - 52, err, sizeof(err));
	if (r == NULL)
		fail_msg("%s", err);
	assert_int_equal(scap_reader_next(r, &ev, NULL), 1);
	assert_int_equal(ev.nparams, 4);
	assert_int_equal(ev.plen[2], 8);
	memcpy(&v64, ev.param[2], 8);
	assert_int_equal(v64, 0);
	assert_int_equal(scap_reader_next(r, &ev, NULL), 0);
	scap_reader_close(r);
}

/* --- layouts the test captures do not have ------------------------------ */

struct out {
	uint8_t		*p;
	size_t		 len, cap;
};

static void
o_put(struct out *o, const void *p, size_t n)
{
	if (o->cap - o->len < n) {
		o->cap = (o->cap + n) * 2;
		o->p = xreallocarray(o->p, o->cap, 1);
	}
	memcpy(o->p + o->len, p, n);
	o->len += n;
}

static void
o_u8(struct out *o, uint8_t v)
{
	o_put(o, &v, 1);
}

static void
o_u16(struct out *o, uint16_t v)
{
	o_put(o, &v, 2);
}

static void
o_u32(struct out *o, uint32_t v)
{
	o_put(o, &v, 4);
}

static void
o_u64(struct out *o, uint64_t v)
{
	o_put(o, &v, 8);
}


static void
o_str(struct out *o, const char *s)
{
	o_u16(o, (uint16_t)strlen(s));
	o_put(o, s, strlen(s));
}

static size_t
o_block(struct out *o, uint32_t type)
{
	size_t start = o->len;

	o_u32(o, type);
	o_u32(o, 0);
	return start;
}

static void
o_end(struct out *o, size_t start)
{
	uint32_t total;

	while ((o->len - start) % 4 != 0)
		o_u8(o, 0);
	total = (uint32_t)(o->len - start + 4);
	memcpy(o->p + start + 4, &total, 4);
	o_u32(o, total);
}

static void
o_shb(struct out *o, uint16_t minor)
{
	size_t b = o_block(o, SCAP_SHB);

	o_u32(o, SCAP_SHB_MAGIC);
	o_u16(o, 1);
	o_u16(o, minor);
	o_u64(o, UINT64_MAX);
	o_end(o, b);
}

/* A process list entry in the fixed layout of version v (1 to 8). */
static void
o_pl_entry(struct out *o, int v, uint64_t tid)
{
	o_u64(o, tid);
	o_u64(o, tid + 1);		/* pid */
	o_u64(o, tid + 2);		/* ptid */
	if (v >= 6)
		o_u64(o, tid + 3);	/* sid */
	if (v >= 8)
		o_u64(o, tid + 4);	/* vpgid */
	o_str(o, "comm");
	o_str(o, "/bin/exe");
	if (v >= 7)
		o_str(o, "/usr/bin/exe");
	o_u16(o, 6);
	o_put(o, "a\0b\0c\0", 6);	/* args */
	o_str(o, "/cwd");
	o_u64(o, 1024);			/* fdlimit */
	o_u32(o, 0x10);			/* flags */
	o_u32(o, 1000);			/* uid */
	o_u32(o, 1001);			/* gid */
	if (v >= 2) {
		o_u32(o, 11);		/* vmsize */
		o_u32(o, 12);		/* vmrss */
		o_u32(o, 13);		/* vmswap */
		o_u64(o, 14);		/* pfmajor */
		o_u64(o, 15);		/* pfminor */
	}
	if (v >= 3)
		o_str(o, "A=1");	/* env */
	if (v >= 4) {
		o_u64(o, 7);		/* vtid */
		o_u64(o, 8);		/* vpid */
		o_str(o, "cpu=/x");	/* cgroups */
	}
	if (v >= 5)
		o_str(o, "/root");
}

static void
check_pl_entry(const struct scap_thread *t, int v, uint64_t tid)
{
	assert_int_equal(t->tid, tid);
	assert_int_equal(t->pid, tid + 1);
	assert_int_equal(t->ptid, tid + 2);
	assert_int_equal(t->sid, v >= 6 ? tid + 3 : UINT64_MAX);
	assert_int_equal(t->vpgid, v >= 8 ? tid + 4 : UINT64_MAX);
	assert_string_equal(t->comm, "comm");
	assert_string_equal(t->exe, "/bin/exe");
	assert_string_equal(t->exepath, v >= 7 ? "/usr/bin/exe" : "");
	assert_int_equal(t->args_len, 6);
	assert_memory_equal(t->args, "a\0b\0c\0", 6);
	assert_string_equal(t->cwd, "/cwd");
	assert_int_equal(t->fdlimit, 1024);
	assert_int_equal(t->flags, 0x10);
	assert_int_equal(t->uid, 1000);
	assert_int_equal(t->gid, 1001);
	assert_int_equal(t->vmsize_kb, v >= 2 ? 11 : 0);
	assert_int_equal(t->vmswap_kb, v >= 2 ? 13 : 0);
	assert_int_equal(t->pfminor, v >= 2 ? 15 : 0);
	assert_string_equal(t->env, v >= 3 ? "A=1" : "");
	assert_int_equal(t->vtid, v >= 4 ? 7 : -1);
	assert_int_equal(t->vpid, v >= 4 ? 8 : -1);
	assert_string_equal(t->cgroups, v >= 4 ? "cpu=/x" : "");
	assert_string_equal(t->root, v >= 5 ? "/root" : "");
	assert_int_equal(t->loginuid, UINT32_MAX);
	assert_int_equal(t->pgid, -1);
}

static void
test_legacy_layouts(void **state)
{
	static const uint32_t pl_types[] = {
		SCAP_PL_V1, SCAP_PL_V2, SCAP_PL_V3, SCAP_PL_V4, SCAP_PL_V5,
		SCAP_PL_V6, SCAP_PL_V7, SCAP_PL_V8, SCAP_PL_V1_OLD,
		SCAP_PL_V2_OLD, SCAP_PL_V3_OLD,
	};
	static const int pl_vers[] = { 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3 };
	struct out o = { NULL, 0, 0 };
	const struct scap_thread *t;
	const struct scap_fdlist *fl;
	const struct scap_iface *ifs;
	const struct scap_user *us;
	const struct scap_group *gs;
	const struct scap_machine *m;
	struct scap_reader *r;
	struct fevt ev;
	char err[512];
	size_t b, n, i;
	uint32_t flags;
	uint16_t close_x = 0;
	uint8_t a6[16];

	for (i = 0; i < FE_MAX; i++)
		if (strcmp(schema_event((uint16_t)i)->sym,
		    "SYSCALL_CLOSE_X") == 0)
			close_x = (uint16_t)i;
	o_shb(&o, 0);
	/* Machine info under its pre-release id. */
	b = o_block(&o, SCAP_MI_OLD);
	o_u32(&o, 4);
	o_u64(&o, 1 << 30);
	o_u64(&o, 32768);
	{
		char host[128] = "oldhost";

		o_put(&o, host, sizeof(host));
	}
	o_u64(&o, 99);
	o_u64(&o, 0);
	o_u64(&o, 0);
	o_u64(&o, 0);
	o_end(&o, b);
	/* One block per process list version, two entries each. */
	for (i = 0; i < sizeof(pl_types) / sizeof(pl_types[0]); i++) {
		b = o_block(&o, pl_types[i]);
		o_pl_entry(&o, pl_vers[i], 100 * (i + 1));
		o_pl_entry(&o, pl_vers[i], 100 * (i + 1) + 50);
		o_end(&o, b);
	}
	/* v9 as written before libs 0.10: loginuid, exe_writable and
	   the capabilities right after root. */
	b = o_block(&o, SCAP_PL_V9);
	{
		size_t e = o.len;
		uint32_t elen;

		o_u32(&o, 0);
		o_u64(&o, 5000); o_u64(&o, 5000); o_u64(&o, 1);
		o_u64(&o, 2); o_u64(&o, 3);
		o_str(&o, "old"); o_str(&o, "old"); o_str(&o, "/old");
		o_str(&o, ""); o_str(&o, "/");
		o_u64(&o, 64); o_u32(&o, 0); o_u32(&o, 0); o_u32(&o, 0);
		o_u32(&o, 0); o_u32(&o, 0); o_u32(&o, 0);
		o_u64(&o, 0); o_u64(&o, 0);
		o_str(&o, ""); o_u64(&o, 5000); o_u64(&o, 5000);
		o_str(&o, ""); o_str(&o, "/");
		o_u32(&o, 4242);		/* loginuid */
		o_u8(&o, 1);			/* exe_writable */
		o_u64(&o, 0x1); o_u64(&o, 0x2); o_u64(&o, 0x3);
		elen = (uint32_t)(o.len - e);
		memcpy(o.p + e, &elen, 4);
	}
	o_end(&o, b);
	/* FD list v1, old id, one entry per layout. */
	b = o_block(&o, SCAP_FDL_OLD);
	o_u64(&o, 100);
	o_u64(&o, 3); o_u64(&o, 30); o_u8(&o, SCAP_FD_IPV4_SOCK);
	o_put(&o, "\x7f\0\0\x01", 4); o_put(&o, "\x0a\0\0\x02", 4);
	o_u16(&o, 40000); o_u16(&o, 80); o_u8(&o, 6);
	o_u64(&o, 4); o_u64(&o, 31); o_u8(&o, SCAP_FD_IPV6_SERVSOCK);
	memset(a6, 0, 16); a6[15] = 1;
	o_put(&o, a6, 16); o_u16(&o, 443); o_u8(&o, 6);
	o_u64(&o, 5); o_u64(&o, 32); o_u8(&o, SCAP_FD_UNIX_SOCK);
	o_u64(&o, 0xaa); o_u64(&o, 0xbb); o_str(&o, "/run/sock");
	o_u64(&o, 6); o_u64(&o, 33); o_u8(&o, SCAP_FD_FILE_V2);
	o_u32(&o, 0x8001); o_str(&o, "/etc/passwd");
	o_u64(&o, 7); o_u64(&o, 34); o_u8(&o, SCAP_FD_DIRECTORY);
	o_str(&o, "/tmp");
	o_end(&o, b);
	/* Interfaces v1 (old id) with and without link speed. */
	b = o_block(&o, SCAP_IL_OLD);
	o_u16(&o, 3); o_u16(&o, 2);
	o_put(&o, "\x7f\0\0\x01", 4); o_put(&o, "\xff\0\0\0", 4);
	o_put(&o, "\x7f\0\0\x01", 4); o_put(&o, "lo", 2);
	o_u16(&o, 2); o_u16(&o, 4);
	o_put(&o, a6, 16); o_put(&o, a6, 16); o_put(&o, a6, 16);
	o_u64(&o, 1000); o_put(&o, "eth0", 4);
	o_end(&o, b);
	/* Users v1 (old id). */
	b = o_block(&o, SCAP_UL_OLD);
	o_u8(&o, 0); o_u32(&o, 0); o_u32(&o, 0);
	o_str(&o, "root"); o_str(&o, "/root"); o_str(&o, "/bin/sh");
	o_u8(&o, 1); o_u32(&o, 5); o_str(&o, "tty");
	o_end(&o, b);
	/* An EVF v1 event and an EV event under its pre-release id. */
	b = o_block(&o, SCAP_EVF);
	o_u16(&o, 2); o_u32(&o, 0x55);
	o_u64(&o, 10); o_u64(&o, 100); o_u32(&o, 22 + 2 * 2 + 16);
	o_u16(&o, close_x); o_u16(&o, 8); o_u16(&o, 8);
	o_u64(&o, 0); o_u64(&o, 3);
	o_end(&o, b);
	b = o_block(&o, SCAP_EV_OLD);
	o_u16(&o, 1);
	o_u64(&o, 11); o_u64(&o, 100); o_u32(&o, 22 + 2 * 2 + 16);
	o_u16(&o, close_x); o_u16(&o, 8); o_u16(&o, 8);
	o_u64(&o, (uint64_t)-9); o_u64(&o, 4);
	o_end(&o, b);

	r = scap_reader_open_mem(o.p, o.len, err, sizeof(err));
	if (r == NULL)
		fail_msg("%s", err);
	m = scap_reader_machine(r);
	assert_non_null(m);
	assert_string_equal(m->hostname, "oldhost");
	assert_int_equal(m->num_cpus, 4);
	assert_int_equal(m->boot_ts, 99);
	t = scap_reader_threads(r, &n);
	assert_int_equal(n, 2 * 11 + 1);
	for (i = 0; i < 11; i++) {
		check_pl_entry(&t[2 * i], pl_vers[i], 100 * (i + 1));
		check_pl_entry(&t[2 * i + 1], pl_vers[i], 100 * (i + 1) + 50);
	}
	assert_int_equal(t[22].tid, 5000);
	assert_int_equal(t[22].loginuid, 4242);
	assert_int_equal(t[22].exe_writable, 1);
	assert_int_equal(t[22].cap_effective, 3);
	assert_int_equal(t[22].pidns_init_start_ts, 0);
	assert_int_equal(t[22].tty, 0);
	/* Thread 100 owns the fd list. */
	assert_non_null(t[0].fdl);
	assert_null(t[1].fdl);
	fl = scap_reader_fdlists(r, &n);
	assert_int_equal(n, 1);
	assert_int_equal(fl[0].nfds, 5);
	assert_memory_equal(fl[0].fds[0].sip, "\x7f\0\0\x01", 4);
	assert_memory_equal(fl[0].fds[0].dip, "\x0a\0\0\x02", 4);
	assert_int_equal(fl[0].fds[0].sport, 40000);
	assert_int_equal(fl[0].fds[0].dport, 80);
	assert_int_equal(fl[0].fds[0].l4proto, 6);
	assert_int_equal(fl[0].fds[1].sport, 443);
	assert_memory_equal(fl[0].fds[1].sip, a6, 16);
	assert_int_equal(fl[0].fds[2].unix_dst, 0xbb);
	assert_string_equal(fl[0].fds[2].name, "/run/sock");
	assert_int_equal(fl[0].fds[3].open_flags, 0x8001);
	assert_string_equal(fl[0].fds[3].name, "/etc/passwd");
	assert_string_equal(fl[0].fds[4].name, "/tmp");
	assert_int_equal(fl[0].fds[4].ino, 34);
	ifs = scap_reader_ifaces(r, &n);
	assert_int_equal(n, 2);
	assert_string_equal(ifs[0].name, "lo");
	assert_int_equal(ifs[0].linkspeed, 0);
	assert_string_equal(ifs[1].name, "eth0");
	assert_int_equal(ifs[1].linkspeed, 1000);
	us = scap_reader_users(r, &n);
	assert_int_equal(n, 1);
	assert_string_equal(us[0].shell, "/bin/sh");
	gs = scap_reader_groups(r, &n);
	assert_int_equal(n, 1);
	assert_string_equal(gs[0].name, "tty");
	assert_int_equal(scap_reader_next(r, &ev, &flags), 1);
	assert_int_equal(flags, 0x55);
	assert_int_equal(ev.cpu, 2);
	assert_int_equal(ev.hdr->type, close_x);
	assert_int_equal(ev.nparams, 2);
	assert_int_equal(scap_reader_next(r, &ev, &flags), 1);
	assert_int_equal(flags, 0);
	assert_int_equal(ev.hdr->ts, 11);
	assert_int_equal(scap_reader_next(r, &ev, &flags), 0);
	scap_reader_close(r);
	free(o.p);
}

/* Every fd type the writer knows comes back as written. */
static void
test_writer_fd_types(void **state)
{
	char out[] = "/tmp/test_scapfile.XXXXXX";
	char err[512];
	struct scap_fd fds[6];
	struct scap_fdlist l = { 42, 6, fds };
	struct scap_thread th;
	struct scap_iface ifs[2];
	struct scap_reader *r;
	struct scap_writer *w;
	const struct scap_thread *t;
	const struct scap_iface *ri;
	size_t n, i;
	int fd;

	memset(fds, 0, sizeof(fds));
	memset(&th, 0, sizeof(th));
	memset(ifs, 0, sizeof(ifs));
	for (i = 0; i < 6; i++) {
		fds[i].fd = i;
		fds[i].ino = 1000 + i;
		fds[i].name = "";
		fds[i].sip[3] = (uint8_t)i;
		fds[i].dip[15] = (uint8_t)(i + 1);
		fds[i].sport = (uint16_t)(10 + i);
		fds[i].dport = (uint16_t)(20 + i);
		fds[i].l4proto = 17;
	}
	fds[0].type = SCAP_FD_IPV4_SOCK;
	fds[1].type = SCAP_FD_IPV6_SOCK;
	fds[2].type = SCAP_FD_IPV4_SERVSOCK;
	fds[2].dport = 0;
	memset(fds[2].dip, 0, 16);
	fds[3].type = SCAP_FD_UNIX_SOCK;
	fds[3].unix_src = 1;
	fds[3].unix_dst = 2;
	fds[3].name = "@abstract";
	fds[4].type = SCAP_FD_FILE_V2;
	fds[4].open_flags = 0x241;
	fds[4].dev = 0x803;
	fds[4].name = "/var/log/x";
	fds[5].type = SCAP_FD_MEMFD;
	fds[5].name = "memfd:m";
	/* Clear what the layouts do not carry, so that the comparison
	   below is exact. */
	for (i = 0; i < 6; i++) {
		if (fds[i].type == SCAP_FD_UNIX_SOCK ||
		    fds[i].type == SCAP_FD_FILE_V2 ||
		    fds[i].type == SCAP_FD_MEMFD) {
			memset(fds[i].sip, 0, 16);
			memset(fds[i].dip, 0, 16);
			fds[i].sport = fds[i].dport = 0;
			fds[i].l4proto = 0;
		}
		if (fds[i].type == SCAP_FD_IPV4_SOCK ||
		    fds[i].type == SCAP_FD_IPV4_SERVSOCK) {
			memset(fds[i].sip + 4, 0, 12);
			memset(fds[i].dip + 4, 0, 12);
		}
	}
	th.tid = 42;
	th.comm = th.exe = th.exepath = th.cwd = th.root = "x";
	th.args = th.env = th.cgroups = "";
	th.fdl = &l;
	ifs[0].type = 1;
	ifs[0].name = "lo";
	ifs[0].linkspeed = 10;
	ifs[1].type = 4;
	ifs[1].name = "v6";
	ifs[1].addr[0] = 0xfe;
	fd = mkstemp(out);
	close(fd);
	w = scap_writer_open(out, 1, err, sizeof(err));
	assert_non_null(w);
	assert_int_equal(scap_writer_ifaces(w, ifs, 2), 0);
	assert_int_equal(scap_writer_threads(w, &th, 1), 0);
	assert_int_equal(scap_writer_close(w, err, sizeof(err)), 0);
	r = scap_reader_open(out, err, sizeof(err));
	if (r == NULL)
		fail_msg("%s", err);
	t = scap_reader_threads(r, &n);
	assert_int_equal(n, 1);
	assert_non_null(t[0].fdl);
	assert_int_equal(t[0].fdl->nfds, 6);
	for (i = 0; i < 6; i++) {
		const struct scap_fd *g = &t[0].fdl->fds[i];

		assert_int_equal(g->type, fds[i].type);
		assert_int_equal(g->fd, fds[i].fd);
		assert_int_equal(g->ino, fds[i].ino);
		assert_int_equal(g->l4proto, fds[i].l4proto);
		assert_int_equal(g->sport, fds[i].sport);
		assert_int_equal(g->dport, fds[i].dport);
		assert_memory_equal(g->sip, fds[i].sip, 16);
		assert_memory_equal(g->dip, fds[i].dip, 16);
		assert_int_equal(g->unix_src, fds[i].unix_src);
		assert_int_equal(g->unix_dst, fds[i].unix_dst);
		assert_int_equal(g->open_flags, fds[i].open_flags);
		assert_int_equal(g->dev, fds[i].dev);
		assert_string_equal(g->name, fds[i].name);
	}
	ri = scap_reader_ifaces(r, &n);
	assert_int_equal(n, 2);
	assert_int_equal(ri[0].linkspeed, 10);
	assert_int_equal(ri[1].type, 4);
	assert_int_equal(ri[1].addr[0], 0xfe);
	assert_string_equal(ri[1].name, "v6");
	{
		struct fevt ev;

		/* No events: a clean end. */
		assert_int_equal(scap_reader_next(r, &ev, NULL), 0);
	}
	scap_reader_close(r);
	unlink(out);
}

/* --- conversion cases (convert_cases.txt) ------------------------------- */

static uint16_t
sym_id(const char *sym)
{
	unsigned i;

	for (i = 0; i < FE_MAX; i++)
		if (strcmp(schema_event((uint16_t)i)->sym, sym) == 0)
			return (uint16_t)i;
	fail_msg("unknown event symbol %s", sym);
	return 0;
}

/*
 * Encode "SYMBOL PARAM..." as a record into o (with a cpu/EV block
 * around it when block is set).  Returns the number of parameters.
 */
static unsigned
encode_event(struct out *o, char *spec, int block, uint64_t ts)
{
	char *tok, *save = NULL;
	uint8_t vals[FEVT_MAX_PARAMS][256];
	uint32_t lens[FEVT_MAX_PARAMS];
	unsigned n = 0, i;
	uint16_t id;
	size_t b = 0;
	struct fevt_hdr h;

	tok = strtok_r(spec, " \t\n", &save);
	assert_non_null(tok);
	id = sym_id(tok);
	while ((tok = strtok_r(NULL, " \t\n", &save)) != NULL) {
		uint8_t *v = vals[n];
		unsigned long long u = 0;

		assert_true(n < FEVT_MAX_PARAMS);
		if (strcmp(tok, "-") == 0)
			lens[n] = 0;
		else if (strncmp(tok, "s:", 2) == 0) {
			lens[n] = (uint32_t)strlen(tok + 2) + 1;
			memcpy(v, tok + 2, lens[n]);
		} else if (strncmp(tok, "b:", 2) == 0) {
			lens[n] = (uint32_t)strlen(tok + 2);
			memcpy(v, tok + 2, lens[n]);
		} else if (strncmp(tok, "x:", 2) == 0) {
			lens[n] = (uint32_t)strlen(tok + 2) / 2;
			for (i = 0; i < lens[n]; i++) {
				unsigned byte;

				assert_int_equal(sscanf(tok + 2 + 2 * i, "%2x",
				    &byte), 1);
				v[i] = (uint8_t)byte;
			}
		} else {
			char *colon = strchr(tok, ':');

			assert_non_null(colon);
			u = strtoull(colon + 1, NULL, 0);
			if (tok[0] == 'i')
				u = (unsigned long long)strtoll(colon + 1, NULL,
				    0);
			lens[n] = (uint32_t)strtoul(tok + 1, NULL, 10) / 8;
			memcpy(v, &u, lens[n]);
		}
		n++;
	}
	if (block) {
		b = o_block(o, SCAP_EV_V2);
		o_u16(o, 0);
	}
	h.ts = ts;
	h.tid = 7;
	h.type = id;
	h.nparams = n;
	h.len = FEVT_HDR_LEN + 2 * n;
	for (i = 0; i < n; i++)
		h.len += lens[i];
	o_put(o, &h, FEVT_HDR_LEN);
	for (i = 0; i < n; i++)
		o_u16(o, (uint16_t)lens[i]);
	for (i = 0; i < n; i++)
		o_put(o, vals[i], lens[i]);
	if (block)
		o_end(o, b);
	return n;
}

static void
run_case(const char *name, struct out *in, struct out *want)
{
	struct scap_reader *r;
	struct fevt ev;
	char err[512];
	size_t off = 0;
	int rc;

	r = scap_reader_open_mem(in->p, in->len, err, sizeof(err));
	if (r == NULL)
		fail_msg("%s: %s", name, err);
	while ((rc = scap_reader_next(r, &ev, NULL)) == 1) {
		struct fevt_hdr h;

		if (off >= want->len)
			fail_msg("%s: unexpected event of type %s", name,
			    schema_event(ev.hdr->type)->sym);
		memcpy(&h, want->p + off, FEVT_HDR_LEN);
		if (h.type != ev.hdr->type)
			fail_msg("%s: got %s, want %s", name,
			    schema_event(ev.hdr->type)->sym,
			    schema_event(h.type)->sym);
		/* The timestamp is the only field not in the file. */
		if (h.len != ev.hdr->len || h.nparams != ev.hdr->nparams ||
		    memcmp(want->p + off + 16, (const uint8_t *)ev.hdr + 16,
		    h.len - 16) != 0)
			fail_msg("%s: %s differs (len %u/%u, nparams %u/%u)",
			    name, schema_event(h.type)->sym, ev.hdr->len,
			    h.len, ev.hdr->nparams, h.nparams);
		off += h.len;
	}
	if (rc != 0)
		fail_msg("%s: %s", name, scap_reader_error(r));
	if (off != want->len)
		fail_msg("%s: fewer events than expected", name);
	scap_reader_close(r);
}

static void
test_convert_cases(void **state)
{
	char *path = src_path("tests/scapfile/convert_cases.txt");
	FILE *f = fopen(path, "r");
	char line[1024], name[1024] = "";
	struct out in = { NULL, 0, 0 }, want = { NULL, 0, 0 };
	unsigned ncases = 0;
	uint64_t ts = 0;

	assert_non_null(f);
	for (;;) {
		char *got = fgets(line, sizeof(line), f);

		if (got == NULL || strncmp(line, "case ", 5) == 0) {
			if (name[0] != '\0') {
				run_case(name, &in, &want);
				ncases++;
			}
			if (got == NULL)
				break;
			snprintf(name, sizeof(name), "%s", line + 5);
			name[strcspn(name, "\n")] = '\0';
			in.len = want.len = 0;
			o_shb(&in, 0);
			continue;
		}
		if (strncmp(line, "in ", 3) == 0)
			encode_event(&in, line + 3, 1, ++ts);
		else if (strncmp(line, "out ", 4) == 0)
			encode_event(&want, line + 4, 0, 0);
		else
			assert_true(line[0] == '#' || line[0] == '\n');
	}
	fclose(f);
	free(path);
	free(in.p);
	free(want.p);
	assert_int_equal(ncases, 21);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pinned_counts),
		cmocka_unit_test(test_read_to_last_byte),
		cmocka_unit_test(test_reference_text),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_large_event),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_truncated_gzip),
		cmocka_unit_test(test_flipped_bytes),
		cmocka_unit_test(test_swapped_magic),
		cmocka_unit_test(test_huge_lengths),
		cmocka_unit_test(test_unknown_blocks),
		cmocka_unit_test(test_conv_table),
		cmocka_unit_test(test_v1_conversion),
		cmocka_unit_test(test_legacy_layouts),
		cmocka_unit_test(test_writer_fd_types),
		cmocka_unit_test(test_convert_cases),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
