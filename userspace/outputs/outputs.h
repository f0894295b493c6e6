/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Alerts and the channels that deliver them: stdout, syslog, a file, a
 * program's standard input and HTTP.
 *
 * An alert is built by the rule engine's formatter (or by the daemon for
 * internal alerts) with the alert_* builder, then handed to an output
 * manager with outputs_submit().  The manager renders it once, as
 * Falco's text line or JSON object, and queues the line to every
 * enabled channel.  Each channel has its own thread and bounded queue,
 * so a slow or dead receiver delays only its own channel and never the
 * caller; an alert that does not fit a full queue is dropped and
 * counted.  A watchdog logs Falco's "output timeout" line when a channel
 * spends longer than output_timeout on one alert.
 *
 * Lifecycle: outputs_new() -> outputs_start() -> outputs_submit()* with
 * outputs_reopen() on SIGUSR1 -> outputs_stop() (flushes what is queued,
 * bounded by output_timeout) -> outputs_free().
 *
 * Thread safety: outputs_submit(), outputs_reopen(), outputs_drain() and
 * outputs_get_stats() may be called from any thread.  None is
 * async-signal-safe: a signal handler sets a flag and the main loop
 * calls outputs_reopen().
 */
#ifndef OUTPUTS_OUTPUTS_H
#define OUTPUTS_OUTPUTS_H

#include <stddef.h>
#include <stdint.h>

#include "util/sbuf.h"

struct config;
struct metrics;

/* Falco's priorities; the value is also the syslog level. */
enum alert_priority {
	ALERT_EMERGENCY = 0,
	ALERT_ALERT,
	ALERT_CRITICAL,
	ALERT_ERROR,
	ALERT_WARNING,
	ALERT_NOTICE,
	ALERT_INFORMATIONAL,
	ALERT_DEBUG,
};

/* "Emergency" ... "Debug"; NULL for an out-of-range value. */
const char *alert_priority_name(int priority);
/* Case-insensitive name, "info" accepted; -1 if unknown. */
int	alert_priority_parse(const char *name);

enum alert_vtype {
	AV_NULL,	/* a field without a value: JSON null, text <NA> */
	AV_STR,
	AV_INT,
	AV_UINT,
	AV_DOUBLE,
	AV_BOOL,
};

struct alert_field {
	char		*name;
	enum alert_vtype type;
	union {
		struct {
			char	*p;	/* NUL-terminated copy */
			size_t	 len;	/* may hold NULs before len */
		} s;
		int64_t	 i;
		uint64_t u;
		double	 d;
		int	 b;
	} v;
};

/*
 * One alert.  Readable by anyone; build and change it only through the
 * functions below, which copy every string they are given.
 */
struct alert {
	uint64_t	 time_ns;	/* event time, ns since the epoch */
	int		 priority;	/* enum alert_priority */
	char		*rule;
	char		*source;	/* "syscall", ..., or "internal" */
	char		*hostname;	/* NULL: the manager's hostname */
	char		*output;	/* the rule's formatted output text,
					   without time and priority */
	char		**tags;
	size_t		 ntags;
	struct alert_field *fields;	/* in the order they were added */
	size_t		 nfields;
	size_t		 capfields;
};

#define ALERT_SOURCE_INTERNAL	"internal"

/*
 * Rule names of Falco's internal alerts; Falco raises them at Debug,
 * Debug, Informational and Critical priority respectively.
 */
#define ALERT_RULE_DROPS	"Falco internal: syscall event drop"
#define ALERT_RULE_TIMEOUTS	"Falco internal: timeouts notification"
#define ALERT_RULE_METRICS	"Falco internal: metrics snapshot"
#define ALERT_RULE_RESTART	"Falco internal: hot restart failure"

/* A new alert with no output, tags or fields; never NULL. */
struct alert *alert_new(uint64_t time_ns, int priority, const char *rule,
	    const char *source);
