/* SPDX-License-Identifier: Apache-2.0 */
/*
 * event-generator: command line.
 *
 *   event-generator run [REGEXP] [--all] [--loop] [--sleep D]
 *   event-generator list [REGEXP] [--all] [--long]
 *   event-generator test [REGEXP] [--all] [--sleep D] [--listen A:P]
 *                        [--timeout D]
 *
 * REGEXP is a POSIX extended regular expression matched against action
 * names such as syscall.ReadSensitiveFileUntrusted.  Durations take a
 * unit: 100ms, 6s, 1m (a bare 0 is accepted).
 *
 * Placement: some actions only make sense in a container, others only on
 * the host.  The generator decides where it runs as the daemon does,
 * from the container id in its cgroup path (evgen_detect_container()),
 * so that it never expects a container alert the daemon cannot raise.
 */
#include <errno.h>
#include <limits.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "evgen/evgen.h"
#include "util/log.h"

static volatile sig_atomic_t stop_requested;

struct options {
	const char	*cmd;
	const char	*pattern;	/* NULL: every action of the set */
	int		 all;
	int		 loop;
	int		 longlist;
	long long	 sleep_ns;
	long long	 timeout_ns;
	char		 listen_addr[64];
	int		 listen_port;
};

/* Print the help, to stdout when asked for (-h, --help), and exit. */
static void
help(FILE *f, int code)
{
	fprintf(f,
	    "usage: event-generator run [REGEXP] [--all] [--loop] "
	    "[--sleep D]\n"
	    "       event-generator list [REGEXP] [--all] [--long]\n"
	    "       event-generator test [REGEXP] [--all] [--sleep D] "
	    "[--listen ADDR:PORT] [--timeout D]\n"
	    "options: -v/--verbose logs debug messages\n"
	    "test listens on ADDR:PORT (default 127.0.0.1:8080) for the\n"
	    "alerts: run falco with json_output=true,\n"
	    "http_output.enabled=true and http_output.url=http://ADDR:PORT/\n"
	    "pointed at it.\n"
	    "Container-only actions run where /proc/self/cgroup names a\n"
	    "container (falco's container.id), host-only actions elsewhere;\n"
	    "FALCO_EVGEN_CONTAINER=yes|no overrides.\n"
	    "Network actions only reach loopback or an address inside a\n"
	    "network namespace they create; most actions need root.\n");
	exit(code);
}

static void
usage(void)
{
	help(stderr, 2);
}

static void
on_signal(int sig)
{
	stop_requested = 1;
}

static int
parse_listen(struct options *o, const char *s)
{
	const char *colon = strrchr(s, ':');
	char *end;
	long port;

	if (colon == NULL || colon == s ||
	    (size_t)(colon - s) >= sizeof(o->listen_addr))
		return -1;
	port = strtol(colon + 1, &end, 10);
	if (*end != '\0' || port <= 0 || port > 65535)
		return -1;
	memcpy(o->listen_addr, s, (size_t)(colon - s));
	o->listen_addr[colon - s] = '\0';
	o->listen_port = (int)port;
	return 0;
}

static void
parse_args(int argc, char **argv, struct options *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->sleep_ns = 100 * 1000000LL;
	o->timeout_ns = 60 * 1000000000LL;
	snprintf(o->listen_addr, sizeof(o->listen_addr), "127.0.0.1");
	o->listen_port = 8080;
	if (argc < 2)
		usage();
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0)
			help(stdout, 0);
	o->cmd = argv[1];
	if (strcmp(o->cmd, "run") != 0 && strcmp(o->cmd, "list") != 0 &&
	    strcmp(o->cmd, "test") != 0)
		usage();
	for (i = 2; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--all") == 0)
			o->all = 1;
		else if (strcmp(a, "--loop") == 0 && strcmp(o->cmd, "run") == 0)
			o->loop = 1;
		else if (strcmp(a, "--long") == 0 &&
		    strcmp(o->cmd, "list") == 0)
			o->longlist = 1;
		else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0)
			log_set_level(LOG_DEBUG);
		else if (strcmp(a, "--sleep") == 0 && i + 1 < argc) {
			if (evgen_parse_duration(argv[++i], &o->sleep_ns) == -1)
				fatal("--sleep %s: not a duration", argv[i]);
		} else if (strcmp(a, "--timeout") == 0 && i + 1 < argc &&
		    strcmp(o->cmd, "test") == 0) {
			if (evgen_parse_duration(argv[++i],
			    &o->timeout_ns) == -1 || o->timeout_ns == 0)
				fatal("--timeout %s: not a duration", argv[i]);
		} else if (strcmp(a, "--listen") == 0 && i + 1 < argc &&
		    strcmp(o->cmd, "test") == 0) {
			if (parse_listen(o, argv[++i]) == -1)
				fatal("--listen %s: expected ADDR:PORT",
				    argv[i]);
		} else if (a[0] == '-')
			usage();
		else if (o->pattern == NULL)
			o->pattern = a;
		else
			usage();
	}
}

