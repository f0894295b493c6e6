/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internals shared by the files of the engine module.
 */
#ifndef ENGINE_ENGINE_INT_H
#define ENGINE_ENGINE_INT_H

#include "engine/engine.h"
#include "filter/filter.h"

/*
 * What every event of type `type` gives some fields, as the extractors
 * below give it (filter_specialize() facts): evt.type and evt.dir, and
 * "not available" for the fd.* fields of a type without an fd parameter
 * (fd.types: of a type not flagged as creating, using or closing fds)
 * and for evt.res, evt.rawres and evt.buflen of a type without a
 * result.  Fills
 * at most max facts (names and values are static) and returns how many.
 */
size_t	engine_type_facts(uint16_t type, struct filter_fact *facts,
	    size_t max);

/* The extractor installed for every syscall field class. */
int	engine_extract(void *ctx, const struct field_ref *ref,
	    struct fvals *out);

/*
 * The resolver schema rendering uses for the event in c (fds, thread
 * names, users, absolute paths); NULL when the event's thread is unknown.
 * Valid until the next call on c.
 */
const struct schema_resolver *engine_resolver(struct engine_ctx *c);
/* Append the base64 encoding (RFC 4648, with padding) of p[0..len). */
void	engine_b64_encode(struct sbuf *out, const void *p, size_t len);

/*
 * Append the absolute, normalised form of path (len bytes), relative to
 * the directory of dirfd (FE_AT_FDCWD: the thread's cwd).  An unknown
 * directory leaves a relative path as it is.
 */
void	engine_resolve_path(struct engine_ctx *c, int64_t dirfd,
	    const char *path, size_t len, struct sbuf *out);

#endif /* ENGINE_ENGINE_INT_H */
