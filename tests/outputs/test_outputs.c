/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The output manager and every channel, each against a real receiver the
 * test makes itself: a pipe for stdout, files in a temporary folder, a
 * program that records its input, a unix datagram socket for syslog, and
 * an HTTP receiver on 127.0.0.1 that can fail or stall.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <json-c/json.h>

#include "../lib/testutil.h"
#include "config/config.h"
#include "httprecv.h"
#include "outputs/outputs.h"
#include "util/log.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"
#include "webserver/metrics.h"

#define T0	1700000000123456789ULL

static struct alert *
mk_alert(int n)
{
	struct alert *a;
	char out[64];

	a = alert_new(T0 + (uint64_t)n, ALERT_WARNING, "Test rule",
	    "syscall");
	snprintf(out, sizeof(out), "alert number %d", n);
	alert_set_output(a, out);
	alert_add_tag(a, "test");
	alert_field_int(a, "n", n);
	return a;
}

static void
submit_n(struct outputs *out, int from, int n)
{
	struct alert *a;
	int i;

	for (i = from; i < from + n; i++) {
		a = mk_alert(i);
		outputs_submit(out, a);
		alert_free(a);
	}
}

static void
base_opts(struct outputs_options *o)
{
	outputs_options_defaults(o);
	o->fmt.hostname = "testhost";
	o->timeout_ms = 2000;
}

static struct outputs *
start(const struct outputs_options *o)
{
	struct outputs *out;
	char *err = NULL;

	out = outputs_new(o, &err);
	if (out == NULL)
		fail_msg("outputs_new: %s", err);
	assert_int_equal(outputs_start(out), 0);
	return out;
}

static struct outputs_chan_stats
chan_stats(struct outputs *out, size_t i)
{
	struct outputs_chan_stats st;

	assert_int_equal(outputs_get_chan_stats(out, i, &st), 0);
	return st;
}

