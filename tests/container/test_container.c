/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests of the container metadata module: image references (data file),
 * inspect documents (fixtures in Docker API shape), and the cache and its
 * worker against a mock runtime API on a unix socket in a temp folder.
 */
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

#include "container/container.h"
#include "util/log.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"

#include "mockapi.h"

#define PLAIN_ID	\
	"3ad7b26ded6d8e7b23da7d48fe889434" \
	"573036c27ae5a74837233de441c3601e"
#define K8S_ID	\
	"9c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f" \
	"6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d"
#define SBX_ID	\
	"63060edc2d3aa803ab559f2393776b15" \
	"1f99fc5b05035b21db66b3b62246ad6a"
#define NGINX_IMG	\
	"6f7e2741b66b5b0b2c1c3c6b0e2a3d4c" \
	"5b6a7988776655443322110099aabbcc"

static char *
data_path(const char *name)
{
	const char *src = getenv("FALCO_SRC");
	char *p;

	xasprintf(&p, "%s/tests/container/data/%s", src != NULL ? src : ".",
	    name);
	return p;
}

static char *
slurp(const char *name, size_t *lenp)
{
	struct sbuf sb = SBUF_INIT;
	char buf[4096], *path = data_path(name);
	size_t n;
	FILE *f;

	f = fopen(path, "r");
	if (f == NULL)
		fail_msg("cannot open %s", path);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sbuf_put(&sb, buf, n);
	fclose(f);
	free(path);
	if (lenp != NULL)
		*lenp = sb.len;
	return sbuf_detach(&sb);
}

static struct container_rec *
rec_from_fixture(const char *name)
{
	struct container_rec *rec;
	char err[128], *json;
	size_t len;

	json = slurp(name, &len);
	rec = container_rec_from_json(json, len, "docker", 100, err,
	    sizeof(err));
	free(json);
	if (rec == NULL)
		fail_msg("%s: %s", name, err);
	return rec;
}

static int64_t
mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void
sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* --- image references ------------------------------------------------ */

static const char *
or_dash(const char *s)
{
	return s == NULL ? "-" : s;
}

static void
test_image_refs(void **state)
{
	char *text = slurp("image_refs.txt", NULL), *line, *save = NULL;
	int ncases = 0;

	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		char *f[4], *p = line, *repo, *tag, *digest;
		int i, rc;

		if (*line == '#')
			continue;
		for (i = 0; i < 4; i++)
			f[i] = strsep(&p, "|");
		if (f[3] == NULL)
			fail_msg("bad case line: %s", line);
		rc = container_image_parse(f[0], &repo, &tag, &digest);
		if (strcmp(f[1], "ERROR") == 0) {
			if (rc != -1 || repo != NULL || tag != NULL ||
			    digest != NULL)
				fail_msg("'%s' was accepted", f[0]);
		} else {
			if (rc != 0)
				fail_msg("'%s' was refused", f[0]);
			if (strcmp(or_dash(repo), f[1]) != 0 ||
			    strcmp(or_dash(tag), f[2]) != 0 ||
			    strcmp(or_dash(digest), f[3]) != 0)
				fail_msg("'%s': got %s | %s | %s", f[0],
				    or_dash(repo), or_dash(tag),
				    or_dash(digest));
		}
		free(repo);
		free(tag);
		free(digest);
		ncases++;
	}
	free(text);
	assert_true(ncases >= 15);
}

/* --- inspect documents ----------------------------------------------- */

