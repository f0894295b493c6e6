/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Throughput of the detection path on one core: a capture of a realistic
 * mix (open/read/close, clone/execve, socket/connect/sendto, across many
 * processes) is written with our writer, then replayed
 *
 *   baseline: reader only (decode every event);
 *   full:     reader + state + 100 rules + output formatting and JSON
 *             rendering into a discarding sink.
 *
 * Prints events per CPU-second of both, their ratio, alerts and peak
 * memory.  Never fails on a timing.  BENCH_EVENTS sets the size
 * (default 2000000).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <malloc.h>
#include <sys/resource.h>
#include <sys/stat.h>
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

#define NPROC	400

static const char *const paths[] = {
	"/etc/passwd", "/etc/hosts", "/usr/lib/x86_64-linux-gnu/libc.so.6",
	"/var/log/syslog", "/proc/self/status", "/tmp/work.dat",
	"/home/alice/.bashrc", "/etc/ld.so.cache", "/usr/share/zoneinfo/UTC",
	"/dev/null", "/etc/shadow", "/root/.ssh/id_rsa",
};
static const char *const progs[] = {
	"nginx", "python3", "java", "bash", "sh", "curl", "postgres", "sshd",
	"cat", "grep", "node", "redis-server",
};

/*
 * CPU time of this thread: the machine is shared, and "events per second
 * on one core" is events per CPU-second of the one thread doing the work.
 */
static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
put(struct scap_writer *w, struct evrec *r)
{
	if (scap_writer_event(w, (const struct fevt_hdr *)r->buf, 0, 0) != 0) {
		fprintf(stderr, "write: %s\n", scap_writer_error(w));
		exit(1);
	}
}

