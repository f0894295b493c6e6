/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One logging wrapper for every program of the project.
 *
 * Levels are syslog's (LOG_EMERG .. LOG_DEBUG), named as falco.yaml's
 * log_level names them.  Messages go to stderr, to syslog, or both, as
 * log_init() says; a message below the current level costs one compare.
 * The functions are thread-safe: each message is written with one call.
 */
#ifndef UTIL_LOG_H
#define UTIL_LOG_H

#include <stdarg.h>
#include <syslog.h>

/* Configure the logger; may be called again to change any setting. */
void	log_init(const char *progname, int level, int to_stderr,
	    int to_syslog);
void	log_set_level(int level);
/* Prefix stderr lines with the UTC date and time ("2016-08-04T16:17:57
   +0000: ", without the blank) instead of the local time of day, as
   Falco does with time_format_iso_8601. */
void	log_set_iso8601(int on);
int	log_get_level(void);

/*
 * Parse a level name ("emergency", "alert", "critical", "error",
 * "warning", "notice", "info", "debug"; case-insensitive).
 * Returns the syslog level, or -1 if the name is unknown.
 */
int	log_level_parse(const char *name);
const char *log_level_name(int level);

void	log_emit(int level, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	log_vemit(int level, const char *fmt, va_list ap);
void	fatal(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

#define log_err(...)	log_emit(LOG_ERR, __VA_ARGS__)
#define log_warn(...)	log_emit(LOG_WARNING, __VA_ARGS__)
#define log_notice(...)	log_emit(LOG_NOTICE, __VA_ARGS__)
#define log_info(...)	log_emit(LOG_INFO, __VA_ARGS__)
#define log_debug(...)	do {						\
	if (log_get_level() >= LOG_DEBUG)				\
		log_emit(LOG_DEBUG, __VA_ARGS__);			\
} while (0)

#endif /* UTIL_LOG_H */
