/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one-shot commands of the falco program: validation (-V), rule
 * descriptions (-L, -l) and field listings (--list).  Each returns the
 * process exit status.
 */
#ifndef FALCO_COMMANDS_H
#define FALCO_COMMANDS_H

#include "falco/cli.h"

int	cmd_validate(const struct cli *c);
int	cmd_describe(const struct cli *c);
int	cmd_list_fields(const struct cli *c);

#endif /* FALCO_COMMANDS_H */
