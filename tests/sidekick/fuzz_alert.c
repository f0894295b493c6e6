/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzzer for the alert JSON parser: anything that parses must also
 * serialise to a payload that parses back to the same payload.  The
 * whole input also goes through the request path, which splits a body
 * holding several alerts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sidekick/alert.h"
#include "sidekick/core.h"
#include "util/log.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *fk[] = { "custom.key" }, *fv[] = { "v" };
	static const char *tags[] = { "t1" };
	static struct sk_enrich en = { fk, fv, 1, tags, 1, "_", NULL, NULL, 0 };
	struct sk_alert *a, *b;
	char err[256];

	static struct sk_core *core;

	log_init("fuzz", LOG_EMERG, 0, 0);
	if (core == NULL)
		core = sk_core_new(NULL, 0, &en);
	sk_core_submit(core, (const char *)data, size, err, sizeof(err));
	a = sk_alert_parse((const char *)data, size, size % 2 ? &en : NULL,
	    err, sizeof(err));
	if (a == NULL)
		return 0;
	b = sk_alert_parse(a->json, a->jsonlen, NULL, err, sizeof(err));
	if (b == NULL || strcmp(a->json, b->json) != 0)
		abort();
	sk_alert_unref(b);
	sk_alert_unref(a);
	return 0;
}
