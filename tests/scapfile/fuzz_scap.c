/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer harness of the capture reader: any input, plain or gzip,
 * must end in events, a clean end or an error, never in a crash, a
 * hang or an unbounded allocation.  Every parameter byte handed out and
 * every metadata string is touched so that the sanitizers see reads
 * beyond what the reader validated.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "scapfile/scapfile.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile unsigned sink;

static unsigned
touch(const void *p, size_t n)
{
	const uint8_t *b = p;
	unsigned s = 0;
	size_t i;

	for (i = 0; i < n; i++)
		s += b[i];
	return s;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scap_reader *r;
	struct fevt ev;
	const struct scap_thread *t;
	const struct scap_user *u;
	const struct scap_iface *ifs;
	char err[512];
	unsigned s = 0, i;
	size_t n, k;

	r = scap_reader_open_mem(data, size, err, sizeof(err));
	if (r == NULL)
		return 0;
	/* The first byte picks raw records or converted events. */
	scap_reader_set_convert(r, size == 0 || (data[0] & 1) == 0);
	while (scap_reader_next(r, &ev, NULL) == 1) {
		s += touch(ev.hdr, ev.hdr->len);
		for (i = 0; i < ev.nparams; i++)
			s += touch(ev.param[i], ev.plen[i]);
	}
	t = scap_reader_threads(r, &n);
	for (k = 0; k < n; k++) {
		s += touch(t[k].args, t[k].args_len);
		s += touch(t[k].env, t[k].env_len);
		s += touch(t[k].cgroups, t[k].cgroups_len);
		s += (unsigned)strlen(t[k].comm) + (unsigned)strlen(t[k].cwd);
		if (t[k].fdl != NULL && t[k].fdl->nfds != 0)
			s += (unsigned)strlen(t[k].fdl->fds[0].name);
	}
	u = scap_reader_users(r, &n);
	for (k = 0; k < n; k++)
		s += (unsigned)strlen(u[k].name) + (unsigned)strlen(u[k].shell);
	ifs = scap_reader_ifaces(r, &n);
	for (k = 0; k < n; k++)
		s += (unsigned)strlen(ifs[k].name);
	sink = s;
	scap_reader_close(r);
	return 0;
}
