/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Throughput of falcosidekick: Falco alerts POSTed over keep-alive
 * connections, forwarded by the webhook output to a local receiver.
 *
 * Baseline: the same load generator posting straight to the receiver.
 * Then: the load through falcosidekick, pinned to one CPU, reporting
 * alerts/s accepted (all 200 responses in), alerts/s delivered (all
 * alerts counted by the receiver), their ratio to the baseline, and
 * falcosidekick's peak resident memory.
 *
 *   bench_sidekick [-n alerts] [-c connections] [-b falcosidekick]
 */

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

static const char alert[] =
    "{\"hostname\":\"web-1\",\"output\":\"13:53:31.726060287: Critical "
    "Sensitive file opened for reading (user=root command=cat /etc/shadow "
    "file=/etc/shadow container_id=3ad7b26ded6d image=alpine)\","
    "\"output_fields\":{\"container.id\":\"3ad7b26ded6d\","
    "\"container.image.repository\":\"alpine\",\"evt.time\":"
    "1705326811726060287,\"fd.name\":\"/etc/shadow\",\"proc.cmdline\":"
    "\"cat /etc/shadow\",\"user.name\":\"root\",\"user.loginuid\":null},"
    "\"priority\":\"Critical\",\"rule\":\"Read sensitive file untrusted\","
    "\"source\":\"syscall\",\"tags\":[\"filesystem\","
    "\"mitre_credential_access\"],\"time\":"
    "\"2024-01-15T13:53:31.726060287Z\"}";

static unsigned long received;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The receiver: counts POST requests, answers 200 with no body. */
static enum MHD_Result
recv_handler(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *data, size_t *size,
    void **ptr)
{
	static int marker;
	struct MHD_Response *r;
	enum MHD_Result rc;

	if (*ptr == NULL) {
		*ptr = &marker;
		return MHD_YES;
	}
	if (*size > 0) {
		*size = 0;
		return MHD_YES;
	}
	__atomic_add_fetch(&received, 1, __ATOMIC_RELAXED);
	r = MHD_create_response_from_buffer(0, (void *)"",
	    MHD_RESPMEM_PERSISTENT);
	rc = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return rc;
}

struct client {
	int		 port;
	unsigned long	 n;
	unsigned long	 ok;
};

static int
dial(int port)
{
	struct sockaddr_in sin;
	int fd, one = 1;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0)
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

/* One keep-alive connection posting alerts one after the other. */
static void *
client_run(void *arg)
{
	struct client *c = arg;
	char req[4096], buf[4096];
	int fd, len;
	unsigned long i;

	len = snprintf(req, sizeof(req), "POST / HTTP/1.1\r\nHost: 127.0.0.1"
	    "\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
	    "\r\n%s", sizeof(alert) - 1, alert);
	fd = dial(c->port);
	if (fd < 0)
		return NULL;
	for (i = 0; i < c->n; i++) {
		size_t got = 0;

		if (write(fd, req, (size_t)len) != len)
			break;
		/* Responses here have no body: read up to the blank line. */
		for (;;) {
			ssize_t r = read(fd, buf + got, sizeof(buf) - 1 - got);

			if (r <= 0)
				goto out;
			got += (size_t)r;
			buf[got] = '\0';
			if (strstr(buf, "\r\n\r\n") != NULL)
				break;
		}
		if (strncmp(buf, "HTTP/1.1 200", 12) == 0)
			c->ok++;
	}
out:
	close(fd);
	return NULL;
}

/* Post n alerts over conns connections; returns the seconds taken. */
static double
load(int port, unsigned long n, int conns, unsigned long *ok)
{
	pthread_t th[64];
	struct client cl[64];
	double t0 = now();
	int i;

	for (i = 0; i < conns; i++) {
		cl[i].port = port;
		cl[i].n = n / conns;
		cl[i].ok = 0;
		pthread_create(&th[i], NULL, client_run, &cl[i]);
	}
	*ok = 0;
	for (i = 0; i < conns; i++) {
		pthread_join(th[i], NULL);
		*ok += cl[i].ok;
	}
	return now() - t0;
}

static int
free_port(void)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(fd, (struct sockaddr *)&sin, sizeof(sin));
	getsockname(fd, (struct sockaddr *)&sin, &sl);
	port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

