/* SPDX-License-Identifier: Apache-2.0 */
/*
 * File: each alert appended as one line to file.filename, as the
 * forwarded JSON (format "json", the default) or as the alert's output
 * text ("text").  Not a falcosidekick output; it gives hosts without a
 * log shipper a local record.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "sidekick/alert.h"
#include "sidekick/config.h"
#include "sidekick/net.h"
#include "sidekick/output.h"
#include "sidekick/outputs.h"
#include "sidekick/prio.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"

struct fileout {
	char	*path;
	int	 text;
	int	 fd;
};

static void
fileout_free(void *arg)
{
	struct fileout *f = arg;

	if (f->fd >= 0)
		close(f->fd);
	free(f->path);
	free(f);
}

static enum sk_send
fileout_send(void *arg, const struct sk_alert *a, struct sbuf *err)
{
	struct fileout *f = arg;
	struct sbuf line = SBUF_INIT;
	int rc;

	if (f->fd < 0) {
		f->fd = open(f->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
		    0640);
		if (f->fd < 0) {
			sbuf_printf(err, "%s: %s", f->path, strerror(errno));
			return SK_SEND_RETRY;
		}
	}
	if (f->text)
		sbuf_puts(&line, a->output);
	else
		sbuf_put(&line, a->json, a->jsonlen);
	sbuf_putc(&line, '\n');
	/* One write per line, so lines never interleave. */
	rc = sk_net_write_all(f->fd, line.buf, line.len);
	sbuf_free(&line);
	if (rc != 0) {
		sbuf_printf(err, "%s: %s", f->path, strerror(errno));
		close(f->fd);
		f->fd = -1;
		return SK_SEND_RETRY;
	}
	return SK_SEND_OK;
}

static const struct sk_output_ops fileout_ops = {
	fileout_send, NULL, fileout_free, NULL,
};

int
sk_out_file(const struct sk_build *b, struct sk_output ***outs, size_t *n,
    char *err, size_t errlen)
{
	const struct sk_conf *c = b->conf;
	const char *path = sk_conf_str(c, "file.filename", "");
	const char *fmt;
	struct fileout *f;
	int prio;

	if (*path == '\0')
		return 0;
	fmt = sk_conf_str(c, "file.format", "json");
	if (strcasecmp(fmt, "json") != 0 && strcasecmp(fmt, "text") != 0) {
		sk_conf_fail(c, "file.format", err, errlen,
		    "'%s' is not json or text", fmt);
		return -1;
	}
	if (sk_conf_prio(c, "file", SK_PRIO_NONE, &prio, err, errlen) != 0)
		return -1;
	f = xcalloc(1, sizeof(*f));
	f->fd = -1;
	f->path = xstrdup(path);
	f->text = strcasecmp(fmt, "text") == 0;
	sk_outputs_add(outs, n, sk_output_new("file", &fileout_ops, f, prio,
	    b->delivery));
	return 0;
}