static int
count_lines(const char *s)
{
	int n = 0;

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

/*
 * Wait up to timeout_ms for the file to have n lines, then check that it
 * has exactly n and, unless has is NULL, that it contains has.
 */
static void
assert_file_lines(const char *path, int n, const char *has,
    unsigned timeout_ms)
{
	uint64_t end = tu_mono_ms() + timeout_ms;
	char *s;

	while ((s = tu_slurp(path, NULL)), count_lines(s) < n &&
	    tu_mono_ms() < end) {
		free(s);
		tu_sleep_ms(20);
	}
	if (count_lines(s) != n || (has != NULL && strstr(s, has) == NULL))
		fail_msg("%s: want %d lines with \"%s\", got:\n%s", path, n,
		    has != NULL ? has : "", s);
	free(s);
}

/* Read from fd until n lines arrived or the time is up. */
static char *
read_lines(int fd, int n, unsigned timeout_ms)
{
	struct sbuf sb = SBUF_INIT;
	struct pollfd pfd = { fd, POLLIN, 0 };
	uint64_t end = tu_mono_ms() + timeout_ms;
	char buf[4096];
	ssize_t r;

	sbuf_puts(&sb, "");
	while (count_lines(sb.buf) < n && tu_mono_ms() < end) {
		if (poll(&pfd, 1, 50) <= 0)
			continue;
		r = read(fd, buf, sizeof(buf));
		if (r <= 0)
			break;
		sbuf_put(&sb, buf, (size_t)r);
	}
	return sbuf_detach(&sb);
}

static void
test_stdout_lines(void **state)
{
	struct outputs_options o;
	struct outputs *out;
	int fds[2];
	char *text;

	assert_int_equal(pipe(fds), 0);
	setenv("TZ", "UTC", 1);
	tzset();
	base_opts(&o);
	o.stdout_enabled = 1;
	o.stdout_fd = fds[1];
	out = start(&o);
	submit_n(out, 1, 3);
	assert_int_equal(outputs_drain(out, 2000), 0);
	text = read_lines(fds[0], 3, 2000);
	assert_string_equal(text,
	    "22:13:20.123456790: Warning alert number 1\n"
	    "22:13:20.123456791: Warning alert number 2\n"
	    "22:13:20.123456792: Warning alert number 3\n");
	free(text);
	assert_int_equal(chan_stats(out, 0).delivered, 3);
	assert_string_equal(chan_stats(out, 0).name, "stdout");
	outputs_free(out);
	close(fds[0]);
	close(fds[1]);
}

static void
test_stdout_buffered(void **state)
{
	struct outputs_options o;
	struct outputs *out;
	int fds[2];
	char *text;

	assert_int_equal(pipe(fds), 0);
	base_opts(&o);
	o.stdout_enabled = 1;
	o.stdout_fd = fds[1];
	o.buffered = 1;
	o.fmt.json = 1;
	out = start(&o);
	submit_n(out, 1, 2);
	assert_int_equal(outputs_drain(out, 2000), 0);
	/* Held in the buffer until a flush... */
	text = read_lines(fds[0], 1, 200);
	assert_string_equal(text, "");
	free(text);
	/* ...which stopping does. */
	outputs_stop(out);
	text = read_lines(fds[0], 2, 2000);
	assert_int_equal(count_lines(text), 2);
	assert_non_null(strstr(text, "\"output\":\"22:13:20.123456790: "
	    "Warning alert number 1\""));
	free(text);
	outputs_free(out);
	close(fds[0]);
	close(fds[1]);
}

static void
test_file_reopened_per_alert(void **state)
{
	struct outputs_options o;
	struct outputs *out;
	char *file = tu_path("events.txt"), *old = tu_path("events.txt.1");

	base_opts(&o);
	o.file_enabled = 1;
	o.file_name = file;
	out = start(&o);
	submit_n(out, 1, 1);
	assert_int_equal(outputs_drain(out, 2000), 0);
	/* Rotate behind the channel's back: without keep_alive the next
	 * alert opens the file again by name. */
	assert_int_equal(rename(file, old), 0);
	submit_n(out, 2, 1);
	assert_int_equal(outputs_drain(out, 2000), 0);
	assert_file_lines(old, 1, "alert number 1\n", 0);
	assert_file_lines(file, 1, "alert number 2\n", 0);
	outputs_free(out);
	free(file);
	free(old);
}

static void
test_file_keep_alive_reopen(void **state)
{
	struct outputs_options o;
	struct outputs *out;
	char *file = tu_path("ka.txt"), *old = tu_path("ka.txt.1");

	base_opts(&o);
	o.file_enabled = 1;
	o.file_keep_alive = 1;
	o.file_name = file;
	out = start(&o);
	submit_n(out, 1, 1);
	assert_int_equal(outputs_drain(out, 2000), 0);
	assert_int_equal(rename(file, old), 0);
	/* Kept open: still written to the renamed file. */
	submit_n(out, 2, 1);
	assert_int_equal(outputs_drain(out, 2000), 0);
	/* What SIGUSR1 does: the file is opened again by name. */
	outputs_reopen(out);
	submit_n(out, 3, 1);
	assert_int_equal(outputs_drain(out, 2000), 0);
	assert_file_lines(old, 2, "alert number 2\n", 0);
	assert_file_lines(file, 1, "alert number 3\n", 0);
	outputs_free(out);
	free(file);
	free(old);
}

static void
test_file_unwritable(void **state)
{
	struct outputs_options o;
	struct outputs *out;
	char *file = tu_path("no/such/dir/x.txt");

	base_opts(&o);
	o.file_enabled = 1;
	o.file_name = file;
	out = start(&o);
	submit_n(out, 1, 2);
	assert_int_equal(outputs_drain(out, 2000), 0);
	assert_int_equal(chan_stats(out, 0).failed, 2);
	assert_int_equal(chan_stats(out, 0).delivered, 0);
	outputs_free(out);
	free(file);
}

static char *
program_cmd(const char *starts, const char *sink)
{
	char *cmd;

	/* Records one line per process start, then copies its input. */
	xasprintf(&cmd, "echo start >> '%s'; cat >> '%s'", starts, sink);
	return cmd;
}

static void
test_program_per_alert(void **state)
{
	struct outputs_options o;
	struct outputs *out;
	char *starts = tu_path("starts"), *sink = tu_path("sink");

	base_opts(&o);
	o.program_enabled = 1;
	o.program = program_cmd(starts, sink);
	out = start(&o);
	submit_n(out, 1, 3);
	assert_int_equal(outputs_drain(out, 5000), 0);
	/* Each alert ran the program to completion before the next. */
	assert_file_lines(starts, 3, NULL, 0);
	assert_file_lines(sink, 3, "Warning alert number 3\n", 0);
	assert_int_equal(chan_stats(out, 0).delivered, 3);
	outputs_free(out);
	free((char *)o.program);
	free(starts);
	free(sink);
}

static void
test_program_keep_alive(void **state)
{
	struct outputs_options o;
	struct outputs *out;
	char *starts = tu_path("starts"), *sink = tu_path("sink");

	base_opts(&o);
	o.program_enabled = 1;
	o.program_keep_alive = 1;
	o.program = program_cmd(starts, sink);
	out = start(&o);
	submit_n(out, 1, 3);
	assert_int_equal(outputs_drain(out, 5000), 0);
	assert_file_lines(sink, 3, NULL, 3000);
	assert_file_lines(starts, 1, NULL, 0);
	/* SIGUSR1: the program is restarted. */
	outputs_reopen(out);
	submit_n(out, 4, 1);
	assert_int_equal(outputs_drain(out, 5000), 0);
	assert_file_lines(sink, 4, NULL, 3000);
	assert_file_lines(starts, 2, NULL, 0);
	outputs_free(out);
	free((char *)o.program);
	free(starts);
	free(sink);
}

static void
test_program_exits_early(void **state)
{
	struct outputs_options o;
	struct outputs *out;
	char *sink = tu_path("sink");

	/* A kept-alive program that reads one line and exits is restarted
	 * for the next alert instead of failing it. */
	base_opts(&o);
	o.program_enabled = 1;
	o.program_keep_alive = 1;
	xasprintf((char **)&o.program, "head -n 1 >> '%s'", sink);
	out = start(&o);
	submit_n(out, 1, 1);
	assert_int_equal(outputs_drain(out, 5000), 0);
	assert_file_lines(sink, 1, NULL, 3000);
	tu_sleep_ms(200);
	submit_n(out, 2, 1);
	assert_int_equal(outputs_drain(out, 5000), 0);
	assert_file_lines(sink, 2, "alert number 2", 3000);
	assert_int_equal(chan_stats(out, 0).delivered, 2);
	outputs_free(out);
	free((char *)o.program);
	free(sink);
}

static int
have_prog(const char *name)
{
	char *cmd;
	int rc;

	xasprintf(&cmd, "command -v %s >/dev/null 2>&1", name);
	rc = system(cmd);
	free(cmd);
	return rc == 0;
}

/* The falco.yaml sample's shape: jq reshapes the JSON, curl posts it. */
static void
test_program_jq_curl_pipeline(void **state)
{
	struct outputs_options o;
	struct outputs *out;
	struct httprecv *r;
	struct json_object *j, *v;
	char *body;

	if (!have_prog("jq") || !have_prog("curl")) {
		print_message("jq or curl not installed\n");
		skip();
	}
	r = httprecv_start(0, NULL, NULL, NULL);
	assert_non_null(r);
	base_opts(&o);
	o.fmt.json = 1;
	o.program_enabled = 1;
	/* As the guide writes it: pretty jq output, curl -d @- joins it. */
	xasprintf((char **)&o.program, "jq '{text: .output, "
	    "prio: .priority, n: .output_fields.n}' | curl -s --noproxy '*' "
	    "-o /dev/null -X POST -H 'Content-Type: application/json' -d @- "
	    "http://127.0.0.1:%u/hook", httprecv_port(r));
	out = start(&o);
	submit_n(out, 7, 1);
	assert_int_equal(httprecv_wait_ok(r, 1, 10000), 0);
	body = httprecv_ok_body(r, 0);
	j = json_tokener_parse(body);
	assert_non_null(j);
	v = json_object_object_get(j, "text");
	assert_string_equal(json_object_get_string(v),
	    "22:13:20.123456796: Warning alert number 7");
	v = json_object_object_get(j, "prio");
	assert_string_equal(json_object_get_string(v), "Warning");
	v = json_object_object_get(j, "n");
	assert_int_equal(json_object_get_int(v), 7);
	json_object_put(j);
	free(body);
	outputs_free(out);
	free((char *)o.program);
	httprecv_stop(r);
}

static int
bind_dgram(const char *path)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	return fd;
}

