/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reading process and file facts out of kernel structures, with CO-RE
 * so that one object loads on every kernel with BTF.  Every loop has a
 * constant bound.
 */
#ifndef FB_TASK_BPF_H
#define FB_TASK_BPF_H

#define FB_PAGE_TO_KB(x)	((x) << 2)	/* 4 KiB pages */
#define FB_MAX_ARGV		16
#define FB_CGROUP_DEPTH		6

/*
 * Kernel layouts that changed are read at offsets computed from CO-RE
 * relocations that resolve on every kernel: a relocation against a field
 * that does not exist fails, and the instruction libbpf then poisons was
 * rejected by the 6.1 verifier even where it could never run.
 */

/*
 * RSS counter i of mm: four atomics (struct mm_rss_stat) before 6.2, then
 * an array of four struct percpu_counter, whose count is read (as Falco
 * does).  rss_stat lies between saved_auxv and binfmt in every version;
 * its size, read from their offsets, tells the layouts apart.
 */
static __always_inline long
fb_mm_counter(struct mm_struct *mm, int i)
{
	unsigned long start, span, off;
	long v = 0;

	start = bpf_core_field_offset(struct mm_struct, saved_auxv) +
	    bpf_core_field_size(struct mm_struct, saved_auxv);
	span = bpf_core_field_offset(struct mm_struct, binfmt) - start;
	if (span == 4 * sizeof(long))
		off = start + i * sizeof(long);
	else
		off = start + i * (span / 4) +
		    bpf_core_field_offset(struct percpu_counter, count);
	bpf_probe_read_kernel(&v, sizeof(v), (char *)mm + off);
	return v < 0 ? 0 : v;
}

/*
 * A capability set of cred: kernel_cap_t was u32 cap[2] before 6.3 and
 * is u64 val since; read as 8 bytes, both give the same value on
 * little-endian x86_64.
 */
#define fb_cred_caps(cred, field) ({					\
	uint64_t c_ = 0;						\
	bpf_probe_read_kernel(&c_, sizeof(c_), (char *)(cred) +		\
	    bpf_core_field_offset(struct cred, field));			\
	c_;								\
})

/*
 * ctime and mtime of an inode in ns since the epoch (0 before 1970).
 * They follow i_size: three struct timespec64 (atime, mtime, ctime)
 * before 6.11, then three time64_t seconds and three u32 nanoseconds;
 * the room up to i_lock tells which.
 */
static __always_inline void
fb_inode_times(struct inode *ino, uint64_t *ctime, uint64_t *mtime)
{
	unsigned long base, span;
	int64_t cs = 0, ms = 0;
	uint32_t cn = 0, mn = 0;
	char *p = (char *)ino;

	base = bpf_core_field_offset(struct inode, i_size) + 8;
	span = bpf_core_field_offset(struct inode, i_lock) - base;
	if (span >= 48) {
		bpf_probe_read_kernel(&ms, 8, p + base + 16);
		bpf_probe_read_kernel(&mn, 4, p + base + 24);
		bpf_probe_read_kernel(&cs, 8, p + base + 32);
		bpf_probe_read_kernel(&cn, 4, p + base + 40);
	} else {
		bpf_probe_read_kernel(&ms, 8, p + base + 8);
		bpf_probe_read_kernel(&cs, 8, p + base + 16);
		bpf_probe_read_kernel(&mn, 4, p + base + 28);
		bpf_probe_read_kernel(&cn, 4, p + base + 32);
	}
	/* Since 6.13 the top bit of the ctime nanoseconds is a flag. */
	cn &= 0x3fffffff;
	*ctime = cs < 0 ? 0 : cs * 1000000000ull + cn;
	*mtime = ms < 0 ? 0 : ms * 1000000000ull + mn;
}

/*
 * The parent of a kernfs node: the field was renamed __parent in 6.15;
 * under either name it is the pointer just before name.
 */
static __always_inline struct kernfs_node *
fb_kn_parent(struct kernfs_node *kn)
{
	struct kernfs_node *p = NULL;

	bpf_probe_read_kernel(&p, sizeof(p), (char *)kn +
	    bpf_core_field_offset(struct kernfs_node, name) - sizeof(p));
	return p;
}

