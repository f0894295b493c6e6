/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The falco program's event processing: load the configuration and the
 * rules, replay the event source through state and rules, send alerts to
 * the outputs, print the summary.  Returns the process exit status
 * (0 at the end of the source or on SIGINT/SIGTERM, 1 on any error,
 * reported on stderr).
 */
#ifndef FALCO_RUN_H
#define FALCO_RUN_H

#include "falco/cli.h"

int	cmd_run(const struct cli *c);

#endif /* FALCO_RUN_H */
