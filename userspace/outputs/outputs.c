/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The output manager: renders alerts, queues them to one worker thread
 * per channel, watches for blocked channels, and flushes at shutdown.
 *
 * Locking: each worker's queue and flags are guarded by its own mutex;
 * counters are atomics, readable without a lock.  A rendered line is
 * shared by the queues through a reference count, so it is rendered and
 * copied once per alert whatever the number of channels.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "config/config.h"
#include "outputs/chan.h"
#include "outputs/outputs.h"
#include "util/log.h"
#include "util/xmalloc.h"
#include "webserver/metrics.h"

enum msg_kind {
	MSG_ALERT,
	MSG_REOPEN,
};

struct omsg {
	atomic_int	refs;
	enum msg_kind	kind;
	int		priority;
	size_t		len;
	char		text[];
};

struct qent {
	struct omsg	*m;
	struct qent	*next;
};

struct worker {
	struct outputs	*out;
	struct chan	*ch;
	pthread_t	 tid;
	int		 started;
	int		 detached;	/* stuck at shutdown: never freed */

	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;		/* a message arrived, or stop */
	pthread_cond_t	 idle;		/* the queue became empty */
	struct qent	*head;
	struct qent	*tail;
	size_t		 nalerts;	/* alerts queued (not controls) */
	int		 busy;
	int		 stop;

	/* Watchdog view: when the current message started (ms), 0 idle. */
	atomic_uint_least64_t busy_since;
	uint64_t	 reported;	/* busy_since already reported */

	atomic_uint_least64_t delivered;
	atomic_uint_least64_t failed;
	atomic_uint_least64_t queue_drops;
	atomic_uint_least64_t discarded;
	atomic_uint_least64_t timeouts;
	atomic_uint_least64_t queued;
};

struct outputs {
	struct outputs_options opt;	/* strings owned (see dup_opts) */
	char		 hostname[256];
	struct worker	*w;
	size_t		 nw;
	atomic_int	 abort;
	atomic_uint_least64_t submitted;
	atomic_int	 oom_logged;
	int		 started;
	atomic_int	 stopped;	/* read by submitters */