static char *
recv_dgram(int fd)
{
	struct pollfd pfd = { fd, POLLIN, 0 };
	char buf[8192];
	ssize_t r;

	if (poll(&pfd, 1, 3000) != 1)
		return NULL;
	r = recv(fd, buf, sizeof(buf) - 1, 0);
	if (r < 0)
		return NULL;
	buf[r] = '\0';
	return xstrdup(buf);
}

static void
test_syslog_socket(void **state)
{
	struct outputs_options o;
	struct outputs *out;
	struct alert *a;
	char *sock = tu_path("log"), *m, *p;
	int fd;

	fd = bind_dgram(sock);
	base_opts(&o);
	o.syslog_enabled = 1;
	o.syslog_path = sock;
	o.fmt.json = 1;
	out = start(&o);
	a = mk_alert(1);
	a->priority = ALERT_CRITICAL;
	outputs_submit(out, a);
	alert_free(a);
	submit_n(out, 2, 1);
	assert_int_equal(outputs_drain(out, 2000), 0);

	/* <PRI> is facility user (8) plus the priority as level. */
	m = recv_dgram(fd);
	assert_non_null(m);
	assert_memory_equal(m, "<10>", 4);
	/* "<PRI>Mmm dd hh:mm:ss falco: " then the JSON alert. */
	p = strstr(m, " falco: {\"hostname\":\"testhost\"");
	assert_non_null(p);
	assert_int_equal(p - m, 4 + 15);
	assert_non_null(strstr(m, "\"priority\":\"Critical\""));
	free(m);
	m = recv_dgram(fd);
	assert_non_null(m);
	assert_memory_equal(m, "<12>", 4);
	free(m);
	assert_int_equal(chan_stats(out, 0).delivered, 2);

	/* The log daemon goes away: the alert fails and is counted. */
	close(fd);
	unlink(sock);
	submit_n(out, 3, 1);
	assert_int_equal(outputs_drain(out, 2000), 0);
	assert_int_equal(chan_stats(out, 0).failed, 1);
	/* And comes back. */
	fd = bind_dgram(sock);
	submit_n(out, 4, 1);
	assert_int_equal(outputs_drain(out, 2000), 0);
	m = recv_dgram(fd);
	assert_non_null(m);
	assert_non_null(strstr(m, "alert number 4"));
	free(m);
	close(fd);
	outputs_free(out);
	free(sock);
}

