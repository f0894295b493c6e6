/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Container records: built from the runtime's inspect documents (Docker
 * API shape, which Podman's compatibility API also speaks), looked into,
 * rendered and freed.  Nothing here does I/O or takes a lock.
 */
#include <ctype.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "container/container.h"
#include "container/container_int.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"

/* Inspect documents nest a few levels; anything deeper is refused. */
#define CM_JSON_DEPTH	32

static const char K8S_NS[] = "io.kubernetes.pod.namespace";
static const char K8S_POD[] = "io.kubernetes.pod.name";
static const char K8S_UID[] = "io.kubernetes.pod.uid";
static const char K8S_SANDBOX[] = "io.kubernetes.sandbox.id";
static const char K8S_DOCKER_TYPE[] = "io.kubernetes.docker.type";

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

int
cm_valid_id(const char *s)
{
	size_t n;

	for (n = 0; s[n] != '\0'; n++)
		if (!isxdigit((unsigned char)s[n]))
			return 0;
	return n >= CONTAINER_SHORT_ID_LEN && n <= CONTAINER_FULL_ID_LEN;
}

static json_object *
parse_json(const char *json, size_t len)
{
	struct json_tokener *tok;
	json_object *obj;

	if (len > CM_HTTP_MAX_BODY)
		return NULL;
	if ((tok = json_tokener_new_ex(CM_JSON_DEPTH)) == NULL)
		return NULL;
	obj = json_tokener_parse_ex(tok, json, (int)len);
	if (obj != NULL &&
	    json_tokener_get_error(tok) != json_tokener_success) {
		json_object_put(obj);
		obj = NULL;
	}
	json_tokener_free(tok);
	return obj;
}

/* The member key of o if it is an object, else NULL. */
static json_object *
member(json_object *o, const char *key)
{
	json_object *v;

	if (o == NULL || !json_object_is_type(o, json_type_object))
		return NULL;
	if (!json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

/* A string member, or NULL if absent or not a string. */
static const char *
member_str(json_object *o, const char *key)
{
	json_object *v = member(o, key);

	if (v == NULL || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static char *
dup_or_null(const char *s)
{
	return s == NULL ? NULL : xstrdup(s);
}

/* A non-empty string member, copied, or NULL. */
static char *
member_strdup(json_object *o, const char *key)
{
	const char *s = member_str(o, key);

	return s == NULL || *s == '\0' ? NULL : xstrdup(s);
}

static int
label_cmp(const void *a, const void *b)
{
	const struct container_label *la = a, *lb = b;

	return strcmp(la->key, lb->key);
}

/*
 * Copy a JSON object of string values into a sorted label array, leaving
 * out values longer than maxlen (0: no limit).
 */
static void
labels_from_json(json_object *o, size_t maxlen, struct container_label **out,
    size_t *n)
{
	struct container_label *v;
	size_t i = 0;

	*out = NULL;
	*n = 0;
	if (o == NULL || !json_object_is_type(o, json_type_object) ||
	    json_object_object_length(o) == 0)
		return;
	v = xcalloc((size_t)json_object_object_length(o), sizeof(*v));
	json_object_object_foreach(o, key, val) {
		if (!json_object_is_type(val, json_type_string) ||
		    (maxlen > 0 && (size_t)json_object_get_string_len(val) >
		    maxlen))
			continue;
		v[i].key = xstrdup(key);
		v[i].value = xstrdup(json_object_get_string(val));
		i++;
	}
	if (i > 1)
		qsort(v, i, sizeof(*v), label_cmp);
	*out = v;
	*n = i;
}

static void
labels_free(struct container_label *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].key);
		free(v[i].value);
	}
	free(v);
}

static const char *
labels_get(const struct container_label *v, size_t n, const char *key)
{
	struct container_label k, *hit;

	if (n == 0)
		return NULL;
	k.key = (char *)(uintptr_t)key;
	hit = bsearch(&k, v, n, sizeof(*v), label_cmp);
	return hit == NULL ? NULL : hit->value;
}

static void
mounts_from_json(json_object *a, struct container_rec *rec)
{
	size_t i, n;

	if (a == NULL || !json_object_is_type(a, json_type_array))
		return;
	n = json_object_array_length(a);
	if (n == 0)
		return;
	rec->mounts = xcalloc(n, sizeof(*rec->mounts));
	for (i = 0; i < n; i++) {
		json_object *m = json_object_array_get_idx(a, i);
		struct container_mount *cm = &rec->mounts[rec->nmounts];
		const char *s;
		json_object *rw;

		if (!json_object_is_type(m, json_type_object))
			continue;
		s = member_str(m, "Source");
		cm->source = xstrdup(s == NULL ? "" : s);
		s = member_str(m, "Destination");
		cm->dest = xstrdup(s == NULL ? "" : s);
		s = member_str(m, "Mode");
		cm->mode = xstrdup(s == NULL ? "" : s);
		s = member_str(m, "Propagation");
		cm->propagation = xstrdup(s == NULL ? "" : s);
		rw = member(m, "RW");
		cm->rw = rw != NULL && json_object_get_boolean(rw);
		rec->nmounts++;
	}
}

/*
 * RFC 3339 time with optional fraction and zone, as the runtimes write
 * State.StartedAt, to ns since the epoch.  Year 1 (Go's zero time, "not
 * started") and anything unparsable give 0.
 */
static int64_t
parse_time_ns(const char *s)
{
	struct tm tm;
	const char *p;
	int64_t frac = 0, scale = 1000000000, secs;
	int n = 0, off = 0;

	if (s == NULL)
		return 0;
	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6 ||
	    n == 0)
		return 0;
	if (tm.tm_year < 1970)
		return 0;
	p = s + n;
	if (*p == '.') {
		for (p++; isdigit((unsigned char)*p); p++) {
			if (scale > 1) {
				scale /= 10;
				frac += (*p - '0') * scale;
			}
		}
	}
	if (*p == '+' || *p == '-') {
		int hh, mm;

		if (sscanf(p + 1, "%2d:%2d", &hh, &mm) != 2)
			return 0;
		off = (hh * 60 + mm) * 60;
		if (*p == '-')
			off = -off;
	} else if (*p != 'Z' && *p != '\0')
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	secs = (int64_t)timegm(&tm) - off;
	return secs * 1000000000 + frac;
}

