/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests of the engine: the output formatter and the extractors on events
 * built in memory, and replays of captures through reader, state, rules
 * and formatter: pitfalls #6 (paths relative to a dirfd) and #7
 * (fd.directory of a failed open) on captures written here with our
 * writer, and the socket tuple fields on the libs IPv6 captures.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <glob.h>

#include "../container/mockapi.h"
#include "../state/evbuild.h"
#include "container/container.h"
#include "engine/engine.h"
#include "engine/engine_int.h"
#include "filter/filter.h"
#include "outputs/outputs.h"
#include "rules/rules.h"
#include "scapfile/scapfile.h"
#include "state/state.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"

#define SEC	1000000000ULL

/* ---- formatter on in-memory events -------------------------------- */

struct fixture {
	struct state	*st;
	struct engine_ctx ctx;
	struct evrec	 rec;
};

static void
feed(struct fixture *f)
{
	f->ctx.evnum++;
	f->ctx.t = state_process(f->st, &f->rec.ev);
	f->ctx.ev = &f->rec.ev;
}

static void
setup_tree(struct fixture *f)
{
	f->st = state_new(0, 0);
	engine_ctx_init(&f->ctx, f->st, "host-a");
	evb_execve(&f->rec, 1 * SEC, 1, 0, 0, "/sbin/init", "", "systemd",
	    "/", "cpu=/");
	feed(f);
	evb_clone(&f->rec, 2 * SEC, 1, 100, 1, 0, 0, "systemd", "/");
	feed(f);
	evb_execve(&f->rec, 3 * SEC, 100, 0, 1, "/bin/bash", "-i|", "bash",
	    "/root", "cpu=/docker/0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789abcdef");
	feed(f);
	evb_clone(&f->rec, 4 * SEC, 100, 200, 100, 1, 0, "bash", "/root");
	feed(f);
	evb_execve(&f->rec, 5 * SEC, 200, 0, 100, "cat", "/etc/passwd|-n|",
	    "cat", "/root", "cpu=/docker/0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789abcdef");
	feed(f);
}

static void
teardown_tree(struct fixture *f)
{
	engine_ctx_free(&f->ctx);
	state_free(f->st);
}

static char *
render(struct fixture *f, const char *fmt, struct alert *a)
{
	char err[256];
	struct efmt *e = efmt_compile(fmt, err, sizeof(err));
	struct sbuf sb = SBUF_INIT;

	if (e == NULL)
		fail_msg("%s: %s", fmt, err);
	sbuf_put(&sb, "", 0);
	efmt_render(e, &f->ctx, &sb, a);
	efmt_free(e);
	return sbuf_detach(&sb);
}

static void
expect(struct fixture *f, const char *fmt, const char *want)
{
	char *got = render(f, fmt, NULL);

	if (strcmp(got, want) != 0)
		fail_msg("%s: got '%s', want '%s'", fmt, got, want);
	free(got);
}

static void
test_format_proc(void **unused)
{
	struct fixture f;

	(void)unused;
	setup_tree(&f);
	EVB(&f.rec, FE_SYSCALL_OPEN_X, 6 * SEC, 200, "3", "/etc/passwd",
	    "0x1", "0", "0", "0");
	feed(&f);
	expect(&f, "%proc.name %proc.cmdline", "cat cat /etc/passwd -n");
	expect(&f, "%proc.args|%proc.args[1]", "/etc/passwd -n|-n");
	expect(&f, "%proc.pname %proc.aname[2] %proc.aname[3]",
	    "bash systemd <NA>");
	expect(&f, "%proc.pcmdline (%proc.ppid, %proc.pid)",
	    "bash -i (100, 200)");
	expect(&f, "%proc.exepath %proc.cwd", "/root/cat /root/");
	expect(&f, "%proc.env[HOME] %proc.env[NOPE]", "/root <NA>");
	expect(&f, "%container.id %container.full_id",
	    "0123456789ab 0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789abcdef");
	expect(&f, "%thread.cap_effective", "CAP_SYS_ADMIN");
	expect(&f, "%proc.duration", "2000000000");
	expect(&f, "%proc.nthreads %proc.nchilds", "1 0");
	/* padding and truncation: %N pads to N or cuts at N */
	expect(&f, "[%6proc.name][%2proc.pname]", "[cat   ][ba]");
	/* gone since Falco 0.41: an empty string, no output field */
	expect(&f, "a %container.info b", "a  b");
	/* a field name ends where no longer field text starts */
	expect(&f, "%proc.name.%proc.pid)", "cat.200)");
	teardown_tree(&f);
}

static void
test_format_fd_evt(void **unused)
{
	struct fixture f;
	struct alert *a;
	const struct alert_field *af;
	char *s;

	(void)unused;
	setup_tree(&f);
	/* PPM flags: O_WRONLY|O_CREAT|O_TRUNC */
	EVB(&f.rec, FE_SYSCALL_OPENAT_2_X, 6 * SEC, 200, "-2", "-100",
	    "../etc/nope", "0x106", "0644", "0", "0");
	feed(&f);
	expect(&f, "%fd.num %fd.name %fd.directory %fd.filename %fd.nameraw",
	    "-1 /etc/nope /etc nope ../etc/nope");
	expect(&f, "%evt.res %evt.rawres %evt.failed", "ENOENT -2 true");
	expect(&f, "%evt.type %evt.dir %evt.num %evt.category",
	    "openat < 6 file");
	/* failed: not created */
	expect(&f, "%evt.is_open_write %evt.is_open_read %evt.is_open_create",
	    "true false false");
	expect(&f, "%evt.arg.flags|%evt.arg[2]",
	    "O_TRUNC|O_CREAT|O_WRONLY|/etc/nope");
	expect(&f, "%user.uid %user.name %group.gid", "1000 <NA> 1000");

	/* created by the call (O_F_CREATED), with an execute bit */
	EVB(&f.rec, FE_SYSCALL_OPENAT_2_X, 6 * SEC, 200, "5", "-100",
	    "/tmp/run.sh", "0x4106", "0755", "0", "0");
	feed(&f);
	expect(&f, "%evt.is_open_create %evt.is_open_exec %fd.num",
	    "true true 5");
	EVB(&f.rec, FE_SYSCALL_OPENAT_2_X, 6 * SEC, 200, "6", "-100",
	    "/tmp/data", "0x4106", "0644", "0", "0");
	feed(&f);
	expect(&f, "%evt.is_open_create %evt.is_open_exec", "true false");
	EVB(&f.rec, FE_SOCKET_SOCKET_X, 7 * SEC, 200, "4", "2", "2", "0",
	    "0");
	feed(&f);
	EVB(&f.rec, FE_SOCKET_CONNECT_X, 8 * SEC, 200, "0",
	    "192.168.1.2:5353->8.8.8.8:53", "4", "8.8.8.8:53");
	feed(&f);
	expect(&f, "%fd.name %fd.type %fd.typechar %fd.l4proto",
	    "192.168.1.2:5353->8.8.8.8:53 ipv4 4 udp");
	expect(&f, "%evt.category", "net");
	expect(&f, "%fd.cip:%fd.cport %fd.sip:%fd.sport",
	    "192.168.1.2:5353 8.8.8.8:53");
	expect(&f, "%fd.lip:%fd.lport %fd.rip:%fd.rport %fd.is_server",
	    "192.168.1.2:5353 8.8.8.8:53 false");
	expect(&f, "%evt.args",
	    "res=0 tuple=192.168.1.2:5353->8.8.8.8:53 fd=4(<4u>192.168.1.2:"
	    "5353->8.8.8.8:53) addr=8.8.8.8:53");

	/* typed output fields for JSON */
	a = alert_new(8 * SEC, 4, "r", "syscall");
	s = render(&f, "%fd.sport %proc.pid %fd.name %evt.failed %proc.tty "
	    "%container.image", a);
	free(s);
	af = alert_field_find(a, "fd.sport");
	assert_non_null(af);
	assert_int_equal(af->type, AV_UINT);
	assert_int_equal(af->v.u, 53);
	af = alert_field_find(a, "proc.pid");
	assert_int_equal(af->type, AV_INT);
	assert_int_equal(af->v.i, 200);
	af = alert_field_find(a, "fd.name");
	assert_int_equal(af->type, AV_STR);
	assert_int_equal(alert_field_find(a, "evt.failed")->type, AV_BOOL);
	assert_int_equal(alert_field_find(a, "container.image")->type,
	    AV_NULL);
	alert_free(a);
	/* I/O is named after the fd it uses */
	EVB(&f.rec, FE_SYSCALL_READ_X, 9 * SEC, 200, "10", "hello data", "4",
	    "10");
	feed(&f);
	expect(&f, "%evt.category %evt.is_io_read %evt.buflen %evt.io_dir",
	    "net true 10 r");
	EVB(&f.rec, FE_SYSCALL_READ_X, 9 * SEC, 200, "5", "hello", "5", "10");
	feed(&f);
	expect(&f, "%evt.category %evt.buffer", "file hello");
	teardown_tree(&f);
}