static void
http_opts(struct outputs_options *o, struct httprecv *r, char **url)
{
	base_opts(o);
	o->http_enabled = 1;
	xasprintf(url, "http://127.0.0.1:%u/alerts", httprecv_port(r));
	o->http_url = *url;
	o->http_timeout_ms = 1000;
	o->http_retry_interval_ms = 20;
}

static void
test_http_json_and_text(void **state)
{
	struct outputs_options o;
	struct outputs *out;
	struct httprecv *r;
	struct httprecv_req q;
	struct json_object *j;
	char *url;

	r = httprecv_start(0, NULL, NULL, NULL);
	assert_non_null(r);
	http_opts(&o, r, &url);
	o.fmt.json = 1;
	out = start(&o);
	submit_n(out, 1, 1);
	assert_int_equal(httprecv_wait_ok(r, 1, 5000), 0);
	assert_int_equal(outputs_drain(out, 5000), 0);
	assert_int_equal(httprecv_get(r, 0, &q), 0);
	assert_string_equal(q.path, "/alerts");
	assert_string_equal(q.content_type, "application/json");
	assert_string_equal(q.user_agent, "falcosecurity/falco");
	j = json_tokener_parse(q.body);
	assert_non_null(j);
	assert_string_equal(json_object_get_string(json_object_object_get(j,
	    "rule")), "Test rule");
	json_object_put(j);
	httprecv_req_free(&q);
	assert_int_equal(chan_stats(out, 0).delivered, 1);
	assert_int_equal(chan_stats(out, 0).retries, 0);
	outputs_free(out);

	o.fmt.json = 0;
	o.http_user_agent = "custom/1";
	out = start(&o);
	submit_n(out, 2, 1);
	assert_int_equal(httprecv_wait_ok(r, 2, 5000), 0);
	assert_int_equal(httprecv_get(r, 1, &q), 0);
	assert_string_equal(q.content_type, "text/plain");
	assert_string_equal(q.user_agent, "custom/1");
	assert_non_null(strstr(q.body, ": Warning alert number 2"));
	httprecv_req_free(&q);
	outputs_free(out);
	free(url);
	httprecv_stop(r);
}

static void
test_http_500_bounded_retries(void **state)
{
	struct outputs_options o;
	struct outputs *out;
	struct httprecv *r;
	struct outputs_chan_stats st;
	char *url;

	r = httprecv_start(0, NULL, NULL, NULL);
	assert_non_null(r);
	httprecv_fail(r, 500, -1);
	http_opts(&o, r, &url);
	o.http_max_consecutive_timeouts = 2;
	out = start(&o);
	submit_n(out, 1, 1);
	assert_int_equal(outputs_drain(out, 5000), 0);
	st = chan_stats(out, 0);
	assert_int_equal(st.failed, 1);
	assert_int_equal(st.delivered, 0);
	assert_int_equal(st.retries, 2);
	/* One attempt plus max_consecutive_timeouts retries. */
	assert_int_equal(httprecv_nreq(r), 3);
	outputs_free(out);
	free(url);
	httprecv_stop(r);
}

static void
test_http_500_then_ok(void **state)
{
	struct outputs_options o;
	struct outputs *out;
	struct httprecv *r;
	char *url, *body;

	r = httprecv_start(0, NULL, NULL, NULL);
	assert_non_null(r);
	httprecv_fail(r, 503, 2);
	http_opts(&o, r, &url);
	out = start(&o);
	submit_n(out, 5, 1);
	assert_int_equal(httprecv_wait_ok(r, 1, 5000), 0);
	assert_int_equal(outputs_drain(out, 5000), 0);
	assert_int_equal(httprecv_nreq(r), 3);
	body = httprecv_ok_body(r, 0);
	assert_non_null(strstr(body, "alert number 5"));
	free(body);
	assert_int_equal(chan_stats(out, 0).delivered, 1);
	assert_int_equal(chan_stats(out, 0).retries, 2);
	outputs_free(out);
	free(url);
	httprecv_stop(r);
}

