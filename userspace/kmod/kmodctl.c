/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kmodctl: a small consumer of falco.ko for tests and debugging.
 *
 *	kmodctl info
 *	kmodctl capture [-q] [-s snaplen] [-t seconds] [-m sc,...] [cmd ...]
 *		capture while cmd runs (or for seconds), print one line per
 *		event ("evt SYM tid=N name=value ..."), gap lines and, at
 *		the end, "stats" lines per CPU and a "total" line
 *	kmodctl nlcheck [-i iterations]
 *		send invalid and random netlink requests; print
 *		"PASS:"/"FAIL:" lines; the module must reject every invalid
 *		one and still answer afterwards
 */
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/netlink.h>

#include "kmod/kmod.h"
#include "schema/schema.h"
#include "util/log.h"
#include "util/sbuf.h"

static volatile sig_atomic_t kmodctl_stop;

static void
kmodctl_on_signal(int sig)
{
	(void)sig;
	kmodctl_stop = 1;
}

static void
usage(void)
{
	fprintf(stderr, "usage: kmodctl info\n"
	    "       kmodctl capture [-q] [-s snaplen] [-t seconds] "
	    "[-m sc,...] [cmd ...]\n"
	    "       kmodctl nlcheck [-i iterations]\n");
	exit(2);
}

static struct kmod *
kmodctl_open(void)
{
	struct kmod *k;
	int err;

	if ((k = kmod_open(getenv("FALCO_DEVDIR"), &err)) == NULL)
		fatal("cannot open falco.ko: %s", strerror(-err));
	return k;
}

static int
cmd_info(void)
{
	struct kmod *k = kmodctl_open();
	const struct kmod_info *in = kmod_info(k);

	printf("consumer %u\napi 0x%llx\nschema 0x%llx\ncpus %u\n"
	    "ring_size %llu\nstride %llu\nsc_max %u\n", kmod_consumer_id(k),
	    (unsigned long long)in->api_version,
	    (unsigned long long)in->schema_version, in->nr_cpus,
	    (unsigned long long)in->ring_size,
	    (unsigned long long)in->ring_stride, in->sc_max);
	kmod_close(k);
	return 0;
}

static void
print_event(struct sbuf *sb, const struct fevt_hdr *h, unsigned cpu)
{
	const struct schema_event *se = schema_event(h->type);
	const uint8_t *p = (const uint8_t *)h;
	struct fevt ev;
	const char *why;
	unsigned i;

	if (h->type == FALCO_RING_GAP) {
		uint64_t lost;
		uint32_t mask;

		memcpy(&lost, p + FEVT_HDR_LEN + 4, 8);
		memcpy(&mask, p + FEVT_HDR_LEN + 12, 4);
		printf("gap cpu=%u lost=%llu mask=0x%x\n", cpu,
		    (unsigned long long)lost, mask);
		return;
	}
	if (se == NULL || fevt_parse(&ev, h, h->len, &why) != 0) {
		printf("bad cpu=%u type=%u len=%u\n", cpu, h->type, h->len);
		return;
	}
	sbuf_reset(sb);
	for (i = 0; i < ev.nparams && i < se->nparams; i++) {
		sbuf_printf(sb, " %s=", se->params[i].name);
		schema_render_param(sb, &ev, i);
	}
	printf("evt %s cpu=%u tid=%llu%s\n", se->sym, cpu,
	    (unsigned long long)h->tid, sbuf_str(sb));
}

/* Reads every readable record; returns how many. */
static unsigned long
drain(struct kmod *k, struct sbuf *sb, int quiet, pid_t self,
    unsigned long *gaps)
{
	const struct fevt_hdr *h;
	unsigned long n = 0;
	unsigned cpu;

	while ((h = kmod_next(k, &cpu)) != NULL) {
		if (h->type == FALCO_RING_GAP)
			(*gaps)++;
		if (!quiet && (h->tid != (uint64_t)self ||
		    h->type == FALCO_RING_GAP))
			print_event(sb, h, cpu);
		kmod_release(k, cpu, h);
		n++;
	}
	return n;
}

