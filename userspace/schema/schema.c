/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Lookups in the generated schema tables and the bounds-checked decoding
 * of event records.  fevt_parse() sees records straight from capture
 * files and rings, so it trusts nothing but avail.
 */
#include <string.h>

#include "schema/schema.h"
#include "schema/schema_int.h"

const struct schema_event *
schema_event(uint16_t id)
{
	if (id >= FE_MAX)
		return NULL;
	return &schema_events[id];
}

int
schema_is_enter(uint16_t id)
{
	return (id & 1) == 0;
}

int
schema_events_by_name(const char *name, uint8_t *ids)
{
	unsigned i;
	int n = 0;

	/* "NA" names the unused slots, which no rule can mean. */
	if (name == NULL || strcmp(name, "NA") == 0)
		return 0;
	for (i = 0; i < FE_MAX; i++) {
		if (schema_events[i].category == EC_UNKNOWN ||
		    strcmp(schema_events[i].name, name) != 0)
			continue;
		ids[i / 8] |= (uint8_t)(1u << (i % 8));
		n++;
	}
	return n;
}

int
schema_param_index(uint16_t id, const char *name)
{
	const struct schema_event *se = schema_event(id);
	unsigned i;

	if (se == NULL || name == NULL)
		return -1;
	for (i = 0; i < se->nparams; i++)
		if (strcmp(se->params[i].name, name) == 0)
			return (int)i;
	return -1;
}

const char *
schema_syscall_name(uint16_t sc)
{
	if (sc >= FE_SC_MAX)
		return NULL;
	return schema_sc_names[sc];
}

int
schema_syscall_by_name(const char *name)
{
	unsigned i;

	if (name == NULL)
		return -1;
	/* Code 0 is "unknown", a placeholder rather than a syscall. */
	for (i = 1; i < FE_SC_MAX; i++)
		if (schema_sc_names[i] != NULL &&
		    strcmp(schema_sc_names[i], name) == 0)
			return (int)i;
	return -1;
}

int
schema_syscall_from_native(uint32_t nr)
{
	if (nr >= SCHEMA_NR_X86_64 || schema_x86_64[nr].name == NULL)
		return -1;
	return schema_x86_64[nr].sc;
}

const char *
schema_native_name(uint32_t nr)
{
	if (nr >= SCHEMA_NR_X86_64)
		return NULL;
	return schema_x86_64[nr].name;
}

int
schema_native_events(uint32_t nr, uint16_t *enter, uint16_t *exit)
{
	if (nr >= SCHEMA_NR_X86_64 || schema_x86_64[nr].name == NULL)
		return -1;
	*enter = schema_x86_64[nr].enter;
	*exit = schema_x86_64[nr].exit;
	return 0;
}

const char *
schema_errno_name(int64_t err)
{
	uint64_t e;

	/* Falco looks errno names up after truncating to 32 bits. */
	err = (int32_t)err;
	e = (uint64_t)(err < 0 ? -err : err);
	if (e >= schema_nerrno)
		return NULL;
	return schema_errno_names[e];
}

const char *
schema_signal_name(uint32_t sig)
{
	if (sig >= SCHEMA_NSIG)
		return NULL;
	return schema_signal_names[sig];
}

unsigned
schema_type_size(uint8_t type)
{
	if (type >= PT_MAX)
		return 0;
	return schema_type_sizes[type];
}

const struct schema_flag *
schema_flag_table(const char *name)
{
	const struct schema_flag_table *t;

	if (name == NULL)
		return NULL;
	for (t = schema_flag_tables; t->name != NULL; t++)
		if (strcmp(t->name, name) == 0)
			return t->flags;
	return NULL;
}

int
fevt_parse(struct fevt *ev, const void *rec, size_t avail, const char **why)
{
	const uint8_t *p = rec;
	const struct fevt_hdr *h = rec;
	const struct schema_event *se;
	uint32_t len, nparams, lsize, off, i;
	uint16_t type;

	if (avail < FEVT_HDR_LEN) {
		*why = "record shorter than the event header";
		return -1;
	}
	/* The header is packed: read its fields without alignment. */
	memcpy(&len, p + offsetof(struct fevt_hdr, len), sizeof(len));
	memcpy(&type, p + offsetof(struct fevt_hdr, type), sizeof(type));
	memcpy(&nparams, p + offsetof(struct fevt_hdr, nparams),
	    sizeof(nparams));
	if (len < FEVT_HDR_LEN) {
		*why = "event length shorter than its header";
		return -1;
	}
	if (len > avail) {
		*why = "event length beyond the available bytes";
		return -1;
	}
	if ((se = schema_event(type)) == NULL) {
		*why = "event type beyond the schema";
		return -1;
	}
	if (nparams > FEVT_MAX_PARAMS) {
		*why = "too many parameters";
		return -1;
	}
	lsize = (se->flags & EF_LARGE_PAYLOAD) ? 4 : 2;
	/* nparams <= 32, so this cannot overflow. */
	off = FEVT_HDR_LEN + nparams * lsize;
	if (off > len) {
		*why = "parameter lengths beyond the event length";
		return -1;
	}
	for (i = 0; i < nparams; i++) {
		const uint8_t *lp = p + FEVT_HDR_LEN + i * lsize;
		uint32_t pl;

		if (lsize == 4)
			memcpy(&pl, lp, 4);
		else {
			uint16_t pl16;

			memcpy(&pl16, lp, 2);
			pl = pl16;
		}
		if (pl > len - off) {
			*why = "parameter beyond the event length";
			return -1;
		}
		ev->param[i] = p + off;
		ev->plen[i] = pl;
		off += pl;
	}
	ev->hdr = h;
	ev->nparams = (uint16_t)nparams;
	*why = NULL;
	return 0;
}
