/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the event-generator library: name matching, alert
 * parsing, durations, temporary files, running programs, the private
 * network namespace check and the test-mode HTTP listener (driven over
 * loopback by a minimal client).
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "evgen/evgen.h"

static void
test_names_match(void **state)
{
	static const struct {
		const char *a, *b;
		int want;
	} cases[] = {
		{ "Read sensitive file untrusted", "ReadSensitiveFileUntrusted",
		    1 },
		{ "Adding ssh keys to authorized_keys",
		    "AddingSshKeysToAuthorizedKeys", 1 },
		{ "Polkit Local Privilege Escalation Vulnerability "
		    "(CVE-2021-4034)",
		    "PolkitLocalPrivilegeEscalationVulnerabilityCVE20214034", 1 },
		{ "Container Drift Detected (open+create)",
		    "ContainerDriftDetectedOpenCreate", 1 },
		{ "Write below etc", "WriteBelowBinaryDir", 0 },
		{ "Write below etc", "WriteBelowEtcs", 0 },
		{ "Run shell untrusted", "syscall.RunShellUntrusted", 0 },
		{ "", "", 1 },
		{ "--", "", 1 },
		{ "a", "", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(evgen_names_match(cases[i].a, cases[i].b),
		    cases[i].want);
		assert_int_equal(evgen_names_match(cases[i].b, cases[i].a),
		    cases[i].want);
	}
}

static void
test_alert_rule(void **state)
{
	static const char good[] = "{\"output\":\"x\",\"priority\":\"Warning\","
	    "\"rule\":\"Clear Log Activities\",\"tags\":[]}";
	char buf[sizeof(good) + 8];
	char *r;

	r = evgen_alert_rule(good, strlen(good));
	assert_non_null(r);
	assert_string_equal(r, "Clear Log Activities");
	free(r);

	/* Not NUL-terminated: trailing bytes beyond len are ignored. */
	memcpy(buf, good, strlen(good));
	memset(buf + strlen(good), '}', 8);
	r = evgen_alert_rule(buf, strlen(good));
	assert_non_null(r);
	free(r);

	assert_null(evgen_alert_rule("", 0));
	assert_null(evgen_alert_rule("not json", 8));
	assert_null(evgen_alert_rule("{\"rule\":", 8));
	assert_null(evgen_alert_rule("{\"priority\":\"x\"}", 16));
	assert_null(evgen_alert_rule("{\"rule\":42}", 11));
	assert_null(evgen_alert_rule("[\"rule\"]", 8));
	/* A rule string cut short by len is incomplete JSON. */
	assert_null(evgen_alert_rule(good, 20));
}

static void
test_parse_duration(void **state)
{
	static const struct {
		const char *s;
		int ok;
		long long ns;
	} cases[] = {
		{ "100ms", 0, 100000000LL },
		{ "6s", 0, 6000000000LL },
		{ "1.5m", 0, 90000000000LL },
		{ "2h", 0, 7200000000000LL },
		{ "250us", 0, 250000LL },
		{ "0", 0, 0 },
		{ "0s", 0, 0 },
		{ "5", -1, 0 },
		{ "-1s", -1, 0 },
		{ "1x", -1, 0 },
		{ "s", -1, 0 },
		{ "", -1, 0 },
		{ "nan", -1, 0 },
		{ "1e30h", -1, 0 },
	};
	long long ns;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ns = -7;
		assert_int_equal(evgen_parse_duration(cases[i].s, &ns),
		    cases[i].ok);
		if (cases[i].ok == 0)
			assert_true(ns == cases[i].ns);
	}
}

static void
init_ctx(struct evgen_ctx *ctx, const char *name)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->self = "/proc/self/exe";
	ctx->name = name;
	ctx->shortname = strchr(name, '.') + 1;
}

static void
test_temp_files(void **state)
{
	char dir[PATH_MAX], file[PATH_MAX], sub[PATH_MAX + 8];
	struct evgen_ctx ctx;
	struct stat st;
	const char *base;
	mode_t mask = umask(0);

	umask(mask);
	init_ctx(&ctx, "syscall.UnitTest");
	assert_int_equal(evgen_mktemp_dir(&ctx, NULL, dir, sizeof(dir)), 0);
	base = strrchr(dir, '/') + 1;
	assert_int_equal(strncmp(base,
	    "falco-event-generator-syscall-UnitTest-", 39), 0);
	assert_int_equal(stat(dir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));

	assert_int_equal(evgen_mktemp_file(&ctx, dir, 0640, file,
	    sizeof(file)), 0);
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640 & ~mask);
	snprintf(sub, sizeof(sub), "%s/d", dir);
	assert_int_equal(mkdir(sub, 0700), 0);

	assert_int_equal(evgen_rmtree(dir), 0);
	assert_int_equal(stat(dir, &st), -1);
	assert_int_equal(evgen_rmtree(dir), 0);

	/* A directory that does not exist: a failure with a reason. */
	assert_int_equal(evgen_mktemp_file(&ctx, "/nonexistent-dir", 0600,
	    file, sizeof(file)), -1);
	assert_non_null(strstr(ctx.reason, "/nonexistent-dir"));
}

