/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Every difference between the kernel versions falco.ko builds on (5.10
 * and newer) lives here, so the rest of the module is written against one
 * API.  Keep each shim next to the release that introduced the change.
 */
#ifndef FALCO_COMPAT_H
#define FALCO_COMPAT_H

#include <linux/version.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/capability.h>
#include <linux/net.h>
#include <net/genetlink.h>

/* 6.12: unaligned.h moved out of asm-generic. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/* 6.4: class_create() lost its owner argument. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define falco_class_create(name)	class_create(name)
#else
#define falco_class_create(name)	class_create(THIS_MODULE, name)
#endif

/* 6.2: the devnode callback takes a const device. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define FALCO_DEVNODE_CONST	const
#else
#define FALCO_DEVNODE_CONST
#endif

/* 6.3: vm_flags became read-only outside of helpers. */
static inline void falco_vm_flags_set(struct vm_area_struct *vma,
				      unsigned long flags)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	vm_flags_set(vma, flags);
#else
	vma->vm_flags |= flags;
#endif
}

static inline void falco_vm_flags_clear(struct vm_area_struct *vma,
					unsigned long flags)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	vm_flags_clear(vma, flags);
#else
	vma->vm_flags &= ~flags;
#endif
}

/* 6.6 and 6.7: inode timestamps moved behind accessors. */
static inline u64 falco_inode_ctime_ns(struct inode *inode)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
	struct timespec64 ts = inode_get_ctime(inode);
#else
	struct timespec64 ts = inode->i_ctime;
#endif
	return (u64)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

static inline u64 falco_inode_mtime_ns(struct inode *inode)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
	struct timespec64 ts = inode_get_mtime(inode);
#else
	struct timespec64 ts = inode->i_mtime;
#endif
	return (u64)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

/*
 * 6.1: generic netlink validates commands from resv_start_op on strictly;
 * older kernels have no such field and validate by policy alone.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 1, 0)
#define FALCO_GENL_RESV_START_OP(n)	.resv_start_op = (n),
#else
#define FALCO_GENL_RESV_START_OP(n)
#endif

/* 5.12: io_uring workers became their own kind of thread. */
#ifndef PF_IO_WORKER
#define PF_IO_WORKER	0
#endif

/* 5.11: sock_from_file() lost its error argument. */
static inline struct socket *falco_sock_from_file(struct file *file)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 11, 0)
	return sock_from_file(file);
#else
	int err;

	return sock_from_file(file, &err);
#endif
}

/* 6.3: kernel_cap_t became one u64. */
static inline u64 falco_cap_u64(kernel_cap_t c)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	return c.val;
#else
	return (u64)c.cap[0] | ((u64)c.cap[1] << 32);
#endif
}

/* The audit login uid, or -1 when the kernel does not track it. */
static inline u32 falco_loginuid(struct task_struct *task)
{
#ifdef CONFIG_AUDITSYSCALL
	return from_kuid(&init_user_ns, task->loginuid);
#else
	return (u32)-1;
#endif
}

#endif /* FALCO_COMPAT_H */
