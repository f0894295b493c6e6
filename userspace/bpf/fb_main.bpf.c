// SPDX-License-Identifier: GPL-2.0-only
/*
 * The attached programs: the sys_exit and sys_enter dispatchers and the
 * scheduler tracepoints.  The dispatchers only decide; the work is done
 * by one filler program per syscall, reached by a tail call through
 * fb_exit_tail / fb_enter_tail (indexed by native syscall number).  A
 * syscall without a filler produces a generic event.
 *
 * The dispatchers run on every syscall of the host (see the cost note in
 * fb_common.bpf.h): the cheapest test comes first and a syscall nobody
 * wants costs one load; a wanted one costs a single helper call before
 * the tail call.
 */
#include "bpf/fb_common.bpf.h"
#include "bpf/fb_task.bpf.h"
#include "falco_schema_kern.h"

char LICENSE[] SEC("license") = "GPL";

/* Header, two u16 lengths, two u16 parameters. */
#define FB_GENERIC_LEN	(FEVT_HDR_LEN + 2 * 2 + 2 * 2)

/*
 * The generic event: fixed size, so written straight into the ring with
 * the thread id the dispatcher already has.
 */
static __always_inline int
fb_generic(uint32_t nr, uint32_t tid)
{
	struct fb_fixed f;

	if (fb_fixed_begin(&f, FE_GENERIC_X, 2, FB_GENERIC_LEN, tid) != 0)
		return 0;
	fb_fixed_put_u16(&f, nr < FE_NR_X86_64_MAX ?
	    fe_syscall_x86_64[nr].sc : 0);
	fb_fixed_put_u16(&f, nr);
	return fb_fixed_submit(&f);
}

/*
 * A tail call through a variable key is an indirect jump, which kernels
 * with retpolines turn into a retpoline (measured here: 15-25 ns); with
 * a constant key the kernel patches in a direct jump (or nothing while
 * the slot is empty).  The syscalls most programs make often get a
 * call site of their own.
 */
#define FB_TAIL_STATIC(map, nr)						\
	case nr:							\
		bpf_tail_call_static(ctx, &map, nr);			\
		break;

/*
 * ia32 syscalls come here too: fb_wanted() maps their numbers to the
 * native ones, whose fillers read the arguments through fb_args_load().
 * Those whose arguments have another layout become generic events.
 */
SEC("tp_btf/sys_exit")
int BPF_PROG(fb_sys_exit, struct pt_regs *regs, long ret)
{
	uint32_t tid;
	int32_t nr;

	if ((nr = fb_wanted(regs->orig_ax, 1, &tid, regs)) < 0)
		return 0;
	/* drop_failed_exit: a failed call's exit event is not sent. */
	if (ret < 0 && fb_drop_failed)
		return 0;
	if (nr & FB_AS_GENERIC) {
		FB_COUNT(n_ia32_generic);
		return fb_generic(nr & 0xffff, tid);
	}
	switch (nr) {
	FB_TAIL_STATIC(fb_exit_tail, 0)		/* read */
	FB_TAIL_STATIC(fb_exit_tail, 1)		/* write */
	FB_TAIL_STATIC(fb_exit_tail, 3)		/* close */
	FB_TAIL_STATIC(fb_exit_tail, 9)		/* mmap */
	FB_TAIL_STATIC(fb_exit_tail, 10)	/* mprotect */
	FB_TAIL_STATIC(fb_exit_tail, 17)	/* pread64 */
	FB_TAIL_STATIC(fb_exit_tail, 18)	/* pwrite64 */
	FB_TAIL_STATIC(fb_exit_tail, 19)	/* readv */
	FB_TAIL_STATIC(fb_exit_tail, 20)	/* writev */
	FB_TAIL_STATIC(fb_exit_tail, 41)	/* socket */
	FB_TAIL_STATIC(fb_exit_tail, 42)	/* connect */
	FB_TAIL_STATIC(fb_exit_tail, 44)	/* sendto */
	FB_TAIL_STATIC(fb_exit_tail, 45)	/* recvfrom */
	FB_TAIL_STATIC(fb_exit_tail, 46)	/* sendmsg */
	FB_TAIL_STATIC(fb_exit_tail, 47)	/* recvmsg */
	FB_TAIL_STATIC(fb_exit_tail, 72)	/* fcntl */
	FB_TAIL_STATIC(fb_exit_tail, 257)	/* openat */
	FB_TAIL_STATIC(fb_exit_tail, 288)	/* accept4 */
	}
	/* Any other filler; none for nr: the tail call falls through. */
	bpf_tail_call(ctx, &fb_exit_tail, nr);
	return fb_generic(nr, tid);
}

/*
 * Enter events exist only where the arguments must be read before the
 * call runs (open, openat, openat2, creat, connect); fb_enter_tail has
 * entries for those syscalls only, so other calls end here.
 */