static void
test_inspect_plain(void **state)
{
	struct container_rec *rec = rec_from_fixture("inspect_plain.json");
	struct sbuf sb = SBUF_INIT;

	assert_string_equal(rec->id, "3ad7b26ded6d");
	assert_string_equal(rec->full_id, PLAIN_ID);
	assert_string_equal(rec->type, "docker");
	assert_string_equal(rec->name, "web");
	assert_string_equal(rec->image, "docker.io/library/nginx:1.25");
	assert_string_equal(rec->image_repo, "docker.io/library/nginx");
	assert_string_equal(rec->image_tag, "1.25");
	assert_null(rec->image_digest);
	assert_string_equal(rec->image_id, NGINX_IMG);
	assert_int_equal(rec->privileged, 0);
	assert_int_equal(rec->is_pod_sandbox, 0);
	/* 2026-11-30T10:00:01.123456789Z */
	assert_int_equal(rec->start_ns, 1796032801123456789LL);
	assert_string_equal(rec->ip, "172.17.0.2");

	assert_int_equal(rec->nmounts, 2);
	assert_string_equal(rec->mounts[0].source, "/srv/www");
	assert_string_equal(rec->mounts[0].dest, "/usr/share/nginx/html");
	assert_string_equal(rec->mounts[0].mode, "ro");
	assert_int_equal(rec->mounts[0].rw, 0);
	assert_string_equal(rec->mounts[0].propagation, "rprivate");
	assert_int_equal(rec->mounts[1].rw, 1);
	container_mounts_render(rec, &sb);
	assert_string_equal(sbuf_str(&sb),
	    "/srv/www:/usr/share/nginx/html:ro:false:rprivate,"
	    "/var/lib/docker/volumes/cache/_data:/var/cache/nginx:z:true:");

	/* A value of 100 characters is kept, one of 101 is not. */
	assert_int_equal(rec->nlabels, 3);
	assert_string_equal(container_rec_label(rec, "com.example.tier"),
	    "front");
	assert_int_equal(strlen(container_rec_label(rec,
	    "com.example.edge")), 100);
	assert_null(container_rec_label(rec, "com.example.long"));
	assert_null(container_rec_label(rec, "nope"));
	sbuf_reset(&sb);
	container_labels_render(rec->labels, rec->nlabels, &sb);
	assert_string_equal(sbuf_str(&sb), "com.example.edge:"
	    "0123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789"
	    "01234567890123456789"
	    ", com.example.tier:front, maintainer:NGINX Docker Maintainers");

	assert_null(rec->k8s_ns);
	assert_null(rec->k8s_pod_name);
	assert_null(rec->k8s_pod_uid);
	assert_null(rec->k8s_sandbox_id);
	assert_int_equal(rec->npod_labels, 0);
	sbuf_free(&sb);
	container_rec_unref(rec);
}

static void
test_inspect_k8s_privileged(void **state)
{
	struct container_rec *rec = rec_from_fixture("inspect_k8s.json");
	struct sbuf sb = SBUF_INIT;
	const struct container_mount *m;

	assert_string_equal(rec->id, "9c1d2e3f4a5b");
	assert_int_equal(rec->privileged, 1);
	assert_string_equal(rec->image_repo,
	    "registry.example.com:5000/sec/agent");
	assert_string_equal(rec->image_tag, "2.1");
	assert_string_equal(rec->image_digest, "sha256:feedfacefeedfacefeed"
	    "facefeedfacefeedfacefeedfacefeedfacefeedface");
	assert_string_equal(rec->image_id, "11111111111111111111111111111111"
	    "11111111111111111111111111111111");
	/* 12:30:00.5 at +01:00 is 11:30:00.5 UTC. */
	assert_int_equal(rec->start_ns, 1796038200500000000LL);
	assert_null(rec->ip);

	assert_string_equal(rec->k8s_ns, "monitoring");
	assert_string_equal(rec->k8s_pod_name, "agent-7d9f");
	assert_string_equal(rec->k8s_pod_uid,
	    "5f0c7d3e-1a2b-4c3d-9e8f-001122334455");
	assert_string_equal(rec->k8s_sandbox_id, SBX_ID);
	assert_int_equal(rec->is_pod_sandbox, 0);
	/* The pod labels come from the sandbox, which needs a lookup. */
	assert_int_equal(rec->npod_labels, 0);

	container_labels_render(rec->labels, rec->nlabels, &sb);
	assert_string_equal(sbuf_str(&sb), "release:stable");
	sbuf_reset(&sb);
	container_mounts_render(rec, &sb);
	assert_string_equal(sbuf_str(&sb),
	    "/proc:/host/proc:ro:false:rslave,"
	    "/var/run/docker.sock:/host/var/run/docker.sock::true:rprivate");

	m = container_rec_mount_find(rec, "/var/run/*.sock", 0);
	assert_non_null(m);
	assert_string_equal(m->dest, "/host/var/run/docker.sock");
	m = container_rec_mount_find(rec, "/host/proc", 1);
	assert_non_null(m);
	assert_string_equal(m->source, "/proc");
	assert_null(container_rec_mount_find(rec, "/etc*", 0));
	sbuf_free(&sb);
	container_rec_unref(rec);
}

