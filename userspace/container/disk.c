/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Podman's own records of a container, read from its storage folder.
 *
 * "podman run --rm IMAGE cmd" lives some 100 ms: the API's answer for it
 * often comes after its events were evaluated, or after --rm removed it
 * (the API then says 404).  Podman writes two files before the runtime
 * starts the container, and removes them only with the container:
 *
 *   <storage>/overlay-containers/containers.json
 *	a JSON array, one object per container: "id", "names", "image"
 *	(the image id) and "metadata", a JSON document in a string that
 *	holds "image-name" (the reference the user gave) and "name";
 *   <storage>/overlay-containers/<id>/userdata/config.json
 *	the OCI bundle config: its "annotations" say
 *	io.podman.annotations.privileged = "TRUE" for --privileged.
 *
 * Reading them takes well under a millisecond, so the worker answers
 * from them first and refines the record from the API afterwards.  Only
 * facts both files state are used: a record is never guessed.
 * XXX containers.json is parsed whole for each new container: fine for
 * the hundreds of containers a host runs, slow for tens of thousands.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "container/container.h"
#include "container/container_int.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define PODMAN_PRIV_ANNOTATION	"io.podman.annotations.privileged"

static const char *
str_member(json_object *o, const char *key)
{
	json_object *v;

	if (o == NULL || !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/*
 * The entry of containers.json whose "id" starts with id (any case).
 * NULL if there is none, or more than one (an ambiguous short id).
 */
static json_object *
find_entry(json_object *arr, const char *id)
{
	json_object *found = NULL;
	size_t i, n, idlen = strlen(id);

	n = json_object_array_length(arr);
	for (i = 0; i < n; i++) {
		json_object *c = json_object_array_get_idx(arr, i);
		const char *cid = str_member(c, "id");

		if (cid == NULL || strlen(cid) != CONTAINER_FULL_ID_LEN ||
		    strncasecmp(cid, id, idlen) != 0)
			continue;
		if (found != NULL)
			return NULL;
		found = c;
	}
	return found;
}

/* 1 if the bundle config of full_id says the container is privileged. */
static int
bundle_privileged(const char *storage, const char *full_id, int *priv)
{
	json_object *root, *ann;
	const char *v;
	char *path;

	xasprintf(&path, "%s/overlay-containers/%s/userdata/config.json",
	    storage, full_id);
	root = json_object_from_file(path);
	free(path);
	if (root == NULL)
		return -1;
	if (!json_object_object_get_ex(root, "annotations", &ann) ||
	    !json_object_is_type(ann, json_type_object)) {
		json_object_put(root);
		return -1;
	}
	v = str_member(ann, PODMAN_PRIV_ANNOTATION);
	*priv = v != NULL && strcasecmp(v, "true") == 0;
	json_object_put(root);
	return 0;
}

struct container_rec *
container_rec_from_podman_storage(const char *storage, const char *id)
{
	json_object *arr = NULL, *ent, *meta = NULL, *names;
	struct container_rec *rec = NULL;
	const char *full_id, *img, *image_id, *name = NULL;
	char *path;
	int priv;

	if (storage == NULL || *storage == '\0' || id == NULL ||
	    !cm_valid_id(id))
		return NULL;
	xasprintf(&path, "%s/overlay-containers/containers.json", storage);
	arr = json_object_from_file(path);
	free(path);
	if (arr == NULL || !json_object_is_type(arr, json_type_array) ||
	    (ent = find_entry(arr, id)) == NULL)
		goto out;
	full_id = str_member(ent, "id");
	if (str_member(ent, "metadata") != NULL)
		meta = json_tokener_parse(str_member(ent, "metadata"));
	img = str_member(meta, "image-name");
	image_id = str_member(ent, "image");
	/*
	 * Without the image reference or the privileged flag, the API's
	 * answer is the only one worth having.
	 */
	if (img == NULL || *img == '\0' ||
	    bundle_privileged(storage, full_id, &priv) != 0)
		goto out;
	if (json_object_object_get_ex(ent, "names", &names) &&
	    json_object_is_type(names, json_type_array) &&
	    json_object_array_length(names) > 0)
		name = json_object_get_string(
		    json_object_array_get_idx(names, 0));
	if (name == NULL)
		name = str_member(meta, "name");

	rec = xcalloc(1, sizeof(*rec));
	rec->refs = 1;
	rec->type = "podman";
	snprintf(rec->full_id, sizeof(rec->full_id), "%s", full_id);
	snprintf(rec->id, sizeof(rec->id), "%s", full_id);
	if (name != NULL && *name != '\0')
		rec->name = xstrdup(name);
	rec->image = xstrdup(img);
	(void)container_image_parse(img, &rec->image_repo, &rec->image_tag,
	    &rec->image_digest);
	if (image_id != NULL && strlen(image_id) == CONTAINER_FULL_ID_LEN &&
	    cm_valid_id(image_id))
		rec->image_id = xstrdup(image_id);
	rec->privileged = priv;
out:
	json_object_put(meta);
	json_object_put(arr);
	return rec;
}
