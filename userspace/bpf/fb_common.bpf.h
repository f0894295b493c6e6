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
#include "falco_schema_kern.h"

#define FB_OFF(x)	((x) & (FB_MAX_EVENT - 1))

/* Settings written by userspace; .bss/.data so they can change live. */
__weak volatile uint64_t fb_boot_epoch;	/* realtime - boottime, ns */
__weak volatile uint32_t fb_snaplen = FB_DEFAULT_SNAPLEN;
__weak volatile uint32_t fb_tp_mask;		/* FB_TP_* */
__weak volatile uint32_t fb_ignore_tgid;	/* 0: capture every process */
__weak volatile uint32_t fb_wakeup_bytes = 1;	/* wake-up mark, bytes */
/* Drop the exit events of syscalls that failed (drop_failed_exit). */
__weak volatile uint32_t fb_drop_failed;
/*
 * 1 byte per syscall number, FB_WANT_* bits: emit events for it or not.
 * A global, not a map: one load instead of a lookup, and userspace
 * writes it through the mapped .bss.
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

/* Skip events of the consumer itself, when asked to. */
static __always_inline int
fb_ignored(void)
{
	uint32_t tgid = bpf_get_current_pid_tgid() >> 32;

	return fb_ignore_tgid != 0 && tgid == fb_ignore_tgid;
}

/* Is native syscall nr wanted? */
static __always_inline int
fb_interesting(uint32_t nr)
{
	return nr < FB_NSYSCALLS && (fb_interest[nr] & FB_WANT_NATIVE) != 0;
}

#define FB_NR_EXECVE		59
#define FB_NR_EXECVEAT		322
/* fb_wanted(): the ia32 call is reported as a generic event. */
#define FB_AS_GENERIC		0x10000

/*
 * The native number an ia32 syscall nr is handled as (want: its
 * fb_interest[] byte), or -1.  ia32 socketcall() is the socket call
 * its first argument names.  execve and execveat (59, 322) stay native
 * under TS_COMPAT, as in Falco's drivers: a 64-bit execve that loads a
 * 32-bit program returns with TS_COMPAT set, with the native number in
 * orig_ax where the kernel leaves it alone.  ia32 59 and 322
 * (oldolduname, timerfd_create) have no events.
 */
static __always_inline int32_t
fb_ia32_nr(uint32_t nr, uint8_t want, struct pt_regs *regs)
{
	uint32_t call;
	int32_t m;

	if (nr == FB_NR_EXECVE || nr == FB_NR_EXECVEAT)
		return (want & FB_WANT_NATIVE) ? (int32_t)nr : -1;
	if ((want & FB_WANT_IA32) == 0)
		return -1;
	if (nr == FE_NR_IA32_SOCKETCALL) {
		call = regs->bx;
		if (call >= FE_SOCKETCALL_MAX)
			return -1;
		m = fe_socketcall[call].nr;
		if (m >= 0 && fe_socketcall[call].generic)
			m |= FB_AS_GENERIC;
	} else {
		if (nr >= FE_NR_IA32_MAX)
			return -1;
		m = fe_ia32_to_x86_64[nr];
		if (m >= 0 && fe_ia32_generic[nr])
			m |= FB_AS_GENERIC;
	}
	/* The native call must be wanted too (socketcall stands for many). */
	if (m < 0 || !fb_interesting(m & 0xffff))
		return -1;
	return m;
}

/*
 * Should the current thread's syscall nr produce events, and as which
 * native syscall?  The same tests as fb_interesting(), fb_ignored()
 * and, with compat != 0, the ia32 test (TS_COMPAT) together, with one
 * helper call (the task), made only for numbers somebody wants.
 * Returns the native number, with FB_AS_GENERIC when an ia32 call is to
 * be sent as a generic event, or -1.  compat == 0 (fentry on an
 * __x64_sys_ function) means nr is known to be native.  *tid gets the
 * thread's id for the record's header.
 */