static void
test_inspect_sandbox(void **state)
{
	struct container_rec *rec = rec_from_fixture("inspect_sandbox.json");
	struct sbuf sb = SBUF_INIT;

	assert_int_equal(rec->is_pod_sandbox, 1);
	assert_string_equal(rec->k8s_sandbox_id, SBX_ID);
	assert_string_equal(rec->ip, "10.244.1.17");
	assert_int_equal(rec->nmounts, 0);
	assert_string_equal(container_rec_pod_label(rec,
	    "app.kubernetes.io/name"), "sec-agent");
	container_labels_render(rec->pod_labels, rec->npod_labels, &sb);
	assert_string_equal(sbuf_str(&sb), "app:agent, "
	    "app.kubernetes.io/name:sec-agent, pod-template-hash:7d9f");
	sbuf_free(&sb);
	container_rec_unref(rec);
}

static void
test_inspect_image_docs(void **state)
{
	struct container_rec *rec = rec_from_fixture("inspect_plain.json");
	char *json;
	size_t len;

	json = slurp("image_nginx.json", &len);
	assert_int_equal(container_rec_set_image_json(rec, json, len), 0);
	free(json);
	/* The digest of the container's own repository, not the mirror's. */
	assert_string_equal(rec->image_digest, "sha256:d977378f890d445c15e5"
	    "1795296e4e5062f109ce6da83e0a355fc4ad8699d27a");
	assert_int_equal(container_rec_set_image_json(rec, "[1,", 3), -1);
	container_rec_unref(rec);

	/* Image given by id: repository and tag come from the image. */
	rec = rec_from_fixture("inspect_byid.json");
	assert_null(rec->image_repo);
	assert_int_equal(rec->start_ns, 0);
	json = slurp("image_byid.json", &len);
	assert_int_equal(container_rec_set_image_json(rec, json, len), 0);
	free(json);
	assert_string_equal(rec->image_repo, "localhost/tools");
	assert_string_equal(rec->image_tag, "3");
	assert_string_equal(rec->image_digest, "sha256:444444444444444444444"
	    "4444444444444444444444444444444444444444444");
	container_rec_unref(rec);
}

static void
test_inspect_refused(void **state)
{
	static const char *const bad[] = {
		"inspect_badid.json", "inspect_truncated.json",
	};
	char err[128], *json;
	size_t i, len;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json = slurp(bad[i], &len);
		err[0] = '\0';
		assert_null(container_rec_from_json(json, len, "docker", 0,
		    err, sizeof(err)));
		assert_true(strlen(err) > 0);
		free(json);
	}
	assert_null(container_rec_from_json("[]", 2, "docker", 0, err,
	    sizeof(err)));
	assert_null(container_rec_from_json("\"x\"", 3, "docker", 0, NULL,
	    0));
}

/* --- the cache against a mock runtime --------------------------------- */

struct env {
	char		 dir[64];
	char		 sock[128];
	char		 logfile[128];
	int		 saved_stderr;
	struct mockapi	*api;
};

static int
env_setup(void **state)
{
	struct env *env = xcalloc(1, sizeof(*env));

	snprintf(env->dir, sizeof(env->dir), "/tmp/test_container.XXXXXX");
	if (mkdtemp(env->dir) == NULL)
		return -1;
	snprintf(env->sock, sizeof(env->sock), "%s/api.sock", env->dir);
	snprintf(env->logfile, sizeof(env->logfile), "%s/log", env->dir);
	env->saved_stderr = -1;
	*state = env;
	return 0;
}

static void
env_log_capture(struct env *env)
{
	FILE *f = fopen(env->logfile, "w");

	assert_non_null(f);
	fflush(stderr);
	env->saved_stderr = dup(2);
	dup2(fileno(f), 2);
	fclose(f);
}

static void
env_log_release(struct env *env)
{
	if (env->saved_stderr == -1)
		return;
	fflush(stderr);
	dup2(env->saved_stderr, 2);
	close(env->saved_stderr);
	env->saved_stderr = -1;
}

/* Lines of the captured log that contain needle. */
static int
env_log_count(struct env *env, const char *needle)
{
	char line[1024];
	int n = 0;
	FILE *f = fopen(env->logfile, "r");

	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, needle) != NULL)
			n++;
	fclose(f);
	return n;
}

static int
env_teardown(void **state)
{
	struct env *env = *state;

	env_log_release(env);
	mockapi_stop(env->api);
	(void)unlink(env->logfile);
	(void)unlink(env->sock);
	(void)rmdir(env->dir);
	free(env);
	return 0;
}