/*
 * Whether action a is selected.  Helpers are building blocks for the
 * re-launched copies: they run only when asked for as exactly ^name$.
 */
static int
selected(const struct options *o, const regex_t *re,
    const struct evgen_action *a)
{
	char exact[256];

	if (a->flags & EVGEN_F_HELPER) {
		snprintf(exact, sizeof(exact), "^%s$", a->name);
		return o->pattern != NULL && strcmp(o->pattern, exact) == 0;
	}
	if (!(a->flags & EVGEN_F_DEFAULT) && !o->all)
		return 0;
	return o->pattern == NULL || regexec(re, a->name, 0, NULL, 0) == 0;
}

static const char *
where(const struct evgen_action *a)
{
	if (a->flags & EVGEN_F_CONTAINER)
		return "container";
	if (a->flags & EVGEN_F_HOST)
		return "host";
	return "any";
}

static int
self_path(char *buf, size_t len)
{
	ssize_t n;

	n = readlink("/proc/self/exe", buf, len - 1);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

/* Run one action with its placement checks.  Returns EVGEN_*. */
static int
run_action(const struct evgen_action *a, const char *self, int in_container,
    const char *placement, char *reason, size_t reasonlen)
{
	struct evgen_ctx ctx;
	int r;

	memset(&ctx, 0, sizeof(ctx));
	ctx.self = self;
	ctx.name = a->name;
	ctx.shortname = strchr(a->name, '.') + 1;
	ctx.in_container = in_container;
	if ((a->flags & EVGEN_F_CONTAINER) && !in_container)
		r = evgen_skip(&ctx, "runs only in a container and this is "
		    "the host: %s (FALCO_EVGEN_CONTAINER=yes overrides)",
		    placement);
	else if ((a->flags & EVGEN_F_HOST) && in_container)
		r = evgen_skip(&ctx, "runs only on the host and this is a "
		    "container: %s (FALCO_EVGEN_CONTAINER=no overrides)",
		    placement);
	else if (a->needs != NULL && strstr(a->needs, "root") != NULL &&
	    geteuid() != 0)
		r = evgen_skip(&ctx, "needs root");
	else
		r = a->run(&ctx);
	snprintf(reason, reasonlen, "%s", ctx.reason);
	if (r == EVGEN_OK)
		log_info("action %s: executed", a->name);
	else if (r == EVGEN_SKIP)
		log_notice("action %s: skipped: %s", a->name, ctx.reason);
	else
		log_err("action %s: failed: %s", a->name, ctx.reason);
	return r;
}

static void
nap(long long ns)
{
	struct timespec ts;

	if (ns <= 0)
		return;
	ts.tv_sec = (time_t)(ns / 1000000000LL);
	ts.tv_nsec = (long)(ns % 1000000000LL);
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR &&
	    !stop_requested)
		;
}

/*
 * The likely cause of a missing alert, after "FAIL action: ...: ".
 * Without a single alert received, the daemon is not posting to us;
 * otherwise the rule is off or filtered, or the daemon places the
 * action elsewhere than we do (container.id).
 */
static void
print_hint(const struct options *o, const struct evgen_action *a,
    size_t received, int in_container, const char *placement)
{
	if (received == 0) {
		printf("no alert at all has reached http://%s:%d/; is falco "
		    "running with json_output=true, http_output.enabled=true "
		    "and http_output.url=http://%s:%d/?\n", o->listen_addr,
		    o->listen_port, o->listen_addr, o->listen_port);
		return;
	}
	printf("%zu other alerts did arrive, so falco posts here; check "
	    "that the rule is loaded, enabled and at or above falco's "
	    "priority setting%s; this action ran %s (%s)\n", received,
	    a->flags & (EVGEN_F_CONTAINER | EVGEN_F_HOST) ?
	    ", and that falco places the action where the generator does "
	    "(its container.id)" : "",
	    in_container ? "in a container" : "on the host", placement);
}

