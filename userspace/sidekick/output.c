/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Output queues, workers, retries and the spool.
 *
 * Locking: o->mu protects the ring, spool_pending, outage and stopping,
 * and every spool file operation (so that the worker never reads a
 * folder that a producer is writing to).  The worker does not hold it
 * while sending.  Counters are updated with atomic adds and read without
 * the lock.
 *
 * Ordering: while an output is failing, or has spooled alerts not yet
 * read back, new alerts go to the spool behind the older ones; the
 * worker reads the spool back, oldest first, only once its memory queue
 * is empty.  So alerts leave in the order they arrived.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sidekick/alert.h"
#include "sidekick/output.h"
#include "sidekick/prio.h"
#include "util/log.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"

struct qent {
	struct sk_alert	*a;
	char		*spool;		/* its spool file, or NULL */
	int		 attempts;
	/* Delivered or given up, behind an entry still being retried. */
	int		 done;
};

struct sk_output {
	const struct sk_output_ops *ops;
	char		*name;
	void		*priv;
	int		 minprio;
	int		 batch;		/* alerts in flight at once */
	struct sk_delivery d;
	char		*spooldir;	/* <spooldir>/<name>, or NULL */

	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	struct qent	*ring;
	size_t		 head;
	size_t		 count;
	size_t		 spool_pending;	/* files not read back */
	int		 outage;
	int		 stopping;
	int		 started;
	pthread_t	 thr;
	uint64_t	 seq;

	uint64_t	 stats[SK_PRIO_COUNT][SK_STAT_COUNT];
};

static void
stat_add(struct sk_output *o, int prio, enum sk_stat s)
{
	if (prio < 0 || prio >= SK_PRIO_COUNT)
		prio = SK_PRIO_NONE;
	__atomic_add_fetch(&o->stats[prio][s], 1, __ATOMIC_RELAXED);
}

uint64_t
sk_output_stat(const struct sk_output *o, int prio, enum sk_stat s)
{
	return __atomic_load_n(&o->stats[prio][s], __ATOMIC_RELAXED);
}

const char *
sk_output_name(const struct sk_output *o)
{
	return o->name;
}

size_t
sk_output_queued(const struct sk_output *o)
{
	struct sk_output *m = (struct sk_output *)o;
	size_t n;

	pthread_mutex_lock(&m->mu);
	n = m->count + m->spool_pending;
	pthread_mutex_unlock(&m->mu);
	return n;
}

struct sk_output *
sk_output_new(const char *name, const struct sk_output_ops *ops, void *priv,
    int minprio, const struct sk_delivery *d)
{
	struct sk_output *o = xcalloc(1, sizeof(*o));
	pthread_condattr_t ca;

	o->ops = ops;
	o->batch = 1;
	o->name = xstrdup(name);
	o->priv = priv;
	o->minprio = minprio;
	o->d = *d;
	if (o->d.queuesize == 0)
		o->d.queuesize = 1;
	o->d.spooldir = NULL;
	if (d->spooldir != NULL && *d->spooldir != '\0')
		xasprintf(&o->spooldir, "%s/%s", d->spooldir, name);
	o->ring = xcalloc(o->d.queuesize, sizeof(*o->ring));
	pthread_mutex_init(&o->mu, NULL);
	/* Backoff waits must not stretch when the wall clock is set back. */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&o->cv, &ca);
	pthread_condattr_destroy(&ca);
	return o;
}

void
sk_output_set_concurrency(struct sk_output *o, int n)
{
	if (o->ops->send_many == NULL || n < 1)
		n = 1;
	o->batch = n < SK_OUTPUT_MAX_BATCH ? n : SK_OUTPUT_MAX_BATCH;
}

int
sk_mkdir_p(const char *path)
{
	char *p = xstrdup(path), *s;
	int rc = 0;

	for (s = p + 1; *s != '\0'; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0700) != 0 && errno != EEXIST)
			rc = -1;
		*s = '/';
	}
	if (rc == 0 && mkdir(p, 0700) != 0 && errno != EEXIST)
		rc = -1;
	free(p);
	return rc;
}