static void
start_api(struct env *env)
{
	char *f;

	env->api = mockapi_start(env->sock);
	assert_non_null(env->api);
	mockapi_route(env->api, "/v1.41/version", 200,
	    "{\"Version\":\"24.0.7\",\"ApiVersion\":\"1.43\"}");
#define ROUTE(path, file) do {						\
	f = data_path(file);						\
	assert_int_equal(mockapi_route_file(env->api, path, f), 0);	\
	free(f);							\
} while (0)
	ROUTE("/v1.41/containers/" PLAIN_ID "/json", "inspect_plain.json");
	ROUTE("/v1.41/containers/3ad7b26ded6d/json", "inspect_plain.json");
	ROUTE("/v1.41/containers/" K8S_ID "/json", "inspect_k8s.json");
	ROUTE("/v1.41/containers/" SBX_ID "/json", "inspect_sandbox.json");
	ROUTE("/v1.41/images/" NGINX_IMG "/json", "image_nginx.json");
#undef ROUTE
}

static struct container_meta *
new_cm(struct env *env, int timeout_ms, size_t max, int retry_ms)
{
	struct container_meta_options o;
	const char *socks[3];
	char other[160];

	/* A first socket that does not exist, as on a Podman-only host. */
	snprintf(other, sizeof(other), "%s/docker.sock", env->dir);
	socks[0] = other;
	socks[1] = env->sock;
	socks[2] = NULL;
	container_meta_options_init(&o);
	o.sockets = socks;
	o.timeout_ms = timeout_ms;
	o.max_entries = max;
	o.retry_ms = retry_ms;
	o.podman_storage = NULL;	/* tests that want it say so */
	return container_meta_new(&o);
}

static void
test_cache_pending_ready(void **state)
{
	struct env *env = *state;
	struct container_meta *cm;
	struct container_meta_stats st;
	struct container_rec *rec, *rec2;

	start_api(env);
	cm = new_cm(env, 2000, 16, 5000);
	assert_non_null(cm);

	assert_int_equal(container_meta_lookup(cm, "3ad7b26ded6d", &rec),
	    CONTAINER_META_PENDING);
	assert_null(rec);
	assert_int_equal(container_meta_wait_idle(cm, 5000), 0);
	assert_int_equal(container_meta_lookup(cm, "3ad7b26ded6d", &rec),
	    CONTAINER_META_READY);
	assert_string_equal(rec->name, "web");
	assert_string_equal(rec->full_id, PLAIN_ID);
	/* The image document added the digest. */
	assert_string_equal(rec->image_digest, "sha256:d977378f890d445c15e5"
	    "1795296e4e5062f109ce6da83e0a355fc4ad8699d27a");
	/* The full id finds the same record. */
	assert_int_equal(container_meta_lookup(cm, PLAIN_ID, &rec2),
	    CONTAINER_META_READY);
	assert_ptr_equal(rec, rec2);
	container_rec_unref(rec2);

	/* Exit drops it; the record held stays valid. */
	container_meta_notify_exit(cm, PLAIN_ID);
	assert_string_equal(rec->image, "docker.io/library/nginx:1.25");
	container_rec_unref(rec);
	assert_int_equal(mockapi_count(env->api, "/v1.41/containers/"), 1);
	assert_int_equal(container_meta_lookup(cm, PLAIN_ID, &rec),
	    CONTAINER_META_PENDING);
	assert_int_equal(container_meta_wait_idle(cm, 5000), 0);
	assert_int_equal(mockapi_count(env->api, "/v1.41/containers/"), 2);
	assert_int_equal(container_meta_lookup(cm, PLAIN_ID, &rec),
	    CONTAINER_META_READY);
	container_rec_unref(rec);

	/* A Kubernetes container gets its pod labels from its sandbox. */
	assert_int_equal(container_meta_lookup(cm, K8S_ID, &rec),
	    CONTAINER_META_PENDING);
	assert_int_equal(container_meta_wait_idle(cm, 5000), 0);
	assert_int_equal(container_meta_lookup(cm, K8S_ID, &rec),
	    CONTAINER_META_READY);
	assert_string_equal(rec->k8s_pod_name, "agent-7d9f");
	assert_string_equal(container_rec_pod_label(rec, "app"), "agent");
	assert_int_equal(rec->npod_labels, 7);
	container_rec_unref(rec);

	/* Unknown to the runtime: unavailable, without a second request. */
	assert_int_equal(container_meta_lookup(cm, "0123456789ab", &rec),
	    CONTAINER_META_PENDING);
	assert_int_equal(container_meta_wait_idle(cm, 5000), 0);
	assert_int_equal(container_meta_lookup(cm, "0123456789ab", &rec),
	    CONTAINER_META_UNAVAILABLE);
	assert_int_equal(container_meta_lookup(cm, "0123456789ab", &rec),
	    CONTAINER_META_UNAVAILABLE);
	assert_int_equal(container_meta_wait_idle(cm, 5000), 0);
	assert_int_equal(mockapi_count(env->api,
	    "/v1.41/containers/0123456789ab"), 1);

	/* Not an id at all. */
	assert_int_equal(container_meta_lookup(cm, "host", &rec),
	    CONTAINER_META_UNAVAILABLE);
	assert_int_equal(container_meta_lookup(cm, "../../x/json", &rec),
	    CONTAINER_META_UNAVAILABLE);

	container_meta_get_stats(cm, &st);
	assert_int_equal(st.failures, 1);
	assert_int_equal(st.evictions, 0);
	assert_true(st.hits >= 4);
	container_meta_free(cm);
}

