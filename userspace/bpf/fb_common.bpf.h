/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Maps, settings and record builders shared by every program of the
 * eBPF driver.  Each .bpf.c file includes this header; the maps and
 * globals are __weak so that `bpftool gen object` merges them into one.
 *
 * Building a record: fb_begin() claims this CPU's scratch area and
 * writes the header, one fb_put_*() per parameter appends the value and
 * its u16 length (in schema order), fb_submit() fixes hdr.len and copies
 * the record into this CPU's ring.  The scratch area is private to the
 * CPU and programs on syscall tracepoints do not nest, so no locking.
 *
 * Offsets into the scratch area are masked with FB_MAX_EVENT - 1 before
 * every access; the area is 2 * FB_MAX_EVENT long, so a write of up to
 * FB_MAX_EVENT bytes at a masked offset is always inside it.  A record
 * that grows past FB_MAX_EVENT is dropped and counted.
 *
 * Records of a size known at compile time can skip the scratch area:
 * fb_fixed_begin() reserves them in the ring, fb_fixed_put_*() write
 * the parameters in place, fb_fixed_submit() publishes them.
 *
 * Cost: these programs run on every syscall of the host.  On kernels
 * built with return-thunk and retpoline mitigations each helper call
 * costs 10-20 ns, more than the rest of a dispatcher, so the hot paths
 * count their calls: one task pointer for the filters, the clock, and
 * the ring's own calls.  Map lookups of arrays are inlined by the
 * verifier and cost a few instructions.
 */
#ifndef FB_COMMON_BPF_H
#define FB_COMMON_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "falco_event.h"
#include "falco_schema_gen.h"
#include "bpf/fb_abi.h"
#include "bpf/fb_flags.bpf.h"

#define FB_OFF(x)	((x) & (FB_MAX_EVENT - 1))

/* Settings written by userspace; .bss/.data so they can change live. */
__weak volatile uint64_t fb_boot_epoch;	/* realtime - boottime, ns */
__weak volatile uint32_t fb_snaplen = FB_DEFAULT_SNAPLEN;
__weak volatile uint32_t fb_tp_mask;		/* FB_TP_* */
__weak volatile uint32_t fb_ignore_tgid;	/* 0: capture every process */
__weak volatile uint32_t fb_wakeup_bytes = 1;	/* wake-up mark, bytes */
/*
 * 1 byte per native syscall: emit events for it or not.  A global, not
 * a map: one load instead of a lookup, and userspace writes it through
 * the mapped .bss.
 */
__weak volatile uint8_t fb_interest[FB_NSYSCALLS];

#define FB_SCRATCH_PTRS	32

struct fb_scratch {
	uint8_t		data[FB_SCRATCH_SIZE];
	uint32_t	pos;		/* next payload byte */
	uint32_t	idx;		/* next parameter */
	/* Pointers collected before a path is written out (cgroups, d_path). */
	uint64_t	ptrs[FB_SCRATCH_PTRS];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, uint32_t);
	__type(value, struct fb_scratch);
	__uint(max_entries, 1);		/* resized to the CPU count */
} fb_scratch_map __weak SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, uint32_t);
	__type(value, struct fb_counters);
	__uint(max_entries, 1);
} fb_counters_map __weak SEC(".maps");

/* Fillers by native syscall number, for sys_exit and sys_enter. */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__type(key, uint32_t);
	__type(value, uint32_t);
	__uint(max_entries, FB_EXIT_TAIL_SIZE);
} fb_exit_tail __weak SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__type(key, uint32_t);
	__type(value, uint32_t);
	__uint(max_entries, FB_NSYSCALLS);
} fb_enter_tail __weak SEC(".maps");

/* Rings are created by userspace; entry i is the ring of CPU i. */
struct fb_ring {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__type(key, uint32_t);
	__type(value, uint32_t);
	__uint(max_entries, 1);		/* resized to the CPU count */
	__array(values, struct fb_ring);
} fb_rings __weak SEC(".maps");

