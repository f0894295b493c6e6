/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Falco alert priorities as falcosidekick orders them: a larger value is
 * more severe, and SK_PRIO_NONE (an empty minimumpriority) lets every
 * alert through.
 */
#ifndef SIDEKICK_PRIO_H
#define SIDEKICK_PRIO_H

enum sk_prio {
	SK_PRIO_NONE = 0,
	SK_PRIO_DEBUG,
	SK_PRIO_INFO,
	SK_PRIO_NOTICE,
	SK_PRIO_WARNING,
	SK_PRIO_ERROR,
	SK_PRIO_CRITICAL,
	SK_PRIO_ALERT,
	SK_PRIO_EMERGENCY,
	SK_PRIO_COUNT
};

/*
 * Parse a priority name, case-insensitively: "emergency" .. "debug",
 * "informational" or "info".  An empty string (or NULL) is SK_PRIO_NONE.
 * Returns -1 for anything else.
 */
int	sk_prio_parse(const char *name);

/* "Critical", "Informational", ...; "" for SK_PRIO_NONE or out of range. */
const char *sk_prio_name(int prio);

/* "critical", "informational", ...; "" for SK_PRIO_NONE. */
const char *sk_prio_lower(int prio);

/* The syslog severity (LOG_EMERG .. LOG_DEBUG) of a priority. */
int	sk_prio_syslog(int prio);

#endif /* SIDEKICK_PRIO_H */