SEC("tp_btf/sys_enter")
int BPF_PROG(fb_sys_enter, struct pt_regs *regs, long id)
{
	uint32_t tid;
	int32_t nr = (uint32_t)id;

	/* Most syscalls: out at the first test. */
	switch (nr) {
	case 2: case 85: case 257: case 437: case 42:
		break;	/* open, creat, openat, openat2, connect */
	case 5: case 8: case 295: case 362: case 102:
		/*
		 * ia32 open, creat, openat, connect, socketcall, when their
		 * native calls are wanted.  XXX The native calls with these
		 * numbers (fstat, lseek, preadv, getuid) then pay for the
		 * task lookup in fb_wanted() before being turned away: only
		 * TS_COMPAT tells the two apart.  fentry programs, where
		 * the kernel allows them, have no such cost.
		 */
		if ((fb_interest[nr] & FB_WANT_IA32) == 0)
			return 0;
		break;
	default:
		return 0;
	}
	if ((nr = fb_wanted(nr, 1, &tid, regs)) < 0)
		return 0;
	switch (nr) {
	FB_TAIL_STATIC(fb_enter_tail, 2)	/* open */
	FB_TAIL_STATIC(fb_enter_tail, 42)	/* connect */
	FB_TAIL_STATIC(fb_enter_tail, 85)	/* creat */
	FB_TAIL_STATIC(fb_enter_tail, 257)	/* openat */
	FB_TAIL_STATIC(fb_enter_tail, 437)	/* openat2 */
	}
	return 0;
}

#define FB_REAPER_THREADS	30	/* threads of one group looked at */
#define FB_REAPER_ANCESTORS	60	/* ancestors looked at */

/*
 * A thread of t's group that is not exiting: its tid, 0 if there is
 * none, -1 if the group has more threads than are looked at.
 */
static __always_inline int32_t
fb_live_thread(struct task_struct *t)
{
	struct signal_struct *sig = BPF_CORE_READ(t, signal);
	struct list_head *head, *pos;
	struct task_struct *th;
	int i;

	head = &sig->thread_head;
	pos = BPF_CORE_READ(head, next);
	for (i = 0; i < FB_REAPER_THREADS; i++) {
		if (pos == head || pos == NULL)
			return 0;
		th = (void *)pos - bpf_core_field_offset(struct task_struct,
		    thread_node);
		/* Not PF_EXITING */
		if ((BPF_CORE_READ(th, flags) & 0x4) == 0)
			return BPF_CORE_READ(th, pid);
		pos = BPF_CORE_READ(pos, next);
	}
	return pos == head ? 0 : -1;
}

/*
 * The thread that adopts the children of the exiting task t, found as
 * the kernel's exit_notify() will (find_new_reaper()): a live thread of
 * t's group; else, if some ancestor made itself a child subreaper
 * (PR_SET_CHILD_SUBREAPER marks its descendants has_child_subreaper),
 * a live thread of the nearest such ancestor in t's pid namespace;
 * else the namespace's init.  0 when t is that init and has no live
 * thread left (the namespace dies with it), -1 when the bounds of the
 * walk were reached (userspace then decides), as Falco's drivers do.
 */
static __always_inline int32_t
fb_reaper(struct task_struct *t)
{
	struct task_struct *init, *up;
	struct signal_struct *sig;
	unsigned int level;
	int32_t tid, init_tid;
	int i;

	if ((tid = fb_live_thread(t)) != 0)
		return tid;
	init = BPF_CORE_READ(fb_pid_ns(fb_task_pid(t, PIDTYPE_PID)),
	    child_reaper);
	if (init == t)
		return 0;
	init_tid = init != NULL ? BPF_CORE_READ(init, pid) : 0;
	sig = BPF_CORE_READ(t, signal);
	if (!BPF_CORE_READ_BITFIELD_PROBED(sig, has_child_subreaper))
		return init_tid;
	/*
	 * Comparing pid levels keeps the walk inside t's namespace: a task
	 * that entered it with setns() has a parent outside at a lower
	 * level, and the init of the namespace ends the walk anyway.
	 */
	level = BPF_CORE_READ(t, thread_pid, level);
	up = BPF_CORE_READ(t, real_parent);
	for (i = 0; i < FB_REAPER_ANCESTORS; i++) {
		if (up == NULL || up == init ||
		    BPF_CORE_READ(up, thread_pid, level) != level)
			return init_tid;
		sig = BPF_CORE_READ(up, signal);
		if (BPF_CORE_READ_BITFIELD_PROBED(sig, is_child_subreaper) &&
		    (tid = fb_live_thread(up)) != 0)
			return tid;
		up = BPF_CORE_READ(up, real_parent);
	}
	return -1;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(fb_sched_exit, struct task_struct *t)
{
	struct list_head *children;
	struct fb_rec r;
	int32_t code, reaper = 0;
	uint8_t sig;

	if ((fb_tp_mask & FB_TP_SCHED_EXIT) == 0 || fb_ignored())
		return 0;
	if (fb_begin(&r, FE_PROCEXIT_1_E, 5) != 0)
		return 0;
	code = BPF_CORE_READ(t, exit_code);
	sig = code & 0x7f;
	fb_put_s64(&r, code);				/* status */
	fb_put_s64(&r, (code >> 8) & 0xff);		/* ret */
	fb_put_u8(&r, sig != 0 && sig != 0x7f ? sig : 0);	/* sig */
	fb_put_u8(&r, (code & 0x80) != 0);		/* core */
	/* Children need a reaper only if there are any. */
	children = &t->children;
	if (BPF_CORE_READ(children, next) != children)
		reaper = fb_reaper(t);
	fb_put_s64(&r, reaper);
	return fb_submit(&r);
}