/* The primary IPv4 address: the top-level one, else the first network's. */
static char *
ip_from_json(json_object *net)
{
	json_object *nets;
	char *ip;

	if ((ip = member_strdup(net, "IPAddress")) != NULL)
		return ip;
	nets = member(net, "Networks");
	if (nets == NULL || !json_object_is_type(nets, json_type_object))
		return NULL;
	json_object_object_foreach(nets, key, val) {
		(void)key;
		if ((ip = member_strdup(val, "IPAddress")) != NULL)
			return ip;
	}
	return NULL;
}

static int
is_image_id(const char *s)
{
	size_t n;

	if (strncmp(s, "sha256:", 7) == 0)
		return 1;
	for (n = 0; s[n] != '\0'; n++)
		if (!isxdigit((unsigned char)s[n]) || isupper((unsigned char)s[n]))
			return 0;
	return n == 64;
}

struct container_rec *
container_rec_from_json(const char *json, size_t len, const char *type,
    size_t label_max_len, char *err, size_t errlen)
{
	json_object *root, *cfg, *host, *v;
	struct container_rec *rec;
	const char *id, *s;

	if ((root = parse_json(json, len)) == NULL) {
		seterr(err, errlen, "inspect document is not valid JSON");
		return NULL;
	}
	id = member_str(root, "Id");
	if (id == NULL || !cm_valid_id(id)) {
		seterr(err, errlen, "inspect document has no valid \"Id\"");
		json_object_put(root);
		return NULL;
	}
	rec = xcalloc(1, sizeof(*rec));
	rec->refs = 1;
	rec->type = type;
	snprintf(rec->full_id, sizeof(rec->full_id), "%s", id);
	snprintf(rec->id, sizeof(rec->id), "%s", id);

	if ((s = member_str(root, "Name")) != NULL) {
		if (*s == '/')
			s++;
		rec->name = xstrdup(s);
	}
	cfg = member(root, "Config");
	host = member(root, "HostConfig");

	rec->image = member_strdup(cfg, "Image");
	if ((s = member_str(root, "Image")) != NULL && *s != '\0') {
		/* Docker and Podman give the image id here. */
		if (strncmp(s, "sha256:", 7) == 0)
			rec->image_id = xstrdup(s + 7);
		else if (is_image_id(s))
			rec->image_id = xstrdup(s);
		else if (rec->image == NULL)
			rec->image = xstrdup(s);
	}
	if (rec->image != NULL && !is_image_id(rec->image))
		(void)container_image_parse(rec->image, &rec->image_repo,
		    &rec->image_tag, &rec->image_digest);

	v = member(host, "Privileged");
	rec->privileged = v != NULL && json_object_get_boolean(v);
	mounts_from_json(member(root, "Mounts"), rec);
	labels_from_json(member(cfg, "Labels"), label_max_len, &rec->labels,
	    &rec->nlabels);
	rec->start_ns = parse_time_ns(member_str(member(root, "State"),
	    "StartedAt"));
	rec->ip = ip_from_json(member(root, "NetworkSettings"));

	rec->k8s_ns = dup_or_null(container_rec_label(rec, K8S_NS));
	rec->k8s_pod_name = dup_or_null(container_rec_label(rec, K8S_POD));
	rec->k8s_pod_uid = dup_or_null(container_rec_label(rec, K8S_UID));
	rec->k8s_sandbox_id = dup_or_null(container_rec_label(rec,
	    K8S_SANDBOX));
	s = container_rec_label(rec, K8S_DOCKER_TYPE);
	if ((s != NULL && strcmp(s, "podsandbox") == 0) ||
	    (rec->name != NULL && strstr(rec->name, "k8s_POD") != NULL))
		rec->is_pod_sandbox = 1;
	if (rec->is_pod_sandbox) {
		/* A sandbox is its own pod's sandbox and carries its labels. */
		if (rec->k8s_sandbox_id == NULL)
			rec->k8s_sandbox_id = xstrdup(rec->full_id);
		cm_rec_set_pod_labels(rec, rec);
	}
	json_object_put(root);
	return rec;
}