#define CID	"0123456789abcdef0123456789abcdef" \
	"0123456789abcdef0123456789abcdef"

/* container.* and k8s.* from runtime metadata (a mock Docker API). */
static void
test_container_metadata(void **unused)
{
	static const char inspect[] =
	    "{\"Id\":\"" CID "\",\"Name\":\"/web\","
	    "\"State\":{\"Running\":true,"
	    "\"StartedAt\":\"1970-01-01T00:00:01Z\"},"
	    "\"Image\":\"sha256:aaaa\","
	    "\"HostConfig\":{\"Privileged\":true},"
	    "\"Mounts\":[{\"Source\":\"/srv/www\",\"Destination\":"
	    "\"/usr/share/www\",\"Mode\":\"ro\",\"RW\":false,"
	    "\"Propagation\":\"rprivate\"}],"
	    "\"Config\":{\"Image\":\"docker.io/library/nginx:1.25\","
	    "\"Labels\":{\"tier\":\"front\","
	    "\"io.kubernetes.pod.name\":\"web-0\","
	    "\"io.kubernetes.pod.namespace\":\"shop\"}}}";
	char dir[] = "/tmp/test_engine_cm_XXXXXX", sock[128];
	const char *socks[2];
	struct container_meta_options o;
	struct container_meta *cm;
	struct mockapi *api;
	struct fixture f;

	(void)unused;
	assert_non_null(mkdtemp(dir));
	snprintf(sock, sizeof(sock), "%s/docker.sock", dir);
	api = mockapi_start(sock);
	assert_non_null(api);
	mockapi_route(api, "/v1.41/version", 200,
	    "{\"Version\":\"24.0.7\",\"ApiVersion\":\"1.43\"}");
	mockapi_route(api, "/v1.41/containers/" CID "/json", 200, inspect);
	container_meta_options_init(&o);
	socks[0] = sock;
	socks[1] = NULL;
	o.sockets = socks;
	cm = container_meta_new(&o);
	assert_non_null(cm);

	setup_tree(&f);
	f.ctx.cmeta = cm;
	EVB(&f.rec, FE_SYSCALL_CLOSE_X, 6 * SEC, 200, "0", "9");
	feed(&f);
	/* not known yet: the lookup is under way */
	expect(&f, "%container.id %container.name", "0123456789ab <NA>");
	assert_int_equal(container_meta_wait_idle(cm, 10000), 0);
	EVB(&f.rec, FE_SYSCALL_CLOSE_X, 7 * SEC, 200, "0", "9");
	feed(&f);
	expect(&f, "%container.name %container.image "
	    "%container.image.repository %container.image.tag "
	    "%container.privileged %container.label[tier]",
	    "web docker.io/library/nginx:1.25 docker.io/library/nginx 1.25 "
	    "true front");
	expect(&f, "%container.mount.dest[/srv/*] %container.mount.rdwr[0] "
	    "%container.mount.source[/usr/share/www] %container.start_ts "
	    "%container.duration", "/usr/share/www false /srv/www "
	    "1000000000 6000000000");
	expect(&f, "%k8s.ns.name %k8s.pod.name %container.label[nope]",
	    "shop web-0 <NA>");
	/* a host process has no metadata */
	EVB(&f.rec, FE_SYSCALL_CLOSE_X, 8 * SEC, 1, "0", "9");
	feed(&f);
	expect(&f, "%container.id %container.name %container.image",
	    "host host <NA>");
	teardown_tree(&f);
	container_meta_free(cm);
	mockapi_stop(api);
	(void)rmdir(dir);
}

/*
 * evt.arg of flags and modes comes from a cache keyed by event type,
 * parameter and value: over more values than it has slots, and two
 * event types with the same values, it must give what rendering the
 * parameter gives.
 */
static void
test_evt_arg_cache(void **unused)
{
	static const struct {
		uint16_t	 type;
		int		 flags, mode;	/* parameter indexes */
	} ty[] = {
		{ FE_SYSCALL_OPEN_X, 2, 3 },
		{ FE_SYSCALL_OPENAT_2_X, 3, 4 },
	};
	struct fixture f;
	struct sbuf want = SBUF_INIT;
	char fl[32], mo[32], *got;
	unsigned i, k, round;

	(void)unused;
	setup_tree(&f);
	for (round = 0; round < 2; round++) {
		for (i = 0; i < 300; i++) {
			k = (i + round) % 2;
			snprintf(fl, sizeof(fl), "0x%x", (i * 37) & 0x7fff);
			snprintf(mo, sizeof(mo), "0%o", (i * 13) & 0777);
			if (ty[k].type == FE_SYSCALL_OPEN_X)
				EVB(&f.rec, FE_SYSCALL_OPEN_X, (10 + i) * SEC,
				    200, "3", "/etc/passwd", fl, mo, "0", "0");
			else
				EVB(&f.rec, FE_SYSCALL_OPENAT_2_X,
				    (10 + i) * SEC, 200, "3", "-100",
				    "/etc/passwd", fl, mo, "0", "0");
			feed(&f);
			sbuf_reset(&want);
			sbuf_put(&want, "", 0);
			schema_render_arg(&want, f.ctx.ev, ty[k].flags, NULL);
			sbuf_putc(&want, ' ');
			schema_render_arg(&want, f.ctx.ev, ty[k].mode, NULL);
			got = render(&f, "%evt.arg.flags %evt.arg.mode", NULL);
			if (strcmp(got, want.buf) != 0)
				fail_msg("type %u flags %s mode %s: got '%s', "
				    "want '%s'", ty[k].type, fl, mo, got,
				    want.buf);
			free(got);
		}
	}
	/* a value rendered with a resolver is not taken from the cache */
	expect(&f, "%evt.arg.fd %evt.arg[0]", "<f>/etc/passwd "
	    "<f>/etc/passwd");
	sbuf_free(&want);
	teardown_tree(&f);
}

/*
 * proc.loginshellid, the overlayfs layer of fds, fd.types, and
 * transformers in outputs.
 */
