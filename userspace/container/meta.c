/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The metadata cache and its worker thread.
 *
 * Locking: one mutex (cm->mu) guards the hash table, the LRU list, the
 * work queue, the statistics and every entry.  The event path holds it
 * for a hash lookup and a few pointer moves, never across I/O.  The
 * worker takes a job under the mutex, drops it for the HTTP requests,
 * and takes it again to publish the result.  The socket table
 * (cm->socks) belongs to the worker alone and needs no lock.
 *
 * With a podman storage folder configured, a second thread reads the
 * on-disk record (disk.c) of every new id that has no record yet and
 * publishes it, in parallel with the API worker, which may be stuck for
 * a while on a slow request; the API's answer replaces the disk record,
 * and an API that no longer knows the id (--rm removed it) leaves it.
 * The disk thread has its own queue (cm->dqueue), guarded by the same
 * mutex.
 *
 * An entry that is evicted or dropped while its request is in flight is
 * simply freed: the worker finds the key gone (or a new entry with
 * another generation number) when it comes back, and throws its result
 * away.
 */
#include <sys/queue.h>

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "container/container.h"
#include "container/container_int.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define CM_API		"/v1.41"

enum ent_state {
	ENT_PENDING,		/* never answered yet */
	ENT_READY,		/* rec is set */
	ENT_UNAVAIL,		/* no runtime knows it, as of retry_at */
};

struct cm_entry {
	char			 key[CONTAINER_SHORT_ID_LEN + 1];
	char			 id[CONTAINER_FULL_ID_LEN + 1];
	uint64_t		 gen;
	enum ent_state		 state;
	struct container_rec	*rec;		/* also kept while refreshing */
	int64_t			 retry_at;	/* ms, CLOCK_MONOTONIC */
	int64_t			 added_at;	/* ms, for the debug log */
	int			 queued;
	int			 dqueued;	/* on cm->dqueue */
	struct cm_entry		*hnext;
	TAILQ_ENTRY(cm_entry)	 lru;
	TAILQ_ENTRY(cm_entry)	 q;
	TAILQ_ENTRY(cm_entry)	 dq;
};

TAILQ_HEAD(cm_list, cm_entry);

enum sock_state {
	SOCK_UNKNOWN,
	SOCK_ABSENT,		/* nothing at the path */
	SOCK_DOWN,		/* something there, but no HTTP answer */
	SOCK_UP,
};

struct cm_socket {
	char		*path;
	enum sock_state	 state;
	const char	*type;		/* "docker" or "podman" once UP */
	int64_t		 next_try;	/* while DOWN: skip it until then */
};

struct container_meta {
	pthread_mutex_t		 mu;
	pthread_cond_t		 work;		/* queue not empty, or stop */
	pthread_cond_t		 idle;		/* queue empty and not busy */
	pthread_t		 thr;
	int			 started;
	pthread_cond_t		 dwork;		/* dqueue not empty, or stop */
	pthread_t		 dthr;		/* the disk thread */
	int			 dstarted;
	int			 dbusy;
	struct cm_list		 dqueue;
	/*
	 * Set under mu by container_meta_free(); also polled without the
	 * lock by libcurl's progress callback to abort a transfer.
	 * XXX libcurl calls that callback about once a second while a
	 * transfer is idle, so stopping can take up to a second.
	 */
	volatile int		 stop;
	struct cm_entry		**buckets;
	size_t			 nbuckets;
	struct cm_list		 lru;		/* head: most recently used */
	struct cm_list		 queue;
	size_t			 nentries;
	size_t			 max;
	int			 busy;
	uint64_t		 gen_next;
	/*
	 * Answers published so far: written by the worker under mu, read
	 * without it by container_meta_answers() on the event path.
	 */
	_Atomic uint64_t	 answers;
	struct container_meta_stats st;
	int			 timeout_ms;
	int			 retry_ms;
	size_t			 label_max_len;
	char			*podman_storage;	/* NULL: not used */
	struct cm_socket	*socks;		/* worker only */
	size_t			 nsocks;
};

