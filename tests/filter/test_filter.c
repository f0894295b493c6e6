/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Condition language tests.  The syntax, boolean and compile cases come
 * from $FALCO_TESTDATA/extracted/libsinsp_filter_syntax_cases.yaml; cases
 * whose extraction is known to be wrong are listed, with the reason, in
 * tests/filter/known_bad_cases.txt and skipped by exact text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "filter/filter.h"
#include "rules/yaml.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"

/* ---- test fields: class "c" and "t" ------------------------------ */

static const struct field_info c_fields[] = {
	{ "c.true", FT_CHARBUF, FARG_NONE, 0, "always 1" },
	{ "c.false", FT_CHARBUF, FARG_NONE, 0, "always 0" },
	{ "c.singlequote", FT_CHARBUF, FARG_NONE, 0, "hello 'quoted'" },
	{ "c.doublequote", FT_CHARBUF, FARG_NONE, 0, "hello \"quoted\"" },
	{ "c.buffer", FT_BYTEBUF, FARG_NONE, 0, "bytes" },
};

/* Values the mock extractor returns for the real fields. */
struct mock {
	const char	*proc_name;	/* NULL: not available */
	const char	*anames[4];
	int64_t		 pid;
	const char	*fd_name;
	const char	*ip;		/* dotted quad */
	const char	*types[3];
	const char	*cmdline;
	const char	*evtype;	/* evt.type, evt.dir; NULL: not */
	const char	*evdir;		/* available */
};

static int
c_extract(void *ctx, const struct field_ref *ref, struct fvals *out)
{
	const char *s = NULL;

	out->n = 0;
	switch (ref->id) {
	case 0: s = "1"; break;
	case 1: s = "0"; break;
	case 2: s = "hello 'quoted'"; break;
	case 3: s = "hello \"quoted\""; break;
	case 4: s = "0\x30\x00zz"; break;
	}
	out->v[0].type = ref->info->type;
	out->v[0].v.s.p = s;
	out->v[0].v.s.len = ref->id == 4 ? 5 : strlen(s);
	out->n = 1;
	return 0;
}

static struct field_class c_class = {
	"c", "syscall", "test fields", c_fields,
	sizeof(c_fields) / sizeof(c_fields[0]), NULL
};

static void
put_str(struct fvals *out, const char *s)
{
	if (s == NULL)
		return;
	out->v[out->n].type = FT_CHARBUF;
	out->v[out->n].v.s.p = s;
	out->v[out->n].v.s.len = strlen(s);
	out->n++;
}

/* Calls of proc_extract(), to see what the result cache saves. */
static unsigned nproc_extract;

static int
proc_extract(void *ctx, const struct field_ref *ref, struct fvals *out)
{
	const struct mock *m = ctx;
	const char *name = ref->info->name;
	size_t i;

	nproc_extract++;
	out->n = 0;
	if (strcmp(name, "proc.name") == 0)
		put_str(out, m->proc_name);
	else if (strcmp(name, "proc.cmdline") == 0)
		put_str(out, m->cmdline);
	else if (strcmp(name, "proc.aname") == 0) {
		if (ref->has_arg) {
			if (ref->arg_index >= 1 && ref->arg_index <= 4)
				put_str(out, m->anames[ref->arg_index - 1]);
		} else
			for (i = 0; i < 4; i++)
				put_str(out, m->anames[i]);
	} else if (strcmp(name, "proc.pid") == 0) {
		out->v[0].type = FT_INT64;
		out->v[0].v.i = m->pid;
		out->n = 1;
	}
	return 0;
}

/* Calls of evt_extract(), to see what specialisation saves. */
static unsigned nevt_extract;

static int
evt_extract(void *ctx, const struct field_ref *ref, struct fvals *out)
{
	const struct mock *m = ctx;
	const char *name = ref->info->name;

	nevt_extract++;
	out->n = 0;
	if (m == NULL)
		return 0;
	if (strcmp(name, "evt.type") == 0)
		put_str(out, m->evtype);
	else if (strcmp(name, "evt.dir") == 0)
		put_str(out, m->evdir);
	else if (strcmp(name, "evt.type.is") == 0 && m->evtype != NULL &&
	    ref->arg_key != NULL) {
		out->v[0].type = FT_UINT32;
		out->v[0].v.u = strcmp(m->evtype, ref->arg_key) == 0;
		out->n = 1;
	}
	return 0;
}

