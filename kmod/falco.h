/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Declarations shared by the files of falco.ko.  The structures are
 * defined here because the probes (fill.c), the rings (ring.c), the
 * devices (main.c) and the control channel (netlink.c) all walk them;
 * nothing here is visible outside the module.
 */
#ifndef FALCO_H
#define FALCO_H

#include <linux/irq_work.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/wait.h>

#include "falco_event.h"
#include "falco_ring.h"
#include "falco_schema_gen.h"

struct falco_consumer;

/* One ring: see the theory of operation at the top of ring.c. */
struct falco_ring {
	struct falco_ring_info	*info;		/* one zeroed page, mapped */
	void			*data;		/* the pages, mapped twice */
	struct page		**pages;
	unsigned long		npages;
	u64			size;		/* data bytes, power of two */
	u64			lost;		/* drops not yet in a gap */
	u32			lost_mask;	/* their drop reason bits */
	unsigned int		cpu;
	struct falco_consumer	*owner;
	struct irq_work		wake_work;	/* wakes owner->wait */
};

/*
 * A consumer is one open file of a /dev/falco<N> device.  It is on
 * falco_consumers (under falco_mutex) from open to release, and on the
 * RCU list falco_capturing while capture is attached.  The probes read
 * the fields below only under rcu_read_lock(), from a consumer found on
 * falco_capturing; settings they read are written with WRITE_ONCE.
 */
struct falco_consumer {
	struct list_head	node;		/* falco_consumers */
	struct list_head	cap_node;	/* falco_capturing (RCU) */
	u32			id;
	bool			capturing;	/* under falco_mutex */
	u32			snaplen;
	bool			drop_failed;	/* no exit event of failed calls */
	u64			watermark;
	u64			ring_size;
	unsigned long		sc_mask[BITS_TO_LONGS(FE_SC_MAX)];
	/*
	 * rings[cpu] is NULL until the CPU is online for the first time;
	 * set once with smp_store_release() (under falco_mutex), read with
	 * smp_load_acquire(), freed only when the file is released.
	 */
	struct falco_ring	**rings;
	/*
	 * Events of a CPU that had no ring yet, per CPU; moved into the
	 * ring (and a gap record) by the CPU's first hotplug event.
	 */
	atomic64_t		*no_ring;
	wait_queue_head_t	wait;
};

extern struct mutex falco_ctl_mutex;
extern struct mutex falco_mutex;
extern struct list_head falco_consumers;
extern struct list_head falco_capturing;
extern u64 falco_boot_epoch_ns;

/* main.c */
int falco_capture_attach(struct falco_consumer *c);
void falco_capture_detach(struct falco_consumer *c);
struct falco_consumer *falco_consumer_find(u32 id);
u64 falco_ring_bytes(void);

/* ring.c */
struct falco_ring *falco_ring_alloc(struct falco_consumer *c,
				    unsigned int cpu, u64 size);
void falco_ring_free(struct falco_ring *r);
int falco_ring_mmap(struct falco_ring *r, struct vm_area_struct *vma,
		    unsigned long pgoff_in_ring);
u64 falco_ring_stride(u64 size);
void *falco_ring_reserve(struct falco_ring *r, u32 *avail, u64 ts, u64 tid);
void falco_ring_commit(struct falco_ring *r, u32 len);
void falco_ring_drop(struct falco_ring *r, enum falco_drop_reason why);
bool falco_ring_readable(struct falco_ring *r, u64 watermark);

/* fill.c */
int falco_probes_register(void);
void falco_probes_unregister(void);
int falco_probes_lookup(void);
void falco_emit_hotplug(unsigned int cpu, u32 action);

/* netlink.c */
int falco_netlink_init(void);
void falco_netlink_exit(void);

/* Allocation counting, on in debug builds (FALCO_DEBUG_ALLOC). */
#ifdef FALCO_DEBUG_ALLOC
extern atomic_t falco_live_allocs;
#define falco_alloc_note(p) \
	do { if (p) atomic_inc(&falco_live_allocs); } while (0)
#define falco_free_note(p) \
	do { if (p) atomic_dec(&falco_live_allocs); } while (0)
#else
#define falco_alloc_note(p)	do { } while (0)
#define falco_free_note(p)	do { } while (0)
#endif

#endif /* FALCO_H */