static __always_inline uint32_t
fb_vm_size(struct mm_struct *mm)
{
	return FB_PAGE_TO_KB(BPF_CORE_READ(mm, total_vm));
}

static __always_inline uint32_t
fb_vm_rss(struct mm_struct *mm)
{
	/* MM_FILEPAGES 0, MM_ANONPAGES 1, MM_SHMEMPAGES 3 */
	return FB_PAGE_TO_KB(fb_mm_counter(mm, 0) + fb_mm_counter(mm, 1) +
	    fb_mm_counter(mm, 3));
}

static __always_inline uint32_t
fb_vm_swap(struct mm_struct *mm)
{
	return FB_PAGE_TO_KB(fb_mm_counter(mm, 2));	/* MM_SWAPENTS */
}

static __always_inline struct pid *
fb_task_pid(struct task_struct *t, enum pid_type type)
{
	if (type == PIDTYPE_PID)
		return BPF_CORE_READ(t, thread_pid);
	return BPF_CORE_READ(t, signal, pids[type]);
}

/* The id of pid as its own (innermost) namespace sees it. */
static __always_inline int32_t
fb_pid_vnr(struct pid *p)
{
	unsigned int level;

	if (p == NULL)
		return 0;
	level = BPF_CORE_READ(p, level);
	return BPF_CORE_READ(p, numbers[level & 31].nr);
}

static __always_inline struct pid_namespace *
fb_pid_ns(struct pid *p)
{
	unsigned int level;

	if (p == NULL)
		return NULL;
	level = BPF_CORE_READ(p, level);
	return BPF_CORE_READ(p, numbers[level & 31].ns);
}

static __always_inline uint32_t
fb_tty(struct task_struct *t)
{
	struct tty_struct *tty = BPF_CORE_READ(t, signal, tty);
	uint32_t major, minor;

	if (tty == NULL)
		return 0;
	major = BPF_CORE_READ(tty, driver, major);
	minor = BPF_CORE_READ(tty, driver, minor_start) +
	    BPF_CORE_READ(tty, index);
	/* The kernel's new_encode_dev(). */
	return (minor & 0xff) | (major << 8) | ((minor & ~0xffu) << 12);
}

static __always_inline uint32_t
fb_loginuid(struct task_struct *t)
{
	if (bpf_core_field_exists(t->loginuid))
		return BPF_CORE_READ(t, loginuid.val);
	return 0xffffffff;
}

/* Emit the argument block [start, end) of mm as exe + args. */
static __always_inline void
fb_put_exe_args(struct fb_rec *r, unsigned long start, unsigned long end)
{
	uint32_t total, exe_len;
	long n;

	total = end > start ? end - start : 0;
	if (total > FB_MAX_ARGS)
		total = FB_MAX_ARGS;
	n = bpf_probe_read_user_str(&r->buf[FB_OFF(r->s->pos)],
	    FB_MAX_ARGS, (void *)start);
	if (n <= 0) {
		fb_put_empty(r);
		fb_put_empty(r);
		return;
	}
	exe_len = n;
	fb_set_len(r, exe_len);
	if (total <= exe_len) {
		fb_put_empty(r);
		return;
	}
	fb_put_ubuf(r, (void *)(start + exe_len),
	    (total - exe_len) & (FB_MAX_ARGS - 1));
}

/* A NUL-separated block of user memory, cut to FB_MAX_ARGS (env). */
static __always_inline void
fb_put_strblock(struct fb_rec *r, unsigned long start, unsigned long end)
{
	uint32_t total = end > start ? end - start : 0;

	if (total > FB_MAX_ARGS)
		total = FB_MAX_ARGS;
	fb_put_ubuf(r, (void *)start, total);
}

/*
 * Helpers for parameters assembled from pieces: fb_open_param() notes
 * where the value starts, fb_append_*() add pieces at the write position,
 * fb_close_param() turns what was appended into the parameter.
 */
static __always_inline uint32_t
fb_open_param(struct fb_rec *r)
{
	return r->s->pos;
}

static __always_inline void
fb_close_param(struct fb_rec *r, uint32_t start)
{
	uint32_t len = (r->s->pos - start) & (FB_MAX_EVENT - 1);

	r->s->pos = start;
	fb_set_len(r, len);
}

