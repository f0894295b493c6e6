/* SPDX-License-Identifier: Apache-2.0 */
/*
 * falco-bpf-dump: attach the eBPF driver, capture for a while or for
 * the life of a command, and write the records out.
 *
 *	falco-bpf-dump [-cEkqST] [-b ring_mib] [-C cpus_per_ring]
 *	    [-e syscalls] [-o file | -w file.scap] [-s snaplen]
 *	    [-t seconds] [-- cmd ...]
 *	falco-bpf-dump -F exit|both -- cmd ...
 *
 * -o writes the raw records back to back (each starts with its 26-byte
 * header, whose len field delimits it); -T prints one line per record
 * instead, rendered with the schema; -w writes a .scap file (machine
 * block and events; the cpu of an event is the index of its ring, which
 * is its CPU with the default one ring per CPU).  -e takes a
 * comma-separated list of syscall names to capture (default: all),
 * -c checks support and exits, -E takes enter events from the sys_enter
 * tracepoint even where fentry would do, -k keeps the events of this tool, -v
 * logs at debug level, -S prints the time the kernel measured in each
 * attached program (needs kernel.bpf_stats_enabled=1).  -F runs the
 * command with programs that do nothing attached to sys_exit (exit) or
 * to sys_enter and sys_exit (both) instead of the driver: the cost
 * floor of those tracepoints, for benchmarks.  With a command, the capture stops once the
 * command has exited and the rings are drained.  Statistics go to
 * stderr at the end.  Exit status: 0, 1 on error, 2 on a usage error,
 * 3 if this kernel cannot run the driver.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bpf/bpf_driver.h"
#include "falco_schema_kern.h"
#include "scapfile/scapfile.h"
#include "schema/schema.h"
#include "util/log.h"
#include "util/sbuf.h"

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void
usage(void)
{
	fprintf(stderr, "usage: falco-bpf-dump [-cEkqST] [-b ring_mib] "
	    "[-C cpus_per_ring] [-e syscalls]\n"
	    "\t[-o file | -w file.scap] [-s snaplen] [-t seconds] "
	    "[-- command [args...]]\n"
	    "       falco-bpf-dump -F exit|both -- command [args...]\n");
	exit(2);
}

static void
print_record(FILE *out, const struct fevt_hdr *h)
{
	const struct schema_event *se;
	struct fevt ev;
	struct sbuf sb = SBUF_INIT;
	const char *why;
	unsigned i;

	if (fevt_parse(&ev, h, h->len, &why) != 0) {
		fprintf(out, "%llu %llu type=%u malformed: %s\n",
		    (unsigned long long)h->ts, (unsigned long long)h->tid,
		    h->type, why);
		return;
	}
	se = schema_event(h->type);
	for (i = 0; i < ev.nparams; i++) {
		sbuf_printf(&sb, " %s=", se != NULL && i < se->nparams ?
		    se->params[i].name : "?");
		schema_render_param(&sb, &ev, i);
	}
	fprintf(out, "%llu %llu %s%s\n", (unsigned long long)h->ts,
	    (unsigned long long)h->tid, se != NULL ? se->sym : "?",
	    sbuf_str(&sb));
	sbuf_free(&sb);
}

static struct scap_writer *scap_out;

/* A .scap file with this machine's description. */
static int
open_scap(const char *path)
{
	struct scap_machine mi;
	struct timespec rt, bt;
	char err[256];
	FILE *f;
	long long v;

	if ((scap_out = scap_writer_open(path, 0, err, sizeof(err))) == NULL) {
		fprintf(stderr, "falco-bpf-dump: %s\n", err);
		return -1;
	}
	memset(&mi, 0, sizeof(mi));
	mi.num_cpus = sysconf(_SC_NPROCESSORS_ONLN);
	mi.memory_bytes = (uint64_t)sysconf(_SC_PHYS_PAGES) *
	    sysconf(_SC_PAGESIZE);
	mi.max_pid = 32768;
	if ((f = fopen("/proc/sys/kernel/pid_max", "r")) != NULL) {
		if (fscanf(f, "%lld", &v) == 1)
			mi.max_pid = v;
		fclose(f);
	}
	gethostname(mi.hostname, sizeof(mi.hostname) - 1);
	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_BOOTTIME, &bt);
	mi.boot_ts = (rt.tv_sec - bt.tv_sec) * 1000000000ll +
	    (rt.tv_nsec - bt.tv_nsec);
	if (scap_writer_machine(scap_out, &mi) != 0) {
		fprintf(stderr, "falco-bpf-dump: %s: %s\n", path,
		    scap_writer_error(scap_out));
		return -1;
	}
	return 0;
}