static const char *const default_sockets[] = {
	"/var/run/docker.sock",
	"/run/podman/podman.sock",
	NULL,
};

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
container_meta_options_init(struct container_meta_options *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->sockets = default_sockets;
	opts->timeout_ms = 2000;
	opts->max_entries = 4096;
	opts->retry_ms = 5000;
	opts->label_max_len = 100;
	opts->podman_storage = "/var/lib/containers/storage";
}

/* The cache key of an id: its first 12 characters, lowercase. */
static int
make_key(const char *id, char key[CONTAINER_SHORT_ID_LEN + 1])
{
	size_t i;

	if (id == NULL || !cm_valid_id(id))
		return -1;
	for (i = 0; i < CONTAINER_SHORT_ID_LEN; i++)
		key[i] = (char)tolower((unsigned char)id[i]);
	key[i] = '\0';
	return 0;
}

static size_t
bucket_of(const struct container_meta *cm, const char *key)
{
	uint32_t h = 2166136261u;

	for (; *key != '\0'; key++)
		h = (h ^ (uint8_t)*key) * 16777619u;
	return h & (cm->nbuckets - 1);
}

static struct cm_entry *
find(struct container_meta *cm, const char *key)
{
	struct cm_entry *e;

	for (e = cm->buckets[bucket_of(cm, key)]; e != NULL; e = e->hnext)
		if (strcmp(e->key, key) == 0)
			return e;
	return NULL;
}

static void
enqueue(struct container_meta *cm, struct cm_entry *e)
{
	if (cm->podman_storage != NULL && e->rec == NULL && !e->dqueued) {
		e->dqueued = 1;
		TAILQ_INSERT_TAIL(&cm->dqueue, e, dq);
		pthread_cond_signal(&cm->dwork);
	}
	if (e->queued)
		return;
	e->queued = 1;
	TAILQ_INSERT_TAIL(&cm->queue, e, q);
	pthread_cond_signal(&cm->work);
}

static void
entry_remove(struct container_meta *cm, struct cm_entry *e)
{
	struct cm_entry **pp;

	for (pp = &cm->buckets[bucket_of(cm, e->key)]; *pp != e;
	    pp = &(*pp)->hnext)
		;
	*pp = e->hnext;
	TAILQ_REMOVE(&cm->lru, e, lru);
	if (e->queued)
		TAILQ_REMOVE(&cm->queue, e, q);
	if (e->dqueued)
		TAILQ_REMOVE(&cm->dqueue, e, dq);
	container_rec_unref(e->rec);
	free(e);
	cm->nentries--;
}

static struct cm_entry *
entry_add(struct container_meta *cm, const char *key, const char *id)
{
	struct cm_entry *e;
	size_t b;

	while (cm->nentries >= cm->max && !TAILQ_EMPTY(&cm->lru)) {
		entry_remove(cm, TAILQ_LAST(&cm->lru, cm_list));
		cm->st.evictions++;
	}
	e = xcalloc(1, sizeof(*e));
	memcpy(e->key, key, sizeof(e->key));
	snprintf(e->id, sizeof(e->id), "%s", id);
	e->gen = ++cm->gen_next;
	e->state = ENT_PENDING;
	e->added_at = now_ms();
	b = bucket_of(cm, key);
	e->hnext = cm->buckets[b];
	cm->buckets[b] = e;
	TAILQ_INSERT_HEAD(&cm->lru, e, lru);
	cm->nentries++;
	return e;
}

/* Remember the longest form of the id we were given. */
static void
note_id(struct cm_entry *e, const char *id)
{
	if (strlen(id) > strlen(e->id))
		snprintf(e->id, sizeof(e->id), "%s", id);
}

enum container_meta_status
container_meta_lookup(struct container_meta *cm, const char *id,
    struct container_rec **recp)
{
	char key[CONTAINER_SHORT_ID_LEN + 1];
	enum container_meta_status r;
	struct cm_entry *e;

