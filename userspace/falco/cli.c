/* SPDX-License-Identifier: Apache-2.0 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "falco/cli.h"
#include "rules/rules.h"
#include "util/log.h"
#include "util/xmalloc.h"

static void
push(char ***v, size_t *n, const char *s)
{
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = xstrdup(s);
}

static int
opt_config(struct cli *c, const char *a)
{
	c->config = a;
	return 0;
}

static int
opt_rules(struct cli *c, const char *a)
{
	push(&c->rules, &c->nrules, a);
	return 0;
}

static int
opt_validate(struct cli *c, const char *a)
{
	push(&c->validate, &c->nvalidate, a);
	return 0;
}

static int
opt_override(struct cli *c, const char *a)
{
	if (strchr(a, '=') == NULL) {
		fprintf(stderr, "Error: -o must be of the form key=value: "
		    "'%s'\n", a);
		return -1;
	}
	push(&c->overrides, &c->noverrides, a);
	return 0;
}

static int
opt_describe_all(struct cli *c, const char *a)
{
	c->describe_all = 1;
	return 0;
}

static int
opt_describe(struct cli *c, const char *a)
{
	c->describe = a;
	return 0;
}

static int
opt_list(struct cli *c, const char *a)
{
	c->list_fields = 1;
	c->list_source = a;
	return 0;
}

static int
opt_names(struct cli *c, const char *a)
{
	c->names_only = 1;
	return 0;
}

static int
opt_version(struct cli *c, const char *a)
{
	c->version = 1;
	return 0;
}

static int
opt_help(struct cli *c, const char *a)
{
	c->help = 1;
	return 0;
}

static int
opt_verbose(struct cli *c, const char *a)
{
	c->verbose = 1;
	return 0;
}

static int
opt_dry_run(struct cli *c, const char *a)
{
	c->dry_run = 1;
	return 0;
}

static int
opt_trace(struct cli *c, const char *a)
{
	c->trace_file = a;
	return 0;
}

static int
opt_duration(struct cli *c, const char *a)
{
	char *end;

	c->duration = strtol(a, &end, 10);
	if (*a == '\0' || *end != '\0' || c->duration < 0) {
		fprintf(stderr, "Error: -M needs a number of seconds: '%s'\n",
		    a);
		return -1;
	}
	return 0;
}

static int
opt_unbuffered(struct cli *c, const char *a)
{
	c->unbuffered = 1;
	return 0;
}

static const struct clopt {
	const char	*lng;
	int		 shrt;		/* 0: long only */
	int		 has_arg;	/* no_argument, required_, optional_ */
	int		(*fn)(struct cli *, const char *);
	const char	*arg;
	const char	*help;
} clopts[] = {
	{ "config", 'c', required_argument, opt_config, "<path>",
	    "Configuration file (default /etc/falco/falco.yaml)." },
	{ "rules", 'r', required_argument, opt_rules, "<path>",
	    "Rules file or directory; repeatable; replaces rules_files." },
	{ "validate", 'V', required_argument, opt_validate, "<path>",
	    "Validate a rules file and exit; repeatable." },
	{ "option", 'o', required_argument, opt_override, "<key>=<val>",
	    "Set a configuration key; repeatable." },
	{ NULL, 'L', no_argument, opt_describe_all, NULL,
	    "Show the loaded rules (JSON of rules, macros, lists with "
	    "json_output)." },
	{ NULL, 'l', required_argument, opt_describe, "<rule>",
	    "Show one rule." },
	{ "list", 0, optional_argument, opt_list, "[<source>]",
	    "List the fields usable in conditions and outputs." },
	{ NULL, 'N', no_argument, opt_names, NULL,
	    "With --list, print field names only." },
	{ NULL, 'v', no_argument, opt_verbose, NULL,
	    "Verbose output (field types in --list)." },
	{ "dry-run", 0, no_argument, opt_dry_run, NULL,
	    "Load configuration and rules, then exit." },
	{ NULL, 'e', required_argument, opt_trace, "<file>",
	    "Replay a capture file (same as -o engine.kind=replay)." },
	{ NULL, 'M', required_argument, opt_duration, "<secs>",
	    "Stop after this many seconds of events." },
	{ "unbuffered", 'U', no_argument, opt_unbuffered, NULL,
	    "Do not buffer outputs." },
	{ "version", 0, no_argument, opt_version, NULL,
	    "Print the version and exit." },
	{ "help", 'h', no_argument, opt_help, NULL, "Print this help." },
};

#define NOPTS	(sizeof(clopts) / sizeof(clopts[0]))

