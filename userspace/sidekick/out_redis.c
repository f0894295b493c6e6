/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Redis: each alert's JSON pushed onto a list (RPUSH, the default),
 * stored in a hash under its UUID (HSET, storagetype "hashmap"), or
 * appended to a stream (XADD, storagetype "stream").  The client speaks
 * RESP itself over one kept-open TCP connection.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sidekick/alert.h"
#include "sidekick/config.h"
#include "sidekick/net.h"
#include "sidekick/output.h"
#include "sidekick/outputs.h"
#include "sidekick/prio.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"

enum rtype { R_LIST, R_HASH, R_STREAM };

struct redis {
	char		*host;
	char		*port;
	char		*username;
	char		*password;
	long		 db;
	char		*key;
	enum rtype	 type;
	long		 timeout_ms;
	int		 fd;
};

static void
redis_free(void *arg)
{
	struct redis *r = arg;

	if (r->fd >= 0)
		close(r->fd);
	free(r->host);
	free(r->port);
	free(r->username);
	free(r->password);
	free(r->key);
	free(r);
}

static void
resp_cmd(struct sbuf *sb, int argc, const char *const *argv,
    const size_t *lens)
{
	int i;

	sbuf_printf(sb, "*%d\r\n", argc);
	for (i = 0; i < argc; i++) {
		size_t l = lens != NULL ? lens[i] : strlen(argv[i]);

		sbuf_printf(sb, "$%zu\r\n", l);
		sbuf_put(sb, argv[i], l);
		sbuf_puts(sb, "\r\n");
	}
}

/*
 * Read one reply.  Returns 0 for a success reply, 1 for a Redis error
 * (text in err), -1 for a connection problem.
 */
static int
resp_reply(struct redis *r, struct sbuf *err)
{
	struct sbuf in = SBUF_INIT;
	char buf[512];
	char *eol;
	long need = -1;
	int rc = -1;

	for (;;) {
		ssize_t n;

		if (in.len > 0 && (eol = strstr(in.buf, "\r\n")) != NULL) {
			if (in.buf[0] != '$')
				break;
			need = strtol(in.buf + 1, NULL, 10);
			if (need < 0 || (size_t)(eol - in.buf) + 2 +
			    (size_t)need + 2 <= in.len)
				break;
		}
		n = recv(r->fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			sbuf_printf(err, "redis %s:%s: %s", r->host, r->port,
			    n == 0 ? "connection closed" : strerror(errno));
			goto out;
		}
		sbuf_put(&in, buf, (size_t)n);
	}
	if (in.buf[0] == '-') {
		*strstr(in.buf, "\r\n") = '\0';
		sbuf_printf(err, "redis: %s", in.buf + 1);
		rc = 1;
	} else if (strchr("+:$*", in.buf[0]) != NULL) {
		rc = 0;
	} else {
		sbuf_printf(err, "redis: unexpected reply");
	}
out:
	sbuf_free(&in);
	return rc;
}

static int
call(struct redis *r, int argc, const char *const *argv, const size_t *lens,
    struct sbuf *err)
{
	struct sbuf out = SBUF_INIT;
	int rc;

	resp_cmd(&out, argc, argv, lens);
	if (sk_net_write_all(r->fd, out.buf, out.len) != 0) {
		sbuf_printf(err, "redis %s:%s: %s", r->host, r->port,
		    strerror(errno));
		sbuf_free(&out);
		return -1;
	}
	sbuf_free(&out);
	rc = resp_reply(r, err);
	return rc;
}

static int
redis_connect(struct redis *r, struct sbuf *err)
{
	char db[24];

	r->fd = sk_net_connect(r->host, r->port, SOCK_STREAM, r->timeout_ms,
	    err);
	if (r->fd < 0)
		return -1;
	if (r->password[0] != '\0') {
		const char *av[3] = { "AUTH", r->username, r->password };
		int rc;

		if (r->username[0] != '\0')
			rc = call(r, 3, av, NULL, err);
		else {
			av[1] = r->password;
			rc = call(r, 2, av, NULL, err);
		}
		if (rc != 0)
			goto fail;
	}
	if (r->db != 0) {
		const char *av[2] = { "SELECT", db };

		snprintf(db, sizeof(db), "%ld", r->db);
		if (call(r, 2, av, NULL, err) != 0)
			goto fail;
	}
	return 0;
fail:
	close(r->fd);
	r->fd = -1;
	return -1;
}

