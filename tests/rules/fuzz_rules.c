/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer harness of the rules loader: load the input as a rules file,
 * render every report format, and run the compiled rules once.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "filter/filter.h"
#include "rules/rules.h"
#include "util/sbuf.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;
	struct rules_loader *l;
	struct rules_result *r;
	struct rules_set *rs;
	struct sbuf sb = SBUF_INIT;
	size_t i, n;

	if (!init) {
		fields_init();
		filter_set_evtypes(filter_schema_evtypes());
		init = 1;
	}
	if (size > 262144)
		return 0;
	l = rules_loader_new();
	r = rules_load_content(l, "fuzz.yaml", (const char *)data, size);
	rules_result_summary(r, &sb);
	rules_result_verbose(r, &sb);
	rules_result_json(r, &sb);
	rules_result_free(r);
	if ((rs = rules_loader_ruleset(l)) != NULL) {
		for (i = 0; i < rules_count(rs); i++)
			(void)filter_eval(rules_get(rs, i)->filter, NULL);
		(void)rules_for_evttype(rs, "syscall", 3, &n);
		(void)rules_select_tag(rs, "x", 0);
	}
	rules_loader_free(l);
	sbuf_free(&sb);
	return 0;
}