static void
test_http_4xx_is_final(void **state)
{
	struct outputs_options o;
	struct outputs *out;
	struct httprecv *r;
	char *url;

	r = httprecv_start(0, NULL, NULL, NULL);
	assert_non_null(r);
	httprecv_fail(r, 404, 1);
	http_opts(&o, r, &url);
	out = start(&o);
	submit_n(out, 1, 1);
	assert_int_equal(outputs_drain(out, 5000), 0);
	assert_int_equal(httprecv_nreq(r), 1);
	assert_int_equal(chan_stats(out, 0).failed, 1);
	outputs_free(out);
	free(url);
	httprecv_stop(r);
}

/*
 * Pitfall #18: the receiver stalls (libcurl times out) and recovers; the
 * alert must arrive after the recovery, not be lost.
 */
static void
test_http_stall_then_recover(void **state)
{
	struct outputs_options o;
	struct outputs *out;
	struct httprecv *r;
	char *url, *body;

	r = httprecv_start(0, NULL, NULL, NULL);
	assert_non_null(r);
	httprecv_stall(r, 1500, 2);
	http_opts(&o, r, &url);
	o.http_timeout_ms = 300;
	o.http_keep_alive = 1;
	out = start(&o);
	submit_n(out, 9, 1);
	assert_int_equal(httprecv_wait_ok(r, 1, 10000), 0);
	assert_int_equal(outputs_drain(out, 5000), 0);
	body = httprecv_ok_body(r, 0);
	assert_non_null(strstr(body, "alert number 9"));
	free(body);
	assert_int_equal(chan_stats(out, 0).delivered, 1);
	assert_int_equal(chan_stats(out, 0).retries, 2);
	outputs_free(out);
	free(url);
	httprecv_stop(r);
}

/* A port with nothing listening (refused) until we start a receiver. */
static unsigned
free_port(void)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	close(fd);
	return ntohs(sin.sin_port);
}

static void
test_http_down_then_up(void **state)
{
	struct outputs_options o;
	struct outputs *out;
	struct httprecv *r;
	unsigned port = free_port();
	char *url, *body;

	base_opts(&o);
	o.http_enabled = 1;
	xasprintf(&url, "http://127.0.0.1:%u/", port);
	o.http_url = url;
	o.http_retry_interval_ms = 100;
	o.http_max_consecutive_timeouts = 8;
	out = start(&o);
	submit_n(out, 1, 1);
	tu_sleep_ms(400);
	r = httprecv_start(port, NULL, NULL, NULL);
	assert_non_null(r);
	assert_int_equal(httprecv_wait_ok(r, 1, 10000), 0);
	assert_int_equal(outputs_drain(out, 5000), 0);
	body = httprecv_ok_body(r, 0);
	assert_non_null(strstr(body, "alert number 1"));
	free(body);
	assert_true(chan_stats(out, 0).retries >= 1);
	assert_int_equal(chan_stats(out, 0).delivered, 1);
	outputs_free(out);
	free(url);
	httprecv_stop(r);
}

/*
 * A dead HTTP receiver with a small queue: the caller is never held up,
 * stdout still gets every alert, the overflow is counted, the watchdog
 * reports the blocked channel, and shutdown is bounded.
 */
static void
test_blocked_channel_isolated(void **state)
{
	struct outputs_options o;
	struct outputs *out;
	struct outputs_stats st;
	struct outputs_chan_stats hs;
	struct httprecv *r;
	struct alert *a;
	uint64_t t0, dt, worst = 0;
	int fds[2], i;
	char *url, *text;

	r = httprecv_start(0, NULL, NULL, NULL);
	assert_non_null(r);
	httprecv_stall(r, 3000, -1);
	assert_int_equal(pipe(fds), 0);
	http_opts(&o, r, &url);
	o.http_timeout_ms = 5000;
	o.stdout_enabled = 1;
	o.stdout_fd = fds[1];
	o.queue_capacity = 5;
	o.timeout_ms = 300;
	out = start(&o);
	/* Paced so that stdout, with the same small queue, keeps up. */
	for (i = 1; i <= 50; i++) {
		a = mk_alert(i);
		t0 = tu_mono_ms();
		outputs_submit(out, a);
		dt = tu_mono_ms() - t0;
		worst = dt > worst ? dt : worst;
		alert_free(a);
		tu_sleep_ms(3);
	}
	assert_true(worst < 50);
	text = read_lines(fds[0], 50, 5000);
	assert_int_equal(count_lines(text), 50);
	free(text);
	tu_sleep_ms(600);
	outputs_get_stats(out, &st);
	assert_int_equal(st.submitted, 50);
	/* 50 alerts, at most one in flight and five queued for http. */
	assert_true(st.queue_drops >= 44);
	assert_int_equal(chan_stats(out, 0).delivered, 50);
	hs = chan_stats(out, 1);
	assert_string_equal(hs.name, "http");
	assert_true(hs.timeouts >= 1);
	t0 = tu_mono_ms();
	outputs_stop(out);
	dt = tu_mono_ms() - t0;
	/* output_timeout, then the abort: well under the 3 s stall. */
	assert_true(dt < 2500);
	hs = chan_stats(out, 1);
	assert_true(hs.discarded >= 1);
	assert_int_equal(hs.delivered, 0);
	outputs_free(out);
	free(url);
	close(fds[0]);
	close(fds[1]);
	httprecv_stop(r);
}