static int
container_extract(void *ctx, const struct field_ref *ref,
    struct fvals *out)
{
	const struct mock *m = ctx;

	out->n = 0;
	if (strcmp(ref->info->name, "container.privileged") == 0 &&
	    m->proc_name != NULL) {
		out->v[0].type = FT_BOOL;
		out->v[0].v.u = 1;
		out->n = 1;
	}
	return 0;
}

static int
fd_extract(void *ctx, const struct field_ref *ref, struct fvals *out)
{
	const struct mock *m = ctx;
	const char *name = ref->info->name;
	size_t i;

	out->n = 0;
	if (strcmp(name, "fd.name") == 0)
		put_str(out, m->fd_name);
	else if (strcmp(name, "fd.types") == 0) {
		for (i = 0; i < 3; i++)
			put_str(out, m->types[i]);
	} else if ((strcmp(name, "fd.ip") == 0 ||
	    strcmp(name, "fd.net") == 0) && m->ip != NULL) {
		unsigned a, b, c, d;

		if (sscanf(m->ip, "%u.%u.%u.%u", &a, &b, &c, &d) != 4)
			return -1;
		out->v[0].type = FT_IPADDR;
		out->v[0].v.ip.af = 4;
		out->v[0].v.ip.bits = 32;
		out->v[0].v.ip.a[0] = (uint8_t)a;
		out->v[0].v.ip.a[1] = (uint8_t)b;
		out->v[0].v.ip.a[2] = (uint8_t)c;
		out->v[0].v.ip.a[3] = (uint8_t)d;
		out->n = 1;
	}
	return 0;
}

/* ---- case data --------------------------------------------------- */

static struct ydoc cases;
static char **known_bad;
static size_t nknown_bad;

static char *
read_file(const char *path, size_t *len)
{
	struct sbuf sb = SBUF_INIT;
	char buf[8192];
	size_t n;
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return NULL;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sbuf_put(&sb, buf, n);
	fclose(f);
	*len = sb.len;
	sbuf_put(&sb, "", 0);
	return sbuf_detach(&sb);
}

/* known_bad_cases.txt: "section<TAB>condition<TAB>reason" per line. */
static void
load_known_bad(void)
{
	const char *src = getenv("FALCO_SRC");
	char path[4096], *text, *line, *save = NULL, *tab;
	size_t len;

	snprintf(path, sizeof(path), "%s/tests/filter/known_bad_cases.txt",
	    src != NULL ? src : ".");
	if ((text = read_file(path, &len)) == NULL)
		return;
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#' || (tab = strchr(line, '\t')) == NULL)
			continue;
		if ((tab = strchr(tab + 1, '\t')) != NULL)
			*tab = '\0';
		known_bad = xreallocarray(known_bad, nknown_bad + 1,
		    sizeof(*known_bad));
		known_bad[nknown_bad++] = xstrdup(line);
	}
	free(text);
}

static int
is_known_bad(const char *section, const char *cond)
{
	char *key;
	size_t i;
	int r = 0;

	xasprintf(&key, "%s\t%s", section, cond);
	for (i = 0; i < nknown_bad && !r; i++)
		r = strcmp(known_bad[i], key) == 0;
	free(key);
	return r;
}

static const struct ynode *
section(const char *name)
{
	assert_true(cases.ndocs == 1);
	return ymap_get(cases.docs[0], name);
}

static int
setup(void **state)
{
	const char *td = getenv("FALCO_TESTDATA");
	char path[4096], *msg, *text;
	size_t len, line, col, off;

	fields_init();
	(void)fields_register_class(&c_class);
	fields_set_extractor("c", c_extract);
	fields_set_extractor("process", proc_extract);
	fields_set_extractor("fd", fd_extract);
	fields_set_extractor("container", container_extract);
	fields_set_extractor("evt", evt_extract);
	filter_set_evtypes(filter_schema_evtypes());
	snprintf(path, sizeof(path),
	    "%s/extracted/libsinsp_filter_syntax_cases.yaml",
	    td != NULL ? td : "../shared/testdata");
	if ((text = read_file(path, &len)) == NULL) {
		fprintf(stderr, "cannot read %s\n", path);
		return -1;
	}
	if (ydoc_load(text, len, &cases, &msg, &line, &col, &off) != 0) {
		fprintf(stderr, "%s:%zu:%zu: %s\n", path, line, col, msg);
		free(text);
		return -1;
	}
	free(text);
	load_known_bad();
	return 0;
}