/* "repo@sha256:..." to its two halves; 0, or -1 if it has no '@'. */
static int
split_repo_digest(const char *s, char **repo, const char **digest)
{
	const char *at = strchr(s, '@');

	if (at == NULL || at == s || at[1] == '\0')
		return -1;
	*repo = xstrndup(s, (size_t)(at - s));
	*digest = at + 1;
	return 0;
}

int
container_rec_set_image_json(struct container_rec *rec, const char *json,
    size_t len)
{
	json_object *root, *a;
	const char *only = NULL;
	size_t i, n, ndigests = 0;

	if ((root = parse_json(json, len)) == NULL ||
	    !json_object_is_type(root, json_type_object)) {
		json_object_put(root);
		return -1;
	}
	a = member(root, "RepoTags");
	if (rec->image_repo == NULL && a != NULL &&
	    json_object_is_type(a, json_type_array) &&
	    json_object_array_length(a) > 0) {
		json_object *t = json_object_array_get_idx(a, 0);

		if (json_object_is_type(t, json_type_string)) {
			free(rec->image_tag);
			rec->image_tag = NULL;
			(void)container_image_parse(json_object_get_string(t),
			    &rec->image_repo, &rec->image_tag, NULL);
		}
	}
	a = member(root, "RepoDigests");
	if (rec->image_digest == NULL && a != NULL &&
	    json_object_is_type(a, json_type_array)) {
		n = json_object_array_length(a);
		for (i = 0; i < n && rec->image_digest == NULL; i++) {
			json_object *d = json_object_array_get_idx(a, i);
			const char *digest;
			char *repo;

			if (!json_object_is_type(d, json_type_string) ||
			    split_repo_digest(json_object_get_string(d), &repo,
			    &digest) == -1)
				continue;
			ndigests++;
			only = digest;
			if (rec->image_repo != NULL &&
			    strcmp(repo, rec->image_repo) == 0)
				rec->image_digest = xstrdup(digest);
			free(repo);
		}
		if (rec->image_digest == NULL && ndigests == 1)
			rec->image_digest = xstrdup(only);
	}
	json_object_put(root);
	return 0;
}

void
cm_rec_set_pod_labels(struct container_rec *rec,
    const struct container_rec *sandbox)
{
	size_t i;

	if (rec->pod_labels != NULL || sandbox->nlabels == 0)
		return;
	rec->pod_labels = xcalloc(sandbox->nlabels, sizeof(*rec->pod_labels));
	for (i = 0; i < sandbox->nlabels; i++) {
		rec->pod_labels[i].key = xstrdup(sandbox->labels[i].key);
		rec->pod_labels[i].value = xstrdup(sandbox->labels[i].value);
	}
	rec->npod_labels = sandbox->nlabels;
}

