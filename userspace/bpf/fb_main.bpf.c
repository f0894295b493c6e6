// SPDX-License-Identifier: GPL-2.0-only
/*
 * The attached programs: the sys_exit and sys_enter dispatchers and the
 * scheduler tracepoints.  The dispatchers only decide; the work is done
 * by one filler program per syscall, reached by a tail call through
 * fb_exit_tail / fb_enter_tail (indexed by native syscall number).  A
 * syscall without a filler produces a generic event.
 */
#include "bpf/fb_common.bpf.h"
#include "bpf/fb_task.bpf.h"
#include "falco_schema_kern.h"

char LICENSE[] SEC("license") = "GPL";

static __always_inline int
fb_generic(uint32_t nr)
{
	struct fb_rec r;

	if (fb_begin(&r, FE_GENERIC_X, 2) != 0)
		return 0;
	fb_put_u16(&r, nr < FE_NR_X86_64_MAX ? fe_syscall_x86_64[nr].sc : 0);
	fb_put_u16(&r, nr);
	return fb_submit(&r);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(fb_sys_exit, struct pt_regs *regs, long ret)
{
	uint32_t nr = regs->orig_ax;

	if (!fb_interesting(nr) || fb_ignored())
		return 0;
	/* XXX ia32 syscalls use other numbers; they are not reported. */
	if (fb_in_compat())
		return 0;
	bpf_tail_call(ctx, &fb_exit_tail, nr);
	return fb_generic(nr);
}

/*
 * Enter events exist only where the arguments must be read before the
 * call runs (open, openat, openat2, creat, connect); fb_enter_tail has
 * entries for those syscalls only, so other calls end here.
 */
SEC("tp_btf/sys_enter")
int BPF_PROG(fb_sys_enter, struct pt_regs *regs, long id)
{
	uint32_t nr = id;

	/* Most syscalls: out at the first test. */
	switch (nr) {
	case 2: case 85: case 257: case 437: case 42:
		break;	/* open, creat, openat, openat2, connect */
	default:
		return 0;
	}
	if (!fb_interesting(nr) || fb_ignored() || fb_in_compat())
		return 0;
	bpf_tail_call(ctx, &fb_enter_tail, nr);
	return 0;
}

/* The thread that adopts the children of an exiting task. */
static __always_inline int32_t
fb_reaper(struct task_struct *t)
{
	struct signal_struct *sig = BPF_CORE_READ(t, signal);
	struct list_head *head, *pos;
	struct task_struct *th;
	int i;

	/* A live thread of the same group takes them over first. */
	head = &sig->thread_head;
	pos = BPF_CORE_READ(head, next);
	for (i = 0; i < 16 && pos != head; i++) {
		th = (void *)pos - bpf_core_field_offset(struct task_struct,
		    thread_node);
		/* Not PF_EXITING */
		if ((BPF_CORE_READ(th, flags) & 0x4) == 0)
			return BPF_CORE_READ(th, pid);
		pos = BPF_CORE_READ(pos, next);
	}
	/* XXX child subreapers are not looked for: namespace init. */
	th = BPF_CORE_READ(fb_pid_ns(fb_task_pid(t, PIDTYPE_PID)),
	    child_reaper);
	return th != NULL ? BPF_CORE_READ(th, pid) : 0;
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