static enum sk_send
redis_send(void *arg, const struct sk_alert *a, struct sbuf *err)
{
	struct redis *r = arg;
	const char *av[11];
	size_t lens[11];
	int argc, rc, i;

	if (r->fd < 0 && redis_connect(r, err) != 0)
		return SK_SEND_RETRY;
	switch (r->type) {
	case R_HASH:
		av[0] = "HSET";
		av[1] = r->key;
		av[2] = a->uuid;
		av[3] = a->json;
		argc = 4;
		break;
	case R_STREAM:
		av[0] = "XADD";
		av[1] = r->key;
		av[2] = "*";
		av[3] = "uuid";
		av[4] = a->uuid;
		av[5] = "priority";
		av[6] = sk_prio_name(a->prio);
		av[7] = "rule";
		av[8] = a->rule;
		av[9] = "alert";
		av[10] = a->json;
		argc = 11;
		break;
	default:
		av[0] = "RPUSH";
		av[1] = r->key;
		av[2] = a->json;
		argc = 3;
		break;
	}
	for (i = 0; i < argc; i++)
		lens[i] = av[i] == a->json ? a->jsonlen : strlen(av[i]);
	rc = call(r, argc, av, lens, err);
	if (rc == 0)
		return SK_SEND_OK;
	if (rc < 0) {
		close(r->fd);
		r->fd = -1;
		return SK_SEND_RETRY;
	}
	/* A Redis error such as WRONGTYPE: retrying will not change it. */
	return strncmp(sbuf_str(err), "redis: LOADING", 14) == 0 ||
	    strncmp(sbuf_str(err), "redis: BUSY", 11) == 0 ?
	    SK_SEND_RETRY : SK_SEND_FAIL;
}

static const struct sk_output_ops redis_ops = {
	redis_send, NULL, redis_free, NULL,
};

int
sk_out_redis(const struct sk_build *b, struct sk_output ***outs, size_t *n,
    char *err, size_t errlen)
{
	const struct sk_conf *c = b->conf;
	const char *addr = sk_conf_str(c, "redis.address", "");
	const char *st;
	struct redis *r;
	int prio;

	if (*addr == '\0')
		return 0;
	r = xcalloc(1, sizeof(*r));
	r->fd = -1;
	if (sk_net_split(addr, &r->host, &r->port) != 0) {
		sk_conf_fail(c, "redis.address", err, errlen,
		    "'%s' is not host:port", addr);
		redis_free(r);
		return -1;
	}
	r->username = xstrdup(sk_conf_str(c, "redis.username", ""));
	r->password = xstrdup(sk_conf_str(c, "redis.password", ""));
	r->key = xstrdup(sk_conf_str(c, "redis.key", "falco"));
	r->timeout_ms = b->delivery->timeout_ms;
	st = sk_conf_str(c, "redis.storagetype", "list");
	if (*st == '\0' || strcasecmp(st, "list") == 0)
		r->type = R_LIST;
	else if (strcasecmp(st, "hashmap") == 0)
		r->type = R_HASH;
	else if (strcasecmp(st, "stream") == 0)
		r->type = R_STREAM;
	else {
		sk_conf_fail(c, "redis.storagetype", err, errlen,
		    "'%s' is not list, hashmap or stream", st);
		redis_free(r);
		return -1;
	}
	if (sk_conf_int(c, "redis.database", 0, &r->db, err, errlen) != 0 ||
	    sk_conf_prio(c, "redis", SK_PRIO_NONE, &prio, err, errlen) != 0) {
		redis_free(r);
		return -1;
	}
	sk_outputs_add(outs, n, sk_output_new("redis", &redis_ops, r, prio,
	    b->delivery));
	return 0;
}