void
cli_usage(FILE *out)
{
	size_t i;
	char lhs[64];

	fprintf(out, "Usage: falco [options]\n\nOptions:\n");
	for (i = 0; i < NOPTS; i++) {
		const struct clopt *o = &clopts[i];

		if (o->shrt && o->lng)
			snprintf(lhs, sizeof(lhs), "-%c, --%s%s%s", o->shrt,
			    o->lng, o->arg ? " " : "", o->arg ? o->arg : "");
		else if (o->shrt)
			snprintf(lhs, sizeof(lhs), "-%c%s%s", o->shrt,
			    o->arg ? " " : "", o->arg ? o->arg : "");
		else
			snprintf(lhs, sizeof(lhs), "--%s%s%s", o->lng,
			    o->arg ? " " : "", o->arg ? o->arg : "");
		fprintf(out, "  %-28s %s\n", lhs, o->help);
	}
}

/* The -o keys this program understands so far; others are kept. */
static int
apply_override(struct cli *c, const char *kv)
{
	const char *eq = strchr(kv, '=');
	size_t klen = (size_t)(eq - kv);
	const char *v = eq + 1;
	int p;

	if (klen == strlen("json_output") &&
	    strncmp(kv, "json_output", klen) == 0) {
		if (strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0 ||
		    strcasecmp(v, "yes") == 0 || strcasecmp(v, "on") == 0)
			c->json_output = 1;
		else if (strcasecmp(v, "false") == 0 || strcmp(v, "0") == 0 ||
		    strcasecmp(v, "no") == 0 || strcasecmp(v, "off") == 0)
			c->json_output = 0;
		else {
			fprintf(stderr, "Error: invalid boolean for "
			    "json_output: '%s'\n", v);
			return -1;
		}
	} else if (klen == strlen("priority") &&
	    strncmp(kv, "priority", klen) == 0) {
		if ((p = rules_priority_parse(v)) < 0) {
			fprintf(stderr, "Error: Unknown priority value: %s\n",
			    v);
			return -1;
		}
		c->min_priority = p;
	} else
		log_debug("-o %s: not used by this program yet", kv);
	return 0;
}

int
cli_parse(struct cli *c, int argc, char **argv)
{
	struct option lopts[NOPTS + 1];
	char sopts[3 * NOPTS + 2], *sp = sopts;
	size_t i, nl = 0;
	int ch, idx;

	c->min_priority = PRIO_DEBUG;
	*sp++ = ':';
	for (i = 0; i < NOPTS; i++) {
		const struct clopt *o = &clopts[i];

		if (o->lng != NULL) {
			lopts[nl].name = o->lng;
			lopts[nl].has_arg = o->has_arg;
			lopts[nl].flag = NULL;
			lopts[nl].val = o->shrt ? o->shrt : 256 + (int)i;
			nl++;
		}
		if (o->shrt) {
			*sp++ = (char)o->shrt;
			if (o->has_arg == required_argument)
				*sp++ = ':';
		}
	}
	*sp = '\0';
	memset(&lopts[nl], 0, sizeof(lopts[nl]));
	optind = 1;
	while ((ch = getopt_long(argc, argv, sopts, lopts, &idx)) != -1) {
		const char *arg = optarg;

		if (ch == '?' || ch == ':') {
			fprintf(stderr, "Error: %s option '%s'\n",
			    ch == '?' ? "unknown" : "missing argument for",
			    argv[optind - 1]);
			return -1;
		}
		for (i = 0; i < NOPTS; i++)
			if ((clopts[i].shrt && clopts[i].shrt == ch) ||
			    (!clopts[i].shrt && 256 + (int)i == ch))
				break;
		if (i == NOPTS)
			return -1;
		/* "--list syscall": an optional argument given apart */
		if (clopts[i].has_arg == optional_argument && arg == NULL &&
		    optind < argc && argv[optind][0] != '-')
			arg = argv[optind++];
		if (clopts[i].fn(c, arg) != 0)
			return -1;
	}
	if (optind < argc) {
		fprintf(stderr, "Error: unexpected argument '%s'\n",
		    argv[optind]);
		return -1;
	}
	for (i = 0; i < c->noverrides; i++)
		if (apply_override(c, c->overrides[i]) != 0)
			return -1;
	return 0;
}

void
cli_free(struct cli *c)
{
	size_t i;

	for (i = 0; i < c->nrules; i++)
		free(c->rules[i]);
	for (i = 0; i < c->nvalidate; i++)
		free(c->validate[i]);
	for (i = 0; i < c->noverrides; i++)
		free(c->overrides[i]);
	free(c->rules);
	free(c->validate);
	free(c->overrides);
}
