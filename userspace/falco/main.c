/* SPDX-License-Identifier: Apache-2.0 */
/*
 * falco: entry point.  Parses the command line, then runs the first
 * command that applies, in Falco's order: help, version, field listing,
 * validation, rule description.  Event processing is wired in later.
 */
#include <stdio.h>
#include <string.h>

#include "falco/cli.h"
#include "falco/commands.h"
#include "falco/run.h"
#include "engine/engine.h"
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
	return c->describe_all || c->describe != NULL || c->dry_run;
}

static const struct {
	int	(*applies)(const struct cli *);
	int	(*run)(const struct cli *);
} dispatch[] = {
	{ want_list, cmd_list_fields },
	{ want_validate, cmd_validate },
	{ want_describe, cmd_describe },
};

int
main(int argc, char **argv)
{
	struct cli c;
	size_t i;
	int rc = 1;

	log_init("falco", LOG_INFO, 1, 0);
	memset(&c, 0, sizeof(c));
	if (cli_parse(&c, argc, argv) != 0) {
		cli_usage(stderr);
		cli_free(&c);
		return 1;
	}
	filter_set_evtypes(filter_schema_evtypes());
	fields_init();
	engine_fields_init();
	if (c.help) {
		cli_usage(stdout);
		rc = 0;
	} else if (c.version) {
		printf("Falco version: %s\n", FALCO_VERSION);
		rc = 0;
	} else {
		for (i = 0; i < sizeof(dispatch) / sizeof(dispatch[0]); i++)
			if (dispatch[i].applies(&c))
				break;
		if (i < sizeof(dispatch) / sizeof(dispatch[0]))
			rc = dispatch[i].run(&c);
		else
			rc = cmd_run(&c);
	}
	cli_free(&c);
	return rc;
}
