/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One Falco alert as falcosidekick sees it: parsed from Falco's JSON
 * output, checked, enriched with custom fields and tags, given a UUID and
 * serialised once into the payload shape falcosidekick forwards
 * (uuid, output, priority, rule, time, output_fields, source, tags,
 * hostname).
 *
 * An alert is immutable after sk_alert_parse() and reference counted so
 * that every output queue can hold it without copying; the counters are
 * atomic, so refs may be taken and dropped from any thread.
 */
#ifndef SIDEKICK_ALERT_H
#define SIDEKICK_ALERT_H

#include <stddef.h>
#include <stdint.h>

struct json_object;
struct sbuf;
struct sk_tmpl;

struct sk_field {
	const char		*key;
	struct json_object	*val;	/* NULL for a JSON null */
};

struct sk_alert {
	int		 refs;
	char		 uuid[37];
	char		*rule;
	char		*output;
	char		*source;
	char		*hostname;	/* "" when absent */
	int		 prio;		/* enum sk_prio, never NONE */
	int64_t		 sec;		/* UTC, since the epoch */
	long		 nsec;
	struct sk_field	*fields;	/* sorted by key */
	size_t		 nfields;
	char		**tags;		/* sorted */
	size_t		 ntags;
	char		 time3339[48];	/* RFC 3339, UTC */
	char		*json;		/* the forwarded payload */
	size_t		 jsonlen;
	struct json_object *root;	/* while parsing only */
	char		*keys;		/* the field names */
};

/*
 * What the configuration adds to every alert: custom fields and tags,
 * the bracketreplacer that turns "proc.aname[2]" into "proc.aname_2"
 * (NULL or "": names kept), and templated fields, whose templates are
 * run against the fields (sk_tmpl_parse_ex() with mapdot).
 */
struct sk_enrich {
	const char	**fkeys;
	const char	**fvals;
	size_t		  nfields;
	const char	**tags;
	size_t		  ntags;
	const char	 *bracket;
	const char	**tkeys;
	struct sk_tmpl	**tmpls;
	size_t		  ntmpl;
};

/*
 * Parse one alert from buf (len bytes, need not be NUL-terminated).
 * The alert must have a known priority, a rule, an RFC 3339 time and a
 * non-empty output_fields object, as falcosidekick requires.  A "uuid"
 * already present (an alert read back from the spool) is kept; otherwise
 * a random one is made.  enrich may be NULL.
 * Returns the alert with one reference, or NULL with a message in err.
 */
struct sk_alert *sk_alert_parse(const char *buf, size_t len,
	    const struct sk_enrich *enrich, char *err, size_t errlen);

/*
 * Parse the first alert of buf, which may hold several one after the
 * other (JSON lines, or objects run together as "curl -d @-" sends a
 * stream); *used gets the bytes consumed.  Same result as
 * sk_alert_parse() otherwise.
 */
struct sk_alert *sk_alert_parse_next(const char *buf, size_t len,
	    size_t *used, const struct sk_enrich *enrich, char *err,
	    size_t errlen);

/* Take and drop a reference; the last sk_alert_unref() frees. */
struct sk_alert *sk_alert_ref(struct sk_alert *a);
void	sk_alert_unref(struct sk_alert *a);

/* The field named key, or NULL; *found says whether it exists at all. */
struct json_object *sk_alert_field(const struct sk_alert *a, const char *key,
	    int *found);

/*
 * Append the text form of a field value: strings as they are, numbers
 * and booleans as JSON text, null as nullstr.
 */
void	sk_value_str(struct sbuf *sb, struct json_object *v,
	    const char *nullstr);

/* Append a field value as JSON (null for NULL). */
void	sk_json_value(struct sbuf *sb, struct json_object *v);

/*
 * Append the payload falcosidekick forwards for a, without its closing
 * brace, so that an output can add members: uuid, output, priority,
 * rule, time, output_fields (fields[0..nfields), sorted by key; a key
 * equal to the one before it is written once), source, tags and hostname
 * when present.  a->json is this followed by "}".
 */
void	sk_alert_json_open(struct sbuf *sb, const struct sk_alert *a,
	    const struct sk_field *fields, size_t nfields);

/* Append the alert time the way Go prints a time.Time with String(). */
void	sk_alert_time_go(struct sbuf *sb, const struct sk_alert *a);

/* Append the alert time formatted with strftime(3) in UTC. */
void	sk_alert_time_fmt(struct sbuf *sb, const struct sk_alert *a,
	    const char *fmt);

/*
 * Parse an RFC 3339 time ("2024-01-02T03:04:05.123456789Z" or with a
 * +hh:mm offset) into UTC seconds and nanoseconds.  Returns 0 or -1.
 */
int	sk_time_parse(const char *s, int64_t *sec, long *nsec);

/* Write a random version 4 UUID (36 characters and a NUL) into out. */
void	sk_uuid_new(char out[37]);

#endif /* SIDEKICK_ALERT_H */
