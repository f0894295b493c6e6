// SPDX-License-Identifier: GPL-2.0-only
/*
 * Process events: execve/execveat, the clone family, credentials,
 * namespaces, signals, modules, ptrace, bpf.
 *
 * The execve and clone events have too many parameters for one program
 * on every verifier, so they are built by a chain of programs: each
 * pushes some parameters, fb_save()s the partial record and tail-calls
 * the next (fb_exit_tail slots FB_XT_*, fb_exec_tail for the
 * sched_process_exec chain, which must have its own program array
 * because a program array holds programs of a single attach point).
 *
 * A successful execve is reported from sched_process_exec (the new
 * image is in place there); sys_exit only reports failures.
 */
#include "bpf/fb_common.bpf.h"
#include "bpf/fb_task.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__type(key, uint32_t);
	__type(value, uint32_t);
	__uint(max_entries, 2);
} fb_exec_tail __weak SEC(".maps");

#define FB_PATH_DEPTH	24

/*
 * The path of a file from the global root (crossing mounts), like the
 * kernel's d_path() without the caller's chroot and without its
 * " (deleted)" suffix.  A file with no name in any filesystem (a memfd:
 * its dentry is its own parent but no mount's root) is shown by its
 * dentry name alone, "memfd:NAME", as Falco's eBPF driver does.
 * XXX Paths deeper than FB_PATH_DEPTH components lose their top
 * components.
 */
static __always_inline void
fb_put_file_path(struct fb_rec *r, struct file *f)
{
	uint64_t *names = r->s->ptrs;	/* untracked: see struct fb_rec */
	struct dentry *d, *parent, *mroot;
	struct vfsmount *vmnt;
	struct mount *mnt, *up;
	uint32_t start;
	int i, any = 0;

	if (f == NULL) {
		fb_put_empty(r);
		return;
	}
	d = BPF_CORE_READ(f, f_path.dentry);
	vmnt = BPF_CORE_READ(f, f_path.mnt);
	mnt = container_of(vmnt, struct mount, mnt);
	for (i = 0; i < FB_PATH_DEPTH; i++)
		names[i] = 0;
	for (i = 0; i < FB_PATH_DEPTH; i++) {
		mroot = BPF_CORE_READ(vmnt, mnt_root);
		parent = BPF_CORE_READ(d, d_parent);
		if (d == mroot) {
			/* Cross to the mount point in the parent mount. */
			up = BPF_CORE_READ(mnt, mnt_parent);
			if (up == mnt)
				break;		/* the global root */
			d = BPF_CORE_READ(mnt, mnt_mountpoint);
			mnt = up;
			vmnt = &up->mnt;
			continue;
		}
		if (d == parent)
			break;
		names[i] = (uint64_t)BPF_CORE_READ(d, d_name.name);
		d = parent;
	}
	start = fb_open_param(r);
	for (i = FB_PATH_DEPTH - 1; i >= 0; i--) {
		if (names[i] == 0)
			continue;
		fb_append_c(r, '/');
		if (fb_append_kstr(r, (void *)names[i], 256) > 0)
			r->s->pos--;	/* drop the NUL */
		any = 1;
	}
	/* Nothing collected: the global root ("/") or a pseudo file. */
	if (!any && fb_append_kstr(r, BPF_CORE_READ(d, d_name.name),
	    256) > 0) {
		fb_close_param(r, start);
		return;
	}
	if (!any)
		fb_append_c(r, '/');
	fb_append_c(r, 0);
	fb_close_param(r, start);
}

/* tid, pid, ptid, cwd, fdlimit, page faults, VM sizes, comm */
static __always_inline void
fb_put_proc(struct fb_rec *r, struct task_struct *t)
{
	struct mm_struct *mm = FB_T(t, t->mm, mm);

	fb_put_s64(r, FB_T(t, t->pid, pid));
	fb_put_s64(r, FB_T(t, t->tgid, tgid));
	fb_put_s64(r, FB_T(t, t->real_parent->pid, real_parent, pid));
	fb_put_empty(r);	/* cwd: left to userspace, as Falco's drivers */
	fb_put_u64(r, FB_T(t, t->signal->rlim[7].rlim_cur,	/* NOFILE */
	    signal, rlim[7].rlim_cur));
	fb_put_u64(r, FB_T(t, t->maj_flt, maj_flt));
	fb_put_u64(r, FB_T(t, t->min_flt, min_flt));
	fb_put_u32(r, fb_vm_size(mm));
	fb_put_u32(r, fb_vm_rss(mm));
	fb_put_u32(r, fb_vm_swap(mm));
	fb_put_kstr(r, t->comm, 16);
}