	*recp = NULL;
	if (make_key(id, key) == -1)
		return CONTAINER_META_UNAVAILABLE;
	pthread_mutex_lock(&cm->mu);
	cm->st.lookups++;
	if ((e = find(cm, key)) == NULL) {
		e = entry_add(cm, key, id);
		enqueue(cm, e);
		pthread_mutex_unlock(&cm->mu);
		return CONTAINER_META_PENDING;
	}
	note_id(e, id);
	if (e != TAILQ_FIRST(&cm->lru)) {
		TAILQ_REMOVE(&cm->lru, e, lru);
		TAILQ_INSERT_HEAD(&cm->lru, e, lru);
	}
	if (e->rec != NULL) {
		*recp = container_rec_ref(e->rec);
		cm->st.hits++;
		r = CONTAINER_META_READY;
	} else if (e->state == ENT_UNAVAIL) {
		/* Ask again now and then: the runtime may have come up. */
		if (!e->queued && now_ms() >= e->retry_at)
			enqueue(cm, e);
		r = CONTAINER_META_UNAVAILABLE;
	} else
		r = CONTAINER_META_PENDING;
	pthread_mutex_unlock(&cm->mu);
	return r;
}

uint64_t
container_meta_answers(struct container_meta *cm)
{
	return atomic_load(&cm->answers);
}

void
container_meta_notify_start(struct container_meta *cm, const char *id)
{
	char key[CONTAINER_SHORT_ID_LEN + 1];
	struct cm_entry *e;

	if (make_key(id, key) == -1)
		return;
	pthread_mutex_lock(&cm->mu);
	if ((e = find(cm, key)) == NULL)
		e = entry_add(cm, key, id);
	else
		note_id(e, id);
	enqueue(cm, e);
	pthread_mutex_unlock(&cm->mu);
}

void
container_meta_notify_exit(struct container_meta *cm, const char *id)
{
	char key[CONTAINER_SHORT_ID_LEN + 1];
	struct cm_entry *e;

	if (make_key(id, key) == -1)
		return;
	pthread_mutex_lock(&cm->mu);
	if ((e = find(cm, key)) != NULL)
		entry_remove(cm, e);
	pthread_cond_broadcast(&cm->idle);
	pthread_mutex_unlock(&cm->mu);
}

int
container_meta_wait_idle(struct container_meta *cm, int timeout_ms)
{
	struct timespec ts;
	int rc = 0;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += timeout_ms / 1000;
	ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&cm->mu);
	while ((cm->busy || cm->dbusy || !TAILQ_EMPTY(&cm->queue) ||
	    !TAILQ_EMPTY(&cm->dqueue)) && rc == 0)
		if (pthread_cond_timedwait(&cm->idle, &cm->mu, &ts) ==
		    ETIMEDOUT)
			rc = -1;
	pthread_mutex_unlock(&cm->mu);
	return rc;
}

void
container_meta_get_stats(struct container_meta *cm,
    struct container_meta_stats *st)
{
	pthread_mutex_lock(&cm->mu);
	*st = cm->st;
	st->entries = cm->nentries;
	pthread_mutex_unlock(&cm->mu);
}

static void
count_request(struct container_meta *cm)
{
	pthread_mutex_lock(&cm->mu);
	cm->st.requests++;
	pthread_mutex_unlock(&cm->mu);
}

static enum cm_http_result
get(struct container_meta *cm, struct cm_socket *s, const char *path,
    char **body, size_t *len)
{
	long status;

	count_request(cm);
	return cm_http_get(s->path, path, cm->timeout_ms, &cm->stop, body,
	    len, &status);
}