/*
 * An internal alert (source "internal"), e.g. rule "Falco internal:
 * syscall event drop" with msg as its output; add fields as for others.
 */
struct alert *alert_new_internal(uint64_t time_ns, int priority,
	    const char *rule, const char *msg);
void	alert_free(struct alert *a);
void	alert_set_output(struct alert *a, const char *output);
void	alert_set_hostname(struct alert *a, const char *hostname);
void	alert_add_tag(struct alert *a, const char *tag);
/*
 * Output fields.  Adding a name that is already present replaces its
 * value (the position stays).  Strings may hold any bytes; the renderer
 * makes them valid JSON.
 */
void	alert_field_null(struct alert *a, const char *name);
void	alert_field_str(struct alert *a, const char *name, const char *s);
void	alert_field_strn(struct alert *a, const char *name, const char *s,
	    size_t len);
void	alert_field_int(struct alert *a, const char *name, int64_t v);
void	alert_field_uint(struct alert *a, const char *name, uint64_t v);
void	alert_field_double(struct alert *a, const char *name, double v);
void	alert_field_bool(struct alert *a, const char *name, int v);
const struct alert_field *alert_field_find(const struct alert *a,
	    const char *name);

/* How alerts are rendered; see alert_render(). */
struct alert_format {
	int		 json;
	int		 time_iso8601;
	int		 include_output;	/* default 1 */
	int		 include_tags;		/* default 1 */
	int		 include_message;	/* default 0 */
	int		 include_output_fields;	/* default 1 */
	const char	*hostname;		/* when the alert has none */
};

void	alert_format_defaults(struct alert_format *f);

/*
 * Append the alert as one line, without the newline:
 *
 * text:  "<time>: <Priority> <output>" where time is the local
 *        "HH:MM:SS.nnnnnnnnn" or, with time_iso8601, UTC
 *        "YYYY-MM-DDTHH:MM:SS.nnnnnnnnn+0000"; control characters are
 *        escaped and invalid UTF-8 replaced (as in JSON strings, without
 *        the quotes).  Internal alerts: "<local time>: <Priority> <msg>
 *        (k=v ...)" with the fields in name order, values as JSON.
 * json:  an object with, in this order, hostname, message?, output?,
 *        output_fields?, priority, rule, source, tags?, time (UTC with
 *        ns and "Z"); output_fields in name order, with evt.time (ns) or
 *        evt.time.iso8601 added from the time prefix.  Internal alerts
 *        have hostname, output (the message), output_fields, priority,
 *        rule, source, time.
 *
 * Every JSON line is valid JSON and valid UTF-8 whatever bytes the
 * strings hold.
 */
void	alert_render(const struct alert *a, const struct alert_format *f,
	    struct sbuf *out);

/*
 * The host name for alerts: $FALCO_HOSTNAME if set and not empty, else
 * gethostname().  Writes a NUL-terminated name into buf.
 */
void	outputs_hostname(char *buf, size_t len);

/* Everything the manager needs; strings are copied by outputs_new(). */
struct outputs_options {
	struct alert_format fmt;
	int		 buffered;	/* buffered_outputs */
	size_t		 queue_capacity; /* per channel; 0 = unbounded */
	unsigned	 timeout_ms;	/* output_timeout */

	int		 stdout_enabled;
	int		 stdout_fd;	/* default 1 */

	int		 syslog_enabled;
	const char	*syslog_path;	/* default /dev/log; not a falco.yaml
					   key, for containers and tests */
	const char	*syslog_ident;	/* default "falco" */
	int		 syslog_facility; /* default LOG_USER */

	int		 file_enabled;
	int		 file_keep_alive;
	const char	*file_name;

	int		 program_enabled;
	int		 program_keep_alive;
	const char	*program;	/* run with /bin/sh -c */

