/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The event schema as userspace sees it: for every event type id, its
 * name, category, flags and parameters (name, type, print format), the
 * syscall names and numbers, and the rendering of parameter values the
 * way Falco renders them.
 *
 * The tables behind these functions are generated at build time from
 * kmod/uapi/events.tbl; nothing here is written by hand twice.  All
 * returned pointers are to static, read-only data.
 */
#ifndef SCHEMA_SCHEMA_H
#define SCHEMA_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

#include "falco_event.h"
#include "falco_schema_gen.h"	/* FE_* ids, PT_* types, PF_* formats,
				   EC_* categories, EF_* flags, FE_MAX */

struct sbuf;

/* A name/value pair of a flags or enum parameter (e.g. O_CREAT). */
struct schema_flag {
	const char	*name;
	uint32_t	 value;
};

struct schema_param {
	const char	*name;
	uint8_t		 type;		/* PT_* */
	uint8_t		 fmt;		/* PF_* */
	/* PT_FLAGS*, PT_ENUMFLAGS*, PT_MODE: the names, ended by NULL. */
	const struct schema_flag *flags;
	/* PT_FSRELPATH: index of the dirfd parameter, else -1. */
	int8_t		 dirfd;
};

struct schema_event {
	const char	*name;		/* evt.type, e.g. "openat" */
	const char	*sym;		/* table symbol, e.g. "OPENAT_2_X" */
	uint32_t	 category;	/* EC_* */
	uint32_t	 flags;		/* EF_* */
	uint16_t	 nparams;
	const struct schema_param *params;
};

/* The event of type id, or NULL when id is unknown (>= FE_MAX). */
const struct schema_event *schema_event(uint16_t id);

/* 1 for an enter event (even id), 0 for an exit event. */
int	schema_is_enter(uint16_t id);

/*
 * Event type ids whose evt.type is name ("open", "execve", "procexit"),
 * including old layouts, are set in the bitmap ids (FE_MAX bits).
 * Returns the number set; 0 if the name is unknown as an event.  Names
 * of syscalls that only have generic events are resolved with
 * schema_syscall_by_name().
 */
int	schema_events_by_name(const char *name, uint8_t *ids);

/* Syscall codes (Falco's ppm_sc numbering) and x86_64 numbers. */
const char *schema_syscall_name(uint16_t sc);	/* NULL if unknown */
int	schema_syscall_by_name(const char *name);	/* -1 if unknown */
int	schema_syscall_from_native(uint32_t nr);	/* x86_64 nr -> sc */

/*
 * A decoded view of one event record: pointers into the caller's buffer,
 * nothing copied.  fevt_parse() checks that the lengths add up to
 * hdr->len and returns 0, or -1 (record malformed) with *why set.
 */
struct fevt {
	const struct fevt_hdr	*hdr;
	uint16_t		 cpu;
	uint16_t		 nparams;
	const uint8_t		*param[FEVT_MAX_PARAMS];
	uint32_t		 plen[FEVT_MAX_PARAMS];
};

int	fevt_parse(struct fevt *ev, const void *rec, size_t avail,
	    const char **why);

/*
 * Append the rendering of parameter idx of ev to out as Falco prints it
 * in evt.args / evt.arg.NAME (flags as "O_RDONLY|O_CLOEXEC", errno as
 * "ENOENT", fds as numbers, sockaddrs as "1.2.3.4:80", ...).
 */
void	schema_render_param(struct sbuf *out, const struct fevt *ev,
	    unsigned idx);

#endif /* SCHEMA_SCHEMA_H */