static int
is_spool_name(const char *n)
{
	size_t l = strlen(n);

	return n[0] != '.' && l > 5 && strcmp(n + l - 5, ".json") == 0;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names of the spool files; caller frees.  Needs o->mu. */
static size_t
spool_list(struct sk_output *o, char ***out)
{
	DIR *dir;
	struct dirent *de;
	char **v = NULL;
	size_t n = 0;

	*out = NULL;
	dir = opendir(o->spooldir);
	if (dir == NULL)
		return 0;
	while ((de = readdir(dir)) != NULL) {
		if (!is_spool_name(de->d_name))
			continue;
		v = xreallocarray(v, n + 1, sizeof(*v));
		v[n++] = xstrdup(de->d_name);
	}
	closedir(dir);
	if (n > 1)
		qsort(v, n, sizeof(*v), name_cmp);
	*out = v;
	return n;
}

/*
 * Write one alert to the spool; returns the file name (caller frees) or
 * NULL.  Needs o->mu.  The file appears under its final name only once
 * complete.
 */
static char *
spool_write(struct sk_output *o, const struct sk_alert *a)
{
	struct timespec ts;
	char *path, *tmp;
	size_t off = 0;
	int fd;

	clock_gettime(CLOCK_REALTIME, &ts);
	xasprintf(&path, "%s/%016llx-%08llx.json", o->spooldir,
	    (unsigned long long)ts.tv_sec * 1000000000ULL +
	    (unsigned long long)ts.tv_nsec, (unsigned long long)o->seq++);
	xasprintf(&tmp, "%s/.tmp-%08llx", o->spooldir,
	    (unsigned long long)o->seq);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		goto fail;
	while (off < a->jsonlen) {
		ssize_t w = write(fd, a->json + off, a->jsonlen - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(fd);
			unlink(tmp);
			goto fail;
		}
		off += (size_t)w;
	}
	/* XXX no fsync: the spool survives a restart, not a power cut. */
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		unlink(tmp);
		goto fail;
	}
	free(tmp);
	stat_add(o, a->prio, SK_STAT_SPOOLED);
	return path;
fail:
	log_err("%s: cannot write spool file in %s: %s", o->name,
	    o->spooldir, strerror(errno));
	free(tmp);
	free(path);
	return NULL;
}

static char *
read_file(const char *path, size_t *len)
{
	struct sbuf sb = SBUF_INIT;
	char buf[8192];
	ssize_t r;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	while ((r = read(fd, buf, sizeof(buf))) > 0)
		sbuf_put(&sb, buf, (size_t)r);
	close(fd);
	if (r < 0) {
		sbuf_free(&sb);
		return NULL;
	}
	*len = sb.len;
	if (sb.buf == NULL)
		return xstrdup("");
	return sbuf_detach(&sb);
}

/* Read spooled alerts back into the empty ring.  Needs o->mu. */
static void
spool_load(struct sk_output *o)
{
	char **names, *path, *buf, err[256];
	size_t n, i, len;

	n = spool_list(o, &names);
	for (i = 0; i < n; i++) {
		struct sk_alert *a;

		if (o->count == o->d.queuesize) {
			free(names[i]);
			continue;
		}
		xasprintf(&path, "%s/%s", o->spooldir, names[i]);
		free(names[i]);
		buf = read_file(path, &len);
		a = buf != NULL ? sk_alert_parse(buf, len, NULL, err,
		    sizeof(err)) : NULL;
		free(buf);
		if (a == NULL) {
			char *bad;

			log_err("%s: unreadable spool file %s, moved aside",
			    o->name, path);
			xasprintf(&bad, "%s.bad", path);
			if (rename(path, bad) != 0)
				unlink(path);
			free(bad);
			free(path);
			continue;
		}
		o->ring[(o->head + o->count) % o->d.queuesize] =
		    (struct qent){ a, path, 0, 0 };
		o->count++;
	}
	free(names);
	/* What is left on disk (the ring was full) is read next time. */
	o->spool_pending = n > o->count ? n - o->count : 0;
}

static long
backoff_ms(const struct sk_output *o, int attempts)
{
	long ms = o->d.backoff_ms;
	int i;

	for (i = 1; i < attempts && ms < o->d.maxbackoff_ms; i++)
		ms *= 2;
	return ms < o->d.maxbackoff_ms ? ms : o->d.maxbackoff_ms;
}

static void
wait_ms(struct sk_output *o, long ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	while (!o->stopping &&
	    pthread_cond_timedwait(&o->cv, &o->mu, &ts) != ETIMEDOUT)
		;
}

static void
pop(struct sk_output *o)
{
	struct qent *e = &o->ring[o->head];

	if (e->spool != NULL) {
		unlink(e->spool);
		free(e->spool);
	}
	sk_alert_unref(e->a);
	memset(e, 0, sizeof(*e));
	o->head = (o->head + 1) % o->d.queuesize;
	o->count--;
}

