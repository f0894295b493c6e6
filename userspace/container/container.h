/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Container and Kubernetes metadata from the container runtime.
 *
 * The state layer knows a process's container id from its cgroup path;
 * everything else (name, image, privileged flag, mounts, labels, the
 * Kubernetes pod a container belongs to) comes from the runtime's
 * Docker-compatible API on a unix socket (Docker, Podman).  This module
 * looks that up on its own worker thread and caches the answers, so that
 * the event path only ever takes a short mutex and reads the cache:
 *
 *	cm = container_meta_new(&opts);
 *	switch (container_meta_lookup(cm, id, &rec)) {
 *	case CONTAINER_META_READY:	use rec; container_rec_unref(rec);
 *	case CONTAINER_META_PENDING:	fields not known yet (<NA>)
 *	case CONTAINER_META_UNAVAILABLE: no runtime knows it (<NA>)
 *	}
 *
 * A record is immutable once published and reference counted: a caller
 * may keep it across events while the cache replaces or drops it.
 *
 * Absent values are NULL (never ""), so that field extraction can tell
 * "not available" from an empty string.
 */
#ifndef CONTAINER_CONTAINER_H
#define CONTAINER_CONTAINER_H

#include <stddef.h>
#include <stdint.h>

struct sbuf;

#define CONTAINER_SHORT_ID_LEN	12
#define CONTAINER_FULL_ID_LEN	64

struct container_mount {
	char	*source;
	char	*dest;
	char	*mode;		/* as the runtime reports it, may be "" */
	char	*propagation;	/* e.g. "rprivate", may be "" */
	int	 rw;
};

struct container_label {
	char	*key;
	char	*value;
};

struct container_rec {
	char	 id[CONTAINER_SHORT_ID_LEN + 1];	/* first 12 chars */
	char	 full_id[CONTAINER_FULL_ID_LEN + 1];
	const char *type;		/* "docker", "podman" (static) */
	char	*name;			/* without Docker's leading '/' */
	char	*image;			/* as the user gave it */
	char	*image_repo;		/* registry/path, no tag or digest */
	char	*image_tag;
	char	*image_digest;		/* "sha256:..." */
	char	*image_id;		/* hex, no "sha256:" prefix */
	int	 privileged;
	struct container_mount *mounts;	/* in the runtime's order */
	size_t	 nmounts;
	struct container_label *labels;	/* sorted by key */
	size_t	 nlabels;
	int64_t	 start_ns;		/* State.StartedAt, 0 if unknown */
	char	*ip;			/* primary IPv4 address */
	int	 is_pod_sandbox;
	/* Kubernetes, from the io.kubernetes.* labels of the runtime. */
	char	*k8s_ns;
	char	*k8s_pod_name;
	char	*k8s_pod_uid;
	char	*k8s_sandbox_id;	/* full id of the pod's sandbox */
	/*
	 * The pod's labels: the labels of the sandbox container (a sandbox
	 * carries the pod labels), sorted by key; nothing if the sandbox
	 * could not be inspected.
	 */
	struct container_label *pod_labels;
	size_t	 npod_labels;

	int	 refs;			/* private: use container_rec_ref */
};

enum container_meta_status {
	CONTAINER_META_READY,		/* *recp is set and referenced */
	CONTAINER_META_PENDING,		/* lookup queued or in flight */
	CONTAINER_META_UNAVAILABLE,	/* no runtime answered for this id */
};

struct container_meta_options {
	/*
	 * Runtime sockets, tried in order for every lookup; NULL-terminated.
	 * The strings must outlive container_meta_new() only (they are
	 * copied).  Default: /var/run/docker.sock, /run/podman/podman.sock.
	 */
	const char *const *sockets;
	int	 timeout_ms;		/* per HTTP request (default 2000) */
	size_t	 max_entries;		/* cache bound (default 4096) */
	/*
	 * How long an id stays UNAVAILABLE before a lookup of it asks the
	 * runtimes again (default 5000 ms).
	 */
	int	 retry_ms;
	/*
	 * Labels with a longer value are left out, as Falco's container
	 * plugin does (default 100; 0: keep all).
	 */
	size_t	 label_max_len;
	/*
	 * Podman's storage folder (graphroot): its on-disk records of a
	 * container answer a lookup within a millisecond, before the API
	 * does (container_rec_from_podman_storage()).  Copied; NULL or ""
	 * turns this off.  Default: /var/lib/containers/storage.
	 */
	const char *podman_storage;
};

struct container_meta_stats {
	uint64_t lookups;
	uint64_t hits;			/* lookups that returned READY */
	uint64_t requests;		/* HTTP requests made */
	uint64_t failures;		/* ids no runtime answered for */
	uint64_t evictions;
	uint64_t disk_answers;		/* records read from podman_storage */
	size_t	 entries;
};

struct container_meta;

/* Fill opts with the defaults above. */
void	container_meta_options_init(struct container_meta_options *opts);

/*
 * Start a cache and its worker thread.  opts NULL means defaults.
 * Returns NULL (and logs why) if the thread cannot be started.
 */
