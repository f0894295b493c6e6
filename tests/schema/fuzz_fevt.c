/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer harness: parse arbitrary bytes as an event record and render
 * every parameter, with and without a resolver.  Input that does not
 * parse is still rendered after its header is patched to a known type,
 * so the renderer sees malformed parameters of every type.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "schema/schema.h"
#include "util/sbuf.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
fz_fd(void *arg, const struct fevt *ev, int64_t fd, char type[3],
    struct sbuf *out)
{
	if (fd % 3 != 0)
		return -1;
	memcpy(type, "4t", 3);
	sbuf_puts(out, "1.2.3.4:5->6.7.8.9:10");
	return 0;
}

static int
fz_comm(void *arg, int64_t tid, struct sbuf *out)
{
	sbuf_puts(out, "comm");
	return 0;
}

static int
fz_user(void *arg, const struct fevt *ev, uint32_t id, struct sbuf *out)
{
	return -1;
}

static int
fz_abspath(void *arg, const struct fevt *ev, int64_t dirfd,
    const char *path, struct sbuf *out)
{
	sbuf_printf(out, "/base/%s", path);
	return 0;
}

static void
render_all(const struct fevt *ev, struct sbuf *sb)
{
	static const struct schema_resolver r = {
		NULL, fz_fd, fz_comm, fz_user, fz_user, fz_abspath
	};
	unsigned i;

	sbuf_reset(sb);
	schema_render_args(sb, ev, NULL);
	sbuf_reset(sb);
	schema_render_args(sb, ev, &r);
	for (i = 0; i < ev->nparams; i++) {
		sbuf_reset(sb);
		schema_render_param(sb, ev, i);
		sbuf_reset(sb);
		schema_render_arg(sb, ev, i, &r);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sbuf sb = SBUF_INIT;
	struct fevt ev;
	const char *why;
	uint8_t *copy;

	memset(&ev, 0, sizeof(ev));
	if (fevt_parse(&ev, data, size, &why) == 0)
		render_all(&ev, &sb);

	/*
	 * Second pass: force a valid header (type from the first input
	 * byte's pair, len = size) so that parameter bytes reach the
	 * renderer even when the header was random.
	 */
	if (size < FEVT_HDR_LEN + 2 || size > 1 << 20)
		return 0;
	if ((copy = malloc(size)) == NULL)
		return 0;
	memcpy(copy, data, size);
	{
		uint32_t len = (uint32_t)size;
		uint16_t type = (uint16_t)((data[0] | (data[1] << 8)) % FE_MAX);
		uint32_t np = data[2] % (FEVT_MAX_PARAMS + 1);

		memcpy(copy + offsetof(struct fevt_hdr, len), &len, 4);
		memcpy(copy + offsetof(struct fevt_hdr, type), &type, 2);
		memcpy(copy + offsetof(struct fevt_hdr, nparams), &np, 4);
	}
	memset(&ev, 0, sizeof(ev));
	if (fevt_parse(&ev, copy, size, &why) == 0)
		render_all(&ev, &sb);
	free(copy);
	return 0;
}