/* Entering an outage: make every queued alert survive a crash. */
static void
spool_queue(struct sk_output *o)
{
	size_t i;

	if (o->spooldir == NULL)
		return;
	for (i = 0; i < o->count; i++) {
		struct qent *e = &o->ring[(o->head + i) % o->d.queuesize];

		if (e->spool == NULL && !e->done)
			e->spool = spool_write(o, e->a);
	}
}

static void *
worker(void *arg)
{
	struct sk_output *o = arg;
	struct sbuf errs[SK_OUTPUT_MAX_BATCH];
	const struct sk_alert *batch[SK_OUTPUT_MAX_BATCH];
	enum sk_send res[SK_OUTPUT_MAX_BATCH];
	size_t idx[SK_OUTPUT_MAX_BATCH], n, i;
	long wait;

	memset(errs, 0, sizeof(errs));
	pthread_mutex_lock(&o->mu);
	for (;;) {
		while (o->count == 0 && o->spool_pending == 0 && !o->stopping)
			pthread_cond_wait(&o->cv, &o->mu);
		if (o->stopping)
			break;
		if (o->count == 0) {
			spool_load(o);
			continue;
		}
		/*
		 * The oldest alerts not yet finished.  Their ring slots stay
		 * put while the lock is dropped: producers only append, and
		 * only this thread pops.
		 */
		for (i = 0, n = 0; i < o->count && n < (size_t)o->batch; i++) {
			size_t k = (o->head + i) % o->d.queuesize;

			if (o->ring[k].done)
				continue;
			idx[n] = k;
			batch[n] = o->ring[k].a;
			n++;
		}
		pthread_mutex_unlock(&o->mu);

		for (i = 0; i < n; i++)
			sbuf_reset(&errs[i]);
		if (n > 1)
			o->ops->send_many(o->priv, batch, n, res, errs);
		else
			res[0] = o->ops->send(o->priv, batch[0], &errs[0]);

		pthread_mutex_lock(&o->mu);
		wait = 0;
		for (i = 0; i < n; i++) {
			struct qent *e = &o->ring[idx[i]];
			struct sk_alert *a = e->a;

			if (e->attempts > 0)
				stat_add(o, a->prio, SK_STAT_RETRIED);
			if (res[i] == SK_SEND_OK) {
				stat_add(o, a->prio, SK_STAT_SENT);
				e->done = 1;
				continue;
			}
			stat_add(o, a->prio, SK_STAT_FAILED);
			if (res[i] == SK_SEND_RETRY &&
			    e->attempts < o->d.maxretries) {
				e->attempts++;
				log_warn("%s: %s; retry %d of %d for alert %s",
				    o->name, sbuf_str(&errs[i]), e->attempts,
				    o->d.maxretries, a->uuid);
				if (backoff_ms(o, e->attempts) > wait)
					wait = backoff_ms(o, e->attempts);
				continue;
			}
			log_err("%s: giving up alert %s (rule \"%s\") after %d "
			    "attempt(s): %s", o->name, a->uuid, a->rule,
			    e->attempts + 1, sbuf_str(&errs[i]));
			stat_add(o, a->prio, SK_STAT_DROPPED);
			e->done = 1;
		}
		while (o->count > 0 && o->ring[o->head].done)
			pop(o);
		if (wait > 0) {
			if (!o->outage) {
				o->outage = 1;
				spool_queue(o);
			}
			wait_ms(o, wait);
		} else if (o->outage) {
			log_notice("%s: delivering again", o->name);
			o->outage = 0;
		}
	}
	pthread_mutex_unlock(&o->mu);
	for (i = 0; i < SK_OUTPUT_MAX_BATCH; i++)
		sbuf_free(&errs[i]);
	return NULL;
}

int
sk_output_start(struct sk_output *o, char *err, size_t errlen)
{
	char **names;
	size_t n, i;
	int rc;

	if (o->spooldir != NULL) {
		if (sk_mkdir_p(o->spooldir) != 0) {
			snprintf(err, errlen, "%s: cannot create spool folder "
			    "%s: %s", o->name, o->spooldir,
			    strerror(errno));
			return -1;
		}
		pthread_mutex_lock(&o->mu);
		n = spool_list(o, &names);
		for (i = 0; i < n; i++)
			free(names[i]);
		free(names);
		o->spool_pending = n;
		pthread_mutex_unlock(&o->mu);
		if (n > 0)
			log_info("%s: %zu spooled alert(s) to deliver",
			    o->name, n);
	}
	rc = pthread_create(&o->thr, NULL, worker, o);
	if (rc != 0) {
		snprintf(err, errlen, "%s: cannot start worker: %s",
		    o->name, strerror(rc));
		return -1;
	}
	o->started = 1;
	return 0;
}

