/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzzer for the template parser and interpreter: any text is parsed,
 * with "." the alert or (odd sizes) its fields map, and what parses
 * is run against a fixed alert.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sidekick/alert.h"
#include "sidekick/tmpl.h"
#include "util/log.h"
#include "util/sbuf.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char alert_json[] =
    "{\"hostname\":\"h\",\"output\":\"out\",\"priority\":\"Warning\","
    "\"rule\":\"r\",\"time\":\"2024-01-15T13:53:31.5Z\",\"tags\":[\"a\","
    "\"b\"],\"output_fields\":{\"k8s.pod.name\":\"p\",\"n\":3,"
    "\"f\":1.5,\"b\":true,\"z\":null,\"container_image\":\"i\"}}";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sk_alert *a;
	struct sbuf out = SBUF_INIT;
	struct sk_tmpl *t;
	char err[512], *text;

	if (a == NULL) {
		log_init("fuzz", LOG_EMERG, 0, 0);
		a = sk_alert_parse(alert_json, sizeof(alert_json) - 1, NULL,
		    err, sizeof(err));
		if (a == NULL)
			abort();
	}
	text = malloc(size + 1);
	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	t = sk_tmpl_parse_ex("fuzz", text, (int)(size % 2), err, sizeof(err));
	if (t != NULL) {
		sk_tmpl_exec(t, a, &out, err, sizeof(err));
		sk_tmpl_free(t);
	}
	sbuf_free(&out);
	free(text);
	return 0;
}
