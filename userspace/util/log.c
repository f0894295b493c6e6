/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The logging wrapper: formats a message once into a stack buffer and
 * writes it with a single write(2) so that lines from several threads
 * never interleave.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "util/log.h"

static const char *log_prog = "falco";
static int log_level = LOG_INFO;
static int log_stderr = 1;
static int log_syslog;
static int log_syslog_open;
static int log_iso8601;

static const char *const level_names[] = {
	"emergency", "alert", "critical", "error",
	"warning", "notice", "info", "debug",
};

void
log_init(const char *progname, int level, int to_stderr, int to_syslog)
{
	if (progname != NULL)
		log_prog = progname;
	log_level = level;
	log_stderr = to_stderr;
	log_syslog = to_syslog;
	if (log_syslog && !log_syslog_open) {
		openlog(log_prog, LOG_PID | LOG_NDELAY, LOG_DAEMON);
		log_syslog_open = 1;
	}
}

void
log_set_level(int level)
{
	log_level = level;
}

void
log_set_iso8601(int on)
{
	log_iso8601 = on;
}

int
log_get_level(void)
{
	return log_level;
}

int
log_level_parse(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (strcasecmp(name, level_names[i]) == 0)
			return (int)i;
	if (strcasecmp(name, "informational") == 0)
		return LOG_INFO;
	if (strcasecmp(name, "warn") == 0)
		return LOG_WARNING;
	return -1;
}

const char *
log_level_name(int level)
{
	if (level < 0 || level > LOG_DEBUG)
		return "unknown";
	return level_names[level];
}

void
log_vemit(int level, const char *fmt, va_list ap)
{
	char msg[2048], line[2200];
	struct timespec ts;
	struct tm tm;
	va_list cp;
	int saved = errno, n;

	if (level > log_level)
		return;
	va_copy(cp, ap);
	vsnprintf(msg, sizeof(msg), fmt, cp);
	va_end(cp);
	if (log_syslog)
		syslog(level, "%s", msg);
	if (log_stderr) {
		/* Falco prefixes its log lines with local time and a colon. */
		clock_gettime(CLOCK_REALTIME, &ts);
		if (log_iso8601) {
			/* time_format_iso_8601: UTC date and time */
			gmtime_r(&ts.tv_sec, &tm);
			n = snprintf(line, sizeof(line),
			    "%04d-%02d-%02dT%02d:%02d:%02d+0000: %s\n",
			    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			    tm.tm_hour, tm.tm_min, tm.tm_sec, msg);
		} else {
			localtime_r(&ts.tv_sec, &tm);
			n = snprintf(line, sizeof(line),
			    "%02d:%02d:%02d.%06ld: %s\n", tm.tm_hour,
			    tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000, msg);
		}
		if (n > (int)sizeof(line) - 1)
			n = sizeof(line) - 1;
		if (write(STDERR_FILENO, line, (size_t)n) < 0) {
			/* Nowhere left to report it. */
		}
	}
	errno = saved;
}

void
log_emit(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vemit(level, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vemit(LOG_CRIT, fmt, ap);
	va_end(ap);
	exit(1);
}