static void
test_format_more_fields(void **unused)
{
	static const struct {
		const char	*fmt, *want;
	} cases[] = {
		/* bash (100) is the only shell above cat */
		{ "%proc.loginshellid", "100" },
		{ "%fd.is_upper_layer %fd.is_lower_layer", "true false" },
		{ "%fd.types|%fd.types[3]|%fd.types[9]", "(file,ipv4)|(file)|"
		    "<NA>" },
		{ "%toupper(proc.name) %tolower(toupper(proc.pname))",
		    "CAT bash" },
		{ "%basename(fd.name) %len(fd.name) %len(fd.types)",
		    "shadow 11 2" },
		{ "[%5toupper(basename( fd.name ))]", "[SHADO]" },
		{ "%b64(fd.nameraw)", "<NA>" },
		{ "%toupper(fd.types)", "(FILE,IPV4)" },
		/* a field followed by '(' is still a field */
		{ "%proc.name(%proc.pid)", "cat(200)" },
	};
	struct fixture f;
	struct alert *a;
	struct filter_err ferr;
	struct filter *flt;
	struct ast *ast;
	char err[256];
	size_t i;

	(void)unused;
	setup_tree(&f);
	EVB(&f.rec, FE_SYSCALL_OPEN_X, 6 * SEC, 200, "3", "/etc/shadow",
	    "0x8001", "0", "0", "0");
	feed(&f);
	EVB(&f.rec, FE_SOCKET_SOCKET_X, 7 * SEC, 200, "4", "2", "1", "0",
	    "0");
	feed(&f);
	/* later events on fd 3 keep what the open said */
	EVB(&f.rec, FE_SYSCALL_READ_X, 8 * SEC, 200, "5", "hello", "3", "5");
	feed(&f);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect(&f, cases[i].fmt, cases[i].want);
	/* conditions see fd.types as a list */
	ast = filter_parse("fd.types intersects (ipv4, unix) and "
	    "fd.is_upper_layer = true", 0, &ferr);
	assert_non_null(ast);
	flt = filter_compile(ast, &ferr, NULL, 0, NULL);
	assert_non_null(flt);
	assert_int_equal(filter_eval(flt, &f.ctx), 1);

	/* output fields: the plain field, not the transformed one */
	a = alert_new(8 * SEC, 4, "r", "syscall");
	free(render(&f, "%toupper(proc.name) %fd.types", a));
	assert_non_null(alert_field_find(a, "proc.name"));
	assert_string_equal(alert_field_find(a, "proc.name")->v.s.p, "cat");
	assert_null(alert_field_find(a, "toupper(proc.name)"));
	assert_string_equal(alert_field_find(a, "fd.types")->v.s.p,
	    "(file,ipv4)");
	alert_free(a);

	/* a lower-layer file by creat; a failed open has no layer */
	EVB(&f.rec, FE_SYSCALL_CREAT_X, 9 * SEC, 200, "6", "/tmp/aGVsbG8=",
	    "0644", "0", "0", "2");
	feed(&f);
	expect(&f, "%fd.is_upper_layer %fd.is_lower_layer %b64(fd.filename)",
	    "false true hello");
	EVB(&f.rec, FE_SYSCALL_OPEN_X, 10 * SEC, 200, "-2", "/nope",
	    "0x8001", "0", "0", "0");
	feed(&f);
	expect(&f, "%fd.is_upper_layer", "<NA>");
	/* no fd event: no fd.types; a shell below a shell: the top one */
	evb_clone(&f.rec, 11 * SEC, 200, 300, 200, 100, 0, "cat", "/root");
	feed(&f);
	expect(&f, "%fd.types %proc.loginshellid", "<NA> 100");
	evb_execve(&f.rec, 12 * SEC, 300, 0, 200, "/bin/sh", "", "sh",
	    "/root", "cpu=/");
	feed(&f);
	expect(&f, "%proc.loginshellid", "100");
	EVB(&f.rec, FE_SYSCALL_CLOSE_X, 13 * SEC, 1, "0", "9");
	feed(&f);
	expect(&f, "%proc.loginshellid", "<NA>");

	/* transformer errors */
	assert_null(efmt_compile("%tolower(proc.pid)", err, sizeof(err)));
	assert_non_null(strstr(err, "does not support field type 'INT64'"));
	assert_null(efmt_compile("%tolower(proc.name", err, sizeof(err)));
	assert_non_null(strstr(err, "expected a ')'"));
	assert_null(efmt_compile("%concat(proc.name)", err, sizeof(err)));
	assert_non_null(strstr(err, "unsupported transformer 'concat'"));
	assert_null(efmt_compile("%len(evt.rawarg.fd)", err, sizeof(err)));
	assert_non_null(strstr(err, "can't be used with transformers"));
	assert_null(efmt_compile("%tolower(nope.nope)", err, sizeof(err)));
	assert_non_null(strstr(err, "nope.nope"));
	assert_null(efmt_compile("%99999999999proc.name", err, sizeof(err)));
	assert_non_null(strstr(err, "width above"));
	filter_free(flt);
	ast_free(ast);
	teardown_tree(&f);
}

static void
test_format_errors(void **unused)
{
	char err[256];

	(void)unused;
	assert_null(efmt_compile("trailing %", err, sizeof(err)));
	assert_non_null(strstr(err, "cannot end with a %"));
	assert_null(efmt_compile("x %not_a_real_field y", err, sizeof(err)));
	assert_non_null(strstr(err, "not_a_real_field"));
	/* filter-only fields are not usable in outputs */
	assert_null(efmt_compile("%fd.net", err, sizeof(err)));
	/* no fields at all is fine */
	efmt_free(efmt_compile("plain text", err, sizeof(err)));
}

static void
test_time_fields(void **unused)
{
	struct fixture f;

	(void)unused;
	setenv("TZ", "UTC", 1);
	tzset();
	setup_tree(&f);
	EVB(&f.rec, FE_SYSCALL_CLOSE_X, 1470327477881781397ULL, 200, "0",
	    "9");
	feed(&f);
	expect(&f, "%evt.time", "16:17:57.881781397");
	expect(&f, "%evt.time.s", "16:17:57");
	expect(&f, "%evt.time.iso8601", "2016-08-04T16:17:57.881781397+0000");
	expect(&f, "%evt.datetime", "2016-08-04 16:17:57.881781397");
	expect(&f, "%evt.rawtime", "1470327477881781397");
	teardown_tree(&f);
}

/* ---- replays ------------------------------------------------------------ */

struct collected {
	char	**out;
	size_t	 n;
};

static void
collect(void *arg, const struct alert *a)
{
	struct collected *c = arg;

	c->out = xreallocarray(c->out, c->n + 1, sizeof(*c->out));
	xasprintf(&c->out[c->n++], "%s: %s", a->rule, a->output);
}

static void
collected_free(struct collected *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		free(c->out[i]);
	free(c->out);
	memset(c, 0, sizeof(*c));
}

static void
collect_json(void *arg, const struct alert *a)
{
	struct collected *c = arg;
	struct alert_format f;
	struct sbuf sb = SBUF_INIT;

	alert_format_defaults(&f);
	f.json = 1;
	f.hostname = "h";
	alert_render(a, &f, &sb);
	c->out = xreallocarray(c->out, c->n + 1, sizeof(*c->out));
	c->out[c->n++] = sbuf_detach(&sb);
}

static void replay_opts(const char *, const char *, struct collected *,
    const struct engine_opts *);

