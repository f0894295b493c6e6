/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internals shared by the files of the scapfile module: block type ids,
 * and the converter of old event layouts used by the reader.
 */
#ifndef SCAPFILE_SCAPFILE_INT_H
#define SCAPFILE_SCAPFILE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "schema/schema.h"

#define SCAP_SHB		0x0A0D0D0Au
#define SCAP_SHB_MAGIC		0x1A2B3C4Du
#define SCAP_SHB_MAGIC_SWAPPED	0x4D3C2B1Au
#define SCAP_MI			0x201u
#define SCAP_MI_OLD		0x8002ABCDu
#define SCAP_PL_V1		0x202u
#define SCAP_PL_V1_OLD		0x8000ABCDu
#define SCAP_PL_V2		0x207u
#define SCAP_PL_V2_OLD		0x8013ABCDu
#define SCAP_PL_V3		0x209u
#define SCAP_PL_V3_OLD		0x8014ABCDu
#define SCAP_PL_V4		0x210u
#define SCAP_PL_V5		0x211u
#define SCAP_PL_V6		0x212u
#define SCAP_PL_V7		0x213u
#define SCAP_PL_V8		0x214u
#define SCAP_PL_V9		0x215u
#define SCAP_FDL		0x203u
#define SCAP_FDL_OLD		0x8001ABCDu
#define SCAP_FDL_V2		0x218u
#define SCAP_EV			0x204u
#define SCAP_EV_OLD		0x8010ABCDu
#define SCAP_EV_V2		0x216u
#define SCAP_EV_V2_LARGE	0x221u
#define SCAP_EVF		0x208u
#define SCAP_EVF_V2		0x217u
#define SCAP_EVF_V2_LARGE	0x222u
#define SCAP_IL			0x205u
#define SCAP_IL_OLD		0x8011ABCDu
#define SCAP_IL_V2		0x219u
#define SCAP_UL			0x206u
#define SCAP_UL_OLD		0x8012ABCDu
#define SCAP_UL_V2		0x220u

/* Block header plus trailer. */
#define SCAP_BLOCK_OVERHEAD	12u

/*
 * Largest event block we accept: the normal types carry at most a
 * 64 KiB body; the large types are capped so that a corrupt length
 * cannot make us buffer without bound.
 */
#define SCAP_EV_BLOCK_MAX	(65536u + 8u)
#define SCAP_EV_LARGE_MAX	(64u << 20)
/* Any other block. */
#define SCAP_META_BLOCK_MAX	(512u << 20)

/* Ids of the old notification events whose v1 length was 3 too long. */
#define SCAP_OLD_NOTIFICATION_E		280
#define SCAP_OLD_INFRASTRUCTURE_E	286

/*
 * The converter (convert.c).  It keeps, per thread, the last enter
 * event whose parameters a later exit event takes over, and builds
 * converted events in its own buffer.
 */
struct scap_conv;

struct scap_conv *scap_conv_new(void);
void	scap_conv_free(struct scap_conv *cv);

/*
 * Bring ev to the current schema.  Returns 1 when ev may be handed out
 * (possibly rewritten to point into the converter's buffer, valid until
 * the next call), 0 when the event is to be dropped, -1 on a malformed
 * event with a message in err (errlen bytes).
 */
int	scap_conv_event(struct scap_conv *cv, struct fevt *ev, char *err,
	    size_t errlen);

/*
 * A shortcut for the common case, indexed by event type: -2 when events
 * of the type are handed out as they are, n >= 0 when they are handed
 * out as they are if they carry n parameters, -1 when scap_conv_event()
 * must decide.
 */
const int16_t *scap_conv_passmap(void);

/* One line of the conversion table (convert_table.c). */
struct scap_conv_rule {
	uint16_t	 type;		/* event id as found */
	uint8_t		 nparams;	/* with this many parameters */
	uint8_t		 action;	/* CV_* */
	uint16_t	 to;		/* CV_RETYPE: the new event id */
	const char	*instrs;	/* see convert.c */
};

enum {
	CV_PASS = 1,		/* hand out as it is */
	CV_STORE,		/* keep for the exit event, drop */
	CV_STORE_PASS,		/* keep for the exit event, hand out */
	CV_ADD,			/* append parameters */
	CV_RETYPE,		/* build a new event of another type */
};

extern const struct scap_conv_rule scap_conv_rules[];
extern const size_t scap_conv_nrules;

/* Fixed size of a parameter type, or 0 for variable-length types. */
unsigned scap_param_fixed_size(uint8_t pt);

#endif /* SCAPFILE_SCAPFILE_INT_H */
