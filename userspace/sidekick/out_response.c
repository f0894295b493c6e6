/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Automated response.
 *
 * containerresponse: for alerts whose rule is listed (or any rule when
 * the list is empty) at or above its minimum priority (critical unless
 * set), saves the container's inspect JSON to the forensics folder, then
 * pauses, stops or kills the container through the Docker-compatible API
 * on a unix socket (Docker, Podman).  Every decision is appended to a
 * JSON-lines record file.
 *
 * program: runs a configured executable (no shell) with the alert JSON
 * on its stdin, killing it after a timeout.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "sidekick/alert.h"
#include "sidekick/config.h"
#include "sidekick/httpc.h"
#include "sidekick/net.h"
#include "sidekick/output.h"
#include "sidekick/outputs.h"
#include "sidekick/prio.h"
#include "util/json.h"
#include "util/log.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"

static int
rule_listed(char **rules, const char *rule)
{
	size_t i;

	if (rules == NULL || rules[0] == NULL)
		return 1;
	for (i = 0; rules[i] != NULL; i++)
		if (strcmp(rules[i], rule) == 0)
			return 1;
	return 0;
}

/* Container response. */

enum action { A_PAUSE, A_STOP, A_KILL, A_NONE };

static const char *const action_names[] = { "pause", "stop", "kill", "none" };

struct cresp {
	struct sk_http	*http;
	char		*socket;
	enum action	 action;
	char		**rules;
	char		*forensics;
	char		*logfile;
	long		 stoptimeout;
	char		*signal;
};

static void
cresp_free(void *arg)
{
	struct cresp *r = arg;

	sk_http_free(r->http);
	free(r->socket);
	sk_conf_strv_free(r->rules);
	free(r->forensics);
	free(r->logfile);
	free(r->signal);
	free(r);
}

static int
cresp_match(void *arg, const struct sk_alert *a)
{
	struct cresp *r = arg;

	return rule_listed(r->rules, a->rule);
}

/* Container ids and names as the runtimes allow them: no URL tricks. */
static int
valid_container(const char *id)
{
	size_t n = 0;

	for (; id[n] != '\0'; n++)
		if (!isalnum((unsigned char)id[n]) && id[n] != '_' &&
		    id[n] != '.' && id[n] != '-')
			return 0;
	return n > 0 && n <= 128;
}

static const char *
container_of(const struct sk_alert *a)
{
	static const char *const keys[] = { "container.id", "container_id" };
	struct json_object *v;
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		v = sk_alert_field(a, keys[i], NULL);
		if (v != NULL && json_object_is_type(v, json_type_string))
			return json_object_get_string(v);
	}
	return NULL;
}

static void
record(struct cresp *r, const struct sk_alert *a, const char *cid,
    const char *status, long http, const char *forensics, const char *msg)
{
	struct sbuf sb = SBUF_INIT;
	struct timespec ts;
	struct tm tm;
	char now[48];
	int fd;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%S", &tm);
	sbuf_printf(&sb, "{\"time\":\"%s.%09ldZ\",\"uuid\":", now,
	    ts.tv_nsec);
	json_put_str(&sb, a->uuid);
	sbuf_puts(&sb, ",\"rule\":");
	json_put_str(&sb, a->rule);
	sbuf_puts(&sb, ",\"priority\":");
	json_put_str(&sb, sk_prio_name(a->prio));
	sbuf_puts(&sb, ",\"container_id\":");
	json_put_str(&sb, cid != NULL ? cid : "");
	sbuf_puts(&sb, ",\"action\":");
	json_put_str(&sb, action_names[r->action]);
	sbuf_puts(&sb, ",\"status\":");
	json_put_str(&sb, status);
	sbuf_printf(&sb, ",\"http_status\":%ld,\"forensics\":", http);
	json_put_str(&sb, forensics != NULL ? forensics : "");
	sbuf_puts(&sb, ",\"message\":");
	json_put_str(&sb, msg != NULL ? msg : "");
	sbuf_puts(&sb, "}\n");
	log_notice("containerresponse: %s %s for rule \"%s\": %s%s%s",
	    action_names[r->action], cid != NULL ? cid : "-", a->rule,
	    status, msg != NULL && *msg != '\0' ? ": " : "",
	    msg != NULL ? msg : "");
	fd = open(r->logfile, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0600);
	if (fd < 0 || sk_net_write_all(fd, sb.buf, sb.len) != 0)
		log_err("containerresponse: cannot write %s: %s", r->logfile,
		    strerror(errno));
	if (fd >= 0)
		close(fd);
	sbuf_free(&sb);
}