static int
teardown(void **state)
{
	size_t i;

	ydoc_free(&cases);
	for (i = 0; i < nknown_bad; i++)
		free(known_bad[i]);
	free(known_bad);
	return 0;
}

/* ---- data-driven cases ------------------------------------------- */

static void
check_roundtrip(const char *cond, const struct ast *a)
{
	struct filter_err err;
	char *s1, *s2;
	struct ast *b;

	s1 = ast_to_string(a);
	b = filter_parse(s1, 0, &err);
	if (b == NULL)
		fail_msg("canonical form of '%s' does not parse: '%s': %s",
		    cond, s1, err.msg);
	s2 = ast_to_string(b);
	if (strcmp(s1, s2) != 0)
		fail_msg("'%s' prints '%s' then '%s'", cond, s1, s2);
	free(s1);
	free(s2);
	ast_free(b);
}

static void
test_parser_accept(void **state)
{
	const struct ynode *s = section("parser_accept");
	struct filter_err err;
	struct ast *a;
	size_t i, n = 0, skipped = 0;

	assert_non_null(s);
	for (i = 0; i < s->nitems; i++) {
		const char *c = s->items[i]->str;

		if (is_known_bad("parser_accept", c)) {
			skipped++;
			continue;
		}
		a = filter_parse(c, 0, &err);
		if (a == NULL)
			fail_msg("rejected '%s': %s (col %u)", c, err.msg,
			    err.pos.col);
		check_roundtrip(c, a);
		ast_free(a);
		n++;
	}
	print_message("parser_accept: %zu passed, %zu known-bad\n", n,
	    skipped);
	assert_true(n > 300);
}

static void
test_parser_reject(void **state)
{
	const struct ynode *s = section("parser_reject");
	struct filter_err err;
	struct ast *a;
	size_t i, n = 0, skipped = 0;

	assert_non_null(s);
	for (i = 0; i < s->nitems; i++) {
		const char *c = s->items[i]->str;

		if (is_known_bad("parser_reject", c)) {
			skipped++;
			continue;
		}
		a = filter_parse(c, 0, &err);
		if (a != NULL) {
			char *p = ast_to_string(a);

			fail_msg("accepted '%s' as '%s'", c, p);
		}
		assert_true(err.msg[0] != '\0');
		n++;
	}
	print_message("parser_reject: %zu passed, %zu known-bad\n", n,
	    skipped);
	assert_true(n > 150);
}

static void
test_boolean_eval(void **state)
{
	const struct ynode *s = section("boolean_eval");
	struct filter_err err;
	struct filter *f;
	struct ast *a;
	size_t i, n = 0;
	int expect;

	assert_non_null(s);
	for (i = 0; i < s->nitems; i++) {
		const char *c = ymap_get(s->items[i], "filter")->str;

		assert_int_equal(yscalar_bool(ymap_get(s->items[i], "expect"),
		    &expect), 0);
		if (is_known_bad("boolean_eval", c))
			continue;
		a = filter_parse(c, 0, &err);
		if (a == NULL)
			fail_msg("'%s': %s", c, err.msg);
		f = filter_compile(a, &err, NULL, 0, NULL);
		if (f == NULL)
			fail_msg("'%s': %s", c, err.msg);
		if (filter_eval(f, NULL) != expect)
			fail_msg("'%s' evaluated to %d", c, !expect);
		filter_free(f);
		ast_free(a);
		n++;
	}
	print_message("boolean_eval: %zu passed\n", n);
	assert_true(n >= 40);
}

static void
test_compile(void **state)
{
	const struct ynode *s = section("compile");
	struct filter_err err;
	struct filter *f;
	struct ast *a;
	size_t i, n = 0, skipped = 0;
	int expect_fail;

	assert_non_null(s);
	for (i = 0; i < s->nitems; i++) {
		const char *c = ymap_get(s->items[i], "filter")->str;

		assert_int_equal(yscalar_bool(ymap_get(s->items[i],
		    "expect_fail"), &expect_fail), 0);
		if (is_known_bad("compile", c)) {
			skipped++;
			continue;
		}
		a = filter_parse(c, 0, &err);
		f = a != NULL ? filter_compile(a, &err, NULL, 0, NULL) : NULL;
		if (expect_fail && f != NULL)
			fail_msg("compiled '%s'", c);
		if (!expect_fail && f == NULL)
			fail_msg("did not compile '%s': %s", c, err.msg);
		filter_free(f);
		ast_free(a);
		n++;
	}
	print_message("compile: %zu passed, %zu known-bad\n", n, skipped);
	assert_true(n > 250);
}

