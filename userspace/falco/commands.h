/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one-shot commands of the falco program: validation (-V), rule
 * descriptions (-L, -l) and field listings (--list).  Each returns the
 * process exit status.
 */
#ifndef FALCO_COMMANDS_H
#define FALCO_COMMANDS_H

#include <stdio.h>

#include "falco/cli.h"

int	cmd_validate(const struct cli *c);
int	cmd_describe(const struct cli *c);
int	cmd_list_fields(const struct cli *c);

struct config;

/* The version object as one line of JSON (malloc'd), Falco's keys. */
char	*versions_json(void);
/* --version: Falco's text block, or the JSON object when json. */
void	versions_print(FILE *out, int json);
/* --support: versions, system, command line, config and rules files. */
int	cmd_support(const struct cli *c, const struct config *cfg, int argc,
	    char **argv);
/* --list-events: every current event of the schema, by section. */
int	cmd_list_events(const struct cli *c);
/* -i: the I/O syscalls that the default syscall set leaves out. */
int	cmd_print_ignored(const struct cli *c);
/* --page-size */
int	cmd_page_size(const struct cli *c);

#endif /* FALCO_COMMANDS_H */
