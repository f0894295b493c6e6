// SPDX-License-Identifier: GPL-2.0-only
/*
 * Per-CPU, per-consumer rings shared with userspace through mmap.
 *
 * Theory of operation
 * -------------------
 *
 * Each ring has one producer, the CPU it belongs to, and one consumer,
 * the process that mapped it.  The producer runs in the probes with
 * preemption disabled and a per-CPU guard against re-entry (fill.c), so
 * at most one writer touches a ring at any time and it needs no lock.
 *
 *	info page (RW for userspace)    data pages (RO), mapped twice
 *	+------+------+------+-------+  +-------------------+---------
 *	| head | tail | size | counts|  | p0 p1 ... pN-1    | p0 p1 ...
 *	+------+------+------+-------+  +-------------------+---------
 *	                                ^ tail&mask  ^ head&mask
 *
 * head and tail are 64-bit byte counts that only grow, so head - tail is
 * the number of bytes in use with no wrap ambiguity and no wasted byte.
 * The data pages are mapped twice back to back, in the kernel (vmap) and
 * in userspace, so a record that crosses the end of the ring is
 * contiguous for both sides and neither has to split copies.
 *
 * Writer (falco_ring_reserve, falco_ring_commit):
 *	tail = smp_load_acquire(&info->tail)			(A)
 *	write the record at data + (head & mask)
 *	smp_store_release(&info->head, head + aligned length)	(B)
 *
 * Reader (userspace/kmod):
 *	head = load_acquire(&info->head)			(C)
 *	read records between tail and head
 *	store_release(&info->tail, tail + aligned length)	(D)
 *
 * (B) pairs with (C): a reader that sees the new head also sees every
 * byte of the records before it.  (D) pairs with (A): once the writer
 * sees the new tail, the reader has finished reading the bytes it frees,
 * so overwriting them is safe.  The reader frees space record by record.
 *
 * tail lives in memory userspace can write, so the writer trusts nothing
 * about it: a tail behind head - size or ahead of head stops the ring
 * (FALCO_DROP_BAD_TAIL) but can never make the writer step outside the
 * data pages, because every write position is reduced modulo size and a
 * record is never longer than the free space computed from it.
 *
 * Drops are counted per reason in the info page and remembered in the
 * ring; the next record that fits is preceded by a FALCO_RING_GAP record
 * carrying how many events were lost, so a reader sees the gap in place.
 *
 * A reader sleeping in poll() is woken through an irq_work once the ring
 * holds at least the consumer's watermark; the irq_work keeps wake_up()
 * out of the probes, which may run in scheduler paths.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "compat.h"
#include "falco.h"

static void falco_ring_wake(struct irq_work *work)
{
	struct falco_ring *r = container_of(work, struct falco_ring,
					    wake_work);

	wake_up_interruptible(&r->owner->wait);
}

/* Distance, in bytes of mmap offset, between the rings of two CPUs. */
u64 falco_ring_stride(u64 size)
{
	return PAGE_SIZE + 2 * size;
}

struct falco_ring *falco_ring_alloc(struct falco_consumer *c,
				    unsigned int cpu, u64 size)
{
	struct falco_ring *r;
	struct page **twice;
	unsigned long i;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return NULL;
	falco_alloc_note(r);
	r->npages = size >> PAGE_SHIFT;
	r->size = size;
	r->cpu = cpu;
	r->owner = c;
	init_irq_work(&r->wake_work, falco_ring_wake);

	r->info = (struct falco_ring_info *)get_zeroed_page(GFP_KERNEL);
	if (!r->info)
		goto free_ring;
	falco_alloc_note(r->info);

	r->pages = kvcalloc(r->npages, sizeof(*r->pages), GFP_KERNEL);
	if (!r->pages)
		goto free_info;
	falco_alloc_note(r->pages);
	for (i = 0; i < r->npages; i++) {
		r->pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!r->pages[i])
			goto free_pages;
		falco_alloc_note(r->pages[i]);
	}

	twice = kvcalloc(2 * r->npages, sizeof(*twice), GFP_KERNEL);
	if (!twice)
		goto free_pages;
	for (i = 0; i < 2 * r->npages; i++)
		twice[i] = r->pages[i % r->npages];
	r->data = vmap(twice, 2 * r->npages, VM_MAP, PAGE_KERNEL);
	kvfree(twice);
	if (!r->data)
		goto free_pages;
	falco_alloc_note(r->data);

	r->info->size = size;
	r->info->stride = falco_ring_stride(size);
	r->info->version = FALCO_RING_VERSION;
	r->info->cpu = cpu;
	r->info->consumer_id = c->id;
	return r;

free_pages:
	for (i = 0; i < r->npages && r->pages[i]; i++) {
		falco_free_note(r->pages[i]);
		__free_page(r->pages[i]);
	}
	falco_free_note(r->pages);
	kvfree(r->pages);
free_info:
	falco_free_note(r->info);
	free_page((unsigned long)r->info);
free_ring:
	falco_free_note(r);
	kfree(r);
	return NULL;
}

/* Frees a ring that no probe can reach any more; r may be NULL. */
void falco_ring_free(struct falco_ring *r)
{
	unsigned long i;

	if (!r)
		return;
	irq_work_sync(&r->wake_work);
	falco_free_note(r->data);
	vunmap(r->data);
	for (i = 0; i < r->npages; i++) {
		falco_free_note(r->pages[i]);
		__free_page(r->pages[i]);
	}
	falco_free_note(r->pages);
	kvfree(r->pages);
	falco_free_note(r->info);
	free_page((unsigned long)r->info);
	falco_free_note(r);
	kfree(r);
}