/* Evaluate cond against m; fail the test on a compile error. */
static int
eval_on(const char *cond, struct mock *m)
{
	struct filter_err err;
	struct filter *f;
	struct ast *a;
	int r;

	a = filter_parse(cond, 0, &err);
	if (a == NULL)
		fail_msg("'%s': %s", cond, err.msg);
	f = filter_compile(a, &err, NULL, 0, NULL);
	if (f == NULL)
		fail_msg("'%s': %s", cond, err.msg);
	r = filter_eval(f, m);
	filter_free(f);
	ast_free(a);
	return r;
}

static struct filter *
compile_text(const char *cond)
{
	struct filter_err err;
	struct filter *f;
	struct ast *a;

	if ((a = filter_parse(cond, 0, &err)) == NULL)
		fail_msg("'%s': %s", cond, err.msg);
	if ((f = filter_compile(a, &err, NULL, 0, NULL)) == NULL)
		fail_msg("'%s': %s", cond, err.msg);
	ast_free(a);
	return f;
}

/*
 * filter_eval_cached(): a sub-condition shared by two filters is
 * evaluated once per event, a new event evaluates it again, results
 * equal filter_eval()'s, and a slot reused by another condition within
 * one event does not return the old condition's result.
 */
static void
test_eval_cached(void **state)
{
	struct mock m = { "bash", { "sshd", NULL, NULL, NULL }, 42,
	    "/etc/shadow", "10.1.2.3", { "file", NULL, NULL }, "bash", NULL,
	    NULL };
	struct filter *f1, *f2, *f3;
	unsigned before;

	f1 = compile_text("proc.name in (sh, bash) and fd.name startswith "
	    "/etc");
	f2 = compile_text("proc.name in (sh, bash) and not fd.name "
	    "startswith /etc");
	filter_cache_next();
	before = nproc_extract;
	assert_true(filter_eval_cached(f1, &m));
	assert_false(filter_eval_cached(f2, &m));
	assert_int_equal(nproc_extract - before, 1);
	/* the same results, uncached */
	assert_true(filter_eval(f1, &m));
	assert_false(filter_eval(f2, &m));
	assert_int_equal(nproc_extract - before, 3);

	/* next event: evaluated again */
	m.proc_name = "zsh";
	filter_cache_next();
	before = nproc_extract;
	assert_false(filter_eval_cached(f1, &m));
	assert_false(filter_eval_cached(f2, &m));
	assert_int_equal(nproc_extract - before, 1);

	/* slots freed and reused inside one event */
	m.proc_name = "bash";
	filter_cache_next();
	assert_true(filter_eval_cached(f1, &m));
	filter_free(f1);
	filter_free(f2);
	f3 = compile_text("proc.name in (zsh, ksh)");
	assert_false(filter_eval_cached(f3, &m));
	m.proc_name = "zsh";
	filter_cache_next();
	assert_true(filter_eval_cached(f3, &m));
	filter_free(f3);
}

