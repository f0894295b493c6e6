/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the drop monitor (userspace/falco/drops.c): the token
 * bucket, the per-second delta and threshold, the actions, and the
 * syscall_event_drops configuration checks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "falco/drops.h"
#include "outputs/outputs.h"
#include "util/sbuf.h"

#define SEC	1000000000ULL

static void
test_bucket(void **state)
{
	struct token_bucket b;

	/* 2 tokens per second, at most 3, starting full */
	token_bucket_init(&b, 2, 3, 10 * SEC);
	assert_int_equal(token_bucket_claim(&b, 10 * SEC), 1);
	assert_int_equal(token_bucket_claim(&b, 10 * SEC), 1);
	assert_int_equal(token_bucket_claim(&b, 10 * SEC), 1);
	assert_int_equal(token_bucket_claim(&b, 10 * SEC), 0);
	/* half a second gives one token */
	assert_int_equal(token_bucket_claim(&b, 10 * SEC + SEC / 2), 1);
	assert_int_equal(token_bucket_claim(&b, 10 * SEC + SEC / 2), 0);
	/* a long pause refills only up to max_burst */
	assert_int_equal(token_bucket_claim(&b, 100 * SEC), 1);
	assert_int_equal(token_bucket_claim(&b, 100 * SEC), 1);
	assert_int_equal(token_bucket_claim(&b, 100 * SEC), 1);
	assert_int_equal(token_bucket_claim(&b, 100 * SEC), 0);
}

/* A fake source: counters advanced by the test. */
struct fake {
	struct capture_stats cs;
	int	 calls;
};

static int
fake_stats(void *arg, struct capture_stats *st)
{
	struct fake *f = arg;

	f->calls++;
	*st = f->cs;
	return 0;
}

/* Load a configuration from text; fails the test on error. */
static struct config *
cfg_text(const char *text)
{
	struct config *cfg = config_new();
	char *err = NULL;

	if (config_load_string(cfg, text, strlen(text), "test.yaml", NULL, 0,
	    CONFIG_NO_INCLUDES, &err) != 0)
		fail_msg("config: %s", err);
	return cfg;
}

/* Outputs writing JSON lines to a pipe, read back by count_alerts(). */
struct sink {
	struct outputs	*out;
	int		 fd[2];
};

static void
sink_open(struct sink *s)
{
	struct outputs_options o;
	char *err = NULL;

	assert_int_equal(pipe(s->fd), 0);
	outputs_options_defaults(&o);
	o.fmt.json = 1;
	o.fmt.hostname = "h";
	o.stdout_enabled = 1;
	o.stdout_fd = s->fd[1];
	s->out = outputs_new(&o, &err);
	assert_non_null(s->out);
	assert_int_equal(outputs_start(s->out), 0);
}

/* Stop the outputs and return everything they wrote. */
static char *
sink_close(struct sink *s)
{
	struct sbuf sb = SBUF_INIT;
	char buf[4096];
	ssize_t n;

	outputs_stop(s->out);
	outputs_free(s->out);
	close(s->fd[1]);
	while ((n = read(s->fd[0], buf, sizeof(buf))) > 0)
		sbuf_put(&sb, buf, (size_t)n);
	close(s->fd[0]);
	sbuf_putc(&sb, '\0');
	return sbuf_detach(&sb);
}

static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