static size_t
generate(const char *path, size_t nevents)
{
	struct scap_writer *w;
	struct scap_thread th[NPROC];
	struct evrec r;
	char err[256], nb[4][64], args[64];
	uint64_t ts = 1700000000ULL * 1000000000ULL;
	size_t n = 0, i;
	unsigned seed = 42;
	int64_t nexttid = 100000;

	if ((w = scap_writer_open(path, 0, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
	memset(th, 0, sizeof(th));
	for (i = 0; i < NPROC; i++) {
		th[i].tid = th[i].pid = 1000 + i;
		th[i].ptid = i == 0 ? 1 : 1000 + (i - 1) / 4;
		th[i].comm = progs[i % 12];
		th[i].exe = progs[i % 12];
		th[i].exepath = "/usr/bin/x";
		th[i].cwd = "/srv";
		th[i].root = "/";
		th[i].args = "-c\0run\0";
		th[i].args_len = 7;
		th[i].env = "";
		th[i].cgroups = i % 3 == 0 ? "cpu=/docker/0123456789abcdef0123"
		    "456789abcdef0123456789abcdef0123456789abcdef" : "cpu=/";
		th[i].cgroups_len = (uint32_t)strlen(th[i].cgroups) + 1;
		th[i].uid = i % 5 == 0 ? 0 : 1000;
		th[i].vtid = th[i].vpid = th[i].tid;
		th[i].loginuid = 1000;
	}
	(void)scap_writer_threads(w, th, NPROC);
	while (n < nevents) {
		int64_t tid = 1000 + rand_r(&seed) % NPROC;
		unsigned k = (unsigned)rand_r(&seed) % 100;
		const char *p = paths[rand_r(&seed) % 12];

		snprintf(nb[0], sizeof(nb[0]), "%u", 3 + k % 20);
		ts += 1000;
		if (k < 80) {
			/* open, a few reads, close */
			EVB(&r, FE_SYSCALL_OPENAT_2_X, ts, tid, nb[0], "-100",
			    p, k % 7 == 0 ? "0x106" : "0x1", "0", "0", "0");
			put(w, &r), n++;
			for (i = 0; i < 3; i++) {
				EVB(&r, FE_SYSCALL_READ_X, ts + 100 + i, tid,
				    "512", "data data data data", nb[0],
				    "4096");
				put(w, &r), n++;
			}
			EVB(&r, FE_SYSCALL_CLOSE_X, ts + 200, tid, "0", nb[0]);
			put(w, &r), n++;
		} else if (k < 92) {
			/* socket, connect, sendto, close */
			EVB(&r, FE_SOCKET_SOCKET_X, ts, tid, nb[0], "2", "1",
			    "0", "0");
			put(w, &r), n++;
			snprintf(nb[1], sizeof(nb[1]),
			    "10.0.%u.%u:%u->93.184.%u.34:%u", k % 4, k,
			    30000 + k, k % 3, k % 2 ? 443 : 4444);
			snprintf(nb[2], sizeof(nb[2]), "93.184.%u.34:%u", k % 3,
			    k % 2 ? 443 : 4444);
			EVB(&r, FE_SOCKET_CONNECT_X, ts + 10, tid, "0", nb[1],
			    nb[0], nb[2]);
			put(w, &r), n++;
			EVB(&r, FE_SOCKET_SENDTO_X, ts + 20, tid, "100",
			    "GET /", nb[0], "100", NULL);
			put(w, &r), n++;
			EVB(&r, FE_SYSCALL_CLOSE_X, ts + 30, tid, "0", nb[0]);
			put(w, &r), n++;
		} else {
			/* fork + exec + exit */
			int64_t c = nexttid++;

			evb_clone(&r, ts, tid, c, tid, 1, 0, progs[k % 12],
			    "/srv");
			put(w, &r), n++;
			snprintf(args, sizeof(args), "-c|echo %u|", k);
			evb_execve(&r, ts + 10, c, 0, tid, k % 2 ? "/bin/sh" :
			    "/usr/bin/curl", args, k % 2 ? "sh" : "curl",
			    "/srv", "cpu=/");
			put(w, &r), n++;
			evb_procexit(&r, ts + 20, c, 0);
			put(w, &r), n++;
		}
	}
	if (scap_writer_close(w, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
	return n;
}

/* 100 rules in the shape of the default ruleset. */
static char *
ruleset(void)
{
	struct sbuf sb = SBUF_INIT;
	int i;

	sbuf_puts(&sb,
	    "- list: shell_binaries\n  items: [ash, bash, csh, ksh, sh, tcsh, "
	    "zsh, dash]\n"
	    "- list: trusted_procs\n  items: [sshd, systemd, postgres, "
	    "redis-server, java]\n"
	    "- macro: open_read\n  condition: evt.type in (open, openat, "
	    "openat2) and evt.is_open_read=true and fd.typechar='f' and "
	    "fd.num>=0\n"
	    "- macro: open_write\n  condition: evt.type in (open, openat, "
	    "openat2) and evt.is_open_write=true and fd.typechar='f' and "
	    "fd.num>=0\n"
	    "- macro: spawned_process\n  condition: evt.type in (execve, "
	    "execveat) and evt.dir=<\n"
	    "- macro: outbound\n  condition: evt.type = connect and "
	    "evt.dir=< and fd.typechar=4 and fd.l4proto=tcp\n"
	    "- macro: container\n  condition: container.id != host\n");
	for (i = 0; i < 100; i++) {
		sbuf_printf(&sb, "- rule: bench rule %d\n  desc: d\n", i);
		switch (i % 5) {
		case 0:
			sbuf_printf(&sb, "  condition: open_read and fd.name "
			    "startswith /etc/sec%d and not proc.name in "
			    "(trusted_procs)\n", i);
			break;
		case 1:
			sbuf_printf(&sb, "  condition: open_write and "
			    "(fd.directory in (/bin, /sbin, /usr/bin%d) or "
			    "fd.name pmatch (/boot, /lib/modules%d)) and "
			    "not proc.pname in (shell_binaries)\n", i, i);
			break;
		case 2:
			sbuf_printf(&sb, "  condition: spawned_process and "
			    "proc.name in (shell_binaries) and "
			    "proc.pname = tool%d and container\n", i);
			break;
		case 3:
			sbuf_printf(&sb, "  condition: outbound and fd.sport "
			    "in (%d, %d) and not fd.sip in (127.0.0.1) and "
			    "proc.name != nginx\n", 5000 + i, 6000 + i);
			break;
		default:
			sbuf_printf(&sb, "  condition: evt.type in (unlink, "
			    "unlinkat, rename) and fd.name contains "
			    "\"/var/lib/db%d\" and user.name != root\n", i);
			break;
		}
		sbuf_printf(&sb, "  output: \"Bench %d (user=%%user.name "
		    "command=%%proc.cmdline file=%%fd.name parent=%%proc.pname "
		    "container=%%container.id)\"\n  priority: WARNING\n"
		    "  tags: [bench]\n", i);
	}
	/* two rules that do fire, so formatting is on the path */
	sbuf_puts(&sb,
	    "- rule: Read sensitive file\n  desc: d\n  condition: open_read "
	    "and fd.name in (/etc/shadow, /root/.ssh/id_rsa) and "
	    "not proc.name in (trusted_procs)\n  output: \"Sensitive file "
	    "opened (user=%user.name user_loginuid=%user.loginuid "
	    "command=%proc.cmdline pid=%proc.pid file=%fd.name "
	    "parent=%proc.pname gparent=%proc.aname[2] "
	    "container_id=%container.id)\"\n  priority: WARNING\n"
	    "- rule: Shell spawned\n  desc: d\n  condition: spawned_process "
	    "and proc.name in (shell_binaries)\n  output: \"Shell (user="
	    "%user.name cmdline=%proc.cmdline parent=%proc.pname "
	    "tty=%proc.tty)\"\n  priority: NOTICE\n");
	return sbuf_detach(&sb);
}

struct sink {
	struct alert_format fmt;
	struct sbuf	 line;
	uint64_t	 alerts;
	uint64_t	 bytes;
};

static void
discard(void *arg, const struct alert *a)
{
	struct sink *s = arg;

	sbuf_reset(&s->line);
	alert_render(a, &s->fmt, &s->line);
	s->bytes += s->line.len;
	s->alerts++;
}

int
main(void)
{
	char path[] = "/tmp/bench_engine_XXXXXX", err[512], *errp = NULL;
	const char *env = getenv("BENCH_EVENTS");
	size_t want = env != NULL ? strtoul(env, NULL, 10) : 2000000, n;
	struct scap_reader *rd;
	struct rules_loader *l;
	struct rules_result *res;
	struct state *st;
	struct engine *e;
	struct engine_opts o;
	struct sink sink;
	struct fevt ev;
	struct rusage ru;
	struct mallinfo2 mi;
	struct stat sst;
	off_t capsize = 0;
	char *rules;
	double t0, base, stonly, full;
	uint64_t cnt = 0;
	int fd;

	if ((fd = mkstemp(path)) < 0)
		return 1;
	close(fd);
	n = generate(path, want);
	if (stat(path, &sst) == 0)
		capsize = sst.st_size;

	/* baseline: decode only */
	if ((rd = scap_reader_open(path, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	t0 = now();
	while (scap_reader_next(rd, &ev, NULL) == 1)
		cnt++;
	base = now() - t0;
	scap_reader_close(rd);

	filter_set_evtypes(filter_schema_evtypes());
	engine_fields_init();
	rules = ruleset();
	l = rules_loader_new();
	res = rules_load_content(l, "bench.yaml", rules, strlen(rules));
	if (!rules_result_ok(res)) {
		struct sbuf sb = SBUF_INIT;

		rules_result_verbose(res, &sb);
		fprintf(stderr, "%s\n", sbuf_str(&sb));
		return 1;
	}
	rules_result_free(res);
	memset(&sink, 0, sizeof(sink));
	alert_format_defaults(&sink.fmt);
	sink.fmt.json = 1;
	sink.fmt.hostname = "bench";
	memset(&o, 0, sizeof(o));
	o.hostname = "bench";
	o.alert = discard;
	o.alert_arg = &sink;

	/* state only: no rules */
	rd = scap_reader_open(path, err, sizeof(err));
	st = state_new(0, 0);
	(void)state_seed_capture(st, rd);
	e = engine_new(st, NULL, &o, &errp);
	t0 = now();
	while (scap_reader_next(rd, &ev, NULL) == 1)
		(void)engine_process(e, &ev);
	stonly = now() - t0;
	engine_free(e);
	state_free(st);
	scap_reader_close(rd);

	rd = scap_reader_open(path, err, sizeof(err));
	st = state_new(0, 0);
	(void)state_seed_capture(st, rd);
	if ((e = engine_new(st, rules_loader_ruleset(l), &o, &errp)) == NULL) {
		fprintf(stderr, "%s\n", errp);
		return 1;
	}
	t0 = now();
	while (scap_reader_next(rd, &ev, NULL) == 1)
		(void)engine_process(e, &ev);
	full = now() - t0;
	getrusage(RUSAGE_SELF, &ru);
	mi = mallinfo2();

	printf("events:            %zu (%llu read back), %zu rules\n", n,
	    (unsigned long long)cnt, rules_count(rules_loader_ruleset(l)));
	printf("baseline (read):   %.0f events/s of CPU time\n",
	    (double)cnt / base);
	printf("state only:        %.0f events/s of CPU time\n",
	    (double)cnt / stonly);
	printf("full (state+rules+format): %.0f events/s of CPU time\n",
	    (double)cnt / full);
	printf("ratio full/baseline: %.3f\n", base / full);
	printf("alerts:            %llu (%llu bytes rendered)\n",
	    (unsigned long long)sink.alerts, (unsigned long long)sink.bytes);
	/* the capture is mapped: most of the RSS is the file itself */
	printf("peak RSS:          %ld KiB (capture file mapped: %lld KiB)\n",
	    ru.ru_maxrss, (long long)(capsize / 1024));
	printf("heap in use:       %zu KiB (state, rules, engine)\n",
	    mi.uordblks / 1024);
	printf("target >= 1000000 events/s: %s\n",
	    (double)cnt / full >= 1e6 ? "met" : "not met");
	engine_free(e);
	state_free(st);
	scap_reader_close(rd);
	rules_loader_free(l);
	free(rules);
	sbuf_free(&sink.line);
	unlink(path);
	return 0;
}