/*
 * One pointer of a user argv array: 8 bytes, 4 for an ia32 caller.
 * Returns -1 when it cannot be read.
 */
static __always_inline int
fb_argv_ptr(const void *uargv, int i, int ia32, const char **p)
{
	uint32_t p32 = 0;

	if (!ia32)
		return bpf_probe_read_user(p, sizeof(*p),
		    (const char *const *)uargv + i);
	if (bpf_probe_read_user(&p32, sizeof(p32),
	    (const uint32_t *)uargv + i) != 0)
		return -1;
	*p = (const char *)(unsigned long)p32;
	return 0;
}

/*
 * exe and args from a user argv array (failed execve: no new mm);
 * ia32: the array of a 32-bit call, whose pointers are 4 bytes.
 */
static __always_inline void
fb_put_argv(struct fb_rec *r, const void *uargv, int split_exe, int ia32)
{
	const char *p = NULL;
	uint32_t start;
	int i;

	/* No argv at all: an empty exe (a lone NUL) and no args. */
	if (uargv == NULL && split_exe) {
		r->buf[FB_OFF(r->s->pos)] = 0;
		fb_set_len(r, 1);
		fb_put_empty(r);
		return;
	}
	if (split_exe) {
		fb_argv_ptr(uargv, 0, ia32, &p);
		fb_put_str(r, p, FB_MAX_ARGS, 1);
		uargv = (const uint8_t *)uargv + (ia32 ? 4 : 8);
	}
	start = fb_open_param(r);
	for (i = 0; i < FB_MAX_ARGV; i++) {
		p = NULL;
		if (fb_argv_ptr(uargv, i, ia32, &p) != 0 || p == NULL)
			break;
		if (r->s->pos - start >= FB_MAX_ARGS ||
		    fb_append_ustr(r, p, FB_MAX_ARGS) <= 0)
			break;
	}
	if (r->s->pos - start > FB_MAX_ARGS)
		r->s->pos = start + FB_MAX_ARGS;
	fb_close_param(r, start);
}

/* cgroups is pushed separately; then env comes from the caller. */

/* tty, vpgid, loginuid, flags, caps, exe inode, euid */
static __always_inline void
fb_put_exec_tail1(struct fb_rec *r, struct task_struct *t)
{
	struct file *exe = FB_T(t, t->mm->exe_file, mm, exe_file);
	struct inode *ino = BPF_CORE_READ(exe, f_inode);
	const struct cred *cred = FB_T(t, t->cred, cred);
	uint64_t ctime = 0, mtime = 0;

	fb_put_u32(r, fb_tty(t));
	fb_put_s64(r, fb_pid_vnr(fb_task_pid(t, PIDTYPE_PGID)));
	fb_put_u32(r, fb_loginuid(t));
	fb_put_u32(r, fb_exe_flags(t, exe));
	/* Capability bits have the same numbers in events. */
	fb_put_u64(r, fb_cred_caps(cred, cap_inheritable));
	fb_put_u64(r, fb_cred_caps(cred, cap_permitted));
	fb_put_u64(r, fb_cred_caps(cred, cap_effective));
	fb_put_u64(r, BPF_CORE_READ(ino, i_ino));
	fb_inode_times(ino, &ctime, &mtime);
	fb_put_u64(r, ctime);
	fb_put_u64(r, mtime);
	fb_put_u32(r, BPF_CORE_READ(cred, euid.val));
}

/* trusted_exepath, pgid, egid */
static __always_inline void
fb_put_exec_tail2(struct fb_rec *r, struct task_struct *t)
{
	fb_put_file_path(r, FB_T(t, t->mm->exe_file, mm, exe_file));
	fb_put_s64(r, BPF_CORE_READ(fb_task_pid(t, PIDTYPE_PGID),
	    numbers[0].nr));
	fb_put_u32(r, FB_T(t, t->cred->egid.val, cred, egid.val));
}

static __always_inline int
fb_exec_wanted(void)
{
	return fb_interesting(59) || fb_interesting(322); /* execve(at) */
}

/* ---- successful execve/execveat, from the scheduler tracepoint ---- */

SEC("tp_btf/sched_process_exec")
int BPF_PROG(fb_sched_exec, struct task_struct *p, pid_t old_pid,
    struct linux_binprm *bprm)
{
	struct task_struct *t = fb_current();
	struct fb_rec r;