/* Podman's compatibility API names itself in /version's Components. */
static const char *
detect_type(struct container_meta *cm, struct cm_socket *s)
{
	const char *type = "docker";
	json_object *root, *comps;
	char *body;
	size_t len, i;

	if (get(cm, s, CM_API "/version", &body, &len) != CM_HTTP_OK) {
		free(body);
		return type;
	}
	root = json_tokener_parse(body);
	if (root != NULL && json_object_object_get_ex(root, "Components",
	    &comps) && json_object_is_type(comps, json_type_array)) {
		for (i = 0; i < json_object_array_length(comps); i++) {
			json_object *c = json_object_array_get_idx(comps, i);
			json_object *n;

			if (json_object_object_get_ex(c, "Name", &n) &&
			    json_object_is_type(n, json_type_string) &&
			    strncmp(json_object_get_string(n), "Podman", 6) ==
			    0)
				type = "podman";
		}
	}
	json_object_put(root);
	free(body);
	return type;
}

/*
 * Record what one request said about the socket, logging exactly once
 * per change of state, so that a dead runtime costs one line and not
 * one per event.
 */
static void
sock_note(struct container_meta *cm, struct cm_socket *s,
    enum cm_http_result r)
{
	enum sock_state ns;

	switch (r) {
	case CM_HTTP_NOSOCKET:
		ns = SOCK_ABSENT;
		break;
	case CM_HTTP_DOWN:
		ns = SOCK_DOWN;
		s->next_try = now_ms() + cm->retry_ms;
		break;
	case CM_HTTP_ABORTED:
		return;
	default:
		ns = SOCK_UP;
		break;
	}
	if (ns == s->state)
		return;
	s->state = ns;
	switch (ns) {
	case SOCK_ABSENT:
		log_info("container: no runtime socket at %s: container "
		    "metadata from it is not available", s->path);
		break;
	case SOCK_DOWN:
		log_warn("container: runtime socket %s does not answer "
		    "within %d ms: container metadata from it is not "
		    "available", s->path, cm->timeout_ms);
		break;
	case SOCK_UP:
		s->type = detect_type(cm, s);
		log_info("container: %s runtime answers at %s", s->type,
		    s->path);
		break;
	case SOCK_UNKNOWN:
		break;
	}
}

/* Fill in what needs a second request: image digest, pod labels. */
static void
complete(struct container_meta *cm, struct cm_socket *s,
    struct container_rec *rec)
{
	struct container_rec *sb;
	char path[256], *body;
	const char *img;
	size_t len;

	img = rec->image_id != NULL ? rec->image_id : rec->image;
	if (img != NULL && (rec->image_digest == NULL ||
	    rec->image_repo == NULL) && strlen(img) < 160) {
		snprintf(path, sizeof(path), CM_API "/images/%s/json", img);
		if (get(cm, s, path, &body, &len) == CM_HTTP_OK)
			(void)container_rec_set_image_json(rec, body, len);
		free(body);
	}
	if (rec->k8s_sandbox_id != NULL && !rec->is_pod_sandbox &&
	    cm_valid_id(rec->k8s_sandbox_id)) {
		snprintf(path, sizeof(path), CM_API "/containers/%s/json",
		    rec->k8s_sandbox_id);
		if (get(cm, s, path, &body, &len) == CM_HTTP_OK &&
		    (sb = container_rec_from_json(body, len, s->type,
		    cm->label_max_len, NULL, 0)) != NULL) {
			cm_rec_set_pod_labels(rec, sb);
			container_rec_unref(sb);
		}
		free(body);
	}
}

/* Ask every usable socket for id; a new record, or NULL. */
static struct container_rec *
fetch(struct container_meta *cm, const char *id)
{
	struct container_rec *rec;
	enum cm_http_result r;
	char path[128], err[128], *body;
	size_t i, len;

	snprintf(path, sizeof(path), CM_API "/containers/%s/json", id);
	for (i = 0; i < cm->nsocks && !cm->stop; i++) {
		struct cm_socket *s = &cm->socks[i];

		if (s->state == SOCK_DOWN && now_ms() < s->next_try)
			continue;
		r = get(cm, s, path, &body, &len);
		sock_note(cm, s, r);
		if (r != CM_HTTP_OK) {
			free(body);
			continue;
		}
		rec = container_rec_from_json(body, len, s->type,
		    cm->label_max_len, err, sizeof(err));
		free(body);
		if (rec == NULL) {
			log_debug("container: %s: %s: %s", s->path, id, err);
			continue;
		}
		complete(cm, s, rec);
		return rec;
	}
	return NULL;
}