static void
test_cache_refresh_chunked(void **state)
{
	struct env *env = *state;
	struct container_meta *cm;
	struct container_rec *rec, *old;
	char *json, *p;

	start_api(env);
	mockapi_set_chunked(env->api, 1);
	cm = new_cm(env, 2000, 16, 5000);
	container_meta_notify_start(cm, PLAIN_ID);
	assert_int_equal(container_meta_wait_idle(cm, 5000), 0);
	assert_int_equal(container_meta_lookup(cm, PLAIN_ID, &old),
	    CONTAINER_META_READY);
	assert_string_equal(old->name, "web");

	/* The container was renamed; a new start refreshes the record. */
	json = slurp("inspect_plain.json", NULL);
	p = strstr(json, "\"/web\"");
	assert_non_null(p);
	memcpy(p, "\"/new\"", 6);
	mockapi_route(env->api, "/v1.41/containers/" PLAIN_ID "/json", 200,
	    json);
	free(json);
	mockapi_set_delay(env->api, 300);
	container_meta_notify_start(cm, PLAIN_ID);
	/* Until the answer comes, the old record is served. */
	assert_int_equal(container_meta_lookup(cm, PLAIN_ID, &rec),
	    CONTAINER_META_READY);
	assert_string_equal(rec->name, "web");
	container_rec_unref(rec);
	assert_int_equal(container_meta_wait_idle(cm, 5000), 0);
	assert_int_equal(container_meta_lookup(cm, PLAIN_ID, &rec),
	    CONTAINER_META_READY);
	assert_string_equal(rec->name, "new");
	assert_string_equal(old->name, "web");
	container_rec_unref(rec);
	container_rec_unref(old);
	container_meta_free(cm);
}

static void
test_cache_eviction(void **state)
{
	struct env *env = *state;
	struct container_meta *cm;
	struct container_meta_stats st;
	struct container_rec *rec;

	start_api(env);
	cm = new_cm(env, 2000, 2, 5000);
	(void)container_meta_lookup(cm, PLAIN_ID, &rec);
	(void)container_meta_lookup(cm, K8S_ID, &rec);
	assert_int_equal(container_meta_wait_idle(cm, 5000), 0);
	/* Touch the first: the second is now the least recently used. */
	assert_int_equal(container_meta_lookup(cm, PLAIN_ID, &rec),
	    CONTAINER_META_READY);
	container_rec_unref(rec);
	(void)container_meta_lookup(cm, SBX_ID, &rec);
	assert_int_equal(container_meta_wait_idle(cm, 5000), 0);
	container_meta_get_stats(cm, &st);
	assert_int_equal(st.entries, 2);
	assert_int_equal(st.evictions, 1);
	assert_int_equal(container_meta_lookup(cm, PLAIN_ID, &rec),
	    CONTAINER_META_READY);
	container_rec_unref(rec);
	assert_int_equal(container_meta_lookup(cm, SBX_ID, &rec),
	    CONTAINER_META_READY);
	container_rec_unref(rec);
	assert_int_equal(container_meta_lookup(cm, K8S_ID, &rec),
	    CONTAINER_META_PENDING);
	container_meta_free(cm);
}