	int		 http_enabled;
	const char	*http_url;
	const char	*http_user_agent;
	int		 http_insecure;
	const char	*http_ca_cert;
	const char	*http_ca_bundle;
	const char	*http_ca_path;
	int		 http_mtls;
	const char	*http_client_cert;
	const char	*http_client_key;
	int		 http_echo;
	int		 http_compress_uploads;
	int		 http_keep_alive;
	unsigned	 http_max_consecutive_timeouts;
	long		 http_timeout_ms;
	long		 http_retry_interval_ms;
};

/*
 * Defaults as Falco's code has them when a key is absent: every channel
 * off, output_timeout 2000 ms, unbounded queues, HTTP as documented in
 * falco.yaml.
 */
void	outputs_options_defaults(struct outputs_options *o);

/*
 * Fill o from a loaded configuration (the keys of falco.yaml), starting
 * from the defaults.  The strings point into cfg, which must outlive the
 * outputs_new() call.  `unbuffered` is the -U flag.
 */
void	outputs_options_from_config(struct outputs_options *o,
	    const struct config *cfg, int unbuffered);

struct outputs;

/*
 * Create the channels (nothing is opened or spawned until the first
 * alert, as in Falco).  Returns NULL with *errp set (malloc'd) when an
 * enabled channel is misconfigured, e.g. an HTTP output without a url.
 */
struct outputs *outputs_new(const struct outputs_options *o, char **errp);

/* Start the channel threads and the watchdog.  Returns 0 or -1. */
int	outputs_start(struct outputs *out);

/*
 * Render a and queue it to every channel.  Never blocks on a channel.
 * After outputs_stop() it does nothing and returns -1.
 * Returns 0 if every channel accepted it, -1 if at least one queue was
 * full (the alert is dropped there and counted; the first drop logs
 * "Outputs queue out of memory").  a stays owned by the caller.
 */
int	outputs_submit(struct outputs *out, const struct alert *a);

/*
 * Ask every channel to reopen after what is already queued: the file is
 * closed and opened again, a kept-alive program is restarted.
 */
void	outputs_reopen(struct outputs *out);

/*
 * Wait until every queued alert has been handled (delivered or failed).
 * Returns 0, or -1 if timeout_ms passed first.
 */
int	outputs_drain(struct outputs *out, unsigned timeout_ms);

/*
 * Flush the queues, waiting at most output_timeout; then discard what is
 * left (logged and counted), stop the threads and close the channels.
 * Idempotent.
 */
void	outputs_stop(struct outputs *out);

/* Stop if needed and free everything. */
void	outputs_free(struct outputs *out);

struct outputs_chan_stats {
	const char	*name;		/* "stdout", "syslog", "file", ... */
	uint64_t	 delivered;	/* alerts written or accepted */
	uint64_t	 failed;	/* alerts given up on after errors */
	uint64_t	 queue_drops;	/* alerts not queued: queue full */
	uint64_t	 discarded;	/* alerts still queued at shutdown */
	uint64_t	 retries;	/* extra HTTP attempts */
	uint64_t	 timeouts;	/* output_timeout exceeded */
	uint64_t	 queued;	/* waiting now */
};

struct outputs_stats {
	uint64_t	 submitted;
	uint64_t	 queue_drops;	/* sum over channels */
	uint64_t	 failed;
	uint64_t	 discarded;
	uint64_t	 timeouts;
	size_t		 nchannels;
};

void	outputs_get_stats(struct outputs *out, struct outputs_stats *st);
/* Returns 0, or -1 if i >= nchannels. */
int	outputs_get_chan_stats(struct outputs *out, size_t i,
	    struct outputs_chan_stats *st);

/*
 * Publish the counters in a metrics registry:
 * falcosecurity_falco_outputs_queue_num_drops_total, and per channel
 * (label "channel") falcosecurity_falco_outputs_{delivered,failed,
 * discarded,timeouts}_total and falcosecurity_falco_outputs_queued.
 * Call metrics_remove_owner(m, out) before outputs_free().
 */
void	outputs_register_metrics(struct outputs *out, struct metrics *m);

#endif /* OUTPUTS_OUTPUTS_H */
