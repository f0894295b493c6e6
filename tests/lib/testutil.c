/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "../lib/testutil.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"

char tu_tmpdir[256];

int
tu_setup_tmp(void **state)
{
	(void)state;
	snprintf(tu_tmpdir, sizeof(tu_tmpdir), "/tmp/%s.XXXXXX",
	    program_invocation_short_name);
	return mkdtemp(tu_tmpdir) == NULL ? -1 : 0;
}

int
tu_teardown_tmp(void **state)
{
	char *cmd;
	int rc;

	(void)state;
	xasprintf(&cmd, "rm -rf '%s'", tu_tmpdir);
	rc = system(cmd);
	free(cmd);
	return rc == 0 ? 0 : -1;
}

char *
tu_path(const char *name)
{
	char *p;

	xasprintf(&p, "%s/%s", tu_tmpdir, name);
	return p;
}

char *
tu_slurp(const char *path, size_t *lenp)
{
	struct sbuf sb = SBUF_INIT;
	char buf[4096];
	ssize_t r;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
		while ((r = read(fd, buf, sizeof(buf))) > 0 ||
		    (r < 0 && errno == EINTR))
			if (r > 0)
				sbuf_put(&sb, buf, (size_t)r);
		close(fd);
	}
	sbuf_puts(&sb, "");
	if (lenp != NULL)
		*lenp = sb.len;
	return sbuf_detach(&sb);
}

uint64_t
tu_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void
tu_sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}
