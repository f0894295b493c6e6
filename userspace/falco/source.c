/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The daemon's event source: see source.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/capture.h"
#include "config/config.h"
#include "container/container.h"
#include "falco/source.h"
#include "state/state.h"
#include "util/log.h"

struct capture *
source_open(const struct cli *c, const struct config *cfg,
    struct rules_set *rs)
{
	struct capture_opts o;
	struct capture_interest in;
	struct capture *cap;
	char err[1024];

	if (capture_opts_from_config(&o, cfg, c->trace_file, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "Error: %s\n", err);
		return NULL;
	}
	if (o.kind != CAPTURE_REPLAY) {
		log_info("Opening '%s' source: %u bytes per ring buffer%s, "
		    "drop_failed_exit %s", capture_kind_name(o.kind),
		    o.ring_bytes, o.kind == CAPTURE_MODERN_EBPF ?
		    (o.cpus_per_ring == 0 ? ", one ring for all CPUs" : "") :
		    "", o.drop_failed ? "on" : "off");
		if (o.kind == CAPTURE_MODERN_EBPF && o.cpus_per_ring > 0)
			log_info("One ring buffer every '%u' CPUs",
			    o.cpus_per_ring);
	}
	if ((cap = capture_open(&o, err, sizeof(err))) == NULL) {
		fprintf(stderr, "Error: %s\n", err);
		if (o.kind == CAPTURE_KMOD)
			fprintf(stderr, "Load the module with "
			    "'falco-driver-loader kmod' (as root), or use the "
			    "modern eBPF driver: -o engine.kind=modern_ebpf\n");
		return NULL;
	}
	if (!capture_is_live(cap))
		return cap;
	if (capture_interest_build(&in, rs, cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "Error: %s\n", err);
		goto fail;
	}
	if (capture_set_interest(cap, &in) != 0) {
		fprintf(stderr, "Error: %s\n", capture_error(cap));
		goto fail;
	}
	log_info("Opening '%s' source with %zu syscalls of interest%s",
	    capture_kind_name(o.kind), in.count, in.all ? " (all)" : "");
	return cap;
fail:
	(void)capture_close(cap);
	return NULL;
}

int
source_start(struct capture *cap, struct state *st)
{
	int live = capture_is_live(cap);

	if (live && capture_start(cap) != 0)
		goto fail;
	if (capture_seed_state(cap, st) < 0)
		goto fail;
	if (!live && capture_start(cap) != 0)
		goto fail;
	return 0;
fail:
	fprintf(stderr, "Error: %s\n", capture_error(cap));
	return -1;
}

struct container_meta *
source_cmeta(const struct capture *cap, const struct config *cfg)
{
	struct container_meta_options o;
	struct container_meta *cm;
	const char **socks;
	size_t n;

	if (!capture_is_live(cap))
		return NULL;
	container_meta_options_init(&o);
	/* The option strings are copied by container_meta_new(). */
	if ((socks = config_str_list(cfg, "container_metadata.sockets",
	    &n)) != NULL)
		o.sockets = socks;
	o.podman_storage = config_str(cfg, "container_metadata.podman_storage",
	    o.podman_storage);
	cm = container_meta_new(&o);
	free(socks);
	return cm;
}

int
source_stats(void *arg, struct capture_stats *st)
{
	struct capture_counters cc;

	memset(st, 0, sizeof(*st));
	if (capture_stats(arg, &cc) != 0)
		return -1;
	st->n_evts = cc.n_evts;
	st->n_drops = cc.n_drops;
	st->n_drops_buffer = cc.n_drops_buffer;
	/* XXX: the drivers do not count buffer drops by event kind yet. */
	st->n_drops_buffer_cat[DROP_OTHER_INTEREST] = cc.n_drops_buffer;
	st->n_drops_scratch_map = cc.n_drops_scratch;
	st->n_drops_page_faults = cc.n_user_faults;
	st->n_drops_bug = cc.n_drops_bug + cc.n_drops_too_big +
	    cc.n_drops_no_ring;
	st->ebpf = cc.ebpf;
	return 0;
}