static void
test_run(void **state)
{
	char *t[] = { "true", NULL };
	char *f[] = { "false", NULL };
	char *missing[] = { "no-such-program-evgen", NULL };
	char *slow[] = { "sleep", "5", NULL };
	struct evgen_runopt opt;
	struct evgen_ctx ctx;

	init_ctx(&ctx, "syscall.UnitTest");
	assert_int_equal(evgen_run(&ctx, t, NULL), 0);
	assert_int_equal(evgen_run(&ctx, f, NULL), 1);
	assert_int_equal(evgen_run(&ctx, missing, NULL), EVGEN_FAIL);
	assert_non_null(strstr(ctx.reason, "could not run"));
	memset(&opt, 0, sizeof(opt));
	opt.timeout_ms = 100;
	assert_int_equal(evgen_run(&ctx, slow, &opt), 128 + 9);
}

static void
test_find_tool_and_container(void **state)
{
	char path[PATH_MAX], why[256], text[16384], id[65];
	size_t n;
	int want;
	FILE *f;

	assert_int_equal(evgen_find_tool("sh", path, sizeof(path)), 0);
	assert_int_equal(access(path, X_OK), 0);
	assert_int_equal(evgen_find_tool("no-such-program-evgen", path,
	    sizeof(path)), -1);
	setenv("FALCO_EVGEN_CONTAINER", "yes", 1);
	assert_int_equal(evgen_detect_container(why, sizeof(why)), 1);
	assert_string_equal(why, "FALCO_EVGEN_CONTAINER=yes");
	setenv("FALCO_EVGEN_CONTAINER", "no", 1);
	assert_int_equal(evgen_detect_container(why, sizeof(why)), 0);
	assert_string_equal(why, "FALCO_EVGEN_CONTAINER=no");
	unsetenv("FALCO_EVGEN_CONTAINER");
	/* Without the override: as /proc/self/cgroup says, with a reason. */
	f = fopen("/proc/self/cgroup", "r");
	assert_non_null(f);
	n = fread(text, 1, sizeof(text), f);
	fclose(f);
	want = evgen_cgroup_container_id(text, n, id);
	assert_int_equal(evgen_detect_container(why, sizeof(why)), want);
	assert_non_null(strstr(why, "/proc/self/cgroup names"));
	if (want)
		assert_non_null(strstr(why, "container"));
	else
		assert_non_null(strstr(why, "container.id=host"));
}

/* One case of data/cgroups.txt. */
static void
check_cgroup_case(const char *want, const char *text, size_t len, int line)
{
	char id[65];
	int r;

	r = evgen_cgroup_container_id(text, len, id);
	if (strcmp(want, "host") == 0) {
		if (r != 0 || id[0] != '\0')
			fail_msg("cgroups.txt:%d: want host, got %s", line, id);
	} else if (r != 1 || strcmp(id, want) != 0)
		fail_msg("cgroups.txt:%d: want %s, got %s (%d)", line, want,
		    id, r);
}

static void
test_cgroup_container_id(void **state)
{
	const char *src = getenv("FALCO_SRC");
	char path[PATH_MAX], line[1024], want[80] = "", text[8192];
	size_t len = 0, n;
	int lineno = 0, at = 0, cases = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/tests/evgen/data/cgroups.txt",
	    src != NULL ? src : ".");
	if ((f = fopen(path, "r")) == NULL)
		fail_msg("cannot open %s", path);
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (line[0] == '=') {
			if (want[0] != '\0') {
				check_cgroup_case(want, text, len, at);
				cases++;
			}
			snprintf(want, sizeof(want), "%.70s", line + 2);
			want[strcspn(want, "\n")] = '\0';
			len = 0;
			at = lineno;
			continue;
		}
		n = strlen(line);
		assert_true(len + n < sizeof(text));
		memcpy(text + len, line, n);
		len += n;
	}
	fclose(f);
	/* The last case ends without its final newline. */
	if (len > 0 && text[len - 1] == '\n')
		len--;
	check_cgroup_case(want, text, len, at);
	cases++;
	assert_int_equal(cases, 8);
}

