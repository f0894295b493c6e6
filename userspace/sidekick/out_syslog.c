/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Syslog: one message per alert, JSON or CEF, over TCP or UDP to a
 * remote host (protocol "tcp"/"udp"), or to a local socket such as
 * /dev/log (protocol "unix", host = socket path).  Messages carry the
 * alert priority as severity, the tag "Falco", the host name and our
 * pid, framed as Go's log/syslog frames them: RFC 3339 time for the
 * network, the classic "Jan _2 15:04:05" stamp locally.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "sidekick/alert.h"
#include "sidekick/config.h"
#include "sidekick/net.h"
#include "sidekick/output.h"
#include "sidekick/outputs.h"
#include "sidekick/prio.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"

enum proto { P_TCP, P_UDP, P_UNIX };

struct slog {
	enum proto	 proto;
	char		*host;		/* or socket path */
	char		*port;
	int		 cef;
	long		 timeout_ms;
	int		 fd;
	int		 socktype;	/* for P_UNIX: what connected */
	char		 hostname[256];
};

static void
slog_free(void *arg)
{
	struct slog *s = arg;

	if (s->fd >= 0)
		close(s->fd);
	free(s->host);
	free(s->port);
	free(s);
}

static const char *
cef_severity(int prio)
{
	static const char *const sev[SK_PRIO_COUNT] = {
		"Uknown", "0", "3", "4", "6", "7", "8", "9", "10",
	};

	return prio >= 0 && prio < SK_PRIO_COUNT ? sev[prio] : "Uknown";
}

static void
cef_message(const struct sk_alert *a, struct sbuf *sb)
{
	size_t i;

	sbuf_printf(sb, "CEF:0|Falcosecurity|Falco|1.0|Falco Event|%s|%s|"
	    "uuid=%s start=%.19sZ msg=%s source=%s", a->rule,
	    cef_severity(a->prio), a->uuid, a->time3339, a->output,
	    a->source);
	if (a->hostname[0] != '\0')
		sbuf_printf(sb, " hostname=%s", a->hostname);
	sbuf_puts(sb, " outputfields=");
	for (i = 0; i < a->nfields; i++) {
		sbuf_printf(sb, "%s:", a->fields[i].key);
		sk_value_str(sb, a->fields[i].val, "<nil>");
		sbuf_putc(sb, ' ');
	}
	if (a->ntags > 0) {
		sbuf_puts(sb, "tags=");
		for (i = 0; i < a->ntags; i++)
			sbuf_printf(sb, "%s%s", i > 0 ? "," : "", a->tags[i]);
	}
	while (sb->len > 0 && sb->buf[sb->len - 1] == ' ')
		sb->buf[--sb->len] = '\0';
}

static int
slog_connect(struct slog *s, struct sbuf *err)
{
	if (s->proto == P_UNIX) {
		s->socktype = SOCK_DGRAM;
		s->fd = sk_net_connect_unix(s->host, SOCK_DGRAM,
		    s->timeout_ms, err);
		if (s->fd < 0) {
			sbuf_reset(err);
			s->socktype = SOCK_STREAM;
			s->fd = sk_net_connect_unix(s->host, SOCK_STREAM,
			    s->timeout_ms, err);
		}
		return s->fd < 0 ? -1 : 0;
	}
	s->fd = sk_net_connect(s->host, s->port, s->proto == P_TCP ?
	    SOCK_STREAM : SOCK_DGRAM, s->timeout_ms, err);
	return s->fd < 0 ? -1 : 0;
}

static enum sk_send
slog_send(void *arg, const struct sk_alert *a, struct sbuf *err)
{
	struct slog *s = arg;
	struct sbuf msg = SBUF_INIT;
	struct tm tm;
	time_t now = time(NULL);
	char stamp[64];
	int pri = sk_prio_syslog(a->prio);

	if (s->fd < 0 && slog_connect(s, err) != 0)
		return SK_SEND_RETRY;
	if (s->proto == P_UNIX) {
		localtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S", &tm);
		sbuf_printf(&msg, "<%d>%s Falco[%d]: ", pri, stamp,
		    (int)getpid());
	} else {
		localtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S%z", &tm);
		/* RFC 3339 wants the offset as +hh:mm. */
		if (strlen(stamp) == 24) {
			memmove(stamp + 23, stamp + 22, 2);
			stamp[22] = ':';
			stamp[25] = '\0';
		}
		sbuf_printf(&msg, "<%d>%s %s Falco[%d]: ", pri, stamp,
		    s->hostname, (int)getpid());
	}
	if (s->cef)
		cef_message(a, &msg);
	else
		sbuf_put(&msg, a->json, a->jsonlen);
	sbuf_putc(&msg, '\n');
	if (sk_net_write_all(s->fd, msg.buf, msg.len) != 0) {
		sbuf_printf(err, "syslog %s: %s", s->host, strerror(errno));
		sbuf_free(&msg);
		close(s->fd);
		s->fd = -1;
		return SK_SEND_RETRY;
	}
	sbuf_free(&msg);
	return SK_SEND_OK;
}

static const struct sk_output_ops slog_ops = {
	slog_send, NULL, slog_free, NULL,
};

int
sk_out_syslog(const struct sk_build *b, struct sk_output ***outs, size_t *n,
    char *err, size_t errlen)
{
	const struct sk_conf *c = b->conf;
	const char *host = sk_conf_str(c, "syslog.host", "");
	const char *proto, *fmt;
	struct slog *s;
	int prio;

	if (*host == '\0')
		return 0;
	s = xcalloc(1, sizeof(*s));
	s->fd = -1;
	s->host = xstrdup(host);
	s->port = xstrdup(sk_conf_str(c, "syslog.port", "514"));
	s->timeout_ms = b->delivery->timeout_ms;
	gethostname(s->hostname, sizeof(s->hostname) - 1);
	proto = sk_conf_str(c, "syslog.protocol", "tcp");
	if (*proto == '\0' || strcasecmp(proto, "tcp") == 0)
		s->proto = P_TCP;
	else if (strcasecmp(proto, "udp") == 0)
		s->proto = P_UDP;
	else if (strcasecmp(proto, "unix") == 0 ||
	    strcasecmp(proto, "local") == 0)
		s->proto = P_UNIX;
	else {
		sk_conf_fail(c, "syslog.protocol", err, errlen,
		    "'%s' is not tcp, udp or unix", proto);
		slog_free(s);
		return -1;
	}
	fmt = sk_conf_str(c, "syslog.format", "json");
	if (strcasecmp(fmt, "cef") == 0)
		s->cef = 1;
	else if (*fmt != '\0' && strcasecmp(fmt, "json") != 0) {
		sk_conf_fail(c, "syslog.format", err, errlen,
		    "'%s' is not json or cef", fmt);
		slog_free(s);
		return -1;
	}
	if (sk_conf_prio(c, "syslog", SK_PRIO_NONE, &prio, err, errlen) != 0) {
		slog_free(s);
		return -1;
	}
	sk_outputs_add(outs, n, sk_output_new("syslog", &slog_ops, s, prio,
	    b->delivery));
	return 0;
}
