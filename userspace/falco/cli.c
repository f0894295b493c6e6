/* SPDX-License-Identifier: Apache-2.0 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "falco/cli.h"
#include "rules/rules.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define CLI_DEFAULT_CONFIG	"/etc/falco/falco.yaml"

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

/* -w: the recording is a configuration key, so falco.yaml can set it. */
static int
opt_write(struct cli *c, const char *a)
{
	char *kv;

	xasprintf(&kv, "engine.capture_file=%s", a);
	c->overrides = xreallocarray(c->overrides, c->noverrides + 1,
	    sizeof(*c->overrides));
	c->overrides[c->noverrides++] = kv;
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

static int
opt_pidfile(struct cli *c, const char *a)
{
	c->pidfile = a;
	return 0;
}

static int
opt_support(struct cli *c, const char *a)
{
	c->support = 1;
	return 0;
}

static int
opt_list_events(struct cli *c, const char *a)
{
	c->list_events = 1;
	return 0;
}

static int
opt_ignored(struct cli *c, const char *a)
{
	c->print_ignored = 1;
	return 0;
}

static int
opt_page_size(struct cli *c, const char *a)
{
	c->page_size = 1;
	return 0;
}

static int
opt_format(struct cli *c, const char *a)
{
	if (strcmp(a, "text") != 0 && strcmp(a, "markdown") != 0 &&
	    strcmp(a, "json") != 0) {
		fprintf(stderr, "Error: --format must be one of text, "
		    "markdown, json: '%s'\n", a);
		return -1;
	}
	c->format = a;
	return 0;
}

static int
opt_markdown(struct cli *c, const char *a)
{
	log_warn("--markdown is deprecated, use --format markdown");
	c->format = "markdown";
	return 0;
}

/* -p: deprecated; -pc and -pk were container shortcuts, now no-ops. */
static int
opt_print(struct cli *c, const char *a)
{
	char *kv;

	if (strcmp(a, "c") == 0 || strcmp(a, "k") == 0 ||
	    strcmp(a, "container") == 0 || strcmp(a, "kubernetes") == 0) {
		log_warn("-p%s is deprecated and has no effect", a);
		return 0;
	}
	/* What it did is what an append_output entry without match does. */
	log_warn("-p is deprecated, use append_output in falco.yaml");
	xasprintf(&kv, "append_output[].extra_output=%s", a);
	c->overrides = xreallocarray(c->overrides, c->noverrides + 1,
	    sizeof(*c->overrides));
	c->overrides[c->noverrides++] = kv;
	return 0;
}

/* Falco's plugin options: this build loads no plugins. */
static int
opt_plugins(struct cli *c, const char *a)
{
	fprintf(stderr, "Error: plugins are not supported by this build "
	    "(container metadata, which Falco gets from its container "
	    "plugin, is built in)\n");
	return -1;
}

static int
opt_enable_source(struct cli *c, const char *a)
{
	push(&c->enable_sources, &c->nenable_sources, a);
	return 0;
}

static int
opt_disable_source(struct cli *c, const char *a)
{
	push(&c->disable_sources, &c->ndisable_sources, a);
	return 0;
}

/*
 * Options Falco removed, with what replaced them, so that an old unit
 * file fails with a useful message rather than a bare "unknown option".
 */
static const struct removed_opt {
	const char	*lng;
	int		 shrt;
	int		 has_arg;
	const char	*since;
	const char	*instead;
} removed[] = {
	{ NULL, 'd', no_argument, "0.36",
	    "a systemd unit (falco-modern-bpf.service, falco-kmod.service)" },
	{ NULL, 's', required_argument, "0.36",
	    "the metrics section of falco.yaml" },
	{ "stats-interval", 0, required_argument, "0.36",
	    "metrics.interval in falco.yaml" },
	{ "stats_interval", 0, required_argument, "0.36",
	    "metrics.interval in falco.yaml" },
	{ "list-syscall-events", 0, no_argument, "0.36", "--list-events" },
	{ NULL, 'k', required_argument, "0.37", "the k8smeta plugin" },
	{ NULL, 'K', required_argument, "0.37", "the k8smeta plugin" },
	{ "k8s-node", 0, required_argument, "0.37", "the k8smeta plugin" },
	{ NULL, 'u', no_argument, "0.37", "engine.kind in falco.yaml" },
	{ "modern-bpf", 0, no_argument, "0.38",
	    "-o engine.kind=modern_ebpf" },
	{ "nodriver", 0, no_argument, "0.38", "-o engine.kind=nodriver" },
	{ NULL, 'g', required_argument, "0.38", "engine.kind=gvisor" },
	{ "gvisor-root", 0, required_argument, "0.38", "engine.gvisor.root" },
	{ "gvisor-config", 0, required_argument, "0.38",
	    "engine.gvisor.config" },
	{ NULL, 'T', required_argument, "0.39",
	    "the rules: selection in falco.yaml" },
	{ NULL, 't', required_argument, "0.39",
	    "the rules: selection in falco.yaml" },
	{ NULL, 'D', required_argument, "0.39",
	    "the rules: selection in falco.yaml" },
	{ NULL, 'A', no_argument, "0.41", "-o base_syscalls.all=true" },
	{ NULL, 'b', no_argument, "0.41",
	    "-o buffer_format_base64=true" },
	{ NULL, 'S', required_argument, "0.41",
	    "-o falco_libs.snaplen=<len>" },
	{ "cri", 0, required_argument, "0.41", "the container plugin" },
	{ "disable-cri-async", 0, no_argument, "0.41",
	    "the container plugin" },
	{ "gvisor-generate-config", 0, optional_argument, "0.44", NULL },
};

#define NREMOVED	(sizeof(removed) / sizeof(removed[0]))

static const struct clopt {
	const char	*lng;
	int		 shrt;		/* 0: long only */
	int		 has_arg;	/* getopt_long's has_arg */
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
	{ NULL, 'w', required_argument, opt_write, "<file>",
	    "Record the live events to a .scap file (engine.capture_file)." },
	{ NULL, 'M', required_argument, opt_duration, "<secs>",
	    "Stop after this many seconds of events." },
	{ "unbuffered", 'U', no_argument, opt_unbuffered, NULL,
	    "Do not buffer outputs." },
	{ "pidfile", 'P', required_argument, opt_pidfile, "<path>",
	    "Write the process id to this file; removed at exit." },
	{ "version", 0, no_argument, opt_version, NULL,
	    "Print the version and exit (JSON with json_output)." },
	{ "support", 0, no_argument, opt_support, NULL,
	    "Print support information (versions, config, rules) as "
	    "JSON and exit." },
	{ "list-events", 0, no_argument, opt_list_events, NULL,
	    "List the events of the driver schema and exit." },
	{ NULL, 'i', no_argument, opt_ignored, NULL,
	    "Print the I/O syscalls that are not traced by default." },
	{ "page-size", 0, no_argument, opt_page_size, NULL,
	    "Print the system page size and exit." },
	{ "format", 0, required_argument, opt_format,
	    "text|markdown|json", "Format of the listings." },
	{ "markdown", 0, no_argument, opt_markdown, NULL,
	    "Deprecated: --format markdown." },
	{ "print", 'p', required_argument, opt_print, "<format>",
	    "Deprecated: appended to every rule output." },
	{ "enable-source", 0, required_argument, opt_enable_source,
	    "<source>", "Enable only this event source; repeatable." },
	{ "disable-source", 0, required_argument, opt_disable_source,
	    "<source>", "Disable this event source; repeatable." },
	{ "list-plugins", 0, no_argument, opt_plugins, NULL,
	    "Not supported: this build loads no plugins." },
	{ "plugin-info", 0, required_argument, opt_plugins, "<name>",
	    "Not supported: this build loads no plugins." },
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

/* The removed option an getopt value stands for, or NULL. */
static const struct removed_opt *
removed_of(int ch)
{
	size_t j;

	if (ch >= 1024 && ch < 1024 + (int)NREMOVED)
		return &removed[ch - 1024];
	for (j = 0; j < NREMOVED; j++)
		if (removed[j].shrt != 0 && removed[j].shrt == ch)
			return &removed[j];
	return NULL;
}

static int
report_removed(const struct removed_opt *r)
{
	char name[64];

	if (r->lng != NULL)
		snprintf(name, sizeof(name), "--%s", r->lng);
	else
		snprintf(name, sizeof(name), "-%c", r->shrt);
	fprintf(stderr, "Error: Option '%s' was removed in Falco %s%s%s\n",
	    name, r->since, r->instead != NULL ? "; use " : "",
	    r->instead != NULL ? r->instead : "");
	return -1;
}

/* The name of the option that failed, as the user typed it. */
static void
report_bad(int ch, const char *arg)
{
	const char *name = arg;
	size_t len;

	while (*name == '-')
		name++;
	len = strcspn(name, "=");
	if (ch == ':')
		fprintf(stderr, "Error: Option '%.*s' is missing an "
		    "argument\n", (int)len, name);
	else
		fprintf(stderr, "Error: Option '%.*s' does not exist\n",
		    (int)len, name);
}

int
cli_parse(struct cli *c, int argc, char **argv)
{
	struct option lopts[NOPTS + NREMOVED + 1];
	char sopts[3 * (NOPTS + NREMOVED) + 2], *sp = sopts;
	const struct removed_opt *rm;
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
	for (i = 0; i < NREMOVED; i++) {
		if (removed[i].lng != NULL) {
			lopts[nl].name = removed[i].lng;
			lopts[nl].has_arg = removed[i].has_arg;
			lopts[nl].flag = NULL;
			lopts[nl].val = 1024 + (int)i;
			nl++;
		} else {
			*sp++ = (char)removed[i].shrt;
			if (removed[i].has_arg == required_argument)
				*sp++ = ':';
		}
	}
	*sp = '\0';
	memset(&lopts[nl], 0, sizeof(lopts[nl]));
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, sopts, lopts, &idx)) != -1) {
		const char *arg = optarg;

		if (ch == '?' || ch == ':') {
			if (optopt != 0 && optopt < 256 &&
			    argv[optind - 1][1] != '-') {
				char sn[2] = { (char)optopt, '\0' };

				report_bad(ch, sn);
			} else
				report_bad(ch, argv[optind - 1]);
			return -1;
		}
		if ((rm = removed_of(ch)) != NULL)
			return report_removed(rm);
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
	if (c->nenable_sources > 0 && c->ndisable_sources > 0) {
		fprintf(stderr, "Error: You can not mix --enable-source and "
		    "--disable-source\n");
		return -1;
	}
	if (c->config == NULL && access(CLI_DEFAULT_CONFIG, F_OK) == 0)
		c->config = CLI_DEFAULT_CONFIG;
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
	for (i = 0; i < c->nenable_sources; i++)
		free(c->enable_sources[i]);
	for (i = 0; i < c->ndisable_sources; i++)
		free(c->disable_sources[i]);
	free(c->enable_sources);
	free(c->disable_sources);
	free(c->rules);
	free(c->validate);
	free(c->overrides);
}
