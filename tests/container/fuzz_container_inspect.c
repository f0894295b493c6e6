/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer harness for what the container module reads from a runtime
 * socket: the input is parsed as a container inspect document and as an
 * image document, its first line as an image reference, and whatever
 * record comes out is rendered.  A record must have a 12-character id
 * that starts its full id, and an image reference that parses must give
 * a non-empty repository.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "container/container.h"
#include "util/sbuf.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sbuf sb = SBUF_INIT;
	struct container_rec *rec;
	char *text, *nl, *repo, *tag, *digest;
	char err[128];

	text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	rec = container_rec_from_json(text, size, "docker", 100, err,
	    sizeof(err));
	if (rec != NULL) {
		if (strlen(rec->id) != 12 ||
		    strncmp(rec->id, rec->full_id, 12) != 0)
			abort();
		(void)container_rec_set_image_json(rec, text, size);
		container_mounts_render(rec, &sb);
		container_labels_render(rec->labels, rec->nlabels, &sb);
		container_labels_render(rec->pod_labels, rec->npod_labels,
		    &sb);
		(void)container_rec_label(rec, "io.kubernetes.pod.name");
		(void)container_rec_mount_find(rec, "/*", 1);
		container_rec_unref(rec);
	}
	if ((nl = strchr(text, '\n')) != NULL)
		*nl = '\0';
	if (container_image_parse(text, &repo, &tag, &digest) == 0) {
		if (repo == NULL || *repo == '\0')
			abort();
		free(repo);
		free(tag);
		free(digest);
	}
	sbuf_free(&sb);
	free(text);
	return 0;
}