/*
 * A record under construction.  The write position and parameter index
 * live in the scratch map, not on the stack: the verifier does not track
 * values in map memory, so every path through a filler reaches the same
 * state and state pruning keeps verification short, whatever lengths the
 * strings read turned out to have.  Every use is masked instead.
 */
struct fb_rec {
	uint8_t			*buf;
	struct fb_scratch	*s;
	uint32_t		 cpu;
};

static __always_inline struct fb_counters *
fb_counters(void)
{
	uint32_t zero = 0;

	return bpf_map_lookup_elem(&fb_counters_map, &zero);
}

#define FB_COUNT(field) do {						\
	struct fb_counters *c_ = fb_counters();				\
	if (c_ != NULL)							\
		c_->field++;						\
} while (0)

/*
 * The current task.  Kernels before 5.11 lack bpf_get_current_task_btf();
 * the test is a CO-RE constant, so the verifier only sees one branch.
 * The BTF task is a trusted pointer whose fields, and the structures
 * they point to, are plain loads (FB_T); the other is a number, read
 * with BPF_CORE_READ (a helper call per pointer).
 */
#define FB_HAVE_TASK_BTF						\
	bpf_core_enum_value_exists(enum bpf_func_id,			\
	    BPF_FUNC_get_current_task_btf)

/*
 * A field of the current task t (from fb_current()): direct, an
 * expression of plain loads from t, for kernels with a trusted task
 * pointer; the same field as BPF_CORE_READ(t, chain...) elsewhere.
 * Both name the same field; the verifier sees only one of them.
 */
#define FB_T(t, direct, ...)						\
	(FB_HAVE_TASK_BTF ? (direct) : BPF_CORE_READ(t, __VA_ARGS__))

static __always_inline struct task_struct *
fb_current(void)
{
	if (FB_HAVE_TASK_BTF)
		return bpf_get_current_task_btf();
	return (struct task_struct *)bpf_get_current_task();
}

/* The current thread runs a 32-bit (ia32) syscall. */
static __always_inline int
fb_in_compat(void)
{
	struct task_struct *t;

	/* A trusted pointer allows a plain load instead of a helper call. */
	if (FB_HAVE_TASK_BTF) {
		t = bpf_get_current_task_btf();
		/* TS_COMPAT */
		return (t->thread_info.status & 0x0002) != 0;
	}
	t = (struct task_struct *)bpf_get_current_task();
	return (BPF_CORE_READ(t, thread_info.status) & 0x0002) != 0;
}

/* Skip events of the consumer itself, when asked to. */
static __always_inline int
fb_ignored(void)
{
	uint32_t tgid = bpf_get_current_pid_tgid() >> 32;

	return fb_ignore_tgid != 0 && tgid == fb_ignore_tgid;
}

static __always_inline int
fb_interesting(uint32_t nr)
{
	return nr < FB_NSYSCALLS && fb_interest[nr] != 0;
}

/*
 * Should the current thread's syscall nr produce events?  The same
 * tests as fb_interesting(), fb_ignored() and, with compat != 0,
 * fb_in_compat() together, with one helper call (the task) instead of
 * two, made only for syscalls of interest.  *tid gets the thread's id
 * for the record's header.
 */
static __always_inline int
fb_wanted(uint32_t nr, int compat, uint32_t *tid)
{
	struct task_struct *t;
	uint32_t tgid, status;

	if (!fb_interesting(nr))
		return 0;
	if (FB_HAVE_TASK_BTF) {
		t = bpf_get_current_task_btf();
		tgid = t->tgid;
		*tid = t->pid;
		status = t->thread_info.status;
	} else {
		t = (struct task_struct *)bpf_get_current_task();
		tgid = BPF_CORE_READ(t, tgid);
		*tid = BPF_CORE_READ(t, pid);
		status = compat ? BPF_CORE_READ(t, thread_info.status) : 0;
	}
	if (fb_ignore_tgid != 0 && tgid == fb_ignore_tgid)
		return 0;
	/* TS_COMPAT: an ia32 syscall, whose numbers differ. */
	return !compat || (status & 0x0002) == 0;
}