static int
emit(FILE *out, const struct fevt_hdr *h, int text, uint16_t ring)
{
	if (scap_out != NULL)
		return scap_writer_event(scap_out, h, ring, 0);
	if (text) {
		print_record(out, h);
		return 0;
	}
	return fwrite(h, h->len, 1, out) == 1 ? 0 : -1;
}

/* Enable the syscalls named in list ("open,read"); -1 if one is unknown. */
static int
enable_list(struct bpf_driver *drv, char *list)
{
	char *name;
	int sc, nr, found;

	while ((name = strsep(&list, ",")) != NULL) {
		if ((sc = schema_syscall_by_name(name)) < 0) {
			fprintf(stderr, "falco-bpf-dump: unknown syscall %s\n",
			    name);
			return -1;
		}
		found = 0;
		for (nr = 0; nr < FE_NR_X86_64_MAX; nr++) {
			if (fe_syscall_x86_64[nr].sc != sc ||
			    fe_syscall_x86_64[nr].exit == 0)
				continue;
			if (bpf_driver_set_syscall(drv, nr, 1) != 0)
				return -1;
			found = 1;
		}
		if (!found) {
			fprintf(stderr,
			    "falco-bpf-dump: no x86_64 syscall %s\n", name);
			return -1;
		}
	}
	return 0;
}

static pid_t
start_command(char **argv)
{
	pid_t pid = fork();

	if (pid == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "falco-bpf-dump: %s: %s\n", argv[0],
		    strerror(errno));
		_exit(127);
	}
	return pid;
}

/* -F: the command under empty programs only; its exit status or 1. */
static int
run_floor(const char *which, char **argv)
{
	struct bpf_floor *fl;
	char why[256];
	int status = 0;
	pid_t pid, r = -1;

	if (strcmp(which, "exit") != 0 && strcmp(which, "both") != 0)
		usage();
	if ((fl = bpf_floor_attach(strcmp(which, "both") == 0, why,
	    sizeof(why))) == NULL) {
		fprintf(stderr, "falco-bpf-dump: %s\n", why);
		return 1;
	}
	/*
	 * A ^C reaches the command too; this process only notes it and
	 * keeps waiting, so the programs are detached after the command
	 * ends.  (A caught signal is reset to default by exec; an ignored
	 * one would be inherited.)
	 */
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	pid = start_command(argv);
	while (pid > 0 && (r = waitpid(pid, &status, 0)) < 0 &&
	    errno == EINTR)
		;
	bpf_floor_detach(fl);
	if (r < 0 || !WIFEXITED(status))
		return 1;
	return WEXITSTATUS(status);
}

/* -S: time per run of each attached program, from the kernel. */
static void
print_prog_stats(struct bpf_driver *drv)
{
	struct bpf_driver_prog_stats ps[16];
	int i, n;

	fprintf(stderr, "enter events through %s\n",
	    bpf_driver_enter_hook(drv));
	n = bpf_driver_prog_stats(drv, ps, 16);
	for (i = 0; i < n; i++) {
		if (ps[i].run_cnt == 0)
			continue;
		fprintf(stderr, "program %-16s %10llu runs %8.1f ns/run\n",
		    ps[i].name, (unsigned long long)ps[i].run_cnt,
		    (double)ps[i].run_time_ns / ps[i].run_cnt);
	}
}