static void
test_slow_runtime_never_blocks(void **state)
{
	struct env *env = *state;
	struct container_meta *cm;
	struct container_rec *rec;
	int64_t t0, worst = 0, d;
	int i, npending = 0;

	start_api(env);
	mockapi_set_delay(env->api, 800);
	cm = new_cm(env, 3000, 16, 5000);
	for (i = 0; i < 200; i++) {
		t0 = mono_us();
		if (container_meta_lookup(cm, PLAIN_ID, &rec) ==
		    CONTAINER_META_PENDING)
			npending++;
		else
			container_rec_unref(rec);
		d = mono_us() - t0;
		if (d > worst)
			worst = d;
		sleep_ms(1);
	}
	/*
	 * The runtime takes 800 ms per answer; every lookup in that time is
	 * pending, and none waited for it (100 ms leaves room for a loaded
	 * machine).
	 */
	assert_true(npending >= 150);
	assert_true(worst < 100000);
	assert_int_equal(container_meta_wait_idle(cm, 5000), 0);
	assert_int_equal(container_meta_lookup(cm, PLAIN_ID, &rec),
	    CONTAINER_META_READY);
	container_rec_unref(rec);
	/* Freeing with a request in flight aborts it promptly. */
	mockapi_set_delay(env->api, 10000);
	container_meta_notify_start(cm, K8S_ID);
	sleep_ms(50);
	t0 = mono_us();
	container_meta_free(cm);
	assert_true(mono_us() - t0 < 2000000);
}

static void
test_silent_runtime_logs_once(void **state)
{
	struct env *env = *state;
	struct container_meta *cm;
	struct container_rec *rec;
	char id[16];
	int64_t t0, worst = 0, d;
	int i;

	start_api(env);
	mockapi_set_silent(env->api, 1);
	env_log_capture(env);
	cm = new_cm(env, 200, 64, 300);
	for (i = 0; i < 30; i++) {
		snprintf(id, sizeof(id), "%012x", 0xabc000 + i);
		t0 = mono_us();
		(void)container_meta_lookup(cm, id, &rec);
		d = mono_us() - t0;
		if (d > worst)
			worst = d;
		assert_null(rec);
		sleep_ms(20);
	}
	assert_int_equal(container_meta_wait_idle(cm, 5000), 0);
	for (i = 0; i < 30; i++) {
		snprintf(id, sizeof(id), "%012x", 0xabc000 + i);
		assert_int_equal(container_meta_lookup(cm, id, &rec),
		    CONTAINER_META_UNAVAILABLE);
	}
	container_meta_free(cm);
	env_log_release(env);
	/* A lookup that waited for the runtime would take 200 ms. */
	assert_true(worst < 100000);
	/* The dead runtime is retried now and then, but logged once. */
	assert_true(mockapi_count(env->api, "/v1.41/containers/") >= 2);
	assert_int_equal(env_log_count(env, "does not answer"), 1);
	assert_int_equal(env_log_count(env, "docker.sock"), 1);
	assert_int_equal(env_log_count(env, "container:"), 2);
}

static void
test_socket_appears_later(void **state)
{
	struct env *env = *state;
	struct container_meta *cm;
	struct container_rec *rec;
	int i;

	env_log_capture(env);
	cm = new_cm(env, 1000, 64, 100);
	for (i = 0; i < 5; i++) {
		(void)container_meta_lookup(cm, PLAIN_ID, &rec);
		assert_null(rec);
		assert_int_equal(container_meta_wait_idle(cm, 5000), 0);
	}
	assert_int_equal(container_meta_lookup(cm, K8S_ID, &rec),
	    CONTAINER_META_PENDING);
	assert_int_equal(container_meta_wait_idle(cm, 5000), 0);
	assert_int_equal(container_meta_lookup(cm, PLAIN_ID, &rec),
	    CONTAINER_META_UNAVAILABLE);

	/* The runtime comes up. */
	start_api(env);
	sleep_ms(150);
	assert_int_equal(container_meta_lookup(cm, PLAIN_ID, &rec),
	    CONTAINER_META_UNAVAILABLE);
	assert_int_equal(container_meta_wait_idle(cm, 5000), 0);
	assert_int_equal(container_meta_lookup(cm, PLAIN_ID, &rec),
	    CONTAINER_META_READY);
	assert_string_equal(rec->name, "web");
	assert_string_equal(rec->type, "docker");
	container_rec_unref(rec);
	container_meta_free(cm);
	env_log_release(env);
	assert_int_equal(env_log_count(env, "no runtime socket at"), 2);
	assert_int_equal(env_log_count(env, "api.sock"), 2);
	assert_int_equal(env_log_count(env, "docker runtime answers at"), 1);
}

