/* SPDX-License-Identifier: Apache-2.0 */
#include <stddef.h>
#include <strings.h>
#include <syslog.h>

#include "sidekick/prio.h"

static const char *const prio_names[SK_PRIO_COUNT] = {
	"", "Debug", "Informational", "Notice", "Warning", "Error",
	"Critical", "Alert", "Emergency",
};

static const char *const prio_lower[SK_PRIO_COUNT] = {
	"", "debug", "informational", "notice", "warning", "error",
	"critical", "alert", "emergency",
};

int
sk_prio_parse(const char *name)
{
	int i;

	if (name == NULL || *name == '\0')
		return SK_PRIO_NONE;
	for (i = SK_PRIO_DEBUG; i < SK_PRIO_COUNT; i++)
		if (strcasecmp(name, prio_lower[i]) == 0)
			return i;
	if (strcasecmp(name, "info") == 0)
		return SK_PRIO_INFO;
	return -1;
}

const char *
sk_prio_name(int prio)
{
	if (prio < 0 || prio >= SK_PRIO_COUNT)
		return "";
	return prio_names[prio];
}

const char *
sk_prio_lower(int prio)
{
	if (prio < 0 || prio >= SK_PRIO_COUNT)
		return "";
	return prio_lower[prio];
}

int
sk_prio_syslog(int prio)
{
	switch (prio) {
	case SK_PRIO_EMERGENCY:
		return LOG_EMERG;
	case SK_PRIO_ALERT:
		return LOG_ALERT;
	case SK_PRIO_CRITICAL:
		return LOG_CRIT;
	case SK_PRIO_ERROR:
		return LOG_ERR;
	case SK_PRIO_WARNING:
		return LOG_WARNING;
	case SK_PRIO_NOTICE:
		return LOG_NOTICE;
	case SK_PRIO_INFO:
		return LOG_INFO;
	default:
		return LOG_DEBUG;
	}
}
