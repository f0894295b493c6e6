// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fillers of file and descriptor syscalls.  One program per syscall,
 * parameters pushed in the order of kmod/uapi/events.tbl.
 */
#include "bpf/fb_common.bpf.h"
#include "bpf/fb_task.bpf.h"

/* dev and ino of the file behind a new descriptor (0 on failure). */
static __always_inline void
fb_put_dev_ino(struct fb_rec *r, struct file *f)
{
	fb_put_u32(r, f != NULL ? fb_file_dev(f) : 0);
	fb_put_u64(r, f != NULL ? BPF_CORE_READ(f, f_inode, i_ino) : 0);
}

static __always_inline uint32_t
fb_created(struct file *f)
{
	if (f == NULL)
		return 0;
	return (BPF_CORE_READ(f, f_mode) & FB_FMODE_CREATED) ?
	    FL_FILE_FLAGS_O_F_CREATED : 0;
}

/* Bits of the open flags computed from the new file: created, layer. */
static __always_inline uint32_t
fb_open_result(struct file *f)
{
	if (f == NULL)
		return 0;
	switch (fb_overlay_layer(f)) {
	case FE_OVERLAY_UPPER:
		return fb_created(f) | FL_FILE_FLAGS_FD_UPPER_LAYER;
	case FE_OVERLAY_LOWER:
		return fb_created(f) | FL_FILE_FLAGS_FD_LOWER_LAYER;
	}
	return fb_created(f);
}

/* ---- enter events (arguments read before the call runs) ---- */

FB_ENTER_PROG(open)
{
	struct fb_rec r;
	uint32_t fl = ARG(1);

	if (FB_BEGIN(&r, FE_SYSCALL_OPEN_E, 3) != 0)
		return 0;
	fb_put_ustr(&r, ARG(0));
	fb_put_u32(&r, fb_open_flags(fl));
	fb_put_u32(&r, fb_open_mode(fl, ARG(2)));
	return fb_submit(&r);
}

FB_ENTER_PROG(openat)
{
	struct fb_rec r;
	uint32_t fl = ARG(2);

	if (FB_BEGIN(&r, FE_SYSCALL_OPENAT_2_E, 4) != 0)
		return 0;
	fb_put_s64(&r, IARG(0));
	fb_put_ustr(&r, ARG(1));
	fb_put_u32(&r, fb_open_flags(fl));
	fb_put_u32(&r, fb_open_mode(fl, ARG(3)));
	return fb_submit(&r);
}

FB_ENTER_PROG(openat2)
{
	struct open_how how = {};
	struct fb_rec r;

	bpf_probe_read_user(&how, sizeof(how), (void *)ARG(2));
	if (FB_BEGIN(&r, FE_SYSCALL_OPENAT2_E, 5) != 0)
		return 0;
	fb_put_s64(&r, IARG(0));
	fb_put_ustr(&r, ARG(1));
	fb_put_u32(&r, fb_open_flags(how.flags));
	fb_put_u32(&r, fb_open_mode(how.flags, how.mode));
	fb_put_u32(&r, fb_openat2_resolve(how.resolve));
	return fb_submit(&r);
}

FB_ENTER_PROG(creat)
{
	struct fb_rec r;

	if (FB_BEGIN(&r, FE_SYSCALL_CREAT_E, 2) != 0)
		return 0;
	fb_put_ustr(&r, ARG(0));
	fb_put_u32(&r, fb_mode_bits(ARG(1)));
	return fb_submit(&r);
}

/* ---- exit events ---- */

/*
 * open and openat exit: res, [dirfd,] name, flags, mode, dev, ino.  The
 * facts of the new file come from fb_file_facts_cast() in the fc_
 * programs, from fb_file_facts_probed() in the fx_ ones; the events are
 * the same.
 */