static void
test_eval_semantics(void **state)
{
	struct mock m = { "bash", { "sshd", "systemd", NULL, NULL }, 42,
	    "/etc/shadow", "10.1.2.3", { "ipv4", "file", NULL },
	    "bash -c 'ls /tmp'", NULL, NULL };
	struct mock na = { NULL, { NULL }, 0, NULL, NULL, { NULL }, NULL,
	    NULL, NULL };

	assert_true(eval_on("proc.name = bash", &m));
	assert_true(eval_on("container.privileged = true", &m));
	assert_false(eval_on("container.privileged = false", &m));
	assert_true(eval_on("container.privileged != false", &m));
	assert_false(eval_on("container.privileged != false", &na));
	assert_false(eval_on("proc.name != bash", &m));
	/* not available: every comparison is false, even != */
	assert_false(eval_on("proc.name = bash", &na));
	assert_false(eval_on("proc.name != bash", &na));
	assert_false(eval_on("proc.name exists", &na));
	assert_true(eval_on("not proc.name exists", &na));
	assert_true(eval_on("proc.name exists", &m));
	assert_true(eval_on("proc.name in (sh, bash, zsh)", &m));
	assert_false(eval_on("proc.name in (sh, zsh)", &m));
	assert_true(eval_on("proc.name in (zsh, a, b, c, bash, d)", &m));
	assert_true(eval_on("proc.name startswith ba", &m));
	assert_true(eval_on("proc.name endswith sh", &m));
	assert_true(eval_on("proc.name contains as", &m));
	assert_true(eval_on("proc.name icontains AS", &m));
	assert_true(eval_on("proc.name glob 'b*h'", &m));
	assert_true(eval_on("proc.name iglob 'B*H'", &m));
	assert_true(eval_on("proc.name regex 'ba.h'", &m));
	assert_false(eval_on("proc.name regex 'ba'", &m));
	assert_true(eval_on("proc.name < val(fd.name)", &m) == 0);
	assert_true(eval_on("proc.name startswith oneof (x, ba)", &m));
	assert_false(eval_on("proc.name startswith allof (x, ba)", &m));
	assert_true(eval_on("proc.name contains allof (ba, sh)", &m));
	/* oneof: exactly one matches */
	assert_true(eval_on("proc.name contains oneof (ba, zz)", &m));
	assert_false(eval_on("proc.name contains oneof (ba, sh)", &m));
	assert_true(eval_on("proc.name contains anyof (ba, sh)", &m));
	assert_false(eval_on("proc.name = anyof ()", &m));
	assert_false(eval_on("proc.name != allof ()", &m));
	assert_true(eval_on("proc.name != allof (sh, zsh)", &m));
	/* ancestors: [N] is one, no argument is any of them */
	assert_true(eval_on("proc.aname[2] = systemd", &m));
	assert_false(eval_on("proc.aname[1] = systemd", &m));
	assert_true(eval_on("proc.aname = systemd", &m));
	assert_false(eval_on("proc.aname[3] exists", &m));
	assert_true(eval_on("proc.pid = 42 and proc.pid > 41 and "
	    "proc.pid <= 42 and proc.pid in (1, 42)", &m));
	assert_false(eval_on("proc.pid != 42", &m));
	assert_true(eval_on("fd.name pmatch (/etc, /usr)", &m));
	assert_false(eval_on("fd.name pmatch (/et)", &m));
	assert_true(eval_on("fd.name pmatch (/)", &m));
	assert_true(eval_on("fd.name pmatch (//etc//)", &m));
	assert_true(eval_on("fd.name pmatch (/e*/sha?ow)", &m));
	assert_false(eval_on("fd.name pmatch (/etc/shadow/x)", &m));
	assert_true(eval_on("fd.ip = 10.1.2.3", &m));
	assert_false(eval_on("fd.ip != 10.1.2.3", &m));
	assert_true(eval_on("fd.net = 10.0.0.0/8", &m));
	assert_false(eval_on("fd.net = 192.168.0.0/16", &m));
	assert_true(eval_on("fd.ip in (1.1.1.1, 10.1.2.3)", &m));
	/* list fields: in = every element, intersects = any */
	assert_true(eval_on("fd.types in (ipv4, file, unix)", &m));
	assert_false(eval_on("fd.types in (ipv4)", &m));
	assert_true(eval_on("fd.types intersects (ipv4)", &m));
	/* transformers */
	assert_true(eval_on("toupper(proc.name) = BASH", &m));
	assert_true(eval_on("tolower(toupper(proc.name)) = bash", &m));
	assert_true(eval_on("basename(fd.name) = shadow", &m));
	assert_true(eval_on("len(proc.name) = 4", &m));
	assert_true(eval_on("len(fd.types) = 2", &m));
	assert_true(eval_on("proc.name = val(proc.name)", &m));
	assert_false(eval_on("proc.name = val(fd.name)", &m));
	assert_false(eval_on("proc.name = val(proc.name)", &na));
	assert_true(eval_on("join('-', (proc.name, fd.name)) = "
	    "bash-/etc/shadow", &m));
	assert_true(eval_on("concat(proc.name, '@', proc.pid) = bash@42", &m));
	assert_true(eval_on("c.buffer bcontains 3030", &m));
	assert_true(eval_on("c.buffer bstartswith 30", &m));
	assert_false(eval_on("c.buffer bstartswith 31", &m));
	assert_true(eval_on("c.singlequote = 'hello \\'quoted\\''", &m));
	assert_true(eval_on("proc.cmdline contains \"'ls /tmp'\"", &m));
}