static int
cmd_list(const struct options *o, const regex_t *re)
{
	size_t i, n = 0;

	for (i = 0; i < evgen_nactions; i++) {
		const struct evgen_action *a = &evgen_actions[i];

		if (!selected(o, re, a) || (a->flags & EVGEN_F_HELPER))
			continue;
		n++;
		if (o->longlist)
			printf("%s\t%s\t%s\t%s\t%s\n", a->name, a->rule,
			    a->flags & EVGEN_F_DEFAULT ? "default" : "all",
			    where(a), a->needs != NULL ? a->needs : "-");
		else
			printf("%s\n", a->name);
	}
	return n > 0 ? 0 : 1;
}

static int
cmd_run(const struct options *o, const regex_t *re, const char *self,
    int in_container, const char *placement)
{
	char reason[512];
	size_t i, n;
	int failed = 0;

	do {
		n = 0;
		for (i = 0; i < evgen_nactions && !stop_requested; i++) {
			const struct evgen_action *a = &evgen_actions[i];

			if (!selected(o, re, a))
				continue;
			n++;
			nap(o->sleep_ns);
			if (stop_requested)
				break;
			if (run_action(a, self, in_container, placement,
			    reason, sizeof(reason)) == EVGEN_FAIL)
				failed++;
		}
		if (n == 0) {
			log_err("no action matches %s", o->pattern != NULL ?
			    o->pattern : "the default set");
			return 1;
		}
	} while (o->loop && !stop_requested);
	return failed > 0 ? 1 : 0;
}

static int
cmd_test(const struct options *o, const regex_t *re, const char *self,
    int in_container, const char *placement)
{
	struct evgen_listener *l;
	char reason[512];
	size_t i, npass = 0, nfail = 0, nskip = 0;
	long long since;
	int r;

	if ((l = evgen_listener_start(o->listen_addr, o->listen_port)) == NULL)
		return 1;
	for (i = 0; i < evgen_nactions && !stop_requested; i++) {
		const struct evgen_action *a = &evgen_actions[i];

		if (!selected(o, re, a) || (a->flags & EVGEN_F_HELPER))
			continue;
		nap(o->sleep_ns);
		since = evgen_now_ns();
		r = run_action(a, self, in_container, placement, reason,
		    sizeof(reason));
		if (r == EVGEN_SKIP) {
			nskip++;
			printf("SKIP %s: %s\n", a->name, reason);
		} else if (r == EVGEN_FAIL) {
			nfail++;
			printf("FAIL %s: the action failed: %s\n", a->name,
			    reason);
		} else if (evgen_listener_wait(l, a->rule,
		    strchr(a->name, '.') + 1, since,
		    (int)(o->timeout_ns / 1000000))) {
			npass++;
			printf("PASS %s: rule \"%s\" alerted after %.1f s\n",
			    a->name, a->rule,
			    (double)(evgen_now_ns() - since) / 1e9);
		} else {
			nfail++;
			printf("FAIL %s: no alert for rule \"%s\" within "
			    "%.0f s: ", a->name, a->rule,
			    (double)o->timeout_ns / 1e9);
			print_hint(o, a, evgen_listener_count(l), in_container,
			    placement);
		}
		fflush(stdout);
	}
	printf("%zu passed, %zu failed, %zu skipped (%zu alerts received)\n",
	    npass, nfail, nskip, evgen_listener_count(l));
	evgen_listener_stop(l);
	return nfail > 0 || npass + nskip == 0 ? 1 : 0;
}

int
main(int argc, char **argv)
{
	struct sigaction sa;
	struct options o;
	char self[PATH_MAX];
	regex_t re;
	char placement[256];
	int r, in_container;

	memset(&re, 0, sizeof(re));
	log_init("event-generator", LOG_INFO, 1, 0);
	parse_args(argc, argv, &o);
	if (o.pattern != NULL &&
	    regcomp(&re, o.pattern, REG_EXTENDED | REG_NOSUB) != 0)
		fatal("%s: not a valid regular expression", o.pattern);
	if (self_path(self, sizeof(self)) == -1)
		fatal("cannot resolve /proc/self/exe");
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	in_container = evgen_detect_container(placement, sizeof(placement));
	if (strcmp(o.cmd, "list") != 0)
		log_info("running %s: %s", in_container ? "in a container" :
		    "on the host", placement);

	if (strcmp(o.cmd, "list") == 0)
		r = cmd_list(&o, &re);
	else if (strcmp(o.cmd, "run") == 0)
		r = cmd_run(&o, &re, self, in_container, placement);
	else
		r = cmd_test(&o, &re, self, in_container, placement);
	if (o.pattern != NULL)
		regfree(&re);
	return r;
}