/*
 * Maps part of a ring: pgoff 0 is the info page (one page, writable),
 * pgoff 1 the data (2 * size bytes, never writable).  Anything else is
 * refused.
 */
int falco_ring_mmap(struct falco_ring *r, struct vm_area_struct *vma,
		    unsigned long pgoff)
{
	unsigned long len = vma->vm_end - vma->vm_start;
	unsigned long addr = vma->vm_start;
	unsigned long i;
	int err;

	if (pgoff == 0) {
		if (len != PAGE_SIZE)
			return -EINVAL;
		return remap_pfn_range(vma, addr,
				       virt_to_phys(r->info) >> PAGE_SHIFT,
				       PAGE_SIZE, vma->vm_page_prot);
	}
	if (pgoff != 1 || len != 2 * r->size)
		return -EINVAL;
	if (vma->vm_flags & VM_WRITE)
		return -EPERM;
	/* Nor can mprotect() make it writable later. */
	falco_vm_flags_clear(vma, VM_MAYWRITE);
	falco_vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
	for (i = 0; i < 2 * r->npages; i++) {
		err = remap_pfn_range(vma, addr + i * PAGE_SIZE,
				      page_to_pfn(r->pages[i % r->npages]),
				      PAGE_SIZE, vma->vm_page_prot);
		if (err)
			return err;
	}
	return 0;
}

void falco_ring_drop(struct falco_ring *r, enum falco_drop_reason why)
{
	WRITE_ONCE(r->info->n_drops[why], r->info->n_drops[why] + 1);
	r->lost++;
	r->lost_mask |= 1U << why;
}

/* Writes the pending gap record at head; the caller checked the room. */
static u64 falco_ring_put_gap(struct falco_ring *r, u64 head, u64 ts, u64 tid)
{
	u8 *p = r->data + (head & (r->size - 1));
	struct fevt_hdr hdr = {
		.ts = ts,
		.tid = tid,
		.len = FALCO_RING_GAP_LEN,
		.type = FALCO_RING_GAP,
		.nparams = 2,
	};
	u16 lens[2] = { 8, 4 };
	u32 len = FALCO_RING_ALIGN(FALCO_RING_GAP_LEN);

	memcpy(p, &hdr, sizeof(hdr));
	memcpy(p + sizeof(hdr), lens, sizeof(lens));
	memcpy(p + sizeof(hdr) + sizeof(lens), &r->lost, 8);
	memcpy(p + sizeof(hdr) + sizeof(lens) + 8, &r->lost_mask, 4);
	memset(p + FALCO_RING_GAP_LEN, 0, len - FALCO_RING_GAP_LEN);
	WRITE_ONCE(r->info->n_gaps, r->info->n_gaps + 1);
	r->lost = 0;
	r->lost_mask = 0;
	return head + len;
}

/*
 * Returns where the next record goes and sets *avail to the bytes it may
 * use (a multiple of 8, at most FALCO_RING_MAX_RECORD), or returns NULL
 * if the ring is stopped or has no room at all (the drop is then for the
 * caller to count).  Must run on the ring's CPU with preemption off.
 */
void *falco_ring_reserve(struct falco_ring *r, u32 *avail, u64 ts, u64 tid)
{
	struct falco_ring_info *info = r->info;
	u64 head = info->head;
	u64 tail = smp_load_acquire(&info->tail);	/* pairs with (D) */
	u64 used = head - tail;
	u64 room;

	if (used > r->size) {
		falco_ring_drop(r, FALCO_DROP_BAD_TAIL);
		return NULL;
	}
	room = r->size - used;
	if (r->lost) {
		if (room < 2 * FALCO_RING_ALIGN(FALCO_RING_GAP_LEN))
			return NULL;
		head = falco_ring_put_gap(r, head, ts, tid);
		room -= FALCO_RING_ALIGN(FALCO_RING_GAP_LEN);
		smp_store_release(&info->head, head);	/* pairs with (C) */
	}
	*avail = min_t(u64, room, FALCO_RING_MAX_RECORD);
	return r->data + (head & (r->size - 1));
}

/*
 * Publishes the record of len bytes written at the reserved place; the
 * bytes up to the next 8-byte boundary are zeroed first.
 */
void falco_ring_commit(struct falco_ring *r, u32 len)
{
	struct falco_ring_info *info = r->info;
	u64 head = info->head;
	u32 alen = FALCO_RING_ALIGN(len);
	u8 *p = r->data + (head & (r->size - 1));

	memset(p + len, 0, alen - len);
	WRITE_ONCE(info->n_evts, info->n_evts + 1);
	smp_store_release(&info->head, head + alen);	/* pairs with (C) */
	if (wq_has_sleeper(&r->owner->wait) &&
	    head + alen - READ_ONCE(info->tail) >=
	    READ_ONCE(r->owner->watermark))
		irq_work_queue(&r->wake_work);
}

bool falco_ring_readable(struct falco_ring *r, u64 watermark)
{
	/* Pairs with the release stores of head by the producer. */
	u64 head = smp_load_acquire(&r->info->head);

	return head - READ_ONCE(r->info->tail) >= watermark;
}