/*
 * Read the on-disk record of e (mu held, dropped during the read) and
 * publish it if the entry is still the same one and has no record yet.
 * The API worker's job for the entry is left as it is.
 */
static void
disk_job(struct container_meta *cm, struct cm_entry *e)
{
	char key[CONTAINER_SHORT_ID_LEN + 1], id[CONTAINER_FULL_ID_LEN + 1];
	struct container_rec *rec;
	uint64_t gen;

	memcpy(key, e->key, sizeof(key));
	memcpy(id, e->id, sizeof(id));
	gen = e->gen;
	pthread_mutex_unlock(&cm->mu);

	rec = container_rec_from_podman_storage(cm->podman_storage, id);

	pthread_mutex_lock(&cm->mu);
	if (rec == NULL)
		return;
	e = find(cm, key);
	if (cm->stop || e == NULL || e->gen != gen || e->rec != NULL) {
		container_rec_unref(rec);
		return;
	}
	e->rec = rec;
	e->state = ENT_READY;
	cm->st.disk_answers++;
	log_debug("container: %s: disk record after %lld ms: %s",
	    e->key, (long long)(now_ms() - e->added_at),
	    rec->image != NULL ? rec->image : "(no image)");
	atomic_fetch_add(&cm->answers, 1);
}

static void *
disk_worker(void *arg)
{
	struct container_meta *cm = arg;
	struct cm_entry *e;

	pthread_mutex_lock(&cm->mu);
	while (!cm->stop) {
		if ((e = TAILQ_FIRST(&cm->dqueue)) == NULL) {
			cm->dbusy = 0;
			pthread_cond_broadcast(&cm->idle);
			pthread_cond_wait(&cm->dwork, &cm->mu);
			continue;
		}
		TAILQ_REMOVE(&cm->dqueue, e, dq);
		e->dqueued = 0;
		cm->dbusy = 1;
		if (e->rec == NULL)
			disk_job(cm, e);
	}
	cm->dbusy = 0;
	pthread_cond_broadcast(&cm->idle);
	pthread_mutex_unlock(&cm->mu);
	return NULL;
}

static void *
worker(void *arg)
{
	struct container_meta *cm = arg;
	char key[CONTAINER_SHORT_ID_LEN + 1], id[CONTAINER_FULL_ID_LEN + 1];
	struct container_rec *rec;
	struct cm_entry *e;
	uint64_t gen;

	pthread_mutex_lock(&cm->mu);
	while (!cm->stop) {
		if ((e = TAILQ_FIRST(&cm->queue)) == NULL) {
			cm->busy = 0;
			pthread_cond_broadcast(&cm->idle);
			pthread_cond_wait(&cm->work, &cm->mu);
			continue;
		}
		TAILQ_REMOVE(&cm->queue, e, q);
		e->queued = 0;
		cm->busy = 1;
		memcpy(key, e->key, sizeof(key));
		memcpy(id, e->id, sizeof(id));
		gen = e->gen;
		pthread_mutex_unlock(&cm->mu);

		rec = fetch(cm, id);

		pthread_mutex_lock(&cm->mu);
		if (cm->stop) {
			container_rec_unref(rec);
			break;
		}
		e = find(cm, key);
		if (e == NULL || e->gen != gen) {
			/* Dropped or replaced while we were asking. */
			container_rec_unref(rec);
			continue;
		}
		log_debug("container: %s: API %s after %lld ms", key,
		    rec != NULL ? "record" : "has no record",
		    (long long)(now_ms() - e->added_at));
		if (rec != NULL) {
			container_rec_unref(e->rec);
			e->rec = rec;
			e->state = ENT_READY;
		} else if (e->rec == NULL) {
			e->state = ENT_UNAVAIL;
			e->retry_at = now_ms() + cm->retry_ms;
			cm->st.failures++;
		}
		/* After the entry changed, so a reader that sees the new
		   count finds the answer with a lookup. */
		atomic_fetch_add(&cm->answers, 1);
	}
	cm->busy = 0;
	pthread_cond_broadcast(&cm->idle);
	pthread_mutex_unlock(&cm->mu);
	return NULL;
}