struct container_meta *container_meta_new(
	    const struct container_meta_options *opts);

/* Stop the worker (aborting a request in flight) and free everything. */
void	container_meta_free(struct container_meta *cm);

/*
 * Look an id up (full, or at least its first 12 hex characters).  Never
 * blocks on I/O: a miss queues a request for the worker and returns
 * PENDING.  On READY, *recp holds a reference the caller must drop with
 * container_rec_unref().  An id that is not 12..64 hex characters is
 * UNAVAILABLE at once.
 */
enum container_meta_status container_meta_lookup(struct container_meta *cm,
	    const char *id, struct container_rec **recp);

/*
 * How many answers (a record, or "no runtime knows it") the worker has
 * published so far.  Lock-free, cheap enough for every event: a caller
 * waiting for ids that were PENDING looks them up again only when this
 * changed.  An answer is visible to container_meta_lookup() before the
 * count that includes it.
 */
uint64_t container_meta_answers(struct container_meta *cm);

/*
 * A container started (or was seen for the first time): fetch its
 * metadata again.  A record already cached stays readable until the new
 * one replaces it.
 */
void	container_meta_notify_start(struct container_meta *cm, const char *id);

/* A container exited: drop what the cache holds about it. */
void	container_meta_notify_exit(struct container_meta *cm, const char *id);

/*
 * Wait until the worker has nothing queued or in flight, at most
 * timeout_ms.  Returns 0, or -1 on timeout.  For tests and tools, never
 * for the event path.
 */
int	container_meta_wait_idle(struct container_meta *cm, int timeout_ms);

void	container_meta_get_stats(struct container_meta *cm,
	    struct container_meta_stats *st);

struct container_rec *container_rec_ref(struct container_rec *rec);
/* Drop a reference; the last one frees the record.  NULL is ignored. */
void	container_rec_unref(struct container_rec *rec);

/* A label's value, or NULL if the container has no such label. */
const char *container_rec_label(const struct container_rec *rec,
	    const char *key);
const char *container_rec_pod_label(const struct container_rec *rec,
	    const char *key);

/*
 * The first mount whose source (by_dest 0) or destination (by_dest 1)
 * matches the fnmatch(3) pattern, or NULL.
 */
const struct container_mount *container_rec_mount_find(
	    const struct container_rec *rec, const char *pattern, int by_dest);

/*
 * Parse a container inspect document (GET /containers/<id>/json, Docker
 * API shape) into a new record with one reference.  type is a static
 * string ("docker", "podman"); labels whose value is longer than
 * label_max_len are left out (0: no limit).  The image digest is taken from the
 * image reference if it has one; container_rec_set_image_json() can add
 * it from the image's own document.  Returns NULL and an error message
 * in err (if errlen > 0) when the document is not a container.
 */
struct container_rec *container_rec_from_json(const char *json, size_t len,
	    const char *type, size_t label_max_len, char *err, size_t errlen);

/*
 * A record from podman's on-disk records under storage (its graphroot):
 * name, image reference (repository, tag, digest), image id and the
 * privileged flag, as the API would give them, nothing else (no mounts,
 * labels, start time or address).  id is the full id or a unique prefix
 * of at least 12 hex characters.  Returns a new record with one
 * reference, or NULL if podman has no complete record of the container
 * (never a partial guess).  Blocking file I/O: for the worker and tests.
 */
struct container_rec *container_rec_from_podman_storage(const char *storage,
	    const char *id);

/*
 * Complete rec from an image inspect document (GET /images/<id>/json):
 * the digest from RepoDigests (the entry for rec's repository, else the
 * only one), and the repository/tag from RepoTags if the container's
 * image was given by id.  Only for a record nobody else sees yet.
 * Returns 0, or -1 if the document does not parse.
 */
int	container_rec_set_image_json(struct container_rec *rec,
	    const char *json, size_t len);

/*
 * Split an image reference into repository, tag and digest:
 *   docker.io/library/ubuntu:22.04   -> docker.io/library/ubuntu, 22.04
 *   host:5000/x/y:t                  -> host:5000/x/y, t
 *   repo@sha256:...                  -> repo, (no tag), sha256:...
 * The repository keeps the registry as written.  Each out pointer may be
 * NULL; results are allocated (caller frees), absent parts are NULL.
 * Returns 0, or -1 for an empty or malformed reference (outputs NULL).
 */
int	container_image_parse(const char *ref, char **repo, char **tag,
	    char **digest);

/* Append one mount as "source:dest:mode:rw:propagation" (rw true/false). */
void	container_mount_render(const struct container_mount *m,
	    struct sbuf *sb);

/* Append every mount, rendered as above and separated by ','. */
void	container_mounts_render(const struct container_rec *rec,
	    struct sbuf *sb);

/*
 * Append labels as "key:value, key2:value2" (just "key" when the value
 * is empty), leaving out the runtime's own io.kubernetes.* and
 * annotation.* keys, as container.labels and k8s.pod.labels show them.
 */
void	container_labels_render(const struct container_label *labels,
	    size_t n, struct sbuf *sb);

#endif /* CONTAINER_CONTAINER_H */
