/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzzer for the alert bodies event-generator's test mode accepts over
 * HTTP: any bytes must either yield a rule string or NULL.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "evgen/evgen.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *rule;

	rule = evgen_alert_rule((const char *)data, size);
	if (rule != NULL) {
		/* The result is a proper string that compares to itself. */
		if (!evgen_names_match(rule, rule))
			abort();
		free(rule);
	}
	return 0;
}