static __always_inline int
fb_open_x(struct fb_args *regs, long ret, int at, int cast)
{
	struct file *f = fb_fd_file(ret);
	uint32_t fl = ARG(at + 1), fflags;
	struct fb_file_facts ff;
	struct fb_rec r;

	if (cast)
		fb_file_facts_cast(f, &ff);
	else
		fb_file_facts_probed(f, &ff);
	if (FB_BEGIN(&r, at ? FE_SYSCALL_OPENAT_2_X : FE_SYSCALL_OPEN_X,
	    at ? 7 : 6) != 0)
		return 0;
	fb_put_s64(&r, ret);
	if (at)
		fb_put_s64(&r, IARG(0));
	fb_put_ustr(&r, ARG(at));
	fflags = (ff.fmode & FB_FMODE_CREATED) ? FL_FILE_FLAGS_O_F_CREATED : 0;
	if (ff.layer == FE_OVERLAY_UPPER)
		fflags |= FL_FILE_FLAGS_FD_UPPER_LAYER;
	else if (ff.layer == FE_OVERLAY_LOWER)
		fflags |= FL_FILE_FLAGS_FD_LOWER_LAYER;
	fb_put_u32(&r, fb_open_flags(fl) | fflags);
	fb_put_u32(&r, fb_open_mode(fl, ARG(at + 2)));
	fb_put_u32(&r, ff.dev);
	fb_put_u64(&r, ff.ino);
	return fb_submit(&r);
}

FB_EXIT_PROG(open)
{
	return fb_open_x(regs, ret, 0, 0);
}

FB_EXIT_PROG_CAST(open)
{
	return fb_open_x(regs, ret, 0, 1);
}

FB_EXIT_PROG(openat)
{
	return fb_open_x(regs, ret, 1, 0);
}

FB_EXIT_PROG_CAST(openat)
{
	return fb_open_x(regs, ret, 1, 1);
}

FB_EXIT_PROG(openat2)
{
	struct file *f = fb_fd_file(ret);
	struct open_how how = {};
	struct fb_rec r;

	bpf_probe_read_user(&how, sizeof(how), (void *)ARG(2));
	if (FB_BEGIN(&r, FE_SYSCALL_OPENAT2_X, 8) != 0)
		return 0;
	fb_put_s64(&r, ret);
	fb_put_s64(&r, IARG(0));
	fb_put_ustr(&r, ARG(1));
	fb_put_u32(&r, fb_open_flags(how.flags) | fb_open_result(f));
	fb_put_u32(&r, fb_open_mode(how.flags, how.mode));
	fb_put_u32(&r, fb_openat2_resolve(how.resolve));
	fb_put_dev_ino(&r, f);
	return fb_submit(&r);
}

FB_EXIT_PROG(creat)
{
	struct file *f = fb_fd_file(ret);
	struct fb_rec r;

	if (FB_BEGIN(&r, FE_SYSCALL_CREAT_X, 6) != 0)
		return 0;
	fb_put_s64(&r, ret);
	fb_put_ustr(&r, ARG(0));
	fb_put_u32(&r, fb_mode_bits(ARG(1)));
	fb_put_dev_ino(&r, f);
	switch (fb_overlay_layer(f)) {
	case FE_OVERLAY_UPPER:
		fb_put_u16(&r, FL_CREAT_FLAGS_FD_UPPER_LAYER_CREAT);
		break;
	case FE_OVERLAY_LOWER:
		fb_put_u16(&r, FL_CREAT_FLAGS_FD_LOWER_LAYER_CREAT);
		break;
	default:
		fb_put_u16(&r, 0);
		break;
	}
	return fb_submit(&r);
}

FB_EXIT_PROG(close)
{
	struct fb_rec r;

	if (FB_BEGIN(&r, FE_SYSCALL_CLOSE_X, 2) != 0)
		return 0;
	fb_put_s64(&r, ret);
	fb_put_s64(&r, IARG(0));
	return fb_submit(&r);
}

FB_EXIT_PROG(dup)
{
	struct fb_rec r;

	if (FB_BEGIN(&r, FE_SYSCALL_DUP_1_X, 2) != 0)
		return 0;
	fb_put_s64(&r, ret);
	fb_put_s64(&r, IARG(0));
	return fb_submit(&r);
}

FB_EXIT_PROG(dup2)
{
	struct fb_rec r;

	if (FB_BEGIN(&r, FE_SYSCALL_DUP2_X, 3) != 0)
		return 0;
	fb_put_s64(&r, ret);
	fb_put_s64(&r, IARG(0));
	fb_put_s64(&r, IARG(1));
	return fb_submit(&r);
}