	if ((fb_tp_mask & FB_TP_SCHED_EXEC) == 0 || !fb_exec_wanted() ||
	    fb_ignored())
		return 0;
	if (FB_T(t, t->flags, flags) & 0x00200000)	/* PF_KTHREAD */
		return 0;
	if (fb_begin(&r, FE_SYSCALL_EXECVE_19_X, 31) != 0)
		return 0;
	fb_put_s64(&r, 0);
	fb_put_exe_args(&r, FB_T(t, t->mm->arg_start, mm, arg_start),
	    FB_T(t, t->mm->arg_end, mm, arg_end));
	fb_put_proc(&r, t);
	fb_save(&r);
	bpf_tail_call(ctx, &fb_exec_tail, 0);
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(fb_sched_exec_2, struct task_struct *p, pid_t old_pid,
    struct linux_binprm *bprm)
{
	struct task_struct *t = fb_current();
	struct fb_rec r;

	if (fb_resume(&r) != 0)
		return 0;
	fb_put_cgroups(&r, t);
	fb_put_strblock(&r, FB_T(t, t->mm->env_start, mm, env_start),
	    FB_T(t, t->mm->env_end, mm, env_end));
	fb_put_exec_tail1(&r, t);
	fb_save(&r);
	bpf_tail_call(ctx, &fb_exec_tail, 1);
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(fb_sched_exec_3, struct task_struct *p, pid_t old_pid,
    struct linux_binprm *bprm)
{
	struct task_struct *t = fb_current();
	struct fb_rec r;