static int
save_file(const char *path, const char *data, size_t len)
{
	int fd, rc;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	rc = sk_net_write_all(fd, data, len);
	if (close(fd) != 0)
		rc = -1;
	return rc;
}

/*
 * Whether the inspect JSON shows the container already where the action
 * would take it: paused for pause, not running for stop and kill.  The
 * runtimes disagree on the answer to a repeated action (Docker 304 or
 * 409, Podman 500 "container state improper"), so the state is read
 * instead of guessing from the status.
 */
static int
already_done(enum action act, const char *inspect)
{
	struct json_object *root, *state, *v;
	int rc = 0;

	if ((root = json_tokener_parse(inspect)) == NULL)
		return 0;
	if (json_object_object_get_ex(root, "State", &state) &&
	    json_object_is_type(state, json_type_object)) {
		if (act == A_PAUSE &&
		    json_object_object_get_ex(state, "Paused", &v) &&
		    json_object_is_type(v, json_type_boolean))
			rc = json_object_get_boolean(v);
		else if ((act == A_STOP || act == A_KILL) &&
		    json_object_object_get_ex(state, "Running", &v) &&
		    json_object_is_type(v, json_type_boolean))
			rc = !json_object_get_boolean(v);
	}
	json_object_put(root);
	return rc;
}

static enum sk_send
cresp_send(void *arg, const struct sk_alert *a, struct sbuf *err)
{
	struct cresp *r = arg;
	struct sbuf url = SBUF_INIT, body = SBUF_INIT, e2 = SBUF_INIT;
	struct sk_http_req req;
	char *fpath = NULL;
	const char *cid = container_of(a);
	enum sk_send rc;
	long status = 0;

	if (cid == NULL || strcmp(cid, "host") == 0 || !valid_container(cid)) {
		record(r, a, cid, "skipped", 0, NULL,
		    cid == NULL ? "alert has no container id" :
		    strcmp(cid, "host") == 0 ? "alert is from the host" :
		    "invalid container id");
		return SK_SEND_OK;
	}

	/* Forensics first: the state before we touch the container. */
	memset(&req, 0, sizeof(req));
	sbuf_printf(&url, "http://localhost/containers/%s/json", cid);
	req.method = "GET";
	req.url = sbuf_str(&url);
	req.resp = &body;
	rc = sk_http_do(r->http, &req, &status, err);
	if (rc == SK_SEND_RETRY && status == 0) {
		/* The runtime's socket is not answering: try again later. */
		goto out;
	}
	if (rc != SK_SEND_OK) {
		record(r, a, cid, "failed", status, NULL, status == 404 ?
		    "no such container" : sbuf_str(err));
		goto out;
	}
	xasprintf(&fpath, "%s/%s-%s.json", r->forensics, cid, a->uuid);
	if (save_file(fpath, body.buf, body.len) != 0) {
		log_err("containerresponse: cannot write %s: %s", fpath,
		    strerror(errno));
		free(fpath);
		fpath = NULL;
	}
	if (r->action == A_NONE) {
		record(r, a, cid, "done", status, fpath, "inspected only");
		goto out;
	}
	if (already_done(r->action, sbuf_str(&body))) {
		record(r, a, cid, "done", status, fpath,
		    "container already in that state");
		goto out;
	}

	sbuf_reset(&url);
	sbuf_printf(&url, "http://localhost/containers/%s/%s", cid,
	    action_names[r->action]);
	if (r->action == A_STOP)
		sbuf_printf(&url, "?t=%ld", r->stoptimeout);
	else if (r->action == A_KILL && r->signal[0] != '\0')
		sbuf_printf(&url, "?signal=%s", r->signal);
	memset(&req, 0, sizeof(req));
	req.method = "POST";
	req.url = sbuf_str(&url);
	req.resp = NULL;
	sbuf_reset(err);
	rc = sk_http_do(r->http, &req, &status, &e2);
	if (rc == SK_SEND_OK)
		record(r, a, cid, "done", status, fpath, NULL);
	else if (status == 304 || status == 409) {
		/* Already paused or stopped: the goal is reached. */
		record(r, a, cid, "done", status, fpath,
		    "container already in that state");
		rc = SK_SEND_OK;
	} else if (rc == SK_SEND_RETRY && status == 0) {
		sbuf_puts(err, sbuf_str(&e2));
	} else {
		record(r, a, cid, "failed", status, fpath, status == 404 ?
		    "no such container" : sbuf_str(&e2));
		sbuf_puts(err, sbuf_str(&e2));
		rc = SK_SEND_FAIL;
	}
out:
	free(fpath);
	sbuf_free(&url);
	sbuf_free(&body);
	sbuf_free(&e2);
	return rc;
}