FB_EXIT_PROG(dup3)
{
	struct fb_rec r;

	if (FB_BEGIN(&r, FE_SYSCALL_DUP3_X, 4) != 0)
		return 0;
	fb_put_s64(&r, ret);
	fb_put_s64(&r, IARG(0));
	fb_put_s64(&r, IARG(1));
	fb_put_u32(&r, FB_MAP(ARG(2), 0x80000, FL_FILE_FLAGS_O_CLOEXEC));
	return fb_submit(&r);
}

FB_EXIT_PROG(fcntl)
{
	struct fb_rec r;

	if (FB_BEGIN(&r, FE_SYSCALL_FCNTL_X, 4) != 0)
		return 0;
	fb_put_s64(&r, ret);
	fb_put_s64(&r, IARG(0));
	fb_put_u8(&r, fb_fcntl_cmd(ARG(1)));
	fb_put_u64(&r, ARG(2));
	return fb_submit(&r);
}

static __always_inline int
fb_pipe(struct fb_args *regs, long ret, int two)
{
	int32_t fds[2] = { -1, -1 };
	struct fb_rec r;
	struct file *f;

	if (ret == 0)
		bpf_probe_read_user(fds, sizeof(fds), (void *)ARG(0));
	f = ret == 0 ? fb_fd_file(fds[0]) : NULL;
	if (FB_BEGIN(&r, two ? FE_SYSCALL_PIPE2_X : FE_SYSCALL_PIPE_X,
	    two ? 5 : 4) != 0)
		return 0;
	fb_put_s64(&r, ret);
	fb_put_s64(&r, fds[0]);
	fb_put_s64(&r, fds[1]);
	fb_put_u64(&r, f != NULL ? BPF_CORE_READ(f, f_inode, i_ino) : 0);
	if (two)
		fb_put_u32(&r, fb_cloexec_flags(ARG(1)));
	return fb_submit(&r);
}

FB_EXIT_PROG(pipe)
{
	return fb_pipe(regs, ret, 0);
}

FB_EXIT_PROG(pipe2)
{
	return fb_pipe(regs, ret, 1);
}

/* read/write and their positional forms: res, data, fd, size[, pos] */
static __always_inline int
fb_rw(struct fb_args *regs, long ret, uint16_t type, int read, int pos)
{
	struct fb_rec r;
	uint64_t size = ARG(2);

	if (FB_BEGIN(&r, type, pos ? 5 : 4) != 0)
		return 0;
	fb_put_s64(&r, ret);
	/*
	 * A read shows what it got; a write what it wrote, or on failure
	 * what it was asked to write.
	 */
	fb_put_ubuf(&r, (void *)ARG(1), fb_snap(read || ret > 0 ? ret :
	    (int64_t)size, size));
	fb_put_s64(&r, IARG(0));
	fb_put_u32(&r, size);
	if (pos)
		fb_put_u64(&r, ARG(3));
	return fb_submit(&r);
}

FB_EXIT_PROG(read)
{
	return fb_rw(regs, ret, FE_SYSCALL_READ_X, 1, 0);
}

FB_EXIT_PROG(write)
{
	return fb_rw(regs, ret, FE_SYSCALL_WRITE_X, 0, 0);
}

FB_EXIT_PROG(pread64)
{
	return fb_rw(regs, ret, FE_SYSCALL_PREAD_X, 1, 1);
}

FB_EXIT_PROG(pwrite64)
{
	return fb_rw(regs, ret, FE_SYSCALL_PWRITE_X, 0, 1);
}

FB_EXIT_PROG(readv)
{
	struct fb_rec r;
	uint32_t size_idx;

	if (FB_BEGIN(&r, FE_SYSCALL_READV_X, 4) != 0)
		return 0;
	fb_put_s64(&r, ret);
	size_idx = r.s->pos;
	fb_put_u32(&r, 0);		/* size, known after the data */
	{
		uint64_t total = fb_put_iov_data(&r, (void *)ARG(1), ARG(2),
		    fb_snap(ret, ~0ull));

		*(uint32_t *)&r.buf[FB_OFF(size_idx)] = total;
	}
	fb_put_s64(&r, IARG(0));
	return fb_submit(&r);
}

