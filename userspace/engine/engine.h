/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The detection engine: binds the system state to the field registry
 * (one extractor per field class), formats rule outputs the way Falco
 * does, and runs the rules indexed by event type on every event.
 *
 *   engine_fields_init();                 once, before compiling rules
 *   e = engine_new(state, ruleset, &opts, &err);
 *   while (next event) engine_process(e, &ev);
 *   engine_print_stats(e, stdout);
 *   engine_free(e);
 *
 * Error convention: constructors return NULL with *errp set to a
 * malloc'd message the caller frees; the rest cannot fail.
 * Not thread-safe: an engine belongs to one event loop.
 */
#ifndef ENGINE_ENGINE_H
#define ENGINE_ENGINE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "schema/schema.h"
#include "state/state.h"
#include "util/sbuf.h"

struct rules_set;
struct rule;
struct alert;
struct container_meta;
struct container_rec;

/*
 * The event context extractors read (the ctx of filter_eval()).  Set st,
 * ev, t, evnum and the times; the scratch and cache members belong to
 * the extractors.  evnum must change with every event: the per-event
 * caches are keyed on it.  engine_ctx_init()/engine_ctx_free() manage
 * the context; engine_process() fills it.
 */
#define ENGINE_SCRATCH	8

struct engine_ctx {
	struct state	*st;
	const struct fevt *ev;
	struct st_thread *t;		/* the event's thread, or NULL */
	uint64_t	 evnum;		/* from 1 */
	uint64_t	 first_ts;	/* ns of the first event */
	const char	*hostname;
	/* Extractor scratch: strings handed out stay valid until
	   ENGINE_SCRATCH further extractions. */
	struct sbuf	 scratch[ENGINE_SCRATCH];
	unsigned	 next;
	struct sbuf	 path;		/* the failed open's path ... */
	struct sbuf	 pathraw;	/* ... and as the event gave it */
	/* The event's fd, looked up once per event (evnum and ev). */
	uint64_t	 fd_evnum;
	const struct fevt *fd_ev;
	const struct st_fd *fd_cached;
	struct st_fd	 fd_tmp;	/* stands in after a failed open */
	void		*memo;		/* per-event values (extract.c) */
	/*
	 * Container metadata (NULL: none, container.* beyond the id are
	 * not available).  The record of the event's container is looked
	 * up once per event and held until the next one.
	 */
	struct container_meta *cmeta;
	struct container_rec *crec;
	uint64_t	 crec_evnum;
	const struct fevt *crec_ev;
	/*
	 * The container of a synthetic container event whose thread is
	 * gone (t NULL): container.* fields still name it.  NULL otherwise.
	 */
	const char	*ev_cid;
	/*
	 * buffer_format_base64: byte buffers (evt.buffer, a buffer
	 * argument through evt.arg.NAME, evt.arg[N] or evt.args) are shown
	 * in base64 in outputs instead of as text with '.' for bytes that
	 * do not print.  b64_out is set only while an output is rendered:
	 * conditions always see the bytes as they are.
	 */
	int		 buf_b64;
	int		 b64_out;
};

void	engine_ctx_init(struct engine_ctx *c, struct state *st,
	    const char *hostname);
void	engine_ctx_free(struct engine_ctx *c);

/*
 * Install the extractors of every syscall field class into the field
 * registry (filter/filter.h).  Idempotent; call before compiling rules.
 */
void	engine_fields_init(void);

/* ---- output formats ------------------------------------------------ */

struct efmt;

/*
 * Compile a rule output format: literal text and %field, %field[arg],
 * %Nfield (the value cut or padded with blanks to exactly N characters).
 * A field name is the longest prefix that names a field ("%proc.name."
 * is proc.name and a dot).  A field may be wrapped in the transformers
 * tolower(), toupper(), b64() (decode), basename() and len(), nested
 * ("%toupper(basename(fd.name))"); the text shows the result, the typed
 * output fields the plain field only, as in Falco.  A list field (fd.types)
 * prints as "(a,b)".  A '%' that does not start a field usable in
 * outputs is an error.  Returns NULL with a message in err (errlen
 * bytes).
 */
struct efmt *efmt_compile(const char *fmt, char *err, size_t errlen);
void	efmt_free(struct efmt *f);

/*
 * Render f for the event in ctx: the text (appended to out; a value
 * that is not available prints "<NA>") and, when a is not NULL, every
 * field as a typed output field of a (null when not available).
 */
void	efmt_render(const struct efmt *f, struct engine_ctx *ctx,
	    struct sbuf *out, struct alert *a);

/*
 * Deferred rendering, for an alert that waits for its container's
 * runtime metadata.  The fields that need it are the holes: container.*
 * (but container.id and container.full_id) and k8s.*.
 *
 * efmt_render_held() renders like efmt_render() except that a hole
 * adds nothing to out or a: its offset in out and its token are
 * appended to *holes (grown with xreallocarray; the caller frees it)
 * and *nholes.  efmt_fill() later appends to out the held text (len
 * bytes) with each hole rendered from ctx, and adds the holes' typed
 * fields to a (NULL: text only).  efmt_has_holes() says whether f has
 * any (f NULL: no).
 */