	pthread_t	 wd_tid;
	pthread_mutex_t	 wd_mu;
	pthread_cond_t	 wd_cv;
	int		 wd_stop;
};

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
deadline_in(struct timespec *ts, unsigned ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

static void
cond_init_monotonic(pthread_cond_t *cv)
{
	pthread_condattr_t ca;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(cv, &ca);
	pthread_condattr_destroy(&ca);
}

void
outputs_options_defaults(struct outputs_options *o)
{
	memset(o, 0, sizeof(*o));
	alert_format_defaults(&o->fmt);
	o->timeout_ms = 2000;
	o->stdout_fd = 1;
	o->syslog_path = "/dev/log";
	o->syslog_ident = "falco";
	o->syslog_facility = LOG_USER;
	o->file_name = "";
	o->program = "";
	o->http_url = "";
	o->http_user_agent = "falcosecurity/falco";
	o->http_ca_cert = "";
	o->http_ca_bundle = "";
	o->http_ca_path = "/etc/ssl/certs";
	o->http_client_cert = "/etc/ssl/certs/client.crt";
	o->http_client_key = "/etc/ssl/certs/client.key";
	o->http_max_consecutive_timeouts = 5;
	o->http_timeout_ms = 5000;
	o->http_retry_interval_ms = 200;
}

void
outputs_options_from_config(struct outputs_options *o,
    const struct config *cfg, int unbuffered)
{
	int64_t v;

	outputs_options_defaults(o);
	o->fmt.json = config_bool(cfg, "json_output", 0);
	o->fmt.time_iso8601 = config_bool(cfg, "time_format_iso_8601", 0);
	o->fmt.include_output = config_bool(cfg,
	    "json_include_output_property", 1);
	o->fmt.include_tags = config_bool(cfg, "json_include_tags_property",
	    1);
	o->fmt.include_message = config_bool(cfg,
	    "json_include_message_property", 0);
	o->fmt.include_output_fields = config_bool(cfg,
	    "json_include_output_fields_property", 1);
	o->buffered = config_bool(cfg, "buffered_outputs", 0) && !unbuffered;
	v = config_int(cfg, "outputs_queue.capacity", 0);
	o->queue_capacity = v > 0 ? (size_t)v : 0;
	v = config_int(cfg, "output_timeout", 2000);
	o->timeout_ms = v > 0 ? (unsigned)v : 2000;

	/* Absent keys mean "off", as in Falco's code. */
	o->stdout_enabled = config_bool(cfg, "stdout_output.enabled", 0);
	o->syslog_enabled = config_bool(cfg, "syslog_output.enabled", 0);
	o->file_enabled = config_bool(cfg, "file_output.enabled", 0);
	o->file_keep_alive = config_bool(cfg, "file_output.keep_alive", 0);
	o->file_name = config_str(cfg, "file_output.filename", "");
	o->program_enabled = config_bool(cfg, "program_output.enabled", 0);
	o->program_keep_alive = config_bool(cfg, "program_output.keep_alive",
	    0);
	o->program = config_str(cfg, "program_output.program", "");
	o->http_enabled = config_bool(cfg, "http_output.enabled", 0);
	o->http_url = config_str(cfg, "http_output.url", "");
	o->http_user_agent = config_str(cfg, "http_output.user_agent",
	    o->http_user_agent);
	o->http_insecure = config_bool(cfg, "http_output.insecure", 0);
	o->http_ca_cert = config_str(cfg, "http_output.ca_cert", "");
	o->http_ca_bundle = config_str(cfg, "http_output.ca_bundle", "");
	o->http_ca_path = config_str(cfg, "http_output.ca_path",
	    o->http_ca_path);
	o->http_mtls = config_bool(cfg, "http_output.mtls", 0);
	o->http_client_cert = config_str(cfg, "http_output.client_cert",
	    o->http_client_cert);
	o->http_client_key = config_str(cfg, "http_output.client_key",
	    o->http_client_key);
	o->http_echo = config_bool(cfg, "http_output.echo", 0);
	o->http_compress_uploads = config_bool(cfg,
	    "http_output.compress_uploads", 0);
	o->http_keep_alive = config_bool(cfg, "http_output.keep_alive", 0);
	v = config_int(cfg, "http_output.max_consecutive_timeouts", 5);
	/* Falco keeps the low byte of this value. */
	o->http_max_consecutive_timeouts = (unsigned)(v & 0xff);
	o->http_timeout_ms = (long)config_duration_ms(cfg,
	    "http_output.timeout", 5000);
	o->http_retry_interval_ms = (long)config_duration_ms(cfg,
	    "http_output.retry_interval", 200);
}

/* Keep private copies of every string of the options. */
static void
dup_opts(struct outputs_options *d, const struct outputs_options *s)
{
	const char **p[] = {
		&d->syslog_path, &d->syslog_ident, &d->file_name, &d->program,
		&d->http_url, &d->http_user_agent, &d->http_ca_cert,
		&d->http_ca_bundle, &d->http_ca_path, &d->http_client_cert,
		&d->http_client_key, &d->fmt.hostname,
	};
	size_t i;

	*d = *s;
	for (i = 0; i < sizeof(p) / sizeof(p[0]); i++)
		if (*p[i] != NULL)
			*p[i] = xstrdup(*p[i]);
}

static void
free_opts(struct outputs_options *d)
{
	free((char *)d->syslog_path);
	free((char *)d->syslog_ident);
	free((char *)d->file_name);
	free((char *)d->program);
	free((char *)d->http_url);
	free((char *)d->http_user_agent);
	free((char *)d->http_ca_cert);
	free((char *)d->http_ca_bundle);
	free((char *)d->http_ca_path);
	free((char *)d->http_client_cert);
	free((char *)d->http_client_key);
	free((char *)d->fmt.hostname);
}

static void
add_worker(struct outputs *out, struct chan *ch)
{
	struct worker *w;

	out->w = xreallocarray(out->w, out->nw + 1, sizeof(*out->w));
	w = &out->w[out->nw++];
	memset(w, 0, sizeof(*w));
	w->ch = ch;
	ch->abort = &out->abort;
	ch->opt = &out->opt;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	cond_init_monotonic(&w->idle);
}

struct outputs *
outputs_new(const struct outputs_options *o, char **errp)
{
	struct {
		int		 on;
		struct chan	*(*make)(const struct outputs_options *,
				    char **);
	} kinds[] = {
		{ o->stdout_enabled, chan_stdout_new },
		{ o->syslog_enabled, chan_syslog_new },
		{ o->file_enabled, chan_file_new },
		{ o->program_enabled, chan_program_new },
		{ o->http_enabled, chan_http_new },
	};
	struct outputs *out;
	struct chan *ch;
	size_t i;

	out = xcalloc(1, sizeof(*out));
	dup_opts(&out->opt, o);
	if (out->opt.fmt.hostname == NULL) {
		outputs_hostname(out->hostname, sizeof(out->hostname));
		out->opt.fmt.hostname = xstrdup(out->hostname);
	}
	pthread_mutex_init(&out->wd_mu, NULL);
	cond_init_monotonic(&out->wd_cv);
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (!kinds[i].on)
			continue;
		if ((ch = kinds[i].make(&out->opt, errp)) == NULL) {
			outputs_free(out);
			return NULL;
		}
		add_worker(out, ch);
	}
	/* Workers point back at the manager once the array is final. */
	for (i = 0; i < out->nw; i++)
		out->w[i].out = out;
	return out;
}