FB_EXIT_PROG(writev)
{
	struct fb_rec r;
	uint64_t total;

	if (FB_BEGIN(&r, FE_SYSCALL_WRITEV_X, 4) != 0)
		return 0;
	fb_put_s64(&r, ret);
	total = fb_put_iov_data(&r, (void *)ARG(1), ARG(2),
	    fb_snap(FB_MAX_EVENT, ~0ull));
	fb_put_s64(&r, IARG(0));
	fb_put_u32(&r, total);
	return fb_submit(&r);
}

/* ---- paths ---- */

FB_EXIT_PROG(unlink)
{
	struct fb_rec r;

	if (FB_BEGIN(&r, FE_SYSCALL_UNLINK_2_X, 2) != 0)
		return 0;
	fb_put_s64(&r, ret);
	fb_put_ustr(&r, ARG(0));
	return fb_submit(&r);
}

FB_EXIT_PROG(unlinkat)
{
	struct fb_rec r;

	if (FB_BEGIN(&r, FE_SYSCALL_UNLINKAT_2_X, 4) != 0)
		return 0;
	fb_put_s64(&r, ret);
	fb_put_s64(&r, IARG(0));
	fb_put_ustr(&r, ARG(1));
	fb_put_u32(&r, ARG(2) & FL_UNLINKAT_FLAGS_AT_REMOVEDIR);
	return fb_submit(&r);
}

/* Two paths: rename, link, symlink (first is a plain string there). */
static __always_inline int
fb_two_paths(struct fb_args *regs, long ret, uint16_t type)
{
	struct fb_rec r;

	if (FB_BEGIN(&r, type, 3) != 0)
		return 0;
	fb_put_s64(&r, ret);
	fb_put_ustr(&r, ARG(0));
	fb_put_ustr(&r, ARG(1));
	return fb_submit(&r);
}

FB_EXIT_PROG(rename)
{
	return fb_two_paths(regs, ret, FE_SYSCALL_RENAME_X);
}

FB_EXIT_PROG(link)
{
	return fb_two_paths(regs, ret, FE_SYSCALL_LINK_2_X);
}

FB_EXIT_PROG(symlink)
{
	return fb_two_paths(regs, ret, FE_SYSCALL_SYMLINK_X);
}

/* dirfd, path, dirfd, path [, flags]: renameat, renameat2, linkat */
static __always_inline int
fb_two_at_paths(struct fb_args *regs, long ret, uint16_t type, int nflags,
    uint32_t flags)
{
	struct fb_rec r;

	if (FB_BEGIN(&r, type, nflags ? 6 : 5) != 0)
		return 0;
	fb_put_s64(&r, ret);
	fb_put_s64(&r, IARG(0));
	fb_put_ustr(&r, ARG(1));
	fb_put_s64(&r, IARG(2));
	fb_put_ustr(&r, ARG(3));
	if (nflags)
		fb_put_u32(&r, flags);
	return fb_submit(&r);
}

FB_EXIT_PROG(renameat)
{
	return fb_two_at_paths(regs, ret, FE_SYSCALL_RENAMEAT_X, 0, 0);
}

FB_EXIT_PROG(renameat2)
{
	/* RENAME_* have the same values in events. */
	return fb_two_at_paths(regs, ret, FE_SYSCALL_RENAMEAT2_X, 1,
	    ARG(4) & 0x7);
}

FB_EXIT_PROG(linkat)
{
	uint32_t f = ARG(4);

	return fb_two_at_paths(regs, ret, FE_SYSCALL_LINKAT_2_X, 1,
	    FB_MAP(f, 0x400, FL_LINKAT_FLAGS_AT_SYMLINK_FOLLOW) |
	    FB_MAP(f, 0x1000, FL_LINKAT_FLAGS_AT_EMPTY_PATH));
}

FB_EXIT_PROG(symlinkat)
{
	struct fb_rec r;

	if (FB_BEGIN(&r, FE_SYSCALL_SYMLINKAT_X, 4) != 0)
		return 0;
	fb_put_s64(&r, ret);
	fb_put_ustr(&r, ARG(0));
	fb_put_s64(&r, IARG(1));
	fb_put_ustr(&r, ARG(2));
	return fb_submit(&r);
}