struct efmt_hole {
	size_t		 off;		/* where the value goes in the text */
	size_t		 tok;		/* private: the field token */
};

int	efmt_has_holes(const struct efmt *f);
void	efmt_render_held(const struct efmt *f, struct engine_ctx *ctx,
	    struct sbuf *out, struct alert *a, struct efmt_hole **holes,
	    size_t *nholes);
void	efmt_fill(const struct efmt *f, const char *text, size_t len,
	    const struct efmt_hole *holes, size_t nholes,
	    struct engine_ctx *ctx, struct sbuf *out, struct alert *a);

/* ---- the engine ------------------------------------------------------ */

/* Called for every alert; a is freed by the engine after the call. */
typedef void (*engine_alert_fn)(void *arg, const struct alert *a);

/*
 * One append_output entry of falco.yaml: for rules that match (every
 * set criterion), extra_output is appended to the output text after a
 * blank, suggested adds Falco's suggested container fields to the text,
 * and extra_fields go to the JSON output fields only: a field name
 * ("evt.hostname", typed) or "key=format" (a rendered string).
 */
struct engine_append {
	const char	*source;	/* NULL: any */
	const char	*rule;		/* NULL: any; the exact name */
	const char *const *tags;	/* the rule has every one of them */
	size_t		 ntags;
	const char	*extra_output;	/* NULL: none */
	int		 suggested;
	const char *const *extra_fields;
	size_t		 nextra_fields;
};

struct engine_opts {
	int		 match_all;	/* rule_matching: all */
	/* Runtime metadata for container.* and k8s.*; NULL: none (as in
	   replay).  Owned by the caller, must outlive the engine. */
	struct container_meta *cmeta;
	const struct engine_append *append;	/* in order */
	size_t		 nappend;
	const char	*hostname;	/* evt.hostname */
	engine_alert_fn	 alert;		/* NULL: count only */
	void		*alert_arg;
	/*
	 * With cmeta: how long an alert whose container's metadata is
	 * still being looked up waits for it before it goes out with
	 * <NA> (see engine_process()).  0: 500 ms; < 0: never wait.
	 */
	int		 hold_ms;
	/* buffer_format_base64: see engine_ctx.buf_b64. */
	int		 buffer_b64;
};

struct engine;

/*
 * An engine over the state and the rule set (both stay owned by the
 * caller and must outlive the engine; the rule set's selection and
 * priority must not change while the engine uses it: the engine keeps
 * each event type's rules, specialised for the type).  Output formats
 * of the enabled rules are compiled here; a bad one fails with the
 * rule's name.
 */
struct engine *engine_new(struct state *st, struct rules_set *rs,
	    const struct engine_opts *o, char **errp);
void	engine_free(struct engine *e);

/*
 * Process one event: update the state, then evaluate the rules of the
 * event's type in load order (stopping at the first match unless
 * match_all) and emit an alert for each match.  Returns the number of
 * rules that matched, those of injected container events included.
 *
 * Container events (with cmeta): when a container's pid 1 execs while
 * its metadata is still PENDING, the engine remembers the container and
 * that thread; the first engine_process() call after the runtime has
 * answered (a record, or none) first evaluates one synthetic event of
 * type FE_CONTAINER_JSON_2_E ("container"; one "json" parameter) for
 * it, on that thread, stamped with the newest timestamp seen so far.
 * A container whose metadata was READY or UNAVAILABLE at that exec gets
 * no container event: the exec itself carried what is known.  The event
 * is only evaluated, never shown to the state.  On an idle stream,
 * engine_tick() injects it.
 */
size_t	engine_process(struct engine *e, const struct fevt *ev);

/*
 * Held alerts (with cmeta): an alert that shows container.* or k8s.*
 * fields (the ids aside) of a container whose metadata is PENDING when
 * it matches is rendered at once except for those fields, and held; it
 * is emitted, fields filled, when the cache has answered (a record or
 * none), or after opts.hold_ms with <NA> in them.  Held alerts keep
 * their order among themselves; alerts of other containers and of the
 * host may overtake them.  engine_process() releases those that can go
 * before each event.  engine_tick() does the same, and injects the
 * container events that are due, for a caller whose source is idle
 * (call it every 100 ms or so).  engine_flush() emits every held alert
 * now, as it stands: call it before the alert callback goes away
 * (engine_free() drops what is still held, with a warning).
 * XXX conditions that test metadata fields are evaluated as the event
 * comes; only the container event re-evaluates them (see above).
 */
void	engine_tick(struct engine *e);
void	engine_flush(struct engine *e);

struct engine_stats {
	uint64_t	 events;
	uint64_t	 detections;
	uint64_t	 by_priority[8];
};

void	engine_get_stats(const struct engine *e, struct engine_stats *st);
/* Matches of the rule with load index id (0 when out of range). */
uint64_t engine_rule_count(const struct engine *e, size_t id);

/*
 * Falco's end-of-run summary: "Events detected: N", "Rule counts by
 * severity:" with one "   PRIORITY: N" line per non-zero priority, and
 * "Triggered rules by rule name:" with one "   RULE: N" line per rule
 * that matched.
 */
void	engine_print_stats(const struct engine *e, FILE *out);

#endif /* ENGINE_ENGINE_H */