static long
peak_rss_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmHWM: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* CPU seconds (user + system) a process has used so far. */
static double
cpu_seconds(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut, st;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* Fields after the command name, which may hold spaces. */
	p = strrchr(buf, ')');
	if (p == NULL || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u "
	    "%*u %*u %lu %lu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / sysconf(_SC_CLK_TCK);
}

static int
wait_port(int port)
{
	int i, fd;

	for (i = 0; i < 100; i++) {
		fd = dial(port);
		if (fd >= 0) {
			close(fd);
			return 0;
		}
		usleep(50000);
	}
	return -1;
}

/*
 * One pass through falcosidekick with the webhook output allowed conc
 * requests in flight; prints its figures against the baseline tb.
 */
static int
run_sidekick(const char *bin, int rport, unsigned long n, int conns,
    int ncpu, int conc, double tb)
{
	char cfg[] = "/tmp/sk-bench-XXXXXX";
	unsigned long ok, before, got;
	double ta, td, t0, c0, cpu;
	int sport, fd;
	long rss;
	pid_t pid;
	cpu_set_t set;

	fd = mkstemp(cfg);
	if (fd < 0)
		return -1;
	sport = free_port();
	dprintf(fd, "listenaddress: 127.0.0.1\nlistenport: %d\nwebhook:\n"
	    "  address: http://127.0.0.1:%d/falco\n"
	    "  maxconcurrentrequests: %d\ndelivery:\n  queuesize: %lu\n",
	    sport, rport, conc, n + 1);
	close(fd);
	pid = fork();
	if (pid == 0) {
		/* falcosidekick gets one CPU, the load and receiver another. */
		CPU_ZERO(&set);
		CPU_SET(ncpu > 1 ? 1 : 0, &set);
		sched_setaffinity(0, sizeof(set), &set);
		/* Its log lines would interleave with the figures. */
		fd = open("/dev/null", O_WRONLY);
		if (fd >= 0)
			dup2(fd, 2);
		execl(bin, bin, "-c", cfg, (char *)NULL);
		_exit(127);
	}
	if (wait_port(sport) != 0) {
		fprintf(stderr, "bench_sidekick: falcosidekick did not "
		    "start\n");
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
		unlink(cfg);
		return -1;
	}
	before = __atomic_load_n(&received, __ATOMIC_RELAXED);
	c0 = cpu_seconds(pid);
	t0 = now();
	ta = load(sport, n, conns, &ok);
	while (__atomic_load_n(&received, __ATOMIC_RELAXED) - before < ok &&
	    now() - t0 < 120)
		usleep(1000);
	td = now() - t0;
	cpu = cpu_seconds(pid) - c0;
	rss = peak_rss_kb(pid);
	got = __atomic_load_n(&received, __ATOMIC_RELAXED) - before;
	printf("falcosidekick, 1 CPU, %d request(s) in flight:\n", conc);
	printf("  accepted:  %lu alerts in %.3f s: %.0f alerts/s (%lu ok), "
	    "ratio to baseline %.2f\n", n, ta, n / ta, ok, tb / ta);
	printf("  delivered: %lu alerts in %.3f s: %.0f alerts/s, ratio to "
	    "baseline %.2f (target 20000 alerts/s)\n", got, td, got / td,
	    tb / td);
	printf("  CPU: %.2f s: %.0f alerts in and out per CPU-second\n", cpu,
	    cpu > 0 ? ok / cpu : 0);
	printf("  peak RSS: %ld kB (up to %lu alerts queued)\n", rss, n);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	unlink(cfg);
	return 0;
}

int
main(int argc, char **argv)
{
	static const int concs[2] = { 1, 8 };
	const char *bin = "build/bin/falcosidekick";
	unsigned long n = 100000, ok;
	struct MHD_Daemon *d;
	double tb;
	int conns = 4, ch, rport, ncpu, k, status = 0;
	cpu_set_t set;

	while ((ch = getopt(argc, argv, "n:c:b:")) != -1) {
		switch (ch) {
		case 'n':
			n = strtoul(optarg, NULL, 10);
			break;
		case 'c':
			conns = atoi(optarg);
			break;
		case 'b':
			bin = optarg;
			break;
		default:
			fprintf(stderr, "usage: bench_sidekick [-n alerts] "
			    "[-c connections] [-b falcosidekick]\n");
			return 2;
		}
	}
	if (conns < 1 || conns > 64 || n < (unsigned long)conns)
		return 2;
	n -= n % conns;
	if (access(bin, X_OK) != 0) {
		printf("bench_sidekick: %s not built, skipped\n", bin);
		return 0;
	}
	signal(SIGPIPE, SIG_IGN);
	ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);

	/* The load generator and the receiver stay on CPU 0. */
	if (ncpu > 1) {
		CPU_ZERO(&set);
		CPU_SET(0, &set);
		sched_setaffinity(0, sizeof(set), &set);
	}
	rport = free_port();
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL,
	    (unsigned short)rport, NULL, NULL, recv_handler, NULL,
	    MHD_OPTION_END);
	if (d == NULL) {
		fprintf(stderr, "bench_sidekick: receiver did not start\n");
		return 1;
	}

	/* Baseline: the receiver hit directly. */
	tb = load(rport, n, conns, &ok);
	printf("baseline: %lu alerts straight to the receiver in %.3f s: "
	    "%.0f alerts/s (%lu ok)\n", n, tb, n / tb, ok);

	for (k = 0; k < 2; k++) {
		if (run_sidekick(bin, rport, n, conns, ncpu, concs[k], tb) != 0)
			status = 1;
	}
	MHD_stop_daemon(d);
	return status;
}
