/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer harness of the condition language: parse, then check that
 * the canonical text parses back to the same text, then compile,
 * evaluate (no extractor: nothing is available) and analyze event types.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "filter/filter.h"
#include "util/xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;
	struct filter_warning warn[8];
	struct filter_err err;
	struct filter *f;
	struct ast *a, *b;
	char *text, *s1, *s2;
	uint8_t *bm;
	size_t nw, nbits, count;

	if (!init) {
		fields_init();
		filter_set_evtypes(filter_schema_evtypes());
		init = 1;
	}
	if (size > 65536)
		return 0;
	text = xstrndup((const char *)data, size);
	a = filter_parse(text, 0, &err);
	free(text);
	if (a == NULL)
		return 0;
	s1 = ast_to_string(a);
	b = filter_parse(s1, 0, &err);
	if (b == NULL)
		abort();	/* canonical text must parse */
	s2 = ast_to_string(b);
	if (strcmp(s1, s2) != 0)
		abort();	/* and give the same tree */
	free(s1);
	free(s2);
	ast_free(b);
	f = filter_compile(a, &err, warn, 8, &nw);
	if (f != NULL) {
		(void)filter_eval(f, NULL);
		filter_free(f);
	}
	bm = filter_evttypes(a, &nbits, &count);
	free(bm);
	ast_free(a);
	return 0;
}