static __always_inline int32_t
fb_wanted(uint32_t nr, int compat, uint32_t *tid, struct pt_regs *regs)
{
	struct task_struct *t;
	uint32_t tgid, status;
	uint8_t want;

	if (nr >= FB_NSYSCALLS || (want = fb_interest[nr]) == 0)
		return -1;
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
		return -1;
	/* TS_COMPAT: an ia32 syscall, whose numbers differ. */
	if (compat && (status & 0x0002) != 0)
		return fb_ia32_nr(nr, want, regs);
	return (want & FB_WANT_NATIVE) ? (int32_t)nr : -1;
}

/*
 * Claim the scratch area and write the header of a record for thread
 * tid (fb_begin(): the current thread's, asked for).
 */
static __always_inline int
fb_begin_tid(struct fb_rec *r, uint16_t type, uint32_t nparams,
    uint32_t tid)
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
	*(uint64_t *)&r->buf[8] = tid;
	h->type = type;
	h->nparams = nparams;
	r->s->idx = 0;
	r->s->pos = FEVT_HDR_LEN + nparams * sizeof(uint16_t);
	return 0;
}

#define fb_begin(r, type, nparams)					\
	fb_begin_tid(r, type, nparams, (uint32_t)bpf_get_current_pid_tgid())

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
 * The arguments of the syscall being reported, in the order of its
 * x86_64 prototype, whatever ABI it came through.  The fillers read
 * them (ARG(i)) instead of the registers: the program of a native
 * syscall also serves its ia32 counterpart.  ia32 values are 32-bit,
 * zero-extended; ia32 is set for those, whose user structures hold
 * 32-bit pointers.
 */
struct fb_args {
	unsigned long	a[6];
	uint32_t	ia32;
	uint32_t	tid;	/* the thread's, for the record's header */
};

/* A native call: the x86_64 argument registers; a->tid is set apart. */
static __always_inline void
fb_args_native(struct fb_args *a, struct pt_regs *regs)
{
	a->a[0] = regs->di;
	a->a[1] = regs->si;
	a->a[2] = regs->dx;
	a->a[3] = regs->r10;
	a->a[4] = regs->r8;
	a->a[5] = regs->r9;
	a->ia32 = 0;
}

/*
 * The arguments of the current syscall, whose registers regs holds (a
 * trusted tp_btf argument, read with plain loads).  ia32 calls pass
 * them in bx, cx, dx, si, di, bp; socketcall() passes the call in bx
 * and a block of 32-bit arguments at cx, read here (an unreadable
 * block leaves them 0, counted as a fault).  The ABI test needs the
 * task, which also gives the thread id the record header needs
 * (FB_BEGIN): the helper call fb_begin() would make for it is saved,
 * and the filler costs what it did before ia32 calls were handled.
 */
static __always_inline void
fb_args_load(struct fb_args *a, struct pt_regs *regs)
{
	uint32_t blk[6] = {}, call, len, status;
	struct task_struct *t;
	int i;

	if (FB_HAVE_TASK_BTF) {
		t = bpf_get_current_task_btf();
		status = t->thread_info.status;
		a->tid = t->pid;
	} else {
		t = (struct task_struct *)bpf_get_current_task();
		status = BPF_CORE_READ(t, thread_info.status);
		a->tid = (uint32_t)bpf_get_current_pid_tgid();
	}
	/* TS_COMPAT */
	if ((status & 0x0002) == 0) {
		fb_args_native(a, regs);
		return;
	}
	a->ia32 = 1;
	if ((uint32_t)regs->orig_ax != FE_NR_IA32_SOCKETCALL) {
		a->a[0] = (uint32_t)regs->bx;
		a->a[1] = (uint32_t)regs->cx;
		a->a[2] = (uint32_t)regs->dx;
		a->a[3] = (uint32_t)regs->si;
		a->a[4] = (uint32_t)regs->di;
		a->a[5] = (uint32_t)regs->bp;
		return;
	}
	call = regs->bx;
	len = call < FE_SOCKETCALL_MAX ? fe_socketcall[call].nargs * 4 : 0;
	if (len > sizeof(blk))
		len = sizeof(blk);
	if (bpf_probe_read_user(blk, len,
	    (void *)(unsigned long)(uint32_t)regs->cx) != 0)
		FB_COUNT(n_user_faults);
	for (i = 0; i < 6; i++)
		a->a[i] = blk[i];
}

