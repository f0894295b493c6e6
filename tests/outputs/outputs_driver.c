/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A small program for the script tests: load a falco.yaml (with -o
 * overrides) the way the daemon will, build the output channels from it,
 * send N test alerts and stop.  Exit status: 0 when every alert was
 * delivered by every channel, 1 on a configuration error (printed as
 * "file:line:col: message"), 2 when some alert was not delivered.
 *
 *   outputs_driver -c falco.yaml [-o key=value]... [-n N] [-U]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config/config.h"
#include "outputs/outputs.h"
#include "util/log.h"
#include "util/xmalloc.h"

static void
usage(void)
{
	fprintf(stderr, "usage: outputs_driver -c config [-o key=value]... "
	    "[-n count] [-U]\n");
	exit(1);
}

int
main(int argc, char **argv)
{
	struct outputs_options oo;
	struct outputs_chan_stats cs;
	struct outputs *out;
	struct config *cfg;
	struct alert *a;
	const char *path = NULL;
	char **opts = NULL, *err = NULL, msg[64];
	size_t nopts = 0, i;
	int ch, n = 1, unbuffered = 0, k, rc = 0;

	while ((ch = getopt(argc, argv, "c:o:n:U")) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'o':
			opts = xreallocarray(opts, nopts + 1, sizeof(*opts));
			opts[nopts++] = optarg;
			break;
		case 'n':
			n = atoi(optarg);
			break;
		case 'U':
			unbuffered = 1;
			break;
		default:
			usage();
		}
	}
	if (path == NULL)
		usage();
	log_init("outputs_driver", LOG_INFO, 1, 0);
	cfg = config_new();
	if (config_load(cfg, path, opts, nopts, 0, &err) < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	outputs_options_from_config(&oo, cfg, unbuffered);
	if ((out = outputs_new(&oo, &err)) == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (outputs_start(out) < 0)
		return 1;
	for (k = 1; k <= n; k++) {
		a = alert_new((uint64_t)time(NULL) * 1000000000ULL,
		    ALERT_WARNING, "Driver test", "syscall");
		snprintf(msg, sizeof(msg), "driver alert %d (n=%d)", k, k);
		alert_set_output(a, msg);
		alert_add_tag(a, "driver");
		alert_field_int(a, "n", k);
		outputs_submit(out, a);
		alert_free(a);
	}
	outputs_stop(out);
	for (i = 0; outputs_get_chan_stats(out, i, &cs) == 0; i++) {
		fprintf(stderr, "channel %s delivered %llu failed %llu\n",
		    cs.name, (unsigned long long)cs.delivered,
		    (unsigned long long)cs.failed);
		if (cs.delivered != (uint64_t)n)
			rc = 2;
	}
	outputs_free(out);
	config_free(cfg);
	free(opts);
	return rc;
}
