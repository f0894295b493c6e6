/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reading the alerts Falco POSTs: the rule name of a JSON alert, and the
 * loose comparison of rule names with action names.  Kept apart from the
 * HTTP server so that it can be fuzzed on its own.
 */
#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include <json-c/json.h>

#include "evgen/evgen.h"
#include "util/xmalloc.h"

int
evgen_names_match(const char *a, const char *b)
{
	for (;;) {
		while (*a != '\0' && !isalnum((unsigned char)*a))
			a++;
		while (*b != '\0' && !isalnum((unsigned char)*b))
			b++;
		if (*a == '\0' || *b == '\0')
			return *a == *b;
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return 0;
		a++;
		b++;
	}
}

char *
evgen_alert_rule(const char *body, size_t len)
{
	struct json_tokener *tok;
	struct json_object *obj, *rule;
	char *r = NULL;

	if (len > (size_t)INT32_MAX || (tok = json_tokener_new()) == NULL)
		return NULL;
	obj = json_tokener_parse_ex(tok, body, (int)len);
	if (obj != NULL &&
	    json_tokener_get_error(tok) == json_tokener_success &&
	    json_object_is_type(obj, json_type_object) &&
	    json_object_object_get_ex(obj, "rule", &rule) &&
	    json_object_is_type(rule, json_type_string))
		r = xstrdup(json_object_get_string(rule));
	if (obj != NULL)
		json_object_put(obj);
	json_tokener_free(tok);
	return r;
}
