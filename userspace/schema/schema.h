/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The event schema as userspace sees it: for every event type id, its
 * name, category, flags and parameters (name, type, print format), the
 * syscall names and numbers, and the rendering of parameter values the
 * way Falco renders them.
 *
 * The tables behind these functions are generated at build time from
 * kmod/uapi/{events,syscalls,flags}.tbl by scripts/gen-schema.awk;
 * nothing here is written by hand twice.  All returned pointers are to
 * static, read-only data.  Nothing here allocates except through the
 * caller's sbuf, and nothing keeps state: every function is thread-safe.
 */
#ifndef SCHEMA_SCHEMA_H
#define SCHEMA_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

#include "falco_event.h"
#include "falco_schema_gen.h"	/* FE_* ids, PT_* types, PF_* formats,
				   EC_* categories, EF_* flags, FE_MAX,
				   FE_SC_* syscall codes, FL_* values */

struct sbuf;

/* A name/value pair of a flags or enum parameter (e.g. O_CREAT). */
struct schema_flag {
	const char	*name;
	uint32_t	 value;
};

/* One alternative of a PT_DYN parameter, chosen by its first byte. */
struct schema_dyn {
	uint8_t		 type;		/* PT_*; PT_NONE ends a list */
	uint8_t		 fmt;		/* PF_* */
};

struct schema_param {
	const char	*name;
	uint8_t		 type;		/* PT_* */
	uint8_t		 fmt;		/* PF_* */
	/* PT_FLAGS*, PT_ENUMFLAGS*, PT_MODE: the names, ended by NULL. */
	const struct schema_flag *flags;
	/* PT_FSRELPATH: index of the dirfd parameter, else -1. */
	int8_t		 dirfd;
	/* PT_DYN: the alternatives, ended by PT_NONE; else NULL. */
	const struct schema_dyn *dyn;
};

struct schema_event {
	const char	*name;		/* evt.type, e.g. "openat" */
	/* The table symbol ("SYSCALL_OPENAT_2_X"); its C constant is
	   FE_<sym>. */
	const char	*sym;
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
 * including old layouts, are set in the bitmap ids (FE_MAX bits, bit i
 * is ids[i / 8] & (1 << (i % 8))); bits of other ids are left alone.
 * Returns the number set; 0 if the name is unknown as an event.  Names
 * of syscalls that only have generic events are resolved with
 * schema_syscall_by_name().
 */
int	schema_events_by_name(const char *name, uint8_t *ids);

/* Syscall codes (Falco's ppm_sc numbering) and x86_64 numbers. */
const char *schema_syscall_name(uint16_t sc);	/* NULL if unknown */
int	schema_syscall_by_name(const char *name);	/* -1 if unknown */
int	schema_syscall_from_native(uint32_t nr);	/* x86_64 nr -> sc,
							   -1 if unknown */
/* x86_64 nr -> native name ("openat"), NULL if unknown. */
const char *schema_native_name(uint32_t nr);
/*
 * The event pair an x86_64 syscall produces: 0 with *enter and *exit set
 * (FE_GENERIC_E/FE_GENERIC_X for syscalls without dedicated events), or
 * -1 if nr is unknown.
 */
int	schema_native_events(uint32_t nr, uint16_t *enter, uint16_t *exit);

/* "ENOENT" for err = -2 (or 2); NULL when the number has no name. */
const char *schema_errno_name(int64_t err);
/* "SIGKILL" for 9; NULL when the signal has no name. */
const char *schema_signal_name(uint32_t sig);
/* Bytes of a PT_* value on the wire; 0 for variable-size types. */
unsigned schema_type_size(uint8_t type);
/* The table of flags.tbl called name ("file_flags"), or NULL. */
const struct schema_flag *schema_flag_table(const char *name);

/*
 * A decoded view of one event record: pointers into the caller's buffer,
 * nothing copied.  fevt_parse() reads at most avail bytes of rec, checks
 * that the header fits, that the type is in the schema, that nparams is
 * at most FEVT_MAX_PARAMS, that the length array (u16 entries, u32 for
 * EF_LARGE_PAYLOAD types) and the parameters fit in hdr->len (bytes
 * left over after the last parameter are tolerated, as Falco does), and
 * that hdr->len <= avail.  It returns 0, or -1 (record malformed) with *why
 * set to a static message.  It does not check parameter contents against
 * their types (old layouts differ); the renderer copes with any length.
 * ev->cpu is left as the caller set it.
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
 * Things only the caller's state knows (threads, fds, users), asked for
 * while rendering.  Passing a resolver means "the event's thread is
 * known", as in Falco; NULL means it is not, and values are rendered
 * bare.  Every callback may be NULL (treated as "not found").  A
 * callback appends to out and returns 0, or returns -1 without
 * appending when it does not know the answer.
 */
struct schema_resolver {
	void	*arg;
	/*
	 * fd of the event's thread: its type string in type ("f", "4t",
	 * "u", ...; at most 2 characters, NUL-terminated) and its name
	 * ("/etc/passwd", "127.0.0.1:80->127.0.0.1:4242") appended to out.
	 */
	int	(*fd)(void *arg, const struct fevt *ev, int64_t fd,
		    char type[3], struct sbuf *out);
	/* The comm of thread tid. */
	int	(*comm)(void *arg, int64_t tid, struct sbuf *out);
	/* User and group names of the event thread's container. */
	int	(*user)(void *arg, const struct fevt *ev, uint32_t uid,
		    struct sbuf *out);
	int	(*group)(void *arg, const struct fevt *ev, uint32_t gid,
		    struct sbuf *out);
	/*
	 * The absolute, normalised form of the relative path, resolved
	 * against the directory dirfd (FE_AT_FDCWD: the thread's cwd).
	 */
	int	(*abspath)(void *arg, const struct fevt *ev, int64_t dirfd,
		    const char *path, struct sbuf *out);
};

/*
 * The two strings Falco derives from parameter idx of ev: the value
 * (appended to val: "3", "-2", "262", "/etc/hosts", "NULL", "<NA>") and
 * the resolved form (appended to res, possibly nothing: "ENOENT",
 * "O_TRUNC|O_CREAT|O_WRONLY", "<f>/etc/hosts").  res may be NULL.
 * An idx beyond ev->nparams appends nothing.
 */
void	schema_param_str(struct sbuf *val, struct sbuf *res,
	    const struct fevt *ev, unsigned idx,
	    const struct schema_resolver *r);

/* evt.arg.NAME / evt.arg[idx]: the resolved form if any, else the value. */
void	schema_render_arg(struct sbuf *out, const struct fevt *ev,
	    unsigned idx, const struct schema_resolver *r);

/*
 * evt.args: "name=value" or "name=value(resolved)" for every parameter,
 * separated by one space; nothing for the generic syscall event.
 */
void	schema_render_args(struct sbuf *out, const struct fevt *ev,
	    const struct schema_resolver *r);

/*
 * Append parameter idx of ev the way evt.args shows it, without the
 * name and without state: "value" or "value(resolved)" (flags as
 * "262(O_TRUNC|O_CREAT|O_WRONLY)", errno as "-2(ENOENT)", fds as "3",
 * sockaddrs as "1.2.3.4:80", ...).
 */
void	schema_render_param(struct sbuf *out, const struct fevt *ev,
	    unsigned idx);

/* The index of the parameter called name in event type id, or -1. */
int	schema_param_index(uint16_t id, const char *name);

#endif /* SCHEMA_SCHEMA_H */