static void
test_unbounded_queue(void **state)
{
	struct outputs_options o;
	struct outputs *out;
	struct outputs_stats st;
	char *file = tu_path("many.txt");

	base_opts(&o);
	o.file_enabled = 1;
	o.file_keep_alive = 1;
	o.buffered = 1;
	o.file_name = file;
	out = start(&o);
	submit_n(out, 0, 5000);
	outputs_stop(out);
	outputs_get_stats(out, &st);
	assert_int_equal(st.queue_drops, 0);
	assert_int_equal(chan_stats(out, 0).delivered, 5000);
	assert_file_lines(file, 5000, NULL, 0);
	outputs_free(out);
	free(file);
}

static void
test_internal_alert_through_channels(void **state)
{
	struct outputs_options o;
	struct outputs *out;
	struct alert *a;
	int fds[2];
	char *text;

	assert_int_equal(pipe(fds), 0);
	base_opts(&o);
	o.stdout_enabled = 1;
	o.stdout_fd = fds[1];
	o.fmt.json = 1;
	out = start(&o);
	a = alert_new_internal(T0, ALERT_CRITICAL, ALERT_RULE_RESTART,
	    "Falco internal: hot restart failure");
	alert_field_str(a, "error", "rules.yaml:3:1: bad");
	outputs_submit(out, a);
	alert_free(a);
	text = read_lines(fds[0], 1, 3000);
	assert_string_equal(text, "{\"hostname\":\"testhost\",\"output\":"
	    "\"Falco internal: hot restart failure\",\"output_fields\":"
	    "{\"error\":\"rules.yaml:3:1: bad\"},\"priority\":\"Critical\","
	    "\"rule\":\"Falco internal: hot restart failure\","
	    "\"source\":\"internal\","
	    "\"time\":\"2023-11-14T22:13:20.123456789Z\"}\n");
	free(text);
	outputs_free(out);
	close(fds[0]);
	close(fds[1]);
}

static void
test_metrics_published(void **state)
{
	struct outputs_options o;
	struct outputs *out;
	struct metrics *m = metrics_new();
	const char *lab[] = { "channel", "stdout", NULL };
	struct sbuf sb = SBUF_INIT;
	double v;
	int fds[2];

	assert_int_equal(pipe(fds), 0);
	base_opts(&o);
	o.stdout_enabled = 1;
	o.stdout_fd = fds[1];
	out = start(&o);
	outputs_register_metrics(out, m);
	submit_n(out, 1, 4);
	assert_int_equal(outputs_drain(out, 2000), 0);
	assert_int_equal(metrics_get(m,
	    "falcosecurity_falco_outputs_delivered_total", lab, &v), 0);
	assert_true(v == 4);
	assert_int_equal(metrics_get(m,
	    "falcosecurity_falco_outputs_queue_num_drops_total", NULL, &v), 0);
	assert_true(v == 0);
	metrics_render(m, &sb);
	assert_non_null(strstr(sb.buf, "# TYPE falcosecurity_falco_outputs_"
	    "delivered_total counter\nfalcosecurity_falco_outputs_delivered_"
	    "total{channel=\"stdout\"} 4\n"));
	sbuf_free(&sb);
	metrics_remove_owner(m, out);
	assert_int_equal(metrics_get(m,
	    "falcosecurity_falco_outputs_delivered_total", lab, &v), -1);
	outputs_free(out);
	metrics_free(m);
	close(fds[0]);
	close(fds[1]);
}

