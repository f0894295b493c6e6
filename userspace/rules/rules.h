/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Falco-format rules files: loading, validation reports and the compiled
 * rule set.
 *
 * A loader accumulates every file loaded into it, in order, exactly as
 * Falco does: lists, macros and rules of later files replace or extend
 * those of earlier ones, and after each file the whole accumulated state
 * is compiled again (so a later file cannot satisfy an earlier file's
 * reference, and a failure names the file being loaded).
 *
 *   struct rules_loader *l = rules_loader_new();
 *   struct rules_result *r = rules_load_file(l, "/etc/falco/x.yaml");
 *   if (!rules_result_ok(r)) ... rules_result_verbose(r, &sb) ...
 *   rules_result_free(r);
 *   const struct rules_set *rs = rules_loader_ruleset(l);
 *
 * Conditions are compiled against the field registry of filter/filter.h;
 * evt.type names are checked with the resolver installed there.
 */
#ifndef RULES_RULES_H
#define RULES_RULES_H

#include <stddef.h>
#include <stdint.h>

struct sbuf;
struct filter;
struct ast;

/* Falco's engine version this loader implements. */
#define RULES_ENGINE_VERSION_MAJOR	0
#define RULES_ENGINE_VERSION_MINOR	63
#define RULES_ENGINE_VERSION_PATCH	0

/* Priorities, most severe first; the numbers are syslog levels. */
enum rules_priority {
	PRIO_EMERGENCY, PRIO_ALERT, PRIO_CRITICAL, PRIO_ERROR, PRIO_WARNING,
	PRIO_NOTICE, PRIO_INFORMATIONAL, PRIO_DEBUG
};

/* Parse a priority name (case-insensitive, "info" too); -1 if unknown. */
int	rules_priority_parse(const char *s);
/* "Emergency" ... "Debug". */
const char *rules_priority_name(int prio);

/* ---- load results ------------------------------------------------ */

enum rules_error_code {
	LOAD_ERR_FILE_READ, LOAD_ERR_YAML_PARSE, LOAD_ERR_YAML_VALIDATE,
	LOAD_ERR_COMPILE_CONDITION, LOAD_ERR_COMPILE_OUTPUT,
	LOAD_ERR_VALIDATE, LOAD_ERR_EXTENSION
};

enum rules_warning_code {
	LOAD_UNKNOWN_SOURCE, LOAD_UNSAFE_NA_CHECK, LOAD_NO_EVTTYPE,
	LOAD_UNKNOWN_FILTER, LOAD_UNUSED_MACRO, LOAD_UNUSED_LIST,
	LOAD_UNKNOWN_ITEM, LOAD_DEPRECATED_ITEM, LOAD_WARNING_EXTENSION,
	LOAD_APPEND_NO_VALUES, LOAD_EXCEPTION_NAME_NOT_UNIQUE,
	LOAD_INVALID_MACRO_NAME, LOAD_INVALID_LIST_NAME,
	LOAD_COMPILE_CONDITION, LOAD_UNKNOWN_KEY
};

/* The outcome of loading one file: errors and warnings with their
 * location chain (file:line:column, 0-based as Falco prints them). */
struct rules_result;

int	rules_result_ok(const struct rules_result *r);
int	rules_result_has_warnings(const struct rules_result *r);
size_t	rules_result_nerrors(const struct rules_result *r);
size_t	rules_result_nwarnings(const struct rules_result *r);
/* Code and message of error/warning i ("LOAD_ERR_VALIDATE", text). */
const char *rules_result_error_code(const struct rules_result *r, size_t i);
const char *rules_result_error_msg(const struct rules_result *r, size_t i);
const char *rules_result_warning_code(const struct rules_result *r,
	    size_t i);
const char *rules_result_warning_msg(const struct rules_result *r,
	    size_t i);

/*
 * Schema validation of the file's structure (unknown keys, wrong value
 * types; Falco's JSON schema): 1 valid, 0 not (the messages are in the
 * reports; the load may still be successful), -1 not run (no document).
 */
int	rules_result_schema_valid(const struct rules_result *r);

/* "<name>: Ok" / "Ok, with warnings" / "Invalid" plus code lists. */
void	rules_result_summary(const struct rules_result *r,
	    struct sbuf *out);
/* The same with each problem's context chain, snippet and message. */
void	rules_result_verbose(const struct rules_result *r,
	    struct sbuf *out);
/* One {name, successful, errors, warnings} object (compact JSON). */
void	rules_result_json(const struct rules_result *r, struct sbuf *out);
void	rules_result_free(struct rules_result *r);

/* ---- loading ----------------------------------------------------- */

