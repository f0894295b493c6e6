/* SPDX-License-Identifier: Apache-2.0 */
/*
 * container_lookup: look container ids up through the container module
 * and print what it found, one "key=value" per line, for the t_*.sh
 * scripts.
 *
 *	container_lookup [-s socket]... [-t timeout_ms] [-d dir] id...
 *
 * -d: podman's storage folder for on-disk records ("" for none; default
 * that of container_meta_options_init()).
 * Exit status: 0 if every id was found, 2 if one was not, 1 on misuse.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "container/container.h"
#include "util/log.h"
#include "util/sbuf.h"

#define MAX_SOCKETS	8

static void
put(const char *key, const char *val)
{
	printf("%s=%s\n", key, val == NULL ? "<NA>" : val);
}

static void
print_rec(const struct container_rec *rec)
{
	struct sbuf sb = SBUF_INIT;
	size_t i;

	put("id", rec->id);
	put("full_id", rec->full_id);
	put("type", rec->type);
	put("name", rec->name);
	put("image", rec->image);
	put("image.repository", rec->image_repo);
	put("image.tag", rec->image_tag);
	put("image.digest", rec->image_digest);
	put("image.id", rec->image_id);
	put("privileged", rec->privileged ? "true" : "false");
	container_mounts_render(rec, &sb);
	put("mounts", sbuf_str(&sb));
	sbuf_reset(&sb);
	container_labels_render(rec->labels, rec->nlabels, &sb);
	put("labels", sbuf_str(&sb));
	for (i = 0; i < rec->nlabels; i++)
		printf("label.%s=%s\n", rec->labels[i].key,
		    rec->labels[i].value);
	printf("start_ns=%lld\n", (long long)rec->start_ns);
	put("ip", rec->ip);
	put("k8s.ns.name", rec->k8s_ns);
	put("k8s.pod.name", rec->k8s_pod_name);
	put("k8s.pod.uid", rec->k8s_pod_uid);
	put("k8s.pod.sandbox_id", rec->k8s_sandbox_id);
	sbuf_free(&sb);
}

int
main(int argc, char **argv)
{
	struct container_meta_options o;
	struct container_meta *cm;
	struct container_rec *rec;
	const char *socks[MAX_SOCKETS + 1];
	int ch, i, ns = 0, rc = 0;

	log_init("container_lookup", LOG_INFO, 1, 0);
	container_meta_options_init(&o);
	while ((ch = getopt(argc, argv, "s:t:d:")) != -1) {
		switch (ch) {
		case 's':
			if (ns == MAX_SOCKETS)
				fatal("too many sockets");
			socks[ns++] = optarg;
			break;
		case 't':
			o.timeout_ms = atoi(optarg);
			break;
		case 'd':
			o.podman_storage = optarg;
			break;
		default:
			fprintf(stderr, "usage: container_lookup [-s socket]..."
			    " [-t timeout_ms] [-d dir] id...\n");
			return 1;
		}
	}
	socks[ns] = NULL;
	if (ns > 0)
		o.sockets = socks;
	if (optind == argc) {
		fprintf(stderr, "container_lookup: no id given\n");
		return 1;
	}
	if ((cm = container_meta_new(&o)) == NULL)
		return 1;
	for (i = optind; i < argc; i++)
		(void)container_meta_lookup(cm, argv[i], &rec);
	if (container_meta_wait_idle(cm, o.timeout_ms * 8) == -1)
		log_warn("container_lookup: lookups still running");
	for (i = optind; i < argc; i++) {
		printf("lookup=%s\n", argv[i]);
		if (container_meta_lookup(cm, argv[i], &rec) !=
		    CONTAINER_META_READY) {
			put("status", "unavailable");
			rc = 2;
			continue;
		}
		put("status", "ready");
		print_rec(rec);
		container_rec_unref(rec);
	}
	container_meta_free(cm);
	return rc;
}
