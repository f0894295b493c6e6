/* SPDX-License-Identifier: Apache-2.0 */
/*
 * falco: entry point.  Parses the command line, then runs the first
 * command that applies, in Falco's order: help, informational commands,
 * field listing, validation, rule description, dry-run; otherwise the
 * daemon itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "engine/engine.h"
#include "falco/cli.h"
#include "falco/commands.h"
#include "falco/daemon.h"
#include "falco/run.h"
#include "filter/filter.h"
#include "util/log.h"

static int
want_list(const struct cli *c)
{
	return c->list_fields;
}

static int
want_validate(const struct cli *c)
{
	return c->nvalidate > 0;
}

static int
want_describe(const struct cli *c)
{
	return c->describe_all || c->describe != NULL;
}

static int
want_dry_run(const struct cli *c)
{
	return c->dry_run;
}

static const struct {
	int	(*applies)(const struct cli *);
	int	(*run)(const struct cli *);
} dispatch[] = {
	{ want_list, cmd_list_fields },
	{ want_validate, cmd_validate },
	{ want_describe, cmd_describe },
	{ want_dry_run, daemon_dry_run },
};

/*
 * Event sources: this build has one, "syscall".  Falco refuses to
 * enable an unknown source and to run with every source disabled.
 */
static int
check_sources(const struct cli *c)
{
	size_t i;
	int syscall_on = 1;

	for (i = 0; i < c->nenable_sources; i++)
		if (strcmp(c->enable_sources[i], "syscall") != 0) {
			fprintf(stderr, "Error: Attempted enabling an unknown "
			    "source: %s\n", c->enable_sources[i]);
			return -1;
		}
	for (i = 0; i < c->ndisable_sources; i++) {
		if (strcmp(c->disable_sources[i], "syscall") == 0)
			syscall_on = 0;
		else {
			fprintf(stderr, "Error: Attempted disabling an "
			    "unknown source: %s\n", c->disable_sources[i]);
			return -1;
		}
	}
	if (!syscall_on) {
		fprintf(stderr, "Error: Must enable at least one event "
		    "source\n");
		return -1;
	}
	return 0;
}

/* The configuration for the commands that read it (-c, -o). */
static struct config *
load_config(const struct cli *c)
{
	struct config *cfg = config_new();
	char *errp = NULL;
	int r;

	if (c->config != NULL)
		r = config_load(cfg, c->config, c->overrides, c->noverrides,
		    0, &errp);
	else
		r = config_load_string(cfg, "", 0, "<defaults>", c->overrides,
		    c->noverrides, 0, &errp);
	if (r != 0) {
		fprintf(stderr, "Error: %s\n", errp != NULL ? errp : "");
		config_free(cfg);
		cfg = NULL;
	}
	free(errp);
	return cfg;
}

int
main(int argc, char **argv)
{
	struct config *cfg = NULL;
	struct cli c;
	size_t i;
	int rc = 1;

	/* Before any thread exists: see daemon_block_signals(). */
	daemon_block_signals();
	log_init("falco", LOG_INFO, 1, 0);
	memset(&c, 0, sizeof(c));
	if (cli_parse(&c, argc, argv) != 0) {
		fprintf(stderr, "Run 'falco --help' for the options.\n");
		cli_free(&c);
		return 1;
	}
	if (c.help) {
		cli_usage(stdout);
		rc = 0;
		goto out;
	}
	if (c.page_size) {
		rc = cmd_page_size(&c);
		goto out;
	}
	if (check_sources(&c) != 0)
		goto out;
	if (c.version || c.support) {
		if ((cfg = load_config(&c)) == NULL)
			goto out;
		if (c.version) {
			versions_print(stdout, (c.format != NULL &&
			    strcmp(c.format, "json") == 0) ||
			    config_bool(cfg, "json_output", 0));
			rc = 0;
		} else
			rc = cmd_support(&c, cfg, argc, argv);
		goto out;
	}
	if (c.list_events) {
		rc = cmd_list_events(&c);
		goto out;
	}
	if (c.print_ignored) {
		rc = cmd_print_ignored(&c);
		goto out;
	}
	filter_set_evtypes(filter_schema_evtypes());
	fields_init();
	engine_fields_init();
	for (i = 0; i < sizeof(dispatch) / sizeof(dispatch[0]); i++)
		if (dispatch[i].applies(&c))
			break;
	if (i < sizeof(dispatch) / sizeof(dispatch[0]))
		rc = dispatch[i].run(&c);
	else
		rc = cmd_run(&c);
out:
	config_free(cfg);
	cli_free(&c);
	return rc;
}
