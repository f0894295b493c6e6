/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Userspace side of falco.ko: one consumer (an open /dev/falco<N> file),
 * its per-CPU rings mapped read-only, and the "falco" generic netlink
 * family for control.  Records are handed out as pointers into the
 * mapped rings and their space is given back one record at a time:
 *
 *	k = kmod_open(NULL, &err);
 *	kmod_attach(k, NULL, 0, 0);
 *	for (;;) {
 *		kmod_poll(k, 100);
 *		while ((rec = kmod_next(k, &cpu)) != NULL) {
 *			use rec (valid until released);
 *			kmod_release(k, cpu, rec);
 *		}
 *	}
 *
 * Functions returning int give 0 or a negative errno.  Nothing here is
 * thread-safe; one thread drives one struct kmod.
 */
#ifndef KMOD_KMOD_H
#define KMOD_KMOD_H

#include <stddef.h>
#include <stdint.h>

#include "falco_event.h"
#include "falco_nl.h"
#include "falco_ring.h"

struct kmod;

struct kmod_info {
	uint64_t	api_version;	/* FALCO_VERSION_PACK() */
	uint64_t	schema_version;
	uint64_t	ring_size;	/* of new consumers */
	uint64_t	ring_stride;
	uint32_t	nr_cpus;	/* possible CPUs = devices */
	uint32_t	page_size;
	uint32_t	sc_max;
};

struct kmod_cpu_stats {
	uint32_t	cpu;
	uint32_t	online;
	uint64_t	evts;
	uint64_t	gaps;
	uint64_t	drops[FALCO_DROP_MAX];
};

/*
 * Opens a consumer on devdir/falco0 (devdir NULL means "/dev"), reads the
 * module's info over netlink and maps the rings of the online CPUs.
 * Returns NULL with *err set (-ENOENT: module not loaded).
 */
struct kmod	*kmod_open(const char *devdir, int *err);

/*
 * A consumer over n rings already in memory, with no device and no
 * control channel (for tests and for reading a saved ring): infos[i] and
 * datas[i] are ring i's info page and data, the data readable over
 * 2 * infos[i]->size bytes (the same bytes twice).  NULL entries are
 * rings not there.  The memory stays the caller's.
 */
struct kmod	*kmod_open_rings(struct falco_ring_info **infos,
	    const uint8_t **datas, unsigned n);

/* Unmaps, closes the device (which stops capture) and frees k; NULL ok. */
void	kmod_close(struct kmod *k);

/* The consumer id the module gave this open file. */
uint32_t kmod_consumer_id(const struct kmod *k);

/* The device fd, for callers with their own poll loop (POLLIN). */
int	kmod_fd(const struct kmod *k);

/* The module's versions and sizes, as read at open. */
const struct kmod_info *kmod_info(const struct kmod *k);

/*
 * Starts capture.  sc_mask (FALCO_NL_SC_MASK_LEN bytes, bit n = syscall
 * code n) NULL means every syscall; snaplen and watermark 0 keep the
 * module's defaults.
 */
int	kmod_attach(struct kmod *k, const uint8_t *sc_mask, uint32_t snaplen,
	    uint32_t watermark);
/*
 * Whether the next kmod_attach() asks the module to drop the exit events
 * of failed syscalls (drop_failed_exit).  -EOPNOTSUPP from a module older
 * than API 1.1.
 */
int	kmod_set_drop_failed(struct kmod *k, int on);
int	kmod_detach(struct kmod *k);
int	kmod_set_mask(struct kmod *k, const uint8_t *sc_mask);
int	kmod_set_snaplen(struct kmod *k, uint32_t snaplen);

/*
 * Per-CPU statistics of this consumer into st (room for max entries);
 * returns the number of entries (>= 0) or a negative errno.
 */
int	kmod_stats(struct kmod *k, struct kmod_cpu_stats *st, unsigned max);

/*
 * Waits up to timeout_ms for a ring to pass its watermark; also maps the
 * rings of CPUs that came online since.  Returns 1 if woken, 0 on
 * timeout, or a negative errno.
 */
int	kmod_poll(struct kmod *k, int timeout_ms);

/*
 * The oldest unread record among the heads of all rings, or NULL when
 * every ring is empty; *cpu is set to its ring.  The pointer is into the
 * mapped ring and stays valid until kmod_release().  Gap records
 * (hdr->type == FALCO_RING_GAP) are returned like events.  A record whose
 * length is impossible stops that ring (counted in kmod_corrupt()).
 */
const struct fevt_hdr *kmod_next(struct kmod *k, unsigned *cpu);

/* Gives the space of rec, the record last returned for cpu, back. */
void	kmod_release(struct kmod *k, unsigned cpu, const struct fevt_hdr *rec);

/* Number of rings stopped because of a corrupt record. */
unsigned kmod_corrupt(const struct kmod *k);

/*
 * Sends command cmd with attrs (len bytes of already-encoded netlink
 * attributes, which may be malformed on purpose) and returns the
 * kernel's answer: 0 or a negative errno.  For tests.
 */
int	kmod_nl_raw(struct kmod *k, uint8_t cmd, const void *attrs,
	    size_t len);

#endif /* KMOD_KMOD_H */