static const struct sk_output_ops cresp_ops = {
	cresp_send, cresp_match, cresp_free, NULL,
};

int
sk_out_container(const struct sk_build *b, struct sk_output ***outs,
    size_t *n, char *err, size_t errlen)
{
	const struct sk_conf *c = b->conf;
	const char *act;
	struct cresp *r;
	size_t i;
	int on, prio;

	if (sk_conf_bool(c, "containerresponse.enabled", 0, &on, err,
	    errlen) != 0)
		return -1;
	if (!on)
		return 0;
	r = xcalloc(1, sizeof(*r));
	r->socket = xstrdup(sk_conf_str(c, "containerresponse.socket",
	    "/var/run/docker.sock"));
	r->forensics = xstrdup(sk_conf_str(c, "containerresponse.forensicsdir",
	    "/var/lib/falcosidekick/forensics"));
	r->logfile = xstrdup(sk_conf_str(c, "containerresponse.logfile",
	    "/var/log/falcosidekick-response.log"));
	r->signal = xstrdup(sk_conf_str(c, "containerresponse.signal",
	    "SIGKILL"));
	sk_conf_list(c, "containerresponse.rules", &r->rules);
	act = sk_conf_str(c, "containerresponse.action", "pause");
	for (i = 0; i < sizeof(action_names) / sizeof(action_names[0]); i++)
		if (strcasecmp(act, action_names[i]) == 0)
			break;
	if (i == sizeof(action_names) / sizeof(action_names[0])) {
		sk_conf_fail(c, "containerresponse.action", err, errlen,
		    "'%s' is not pause, stop, kill or none", act);
		cresp_free(r);
		return -1;
	}
	r->action = (enum action)i;
	for (i = 0; r->signal[i] != '\0'; i++)
		if (!isalnum((unsigned char)r->signal[i])) {
			sk_conf_fail(c, "containerresponse.signal", err,
			    errlen, "'%s' is not a signal name", r->signal);
			cresp_free(r);
			return -1;
		}
	if (sk_conf_int(c, "containerresponse.stoptimeout", 10,
	    &r->stoptimeout, err, errlen) != 0 ||
	    sk_conf_prio(c, "containerresponse", SK_PRIO_CRITICAL, &prio, err,
	    errlen) != 0) {
		cresp_free(r);
		return -1;
	}
	if (sk_mkdir_p(r->forensics) != 0) {
		snprintf(err, errlen, "containerresponse.forensicsdir: cannot "
		    "create %s: %s", r->forensics, strerror(errno));
		cresp_free(r);
		return -1;
	}
	r->http = sk_http_new(NULL, b->delivery->timeout_ms, r->socket, 1);
	if (r->http == NULL) {
		snprintf(err, errlen, "containerresponse: no HTTP client");
		cresp_free(r);
		return -1;
	}
	sk_outputs_add(outs, n, sk_output_new("containerresponse", &cresp_ops,
	    r, prio, b->delivery));
	return 0;
}

/* Program. */

struct prog {
	char	**argv;		/* path, then args */
	char	**rules;
	long	 timeout_ms;
};

static void
prog_free(void *arg)
{
	struct prog *p = arg;

	sk_conf_strv_free(p->argv);
	sk_conf_strv_free(p->rules);
	free(p);
}

static int
prog_match(void *arg, const struct sk_alert *a)
{
	struct prog *p = arg;

	return rule_listed(p->rules, a->rule);
}

static long
ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 +
	    (t.tv_nsec - t0->tv_nsec) / 1000000;
}