static __always_inline unsigned long
fb_arg(struct fb_args *regs, int i)
{
	switch (i) {
	case 0: return regs->a[0];
	case 1: return regs->a[1];
	case 2: return regs->a[2];
	case 3: return regs->a[3];
	case 4: return regs->a[4];
	default: return regs->a[5];
	}
}

/*
 * A filler of an exit event, tail-called by fb_sys_exit.  The body
 * sees ctx, regs (the struct fb_args) and ret.
 */
#define FB_EXIT_PROG_AS(prog, name)					\
static __always_inline int prog##_body_##name(unsigned long long *ctx,	\
    struct fb_args *regs, long ret);					\
SEC("tp_btf/sys_exit")							\
int BPF_PROG(prog##_##name, struct pt_regs *uregs, long ret)		\
{									\
	struct fb_args a;						\
									\
	fb_args_load(&a, uregs);					\
	return prog##_body_##name(ctx, &a, ret);			\
}									\
static __always_inline int prog##_body_##name(unsigned long long *ctx,	\
    struct fb_args *regs, long ret)

#define FB_EXIT_PROG(name)	FB_EXIT_PROG_AS(fx, name)

/*
 * The same filler for kernels with bpf_rdonly_cast(): the loader puts
 * fc_NAME in fx_NAME's slot there and loads only one of the two.
 */
#define FB_EXIT_PROG_CAST(name)	FB_EXIT_PROG_AS(fc, name)

/*
 * A filler of an enter event.  Its body becomes two programs: fe_NAME
 * on tp_btf/sys_enter, tail-called by fb_sys_enter, and fn_NAME on
 * fentry of the syscall's own entry point, __x64_sys_NAME.  With
 * fentry only the five syscalls that have enter events pay for an
 * enter hook; through sys_enter every syscall of the host does.  The
 * loader keeps one of the two sets (fentry where the kernel allows it).
 * __x64_sys_NAME is only reached by native syscalls (ia32 ones enter
 * through __ia32_sys_NAME or __ia32_compat_sys_NAME), so no compat
 * test is needed there; x32 numbers fail the interest test.  regs is
 * the entry's pt_regs argument there, read with probed loads.
 *
 * XXX With fentry, ia32 calls produce no enter event (their exit
 * event, which repeats the arguments, is still sent): that would take
 * programs on the ia32 entry points, whose names vary between kernels.
 * The sys_enter dispatcher (falco-bpf-dump -E) reports them.
 */
#define FB_ENTER_PROG(name)						\
static __always_inline int fb_enter_##name(struct fb_args *regs);	\
SEC("tp_btf/sys_enter")							\
int BPF_PROG(fe_##name, struct pt_regs *uregs, long id)			\
{									\
	struct fb_args a;						\
									\
	fb_args_load(&a, uregs);					\
	return fb_enter_##name(&a);					\
}									\
SEC("fentry/__x64_sys_" #name)						\
int BPF_PROG(fn_##name, struct pt_regs *uregs)				\
{									\
	struct fb_args a;						\
	uint32_t tid;							\
									\
	if (fb_wanted(uregs->orig_ax, 0, &tid, uregs) < 0)		\
		return 0;						\
	fb_args_native(&a, uregs);					\
	a.tid = tid;							\
	return fb_enter_##name(&a);					\
}									\
static __always_inline int fb_enter_##name(struct fb_args *regs)

#define ARG(i)		fb_arg(regs, i)
/* fb_begin() in a filler, with the thread id fb_args_load() found. */
#define FB_BEGIN(r, type, nparams)					\
	fb_begin_tid(r, type, nparams, regs->tid)
/* An int argument, sign-extended as Falco's drivers do. */
#define IARG(i)		((int64_t)(int32_t)fb_arg(regs, i))

#endif /* FB_COMMON_BPF_H */