/* Cut s at the first " | " into *s (trimmed) and return the rest. */
static char *
next_col(char **s)
{
	char *p = strstr(*s, " | "), *rest = NULL;

	if (p != NULL) {
		*p = '\0';
		rest = p + 3;
	}
	return rest;
}

/*
 * filter_specialize(): the cases of tests/filter/data/
 * specialize_cases.txt, each checked for the decided value, the evt.*
 * extractions left, and equal results with the condition as compiled
 * on events the facts hold for.
 */
static void
test_specialize(void **state)
{
	const char *src = getenv("FALCO_SRC");
	char path[4096], *text, *line, *save = NULL, *cols[4], *w, *ws;
	static const struct mock base[] = {
		{ "bash", { "sshd" }, 42, "/etc/shadow", NULL, { NULL },
		    "bash", NULL, NULL },
		{ "cat", { "bash" }, 7, "/dev/shm/x", NULL, { NULL }, "cat",
		    NULL, NULL },
		{ "sshd", { NULL }, 1, "/root/.bash_history", NULL, { NULL },
		    "sshd", NULL, NULL },
		{ NULL, { NULL }, 0, NULL, NULL, { NULL }, NULL, NULL, NULL },
	};
	struct mock ev[sizeof(base) / sizeof(base[0])];
	struct filter_fact facts[4];
	struct filter *f, *sp;
	size_t len, nf, i, k, ncase = 0;
	unsigned before;
	int konst, want, r0, r1;

	snprintf(path, sizeof(path), "%s/tests/filter/data/"
	    "specialize_cases.txt", src != NULL ? src : ".");
	if ((text = read_file(path, &len)) == NULL)
		fail_msg("cannot read %s", path);
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (*line == '#' || *line == '\0')
			continue;
		cols[0] = line;
		for (i = 1; i < 4; i++)
			if ((cols[i] = next_col(&cols[i - 1])) == NULL)
				fail_msg("%s: bad line: %s", path, line);
		nf = 0;
		memcpy(ev, base, sizeof(ev));
		for (i = 0; i < sizeof(ev) / sizeof(ev[0]); i++) {
			ev[i].evtype = "open";
			ev[i].evdir = "<";
		}
		/* field=value, or field alone: not available */
		for (w = strtok_r(cols[0], " ", &ws); w != NULL &&
		    strcmp(w, "-") != 0; w = strtok_r(NULL, " ", &ws)) {
			char *eq = strchr(w, '='), *v = NULL;

			assert_true(nf < 4);
			if (eq != NULL) {
				*eq = '\0';
				v = eq + 1;
			}
			facts[nf].field = w;
			facts[nf++].value = v;
			for (i = 0; i < sizeof(ev) / sizeof(ev[0]); i++) {
				if (strcmp(w, "evt.type") == 0)
					ev[i].evtype = v;
				else if (strcmp(w, "evt.dir") == 0)
					ev[i].evdir = v;
				else if (strcmp(w, "fd.name") == 0)
					ev[i].fd_name = v;
				else if (strcmp(w, "proc.name") == 0)
					ev[i].proc_name = v;
				else if (strcmp(w, "proc.pid") == 0)
					ev[i].pid = v != NULL ? atoll(v) : 0;
				else
					fail_msg("%s: no test field %s", path,
					    w);
			}
		}
		f = compile_text(cols[1]);
		sp = filter_specialize(f, facts, nf, &konst);
		want = strcmp(cols[2], "-") == 0 ? -1 : atoi(cols[2]);
		if (konst != want)
			fail_msg("'%s': decided %d, expected %d", cols[1],
			    konst, want);
		if (sp != NULL) {
			/* not twice: a specialisation borrows nodes */
			assert_null(filter_specialize(sp, facts, nf, &r0));
			assert_int_equal(r0, konst);
		}
		before = nevt_extract;
		(void)filter_eval(sp != NULL ? sp : f, &ev[0]);
		if (nevt_extract - before != (unsigned)atoi(cols[3]))
			fail_msg("'%s': %u evt extractions, expected %s",
			    cols[1], nevt_extract - before, cols[3]);
		for (i = 0; i < sizeof(ev) / sizeof(ev[0]); i++) {
			r0 = filter_eval(f, &ev[i]);
			r1 = filter_eval(sp != NULL ? sp : f, &ev[i]);
			if (r0 != r1 || (konst >= 0 && r1 != konst))
				fail_msg("'%s' event %zu: %d specialised, %d "
				    "compiled", cols[1], i, r1, r0);
			/* cached: the two share result slots */
			for (k = 0; k < 2; k++) {
				filter_cache_next();
				r0 = filter_eval_cached(k ? f : (sp != NULL ?
				    sp : f), &ev[i]);
				r1 = filter_eval_cached(k ? (sp != NULL ?
				    sp : f) : f, &ev[i]);
				if (r0 != r1 || r0 != filter_eval(f, &ev[i]))
					fail_msg("'%s' event %zu: cached %d "
					    "and %d", cols[1], i, r0, r1);
			}
		}
		filter_free(sp);
		filter_free(f);
		ncase++;
	}
	free(text);
	print_message("specialize: %zu cases\n", ncase);
	assert_true(ncase >= 20);
}