static void
test_threshold(void **state)
{
	struct config *cfg = cfg_text("syscall_event_drops:\n"
	    "  threshold: 0.1\n  actions: [alert]\n  rate: 100\n"
	    "  max_burst: 100\n");
	struct drops_config dc;
	struct sbuf err = SBUF_INIT;
	struct fake f;
	struct drops *d;
	struct sink s;
	char *text;
	uint64_t t = 5 * SEC;

	assert_int_equal(drops_config_read(cfg, &dc, &err), 0);
	memset(&f, 0, sizeof(f));
	sink_open(&s);
	d = drops_new(&dc, fake_stats, &f);
	/* the first event starts the clock */
	assert_int_equal(drops_check(d, t, s.out), 0);
	assert_int_equal(f.calls, 0);
	/* within the second: no reading */
	assert_int_equal(drops_check(d, t + SEC / 2, s.out), 0);
	assert_int_equal(f.calls, 0);
	/* 5% dropped: below the threshold */
	f.cs.n_evts = 1000;
	f.cs.n_drops = 50;
	assert_int_equal(drops_check(d, t + SEC + 1, s.out), 0);
	assert_int_equal(f.calls, 1);
	assert_int_equal(drops_num_actions(d), 0);
	/* then 300 of 1000 more: 30% */
	f.cs.n_evts = 2000;
	f.cs.n_drops = 350;
	f.cs.n_drops_buffer = 300;
	f.cs.n_drops_buffer_cat[DROP_EXECVE] = 7;
	assert_int_equal(drops_check(d, t + 2 * SEC + 2, s.out), 0);
	assert_int_equal(drops_num_actions(d), 1);
	/* no new drops: nothing */
	f.cs.n_evts = 3000;
	assert_int_equal(drops_check(d, t + 3 * SEC + 3, s.out), 0);
	assert_int_equal(drops_num_actions(d), 1);
	drops_free(d);
	text = sink_close(&s);
	assert_int_equal(count(text, "\"rule\":\"Falco internal: syscall "
	    "event drop\""), 1);
	assert_non_null(strstr(text, "300 system calls dropped in last "
	    "second."));
	assert_non_null(strstr(text, "\"n_evts\":\"1000\""));
	assert_non_null(strstr(text, "\"n_drops_buffer_total\":\"300\""));
	assert_non_null(strstr(text, "\"n_drops_buffer_execve_exit\":\"7\""));
	assert_non_null(strstr(text, "\"priority\":\"Debug\""));
	free(text);
	sbuf_free(&err);
	config_free(cfg);
}

static void
test_simulate_rate(void **state)
{
	/* one alert per 2 s of event time, after the first token */
	struct config *cfg = cfg_text("syscall_event_drops:\n"
	    "  actions: [log, alert]\n  rate: 0.5\n  max_burst: 1\n"
	    "  simulate_drops: true\n");
	struct drops_config dc;
	struct sbuf err = SBUF_INIT;
	struct drops *d;
	struct sink s;
	char *text;
	uint64_t i, n;

	assert_int_equal(drops_config_read(cfg, &dc, &err), 0);
	assert_int_equal(dc.simulate, 1);
	sink_open(&s);
	d = drops_new(&dc, NULL, NULL);
	/* 20 s of events, 10 per second */
	for (i = 0; i <= 200; i++)
		assert_int_equal(drops_check(d, i * SEC / 10, s.out), 0);
	/* checks at ~1.1 s, 2.2 s, ...: the first gets the initial token,
	   then one token every 2 s */
	n = drops_num_actions(d);
	assert_in_range(n, 9, 11);
	drops_free(d);
	text = sink_close(&s);
	/* every action was an alert, with the forced single drop */
	assert_int_equal(count(text, "\"rule\":\"Falco internal: syscall "
	    "event drop\""), n);
	assert_int_equal(count(text, "1 system calls dropped"), n);
	free(text);
	sbuf_free(&err);
	config_free(cfg);
}

/* A source whose counters cannot be read right now. */
static int
no_stats(void *arg, struct capture_stats *st)
{
	return -1;
}

static void
test_exit_action(void **state)
{
	struct config *cfg = cfg_text("syscall_event_drops:\n"
	    "  actions: [exit]\n  simulate_drops: true\n");
	struct drops_config dc;
	struct sbuf err = SBUF_INIT;
	struct drops *d;

	assert_int_equal(drops_config_read(cfg, &dc, &err), 0);
	d = drops_new(&dc, NULL, NULL);
	assert_int_equal(drops_check(d, SEC, NULL), 0);
	assert_int_equal(drops_check(d, 3 * SEC, NULL), -1);
	drops_free(d);
	/* unreadable counters: simulate_drops still fires */
	d = drops_new(&dc, no_stats, NULL);
	assert_int_equal(drops_check(d, SEC, NULL), 0);
	assert_int_equal(drops_check(d, 3 * SEC, NULL), -1);
	assert_int_equal(drops_num_actions(d), 1);
	drops_free(d);
	sbuf_free(&err);
	config_free(cfg);
}