	if (fb_resume(&r) != 0)
		return 0;
	fb_put_exec_tail2(&r, t);
	fb_put_kstr(&r, BPF_CORE_READ(bprm, filename), FB_MAX_PATH);
	return fb_submit(&r);
}

/* ---- failed execve/execveat, from sys_exit ---- */

FB_EXIT_PROG(execve)
{
	struct fb_rec r;

	if (ret == 0)
		return 0;
	if (FB_BEGIN(&r, FE_SYSCALL_EXECVE_19_X, 31) != 0)
		return 0;
	fb_put_s64(&r, ret);
	fb_put_argv(&r, (void *)ARG(1), 1, regs->ia32);
	fb_save(&r);
	bpf_tail_call(ctx, &fb_exit_tail, FB_XT_EXEC_2);
	return 0;
}

FB_EXIT_PROG(execveat)
{
	struct fb_rec r;

	if (ret == 0)
		return 0;
	if (FB_BEGIN(&r, FE_SYSCALL_EXECVEAT_X, 30) != 0)
		return 0;
	fb_put_s64(&r, ret);
	fb_put_argv(&r, (void *)ARG(2), 1, regs->ia32);
	fb_save(&r);
	bpf_tail_call(ctx, &fb_exit_tail, FB_XT_EXEC_2);
	return 0;
}

static __always_inline int
fb_rec_is_execve(struct fb_rec *r)
{
	return ((struct fevt_hdr *)r->buf)->type == FE_SYSCALL_EXECVE_19_X;
}

FB_EXIT_PROG(exec_2)
{
	struct task_struct *t = fb_current();
	struct fb_rec r;

	if (fb_resume(&r) != 0)
		return 0;
	fb_put_proc(&r, t);
	fb_put_cgroups(&r, t);
	fb_save(&r);
	bpf_tail_call(ctx, &fb_exit_tail, FB_XT_EXEC_3);
	return 0;
}

FB_EXIT_PROG(exec_3)
{
	struct task_struct *t = fb_current();
	struct fb_rec r;

	if (fb_resume(&r) != 0)
		return 0;
	fb_put_argv(&r, (void *)ARG(fb_rec_is_execve(&r) ? 2 : 3), 0,
	    regs->ia32);
	fb_put_exec_tail1(&r, t);
	fb_save(&r);
	bpf_tail_call(ctx, &fb_exit_tail, FB_XT_EXEC_4);
	return 0;
}

FB_EXIT_PROG(exec_4)
{
	struct task_struct *t = fb_current();
	struct fb_rec r;

	if (fb_resume(&r) != 0)
		return 0;
	fb_put_exec_tail2(&r, t);
	if (fb_rec_is_execve(&r))
		fb_put_ustr(&r, ARG(0));
	return fb_submit(&r);
}

/* ---- clone family: both the parent's and the child's return ---- */

struct fb_clone_state {
	uint64_t	flags;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, uint32_t);
	__type(value, struct fb_clone_state);
	__uint(max_entries, 1);
} fb_clone_state_map __weak SEC(".maps");

static __always_inline int
fb_clone_1(void *ctx, long ret, uint16_t type, uint64_t native_flags)
{
	struct task_struct *t = fb_current();
	struct fb_clone_state *st;
	uint32_t zero = 0;
	struct fb_rec r;

	st = bpf_map_lookup_elem(&fb_clone_state_map, &zero);
	if (st == NULL)
		return 0;
	st->flags = native_flags;
	if (fb_begin(&r, type, 21) != 0)
		return 0;
	fb_put_s64(&r, ret);
	/* A failed call has no child: exe and args are left empty. */
	if (ret >= 0) {
		fb_put_exe_args(&r, BPF_CORE_READ(t, mm, arg_start),
		    BPF_CORE_READ(t, mm, arg_end));
	} else {
		fb_put_empty(&r);
		fb_put_empty(&r);
	}
	fb_put_proc(&r, t);
	fb_save(&r);
	bpf_tail_call(ctx, &fb_exit_tail, FB_XT_CLONE_2);
	return 0;
}

FB_EXIT_PROG(clone)
{
	return fb_clone_1(ctx, ret, FE_SYSCALL_CLONE_20_X, ARG(0));
}

FB_EXIT_PROG(clone3)
{
	uint64_t flags = 0;

	bpf_probe_read_user(&flags, sizeof(flags), (void *)ARG(0));
	return fb_clone_1(ctx, ret, FE_SYSCALL_CLONE3_X, flags);
}

FB_EXIT_PROG(fork)
{
	return fb_clone_1(ctx, ret, FE_SYSCALL_FORK_20_X, 0);
}

FB_EXIT_PROG(vfork)
{
	return fb_clone_1(ctx, ret, FE_SYSCALL_VFORK_20_X, 0);
}

FB_EXIT_PROG(clone_2)
{
	struct task_struct *t = fb_current();
	struct pid *pid = fb_task_pid(t, PIDTYPE_PID);
	struct pid_namespace *ns = fb_pid_ns(pid);
	struct fb_clone_state *st;
	struct task_struct *init;
	uint32_t zero = 0, flags;
	struct fb_rec r;

	st = bpf_map_lookup_elem(&fb_clone_state_map, &zero);
	if (st == NULL || fb_resume(&r) != 0)
		return 0;
	fb_put_cgroups(&r, t);
	flags = fb_clone_flags(st->flags);
	/* A task in a child pid namespace, or whose children will be. */
	if (BPF_CORE_READ(ns, level) != 0 ||
	    BPF_CORE_READ(t, nsproxy, pid_ns_for_children) != ns)
		flags |= FL_CLONE_FLAGS_CLONE_CHILD_IN_PIDNS;
	fb_put_u32(&r, flags);
	fb_put_u32(&r, BPF_CORE_READ(t, cred, euid.val));
	fb_put_u32(&r, BPF_CORE_READ(t, cred, egid.val));
	fb_put_s64(&r, fb_pid_vnr(pid));
	fb_put_s64(&r, fb_pid_vnr(BPF_CORE_READ(t, signal,
	    pids[PIDTYPE_TGID])));
	/*
	 * Start time (monotonic ns) of the init of the child's pid
	 * namespace (the namespace of its thread group id), for the child
	 * only.
	 */
	init = ret == 0 ? BPF_CORE_READ(fb_pid_ns(fb_task_pid(t,
	    PIDTYPE_TGID)), child_reaper) : NULL;
	fb_put_u64(&r, init != NULL ? BPF_CORE_READ(init, start_time) : 0);
	return fb_submit(&r);
}

/* ---- credentials ---- */

static __always_inline int
fb_res_ids(struct fb_args *regs, long ret, uint16_t type, int n)
{
	struct fb_rec r;

	if (FB_BEGIN(&r, type, 1 + n) != 0)
		return 0;
	fb_put_s64(&r, ret);
	fb_put_u32(&r, ARG(0));
	if (n > 1)
		fb_put_u32(&r, ARG(1));
	if (n > 2)
		fb_put_u32(&r, ARG(2));
	return fb_submit(&r);
}

FB_EXIT_PROG(setuid)
{
	return fb_res_ids(regs, ret, FE_SYSCALL_SETUID_X, 1);
}

FB_EXIT_PROG(setgid)
{
	return fb_res_ids(regs, ret, FE_SYSCALL_SETGID_X, 1);
}

FB_EXIT_PROG(setreuid)
{
	return fb_res_ids(regs, ret, FE_SYSCALL_SETREUID_X, 2);
}

FB_EXIT_PROG(setregid)
{
	return fb_res_ids(regs, ret, FE_SYSCALL_SETREGID_X, 2);
}

FB_EXIT_PROG(setresuid)
{
	return fb_res_ids(regs, ret, FE_SYSCALL_SETRESUID_X, 3);
}

FB_EXIT_PROG(setresgid)
{
	return fb_res_ids(regs, ret, FE_SYSCALL_SETRESGID_X, 3);
}

FB_EXIT_PROG(capset)
{
	struct task_struct *t = fb_current();
	const struct cred *cred = BPF_CORE_READ(t, cred);
	struct fb_rec r;

	if (FB_BEGIN(&r, FE_SYSCALL_CAPSET_X, 4) != 0)
		return 0;
	fb_put_s64(&r, ret);
	fb_put_u64(&r, fb_cred_caps(cred, cap_inheritable));
	fb_put_u64(&r, fb_cred_caps(cred, cap_permitted));
	fb_put_u64(&r, fb_cred_caps(cred, cap_effective));
	return fb_submit(&r);
}

/* ---- namespaces ---- */

FB_EXIT_PROG(unshare)
{
	struct fb_rec r;

	if (FB_BEGIN(&r, FE_SYSCALL_UNSHARE_X, 2) != 0)
		return 0;
	fb_put_s64(&r, ret);
	fb_put_u32(&r, fb_clone_flags(ARG(0)));
	return fb_submit(&r);
}

FB_EXIT_PROG(setns)
{
	struct fb_rec r;

	if (FB_BEGIN(&r, FE_SYSCALL_SETNS_X, 3) != 0)
		return 0;
	fb_put_s64(&r, ret);
	fb_put_s64(&r, IARG(0));
	fb_put_u32(&r, fb_clone_flags(ARG(1)));
	return fb_submit(&r);
}

/* ---- signals ---- */

FB_EXIT_PROG(kill)
{
	struct fb_rec r;

	if (FB_BEGIN(&r, FE_SYSCALL_KILL_X, 3) != 0)
		return 0;
	fb_put_s64(&r, ret);
	fb_put_s64(&r, IARG(0));
	fb_put_u8(&r, ARG(1));
	return fb_submit(&r);
}

FB_EXIT_PROG(tgkill)
{
	struct fb_rec r;

	if (FB_BEGIN(&r, FE_SYSCALL_TGKILL_X, 4) != 0)
		return 0;
	fb_put_s64(&r, ret);
	fb_put_s64(&r, IARG(0));
	fb_put_s64(&r, IARG(1));
	fb_put_u8(&r, ARG(2));
	return fb_submit(&r);
}

/* ---- process control ---- */

FB_EXIT_PROG(prctl)
{
	uint32_t option = ARG(0);
	int32_t reaper = 0;
	struct fb_rec r;

	if (FB_BEGIN(&r, FE_SYSCALL_PRCTL_X, 4) != 0)
		return 0;
	fb_put_s64(&r, ret);
	fb_put_u32(&r, option);		/* PR_* have the same values */
	switch (option) {
	case 15:	/* PR_SET_NAME */
	case 16:	/* PR_GET_NAME */
		fb_put_ustr(&r, ARG(1));
		fb_put_s64(&r, 0);
		break;
	case 37:	/* PR_GET_CHILD_SUBREAPER */
		fb_put_empty(&r);
		bpf_probe_read_user(&reaper, sizeof(reaper), (void *)ARG(1));
		fb_put_s64(&r, reaper);
		break;
	default:
		fb_put_empty(&r);
		fb_put_s64(&r, ARG(1));
		break;
	}
	return fb_submit(&r);
}

FB_EXIT_PROG(ptrace)
{
	uint16_t req = fb_ptrace_req(ARG(0));
	uint64_t data = ARG(3), peek = 0;
	uint8_t *out;
	struct fb_rec r;

	if (FB_BEGIN(&r, FE_SYSCALL_PTRACE_X, 5) != 0)
		return 0;
	fb_put_s64(&r, ret);
	/* addr and data are PT_DYN: selector byte, then the value. */
	out = &r.buf[FB_OFF(r.s->pos)];
	out[0] = 0;				/* UINT64 */
	*(uint64_t *)&out[1] = ret < 0 ? 0 : ARG(2);
	fb_set_len(&r, 9);
	out = &r.buf[FB_OFF(r.s->pos)];
	if (ret < 0) {
		out[0] = 0;
		*(uint64_t *)&out[1] = 0;
		fb_set_len(&r, 9);
	} else if (req == FL_PTRACE_REQUESTS_PTRACE_PEEKTEXT ||
	    req == FL_PTRACE_REQUESTS_PTRACE_PEEKDATA ||
	    req == FL_PTRACE_REQUESTS_PTRACE_PEEKUSR) {
		bpf_probe_read_user(&peek, sizeof(peek), (void *)data);
		out[0] = 0;
		*(uint64_t *)&out[1] = peek;
		fb_set_len(&r, 9);
	} else if (req == FL_PTRACE_REQUESTS_PTRACE_CONT ||
	    req == FL_PTRACE_REQUESTS_PTRACE_SINGLESTEP ||
	    req == FL_PTRACE_REQUESTS_PTRACE_DETACH ||
	    req == FL_PTRACE_REQUESTS_PTRACE_SYSCALL) {
		out[0] = 1;			/* SIGTYPE */
		out[1] = data;
		fb_set_len(&r, 2);
	} else {
		out[0] = 0;
		*(uint64_t *)&out[1] = data;
		fb_set_len(&r, 9);
	}
	fb_put_u16(&r, req);
	fb_put_s64(&r, IARG(1));
	return fb_submit(&r);
}

FB_EXIT_PROG(bpf)
{
	struct fb_rec r;

	if (FB_BEGIN(&r, FE_SYSCALL_BPF_2_X, 2) != 0)
		return 0;
	fb_put_s64(&r, ret);
	fb_put_s32(&r, ARG(0));		/* BPF_* commands: same values */
	return fb_submit(&r);
}

/* ---- kernel modules ---- */

FB_EXIT_PROG(init_module)
{
	uint64_t len = ARG(1);
	struct fb_rec r;

	if (FB_BEGIN(&r, FE_SYSCALL_INIT_MODULE_X, 4) != 0)
		return 0;
	fb_put_s64(&r, ret);
	fb_put_ubuf(&r, (void *)ARG(0), fb_snap(len, len));
	fb_put_u64(&r, len);
	fb_put_str(&r, (void *)ARG(2), FB_MAX_ARGS, 1);
	return fb_submit(&r);
}

FB_EXIT_PROG(finit_module)
{
	struct fb_rec r;

	if (FB_BEGIN(&r, FE_SYSCALL_FINIT_MODULE_X, 4) != 0)
		return 0;
	fb_put_s64(&r, ret);
	fb_put_s64(&r, IARG(0));
	fb_put_str(&r, (void *)ARG(1), FB_MAX_ARGS, 1);
	fb_put_u32(&r, ARG(2) & 0x7);	/* MODULE_INIT_*: same values */
	return fb_submit(&r);
}

FB_EXIT_PROG(delete_module)
{
	uint32_t f = ARG(1);
	struct fb_rec r;

	if (FB_BEGIN(&r, FE_SYSCALL_DELETE_MODULE_X, 3) != 0)
		return 0;
	fb_put_s64(&r, ret);
	fb_put_ustr(&r, ARG(0));
	fb_put_u32(&r, FB_MAP(f, 0x800, FL_DELETE_MODULE_FLAGS_O_NONBLOCK) |
	    FB_MAP(f, 0x200, FL_DELETE_MODULE_FLAGS_O_TRUNC));
	return fb_submit(&r);
}

FB_EXIT_PROG(prlimit64)
{
	struct rlimit lim = {}, old = {};
	struct fb_rec r;

	bpf_probe_read_user(&lim, sizeof(lim), (void *)ARG(2));
	/* The old limits are filled in only on success. */
	if (ret == 0)
		bpf_probe_read_user(&old, sizeof(old), (void *)ARG(3));
	else
		old.rlim_cur = old.rlim_max = -1;
	if (FB_BEGIN(&r, FE_SYSCALL_PRLIMIT_X, 7) != 0)
		return 0;
	fb_put_s64(&r, ret);
	fb_put_s64(&r, lim.rlim_cur);
	fb_put_s64(&r, lim.rlim_max);
	fb_put_s64(&r, old.rlim_cur);
	fb_put_s64(&r, old.rlim_max);
	fb_put_s64(&r, IARG(0));
	fb_put_u8(&r, ARG(1));		/* RLIMIT_*: same values */
	return fb_submit(&r);
}