/* Canonical printing re-parses to the same tree for any constant. */
static void
test_print_roundtrip(void **state)
{
	static const char *const conds[] = {
		"a.b = \"x y\"",
		"a.b = \"a=b\"",
		"a.b = \"a,b\"",
		"a.b = \"(x)\"",
		"a.b = \"it's\"",
		"a.b = 'say \"hi\"'",
		"a.b = \"back\\\\slash\"",
		"a.b = \"\"",
		"a.b in (\"a b\", 'c,d', \"e)\", '')",
		"a.b[\"x]y\"] = 1",
		"a.b = \"tab\\there\"",
		"a.b = oneof",
		"a.b = \"and\" or a.b = \"not x\"",
		"join('-', (a.b, \"x y\", 1)) = z",
		"not (a or b) and not not c",
	};
	struct filter_err err;
	struct ast *a, *b;
	char *s1, *s2;
	size_t i;

	for (i = 0; i < sizeof(conds) / sizeof(conds[0]); i++) {
		a = filter_parse(conds[i], 0, &err);
		if (a == NULL)
			fail_msg("'%s': %s", conds[i], err.msg);
		s1 = ast_to_string(a);
		b = filter_parse(s1, 0, &err);
		if (b == NULL)
			fail_msg("'%s' -> '%s': %s", conds[i], s1, err.msg);
		s2 = ast_to_string(b);
		assert_string_equal(s1, s2);
		if (a->kind == AST_BINARY && a->kids[1]->kind == AST_VALUE)
			assert_string_equal(a->kids[1]->str, b->kids[1]->str);
		free(s1);
		free(s2);
		ast_free(a);
		ast_free(b);
	}
}

static void
test_error_positions(void **state)
{
	struct filter_err err;

	assert_null(filter_parse("a and\n  b c", 0, &err));
	assert_int_equal(err.pos.line, 2);
	assert_string_equal(err.msg,
	    "unexpected token after 'b', expecting 'or', 'and'");
	assert_null(filter_parse("", 0, &err));
	assert_string_equal(err.msg, "filter input string is empty");
	assert_null(filter_parse("((((((((((a))))))))))", 5, &err));
	assert_non_null(strstr(err.msg, "max depth"));
}

/* Count the event ids of space-separated names with the resolver. */
static size_t
ids_of(const char *names)
{
	const struct filter_evtypes *ev = filter_get_evtypes();
	uint8_t *bm = xcalloc((ev->nbits + 7) / 8, 1);
	char *copy = xstrdup(names), *tok, *save = NULL;
	size_t i, n = 0;

	for (tok = strtok_r(copy, " ", &save); tok != NULL;
	    tok = strtok_r(NULL, " ", &save))
		assert_true(ev->by_name(tok, bm) > 0);
	for (i = 0; i < ev->nbits; i++)
		if (bm[i / 8] & (1u << (i % 8)))
			n++;
	free(bm);
	free(copy);
	return n;
}