/* Claim the scratch area and write the header of a record. */
static __always_inline int
fb_begin(struct fb_rec *r, uint16_t type, uint32_t nparams)
{
	struct fevt_hdr *h;

	r->cpu = bpf_get_smp_processor_id();
	r->s = bpf_map_lookup_elem(&fb_scratch_map, &r->cpu);
	if (r->s == NULL) {
		FB_COUNT(n_drops_scratch);
		return -1;
	}
	r->buf = r->s->data;
	h = (struct fevt_hdr *)r->buf;
	/*
	 * The header is packed, but ts and tid sit at offsets 0 and 8 of
	 * an 8-aligned area: whole-word stores instead of byte stores.
	 */
	*(uint64_t *)&r->buf[0] = fb_boot_epoch + bpf_ktime_get_boot_ns();
	*(uint64_t *)&r->buf[8] = (uint32_t)bpf_get_current_pid_tgid();
	h->type = type;
	h->nparams = nparams;
	r->s->idx = 0;
	r->s->pos = FEVT_HDR_LEN + nparams * sizeof(uint16_t);
	return 0;
}

/* A partial record is kept in the scratch map for the next program. */
#define fb_save(r)	((void)(r))

/* Continue the record left by the previous program of the chain. */
static __always_inline int
fb_resume(struct fb_rec *r)
{
	r->cpu = bpf_get_smp_processor_id();
	r->s = bpf_map_lookup_elem(&fb_scratch_map, &r->cpu);
	if (r->s == NULL)
		return -1;
	r->buf = r->s->data;
	return 0;
}

static __always_inline void
fb_set_len(struct fb_rec *r, uint32_t len)
{
	uint32_t at = FEVT_HDR_LEN + r->s->idx * sizeof(uint16_t);

	*(uint16_t *)&r->buf[FB_OFF(at)] = len;
	r->s->idx++;
	r->s->pos += len;
}

#define FB_PUT_FIXED(name, type)					\
static __always_inline void						\
fb_put_##name(struct fb_rec *r, type v)					\
{									\
	*(type *)&r->buf[FB_OFF(r->s->pos)] = v;			\
	fb_set_len(r, sizeof(type));					\
}
FB_PUT_FIXED(u8, uint8_t)
FB_PUT_FIXED(u16, uint16_t)
FB_PUT_FIXED(u32, uint32_t)
FB_PUT_FIXED(s32, int32_t)
FB_PUT_FIXED(u64, uint64_t)
FB_PUT_FIXED(s64, int64_t)

static __always_inline void
fb_put_empty(struct fb_rec *r)
{
	fb_set_len(r, 0);
}

/*
 * A NUL-terminated string from user (user != 0) or kernel memory, at
 * most max bytes with the NUL.  An unreadable string leaves the
 * parameter empty; an empty string is a lone NUL.
 */
static __always_inline void
fb_put_str(struct fb_rec *r, const void *p, uint32_t max, int user)
{
	long n;

	if (p == NULL) {
		fb_put_empty(r);
		return;
	}
	if (user)
		n = bpf_probe_read_user_str(&r->buf[FB_OFF(r->s->pos)],
		    max & (FB_MAX_EVENT - 1), p);
	else
		n = bpf_probe_read_kernel_str(&r->buf[FB_OFF(r->s->pos)],
		    max & (FB_MAX_EVENT - 1), p);
	if (n < 0) {
		FB_COUNT(n_user_faults);
		fb_put_empty(r);
		return;
	}
	if (n == 0) {
		r->buf[FB_OFF(r->s->pos)] = 0;
		n = 1;
	}
	fb_set_len(r, n);
}

#define fb_put_ustr(r, p)	\
	fb_put_str(r, (const void *)(p), FB_MAX_PATH, 1)
#define fb_put_kstr(r, p, max)	fb_put_str(r, (const void *)(p), max, 0)

/* len bytes of user memory (len already cut to the snaplen). */
static __always_inline void
fb_put_ubuf(struct fb_rec *r, const void *p, uint32_t len)
{
	if (p == NULL || len == 0) {
		fb_put_empty(r);
		return;
	}
	len &= (FB_MAX_EVENT - 1);
	if (bpf_probe_read_user(&r->buf[FB_OFF(r->s->pos)], len, p) != 0) {
		FB_COUNT(n_user_faults);
		fb_put_empty(r);
		return;
	}
	fb_set_len(r, len);
}