static __always_inline void
fb_append_c(struct fb_rec *r, char c)
{
	r->buf[FB_OFF(r->s->pos)] = c;
	r->s->pos++;
}

/* Overwrite the last byte appended (a string's NUL). */
static __always_inline void
fb_replace_last(struct fb_rec *r, char c)
{
	r->buf[FB_OFF(r->s->pos - 1)] = c;
}

/* Append a kernel string with its NUL; returns its length or <= 0. */
static __always_inline long
fb_append_kstr(struct fb_rec *r, const void *p, uint32_t max)
{
	long n = bpf_probe_read_kernel_str(&r->buf[FB_OFF(r->s->pos)],
	    max & (FB_MAX_EVENT - 1), p);

	if (n > 0)
		r->s->pos += n;
	return n;
}

static __always_inline long
fb_append_ustr(struct fb_rec *r, const void *p, uint32_t max)
{
	long n = bpf_probe_read_user_str(&r->buf[FB_OFF(r->s->pos)],
	    max & (FB_MAX_EVENT - 1), p);

	if (n > 0)
		r->s->pos += n;
	return n;
}

/* One "subsys=/path" entry of the cgroups parameter, NUL included. */
static __always_inline void
fb_cgroup_entry(struct fb_rec *r, struct task_struct *t, int id)
{
	uint64_t *names = r->s->ptrs;	/* untracked: see struct fb_rec */
	struct kernfs_node *kn;
	int i, depth = 0;

	if (fb_append_kstr(r, FB_T(t, t->cgroups->subsys[id]->ss->name,
	    cgroups, subsys[id], ss, name), 32) <= 0)
		return;
	fb_replace_last(r, '=');
	kn = FB_T(t, t->cgroups->subsys[id]->cgroup->kn,
	    cgroups, subsys[id], cgroup, kn);
	for (i = 0; i < FB_CGROUP_DEPTH; i++)
		names[i] = 0;
	for (i = 0; i < FB_CGROUP_DEPTH; i++) {
		if (kn == NULL)
			break;
		names[i] = (uint64_t)BPF_CORE_READ(kn, name);
		depth++;
		kn = fb_kn_parent(kn);
	}
	/* The root's name is empty; a path cut by the depth gets a '/'. */
	if (kn != NULL)
		fb_append_c(r, '/');
	for (i = FB_CGROUP_DEPTH - 1; i >= 0; i--) {
		if (names[i] != 0 &&
		    fb_append_kstr(r, (void *)names[i], 256) > 0)
			fb_replace_last(r, '/');
	}
	if (depth <= 1)
		fb_append_c(r, 0);
	else
		fb_replace_last(r, 0);
}

/* cgroups: cpuset, cpu, cpuacct, io, memory entries back to back. */
static __always_inline void
fb_put_cgroups(struct fb_rec *r, struct task_struct *t)
{
	uint32_t start = fb_open_param(r);

	if (bpf_core_enum_value_exists(enum cgroup_subsys_id, cpuset_cgrp_id))
		fb_cgroup_entry(r, t, bpf_core_enum_value(
		    enum cgroup_subsys_id, cpuset_cgrp_id));
	if (bpf_core_enum_value_exists(enum cgroup_subsys_id, cpu_cgrp_id))
		fb_cgroup_entry(r, t, bpf_core_enum_value(
		    enum cgroup_subsys_id, cpu_cgrp_id));
	if (bpf_core_enum_value_exists(enum cgroup_subsys_id,
	    cpuacct_cgrp_id))
		fb_cgroup_entry(r, t, bpf_core_enum_value(
		    enum cgroup_subsys_id, cpuacct_cgrp_id));
	if (bpf_core_enum_value_exists(enum cgroup_subsys_id, io_cgrp_id))
		fb_cgroup_entry(r, t, bpf_core_enum_value(
		    enum cgroup_subsys_id, io_cgrp_id));
	if (bpf_core_enum_value_exists(enum cgroup_subsys_id, memory_cgrp_id))
		fb_cgroup_entry(r, t, bpf_core_enum_value(
		    enum cgroup_subsys_id, memory_cgrp_id));
	fb_close_param(r, start);
}