static void
test_evttypes(void **state)
{
	static const struct {
		const char	*cond;
		const char	*names;	/* NULL: more than 100 types */
	} tc[] = {
		{ "evt.type = open", "open" },
		{ "evt.type in (open, openat)", "open openat" },
		{ "evt.type = open and evt.type = close", "" },
		{ "evt.type = open or evt.type = close", "open close" },
		{ "evt.num = 0", "" },
		{ "evt.type = open and not evt.num = 0", "open" },
		{ "proc.name = cat", NULL },
		{ "not evt.type = open", NULL },
		{ "not (evt.type != open)", "open" },
		{ "evt.type != open and evt.type = close", "close" },
		{ "not (evt.type = open or proc.name = x) and evt.type in "
		    "(open, close)", "close" },
	};
	struct filter_err err;
	struct ast *a;
	uint8_t *bm;
	size_t i, nbits, count;

	for (i = 0; i < sizeof(tc) / sizeof(tc[0]); i++) {
		a = filter_parse(tc[i].cond, 0, &err);
		assert_non_null(a);
		bm = filter_evttypes(a, &nbits, &count);
		assert_non_null(bm);
		if (tc[i].names == NULL) {
			if (count <= 100)
				fail_msg("'%s': %zu types", tc[i].cond, count);
		} else if (count != ids_of(tc[i].names))
			fail_msg("'%s': %zu types, expected %zu", tc[i].cond,
			    count, ids_of(tc[i].names));
		free(bm);
		ast_free(a);
	}
}

static void
test_field_registry(void **state)
{
	static const struct {
		const char	*field;
		const char	*op;
		int		 ok;
	} tc[] = {
		{ "proc.name", "contains", 1 },
		{ "proc.name", "bcontains", 0 },
		{ "proc.name", "startswith oneof", 1 },
		{ "proc.pid", "contains", 0 },
		{ "proc.pid", "<=", 1 },
		{ "fd.ip", "=", 1 },
		{ "fd.ip", "startswith", 0 },
		{ "fd.types", "in", 1 },
		{ "fd.types", "=", 0 },
		{ "evt.buffer", "bstartswith", 1 },
		{ "evt.buffer", "glob", 0 },
		{ "container.privileged", "=", 1 },
		{ "container.privileged", ">", 0 },
	};
	struct field_ref ref;
	struct filter_err err;
	size_t i;

	for (i = 0; i < sizeof(tc) / sizeof(tc[0]); i++) {
		assert_int_equal(fields_resolve(tc[i].field, NULL, 0, &ref,
		    &err), 0);
		if (filter_op_allowed(ref.info, tc[i].op) != tc[i].ok)
			fail_msg("%s %s", tc[i].field, tc[i].op);
	}
	/* arguments: kinds and forms */
	assert_int_equal(fields_resolve("proc.aname", "2", 1, &ref, &err), 0);
	assert_int_equal(ref.arg_index, 2);
	assert_int_equal(fields_resolve("proc.aname", "x", 1, &ref, &err),
	    -1);
	assert_int_equal(fields_resolve("proc.env", "HOME", 1, &ref, &err),
	    0);
	assert_string_equal(ref.arg_key, "HOME");
	free(ref.arg_key);
	assert_int_equal(fields_resolve("evt.arg.flags", NULL, 0, &ref,
	    &err), 0);
	assert_string_equal(ref.info->name, "evt.arg");
	assert_string_equal(ref.arg_key, "flags");
	free(ref.arg_key);
	assert_int_equal(fields_resolve("evt.arg", "0", 1, &ref, &err), 0);
	assert_int_equal(ref.arg_index, 0);
	assert_null(ref.arg_key);
	assert_int_equal(fields_resolve("evt.arg", NULL, 0, &ref, &err), -1);
	assert_int_equal(fields_resolve("container.label.io.k8s/name", NULL,
	    0, &ref, &err), 0);
	assert_string_equal(ref.arg_key, "io.k8s/name");
	free(ref.arg_key);
	assert_int_equal(fields_resolve("proc.name", "1", 1, &ref, &err), -1);
	assert_int_equal(fields_resolve("proc.nosuch", NULL, 0, &ref, &err),
	    -1);
	assert_string_equal(err.msg,
	    "filter_check called with nonexistent field proc.nosuch");
	/* a class cannot take a name that exists */
	assert_int_equal(fields_register_class(&c_class), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parser_accept),
		cmocka_unit_test(test_parser_reject),
		cmocka_unit_test(test_boolean_eval),
		cmocka_unit_test(test_compile),
		cmocka_unit_test(test_eval_semantics),
		cmocka_unit_test(test_eval_cached),
		cmocka_unit_test(test_specialize),
		cmocka_unit_test(test_print_roundtrip),
		cmocka_unit_test(test_error_positions),
		cmocka_unit_test(test_evttypes),
		cmocka_unit_test(test_field_registry),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
