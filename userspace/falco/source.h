/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The daemon's event source: the capture layer (userspace/capture) set
 * up from the command line and falco.yaml, and its glue to the drop
 * monitor and the container metadata.
 */
#ifndef FALCO_SOURCE_H
#define FALCO_SOURCE_H

#include "falco/cli.h"
#include "falco/drops.h"

struct capture;
struct config;
struct container_meta;
struct rules_set;
struct state;

/*
 * Open the source (-e FILE or engine.kind), give a live one the syscall
 * interest of rs and the base_syscalls settings.  Prints Falco-style
 * errors on stderr and returns NULL on failure.
 */
struct capture *source_open(const struct cli *c, const struct config *cfg,
	    struct rules_set *rs);

/*
 * Seed st and start the source: a live driver is attached before the
 * /proc scan, so that no process born during the scan is missed.
 * Prints the error and returns -1 on failure.
 */
int	source_start(struct capture *cap, struct state *st);

/* The metadata cache for a live run, or NULL for a replay.  The runtime
   sockets are container_metadata.sockets of cfg, or the container
   module's defaults when that key is absent.  The caller frees it after
   the engine. */
struct container_meta *source_cmeta(const struct capture *cap,
	    const struct config *cfg);

/* capture_stats_fn over a struct capture (arg). */
int	source_stats(void *arg, struct capture_stats *st);

#endif /* FALCO_SOURCE_H */
