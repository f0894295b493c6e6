/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The generated tables behind schema.h (see schema_tables_gen.c in the
 * build's gen/ folder).  Private to userspace/schema.
 */
#ifndef SCHEMA_SCHEMA_INT_H
#define SCHEMA_SCHEMA_INT_H

#include "schema/schema.h"

#define SCHEMA_NR_X86_64	512	/* room for every x86_64 number */
#define SCHEMA_NSIG		64

/* One x86_64 syscall number; name == NULL for an unknown number. */
struct schema_native {
	const char	*name;
	uint16_t	 sc;		/* FE_SC_* */
	uint16_t	 enter;		/* FE_* */
	uint16_t	 exit;		/* FE_* */
};

struct schema_flag_table {
	const char		 *name;
	const struct schema_flag *flags;
};

extern const struct schema_event schema_events[FE_MAX];
extern const char *const schema_sc_names[FE_SC_MAX];
extern const struct schema_native schema_x86_64[SCHEMA_NR_X86_64];
extern const unsigned schema_nerrno;
extern const char *const schema_errno_names[];
extern const char *const schema_signal_names[SCHEMA_NSIG];
extern const struct schema_flag_table schema_flag_tables[];
extern const uint8_t schema_type_sizes[PT_MAX];

#endif /* SCHEMA_SCHEMA_INT_H */
