/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The embedded webserver on 127.0.0.1: /healthz, /versions and /metrics
 * scraped with libcurl, the Prometheus text parsed back line by line,
 * HTTPS with one combined PEM, and the metrics registry itself.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <json-c/json.h>

#include "config/config.h"
#include "outputs/outputs.h"
#include "util/log.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"
#include "webserver/metrics.h"
#include "webserver/webserver.h"

struct reply {
	long		 status;
	char		*ctype;
	struct sbuf	 body;
};

static size_t
collect_body(char *p, size_t size, size_t n, void *arg)
{
	sbuf_put(arg, p, size * n);
	return size * n;
}

/* One request with libcurl; method NULL means GET. */
static int
request(const char *url, const char *method, const char *cainfo,
    struct reply *r)
{
	CURL *c = curl_easy_init();
	char *ct = NULL;
	CURLcode rc;

	memset(r, 0, sizeof(*r));
	sbuf_puts(&r->body, "");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 5000L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &r->body);
	if (method != NULL)
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (cainfo != NULL)
		curl_easy_setopt(c, CURLOPT_CAINFO, cainfo);
	rc = curl_easy_perform(c);
	if (rc == CURLE_OK) {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
		curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct);
		r->ctype = xstrdup(ct != NULL ? ct : "");
	}
	curl_easy_cleanup(c);
	return rc == CURLE_OK ? 0 : -1;
}

static void
reply_free(struct reply *r)
{
	free(r->ctype);
	sbuf_free(&r->body);
}

static char *
url_of(struct webserver *ws, const char *scheme, const char *path)
{
	char *u;

	xasprintf(&u, "%s://127.0.0.1:%u%s", scheme, webserver_port(ws),
	    path);
	return u;
}

/* GET http://...path into *r (the caller frees it with reply_free()). */
static void
get(struct webserver *ws, const char *path, struct reply *r)
{
	char *u = url_of(ws, "http", path);

	assert_int_equal(request(u, NULL, NULL, r), 0);
	free(u);
}

/* GET http://...path and check the HTTP status only. */
static void
assert_status(struct webserver *ws, const char *path, long status)
{
	struct reply r;

	get(ws, path, &r);
	assert_int_equal(r.status, status);
	reply_free(&r);
}

static void
local_opts(struct webserver_options *o)
{
	webserver_options_defaults(o);
	o->enabled = 1;
	o->listen_port = 0;
	o->listen_address = "127.0.0.1";
	o->threadiness = 2;
}

/*
 * A parsed Prometheus sample: name, label text (as written, between the
 * braces) and value.
 */
struct sample {
	char	 name[128];
	char	 labels[512];
	double	 value;
};

/*
 * Parse the exposition text: every line is a HELP or TYPE comment or a
 * sample; every sample's family has a TYPE line before it.  Fails the
 * test on anything else.  Returns the samples.
 */
static struct sample *
parse_prometheus(const char *text, size_t *np)
{
	struct sample *v = NULL;
	char typed[64][128];
	size_t n = 0, ntyped = 0, i, k;
	const char *line = text, *eol, *p;
	char buf[1024], *end;

	while (*line != '\0') {
		eol = strchr(line, '\n');
		assert_non_null(eol);
		assert_true((size_t)(eol - line) < sizeof(buf));
		memcpy(buf, line, (size_t)(eol - line));
		buf[eol - line] = '\0';
		line = eol + 1;
		if (strncmp(buf, "# HELP ", 7) == 0)
			continue;
		if (strncmp(buf, "# TYPE ", 7) == 0) {
			p = strchr(buf + 7, ' ');
			assert_non_null(p);
			assert_true(strcmp(p + 1, "counter") == 0 ||
			    strcmp(p + 1, "gauge") == 0);
			assert_true(ntyped < 64);
			snprintf(typed[ntyped++], sizeof(typed[0]), "%.*s",
			    (int)(p - (buf + 7)), buf + 7);
			continue;
		}
		v = xreallocarray(v, n + 1, sizeof(*v));
		memset(&v[n], 0, sizeof(v[n]));
		for (p = buf, k = 0; isalnum((unsigned char)*p) || *p == '_' ||
		    *p == ':'; p++)
			v[n].name[k++] = *p;
		assert_true(k > 0);
		if (*p == '{') {
			/* Labels: k="v" pairs; values may hold \" escapes. */
			k = 0;
			for (p++; *p != '}'; p++) {
				assert_true(*p != '\0');
				if (*p == '\\') {
					v[n].labels[k++] = *p++;
					assert_true(*p == '"' || *p == '\\' ||
					    *p == 'n');
				}
				v[n].labels[k++] = *p;
			}
			p++;
		}
		assert_int_equal(*p, ' ');
		v[n].value = strtod(p + 1, &end);
		assert_true(end != p + 1 && *end == '\0');
		for (i = 0; i < ntyped; i++)
			if (strcmp(typed[i], v[n].name) == 0)
				break;
		if (i == ntyped)
			fail_msg("sample %s has no TYPE line", v[n].name);
		n++;
	}
	*np = n;
	return v;
}

