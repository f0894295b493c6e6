/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the capture layer that need no driver: configuration,
 * the syscall interest mask, the replay source, and recording (from a
 * capture and from a state seeded from /proc) read back with the scap
 * reader.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "capture/capture.h"
#include "capture/capture_int.h"
#include "config/config.h"
#include "filter/filter.h"
#include "rules/rules.h"
#include "scapfile/scapfile.h"
#include "state/state.h"

static struct config *
cfg_of(const char *yaml, char **opts, size_t nopts)
{
	struct config *cfg = config_new();
	char *err = NULL;

	if (config_load_string(cfg, yaml, strlen(yaml), "test.yaml", opts,
	    nopts, 0, &err) != 0)
		fail_msg("config: %s", err != NULL ? err : "?");
	free(err);
	return cfg;
}

static int
has(const struct capture_interest *in, const char *name)
{
	struct capture_interest one;

	memset(&one, 0, sizeof(one));
	if (capture_interest_set_name(&one, name, 1) != 0)
		fail_msg("unknown syscall %s", name);
	for (uint32_t nr = 0; nr < CAPTURE_NR_MAX; nr++)
		if (capture_interest_has(&one, nr))
			return capture_interest_has(in, nr);
	return 0;
}

static void
t_presets(void **state)
{
	(void)state;
	assert_int_equal(capture_preset_bytes(0), 8u << 20);
	assert_int_equal(capture_preset_bytes(1), 1u << 20);
	assert_int_equal(capture_preset_bytes(4), 8u << 20);
	assert_int_equal(capture_preset_bytes(10), 512u << 20);
	assert_int_equal(capture_preset_bytes(11), 0);
	assert_int_equal(capture_preset_bytes(-1), 0);
}

static void
t_opts(void **state)
{
	struct capture_opts o;
	struct config *cfg;
	char err[256];

	(void)state;
	cfg = cfg_of("engine:\n  kind: modern_ebpf\n  capture_file: /tmp/x.scap\n"
	    "  modern_ebpf:\n    buf_size_preset: 6\n"
	    "    cpus_for_each_buffer: 0\n"
	    "falco_libs:\n  snaplen: 512\n", NULL, 0);
	assert_int_equal(capture_opts_from_config(&o, cfg, NULL, err,
	    sizeof(err)), 0);
	assert_int_equal(o.kind, CAPTURE_MODERN_EBPF);
	assert_int_equal(o.ring_bytes, 32u << 20);
	assert_int_equal(o.cpus_per_ring, 0);
	assert_int_equal(o.snaplen, 512);
	assert_string_equal(o.record_path, "/tmp/x.scap");
	/* -e wins over the kind */
	assert_int_equal(capture_opts_from_config(&o, cfg, "f.scap", err,
	    sizeof(err)), 0);
	assert_int_equal(o.kind, CAPTURE_REPLAY);
	assert_string_equal(o.replay_path, "f.scap");
	config_free(cfg);

	cfg = cfg_of("engine:\n  kind: kmod\n", NULL, 0);
	assert_int_equal(capture_opts_from_config(&o, cfg, NULL, err,
	    sizeof(err)), 0);
	assert_int_equal(o.kind, CAPTURE_KMOD);
	assert_int_equal(o.ring_bytes, 8u << 20);
	assert_int_equal(o.snaplen, 80);
	assert_null(o.record_path);
	config_free(cfg);

	cfg = cfg_of("engine:\n  kind: replay\n", NULL, 0);
	assert_int_equal(capture_opts_from_config(&o, cfg, NULL, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "capture_file"));
	config_free(cfg);

	cfg = cfg_of("engine:\n  kind: gvisor\n", NULL, 0);
	assert_int_equal(capture_opts_from_config(&o, cfg, NULL, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "gvisor"));
	config_free(cfg);

	cfg = cfg_of("engine:\n  kind: kmod\n  kmod:\n    buf_size_preset: 12\n",
	    NULL, 0);
	assert_int_equal(capture_opts_from_config(&o, cfg, NULL, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "buf_size_preset: 12"));
	config_free(cfg);

	cfg = cfg_of("engine:\n  kind: kmod\nfalco_libs:\n  snaplen: 70000\n",
	    NULL, 0);
	assert_int_equal(capture_opts_from_config(&o, cfg, NULL, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "snaplen"));
	config_free(cfg);
}