static void
test_podman_type(void **state)
{
	struct env *env = *state;
	struct container_meta *cm;
	struct container_rec *rec;

	start_api(env);
	mockapi_route(env->api, "/v1.41/version", 200,
	    "{\"Components\":[{\"Name\":\"Podman Engine\"},"
	    "{\"Name\":\"Conmon\"}],\"Version\":\"4.3.1\"}");
	cm = new_cm(env, 2000, 16, 5000);
	(void)container_meta_lookup(cm, PLAIN_ID, &rec);
	assert_int_equal(container_meta_wait_idle(cm, 5000), 0);
	assert_int_equal(container_meta_lookup(cm, PLAIN_ID, &rec),
	    CONTAINER_META_READY);
	assert_string_equal(rec->type, "podman");
	container_rec_unref(rec);
	container_meta_free(cm);
}

/* --- podman's on-disk records -------------------------------------- */

#define SHORT_ID	\
	"b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6" \
	"f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2"
#define NOBUNDLE_ID	\
	"c0ffee00c0ffee00c0ffee00c0ffee00" \
	"c0ffee00c0ffee00c0ffee00c0ffee00"
#define IMAGELESS_ID	\
	"d00d0000d00d0000d00d0000d00d0000" \
	"d00d0000d00d0000d00d0000d00d0000"
#define SECTEST_IMG	\
	"34d9da13117c4efa9219f584cc8859a5" \
	"80026711029a7f5c7e44f580c512917d"

static void
test_podman_storage_records(void **state)
{
	char *dir = data_path("podman_storage");
	struct container_rec *rec;

	(void)state;
	/* --privileged, found by its full id and by a 12-hex prefix. */
	rec = container_rec_from_podman_storage(dir, SHORT_ID);
	assert_non_null(rec);
	assert_string_equal(rec->full_id, SHORT_ID);
	assert_string_equal(rec->id, "b1c2d3e4f5a6");
	assert_string_equal(rec->type, "podman");
	assert_string_equal(rec->name, "short-lived");
	assert_string_equal(rec->image, "localhost/tools/sectest:1.0");
	assert_string_equal(rec->image_repo, "localhost/tools/sectest");
	assert_string_equal(rec->image_tag, "1.0");
	assert_null(rec->image_digest);
	assert_string_equal(rec->image_id, SECTEST_IMG);
	assert_int_equal(rec->privileged, 1);
	assert_int_equal(rec->nmounts, 0);
	assert_int_equal(rec->nlabels, 0);
	container_rec_unref(rec);
	rec = container_rec_from_podman_storage(dir, "B1C2D3E4F5A6");
	assert_non_null(rec);
	assert_string_equal(rec->full_id, SHORT_ID);
	container_rec_unref(rec);

	/* Annotation "FALSE": not privileged. */
	rec = container_rec_from_podman_storage(dir, PLAIN_ID);
	assert_non_null(rec);
	assert_string_equal(rec->name, "web");
	assert_string_equal(rec->image_repo, "docker.io/library/nginx");
	assert_int_equal(rec->privileged, 0);
	container_rec_unref(rec);

	/*
	 * Incomplete records give nothing rather than a guess: a bundle
	 * config that does not parse (podman still writing it), no image
	 * reference, an id podman does not know, a shorter prefix than 12,
	 * a storage folder that does not exist.
	 */
	assert_null(container_rec_from_podman_storage(dir, NOBUNDLE_ID));
	assert_null(container_rec_from_podman_storage(dir, IMAGELESS_ID));
	assert_null(container_rec_from_podman_storage(dir, K8S_ID));
	assert_null(container_rec_from_podman_storage(dir, "b1c2d3e4f5"));
	assert_null(container_rec_from_podman_storage(dir, "../b1c2d3e4f5a6"));
	assert_null(container_rec_from_podman_storage("/nonexistent",
	    SHORT_ID));
	assert_null(container_rec_from_podman_storage(NULL, SHORT_ID));
	free(dir);
}

/*
 * The disk record answers before a slow API does; the API's answer then
 * replaces it; an API that no longer knows the container (podman run
 * --rm removed it) leaves the disk record in place.
 */