int
main(int argc, char **argv)
{
	struct bpf_driver_config cfg;
	struct bpf_driver_stats st;
	struct bpf_driver *drv = NULL;
	const struct fevt_hdr *h;
	FILE *out = NULL;
	char why[256];
	const char *outpath = NULL, *scappath = NULL, *floor = NULL;
	char *only = NULL, err[256];
	uint16_t ring = 0;
	double seconds = 0;
	time_t end = 0;
	int ch, text = 0, check = 0, quiet = 0, pstats = 0, rc = 1, r;
	int status;
	pid_t child = -1;
	uint64_t n = 0;

	log_init("falco-bpf-dump", LOG_WARNING, 1, 0);
	bpf_driver_config_default(&cfg);
	while ((ch = getopt(argc, argv, "b:C:cEe:F:ko:qSs:Tt:vw:")) != -1) {
		switch (ch) {
		case 'b':
			cfg.ring_bytes = (uint32_t)atoi(optarg) << 20;
			cfg.wakeup_bytes = cfg.ring_bytes / 16;
			break;
		case 'C':
			cfg.cpus_per_ring = atoi(optarg);
			break;
		case 'c':
			check = 1;
			break;
		case 'E':
			cfg.enter_fentry = 0;
			break;
		case 'e':
			only = optarg;
			break;
		case 'F':
			floor = optarg;
			break;
		case 'k':
			cfg.ignore_self = 0;
			break;
		case 'o':
			outpath = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'S':
			pstats = 1;
			break;
		case 's':
			cfg.snaplen = atoi(optarg);
			break;
		case 'T':
			text = 1;
			break;
		case 't':
			seconds = atof(optarg);
			break;
		case 'v':
			log_set_level(LOG_DEBUG);
			break;
		case 'w':
			scappath = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;

	/* Support check. */
	if (bpf_driver_support_check(why, sizeof(why)) != 0) {
		fprintf(stderr, "falco-bpf-dump: not supported: %s\n", why);
		return 3;
	}
	if (check) {
		printf("supported\n");
		return 0;
	}
	if (argc == 0 && seconds <= 0)
		usage();
	if (floor != NULL) {
		if (argc == 0)
			usage();
		return run_floor(floor, argv);
	}

	/* Output. */
	if (scappath != NULL && open_scap(scappath) != 0)
		return 1;
	if (outpath != NULL && strcmp(outpath, "-") != 0) {
		if ((out = fopen(outpath, "w")) == NULL) {
			fprintf(stderr, "falco-bpf-dump: %s: %s\n", outpath,
			    strerror(errno));
			return 1;
		}
	} else {
		out = stdout;
	}

	/* Load, enable everything, attach. */
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if ((drv = bpf_driver_open(&cfg)) == NULL)
		goto done;
	if ((only != NULL ? enable_list(drv, only) :
	    bpf_driver_set_all_syscalls(drv, 1)) != 0 ||
	    bpf_driver_attach(drv) != 0)
		goto done;
	if (argc > 0)
		child = start_command(argv);
	if (seconds > 0)
		end = time(NULL) + (time_t)(seconds + 0.999);

	/* Capture until told to stop, the time is up or the command ended. */
	while (!stop) {
		r = bpf_driver_next(drv, &h, &ring, 50);
		if (r < 0)
			goto done;
		if (r == 1) {
			n++;
			if (emit(out, h, text, ring) != 0)
				goto done;
			/* A busy system never leaves the ring empty. */
			if ((n & 1023) != 0)
				continue;
		}
		if (end != 0 && time(NULL) >= end)
			break;
		if (child > 0 && waitpid(child, &status, WNOHANG) == child) {
			child = -1;
			break;
		}
	}
	/* Stop the producers, then take what is left in the rings. */
	bpf_driver_detach(drv);
	while (bpf_driver_next(drv, &h, &ring, 0) == 1) {
		n++;
		if (emit(out, h, text, ring) != 0)
			goto done;
	}
	rc = 0;
done:
	if (drv != NULL && bpf_driver_stats(drv, &st) == 0 && !quiet)
		fprintf(stderr, "events %llu written %llu drops %llu "
		    "(buffer %llu, size %llu, no ring %llu) user faults %llu "
		    "ia32 generic %llu\n",
		    (unsigned long long)st.n_evts, (unsigned long long)n,
		    (unsigned long long)st.n_drops,
		    (unsigned long long)st.n_drops_buffer,
		    (unsigned long long)st.n_drops_max_size,
		    (unsigned long long)st.n_drops_no_ring,
		    (unsigned long long)st.n_user_faults,
		    (unsigned long long)st.n_ia32_generic);
	if (drv != NULL && pstats)
		print_prog_stats(drv);
	bpf_driver_close(drv);
	if (scap_out != NULL && scap_writer_close(scap_out, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "falco-bpf-dump: %s: %s\n", scappath, err);
		rc = 1;
	}
	if (child > 0)
		waitpid(child, &status, 0);
	if (out != NULL && out != stdout)
		fclose(out);
	else if (out != NULL)
		fflush(out);
	return rc;
}