struct container_rec *
container_rec_ref(struct container_rec *rec)
{
	__atomic_add_fetch(&rec->refs, 1, __ATOMIC_RELAXED);
	return rec;
}

void
container_rec_unref(struct container_rec *rec)
{
	size_t i;

	if (rec == NULL ||
	    __atomic_sub_fetch(&rec->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	free(rec->name);
	free(rec->image);
	free(rec->image_repo);
	free(rec->image_tag);
	free(rec->image_digest);
	free(rec->image_id);
	for (i = 0; i < rec->nmounts; i++) {
		free(rec->mounts[i].source);
		free(rec->mounts[i].dest);
		free(rec->mounts[i].mode);
		free(rec->mounts[i].propagation);
	}
	free(rec->mounts);
	labels_free(rec->labels, rec->nlabels);
	labels_free(rec->pod_labels, rec->npod_labels);
	free(rec->ip);
	free(rec->k8s_ns);
	free(rec->k8s_pod_name);
	free(rec->k8s_pod_uid);
	free(rec->k8s_sandbox_id);
	free(rec);
}

const char *
container_rec_label(const struct container_rec *rec, const char *key)
{
	return labels_get(rec->labels, rec->nlabels, key);
}

const char *
container_rec_pod_label(const struct container_rec *rec, const char *key)
{
	return labels_get(rec->pod_labels, rec->npod_labels, key);
}

const struct container_mount *
container_rec_mount_find(const struct container_rec *rec,
    const char *pattern, int by_dest)
{
	size_t i;

	for (i = 0; i < rec->nmounts; i++) {
		const struct container_mount *m = &rec->mounts[i];

		if (fnmatch(pattern, by_dest ? m->dest : m->source, 0) == 0)
			return m;
	}
	return NULL;
}

int
container_image_parse(const char *ref, char **repo, char **tag,
    char **digest)
{
	const char *at, *slash, *colon, *end;
	char *r = NULL, *t = NULL, *d = NULL;

	if (repo != NULL)
		*repo = NULL;
	if (tag != NULL)
		*tag = NULL;
	if (digest != NULL)
		*digest = NULL;
	if (ref == NULL || *ref == '\0' || strpbrk(ref, " \t\n") != NULL)
		return -1;
	end = ref + strlen(ref);
	if ((at = strchr(ref, '@')) != NULL) {
		if (at[1] == '\0' || strchr(at + 1, '@') != NULL)
			return -1;
		d = xstrdup(at + 1);
		end = at;
	}
	/* A tag follows the last ':' only if no '/' comes after it. */
	slash = memrchr(ref, '/', (size_t)(end - ref));
	colon = memrchr(ref, ':', (size_t)(end - ref));
	if (colon != NULL && (slash == NULL || colon > slash)) {
		if (colon + 1 == end) {
			free(d);
			return -1;
		}
		t = xstrndup(colon + 1, (size_t)(end - colon - 1));
		end = colon;
	}
	if (end == ref || end[-1] == '/') {
		free(d);
		free(t);
		return -1;
	}
	r = xstrndup(ref, (size_t)(end - ref));
	if (repo != NULL)
		*repo = r;
	else
		free(r);
	if (tag != NULL)
		*tag = t;
	else
		free(t);
	if (digest != NULL)
		*digest = d;
	else
		free(d);
	return 0;
}

void
container_mount_render(const struct container_mount *m, struct sbuf *sb)
{
	sbuf_printf(sb, "%s:%s:%s:%s:%s", m->source, m->dest, m->mode,
	    m->rw ? "true" : "false", m->propagation);
}

void
container_mounts_render(const struct container_rec *rec, struct sbuf *sb)
{
	size_t i;

	for (i = 0; i < rec->nmounts; i++) {
		if (i > 0)
			sbuf_putc(sb, ',');
		container_mount_render(&rec->mounts[i], sb);
	}
}

void
container_labels_render(const struct container_label *labels, size_t n,
    struct sbuf *sb)
{
	size_t i;
	int first = 1;

	for (i = 0; i < n; i++) {
		const char *k = labels[i].key;

		if (strncmp(k, "annotation.", 11) == 0 ||
		    strncmp(k, "io.kubernetes.", 14) == 0)
			continue;
		if (!first)
			sbuf_puts(sb, ", ");
		first = 0;
		sbuf_puts(sb, k);
		if (labels[i].value[0] != '\0')
			sbuf_printf(sb, ":%s", labels[i].value);
	}
}