static const struct sample *
find_sample(const struct sample *v, size_t n, const char *name,
    const char *labels)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0 &&
		    strcmp(v[i].labels, labels) == 0)
			return &v[i];
	return NULL;
}

static void
emit_odd_labels(void *arg, struct metrics_sink *sink)
{
	const char *l1[] = { "rule", "Say \"hi\"\\now", NULL };
	const char *l2[] = { "rule", "plain", "priority", "4", NULL };

	metrics_emit(sink, l1, 3);
	metrics_emit(sink, l2, 0.5);
}

static void
test_endpoints(void **state)
{
	struct webserver_options o;
	struct webserver *ws;
	struct reply r;
	struct json_object *j;
	char *u, *err = NULL;

	local_opts(&o);
	ws = webserver_start(&o, NULL, &err);
	if (ws == NULL)
		fail_msg("%s", err);
	assert_true(webserver_port(ws) > 0);

	u = url_of(ws, "http", "/healthz");
	assert_int_equal(request(u, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.ctype, "application/json");
	assert_string_equal(r.body.buf, "{\"status\": \"ok\"}");
	reply_free(&r);
	/* Only GET and HEAD. */
	assert_int_equal(request(u, "POST", NULL, &r), 0);
	assert_int_equal(r.status, 405);
	reply_free(&r);
	free(u);

	get(ws, "/versions", &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.ctype, "application/json");
	j = json_tokener_parse(r.body.buf);
	assert_non_null(j);
	assert_string_equal(json_object_get_string(json_object_object_get(j,
	    "falco_version")), FALCO_VERSION);
	json_object_put(j);
	reply_free(&r);

	/* /metrics is off unless enabled. */
	assert_status(ws, "/metrics", 404);
	webserver_stop(ws);

	/* A custom health path and versions document. */
	o.healthz_path = "/ready";
	o.versions_json = "{\"falco_version\":\"9.9.9\","
	    "\"engine_version\":\"63\"}";
	ws = webserver_start(&o, NULL, &err);
	assert_non_null(ws);
	assert_status(ws, "/ready", 200);
	assert_status(ws, "/healthz", 404);
	get(ws, "/versions", &r);
	assert_string_equal(r.body.buf, o.versions_json);
	reply_free(&r);
	webserver_stop(ws);
}

/* Visitor for metrics_foreach(): counts samples and sums one family. */
struct visit {
	int	 n;
	double	 rules_sum;
	int	 labelled;
};

static void
visit_sample(void *arg, const char *name, const char *const *labels,
    double value)
{
	struct visit *v = arg;

	v->n++;
	if (strcmp(name, "falcosecurity_falco_rules_matches_total") == 0) {
		v->rules_sum += value;
		if (labels != NULL && strcmp(labels[0], "rule") == 0)
			v->labelled++;
	}
}

static void
test_metrics_scrape(void **state)
{
	struct webserver_options o;
	struct outputs_options oo;
	struct webserver *ws;
	struct outputs *out;
	struct metrics *m = metrics_new();
	struct sample *v;
	const struct sample *s;
	struct alert *a;
	struct reply r;
	size_t n;
	int fds[2], i;
	char *u, *err = NULL, owner;

	/* Burn a little CPU so the usage ratio is above zero. */
	for (i = 0, n = 0; i < 20000000; i++)
		n += (size_t)i * 7 % 13;
	assert_true(n > 0);
	metrics_add_process(m, FALCO_VERSION);
	assert_int_equal(metrics_add_family(m, "falcosecurity_falco_"
	    "rules_matches_total", "Rule matches.", METRIC_COUNTER,
	    emit_odd_labels, &owner), 0);
	/* Names are checked and unique. */
	assert_int_equal(metrics_add_family(m, "falcosecurity_falco_"
	    "rules_matches_total", "", METRIC_COUNTER, emit_odd_labels,
	    &owner), -1);
	assert_int_equal(metrics_add_family(m, "bad name", "",
	    METRIC_GAUGE, emit_odd_labels, &owner), -1);

	assert_int_equal(pipe(fds), 0);
	outputs_options_defaults(&oo);
	oo.stdout_enabled = 1;
	oo.stdout_fd = fds[1];
	oo.fmt.hostname = "h";
	out = outputs_new(&oo, &err);
	assert_non_null(out);
	assert_int_equal(outputs_start(out), 0);
	outputs_register_metrics(out, m);
	for (i = 0; i < 3; i++) {
		a = alert_new(1, ALERT_ERROR, "r", "syscall");
		outputs_submit(out, a);
		alert_free(a);
	}
	assert_int_equal(outputs_drain(out, 3000), 0);

	local_opts(&o);
	o.prometheus_metrics = 1;
	ws = webserver_start(&o, m, &err);
	assert_non_null(ws);
	u = url_of(ws, "http", "/metrics");
	assert_int_equal(request(u, NULL, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.ctype, "text/plain; version=0.0.4");
	v = parse_prometheus(r.body.buf, &n);
	assert_true(n >= 10);
	s = find_sample(v, n, "falcosecurity_falco_version_info",
	    "version=\"" FALCO_VERSION "\"");
	assert_non_null(s);
	assert_true(s->value == 1);
	s = find_sample(v, n, "falcosecurity_falco_memory_rss_bytes", "");
	assert_non_null(s);
	assert_true(s->value > 1024 * 1024);
	s = find_sample(v, n, "falcosecurity_falco_memory_vsz_bytes", "");
	assert_non_null(s);
	assert_true(s->value > 1024 * 1024);
	s = find_sample(v, n, "falcosecurity_falco_cpu_usage_ratio", "");
	assert_non_null(s);
	assert_true(s->value > 0 && s->value <= 1.0);
	s = find_sample(v, n, "falcosecurity_falco_host_num_cpus", "");
	assert_non_null(s);
	assert_true(s->value == (double)sysconf(_SC_NPROCESSORS_ONLN));
	s = find_sample(v, n, "falcosecurity_falco_outputs_delivered_total",
	    "channel=\"stdout\"");
	assert_non_null(s);
	assert_true(s->value == 3);
	s = find_sample(v, n,
	    "falcosecurity_falco_outputs_queue_num_drops_total", "");
	assert_non_null(s);
	assert_true(s->value == 0);
	s = find_sample(v, n, "falcosecurity_falco_rules_matches_total",
	    "rule=\"Say \\\"hi\\\"\\\\now\"");
	assert_non_null(s);
	assert_true(s->value == 3);
	s = find_sample(v, n, "falcosecurity_falco_rules_matches_total",
	    "rule=\"plain\",priority=\"4\"");
	assert_non_null(s);
	assert_true(s->value == 0.5);
	{
		struct visit vis = { 0, 0, 0 };

		metrics_foreach(m, visit_sample, &vis);
		assert_int_equal(vis.n, (int)n);
		assert_true(vis.rules_sum == 3.5);
		assert_int_equal(vis.labelled, 2);
	}
	free(v);
	reply_free(&r);

	/* An owner that goes away takes its families along. */
	metrics_remove_owner(m, out);
	outputs_free(out);
	assert_int_equal(request(u, NULL, NULL, &r), 0);
	assert_null(strstr(r.body.buf, "outputs_delivered"));
	assert_non_null(strstr(r.body.buf, "rules_matches_total"));
	reply_free(&r);
	free(u);
	webserver_stop(ws);
	metrics_free(m);
	close(fds[0]);
	close(fds[1]);
}

static void
test_start_errors(void **state)
{
	struct webserver_options o;
	struct webserver *ws, *ws2;
	char *err = NULL;

	local_opts(&o);
	ws = webserver_start(&o, NULL, &err);
	assert_non_null(ws);
	/* The same port twice. */
	o.listen_port = webserver_port(ws);
	assert_null(webserver_start(&o, NULL, &err));
	assert_non_null(strstr(err, "cannot listen on 127.0.0.1 port"));
	free(err);
	webserver_stop(ws);
	local_opts(&o);
	o.listen_address = "localhost";
	assert_null(webserver_start(&o, NULL, &err));
	assert_non_null(strstr(err, "is not a numeric IPv4 or IPv6"));
	free(err);
	local_opts(&o);
	o.ssl_enabled = 1;
	o.ssl_certificate = "/nonexistent/falco.pem";
	assert_null(webserver_start(&o, NULL, &err));
	assert_non_null(strstr(err, "cannot open /nonexistent/falco.pem"));
	free(err);
	/* IPv6 loopback works too, where the host has it. */
	local_opts(&o);
	o.listen_address = "::1";
	ws2 = webserver_start(&o, NULL, &err);
	if (ws2 == NULL)
		free(err);
	webserver_stop(ws2);
}

static void
test_ssl_combined_pem(void **state)
{
	char dir[] = "/tmp/test_webserver.XXXXXX";
	struct webserver_options o;
	struct webserver *ws;
	struct reply r;
	char *cmd, *pem, *crt, *key, *u, *err = NULL;

	assert_non_null(mkdtemp(dir));
	xasprintf(&key, "%s/key.pem", dir);
	xasprintf(&crt, "%s/crt.pem", dir);
	xasprintf(&pem, "%s/falco.pem", dir);
	xasprintf(&cmd, "openssl req -x509 -newkey ec -pkeyopt "
	    "ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=127.0.0.1 "
	    "-addext subjectAltName=IP:127.0.0.1 -keyout '%s' -out '%s' "
	    ">/dev/null 2>&1 && cat '%s' '%s' > '%s'", key, crt, key, crt,
	    pem);
	if (system(cmd) != 0) {
		free(cmd);
		print_message("openssl cannot make a test certificate\n");
		skip();
	}
	free(cmd);
	local_opts(&o);
	o.ssl_enabled = 1;
	o.ssl_certificate = pem;
	ws = webserver_start(&o, NULL, &err);
	if (ws == NULL)
		fail_msg("%s", err);
	u = url_of(ws, "https", "/healthz");
	assert_int_equal(request(u, NULL, crt, &r), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body.buf, "{\"status\": \"ok\"}");
	reply_free(&r);
	free(u);
	/* Plain HTTP to the TLS port does not get an answer. */
	u = url_of(ws, "http", "/healthz");
	assert_true(request(u, NULL, NULL, &r) != 0 || r.status != 200);
	reply_free(&r);
	free(u);
	webserver_stop(ws);
	/* A PEM without a key is refused. */
	o.ssl_certificate = crt;
	assert_null(webserver_start(&o, NULL, &err));
	assert_non_null(strstr(err, "must hold a private key and a "
	    "certificate"));
	free(err);
	xasprintf(&cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(key);
	free(crt);
	free(pem);
}

static void
test_options_from_config(void **state)
{
	static const char yaml[] =
	    "webserver:\n"
	    "  enabled: true\n"
	    "  listen_port: 9376\n"
	    "  listen_address: 127.0.0.1\n"
	    "  k8s_healthz_endpoint: /hz\n"
	    "  prometheus_metrics_enabled: true\n"
	    "  threadiness: 3\n"
	    "metrics:\n"
	    "  enabled: false\n";
	struct webserver_options o;
	struct config *cfg = config_new();
	char *opts[] = { "metrics.enabled=true" };
	char *err = NULL;

	assert_int_equal(config_load_string(cfg, yaml, sizeof(yaml) - 1,
	    "t.yaml", NULL, 0, 0, &err), 0);
	webserver_options_from_config(&o, cfg);
	assert_true(o.enabled);
	assert_int_equal(o.listen_port, 9376);
	assert_int_equal(o.threadiness, 3);
	assert_string_equal(o.healthz_path, "/hz");
	/* Prometheus needs metrics.enabled too. */
	assert_false(o.prometheus_metrics);
	assert_int_equal(config_load_string(cfg, yaml, sizeof(yaml) - 1,
	    "t.yaml", opts, 1, 0, &err), 0);
	webserver_options_from_config(&o, cfg);
	assert_true(o.prometheus_metrics);
	config_free(cfg);
}

static double
value_seven(void *arg)
{
	return 7;
}

/* The exact text of one family: HELP keeps '"', label values escape it. */
static void
test_render_escapes(void **state)
{
	const char *labels[] = { "path", "C:\\tmp\n\"x\"", NULL };
	struct metrics *m = metrics_new();
	struct sbuf sb = SBUF_INIT;

	assert_int_equal(metrics_add(m, "t_escapes", "Say \"a\\b\"\nnext",
	    METRIC_GAUGE, labels, value_seven, NULL), 0);
	metrics_render(m, &sb);
	assert_string_equal(sbuf_str(&sb),
	    "# HELP t_escapes Say \"a\\\\b\"\\nnext\n"
	    "# TYPE t_escapes gauge\n"
	    "t_escapes{path=\"C:\\\\tmp\\n\\\"x\\\"\"} 7\n");
	sbuf_free(&sb);
	metrics_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_endpoints),
		cmocka_unit_test(test_metrics_scrape),
		cmocka_unit_test(test_start_errors),
		cmocka_unit_test(test_ssl_combined_pem),
		cmocka_unit_test(test_options_from_config),
		cmocka_unit_test(test_render_escapes),
	};

	log_init("test_webserver", LOG_CRIT, 1, 0);
	curl_global_init(CURL_GLOBAL_ALL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