struct container_meta *
container_meta_new(const struct container_meta_options *opts)
{
	struct container_meta_options defaults;
	struct container_meta *cm;
	size_t i, n;
	int err;

	if (opts == NULL) {
		container_meta_options_init(&defaults);
		opts = &defaults;
	}
	cm = xcalloc(1, sizeof(*cm));
	pthread_mutex_init(&cm->mu, NULL);
	pthread_cond_init(&cm->work, NULL);
	pthread_cond_init(&cm->idle, NULL);
	pthread_cond_init(&cm->dwork, NULL);
	TAILQ_INIT(&cm->lru);
	TAILQ_INIT(&cm->queue);
	TAILQ_INIT(&cm->dqueue);
	cm->max = opts->max_entries > 0 ? opts->max_entries : 4096;
	cm->timeout_ms = opts->timeout_ms > 0 ? opts->timeout_ms : 2000;
	cm->retry_ms = opts->retry_ms > 0 ? opts->retry_ms : 5000;
	cm->label_max_len = opts->label_max_len;
	if (opts->podman_storage != NULL && *opts->podman_storage != '\0')
		cm->podman_storage = xstrdup(opts->podman_storage);
	for (cm->nbuckets = 64; cm->nbuckets < cm->max; cm->nbuckets <<= 1)
		;
	cm->buckets = xcalloc(cm->nbuckets, sizeof(*cm->buckets));
	for (n = 0; opts->sockets != NULL && opts->sockets[n] != NULL; n++)
		;
	cm->socks = xcalloc(n > 0 ? n : 1, sizeof(*cm->socks));
	for (i = 0; i < n; i++) {
		cm->socks[i].path = xstrdup(opts->sockets[i]);
		cm->socks[i].type = "docker";
	}
	cm->nsocks = n;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if ((err = pthread_create(&cm->thr, NULL, worker, cm)) != 0) {
		log_err("container: cannot start the metadata thread: %s",
		    strerror(err));
		curl_global_cleanup();
		container_meta_free(cm);
		return NULL;
	}
	cm->started = 1;
	if (cm->podman_storage != NULL) {
		if ((err = pthread_create(&cm->dthr, NULL, disk_worker,
		    cm)) != 0) {
			log_err("container: cannot start the disk record "
			    "thread: %s", strerror(err));
			container_meta_free(cm);
			return NULL;
		}
		cm->dstarted = 1;
	}
	return cm;
}

void
container_meta_free(struct container_meta *cm)
{
	size_t i;

	if (cm == NULL)
		return;
	if (cm->started) {
		pthread_mutex_lock(&cm->mu);
		cm->stop = 1;
		pthread_cond_signal(&cm->work);
		pthread_cond_signal(&cm->dwork);
		pthread_mutex_unlock(&cm->mu);
		pthread_join(cm->thr, NULL);
		if (cm->dstarted)
			pthread_join(cm->dthr, NULL);
		curl_global_cleanup();
	}
	while (!TAILQ_EMPTY(&cm->lru))
		entry_remove(cm, TAILQ_FIRST(&cm->lru));
	for (i = 0; i < cm->nsocks; i++)
		free(cm->socks[i].path);
	free(cm->socks);
	free(cm->podman_storage);
	free(cm->buckets);
	pthread_cond_destroy(&cm->idle);
	pthread_cond_destroy(&cm->work);
	pthread_cond_destroy(&cm->dwork);
	pthread_mutex_destroy(&cm->mu);
	free(cm);
}