static void
test_options_from_config(void **state)
{
	static const char yaml[] =
	    "json_output: true\n"
	    "json_include_message_property: true\n"
	    "json_include_tags_property: false\n"
	    "buffered_outputs: true\n"
	    "outputs_queue: {capacity: 100}\n"
	    "output_timeout: 750\n"
	    "stdout_output: {enabled: true}\n"
	    "file_output: {enabled: true, keep_alive: true, filename: /x}\n"
	    "http_output:\n"
	    "  enabled: true\n"
	    "  url: \"'http://127.0.0.1:9/'\"\n"
	    "  max_consecutive_timeouts: 258\n"
	    "  timeout: 1s\n";
	char *opts[] = { "http_output.user_agent=me/2" };
	struct outputs_options o;
	struct config *cfg = config_new();
	char *err = NULL;

	assert_int_equal(config_load_string(cfg, yaml, sizeof(yaml) - 1,
	    "t.yaml", opts, 1, 0, &err), 0);
	outputs_options_from_config(&o, cfg, 0);
	assert_true(o.fmt.json);
	assert_true(o.fmt.include_message);
	assert_false(o.fmt.include_tags);
	assert_true(o.fmt.include_output);
	assert_true(o.buffered);
	assert_int_equal(o.queue_capacity, 100);
	assert_int_equal(o.timeout_ms, 750);
	assert_true(o.stdout_enabled);
	assert_false(o.syslog_enabled);
	assert_true(o.file_keep_alive);
	assert_string_equal(o.file_name, "/x");
	assert_string_equal(o.http_user_agent, "me/2");
	assert_int_equal(o.http_max_consecutive_timeouts, 2);
	assert_int_equal(o.http_timeout_ms, 1000);
	assert_string_equal(o.http_ca_path, "/etc/ssl/certs");
	/* -U wins over buffered_outputs. */
	outputs_options_from_config(&o, cfg, 1);
	assert_false(o.buffered);
	config_free(cfg);
}

static void
test_misconfigured_channels(void **state)
{
	struct outputs_options o;
	char *err = NULL;

	base_opts(&o);
	o.http_enabled = 1;
	assert_null(outputs_new(&o, &err));
	assert_string_equal(err, "http_output: url is empty");
	free(err);
	base_opts(&o);
	o.program_enabled = 1;
	assert_null(outputs_new(&o, &err));
	assert_string_equal(err, "program_output: program is empty");
	free(err);
	base_opts(&o);
	o.file_enabled = 1;
	assert_null(outputs_new(&o, &err));
	assert_string_equal(err, "file_output: filename is empty");
	free(err);
}

/* Make a self-signed certificate for 127.0.0.1 with openssl(1). */
static int
make_cert(const char *key, const char *crt)
{
	char *cmd;
	int rc;

	xasprintf(&cmd, "openssl req -x509 -newkey ec -pkeyopt "
	    "ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=127.0.0.1 "
	    "-addext subjectAltName=IP:127.0.0.1 -keyout '%s' -out '%s' "
	    ">/dev/null 2>&1", key, crt);
	rc = system(cmd);
	free(cmd);
	return rc == 0 ? 0 : -1;
}

static void
test_https_trust(void **state)
{
	struct outputs_options o;
	struct outputs *out;
	struct httprecv *r;
	char *key = tu_path("k.pem"), *crt = tu_path("c.pem");
	char *empty = tu_path("emptyca"), *url, *kp, *cp;

	if (!have_prog("openssl") || make_cert(key, crt) < 0) {
		print_message("openssl cannot make a test certificate\n");
		skip();
	}
	assert_int_equal(mkdir(empty, 0700), 0);
	kp = tu_slurp(key, NULL);
	cp = tu_slurp(crt, NULL);
	r = httprecv_start(0, kp, cp, NULL);
	assert_non_null(r);
	base_opts(&o);
	o.http_enabled = 1;
	xasprintf(&url, "https://127.0.0.1:%u/", httprecv_port(r));
	o.http_url = url;
	o.http_retry_interval_ms = 10;

	/* Trusted through ca_cert. */
	o.http_ca_cert = crt;
	out = start(&o);
	submit_n(out, 1, 1);
	assert_int_equal(outputs_drain(out, 5000), 0);
	assert_int_equal(chan_stats(out, 0).delivered, 1);
	outputs_free(out);

	/* Not trusted: an empty CA folder fails, without retries. */
	o.http_ca_cert = "";
	o.http_ca_path = empty;
	out = start(&o);
	submit_n(out, 2, 1);
	assert_int_equal(outputs_drain(out, 5000), 0);
	assert_int_equal(chan_stats(out, 0).failed, 1);
	assert_int_equal(chan_stats(out, 0).retries, 0);
	outputs_free(out);

	/* insecure skips verification. */
	o.http_insecure = 1;
	out = start(&o);
	submit_n(out, 3, 1);
	assert_int_equal(outputs_drain(out, 5000), 0);
	assert_int_equal(chan_stats(out, 0).delivered, 1);
	outputs_free(out);
	assert_int_equal(httprecv_nok(r), 2);

	httprecv_stop(r);
	free(url);
	free(kp);
	free(cp);
	free(key);
	free(crt);
	free(empty);
}