static void
msg_unref(struct omsg *m)
{
	if (atomic_fetch_sub(&m->refs, 1) == 1)
		free(m);
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct chan *ch = w->ch;
	struct qent *e;
	struct omsg *m;
	sigset_t all;

	/* Signals belong to the daemon's main thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);

	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (w->head == NULL && !w->stop)
			pthread_cond_wait(&w->cv, &w->mu);
		if (w->head == NULL)
			break;
		e = w->head;
		w->head = e->next;
		if (w->head == NULL)
			w->tail = NULL;
		m = e->m;
		free(e);
		if (m->kind == MSG_ALERT) {
			w->nalerts--;
			atomic_fetch_sub(&w->queued, 1);
		}
		w->busy = 1;
		pthread_mutex_unlock(&w->mu);

		if (atomic_load(&w->out->abort)) {
			if (m->kind == MSG_ALERT)
				atomic_fetch_add(&w->discarded, 1);
		} else {
			atomic_store(&w->busy_since, now_ms());
			if (m->kind == MSG_REOPEN)
				ch->ops->reopen(ch);
			else if (ch->ops->write(ch, m->text, m->len,
			    m->priority) == 0)
				atomic_fetch_add(&w->delivered, 1);
			else
				atomic_fetch_add(&w->failed, 1);
			atomic_store(&w->busy_since, 0);
		}
		msg_unref(m);

		pthread_mutex_lock(&w->mu);
		w->busy = 0;
		if (w->head == NULL)
			pthread_cond_broadcast(&w->idle);
	}
	pthread_mutex_unlock(&w->mu);
	ch->ops->close(ch);
	return NULL;
}

/*
 * The watchdog: reports, once per message, a channel that has spent more
 * than output_timeout on it.  The text is Falco's, so that existing log
 * alerting keeps matching.
 */
static void *
watchdog_main(void *arg)
{
	struct outputs *out = arg;
	struct timespec ts;
	uint64_t since, now;
	unsigned period;
	size_t i;
	sigset_t all;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	period = out->opt.timeout_ms / 4;
	if (period < 10)
		period = 10;
	if (period > 250)
		period = 250;
	pthread_mutex_lock(&out->wd_mu);
	while (!out->wd_stop) {
		deadline_in(&ts, period);
		(void)pthread_cond_timedwait(&out->wd_cv, &out->wd_mu, &ts);
		now = now_ms();
		for (i = 0; i < out->nw; i++) {
			struct worker *w = &out->w[i];

			since = atomic_load(&w->busy_since);
			if (since == 0 || since == w->reported ||
			    now - since < out->opt.timeout_ms)
				continue;
			w->reported = since;
			atomic_fetch_add(&w->timeouts, 1);
			log_emit(LOG_CRIT, "\"%s\" output timeout, all output "
			    "channels are blocked", w->ch->ops->name);
		}
	}
	pthread_mutex_unlock(&out->wd_mu);
	return NULL;
}

int
outputs_start(struct outputs *out)
{
	size_t i;
	int rc;

	if (out->started)
		return 0;
	for (i = 0; i < out->nw; i++) {
		rc = pthread_create(&out->w[i].tid, NULL, worker_main,
		    &out->w[i]);
		if (rc != 0) {
			log_err("outputs: cannot start a thread: %s",
			    strerror(rc));
			out->started = 1;
			outputs_stop(out);
			return -1;
		}
		out->w[i].started = 1;
	}
	if ((rc = pthread_create(&out->wd_tid, NULL, watchdog_main,
	    out)) != 0) {
		log_err("outputs: cannot start the watchdog: %s",
		    strerror(rc));
		out->started = 1;
		outputs_stop(out);
		return -1;
	}
	out->started = 1;
	return 0;
}

/* Queue m to w; returns -1 (and counts) when w's queue is full. */
static int
enqueue(struct outputs *out, struct worker *w, struct omsg *m)
{
	struct qent *e;

	pthread_mutex_lock(&w->mu);
	if (w->stop || (m->kind == MSG_ALERT && out->opt.queue_capacity > 0 &&
	    w->nalerts >= out->opt.queue_capacity)) {
		pthread_mutex_unlock(&w->mu);
		if (m->kind == MSG_ALERT)
			atomic_fetch_add(&w->queue_drops, 1);
		msg_unref(m);
		return -1;
	}
	e = xmalloc(sizeof(*e));
	e->m = m;
	e->next = NULL;
	if (w->tail != NULL)
		w->tail->next = e;
	else
		w->head = e;
	w->tail = e;
	if (m->kind == MSG_ALERT) {
		w->nalerts++;
		atomic_fetch_add(&w->queued, 1);
	}
	/* The worker only waits on an empty queue. */
	if (w->head == e)
		pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	return 0;
}

static struct omsg *
msg_new(enum msg_kind kind, int priority, const char *text, size_t len,
    size_t refs)
{
	struct omsg *m = xmalloc(sizeof(*m) + len + 1);

	atomic_init(&m->refs, (int)refs);
	m->kind = kind;
	m->priority = priority;
	m->len = len;
	memcpy(m->text, text, len);
	m->text[len] = '\0';
	return m;
}

int
outputs_submit(struct outputs *out, const struct alert *a)
{
	struct sbuf line = SBUF_INIT;
	struct omsg *m;
	size_t i;
	int rc = 0;

	if (atomic_load(&out->stopped))
		return -1;
	atomic_fetch_add(&out->submitted, 1);
	if (out->nw == 0)
		return 0;
	alert_render(a, &out->opt.fmt, &line);
	m = msg_new(MSG_ALERT, a->priority, line.buf, line.len, out->nw);
	sbuf_free(&line);
	for (i = 0; i < out->nw; i++)
		if (enqueue(out, &out->w[i], m) < 0)
			rc = -1;
	if (rc < 0 && atomic_exchange(&out->oom_logged, 1) == 0)
		log_err("Outputs queue out of memory. Drop event and continue "
		    "on ...");
	return rc;
}

void
outputs_reopen(struct outputs *out)
{
	struct omsg *m;
	size_t i;

	if (out->nw == 0)
		return;
	m = msg_new(MSG_REOPEN, 0, "", 0, out->nw);
	for (i = 0; i < out->nw; i++)
		(void)enqueue(out, &out->w[i], m);
}

int
outputs_drain(struct outputs *out, unsigned timeout_ms)
{
	struct timespec ts;
	size_t i;
	int rc = 0;

	deadline_in(&ts, timeout_ms);
	for (i = 0; i < out->nw && rc == 0; i++) {
		struct worker *w = &out->w[i];

		if (!w->started)
			continue;
		pthread_mutex_lock(&w->mu);
		while ((w->head != NULL || w->busy) && rc == 0)
			if (pthread_cond_timedwait(&w->idle, &w->mu, &ts) ==
			    ETIMEDOUT)
				rc = -1;
		pthread_mutex_unlock(&w->mu);
	}
	return rc;
}

void
outputs_stop(struct outputs *out)
{
	struct timespec ts;
	size_t i;
	int rc;

	if (!out->started || atomic_load(&out->stopped))
		return;
	atomic_store(&out->stopped, 1);
	if (outputs_drain(out, out->opt.timeout_ms) < 0) {
		log_notice("output channels still blocked, discarding all "
		    "remaining notifications");
		atomic_store(&out->abort, 1);
	}
	for (i = 0; i < out->nw; i++) {
		pthread_mutex_lock(&out->w[i].mu);
		out->w[i].stop = 1;
		pthread_cond_broadcast(&out->w[i].cv);
		pthread_mutex_unlock(&out->w[i].mu);
	}
	/*
	 * After the abort every channel gives up within a poll slice (and
	 * libcurl within its progress interval, about a second).  A thread
	 * still stuck after that is left behind rather than blocking the
	 * daemon's exit.  XXX blocking writes cannot be interrupted: a file
	 * on a hung NFS server, or a stdout pipe nobody reads (we must not
	 * make the shared stdout non-blocking).
	 */
	for (i = 0; i < out->nw; i++) {
		struct worker *w = &out->w[i];

		if (!w->started)
			continue;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 2 + out->opt.timeout_ms / 1000;
		rc = pthread_timedjoin_np(w->tid, NULL, &ts);
		if (rc == ETIMEDOUT) {
			atomic_store(&out->abort, 1);
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += 2;
			rc = pthread_timedjoin_np(w->tid, NULL, &ts);
		}
		if (rc != 0) {
			log_err("outputs: the %s channel does not stop; "
			    "leaving it", w->ch->ops->name);
			pthread_detach(w->tid);
			w->detached = 1;
		}
		w->started = 0;
	}
	pthread_mutex_lock(&out->wd_mu);
	out->wd_stop = 1;
	pthread_cond_signal(&out->wd_cv);
	pthread_mutex_unlock(&out->wd_mu);
	pthread_join(out->wd_tid, NULL);
}

void
outputs_free(struct outputs *out)
{
	struct qent *e;
	size_t i;
	int leaked = 0;

	if (out == NULL)
		return;
	outputs_stop(out);
	for (i = 0; i < out->nw; i++) {
		struct worker *w = &out->w[i];

		if (w->detached) {
			/* XXX the stuck thread still uses w, ch and opt. */
			leaked = 1;
			continue;
		}
		while ((e = w->head) != NULL) {
			w->head = e->next;
			if (e->m->kind == MSG_ALERT)
				atomic_fetch_add(&w->discarded, 1);
			msg_unref(e->m);
			free(e);
		}
		if (!out->started)
			w->ch->ops->close(w->ch);
		w->ch->ops->free(w->ch);
		pthread_mutex_destroy(&w->mu);
		pthread_cond_destroy(&w->cv);
		pthread_cond_destroy(&w->idle);
	}
	if (leaked)
		return;
	free(out->w);
	free_opts(&out->opt);
	pthread_mutex_destroy(&out->wd_mu);
	pthread_cond_destroy(&out->wd_cv);
	free(out);
}

void
outputs_get_stats(struct outputs *out, struct outputs_stats *st)
{
	size_t i;

	memset(st, 0, sizeof(*st));
	st->submitted = atomic_load(&out->submitted);
	st->nchannels = out->nw;
	for (i = 0; i < out->nw; i++) {
		st->queue_drops += atomic_load(&out->w[i].queue_drops);
		st->failed += atomic_load(&out->w[i].failed);
		st->discarded += atomic_load(&out->w[i].discarded);
		st->timeouts += atomic_load(&out->w[i].timeouts);
	}
}

int
outputs_get_chan_stats(struct outputs *out, size_t i,
    struct outputs_chan_stats *st)
{
	struct worker *w;

	if (i >= out->nw)
		return -1;
	w = &out->w[i];
	st->name = w->ch->ops->name;
	st->delivered = atomic_load(&w->delivered);
	st->failed = atomic_load(&w->failed);
	st->queue_drops = atomic_load(&w->queue_drops);
	st->discarded = atomic_load(&w->discarded);
	st->retries = atomic_load(&w->ch->retries);
	st->timeouts = atomic_load(&w->timeouts);
	st->queued = atomic_load(&w->queued);
	return 0;
}

/* Metrics. */

static void
collect_drops(void *arg, struct metrics_sink *sink)
{
	struct outputs_stats st;

	outputs_get_stats(arg, &st);
	metrics_emit(sink, NULL, (double)st.queue_drops);
}

static void
collect_per_chan(struct outputs *out, struct metrics_sink *sink,
    size_t off)
{
	struct outputs_chan_stats st;
	const char *labels[3];
	size_t i;

	for (i = 0; i < out->nw; i++) {
		outputs_get_chan_stats(out, i, &st);
		labels[0] = "channel";
		labels[1] = st.name;
		labels[2] = NULL;
		metrics_emit(sink, labels,
		    (double)*(const uint64_t *)((const char *)&st + off));
	}
}

#define PER_CHAN(fn, member)						\
static void								\
fn(void *arg, struct metrics_sink *sink)				\
{									\
	collect_per_chan(arg, sink,					\
	    offsetof(struct outputs_chan_stats, member));		\
}

PER_CHAN(collect_delivered, delivered)
PER_CHAN(collect_failed, failed)
PER_CHAN(collect_discarded, discarded)
PER_CHAN(collect_timeouts, timeouts)
PER_CHAN(collect_retries, retries)
PER_CHAN(collect_queued, queued)

void
outputs_register_metrics(struct outputs *out, struct metrics *m)
{
	static const char help[] = "https://falco.org/docs/metrics/";

	metrics_add_family(m,
	    "falcosecurity_falco_outputs_queue_num_drops_total", help, METRIC_COUNTER, collect_drops, out);
	metrics_add_family(m, "falcosecurity_falco_outputs_delivered_total",
	    "Alerts delivered, per output channel.", METRIC_COUNTER,
	    collect_delivered, out);
	metrics_add_family(m, "falcosecurity_falco_outputs_failed_total",
	    "Alerts an output channel gave up on after errors.",
	    METRIC_COUNTER, collect_failed, out);
	metrics_add_family(m, "falcosecurity_falco_outputs_discarded_total",
	    "Alerts still queued when the channel was stopped.",
	    METRIC_COUNTER, collect_discarded, out);
	metrics_add_family(m, "falcosecurity_falco_outputs_timeouts_total",
	    "Times a channel exceeded output_timeout on one alert.",
	    METRIC_COUNTER, collect_timeouts, out);
	metrics_add_family(m, "falcosecurity_falco_outputs_retries_total",
	    "Extra HTTP attempts made for alerts.", METRIC_COUNTER,
	    collect_retries, out);
	metrics_add_family(m, "falcosecurity_falco_outputs_queued",
	    "Alerts waiting in a channel's queue.", METRIC_GAUGE,
	    collect_queued, out);
}
