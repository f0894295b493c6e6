/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer harness of rule output formats: any text is compiled as an
 * output (fields, arguments, widths, nested transformers) and, when it
 * compiles, rendered with its typed fields for an empty context, where
 * every value is "not available".
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "filter/filter.h"
#include "outputs/outputs.h"
#include "state/state.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile size_t sink;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct state *st;
	struct engine_ctx ctx;
	struct sbuf out = SBUF_INIT;
	struct efmt *f;
	struct alert *a;
	char err[512], *fmt;

	if (st == NULL) {
		filter_set_evtypes(filter_schema_evtypes());
		engine_fields_init();
		st = state_new(16, 0);
	}
	fmt = xmalloc(size + 1);
	memcpy(fmt, data, size);
	fmt[size] = '\0';
	if ((f = efmt_compile(fmt, err, sizeof(err))) != NULL) {
		engine_ctx_init(&ctx, st, "fuzz");
		a = alert_new(1, 4, "r", "syscall");
		efmt_render(f, &ctx, &out, a);
		sink += out.len;
		alert_free(a);
		engine_ctx_free(&ctx);
		efmt_free(f);
	} else
		sink += strlen(err);
	sbuf_free(&out);
	free(fmt);
	return 0;
}