static void
test_config_errors(void **state)
{
	static const struct {
		const char	*yaml;
		const char	*msg;	/* NULL: accepted */
	} cases[] = {
		{ "syscall_event_drops:\n  threshold: 1.5\n", "range [0, 1]" },
		{ "syscall_event_drops:\n  threshold: -0.1\n",
		    "range [0, 1]" },
		{ "syscall_event_drops:\n  actions: [ignore, alert]\n",
		    "\"ignore\"" },
		{ "syscall_event_drops:\n  actions: [ignore]\n", NULL },
		{ "syscall_event_drops:\n  threshold: 0\n", NULL },
		{ "x: 1\n", NULL },
	};
	struct drops_config dc;
	struct sbuf err = SBUF_INIT;
	struct config *cfg;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cfg = cfg_text(cases[i].yaml);
		sbuf_reset(&err);
		rc = drops_config_read(cfg, &dc, &err);
		if (cases[i].msg == NULL) {
			assert_int_equal(rc, 0);
		} else {
			assert_int_equal(rc, -1);
			assert_non_null(strstr(sbuf_str(&err), cases[i].msg));
		}
		config_free(cfg);
	}
	/* Falco's defaults when the block is absent */
	cfg = cfg_text("x: 1\n");
	assert_int_equal(drops_config_read(cfg, &dc, &err), 0);
	assert_int_equal(dc.actions, DROP_ACT_LOG | DROP_ACT_ALERT);
	assert_true(dc.threshold > 0.099 && dc.threshold < 0.101);
	assert_true(dc.rate > 0.0333 && dc.rate < 0.0334);
	assert_true(dc.max_burst == 1);
	assert_int_equal(dc.simulate, 0);
	config_free(cfg);
	sbuf_free(&err);
}

/*
 * syscall_event_timeouts.max_consecutives: the notification after that
 * many waits in a row without an event, then counting again; an event
 * resets the count; Falco's default is 1000.
 */
static void
test_timeouts(void **state)
{
	struct config *cfg;
	struct timeouts to;
	struct sink s;
	char *text;
	int i, n;

	(void)state;
	cfg = cfg_text("x: 1\n");
	timeouts_init(&to, cfg);
	assert_int_equal(to.max, 1000);
	config_free(cfg);

	cfg = cfg_text("syscall_event_timeouts:\n  max_consecutives: 3\n");
	timeouts_init(&to, cfg);
	config_free(cfg);
	sink_open(&s);
	/* no event yet: three waits are allowed, the fourth alerts */
	for (i = 0; i < 3; i++)
		assert_int_equal(timeouts_idle(&to, 100 * SEC, s.out), 0);
	assert_int_equal(timeouts_idle(&to, 100 * SEC, s.out), 1);
	/* an event between waits resets the count */
	for (n = 0, i = 0; i < 10; i++) {
		if (i % 3 == 0)
			timeouts_event(&to, 5 * SEC + 7);
		n += timeouts_idle(&to, 101 * SEC, s.out);
	}
	assert_int_equal(n, 0);
	for (i = 0; i < 8; i++)
		n += timeouts_idle(&to, 102 * SEC, s.out);
	assert_int_equal(n, 2);
	assert_int_equal(to.nalerts, 3);
	text = sink_close(&s);
	assert_int_equal(count(text, "\"rule\":\"Falco internal: timeouts "
	    "notification\""), 3);
	assert_non_null(strstr(text, "Falco internal: timeouts notification."
	    " 3 consecutive timeouts without event."));
	assert_int_equal(count(text, "\"last_event_time\":\"none\""), 1);
	/* the first event's time of day, with its nanoseconds */
	assert_int_equal(count(text, ":05.000000007\""), 2);
	assert_non_null(strstr(text, "\"priority\":\"Debug\""));
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bucket),
		cmocka_unit_test(test_threshold),
		cmocka_unit_test(test_simulate_rate),
		cmocka_unit_test(test_exit_action),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_timeouts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