FB_EXIT_PROG(mkdir)
{
	struct fb_rec r;

	if (FB_BEGIN(&r, FE_SYSCALL_MKDIR_2_X, 3) != 0)
		return 0;
	fb_put_s64(&r, ret);
	fb_put_ustr(&r, ARG(0));
	fb_put_u32(&r, ARG(1));
	return fb_submit(&r);
}

FB_EXIT_PROG(mkdirat)
{
	struct fb_rec r;

	if (FB_BEGIN(&r, FE_SYSCALL_MKDIRAT_X, 4) != 0)
		return 0;
	fb_put_s64(&r, ret);
	fb_put_s64(&r, IARG(0));
	fb_put_ustr(&r, ARG(1));
	fb_put_u32(&r, ARG(2));
	return fb_submit(&r);
}

/* res, path: rmdir, chroot, chdir */
static __always_inline int
fb_one_path(struct fb_args *regs, long ret, uint16_t type)
{
	struct fb_rec r;

	if (FB_BEGIN(&r, type, 2) != 0)
		return 0;
	fb_put_s64(&r, ret);
	fb_put_ustr(&r, ARG(0));
	return fb_submit(&r);
}

FB_EXIT_PROG(rmdir)
{
	return fb_one_path(regs, ret, FE_SYSCALL_RMDIR_2_X);
}

FB_EXIT_PROG(chroot)
{
	return fb_one_path(regs, ret, FE_SYSCALL_CHROOT_X);
}

FB_EXIT_PROG(chdir)
{
	return fb_one_path(regs, ret, FE_SYSCALL_CHDIR_X);
}

/* res, fd: fchdir */
FB_EXIT_PROG(fchdir)
{
	struct fb_rec r;

	if (FB_BEGIN(&r, FE_SYSCALL_FCHDIR_X, 2) != 0)
		return 0;
	fb_put_s64(&r, ret);
	fb_put_s64(&r, IARG(0));
	return fb_submit(&r);
}

FB_EXIT_PROG(chmod)
{
	struct fb_rec r;

	if (FB_BEGIN(&r, FE_SYSCALL_CHMOD_X, 3) != 0)
		return 0;
	fb_put_s64(&r, ret);
	fb_put_ustr(&r, ARG(0));
	fb_put_u32(&r, fb_mode_bits(ARG(1)));
	return fb_submit(&r);
}

FB_EXIT_PROG(fchmod)
{
	struct fb_rec r;

	if (FB_BEGIN(&r, FE_SYSCALL_FCHMOD_X, 3) != 0)
		return 0;
	fb_put_s64(&r, ret);
	fb_put_s64(&r, IARG(0));
	fb_put_u32(&r, fb_mode_bits(ARG(1)));
	return fb_submit(&r);
}

FB_EXIT_PROG(fchmodat)
{
	struct fb_rec r;

	if (FB_BEGIN(&r, FE_SYSCALL_FCHMODAT_X, 4) != 0)
		return 0;
	fb_put_s64(&r, ret);
	fb_put_s64(&r, IARG(0));
	fb_put_ustr(&r, ARG(1));
	fb_put_u32(&r, fb_mode_bits(ARG(2)));
	return fb_submit(&r);
}

/* res, path, uid, gid: chown, lchown */
static __always_inline int
fb_chown(struct fb_args *regs, long ret, uint16_t type)
{
	struct fb_rec r;

	if (FB_BEGIN(&r, type, 4) != 0)
		return 0;
	fb_put_s64(&r, ret);
	fb_put_ustr(&r, ARG(0));
	fb_put_u32(&r, ARG(1));
	fb_put_u32(&r, ARG(2));
	return fb_submit(&r);
}

FB_EXIT_PROG(chown)
{
	return fb_chown(regs, ret, FE_SYSCALL_CHOWN_X);
}

FB_EXIT_PROG(lchown)
{
	return fb_chown(regs, ret, FE_SYSCALL_LCHOWN_X);
}

FB_EXIT_PROG(fchown)
{
	struct fb_rec r;

	if (FB_BEGIN(&r, FE_SYSCALL_FCHOWN_X, 4) != 0)
		return 0;
	fb_put_s64(&r, ret);
	fb_put_s64(&r, IARG(0));
	fb_put_u32(&r, ARG(1));
	fb_put_u32(&r, ARG(2));
	return fb_submit(&r);
}