/* Replay path with the rules text; every alert line lands in c. */
static void
replay(const char *path, const char *rules, struct collected *c)
{
	struct engine_opts o;

	memset(&o, 0, sizeof(o));
	o.match_all = 1;
	o.alert = collect;
	o.alert_arg = c;
	replay_opts(path, rules, c, &o);
}

static void
replay_opts(const char *path, const char *rules, struct collected *c,
    const struct engine_opts *o)
{
	struct rules_loader *l = rules_loader_new();
	struct rules_result *r;
	struct scap_reader *rd;
	struct state *st;
	struct engine *e;
	struct fevt ev;
	char err[512], *errp = NULL;
	struct sbuf sb = SBUF_INIT;

	r = rules_load_content(l, "test.yaml", rules, strlen(rules));
	if (!rules_result_ok(r)) {
		rules_result_verbose(r, &sb);
		fail_msg("rules: %s", sbuf_str(&sb));
	}
	rules_result_free(r);
	rd = scap_reader_open(path, err, sizeof(err));
	if (rd == NULL)
		fail_msg("%s", err);
	st = state_new(0, 0);
	(void)state_seed_capture(st, rd);
	(void)c;
	e = engine_new(st, rules_loader_ruleset(l), o, &errp);
	if (e == NULL)
		fail_msg("%s", errp);
	while (scap_reader_next(rd, &ev, NULL) == 1)
		(void)engine_process(e, &ev);
	engine_free(e);
	state_free(st);
	scap_reader_close(rd);
	rules_loader_free(l);
	sbuf_free(&sb);
}

static int
has_line(const struct collected *c, const char *want)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->out[i], want) == 0)
			return 1;
	return 0;
}

static void
assert_lines(const struct collected *c, const char *const *want, size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		if (has_line(c, want[i]))
			continue;
		for (k = 0; k < c->n; k++)
			fprintf(stderr, "  got: %s\n", c->out[k]);
		fail_msg("missing alert: %s", want[i]);
	}
}

/* A capture with one process (tid 500, cwd cwd, fds fds) and events. */
static char *
write_capture(const char *cwd, const struct scap_fd *fds, size_t nfds,
    struct evrec *evs, size_t nevs)
{
	char *path, err[256];
	struct scap_writer *w;
	struct scap_thread th;
	struct scap_fdlist fl;
	struct scap_user u = { 1000, 1000, "alice", "/home/alice",
	    "/bin/sh" };
	struct scap_group g = { 1000, "alice" };
	size_t i;
	int fd;