/* Bytes of a read/write-like data buffer to capture for result res. */
static __always_inline uint32_t
fb_snap(int64_t res, uint64_t asked)
{
	uint64_t n = res > 0 ? (uint64_t)res : 0;
	uint32_t snap = fb_snaplen;

	if (n > asked)
		n = asked;
	if (snap > FB_MAX_SNAPLEN)
		snap = FB_MAX_SNAPLEN;
	return n > snap ? snap : (uint32_t)n;
}

/*
 * Wake the consumer only when this record makes the ring cross
 * fb_wakeup_bytes: a consumer goes to sleep only once every ring is
 * empty, so the crossing always comes, and it also polls with a short
 * timeout, which bounds the latency below the mark.  Waking it for
 * every record past the mark would cost an irq_work per event while it
 * is busy catching up (and the kernel's default, a wake-up whenever the
 * consumer has caught up, one per event while it keeps up: measured
 * about 230 ns per event on a 2-CPU VM).
 */
static __always_inline uint64_t
fb_wakeup_flag(void *ring, uint32_t len)
{
	uint64_t avail = bpf_ringbuf_query(ring, BPF_RB_AVAIL_DATA);

	if (avail < fb_wakeup_bytes && avail + len >= fb_wakeup_bytes)
		return BPF_RB_FORCE_WAKEUP;
	return BPF_RB_NO_WAKEUP;
}

/* Copy the record into this CPU's ring. */
static __always_inline int
fb_submit(struct fb_rec *r)
{
	struct fevt_hdr *h = (struct fevt_hdr *)r->buf;
	struct fb_counters *c = fb_counters();
	uint32_t len = r->s->pos;
	void *ring;

	if (c != NULL)
		c->n_evts++;
	if (len > FB_MAX_EVENT) {
		if (c != NULL)
			c->n_drops_max_size++;
		return 0;
	}
	h->len = len;
	ring = bpf_map_lookup_elem(&fb_rings, &r->cpu);
	if (ring == NULL) {
		if (c != NULL)
			c->n_drops_no_ring++;
		return 0;
	}
	if (bpf_ringbuf_output(ring, r->buf, len,
	    fb_wakeup_flag(ring, len)) != 0) {
		if (c != NULL)
			c->n_drops_buffer++;
	}
	return 0;
}

/*
 * A fixed-size record reserved in the ring: no scratch area, no copy.
 * len, the whole record, must be a compile-time constant (the verifier
 * wants a constant reservation) and the parameters must fill it
 * exactly; all of them have fixed sizes.  Counters are as fb_submit's.
 */
struct fb_fixed {
	uint8_t		*p;		/* reserved record */
	void		*ring;
	uint32_t	 len;
	uint32_t	 pos;		/* next payload byte */
	uint32_t	 idx;		/* next parameter */
};

/*
 * Reserve the record and write its header.  tid is the thread's id
 * (the caller often has it already).  Returns -1, counted, when the
 * ring is full or missing.
 */
static __always_inline int
fb_fixed_begin(struct fb_fixed *f, uint16_t type, uint32_t nparams,
    uint32_t len, uint32_t tid)
{
	uint32_t cpu = bpf_get_smp_processor_id();
	struct fb_counters *c = fb_counters();

	if (c != NULL)
		c->n_evts++;
	f->ring = bpf_map_lookup_elem(&fb_rings, &cpu);
	if (f->ring == NULL) {
		if (c != NULL)
			c->n_drops_no_ring++;
		return -1;
	}
	f->len = len;
	f->p = bpf_ringbuf_reserve(f->ring, len, 0);
	if (f->p == NULL) {
		if (c != NULL)
			c->n_drops_buffer++;
		return -1;
	}
	/* Ring records are 8-aligned: ts, tid and len are whole words. */
	*(uint64_t *)&f->p[0] = fb_boot_epoch + bpf_ktime_get_boot_ns();
	*(uint64_t *)&f->p[8] = tid;
	*(uint32_t *)&f->p[16] = len;
	*(uint16_t *)&f->p[20] = type;
	*(uint16_t *)&f->p[22] = nparams;	/* packed u32 at 22 */
	*(uint16_t *)&f->p[24] = 0;
	f->idx = 0;
	f->pos = FEVT_HDR_LEN + nparams * sizeof(uint16_t);
	return 0;
}