int
sk_output_offer(struct sk_output *o, struct sk_alert *a)
{
	int test = strcmp(a->rule, "Test rule") == 0;
	char *path;

	if (a->prio < o->minprio && !test)
		return 0;
	if (o->ops->match != NULL && !o->ops->match(o->priv, a))
		return 0;
	pthread_mutex_lock(&o->mu);
	if (o->spooldir != NULL && (o->outage || o->spool_pending > 0 ||
	    o->count == o->d.queuesize)) {
		path = spool_write(o, a);
		if (path != NULL) {
			free(path);
			o->spool_pending++;
			stat_add(o, a->prio, SK_STAT_QUEUED);
			pthread_cond_signal(&o->cv);
			pthread_mutex_unlock(&o->mu);
			return 1;
		}
	}
	if (o->count == o->d.queuesize) {
		uint64_t n;

		pthread_mutex_unlock(&o->mu);
		stat_add(o, a->prio, SK_STAT_DROPPED);
		n = sk_output_stat(o, a->prio, SK_STAT_DROPPED);
		if (n == 1 || n % 1000 == 0)
			log_err("%s: queue full, alert %s dropped (%llu so "
			    "far at this priority)", o->name, a->uuid,
			    (unsigned long long)n);
		return -1;
	}
	o->ring[(o->head + o->count) % o->d.queuesize] =
	    (struct qent){ sk_alert_ref(a), NULL, 0, 0 };
	o->count++;
	stat_add(o, a->prio, SK_STAT_QUEUED);
	if (o->count == 1)
		pthread_cond_signal(&o->cv);
	pthread_mutex_unlock(&o->mu);
	return 1;
}

void
sk_output_stop(struct sk_output *o)
{
	size_t lost = 0, saved = 0;

	if (!o->started)
		return;
	pthread_mutex_lock(&o->mu);
	o->stopping = 1;
	pthread_cond_broadcast(&o->cv);
	pthread_mutex_unlock(&o->mu);
	pthread_join(o->thr, NULL);
	o->started = 0;

	pthread_mutex_lock(&o->mu);
	while (o->count > 0) {
		struct qent *e = &o->ring[o->head];

		if (e->done) {
			/* Delivered behind one still being retried. */
			pop(o);
			continue;
		}
		if (e->spool == NULL && o->spooldir != NULL)
			e->spool = spool_write(o, e->a);
		if (e->spool != NULL) {
			saved++;
			free(e->spool);
			e->spool = NULL;	/* keep the file */
		} else {
			lost++;
			stat_add(o, e->a->prio, SK_STAT_DROPPED);
		}
		pop(o);
	}
	pthread_mutex_unlock(&o->mu);
	if (saved > 0 || o->spool_pending > 0)
		log_info("%s: %zu alert(s) left in the spool for the next "
		    "start", o->name, saved + o->spool_pending);
	if (lost > 0)
		log_warn("%s: %zu undelivered alert(s) lost at shutdown (no "
		    "spool folder)", o->name, lost);
}

void
sk_output_free(struct sk_output *o)
{
	if (o == NULL)
		return;
	sk_output_stop(o);
	/* Only an output that never started can still hold alerts. */
	while (o->count > 0)
		pop(o);
	if (o->ops->free != NULL)
		o->ops->free(o->priv);
	pthread_mutex_destroy(&o->mu);
	pthread_cond_destroy(&o->cv);
	free(o->ring);
	free(o->spooldir);
	free(o->name);
	free(o);
}

int
sk_output_wait_idle(struct sk_output **outs, size_t n, long ms)
{
	struct timespec ts = { 0, 10 * 1000000L };
	long waited = 0;
	size_t i;

	for (;;) {
		int busy = 0;

		for (i = 0; i < n; i++)
			if (sk_output_queued(outs[i]) > 0)
				busy = 1;
		if (!busy)
			return 0;
		if (waited >= ms)
			return -1;
		nanosleep(&ts, NULL);
		waited += 10;
	}
}