/*
 * The struct file behind descriptor fd of the current task.  With a
 * trusted task pointer the walk to the descriptor table is plain loads
 * (the kernel handles their faults; a NULL on the way reads as 0); the
 * table itself is an array of pointers, which the verifier treats as
 * numbers, so the slot is read with one helper call either way.
 */
static __always_inline struct file *
fb_fd_file(int64_t fd)
{
	struct task_struct *t;
	struct fdtable *fdt;
	struct file **fda;
	struct file *f = NULL;
	unsigned int max;

	if (fd < 0)
		return NULL;
	if (FB_HAVE_TASK_BTF) {
		t = bpf_get_current_task_btf();
		fdt = t->files->fdt;
		max = fdt->max_fds;
		fda = fdt->fd;
	} else {
		t = (struct task_struct *)bpf_get_current_task();
		fdt = BPF_CORE_READ(t, files, fdt);
		max = BPF_CORE_READ(fdt, max_fds);
		fda = BPF_CORE_READ(fdt, fd);
	}
	if ((uint64_t)fd >= max || fda == NULL)
		return NULL;
	bpf_probe_read_kernel(&f, sizeof(f), &fda[fd]);
	return f;
}

/* The kernel's new_encode_dev() of a dev_t. */
static __always_inline uint32_t
fb_encode_dev(uint32_t dev)
{
	uint32_t major = dev >> 20, minor = dev & 0xfffff;

	return (minor & 0xff) | (major << 8) | ((minor & ~0xffu) << 12);
}

/* new_encode_dev() of the device of the file's filesystem. */
static __always_inline uint32_t
fb_file_dev(struct file *f)
{
	return fb_encode_dev(BPF_CORE_READ(f, f_inode, i_sb, s_dev));
}

#define FB_MAX_IOV	8

/*
 * The data of an iovec array, gathered up to n bytes (the snaplen cut
 * of the result).  Returns the total length the array describes.
 */
static __always_inline uint64_t
fb_put_iov_data(struct fb_rec *r, const struct iovec *uiov, uint32_t cnt,
    uint32_t n)
{
	struct iovec iov[FB_MAX_IOV] = {};
	uint32_t start = fb_open_param(r), take;
	uint64_t total = 0;
	int i;

	if (cnt > FB_MAX_IOV)
		cnt = FB_MAX_IOV;	/* XXX data past 8 iovecs not shown */
	if (bpf_probe_read_user(iov, sizeof(iov), uiov) != 0 &&
	    bpf_probe_read_user(iov, sizeof(iov[0]), uiov) != 0) {
		fb_put_empty(r);
		return 0;
	}
	for (i = 0; i < FB_MAX_IOV; i++) {
		if (i >= cnt)
			break;
		total += iov[i].iov_len;
		take = iov[i].iov_len;
		if (take > n)
			take = n;
		n -= take;
		if (take == 0)
			continue;
		take &= (FB_MAX_EVENT - 1);
		if (bpf_probe_read_user(&r->buf[FB_OFF(r->s->pos)], take,
		    iov[i].iov_base) != 0)
			break;
		r->s->pos += take;
	}
	fb_close_param(r, start);
	return total;
}

#define FB_FMODE_CREATED	0x100000

/*
 * The overlayfs layer a file comes from: FE_NOT_OVERLAY_FS, or
 * FE_OVERLAY_UPPER when its overlay inode has an upper dentry with an
 * inode (a file created or copied up in the container), else
 * FE_OVERLAY_LOWER.  struct ovl_inode puts __upperdentry right after
 * the embedded vfs inode; the size of struct inode is known on every
 * kernel while ovl_inode is not in vmlinux BTF when overlay is a module.
 */
#define FB_OVERLAYFS_MAGIC	0x794c7630

/* The layer of an overlay dentry d (see fb_overlay_layer()). */
static __always_inline int
fb_overlay_dentry_layer(struct dentry *d)
{
	struct dentry *upper = NULL;
	char *ino;

	ino = (char *)BPF_CORE_READ(d, d_inode);
	if (ino == NULL)
		return FE_OVERLAY_LOWER;
	bpf_probe_read_kernel(&upper, sizeof(upper),
	    ino + bpf_core_type_size(struct inode));
	if (upper != NULL && BPF_CORE_READ(upper, d_inode, i_ino) != 0)
		return FE_OVERLAY_UPPER;
	return FE_OVERLAY_LOWER;
}