static int
parse_mask(const char *list, uint8_t *mask)
{
	char *dup, *tok, *save = NULL;
	int sc;

	memset(mask, 0, FALCO_NL_SC_MASK_LEN);
	if ((dup = strdup(list)) == NULL)
		return -1;
	for (tok = strtok_r(dup, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if ((sc = schema_syscall_by_name(tok)) < 0 ||
		    sc >= FALCO_NL_SC_MASK_LEN * 8) {
			log_err("unknown syscall %s", tok);
			free(dup);
			return -1;
		}
		mask[sc / 8] |= 1U << (sc % 8);
	}
	free(dup);
	return 0;
}

static void
print_stats(struct kmod *k, unsigned long nread, unsigned long gaps)
{
	struct kmod_cpu_stats st[256];
	uint64_t evts = 0, drops = 0;
	int n, i, j;

	if ((n = kmod_stats(k, st, 256)) < 0) {
		log_err("stats: %s", strerror(-n));
		return;
	}
	for (i = 0; i < n; i++) {
		printf("stats cpu=%u online=%u evts=%llu gaps=%llu",
		    st[i].cpu, st[i].online, (unsigned long long)st[i].evts,
		    (unsigned long long)st[i].gaps);
		for (j = 0; j < FALCO_DROP_MAX; j++) {
			printf(" drop%d=%llu", j,
			    (unsigned long long)st[i].drops[j]);
			drops += st[i].drops[j];
		}
		printf("\n");
		evts += st[i].evts + st[i].gaps;
	}
	printf("total read=%lu written=%llu gaps=%lu drops=%llu corrupt=%u\n",
	    nread, (unsigned long long)evts, gaps, (unsigned long long)drops,
	    kmod_corrupt(k));
}

static int
cmd_capture(int argc, char **argv)
{
	uint8_t mask[FALCO_NL_SC_MASK_LEN], *maskp = NULL;
	unsigned long nread = 0, gaps = 0;
	int ch, quiet = 0, status = 0, rc;
	uint32_t snaplen = 0;
	double seconds = 0;
	struct sbuf sbuf = SBUF_INIT, *sb = &sbuf;
	struct kmod *k;
	pid_t child = -1;
	time_t end = 0;

	while ((ch = getopt(argc, argv, "+qs:t:m:")) != -1) {
		switch (ch) {
		case 'q':
			quiet = 1;
			break;
		case 's':
			snaplen = strtoul(optarg, NULL, 0);
			break;
		case 't':
			seconds = strtod(optarg, NULL);
			break;
		case 'm':
			if (parse_mask(optarg, mask) != 0)
				return 2;
			maskp = mask;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	signal(SIGTERM, kmodctl_on_signal);
	signal(SIGINT, kmodctl_on_signal);
	k = kmodctl_open();
	if ((rc = kmod_attach(k, maskp, snaplen, 0)) != 0)
		fatal("attach: %s", strerror(-rc));
	/* The harness waits for this line before starting a workload. */
	printf("attached consumer=%u\n", kmod_consumer_id(k));
	fflush(stdout);
	if (argc > 0) {
		if ((child = fork()) == -1)
			fatal("fork: %s", strerror(errno));
		if (child == 0) {
			execvp(argv[0], argv);
			_exit(127);
		}
	}
	if (seconds > 0)
		end = time(NULL) + (time_t)(seconds + 0.999);
	while (!kmodctl_stop) {
		if (child > 0 && waitpid(child, &status, WNOHANG) == child)
			break;
		if (end != 0 && time(NULL) >= end)
			break;
		if (child <= 0 && end == 0)
			break;
		kmod_poll(k, 50);
		nread += drain(k, sb, quiet, getpid(), &gaps);
		fflush(stdout);
	}
	kmod_detach(k);
	nread += drain(k, sb, quiet, getpid(), &gaps);
	print_stats(k, nread, gaps);
	if (child > 0)
		printf("workload status=%d\n", WIFEXITED(status) ?
		    WEXITSTATUS(status) : 128 + WTERMSIG(status));
	sbuf_free(sb);
	kmod_close(k);
	return 0;
}

/* ---- nlcheck ---- */

static size_t
put_attr(uint8_t *buf, size_t off, uint16_t type, const void *v, uint16_t len)
{
	struct nlattr a = { .nla_len = NLA_HDRLEN + len, .nla_type = type };

	memcpy(buf + off, &a, sizeof(a));
	memcpy(buf + off + NLA_HDRLEN, v, len);
	return off + NLA_ALIGN(NLA_HDRLEN + len);
}

static int nlcheck_failed;

static void
expect_reject(struct kmod *k, const char *name, uint8_t cmd,
    const uint8_t *attrs, size_t len)
{
	int rc = kmod_nl_raw(k, cmd, attrs, len);

	if (rc < 0) {
		printf("PASS: nl-reject-%s\n", name);
	} else {
		printf("FAIL: nl-reject-%s: accepted\n", name);
		nlcheck_failed = 1;
	}
}

static int
cmd_nlcheck(int argc, char **argv)
{
	uint8_t buf[512], big[FALCO_NL_SC_MASK_LEN + 8];
	struct kmod *k;
	uint32_t id, v;
	uint8_t small = 1;
	size_t len;
	int ch, iters = 2000, i, rc;
	unsigned seed = (unsigned)time(NULL);

	while ((ch = getopt(argc, argv, "i:")) != -1) {
		if (ch != 'i')
			usage();
		iters = atoi(optarg);
	}
	k = kmodctl_open();
	id = kmod_consumer_id(k);
	memset(big, 0xff, sizeof(big));

	v = 0;
	len = put_attr(buf, put_attr(buf, 0, FALCO_NL_A_CONSUMER, &id, 4),
	    FALCO_NL_A_SNAPLEN, &v, 4);
	expect_reject(k, "snaplen-zero", FALCO_NL_CMD_SET_SNAPLEN, buf, len);
	v = FALCO_NL_SNAPLEN_MAX + 1;
	len = put_attr(buf, put_attr(buf, 0, FALCO_NL_A_CONSUMER, &id, 4),
	    FALCO_NL_A_SNAPLEN, &v, 4);
	expect_reject(k, "snaplen-big", FALCO_NL_CMD_SET_SNAPLEN, buf, len);
	len = put_attr(buf, put_attr(buf, 0, FALCO_NL_A_CONSUMER, &id, 4),
	    FALCO_NL_A_SC_MASK, big, FALCO_NL_SC_MASK_LEN - 1);
	expect_reject(k, "mask-short", FALCO_NL_CMD_SET_MASK, buf, len);
	len = put_attr(buf, put_attr(buf, 0, FALCO_NL_A_CONSUMER, &id, 4),
	    FALCO_NL_A_SC_MASK, big, FALCO_NL_SC_MASK_LEN + 8);
	expect_reject(k, "mask-long", FALCO_NL_CMD_SET_MASK, buf, len);
	len = put_attr(buf, 0, FALCO_NL_A_CONSUMER, &small, 1);
	expect_reject(k, "consumer-u8", FALCO_NL_CMD_ATTACH, buf, len);
	v = id + 1000;
	len = put_attr(buf, 0, FALCO_NL_A_CONSUMER, &v, 4);
	expect_reject(k, "consumer-unknown", FALCO_NL_CMD_ATTACH, buf, len);
	expect_reject(k, "consumer-missing", FALCO_NL_CMD_ATTACH, NULL, 0);
	len = put_attr(buf, put_attr(buf, 0, FALCO_NL_A_CONSUMER, &id, 4),
	    FALCO_NL_A_API_VERSION, big, 8);
	expect_reject(k, "reply-attr", FALCO_NL_CMD_DETACH, buf, len);
	len = put_attr(buf, put_attr(buf, 0, FALCO_NL_A_CONSUMER, &id, 4),
	    FALCO_NL_A_WATERMARK, big, 4);
	expect_reject(k, "watermark-big", FALCO_NL_CMD_ATTACH, buf, len);
	expect_reject(k, "detach-idle", FALCO_NL_CMD_DETACH, buf,
	    put_attr(buf, 0, FALCO_NL_A_CONSUMER, &id, 4));
	len = put_attr(buf, 0, FALCO_NL_A_CONSUMER, &id, 4);
	expect_reject(k, "truncated", FALCO_NL_CMD_ATTACH, buf, len - 2);
	expect_reject(k, "unknown-cmd", 200, NULL, 0);

	/* Random attribute streams: whatever the verdict, no oops. */
	srandom(seed);
	for (i = 0; i < iters; i++) {
		size_t n = random() % 64, j;

		for (j = 0; j < n; j++)
			buf[j] = random();
		if (n >= 4 && (random() & 1))
			memcpy(buf + 4, &id, 4);
		rc = kmod_nl_raw(k, 1 + random() % FALCO_NL_CMD_MAX, buf, n);
		if (rc == 0)
			kmod_detach(k);
	}
	printf("PASS: nl-random-%d-seed-%u\n", iters, seed);

	/* Still alive and answering. */
	kmod_close(k);
	k = kmodctl_open();
	if ((rc = kmod_attach(k, NULL, 0, 0)) == 0 &&
	    (rc = kmod_detach(k)) == 0) {
		printf("PASS: nl-alive-after-fuzz\n");
	} else {
		printf("FAIL: nl-alive-after-fuzz: %s\n", strerror(-rc));
		nlcheck_failed = 1;
	}

	/* Without CAP_SYS_ADMIN every command is refused. */
	if (setresuid(65534, 65534, 65534) != 0)
		fatal("setresuid: %s", strerror(errno));
	len = put_attr(buf, 0, FALCO_NL_A_CONSUMER, &id, 4);
	rc = kmod_nl_raw(k, FALCO_NL_CMD_GET_INFO, NULL, 0);
	if (rc == -EPERM) {
		printf("PASS: nl-needs-cap-sys-admin\n");
	} else {
		printf("FAIL: nl-needs-cap-sys-admin: got %d\n", rc);
		nlcheck_failed = 1;
	}
	kmod_close(k);
	return nlcheck_failed;
}

int
main(int argc, char **argv)
{
	log_init("kmodctl", LOG_INFO, 1, 0);
	if (argc < 2)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(argv[1], "info") == 0)
		return cmd_info();
	if (strcmp(argv[1], "capture") == 0)
		return cmd_capture(argc - 1, argv + 1);
	if (strcmp(argv[1], "nlcheck") == 0)
		return cmd_nlcheck(argc - 1, argv + 1);
	usage();
	return 2;
}
