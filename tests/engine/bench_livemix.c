/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The detection path on the event mix tests/live/b_live.sh makes the
 * daemon consume, replayed on one core with the default rules
 * (rules/falco_rules.yaml, not bench_engine's synthetic ones): the
 * open/read/close loop as the live drivers report it (openat enter and
 * exit, read exit, close exit) from one process, plus one event in
 * eight from a second process reading a file under /etc, which some
 * default rules look at further.
 *
 *   read:  reader only (decode every event);
 *   state: reader + state;
 *   full:  reader + state + the default rules (output formatting
 *          included, into a discarding sink; the mix raises no alert).
 *
 * Prints CPU ns per event of each stage and of the rules alone (full -
 * state).  Never fails on a timing.  BENCH_EVENTS sets the size
 * (default 1000000); FALCO_SRC finds the rules.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../state/evbuild.h"
#include "engine/engine.h"
#include "filter/filter.h"
#include "outputs/outputs.h"
#include "rules/rules.h"
#include "scapfile/scapfile.h"
#include "state/state.h"
#include "util/sbuf.h"

/* CPU time of this thread, in seconds. */
static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
put(struct scap_writer *w, struct evrec *r, size_t *n)
{
	if (scap_writer_event(w, (const struct fevt_hdr *)r->buf, 0, 0) != 0) {
		fprintf(stderr, "write: %s\n", scap_writer_error(w));
		exit(1);
	}
	(*n)++;
}

/* One open/read/close of path by tid, fd 3, as the drivers give it. */
static void
loop_iter(struct scap_writer *w, uint64_t ts, int64_t tid, const char *path,
    const char *data, size_t *n)
{
	struct evrec r;

	EVB(&r, FE_SYSCALL_OPENAT_2_E, ts, tid, "-100", path, "0x1", "0");
	put(w, &r, n);
	EVB(&r, FE_SYSCALL_OPENAT_2_X, ts + 400, tid, "3", "-100", path,
	    "0x1", "0", "0xfe00", "733");
	put(w, &r, n);
	EVB(&r, FE_SYSCALL_READ_X, ts + 700, tid, "36", data, "3", "64");
	put(w, &r, n);
	EVB(&r, FE_SYSCALL_CLOSE_X, ts + 900, tid, "0", "3");
	put(w, &r, n);
}

static size_t
generate(const char *path, size_t nevents)
{
	/* argv[1..] of the two processes, NUL-separated */
	static const char args0[] = "open\0/tmp/falco-live.Ab12Cd/file\0"
	    "30000";
	static const char args1[] = "/etc/hostname";
	struct scap_writer *w;
	struct scap_thread th[2];
	char err[256];
	uint64_t ts = 1700000000ULL * 1000000000ULL;
	size_t n = 0, i;

	if ((w = scap_writer_open(path, 0, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
	memset(th, 0, sizeof(th));
	for (i = 0; i < 2; i++) {
		th[i].tid = th[i].pid = 4000 + (int64_t)i;
		th[i].ptid = 1;
		th[i].comm = i == 0 ? "live_loop" : "cat";
		th[i].exe = th[i].comm;
		th[i].exepath = i == 0 ? "/work/build/testbin/live_loop" :
		    "/usr/bin/cat";
		th[i].cwd = "/work";
		th[i].root = "/";
		th[i].args = i == 0 ? args0 : args1;
		th[i].args_len = i == 0 ? sizeof(args0) : sizeof(args1);
		th[i].env = "";
		th[i].cgroups = "cpu=/user.slice";
		th[i].cgroups_len = (uint32_t)strlen(th[i].cgroups) + 1;
		th[i].vtid = th[i].vpid = th[i].tid;
		th[i].loginuid = 0;
	}
	(void)scap_writer_threads(w, th, 2);
	for (i = 0; n < nevents; i++) {
		ts += 2000;
		if (i % 8 == 7)
			loop_iter(w, ts, 4001, "/etc/hostname", "vm.",
			    &n);
		else
			loop_iter(w, ts, 4000, "/tmp/falco-live.Ab12Cd/file",
			    "payload of the open/read/close loop", &n);
	}
	if (scap_writer_close(w, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
	return n;
}

static void
discard(void *arg, const struct alert *a)
{
	(*(uint64_t *)arg)++;
}

/* CPU seconds of a replay of path; rs NULL: state only; st NULL: read. */
static double
replay(const char *path, struct rules_set *rs, int with_state,
    uint64_t *nev, uint64_t *alerts)
{
	struct scap_reader *rd;
	struct state *st = NULL;
	struct engine *e = NULL;
	struct engine_opts o;
	struct fevt ev;
	char err[512], *errp = NULL;
	double t0, t;

	if ((rd = scap_reader_open(path, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
	if (with_state) {
		memset(&o, 0, sizeof(o));
		o.hostname = "bench";
		o.alert = discard;
		o.alert_arg = alerts;
		st = state_new(0, 0);
		(void)state_seed_capture(st, rd);
		if ((e = engine_new(st, rs, &o, &errp)) == NULL) {
			fprintf(stderr, "%s\n", errp);
			exit(1);
		}
	}
	*nev = 0;
	t0 = now();
	while (scap_reader_next(rd, &ev, NULL) == 1) {
		if (e != NULL)
			(void)engine_process(e, &ev);
		(*nev)++;
	}
	t = now() - t0;
	engine_free(e);
	state_free(st);
	scap_reader_close(rd);
	return t;
}

int
main(void)
{
	char path[] = "/tmp/bench_livemix_XXXXXX", rpath[4096];
	const char *env = getenv("BENCH_EVENTS"), *src = getenv("FALCO_SRC");
	size_t want = env != NULL ? strtoul(env, NULL, 10) : 1000000;
	struct rules_loader *l;
	struct rules_result *res;
	struct sbuf sb = SBUF_INIT;
	uint64_t n, alerts = 0;
	double tr, ts, tf;
	int fd;

	if ((fd = mkstemp(path)) < 0)
		return 1;
	close(fd);
	(void)generate(path, want);

	filter_set_evtypes(filter_schema_evtypes());
	engine_fields_init();
	snprintf(rpath, sizeof(rpath), "%s/rules/falco_rules.yaml",
	    src != NULL ? src : ".");
	l = rules_loader_new();
	res = rules_load_file(l, rpath);
	if (!rules_result_ok(res)) {
		rules_result_verbose(res, &sb);
		fprintf(stderr, "%s: %s\n", rpath, sbuf_str(&sb));
		unlink(path);
		return 1;
	}
	rules_result_free(res);

	tr = replay(path, NULL, 0, &n, &alerts);
	ts = replay(path, NULL, 1, &n, &alerts);
	tf = replay(path, rules_loader_ruleset(l), 1, &n, &alerts);
	printf("events:            %llu (openat > <, read <, close <), "
	    "%zu rules\n", (unsigned long long)n,
	    rules_count(rules_loader_ruleset(l)));
	printf("read only:         %.0f ns/event of CPU\n", tr * 1e9 / n);
	printf("state:             %.0f ns/event of CPU\n", ts * 1e9 / n);
	printf("full (default rules): %.0f ns/event of CPU, %.0f events/s\n",
	    tf * 1e9 / n, n / tf);
	printf("rules alone:       %.0f ns/event (full - state)\n",
	    (tf - ts) * 1e9 / n);
	printf("ratio full/read:   %.2f\n", tf / tr);
	printf("alerts:            %llu\n", (unsigned long long)alerts);
	rules_loader_free(l);
	sbuf_free(&sb);
	unlink(path);
	return 0;
}