static void
t_interest_state(void **state)
{
	struct capture_interest in;
	struct config *cfg;
	char err[256];

	(void)state;
	/* No rules, default base_syscalls: the state set only. */
	cfg = cfg_of("base_syscalls:\n  custom_set: []\n", NULL, 0);
	assert_int_equal(capture_interest_build(&in, NULL, cfg, err,
	    sizeof(err)), 0);
	assert_true(has(&in, "openat"));
	assert_true(has(&in, "close"));
	assert_true(has(&in, "clone3"));
	assert_true(has(&in, "dup2"));
	assert_true(has(&in, "connect"));
	assert_true(has(&in, "fchdir"));
	assert_true(has(&in, "setresuid"));
	assert_false(has(&in, "getppid"));
	assert_false(has(&in, "read"));
	assert_true(in.exec_tp && in.exit_tp);
	assert_false(in.all);
	config_free(cfg);

	/* A custom set replaces the state set... */
	cfg = cfg_of("base_syscalls:\n  custom_set: [getppid, procexit]\n",
	    NULL, 0);
	assert_int_equal(capture_interest_build(&in, NULL, cfg, err,
	    sizeof(err)), 0);
	assert_true(has(&in, "getppid"));
	assert_false(has(&in, "openat"));
	assert_int_equal(in.count, 1);
	assert_true(in.exit_tp);
	assert_false(in.exec_tp);
	config_free(cfg);

	/* ...unless repair adds it back; "!name" removes, in any order. */
	cfg = cfg_of("base_syscalls:\n  custom_set: ['!close', getppid]\n"
	    "  repair: true\n", NULL, 0);
	assert_int_equal(capture_interest_build(&in, NULL, cfg, err,
	    sizeof(err)), 0);
	assert_true(has(&in, "getppid"));
	assert_true(has(&in, "openat"));
	assert_false(has(&in, "close"));
	config_free(cfg);

	/* An unknown name is an error with its location. */
	cfg = cfg_of("base_syscalls:\n  custom_set: [getppid, nosuchcall]\n",
	    NULL, 0);
	assert_int_equal(capture_interest_build(&in, NULL, cfg, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "test.yaml:2:"));
	assert_non_null(strstr(err, "'nosuchcall'"));
	config_free(cfg);

	cfg = cfg_of("base_syscalls:\n  all: true\n", NULL, 0);
	assert_int_equal(capture_interest_build(&in, NULL, cfg, err,
	    sizeof(err)), 0);
	assert_true(in.all);
	assert_true(has(&in, "getppid"));
	assert_true(has(&in, "read"));
	assert_true(in.count > 300);
	config_free(cfg);
}

static void
t_interest_rules(void **state)
{
	static const char rules[] =
	    "- rule: r1\n  desc: d\n"
	    "  condition: evt.type in (rename, symlinkat) and fd.num > 0\n"
	    "  output: o\n  priority: WARNING\n"
	    "- rule: r2\n  desc: d\n"
	    "  condition: evt.type = mkdirat\n"
	    "  output: o\n  priority: WARNING\n  enabled: false\n";
	struct rules_loader *l = rules_loader_new();
	struct rules_result *r;
	struct capture_interest in;
	char err[256];

	(void)state;
	filter_set_evtypes(filter_schema_evtypes());
	r = rules_load_content(l, "r.yaml", rules, strlen(rules));
	assert_true(rules_result_ok(r));
	rules_result_free(r);
	assert_int_equal(capture_interest_build(&in, rules_loader_ruleset(l),
	    NULL, err, sizeof(err)), 0);
	assert_true(has(&in, "rename"));
	assert_true(has(&in, "symlinkat"));
	assert_false(has(&in, "renameat2"));	/* not named */
	assert_false(has(&in, "mkdirat"));	/* disabled rule */
	assert_true(has(&in, "openat"));	/* state */
	rules_loader_free(l);
}

static const char *
testdata(const char *rel, char *buf, size_t len)
{
	const char *td = getenv("FALCO_TESTDATA");

	snprintf(buf, len, "%s/%s", td != NULL ? td :
	    "../shared/testdata", rel);
	return buf;
}

/* A replay recorded again gives the same metadata and the same events. */
static void
t_replay_record(void **state)
{
	char path[512], out[] = "/tmp/test_capture.XXXXXX", err[256];
	struct capture_opts o;
	struct capture_counters cc;
	struct capture *c;
	struct state *st;
	struct scap_reader *a, *b;
	struct fevt ea, eb;
	size_t na, nb;
	long n;
	int fd, ra, rb, events = 0;

	(void)state;
	testdata("falco-0.34.1/trace_files/cat_write.scap", path,
	    sizeof(path));
	if (access(path, R_OK) != 0)
		skip();
	assert_true((fd = mkstemp(out)) >= 0);
	close(fd);
	memset(&o, 0, sizeof(o));
	o.kind = CAPTURE_REPLAY;
	o.replay_path = path;
	o.record_path = out;
	c = capture_open(&o, err, sizeof(err));
	assert_non_null(c);
	assert_false(capture_is_live(c));
	st = state_new(0, capture_host_users(c));
	n = capture_seed_state(c, st);
	assert_true(n > 0);
	assert_int_equal(capture_start(c), 0);
	while ((ra = capture_next(c, &ea, 0)) == CAPTURE_EVENT)
		events++;
	assert_int_equal(ra, CAPTURE_END);
	assert_int_equal(capture_stats(c, &cc), -1);	/* no counters */
	assert_int_equal(cc.n_read, (uint64_t)events);
	assert_int_equal(cc.n_recorded, (uint64_t)events);
	assert_int_equal(capture_close(c), 0);
	state_free(st);

	a = scap_reader_open(path, err, sizeof(err));
	b = scap_reader_open(out, err, sizeof(err));
	assert_non_null(a);
	assert_non_null(b);
	(void)scap_reader_threads(a, &na);
	(void)scap_reader_threads(b, &nb);
	assert_int_equal(na, nb);
	for (;;) {
		ra = scap_reader_next(a, &ea, NULL);
		rb = scap_reader_next(b, &eb, NULL);
		assert_int_equal(ra, rb);
		if (ra != 1)
			break;
		assert_int_equal(ea.hdr->len, eb.hdr->len);
		assert_memory_equal(ea.hdr, eb.hdr, ea.hdr->len);
	}
	scap_reader_close(a);
	scap_reader_close(b);
	unlink(out);
}