static void
test_cache_disk_first(void **state)
{
	struct env *env = *state;
	struct container_meta_options o;
	struct container_meta_stats st;
	struct container_meta *cm;
	struct container_rec *rec;
	const char *socks[2];
	char *dir = data_path("podman_storage");
	int64_t t0, dt;
	int i;

	start_api(env);
	mockapi_set_delay(env->api, 400);
	socks[0] = env->sock;
	socks[1] = NULL;
	container_meta_options_init(&o);
	o.sockets = socks;
	assert_string_equal(o.podman_storage, "/var/lib/containers/storage");
	o.podman_storage = dir;
	cm = container_meta_new(&o);
	assert_non_null(cm);
	free(dir);

	assert_int_equal(container_meta_lookup(cm, PLAIN_ID, &rec),
	    CONTAINER_META_PENDING);
	/*
	 * The API worker is now waiting for its first answer (400 ms): the
	 * next container's disk record must not wait behind it.
	 */
	sleep_ms(50);
	t0 = mono_us();
	assert_int_equal(container_meta_lookup(cm, SHORT_ID, &rec),
	    CONTAINER_META_PENDING);
	for (i = 0; i < 300; i++) {
		if (container_meta_lookup(cm, SHORT_ID, &rec) ==
		    CONTAINER_META_READY)
			break;
		sleep_ms(1);
	}
	dt = mono_us() - t0;
	assert_non_null(rec);
	assert_true(dt < 300000);
	assert_int_equal(mockapi_count(env->api, "/v1.41/containers/"), 1);
	assert_string_equal(rec->image_repo, "localhost/tools/sectest");
	assert_int_equal(rec->privileged, 1);
	container_rec_unref(rec);
	assert_int_equal(container_meta_lookup(cm, PLAIN_ID, &rec),
	    CONTAINER_META_READY);
	assert_int_equal(rec->nmounts, 0);		/* from disk */
	container_rec_unref(rec);

	assert_int_equal(container_meta_wait_idle(cm, 5000), 0);
	/* The API's record has what the disk does not: mounts, labels. */
	assert_int_equal(container_meta_lookup(cm, PLAIN_ID, &rec),
	    CONTAINER_META_READY);
	assert_string_equal(rec->image_repo, "docker.io/library/nginx");
	assert_int_equal(rec->nmounts, 2);
	assert_string_equal(container_rec_label(rec, "com.example.tier"),
	    "front");
	container_rec_unref(rec);
	/* Unknown to the API (404): the disk record stays. */
	assert_int_equal(mockapi_count(env->api,
	    "/v1.41/containers/" SHORT_ID), 1);
	assert_int_equal(container_meta_lookup(cm, SHORT_ID, &rec),
	    CONTAINER_META_READY);
	assert_string_equal(rec->name, "short-lived");
	assert_int_equal(rec->privileged, 1);
	container_rec_unref(rec);
	/* Known to neither: unavailable, as without the disk records. */
	assert_int_equal(container_meta_lookup(cm, "0123456789ab", &rec),
	    CONTAINER_META_PENDING);
	assert_int_equal(container_meta_wait_idle(cm, 5000), 0);
	assert_int_equal(container_meta_lookup(cm, "0123456789ab", &rec),
	    CONTAINER_META_UNAVAILABLE);
	container_meta_get_stats(cm, &st);
	assert_int_equal(st.disk_answers, 2);
	container_meta_free(cm);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_image_refs),
		cmocka_unit_test(test_inspect_plain),
		cmocka_unit_test(test_inspect_k8s_privileged),
		cmocka_unit_test(test_inspect_sandbox),
		cmocka_unit_test(test_inspect_image_docs),
		cmocka_unit_test(test_inspect_refused),
		cmocka_unit_test_setup_teardown(test_cache_pending_ready,
		    env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(test_cache_refresh_chunked,
		    env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(test_cache_eviction,
		    env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(test_slow_runtime_never_blocks,
		    env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(test_silent_runtime_logs_once,
		    env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(test_socket_appears_later,
		    env_setup, env_teardown),
		cmocka_unit_test_setup_teardown(test_podman_type,
		    env_setup, env_teardown),
		cmocka_unit_test(test_podman_storage_records),
		cmocka_unit_test_setup_teardown(test_cache_disk_first,
		    env_setup, env_teardown),
	};

	log_init("test_container", LOG_INFO, 1, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