static enum sk_send
prog_send(void *arg, const struct sk_alert *a, struct sbuf *err)
{
	struct prog *p = arg;
	struct timespec t0, nap = { 0, 5 * 1000000L };
	int fds[2], status = 0, done = 0;
	size_t off = 0;
	pid_t pid, w;

	if (pipe2(fds, O_CLOEXEC) != 0) {
		sbuf_printf(err, "program: pipe: %s", strerror(errno));
		return SK_SEND_RETRY;
	}
	pid = fork();
	if (pid < 0) {
		sbuf_printf(err, "program: fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return SK_SEND_RETRY;
	}
	if (pid == 0) {
		sigset_t none;

		/* Own process group, so a timeout kills its children too. */
		setpgid(0, 0);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		if (dup2(fds[0], 0) < 0 || dup2(2, 1) < 0)
			_exit(126);
		execv(p->argv[0], p->argv);
		_exit(127);
	}
	setpgid(pid, pid);
	close(fds[0]);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	fcntl(fds[1], F_SETFL, O_NONBLOCK);
	/* Feed the alert; a program that does not read it is not waited on. */
	while (off <= a->jsonlen && ms_since(&t0) < p->timeout_ms) {
		const char *buf = off < a->jsonlen ? a->json + off : "\n";
		size_t len = off < a->jsonlen ? a->jsonlen - off : 1;
		struct pollfd pf = { fds[1], POLLOUT, 0 };
		ssize_t wr;

		wr = write(fds[1], buf, len);
		if (wr > 0) {
			off += (size_t)wr;
			continue;
		}
		if (wr < 0 && errno != EAGAIN && errno != EINTR)
			break;		/* EPIPE: it closed stdin */
		poll(&pf, 1, 50);
	}
	close(fds[1]);
	while (ms_since(&t0) < p->timeout_ms) {
		w = waitpid(pid, &status, WNOHANG);
		if (w == pid) {
			done = 1;
			break;
		}
		nanosleep(&nap, NULL);
	}
	if (!done) {
		kill(-pid, SIGKILL);
		waitpid(pid, &status, 0);
		sbuf_printf(err, "program %s: killed after %ld ms", p->argv[0],
		    p->timeout_ms);
		return SK_SEND_FAIL;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		log_info("program %s: alert %s handled", p->argv[0], a->uuid);
		return SK_SEND_OK;
	}
	if (WIFEXITED(status))
		sbuf_printf(err, "program %s: exit status %d", p->argv[0],
		    WEXITSTATUS(status));
	else
		sbuf_printf(err, "program %s: killed by signal %d",
		    p->argv[0], WTERMSIG(status));
	return SK_SEND_FAIL;
}

static const struct sk_output_ops prog_ops = {
	prog_send, prog_match, prog_free, NULL,
};

int
sk_out_program(const struct sk_build *b, struct sk_output ***outs,
    size_t *n, char *err, size_t errlen)
{
	const struct sk_conf *c = b->conf;
	const char *path = sk_conf_str(c, "program.path", "");
	struct prog *p;
	char **args;
	size_t na, i;
	long secs;
	int prio;

	if (*path == '\0')
		return 0;
	if (path[0] != '/' || access(path, X_OK) != 0) {
		sk_conf_fail(c, "program.path", err, errlen,
		    "'%s' is not an executable absolute path", path);
		return -1;
	}
	if (sk_conf_int(c, "program.timeout", 10, &secs, err, errlen) != 0 ||
	    sk_conf_prio(c, "program", SK_PRIO_NONE, &prio, err, errlen) != 0)
		return -1;
	if (secs <= 0) {
		sk_conf_fail(c, "program.timeout", err, errlen,
		    "must be a positive number of seconds");
		return -1;
	}
	p = xcalloc(1, sizeof(*p));
	p->timeout_ms = secs * 1000;
	na = sk_conf_list(c, "program.args", &args);
	p->argv = xcalloc(na + 2, sizeof(*p->argv));
	p->argv[0] = xstrdup(path);
	for (i = 0; i < na; i++)
		p->argv[i + 1] = args[i];
	free(args);
	sk_conf_list(c, "program.rules", &p->rules);
	sk_outputs_add(outs, n, sk_output_new("program", &prog_ops, p, prio,
	    b->delivery));
	return 0;
}