static void
test_private_address(void **state)
{
	pid_t pid;
	int st;

	/* The namespace we run in never holds the private address. */
	assert_int_equal(evgen_addr_is_local(EVGEN_NETNS_ADDR), 0);
	assert_int_equal(evgen_addr_is_local("not an address"), 0);
	if (geteuid() != 0)
		skip();
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(evgen_netns_setup(EVGEN_NETNS_ADDR) == 0 &&
		    evgen_addr_is_local(EVGEN_NETNS_ADDR) &&
		    !evgen_addr_is_local("192.0.2.2") ? 0 : 1);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

/* A free loopback port (bound, read, released). */
static int
free_port(void)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int s, port;

	s = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(s >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&sin, &len), 0);
	port = ntohs(sin.sin_port);
	close(s);
	return port;
}

/* Send one HTTP request; returns the status code of the reply. */
static int
http(int port, const char *method, const char *body)
{
	struct sockaddr_in sin;
	char req[2048], resp[512];
	ssize_t n;
	size_t got = 0;
	int s, code = -1;

	s = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(s >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(s, (struct sockaddr *)&sin, sizeof(sin)), 0);
	snprintf(req, sizeof(req), "%s / HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	    "Content-Type: application/json\r\nContent-Length: %zu\r\n"
	    "Connection: close\r\n\r\n%s", method, strlen(body), body);
	assert_true(write(s, req, strlen(req)) == (ssize_t)strlen(req));
	while (got < sizeof(resp) - 1 &&
	    (n = read(s, resp + got, sizeof(resp) - 1 - got)) > 0)
		got += (size_t)n;
	resp[got] = '\0';
	close(s);
	if (sscanf(resp, "HTTP/1.%*d %d", &code) != 1)
		return -1;
	return code;
}

static void
test_listener(void **state)
{
	struct evgen_listener *l;
	long long t0;
	int port = free_port();

	assert_null(evgen_listener_start("not-an-address", port));
	l = evgen_listener_start("127.0.0.1", port);
	assert_non_null(l);
	t0 = evgen_now_ns();

	assert_int_equal(http(port, "POST",
	    "{\"rule\":\"Clear Log Activities\",\"priority\":\"Warning\"}"),
	    200);
	assert_int_equal(evgen_listener_count(l), 1);
	assert_int_equal(evgen_listener_wait(l, "Clear Log Activities",
	    "ClearLogActivities", t0, 1000), 1);
	/* Matched through the action name alone. */
	assert_int_equal(evgen_listener_wait(l, NULL, "ClearLogActivities",
	    t0, 1000), 1);
	/* Another rule's alert, or one older than since, does not count. */
	assert_int_equal(evgen_listener_wait(l, "Write below etc",
	    "WriteBelowEtc", t0, 100), 0);
	assert_int_equal(evgen_listener_wait(l, "Clear Log Activities",
	    "ClearLogActivities", evgen_now_ns(), 100), 0);

	assert_int_equal(http(port, "POST", "plain text alert"), 400);
	assert_int_equal(http(port, "POST", "{\"output\":\"x\"}"), 400);
	assert_int_equal(http(port, "GET", ""), 405);
	assert_int_equal(evgen_listener_count(l), 1);

	/* A second listener on the same port cannot start. */
	assert_null(evgen_listener_start("127.0.0.1", port));
	evgen_listener_stop(l);
	evgen_listener_stop(NULL);
}

static void
test_action_table(void **state)
{
	size_t i, j, ndefault = 0, nall = 0;

	for (i = 0; i < evgen_nactions; i++) {
		const struct evgen_action *a = &evgen_actions[i];

		assert_non_null(a->run);
		assert_non_null(strchr(a->name, '.'));
		if (a->flags & EVGEN_F_HELPER) {
			assert_int_equal(strncmp(a->name, "helper.", 7), 0);
			continue;
		}
		assert_int_equal(strncmp(a->name, "syscall.", 8), 0);
		/* Each action is named after its rule. */
		assert_non_null(a->rule);
		assert_true(evgen_names_match(a->rule, a->name + 8));
		nall++;
		if (a->flags & EVGEN_F_DEFAULT)
			ndefault++;
		for (j = 0; j < i; j++)
			assert_string_not_equal(a->name, evgen_actions[j].name);
	}
	assert_int_equal(ndefault, 23);
	assert_int_equal(nall, 66);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_match),
		cmocka_unit_test(test_alert_rule),
		cmocka_unit_test(test_parse_duration),
		cmocka_unit_test(test_temp_files),
		cmocka_unit_test(test_run),
		cmocka_unit_test(test_find_tool_and_container),
		cmocka_unit_test(test_cgroup_container_id),
		cmocka_unit_test(test_private_address),
		cmocka_unit_test(test_listener),
		cmocka_unit_test(test_action_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