/*
 * mtls: the channel presents client_cert/client_key, which the receiver
 * verifies against the client certificate it trusts.
 */
static void
test_https_mtls(void **state)
{
	struct outputs_options o;
	struct outputs *out;
	struct httprecv *r;
	struct httprecv_req q;
	char *key = tu_path("k.pem"), *crt = tu_path("c.pem");
	char *ckey = tu_path("ck.pem"), *ccrt = tu_path("cc.pem");
	char *url, *kp, *cp, *ccp;

	if (!have_prog("openssl") || make_cert(key, crt) < 0 ||
	    make_cert(ckey, ccrt) < 0) {
		print_message("openssl cannot make a test certificate\n");
		skip();
	}
	kp = tu_slurp(key, NULL);
	cp = tu_slurp(crt, NULL);
	ccp = tu_slurp(ccrt, NULL);
	r = httprecv_start(0, kp, cp, ccp);
	assert_non_null(r);
	base_opts(&o);
	o.http_enabled = 1;
	xasprintf(&url, "https://127.0.0.1:%u/", httprecv_port(r));
	o.http_url = url;
	o.http_ca_cert = crt;
	o.http_mtls = 1;
	o.http_client_cert = ccrt;
	o.http_client_key = ckey;
	out = start(&o);
	submit_n(out, 1, 1);
	assert_int_equal(outputs_drain(out, 5000), 0);
	assert_int_equal(chan_stats(out, 0).delivered, 1);
	outputs_free(out);
	assert_int_equal(httprecv_get(r, 0, &q), 0);
	assert_true(q.client_verified);
	httprecv_req_free(&q);

	/* Without mtls no client certificate is shown. */
	o.http_mtls = 0;
	out = start(&o);
	submit_n(out, 2, 1);
	assert_int_equal(outputs_drain(out, 5000), 0);
	outputs_free(out);
	assert_int_equal(httprecv_get(r, 1, &q), 0);
	assert_false(q.client_verified);
	httprecv_req_free(&q);

	httprecv_stop(r);
	free(url);
	free(kp);
	free(cp);
	free(ccp);
	free(key);
	free(crt);
	free(ckey);
	free(ccrt);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stdout_lines),
		cmocka_unit_test(test_stdout_buffered),
		cmocka_unit_test_setup_teardown(test_file_reopened_per_alert,
		    tu_setup_tmp, tu_teardown_tmp),
		cmocka_unit_test_setup_teardown(test_file_keep_alive_reopen,
		    tu_setup_tmp, tu_teardown_tmp),
		cmocka_unit_test_setup_teardown(test_file_unwritable,
		    tu_setup_tmp, tu_teardown_tmp),
		cmocka_unit_test_setup_teardown(test_program_per_alert,
		    tu_setup_tmp, tu_teardown_tmp),
		cmocka_unit_test_setup_teardown(test_program_keep_alive,
		    tu_setup_tmp, tu_teardown_tmp),
		cmocka_unit_test_setup_teardown(test_program_exits_early,
		    tu_setup_tmp, tu_teardown_tmp),
		cmocka_unit_test(test_program_jq_curl_pipeline),
		cmocka_unit_test_setup_teardown(test_syslog_socket,
		    tu_setup_tmp, tu_teardown_tmp),
		cmocka_unit_test(test_http_json_and_text),
		cmocka_unit_test(test_http_500_bounded_retries),
		cmocka_unit_test(test_http_500_then_ok),
		cmocka_unit_test(test_http_4xx_is_final),
		cmocka_unit_test(test_http_stall_then_recover),
		cmocka_unit_test(test_http_down_then_up),
		cmocka_unit_test(test_blocked_channel_isolated),
		cmocka_unit_test_setup_teardown(test_unbounded_queue,
		    tu_setup_tmp, tu_teardown_tmp),
		cmocka_unit_test(test_internal_alert_through_channels),
		cmocka_unit_test(test_metrics_published),
		cmocka_unit_test(test_options_from_config),
		cmocka_unit_test(test_misconfigured_channels),
		cmocka_unit_test_setup_teardown(test_https_trust,
		    tu_setup_tmp, tu_teardown_tmp),
		cmocka_unit_test_setup_teardown(test_https_mtls,
		    tu_setup_tmp, tu_teardown_tmp),
	};
	const char *proxies[] = {
		"http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY",
		"ALL_PROXY", "all_proxy",
	};
	size_t i;

	/* Traffic stays on loopback: no proxy from the environment. */
	for (i = 0; i < sizeof(proxies) / sizeof(proxies[0]); i++)
		unsetenv(proxies[i]);
	setenv("TZ", "UTC", 1);
	tzset();
	log_init("test_outputs", LOG_WARNING, 1, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