/*
 * The metadata of a live recording comes from the state seeded from
 * /proc: this process, its cwd and an fd it holds come back from the
 * file.
 */
static void
t_record_from_proc(void **state)
{
	char out[] = "/tmp/test_capture.XXXXXX", cwd[512];
	struct capture *c = calloc(1, sizeof(*c));
	struct state *st, *st2;
	struct scap_reader *r;
	struct st_thread *t;
	struct st_fd *f;
	char err[256];
	int fd, probe;

	(void)state;
	assert_non_null(c);
	assert_true((fd = mkstemp(out)) >= 0);
	close(fd);
	probe = open("/etc/hostname", O_RDONLY);
	assert_true(probe >= 0);
	st = state_new(0, 1);
	assert_true(state_seed_proc(st, "/proc") > 0);
	c->o.kind = CAPTURE_MODERN_EBPF;
	c->o.record_path = out;
	assert_int_equal(capture_record_open(c, st), 0);
	assert_int_equal(capture_record_close(c), 0);

	r = scap_reader_open(out, err, sizeof(err));
	assert_non_null(r);
	assert_non_null(scap_reader_machine(r));
	assert_true(scap_reader_machine(r)->num_cpus > 0);
	st2 = state_new(0, 0);
	assert_true(state_seed_capture(st2, r) > 0);
	t = state_thread(st2, getpid());
	assert_non_null(t);
	assert_string_equal(t->comm, state_thread(st, getpid())->comm);
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_non_null(strstr(t->cwd, cwd));
	assert_string_equal(t->cwd, state_thread(st, getpid())->cwd);
	f = state_fd(st2, t, probe);
	assert_non_null(f);
	assert_string_equal(f->name, "/etc/hostname");
	assert_int_equal(f->type, STFD_FILE);
	assert_non_null(state_user(st2, 0));
	assert_string_equal(state_user(st2, 0)->name, "root");
	scap_reader_close(r);
	state_free(st2);
	state_free(st);
	close(probe);
	free(c);
	unlink(out);
}

/* Open failures name their cause. */
static void
t_open_errors(void **state)
{
	struct capture_opts o;
	char err[256];

	(void)state;
	memset(&o, 0, sizeof(o));
	o.kind = CAPTURE_REPLAY;
	o.replay_path = "/nonexistent/x.scap";
	assert_null(capture_open(&o, err, sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent/x.scap"));
	o.kind = CAPTURE_KMOD;
	o.devdir = "/nonexistent";
	assert_null(capture_open(&o, err, sizeof(err)));
	assert_non_null(strstr(err, "falco"));
}

/* A recording that cannot be created fails the seeding, with the path. */
static void
t_record_error(void **state)
{
	char path[512], err[256];
	struct capture_opts o;
	struct capture *c;
	struct state *st;

	(void)state;
	testdata("falco-0.34.1/trace_files/cat_write.scap", path,
	    sizeof(path));
	if (access(path, R_OK) != 0)
		skip();
	memset(&o, 0, sizeof(o));
	o.kind = CAPTURE_REPLAY;
	o.replay_path = path;
	o.record_path = "/nonexistent/dir/rec.scap";
	assert_non_null(c = capture_open(&o, err, sizeof(err)));
	st = state_new(0, 0);
	assert_int_equal(capture_seed_state(c, st), -1);
	assert_non_null(strstr(capture_error(c), "/nonexistent/dir/rec.scap"));
	assert_int_equal(capture_close(c), 0);
	state_free(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_presets),
		cmocka_unit_test(t_opts),
		cmocka_unit_test(t_interest_state),
		cmocka_unit_test(t_interest_rules),
		cmocka_unit_test(t_replay_record),
		cmocka_unit_test(t_record_from_proc),
		cmocka_unit_test(t_open_errors),
		cmocka_unit_test(t_record_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