static __always_inline int
fb_overlay_layer(struct file *f)
{
	struct dentry *d = BPF_CORE_READ(f, f_path.dentry);

	if (d == NULL || BPF_CORE_READ(d, d_sb, s_magic) != FB_OVERLAYFS_MAGIC)
		return FE_NOT_OVERLAY_FS;
	return fb_overlay_dentry_layer(d);
}

/*
 * What the open-like exit events say about the new file: its device,
 * inode number, f_mode and overlay layer.  All zero (and not overlay)
 * for f == NULL.
 */
struct fb_file_facts {
	uint32_t	dev;		/* new_encode_dev() */
	uint32_t	fmode;
	uint64_t	ino;
	int		layer;		/* FE_NOT_OVERLAY_FS, FE_OVERLAY_* */
};

/* Read with one probed read per pointer hop (any kernel). */
static __always_inline void
fb_file_facts_probed(struct file *f, struct fb_file_facts *ff)
{
	struct inode *ino;

	ff->dev = ff->fmode = 0;
	ff->ino = 0;
	ff->layer = FE_NOT_OVERLAY_FS;
	if (f == NULL)
		return;
	ino = BPF_CORE_READ(f, f_inode);
	ff->dev = fb_encode_dev(BPF_CORE_READ(ino, i_sb, s_dev));
	ff->ino = BPF_CORE_READ(ino, i_ino);
	ff->fmode = BPF_CORE_READ(f, f_mode);
	ff->layer = fb_overlay_layer(f);
}

/*
 * bpf_rdonly_cast() (kernels 6.2 and later) turns a number into an
 * untrusted BTF pointer: its fields are then plain loads, whose faults
 * the kernel handles (reading 0), instead of a helper call per hop.
 * The verifier replaces the call by a register move.  Programs that
 * use it are loaded only where the kernel has it (see bpf_driver.c).
 */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;

static __always_inline void
fb_file_facts_cast(struct file *fp, struct fb_file_facts *ff)
{
	struct inode *ino;
	struct dentry *d;
	struct file *f;

	ff->dev = ff->fmode = 0;
	ff->ino = 0;
	ff->layer = FE_NOT_OVERLAY_FS;
	if (fp == NULL)
		return;
	f = bpf_rdonly_cast(fp, bpf_core_type_id_kernel(struct file));
	ino = f->f_inode;
	ff->dev = fb_encode_dev(ino->i_sb->s_dev);
	ff->ino = ino->i_ino;
	ff->fmode = f->f_mode;
	d = f->f_path.dentry;
	/* Overlay files are rare: their layer is read the slow way. */
	if (d != NULL && d->d_sb->s_magic == FB_OVERLAYFS_MAGIC)
		ff->layer = fb_overlay_dentry_layer(d);
}

/*
 * A file made by memfd_create(): its dentry is a pseudo one (its own
 * parent) named "memfd:<name>".
 */
static __always_inline int
fb_file_is_memfd(struct file *f)
{
	struct dentry *d = BPF_CORE_READ(f, f_path.dentry);
	char name[7] = {};

	if (d == NULL || BPF_CORE_READ(d, d_parent) != d)
		return 0;
	if (bpf_probe_read_kernel_str(name, sizeof(name),
	    BPF_CORE_READ(d, d_name.name)) != sizeof(name))
		return 0;
	return __builtin_memcmp(name, "memfd:", 6) == 0;
}

#define FB_GROUP_SEARCH		16	/* log2(NGROUPS_MAX) steps */
#define FB_ID_EXTENTS		5	/* UID_GID_MAP_MAX_BASE_EXTENTS */

/* gid is among the supplementary groups of cred (a sorted array). */
static __always_inline int
fb_in_groups(const struct cred *cred, uint32_t gid)
{
	struct group_info *gi = BPF_CORE_READ(cred, group_info);
	unsigned int lo = 0, hi, mid;
	uint32_t g;
	int i;

	if (gi == NULL)
		return 0;
	hi = BPF_CORE_READ(gi, ngroups);
	for (i = 0; i < FB_GROUP_SEARCH && lo < hi; i++) {
		mid = (lo + hi) / 2;
		g = BPF_CORE_READ(gi, gid[mid & 0xffff].val);
		if (gid > g)
			lo = mid + 1;
		else if (gid < g)
			hi = mid;
		else
			return 1;
	}
	return 0;
}