#define FB_FIXED_PUT(name, type)					\
static __always_inline void						\
fb_fixed_put_##name(struct fb_fixed *f, type v)				\
{									\
	*(type *)&f->p[f->pos] = v;					\
	*(uint16_t *)&f->p[FEVT_HDR_LEN + f->idx * sizeof(uint16_t)] =	\
	    sizeof(type);						\
	f->idx++;							\
	f->pos += sizeof(type);						\
}
FB_FIXED_PUT(u8, uint8_t)
FB_FIXED_PUT(u16, uint16_t)
FB_FIXED_PUT(u32, uint32_t)
FB_FIXED_PUT(s64, int64_t)
FB_FIXED_PUT(u64, uint64_t)

/* Publish the record. */
static __always_inline int
fb_fixed_submit(struct fb_fixed *f)
{
	bpf_ringbuf_submit(f->p, fb_wakeup_flag(f->ring, f->len));
	return 0;
}

/*
 * Syscall arguments from the user registers saved at entry (x86_64).
 * regs is a trusted tp_btf argument, read with plain loads.
 */
static __always_inline unsigned long
fb_arg(struct pt_regs *regs, int i)
{
	switch (i) {
	case 0: return regs->di;
	case 1: return regs->si;
	case 2: return regs->dx;
	case 3: return regs->r10;
	case 4: return regs->r8;
	default: return regs->r9;
	}
}

/* A filler of an exit event, tail-called by fb_sys_exit. */
#define FB_EXIT_PROG(name)						\
SEC("tp_btf/sys_exit")							\
int BPF_PROG(fx_##name, struct pt_regs *regs, long ret)

/*
 * The same filler for kernels with bpf_rdonly_cast(): the loader puts
 * fc_NAME in fx_NAME's slot there and loads only one of the two.
 */
#define FB_EXIT_PROG_CAST(name)						\
SEC("tp_btf/sys_exit")							\
int BPF_PROG(fc_##name, struct pt_regs *regs, long ret)

/*
 * A filler of an enter event.  Its body becomes two programs: fe_NAME
 * on tp_btf/sys_enter, tail-called by fb_sys_enter, and fn_NAME on
 * fentry of the syscall's own entry point, __x64_sys_NAME.  With
 * fentry only the five syscalls that have enter events pay for an
 * enter hook; through sys_enter every syscall of the host does.  The
 * loader keeps one of the two sets (fentry where the kernel allows it).
 * __x64_sys_NAME is only reached by native syscalls (ia32 ones enter
 * through __ia32_sys_NAME), so no compat test is needed there; x32
 * numbers fail the interest test.  regs is the entry's pt_regs
 * argument there, read with probed loads.
 */
#define FB_ENTER_PROG(name)						\
static __always_inline int fb_enter_##name(struct pt_regs *regs);	\
SEC("tp_btf/sys_enter")							\
int BPF_PROG(fe_##name, struct pt_regs *regs, long id)			\
{									\
	return fb_enter_##name(regs);					\
}									\
SEC("fentry/__x64_sys_" #name)						\
int BPF_PROG(fn_##name, struct pt_regs *regs)				\
{									\
	uint32_t tid;							\
									\
	if (!fb_wanted(regs->orig_ax, 0, &tid))				\
		return 0;						\
	return fb_enter_##name(regs);					\
}									\
static __always_inline int fb_enter_##name(struct pt_regs *regs)

#define ARG(i)		fb_arg(regs, i)
/* An int argument, sign-extended as Falco's drivers do. */
#define IARG(i)		((int64_t)(int32_t)fb_arg(regs, i))

#endif /* FB_COMMON_BPF_H */