struct rules_loader;

struct rules_loader *rules_loader_new(void);
void	rules_loader_free(struct rules_loader *l);

/*
 * Event sources rules may name.  "syscall" is always known; a rule of an
 * unknown source is skipped with LOAD_UNKNOWN_SOURCE.
 */
void	rules_loader_add_source(struct rules_loader *l, const char *source);

/*
 * Check the required_plugin_versions of everything loaded so far against
 * the plugins this engine has: the container plugin is built in at
 * RULES_CONTAINER_PLUGIN_VERSION.  Returns 0, or -1 with Falco's message
 * in err (Falco checks this after each file, outside the load result).
 */
#define RULES_CONTAINER_PLUGIN_VERSION	"0.9.0"
int	rules_loader_check_plugins(const struct rules_loader *l, char *err,
	    size_t errsz);

/* Load rules text under a name (usually the path).  Never NULL. */
struct rules_result *rules_load_content(struct rules_loader *l,
	    const char *name, const char *content, size_t len);
/*
 * Read a file and load it; a read failure, and a directory, are
 * LOAD_ERR_FILE_READ naming the path.
 */
struct rules_result *rules_load_file(struct rules_loader *l,
	    const char *path);

/*
 * Expand a rules_files entry: a file is itself, a directory gives its
 * *.yaml and *.yml files in sorted order (not recursive).  A missing
 * .yaml or .yml path, and a directory that cannot be opened, are kept as
 * they are, so that loading them fails naming them; any other missing
 * path (an absent rules.d) gives nothing and a logged warning.  Paths
 * are appended to *paths (caller frees each).
 */
void	rules_expand_path(const char *path, char ***paths, size_t *npaths);

/* ---- the compiled rule set --------------------------------------- */

struct rule {
	size_t		 id;		/* load order, from 0 */
	const char	*name;
	const char	*desc;
	const char	*output;	/* after append/override */
	const char	*source;
	int		 priority;	/* enum rules_priority */
	const char	*const *tags;	/* sorted, unique */
	size_t		 ntags;
	int		 enabled;	/* after selection */
	int		 capture;
	uint64_t	 capture_duration;
	int		 warn_evttypes;
	int		 skip_if_unknown_filter;
	const char	*condition_raw;	/* as written, after appends */
	const char	*condition;	/* expanded, canonical text */
	const struct ast *ast;		/* expanded tree */
	const struct filter *filter;	/* compiled condition */
	/* Event type ids (bitmap of nevtbits bits); NULL means every
	 * event (no resolver was installed). */
	const uint8_t	*evttypes;
	size_t		 nevtbits;
	size_t		 nevttypes;	/* bits set */
};

struct rules_list_view {
	const char	*name;
	const char	*const *items;	/* expanded (nested lists inlined) */
	size_t		 nitems;
	int		 used;
};

struct rules_macro_view {
	const char	*name;
	const char	*condition;	/* as written, after appends */
	int		 used;
};

struct rules_set;

/* The rule set of the last successful load; NULL before one. */
struct rules_set *rules_loader_ruleset(struct rules_loader *l);

size_t	rules_count(const struct rules_set *rs);
const struct rule *rules_get(const struct rules_set *rs, size_t i);
const struct rule *rules_find(const struct rules_set *rs, const char *name);
size_t	rules_nlists(const struct rules_set *rs);
const struct rules_list_view *rules_list(const struct rules_set *rs,
	    size_t i);
size_t	rules_nmacros(const struct rules_set *rs);
const struct rules_macro_view *rules_macro(const struct rules_set *rs,
	    size_t i);

/*
 * Selection, applied in call order after loading (falco.yaml `rules:`):
 * enable or disable the rules whose name matches a wildcard (only '*' is
 * special, as in Falco), or that carry a tag.  Returns how many matched.
 */
size_t	rules_select_name(struct rules_set *rs, const char *glob, int enable);
size_t	rules_select_tag(struct rules_set *rs, const char *tag, int enable);
/* Rules less severe than prio are never run (falco.yaml `priority`). */
void	rules_set_min_priority(struct rules_set *rs, int prio);

/*
 * The runnable rules (enabled, severe enough, of source "source") that
 * can match event type id evttype, in load order; rules without type
 * information (no resolver installed) are in every bucket.  Buckets are
 * rebuilt lazily after a selection change, so calls must not race with
 * rules_select_*() / rules_set_min_priority().  Returns the array (owned
 * by rs, valid until the next change); *n is its length.
 */
const struct rule *const *rules_for_evttype(struct rules_set *rs,
	    const char *source, uint16_t evttype, size_t *n);

#endif /* RULES_RULES_H */