FB_EXIT_PROG(fchownat)
{
	struct fb_rec r;

	if (FB_BEGIN(&r, FE_SYSCALL_FCHOWNAT_X, 6) != 0)
		return 0;
	fb_put_s64(&r, ret);
	fb_put_s64(&r, IARG(0));
	fb_put_ustr(&r, ARG(1));
	fb_put_u32(&r, ARG(2));
	fb_put_u32(&r, ARG(3));
	fb_put_u32(&r, fb_fchownat_flags(ARG(4)));
	return fb_submit(&r);
}

FB_EXIT_PROG(mount)
{
	uint32_t flags = ARG(3);
	struct fb_rec r;

	/* The old magic number in the high bits is not a flag. */
	if ((flags & 0xffff0000) == 0xc0ed0000)
		flags &= 0xffff;
	if (FB_BEGIN(&r, FE_SYSCALL_MOUNT_X, 5) != 0)
		return 0;
	fb_put_s64(&r, ret);
	fb_put_ustr(&r, ARG(0));
	fb_put_ustr(&r, ARG(1));
	fb_put_ustr(&r, ARG(2));
	fb_put_u32(&r, flags);	/* MS_* have the same values in events */
	return fb_submit(&r);
}

FB_EXIT_PROG(umount2)
{
	struct fb_rec r;

	if (FB_BEGIN(&r, FE_SYSCALL_UMOUNT2_X, 3) != 0)
		return 0;
	fb_put_s64(&r, ret);
	fb_put_ustr(&r, ARG(0));
	fb_put_u32(&r, ARG(1) & 0xf);	/* MNT_*, UMOUNT_NOFOLLOW */
	return fb_submit(&r);
}

FB_EXIT_PROG(memfd_create)
{
	struct fb_rec r;

	if (FB_BEGIN(&r, FE_SYSCALL_MEMFD_CREATE_X, 3) != 0)
		return 0;
	fb_put_s64(&r, ret);
	fb_put_ustr(&r, ARG(0));
	fb_put_u32(&r, ARG(1) & 0x7);	/* MFD_*: same values */
	return fb_submit(&r);
}

FB_EXIT_PROG(userfaultfd)
{
	struct fb_rec r;

	if (FB_BEGIN(&r, FE_SYSCALL_USERFAULTFD_X, 2) != 0)
		return 0;
	fb_put_s64(&r, ret);
	fb_put_u32(&r, fb_open_flags(ARG(0)));
	return fb_submit(&r);
}

FB_EXIT_PROG(mmap)
{
	struct task_struct *t = fb_current();
	struct mm_struct *mm = BPF_CORE_READ(t, mm);
	struct fb_rec r;

	if (FB_BEGIN(&r, FE_SYSCALL_MMAP_X, 10) != 0)
		return 0;
	fb_put_s64(&r, ret);
	fb_put_u32(&r, fb_vm_size(mm));
	fb_put_u32(&r, fb_vm_rss(mm));
	fb_put_u32(&r, fb_vm_swap(mm));
	fb_put_u64(&r, ARG(0));
	fb_put_u64(&r, ARG(1));
	fb_put_u32(&r, fb_prot_flags(ARG(2)));
	fb_put_u32(&r, fb_mmap_flags(ARG(3)));
	fb_put_s64(&r, IARG(4));
	fb_put_u64(&r, ARG(5));
	return fb_submit(&r);
}

FB_EXIT_PROG(mprotect)
{
	struct fb_rec r;

	if (FB_BEGIN(&r, FE_SYSCALL_MPROTECT_X, 4) != 0)
		return 0;
	fb_put_s64(&r, ret);
	fb_put_u64(&r, ARG(0));
	fb_put_u64(&r, ARG(1));
	fb_put_u32(&r, fb_prot_flags(ARG(2)));
	return fb_submit(&r);
}

FB_EXIT_PROG(epoll_create1)
{
	struct fb_rec r;

	if (FB_BEGIN(&r, FE_SYSCALL_EPOLL_CREATE1_X, 2) != 0)
		return 0;
	fb_put_s64(&r, ret);
	fb_put_u32(&r, FB_XLAT(epoll_create1_flags, (uint32_t)ARG(0)));
	return fb_submit(&r);
}