	path = xstrdup("/tmp/test_engine_XXXXXX");
	if ((fd = mkstemp(path)) < 0)
		fail_msg("mkstemp");
	close(fd);
	if ((w = scap_writer_open(path, 0, err, sizeof(err))) == NULL)
		fail_msg("%s", err);
	memset(&th, 0, sizeof(th));
	th.tid = th.pid = 500;
	th.ptid = 1;
	th.comm = "touch";
	th.exe = "touch";
	th.exepath = "/usr/bin/touch";
	th.cwd = cwd;
	th.root = "/";
	th.args = "";
	th.env = "";
	th.cgroups = "cpu=/";
	th.cgroups_len = 6;
	th.uid = th.gid = 1000;
	th.vtid = th.vpid = 500;
	th.loginuid = 1000;
	fl.tid = 500;
	fl.nfds = nfds;
	fl.fds = (struct scap_fd *)(uintptr_t)fds;
	th.fdl = nfds > 0 ? &fl : NULL;
	assert_int_equal(scap_writer_users(w, &u, 1, &g, 1), 0);
	assert_int_equal(scap_writer_threads(w, &th, 1), 0);
	for (i = 0; i < nevs; i++)
		assert_int_equal(scap_writer_event(w,
		    (const struct fevt_hdr *)evs[i].buf, 0, 0), 0);
	if (scap_writer_close(w, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	return path;
}

static const char pitfall7_rules[] =
    "- rule: sbin open\n"
    "  desc: t\n"
    "  condition: evt.type in (open, openat, openat2) and "
    "fd.name startswith /sbin/\n"
    "  output: \"%fd.name %fd.directory %fd.filename %evt.res %fd.num "
    "%user.name\"\n"
    "  priority: WARNING\n"
    "- rule: sbin dir\n"
    "  desc: t\n"
    "  condition: evt.type in (open, openat, openat2) and "
    "fd.directory in (/bin, /sbin, /usr/bin)\n"
    "  output: \"dir %fd.directory\"\n"
    "  priority: WARNING\n";

static void
test_pitfall7_failed_open(void **unused)
{
	struct evrec evs[3];
	struct collected c = { 0 };
	char *path;
	static const char *const want[] = {
		"sbin open: /sbin/probe_x /sbin probe_x EACCES -1 alice",
		"sbin open: /sbin/probe_y /sbin probe_y SUCCESS 3 alice",
		"sbin open: /sbin/probe_z /sbin probe_z ENOENT -1 alice",
		"sbin dir: dir /sbin",
	};

	(void)unused;
	EVB(&evs[0], FE_SYSCALL_OPENAT_2_X, 10 * SEC, 500, "-13", "-100",
	    "/sbin/probe_x", "0x246", "0644", "0", "0");
	EVB(&evs[1], FE_SYSCALL_OPENAT_2_X, 11 * SEC, 500, "3", "-100",
	    "/sbin/./probe_y", "0x246", "0644", "0", "0");
	/* relative to the cwd, failed */
	EVB(&evs[2], FE_SYSCALL_OPEN_X, 12 * SEC, 500, "-2", "probe_z",
	    "0x1", "0", "0", "0");
	path = write_capture("/sbin", NULL, 0, evs, 3);
	replay(path, pitfall7_rules, &c);
	assert_lines(&c, want, sizeof(want) / sizeof(want[0]));
	/* each open matches both rules */
	assert_int_equal(c.n, 6);
	collected_free(&c);
	unlink(path);
	free(path);
}

static const char pitfall6_rules[] =
    "- rule: paths\n"
    "  desc: t\n"
    "  condition: evt.type in (linkat, renameat2, symlinkat, mkdirat, "
    "unlinkat)\n"
    "  output: \"%evt.type %fs.path.name %fs.path.source "
    "%fs.path.target %fs.path.sourceraw\"\n"
    "  priority: WARNING\n"
    "  warn_evttypes: false\n"
    "- rule: opens\n"
    "  desc: t\n"
    "  condition: evt.type = openat\n"
    "  output: \"%evt.type %fd.name %fs.path.name\"\n"
    "  priority: WARNING\n";

static void
test_pitfall6_dirfd(void **unused)
{
	struct scap_fd fds[2];
	struct evrec evs[8];
	struct collected c = { 0 };
	char *path;
	static const char *const want[] = {
		"paths: linkat <NA> /tmp/t/src/f /tmp/t/dst/g f",
		"paths: renameat2 <NA> /tmp/t/src/a /tmp/t/dst/b a",
		"paths: symlinkat <NA> ../x /tmp/t/dst/l ../x",
		"paths: mkdirat /tmp/t/dst/d <NA> <NA> <NA>",
		"paths: unlinkat /tmp/t/src/f <NA> <NA> <NA>",
		"opens: openat /tmp/t/dst/g /tmp/t/dst/g",
		/* AT_FDCWD after chdir */
		"paths: linkat <NA> /var/f /var/g f",
		/* an unknown dirfd: the path stays as given */
		"paths: unlinkat q <NA> <NA> <NA>",
	};

	(void)unused;
	memset(fds, 0, sizeof(fds));
	fds[0].fd = 3;
	fds[0].type = SCAP_FD_DIRECTORY;
	fds[0].name = "/tmp/t/src";
	fds[1].fd = 4;
	fds[1].type = SCAP_FD_DIRECTORY;
	fds[1].name = "/tmp/t/dst";
	EVB(&evs[0], FE_SYSCALL_LINKAT_2_X, 10 * SEC, 500, "0", "3", "f", "4",
	    "g", "0");
	EVB(&evs[1], FE_SYSCALL_RENAMEAT2_X, 11 * SEC, 500, "0", "3", "a",
	    "4", "b", "0");
	EVB(&evs[2], FE_SYSCALL_SYMLINKAT_X, 12 * SEC, 500, "0", "../x", "4",
	    "l");
	EVB(&evs[3], FE_SYSCALL_MKDIRAT_X, 13 * SEC, 500, "0", "4", "d",
	    "0755");
	EVB(&evs[4], FE_SYSCALL_UNLINKAT_2_X, 14 * SEC, 500, "0", "3", "f",
	    "0");
	EVB(&evs[5], FE_SYSCALL_OPENAT_2_X, 15 * SEC, 500, "5", "4", "g",
	    "0x1", "0", "0", "0");
	EVB(&evs[6], FE_SYSCALL_CHDIR_X, 16 * SEC, 500, "0", "/var");
	EVB(&evs[7], FE_SYSCALL_LINKAT_2_X, 17 * SEC, 500, "0", "-100", "f",
	    "-100", "g", "0");
	path = write_capture("/", fds, 2, evs, 8);
	replay(path, pitfall6_rules, &c);
	assert_lines(&c, want, 7);
	assert_int_equal(c.n, 7);
	collected_free(&c);
	unlink(path);
	free(path);

	/* an unknown dirfd, in a capture of its own */
	EVB(&evs[0], FE_SYSCALL_UNLINKAT_2_X, 10 * SEC, 500, "0", "77", "q",
	    "0");
	path = write_capture("/", fds, 2, evs, 1);
	replay(path, pitfall6_rules, &c);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.out[0], want[7]);
	collected_free(&c);
	unlink(path);
	free(path);
}

static void
test_append_output(void **unused)
{
	struct evrec evs[1];
	struct collected c = { 0 };
	struct engine_opts o;
	static const char *const tags[] = { "nope" };
	static const char *const fields[] = { "proc.pid", "who=%user.name" };
	struct engine_append ap[3];
	char *path;

	(void)unused;
	memset(ap, 0, sizeof(ap));
	ap[0].source = "syscall";
	ap[0].extra_output = "on %proc.name";
	ap[0].suggested = 1;
	ap[0].extra_fields = fields;
	ap[0].nextra_fields = 2;
	ap[1].rule = "sbin dir";
	ap[1].extra_output = "DIR";
	ap[2].tags = tags;
	ap[2].ntags = 1;
	ap[2].extra_output = "NEVER";
	memset(&o, 0, sizeof(o));
	o.match_all = 1;
	o.alert = collect_json;
	o.alert_arg = &c;
	o.append = ap;
	o.nappend = 3;
	EVB(&evs[0], FE_SYSCALL_OPENAT_2_X, 10 * SEC, 500, "-13", "-100",
	    "/sbin/probe_x", "0x246", "0644", "0", "0");
	path = write_capture("/sbin", NULL, 0, evs, 1);
	replay_opts(path, pitfall7_rules, &c, &o);
	assert_int_equal(c.n, 2);
	assert_non_null(strstr(c.out[0], "EACCES -1 alice on touch "
	    "container_id=host container_name=host\","));
	assert_non_null(strstr(c.out[1], "dir /sbin on touch container_id="
	    "host container_name=host DIR\","));
	assert_null(strstr(c.out[0], "NEVER"));
	/* extra fields: JSON only, typed or rendered */
	assert_non_null(strstr(c.out[0], "\"proc.pid\":500"));
	assert_non_null(strstr(c.out[0], "\"who\":\"alice\""));
	collected_free(&c);
	unlink(path);
	free(path);
}

/* ---- the container event ------------------------------------------- */

#define CID2	"fedcba9876543210fedcba9876543210" \
		"fedcba9876543210fedcba9876543210"

static const char cev_rules[] =
    "- macro: spawned_process\n"
    "  condition: (evt.type in (execve, execveat) and evt.res=SUCCESS)\n"
    "- macro: container\n"
    "  condition: (container.id != host)\n"
    "- macro: container_started\n"
    "  condition: >\n"
    "    ((evt.type = container or (spawned_process and proc.vpid=1))\n"
    "     and container and container.image.repository != incomplete)\n"
    "- rule: priv start\n"
    "  desc: d\n"
    "  condition: container_started and container.privileged=true\n"
    "  output: start %evt.type %container.id %container.name "
    "%container.image.repository %container.image.tag %proc.name\n"
    "  priority: INFO\n"
    "- rule: any start\n"
    "  desc: d\n"
    "  condition: container_started\n"
    "  output: any %evt.type %container.id\n"
    "  priority: INFO\n"
    "- rule: cev\n"
    "  desc: d\n"
    "  condition: evt.type=container and container.privileged=true\n"
    "  output: cev %container.id %container.image evt.num=%evt.num "
    "ts=%evt.rawtime tid=%thread.tid\n"
    "  priority: INFO\n";

static void
cev_route(struct mockapi *api, const char *cid, const char *name)
{
	char path[160], body[512];

	snprintf(path, sizeof(path), "/v1.41/containers/%s/json", cid);
	snprintf(body, sizeof(body), "{\"Id\":\"%s\",\"Name\":\"/%s\","
	    "\"State\":{\"Running\":true},\"Image\":\"sha256:aaaa\","
	    "\"HostConfig\":{\"Privileged\":true},"
	    "\"Config\":{\"Image\":\"docker.io/library/nginx:1.25\"}}",
	    cid, name);
	mockapi_route(api, path, 200, body);
}

/* Child side of a clone into a new pid namespace: tid is its pid 1. */
static void
cev_clone(struct evrec *r, uint64_t ts, int64_t tid, int64_t ptid)
{
	char t[24], p[24];

	snprintf(t, sizeof(t), "%lld", (long long)tid);
	snprintf(p, sizeof(p), "%lld", (long long)ptid);
	EVB(r, FE_SYSCALL_CLONE_20_X, ts, tid, "0", "conmon", "", t, t, p,
	    "/", "1024", "0", "0", "0", "0", "0", "conmon", "cpu=/", "0",
	    "0", "0", "1", "1", "0");
}

static size_t
count_prefix(const struct collected *c, const char *prefix)
{
	size_t i, n = 0;

	for (i = 0; i < c->n; i++)
		if (strncmp(c->out[i], prefix, strlen(prefix)) == 0)
			n++;
	return n;
}

/*
 * The init exec of a container runs before the runtime answers: once it
 * has, one container event is evaluated with the metadata; when the
 * metadata was ready at the exec, the exec alone matches.
 */
static void
test_container_event(void **unused)
{
	char dir[] = "/tmp/test_engine_cev_XXXXXX", sock[128], *errp = NULL;
	struct rules_loader *l = rules_loader_new();
	struct container_meta_options o;
	struct container_meta *cm;
	struct container_rec *rec;
	struct collected c = { 0 };
	struct engine_opts eo;
	struct rules_result *r;
	struct mockapi *api;
	struct evrec ev;
	struct engine *e;
	struct state *st;
	const char *socks[2];

	(void)unused;
	r = rules_load_content(l, "cev.yaml", cev_rules, strlen(cev_rules));
	assert_true(rules_result_ok(r));
	rules_result_free(r);
	assert_non_null(mkdtemp(dir));
	snprintf(sock, sizeof(sock), "%s/docker.sock", dir);
	api = mockapi_start(sock);
	assert_non_null(api);
	mockapi_route(api, "/v1.41/version", 200,
	    "{\"Version\":\"24.0.7\",\"ApiVersion\":\"1.43\"}");
	cev_route(api, CID, "web");
	cev_route(api, CID2, "db");
	/* Slow enough that the exec below is surely evaluated first. */
	mockapi_set_delay(api, 200);
	container_meta_options_init(&o);
	socks[0] = sock;
	socks[1] = NULL;
	o.sockets = socks;
	cm = container_meta_new(&o);
	assert_non_null(cm);
	st = state_new(0, 0);
	memset(&eo, 0, sizeof(eo));
	eo.match_all = 1;
	eo.alert = collect;
	eo.alert_arg = &c;
	eo.cmeta = cm;
	e = engine_new(st, rules_loader_ruleset(l), &eo, &errp);
	assert_non_null(e);

	evb_execve(&ev, 1 * SEC, 1, 0, 0, "/sbin/init", "", "systemd", "/",
	    "cpu=/");
	(void)engine_process(e, &ev.ev);
	/* pid 1 of a container execs, exits, is reaped: all before the
	   runtime answers */
	cev_clone(&ev, 2 * SEC, 300, 1);
	(void)engine_process(e, &ev.ev);
	evb_execve(&ev, 3 * SEC, 300, 0, 1, "/usr/bin/id", "", "id", "/",
	    "cpu=/docker/" CID);
	assert_int_equal(engine_process(e, &ev.ev), 0);
	evb_procexit(&ev, 4 * SEC, 300, 1);
	(void)engine_process(e, &ev.ev);
	EVB(&ev, FE_SYSCALL_CLOSE_X, 5 * SEC, 1, "0", "9");
	(void)engine_process(e, &ev.ev);
	assert_int_equal(c.n, 0);
	assert_int_equal(container_meta_wait_idle(cm, 10000), 0);
	/* the next event brings the container event first */
	EVB(&ev, FE_SYSCALL_CLOSE_X, 6 * SEC, 1, "0", "9");
	assert_int_equal(engine_process(e, &ev.ev), 3);
	assert_int_equal(c.n, 3);
	assert_string_equal(c.out[0], "priv start: start container "
	    "0123456789ab web docker.io/library/nginx 1.25 <NA>");
	assert_string_equal(c.out[1], "any start: any container "
	    "0123456789ab");
	assert_string_equal(c.out[2], "cev: cev 0123456789ab "
	    "docker.io/library/nginx:1.25 evt.num=6 ts=5000000000 tid=<NA>");
	/* nothing more for that container */
	EVB(&ev, FE_SYSCALL_CLOSE_X, 7 * SEC, 1, "0", "9");
	assert_int_equal(engine_process(e, &ev.ev), 0);

	/* metadata ready before the init exec: the exec matches, alone */
	assert_int_equal(container_meta_lookup(cm, CID2, &rec),
	    CONTAINER_META_PENDING);
	assert_int_equal(container_meta_wait_idle(cm, 10000), 0);
	cev_clone(&ev, 8 * SEC, 400, 1);
	(void)engine_process(e, &ev.ev);
	evb_execve(&ev, 9 * SEC, 400, 0, 1, "/usr/bin/id", "", "id", "/",
	    "cpu=/docker/" CID2);
	assert_int_equal(engine_process(e, &ev.ev), 2);
	EVB(&ev, FE_SYSCALL_CLOSE_X, 10 * SEC, 400, "0", "9");
	assert_int_equal(engine_process(e, &ev.ev), 0);
	assert_int_equal(c.n, 5);
	assert_string_equal(c.out[3], "priv start: start execve "
	    "fedcba987654 db docker.io/library/nginx 1.25 id");
	assert_string_equal(c.out[4], "any start: any execve "
	    "fedcba987654");
	assert_int_equal(count_prefix(&c, "cev:"), 1);
	assert_int_equal(count_prefix(&c, "priv start:"), 2);
	assert_int_equal(count_prefix(&c, "any start:"), 2);

	/* a pending exec whose runtime never knows the container: no
	   match, and the wait ends */
	mockapi_set_delay(api, 0);
	cev_clone(&ev, 11 * SEC, 500, 1);
	(void)engine_process(e, &ev.ev);
	evb_execve(&ev, 12 * SEC, 500, 0, 1, "/usr/bin/id", "", "id", "/",
	    "cpu=/docker/00112233445566778899aabbccddeeff"
	    "00112233445566778899aabbccddeeff");
	assert_int_equal(engine_process(e, &ev.ev), 0);
	assert_int_equal(container_meta_wait_idle(cm, 10000), 0);
	EVB(&ev, FE_SYSCALL_CLOSE_X, 13 * SEC, 1, "0", "9");
	assert_int_equal(engine_process(e, &ev.ev), 0);
	assert_int_equal(c.n, 5);

	engine_free(e);
	state_free(st);
	rules_loader_free(l);
	container_meta_free(cm);
	mockapi_stop(api);
	collected_free(&c);
	(void)rmdir(dir);
}

/* ---- socket tuples of the libs IPv6 captures ------------------------- */

static const char *
testdata(void)
{
	const char *d = getenv("FALCO_TESTDATA");

	return d != NULL ? d : "../shared/testdata";
}

/*
 * engine_type_facts() promises what the extractors give every event of
 * a type; the engine drops or simplifies rules on that promise.  Check
 * it on every event of every capture in the test data: each fact's
 * field, extracted, has the fact's value (or none).
 */
static void
test_type_facts(void **unused)
{
	static const char *const pats[] = {
		"falco-0.34.1/trace_files/*.scap", "captures/*.scap",
		"reference-driver/*.scap",
	};
	struct filter_fact facts[64];
	struct field_ref ref;
	struct filter_err ferr;
	struct fvals out;
	struct engine_ctx ctx;
	struct scap_reader *rd;
	struct state *st;
	struct fevt ev;
	char pat[4096], err[512];
	glob_t g;
	size_t i, k, n, nev = 0, nfacts = 0, ncap = 0;

	(void)unused;
	engine_fields_init();
	for (i = 0; i < sizeof(pats) / sizeof(pats[0]); i++) {
		snprintf(pat, sizeof(pat), "%s/%s", testdata(), pats[i]);
		if (glob(pat, 0, NULL, &g) != 0)
			continue;
		for (k = 0; k < g.gl_pathc; k++) {
			rd = scap_reader_open(g.gl_pathv[k], err, sizeof(err));
			if (rd == NULL)
				fail_msg("%s", err);
			st = state_new(0, 0);
			(void)state_seed_capture(st, rd);
			engine_ctx_init(&ctx, st, "h");
			while (scap_reader_next(rd, &ev, NULL) == 1) {
				ctx.evnum++;
				ctx.t = state_process(st, &ev);
				ctx.ev = &ev;
				nev++;
				n = engine_type_facts(ev.hdr->type, facts,
				    64);
				for (size_t f = 0; f < n; f++) {
					assert_int_equal(fields_resolve(
					    facts[f].field, NULL, 0, &ref,
					    &ferr), 0);
					(void)engine_extract(&ctx, &ref, &out);
					nfacts++;
					if (facts[f].value == NULL ?
					    out.n == 0 : out.n == 1 &&
					    out.v[0].v.s.len ==
					    strlen(facts[f].value) &&
					    memcmp(out.v[0].v.s.p,
					    facts[f].value,
					    out.v[0].v.s.len) == 0)
						continue;
					fail_msg("%s: event %zu type %u: %s "
					    "is not %s", g.gl_pathv[k], nev,
					    ev.hdr->type, facts[f].field,
					    facts[f].value != NULL ?
					    facts[f].value : "n/a");
				}
			}
			engine_ctx_free(&ctx);
			state_free(st);
			scap_reader_close(rd);
			ncap++;
		}
		globfree(&g);
	}
	print_message("type facts: %zu checked on %zu events of %zu "
	    "captures\n", nfacts, nev, ncap);
	assert_true(ncap >= 5 && nfacts > 1000);
}

/*
 * Every event of thread (or process) sel on an IPv6 socket, after the
 * connect, must show these values (libs test/libsinsp_e2e/ipv6.cpp; it
 * resolves port names, Falco does not: numbers here).
 */
static void
check_tuples(const char *capture, const char *sel, const char *want,
    const char *nets, size_t min)
{
	char path[1024], rules[2048];
	struct collected c = { 0 };
	size_t i, checked = 0, connected = 0;

	snprintf(path, sizeof(path), "%s/captures/%s", testdata(), capture);
	if (access(path, R_OK) != 0)
		skip();
	snprintf(rules, sizeof(rules),
	    "- rule: tuple\n"
	    "  desc: t\n"
	    "  condition: evt.dir = < and evt.type in (socket, connect, "
	    "recvfrom, sendto, close, accept, bind, read, write, poll) and "
	    "fd.type != file and "
	    "fd.type != unix and fd.type != pipe and %s\n"
	    "  output: \"%%evt.type|%%fd.type|%%fd.typechar|%%fd.sockfamily|"
	    "%%fd.name|%%fd.cip|%%fd.sip|%%fd.cport|%%fd.sport|%%fd.l4proto\"\n"
	    "  priority: WARNING\n"
	    "  warn_evttypes: false\n"
	    "- rule: nets\n"
	    "  desc: t\n"
	    "  condition: evt.dir = < and evt.type in (connect, recvfrom, "
	    "sendto, close, read, write, poll) and fd.type = ipv6 and %s and "
	    "%s\n"
	    "  output: net\n"
	    "  priority: WARNING\n", sel, sel, nets);
	replay(path, rules, &c);
	for (i = 0; i < c.n; i++) {
		const char *line = c.out[i];

		if (strncmp(line, "nets: ", 6) == 0) {
			checked++;
			continue;
		}
		if (strstr(line, "|ipv6|6|ip|") == NULL)
			fail_msg("not an ipv6 socket: %s", line);
		if (strncmp(line, "tuple: connect|", 15) == 0)
			connected = 1;
		if (!connected)
			continue;
		if (strstr(line, want) == NULL)
			fail_msg("%s: got %s, want ...%s", capture, line, want);
		checked++;
	}
	if (checked < min)
		fail_msg("%s: only %zu checked events", capture, checked);
	collected_free(&c);
}

static void
test_tuples_curl_dns(void **unused)
{
	(void)unused;
	check_tuples("curl_google.scap", "thread.tid=17498",
	    "|2600:1f18:262c:6542:9aa6:df7a:9a47:d29e:40251->"
	    "2001:4860:4860::8888:53|2600:1f18:262c:6542:9aa6:df7a:9a47:d29e|"
	    "2001:4860:4860::8888|40251|53|udp",
	    "fd.ip=2600:1f18:262c:6542:9aa6:df7a:9a47:d29e and "
	    "fd.ip=2001:4860:4860::8888 and fd.cnet=2600:1f18:262c:6542::/64 "
	    "and fd.snet=2001:4860:4860::/64 and "
	    "fd.lnet=2600:1f18:262c:6542::/64 and "
	    "fd.rnet=2001:4860:4860::/64 and fd.is_server=false", 2);
}

static void
test_tuples_curl_www(void **unused)
{
	(void)unused;
	check_tuples("curl_google.scap", "thread.tid=17497",
	    "|2600:1f18:262c:6542:9aa6:df7a:9a47:d29e:37140->"
	    "2607:f8b0:4004:802::2004:80|2600:1f18:262c:6542:9aa6:df7a:9a47:"
	    "d29e|2607:f8b0:4004:802::2004|37140|80|tcp",
	    "fd.net=2600:1f18:262c:6542::/64 and "
	    "fd.net=2607:f8b0:4004:802::/64 and fd.lport=37140 and "
	    "fd.rport=80", 2);
}

static void
test_tuples_single_conn(void **unused)
{
	(void)unused;
	/* client and server side of one connection on one host */
	check_tuples("single_ipv6_conn.scap", "proc.pid=25888",
	    "|2001:db8::4:54405->2001:db8::3:1234|2001:db8::4|2001:db8::3|"
	    "54405|1234|tcp",
	    "fd.cip=2001:db8::4 and fd.sip=2001:db8::3 and "
	    "fd.cnet=2001:db8::/64", 2);
	check_tuples("single_ipv6_conn.scap", "proc.pid=25886",
	    "|2001:db8::4:54405->2001:db8::3:1234|2001:db8::4|2001:db8::3|"
	    "54405|1234|tcp",
	    "fd.cip=2001:db8::4 and fd.sport=1234", 1);
}

/*
 * A UDP socket learning its ends from sendto tuples and connects (libs
 * test_ipv6_client): unconnected sendto, connect, reconnect elsewhere,
 * sendto back to the first peer.
 */
static void
test_tuples_udp_client(void **unused)
{
	char path[1024];
	struct collected c = { 0 };
	static const char rules[] =
	    "- rule: udp\n"
	    "  desc: t\n"
	    "  condition: evt.type = sendto and evt.dir = < and "
	    "proc.name = test_ipv6_clien and fd.type = ipv6\n"
	    "  output: \"%fd.name %fd.l4proto %fd.lport\"\n"
	    "  priority: WARNING\n";
	static const char *const want[] = {
		"udp: ::1:0->::1:2345 udp 0",
		"udp: ::1:38255->::1:2345 udp 38255",
		"udp: ::1:38255->2001:4860:4860::8888:53 udp 38255",
		"udp: ::1:38255->::1:2345 udp 38255",
	};
	size_t i;

	(void)unused;
	snprintf(path, sizeof(path), "%s/captures/test_ipv6_client.scap",
	    testdata());
	if (access(path, R_OK) != 0)
		skip();
	replay(path, rules, &c);
	assert_int_equal(c.n, 4);
	for (i = 0; i < 4; i++)
		assert_string_equal(c.out[i], want[i]);
	collected_free(&c);
}

/* ---- alerts held for container metadata ------------------------------ */

#define CID3	"aaaabbbbccccddddeeeeffff00001111" \
		"2222333344445555666677778888999a"

static const char hold_rules[] =
    "- rule: exec\n"
    "  desc: d\n"
    "  condition: evt.type = execve\n"
    "  output: run %proc.name in %container.id (%container.name) "
    "image=%container.image.repository:%container.image.tag "
    "priv=%container.privileged ns=%k8s.ns.name\n"
    "  priority: INFO\n"
    "- rule: ids only\n"
    "  desc: d\n"
    "  condition: evt.type = execve and proc.name = id\n"
    "  output: ids %proc.name %container.id\n"
    "  priority: INFO\n";

/* The output and one output field of alert i, as JSON text. */
static void
assert_held(const struct collected *c, size_t i, const char *output,
    const char *field)
{
	assert_true(i < c->n);
	if (strstr(c->out[i], output) == NULL)
		fail_msg("alert %zu: no '%s' in %s", i, output, c->out[i]);
	if (field != NULL && strstr(c->out[i], field) == NULL)
		fail_msg("alert %zu: no '%s' in %s", i, field, c->out[i]);
}

/*
 * An alert that shows the metadata of a container still being looked
 * up waits for the answer (not the event loop: other alerts go on),
 * then goes out with the fields filled; after hold_ms, or on
 * engine_flush(), with <NA>.
 */
static void
test_held_alerts(void **unused)
{
	char dir[] = "/tmp/test_engine_hold_XXXXXX", sock[128], *errp = NULL;
	const char *extra[] = { "container.image.repository",
	    "img=%container.image" };
	struct rules_loader *l = rules_loader_new();
	struct container_meta_options o;
	struct container_meta *cm;
	struct collected c = { 0 };
	struct engine_append ap;
	struct engine_opts eo;
	struct rules_result *r;
	struct mockapi *api;
	struct evrec ev;
	struct engine *e;
	struct state *st;
	const char *socks[2];

	(void)unused;
	r = rules_load_content(l, "hold.yaml", hold_rules, strlen(hold_rules));
	assert_true(rules_result_ok(r));
	rules_result_free(r);
	assert_non_null(mkdtemp(dir));
	snprintf(sock, sizeof(sock), "%s/docker.sock", dir);
	api = mockapi_start(sock);
	assert_non_null(api);
	mockapi_route(api, "/v1.41/version", 200,
	    "{\"Version\":\"24.0.7\",\"ApiVersion\":\"1.43\"}");
	cev_route(api, CID, "web");
	mockapi_set_delay(api, 300);
	container_meta_options_init(&o);
	socks[0] = sock;
	socks[1] = NULL;
	o.sockets = socks;
	o.podman_storage = NULL;
	cm = container_meta_new(&o);
	assert_non_null(cm);
	st = state_new(0, 0);
	memset(&ap, 0, sizeof(ap));
	ap.rule = "exec";
	ap.extra_fields = extra;
	ap.nextra_fields = 2;
	memset(&eo, 0, sizeof(eo));
	eo.match_all = 1;
	eo.alert = collect_json;
	eo.alert_arg = &c;
	eo.cmeta = cm;
	eo.append = &ap;
	eo.nappend = 1;
	e = engine_new(st, rules_loader_ruleset(l), &eo, &errp);
	assert_non_null(e);

	evb_execve(&ev, 1 * SEC, 1, 0, 0, "/sbin/init", "", "systemd", "/",
	    "cpu=/");
	(void)engine_process(e, &ev.ev);
	assert_int_equal(c.n, 1);		/* the host's: at once */
	cev_clone(&ev, 2 * SEC, 300, 1);
	(void)engine_process(e, &ev.ev);
	/* Two matches in the container while the runtime has not answered:
	   the one that shows metadata waits, the one with ids only not. */
	evb_execve(&ev, 3 * SEC, 300, 0, 1, "/usr/bin/id", "", "id", "/",
	    "cpu=/docker/" CID);
	assert_int_equal(engine_process(e, &ev.ev), 2);
	assert_int_equal(c.n, 2);
	assert_held(&c, 1, "ids id 0123456789ab", NULL);
	/* The container's process is gone before the answer comes. */
	evb_procexit(&ev, 4 * SEC, 300, 1);
	(void)engine_process(e, &ev.ev);
	/* The host goes on meanwhile; its alerts overtake the held one. */
	evb_execve(&ev, 5 * SEC, 1, 0, 0, "/sbin/init", "", "systemd", "/",
	    "cpu=/");
	(void)engine_process(e, &ev.ev);
	assert_int_equal(c.n, 3);
	assert_held(&c, 2, "run systemd in host (host)", NULL);
	assert_int_equal(container_meta_wait_idle(cm, 10000), 0);
	engine_tick(e);
	assert_int_equal(c.n, 4);
	assert_held(&c, 3, ".000000000: Informational "
	    "run id in 0123456789ab (web) image=docker.io/library/nginx:1.25 "
	    "priv=true ns=<NA>", "\"container.image.repository\":"
	    "\"docker.io/library/nginx\"");
	assert_held(&c, 3, "\"container.privileged\":true",
	    "\"img\":\"docker.io/library/nginx:1.25\"");
	assert_held(&c, 3, "\"proc.name\":\"id\"", "\"k8s.ns.name\":null");
	engine_tick(e);
	assert_int_equal(c.n, 4);

	/* An id the runtime never answers for in time: <NA> after hold_ms. */
	engine_free(e);
	eo.hold_ms = 100;
	e = engine_new(st, rules_loader_ruleset(l), &eo, &errp);
	assert_non_null(e);
	mockapi_set_delay(api, 1500);
	cev_clone(&ev, 6 * SEC, 301, 1);
	(void)engine_process(e, &ev.ev);
	evb_execve(&ev, 7 * SEC, 301, 0, 1, "/bin/true", "", "true", "/",
	    "cpu=/docker/" CID3);
	(void)engine_process(e, &ev.ev);
	assert_int_equal(c.n, 4);
	engine_tick(e);
	assert_int_equal(c.n, 4);
	usleep(150 * 1000);
	engine_tick(e);
	assert_int_equal(c.n, 5);
	assert_held(&c, 4, "run true in aaaabbbbcccc (<NA>) image=<NA>:<NA> "
	    "priv=<NA>", "\"container.image.repository\":null");

	/* engine_flush(): out now, as it stands. */
	evb_execve(&ev, 8 * SEC, 301, 0, 1, "/bin/false", "", "false", "/",
	    "cpu=/docker/" CID3);
	(void)engine_process(e, &ev.ev);
	assert_int_equal(c.n, 5);
	engine_flush(e);
	assert_int_equal(c.n, 6);
	assert_held(&c, 5, "run false in aaaabbbbcccc (<NA>)", NULL);

	/* hold_ms < 0: never held. */
	engine_free(e);
	eo.hold_ms = -1;
	e = engine_new(st, rules_loader_ruleset(l), &eo, &errp);
	assert_non_null(e);
	evb_execve(&ev, 9 * SEC, 301, 0, 1, "/bin/true", "", "true", "/",
	    "cpu=/docker/" CID3);
	(void)engine_process(e, &ev.ev);
	assert_int_equal(c.n, 7);

	engine_free(e);
	container_meta_free(cm);
	mockapi_stop(api);
	(void)rmdir(dir);
	state_free(st);
	rules_loader_free(l);
	collected_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_proc),
		cmocka_unit_test(test_format_fd_evt),
		cmocka_unit_test(test_format_errors),
		cmocka_unit_test(test_format_more_fields),
		cmocka_unit_test(test_evt_arg_cache),
		cmocka_unit_test(test_type_facts),
		cmocka_unit_test(test_container_metadata),
		cmocka_unit_test(test_time_fields),
		cmocka_unit_test(test_pitfall7_failed_open),
		cmocka_unit_test(test_pitfall6_dirfd),
		cmocka_unit_test(test_append_output),
		cmocka_unit_test(test_container_event),
		cmocka_unit_test(test_held_alerts),
		cmocka_unit_test(test_tuples_curl_dns),
		cmocka_unit_test(test_tuples_curl_www),
		cmocka_unit_test(test_tuples_single_conn),
		cmocka_unit_test(test_tuples_udp_client),
	};

	filter_set_evtypes(filter_schema_evtypes());
	engine_fields_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