/*
 * The kernel id has a value in the user namespace whose map this is.
 * Only the base extents are looked at; an id past them counts as
 * unmapped (maps with more extents are rare).
 */
static __always_inline int
fb_id_mapped(struct uid_gid_map *map, uint32_t id)
{
	uint32_t n = BPF_CORE_READ(map, nr_extents), first, count;
	int i;

	for (i = 0; i < FB_ID_EXTENTS && i < n; i++) {
		first = BPF_CORE_READ(map, extent[i].lower_first);
		count = BPF_CORE_READ(map, extent[i].count);
		if (id >= first && id - first < count)
			return 1;
	}
	return 0;
}

/*
 * The task could write the inode with its fsuid and fsgid: the basic
 * checks of the kernel's inode_permission(MAY_WRITE) (read-only mount
 * of a regular file, directory or link, immutable flag, owner, group
 * and other write bits, CAP_DAC_OVERRIDE, CAP_FOWNER), as Falco's
 * drivers compute it.  XXX POSIX ACLs and LSMs are not looked at.
 */
static __always_inline int
fb_exe_writable(struct task_struct *t, struct inode *ino)
{
	const struct cred *cred = BPF_CORE_READ(t, cred);
	uint32_t mode, fmt, iuid, igid, fsuid, fsgid;
	struct user_namespace *ns;
	uint64_t caps;
	int uid_ok, gid_ok;

	if (ino == NULL || cred == NULL)
		return 0;
	mode = BPF_CORE_READ(ino, i_mode);
	fmt = mode & 0170000;
	if ((BPF_CORE_READ(ino, i_sb, s_flags) & 1) &&	/* SB_RDONLY */
	    (fmt == 0100000 || fmt == 0040000 || fmt == 0120000))
		return 0;
	if (BPF_CORE_READ(ino, i_flags) & 8)		/* S_IMMUTABLE */
		return 0;
	iuid = BPF_CORE_READ(ino, i_uid.val);
	igid = BPF_CORE_READ(ino, i_gid.val);
	if (iuid == (uint32_t)-1 || igid == (uint32_t)-1)
		return 0;
	fsuid = BPF_CORE_READ(cred, fsuid.val);
	fsgid = BPF_CORE_READ(cred, fsgid.val);
	/* The owner may always change the mode, so counts as a writer. */
	if (fsuid == iuid)
		return 1;
	if (igid == fsgid || fb_in_groups(cred, igid))
		mode >>= 3;
	if (mode & 2)					/* MAY_WRITE */
		return 1;
	ns = BPF_CORE_READ(cred, user_ns);
	if (ns == NULL)
		return 0;
	caps = fb_cred_caps(cred, cap_effective);
	uid_ok = fb_id_mapped(&ns->uid_map, iuid);
	gid_ok = fb_id_mapped(&ns->gid_map, igid);
	/* CAP_DAC_OVERRIDE (1), CAP_FOWNER (3) */
	if ((caps & (1ull << 1)) && uid_ok && gid_ok)
		return 1;
	if ((caps & (1ull << 3)) && uid_ok)
		return 1;
	return 0;
}

/* The flags parameter of execve/execveat for the task's current image. */
static __always_inline uint32_t
fb_exe_flags(struct task_struct *t, struct file *exe)
{
	uint32_t flags = 0;

	if (exe == NULL)
		return 0;
	if (fb_exe_writable(t, BPF_CORE_READ(exe, f_inode)))
		flags |= FL_EXECVE_FLAGS_EXE_WRITABLE;
	switch (fb_overlay_layer(exe)) {
	case FE_OVERLAY_UPPER:
		flags |= FL_EXECVE_FLAGS_EXE_UPPER_LAYER;
		break;
	case FE_OVERLAY_LOWER:
		flags |= FL_EXECVE_FLAGS_EXE_LOWER_LAYER;
		break;
	}
	if (fb_file_is_memfd(exe))
		flags |= FL_EXECVE_FLAGS_EXE_FROM_MEMFD;
	return flags;
}

#endif /* FB_TASK_BPF_H */
