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

#include <stddef.h>

#include "falco/cli.h"

struct config;
struct engine_append;
struct rules_set;

int	cmd_run(const struct cli *c);

/*
 * Helpers shared with the reload path (daemon.c), which builds a new
 * configuration and rule set the same way.
 */

/* append_output entries; strings point into the configuration. */
struct appends {
	struct engine_append *v;
	size_t		 n;
	char		**owned;	/* "key=format" extra fields */
	size_t		 nowned;
};

/* Read falco.yaml's append_output list into *ap (zeroed first). */
void	load_appends(const struct config *cfg, struct appends *ap);
void	appends_free(struct appends *ap);
/* Apply falco.yaml's `rules:` enable/disable selectors, in order. */
void	apply_selectors(const struct config *cfg, struct rules_set *rs);

/*
 * The keys for features this build does not have, checked at start as
 * Falco checks them: a plugin that falco.yaml asks to load (the ones
 * load_plugins names, or every `plugins` entry without load_plugins) is
 * an error, as in Falco when a plugin cannot be loaded, except the
 * container plugin, which is built in.  plugins_hostinfo,
 * engine.ebpf.probe outside engine.kind=ebpf and
 * engine.modern_ebpf.disable_iterators are noted in the log.  Prints
 * the error and returns -1, else 0.
 */
int	run_check_unsupported(const struct config *cfg);

#endif /* FALCO_RUN_H */
