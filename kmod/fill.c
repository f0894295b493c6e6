// SPDX-License-Identifier: GPL-2.0-only
/*
 * Probes and fillers: turn tracepoint hits into event records.
 *
 * Five tracepoints are used, found by name when the module loads and
 * attached only while some consumer captures:
 *	sys_enter		enter events of open, openat, openat2, creat
 *				and connect (their arguments must be read
 *				before the call runs)
 *	sys_exit		exit events of every other syscall; syscalls
 *				without a dedicated event give FE_GENERIC_X
 *	sched_process_exec	successful execve/execveat (failures come
 *				from sys_exit)
 *	sched_process_fork	the child's side of clone/clone3/fork/vfork,
 *				written before the child first runs
 *	sched_process_exit	procexit
 *
 * Most exit events are described by a recipe: one step per parameter
 * naming where the value comes from (return value, argument n, a user
 * string, a flag translation, ...).  Process events (execve, clone) and
 * meta events have hand-written fillers.  Each event is written straight
 * into the ring of every capturing consumer interested in it, with
 * preemption disabled and user memory read with the _nofault copies, so
 * a probe never sleeps and never takes a page fault.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/binfmts.h>
#include <linux/cgroup.h>
#include <linux/compat.h>
#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/magic.h>
#include <linux/mman.h>
#include <linux/net.h>
#include <linux/nsproxy.h>
#include <linux/openat2.h>
#include <linux/pid_namespace.h>
#include <linux/prctl.h>
#include <linux/rculist.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task_stack.h>
#include <linux/siphash.h>
#include <linux/tracepoint.h>
#include <linux/tty.h>
#include <linux/uaccess.h>
#include <linux/uio.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>
#include <net/af_unix.h>
#include <net/sock.h>
#include <asm/syscall.h>

#include "compat.h"
#include "falco.h"
#include "falco_schema_kern.h"

#ifndef CONFIG_X86_64
#error "falco.ko maps x86_64 syscall numbers only"
#endif

#define FALCO_ARGS_MAX		4096	/* bytes of argv, env, cgroups */
#define FALCO_STR_MAX		4096	/* bytes of a path or string */
#define FALCO_IOV_MAX		16	/* iovecs gathered for readv/writev */

/* What the probe knows about the event being written. */
struct falco_ctx {
	u64			ts;
	struct task_struct	*task;		/* subject of the event */
	long			ret;
	unsigned long		args[6];
	u16			type;
	u16			sc;		/* FE_SC_*; FE_SC_MAX: none */
	u16			nr;		/* native syscall number */
	bool			ia32;		/* ia32 call: 4-byte pointers */
	bool			failed_exit;	/* sys_exit with ret < 0 */
	struct linux_binprm	*bprm;		/* sched_process_exec */
	u32			hotplug[2];	/* cpu, action */
};

/* A record being written into one ring. */
struct falco_fill {
	const struct falco_ctx	*x;
	u8			*rec;
	u32			avail;
	u32			off;
	u16			nparams;
	u16			idx;
	u32			snaplen;
	bool			full;
};

typedef void (*falco_filler_t)(struct falco_fill *f);

static DEFINE_PER_CPU(int, falco_nesting);
static siphash_key_t falco_ptr_key;

/* ---- Writing parameters ---- */

static void fill_set_len(struct falco_fill *f, u32 len)
{
	put_unaligned((u16)len, (u16 *)(f->rec + FEVT_HDR_LEN) + f->idx);
	f->idx++;
	f->off += len;
}

/* Room for len more bytes of the current parameter, or false. */
static bool fill_room(struct falco_fill *f, u32 len)
{
	if (f->full || f->idx >= f->nparams || len > 0xffff ||
	    f->off + len > f->avail) {
		f->full = true;
		return false;
	}
	return true;
}

static void fill_put(struct falco_fill *f, const void *p, u32 len)
{
	if (!fill_room(f, len))
		return;
	memcpy(f->rec + f->off, p, len);
	fill_set_len(f, len);
}

static void fill_u8(struct falco_fill *f, u8 v)
{
	fill_put(f, &v, 1);
}

static void fill_u16(struct falco_fill *f, u16 v)
{
	fill_put(f, &v, 2);
}

static void fill_u32(struct falco_fill *f, u32 v)
{
	fill_put(f, &v, 4);
}

static void fill_u64(struct falco_fill *f, u64 v)
{
	fill_put(f, &v, 8);
}

static void fill_empty(struct falco_fill *f)
{
	if (fill_room(f, 0))
		fill_set_len(f, 0);
}

static void fill_kstr(struct falco_fill *f, const char *s)
{
	fill_put(f, s, strnlen(s, FALCO_STR_MAX - 1) + 1);
}

/*
 * strncpy_from_user() that fails instead of faulting pages in (the
 * kernel's _nofault variant is not exported to modules).
 */
static long falco_strncpy_nofault(char *dst, unsigned long uptr, long count)
{
	long n;

	pagefault_disable();
	n = strncpy_from_user(dst, (const char __user *)uptr, count);
	pagefault_enable();
	return n;
}

/* A NUL-terminated user string; empty if it cannot be read. */
static void fill_ustr(struct falco_fill *f, unsigned long uptr)
{
	u32 room = min_t(u32, f->avail - f->off, FALCO_STR_MAX);
	long n;

	if (!fill_room(f, 1))
		return;
	n = falco_strncpy_nofault(f->rec + f->off, uptr, room);
	if (n < 0)
		return fill_set_len(f, 0);
	if (n >= room) {
		f->rec[f->off + room - 1] = '\0';
		return fill_set_len(f, room);
	}
	fill_set_len(f, n + 1);
}

/* len bytes of user memory, cut to the snaplen; empty on a fault. */
static void fill_ubuf(struct falco_fill *f, unsigned long uptr, u64 len)
{
	len = min_t(u64, len, f->snaplen);
	if (!fill_room(f, len))
		return;
	if (len && copy_from_user_nofault(f->rec + f->off,
					  (const void __user *)uptr, len))
		len = 0;
	fill_set_len(f, len);
}

/* Gathers up to the snaplen (and at most total) bytes of an iovec. */
static void fill_iov(struct falco_fill *f, unsigned long uiov,
		     unsigned long cnt, u64 total)
{
	struct iovec iov[FALCO_IOV_MAX];
	u64 want = min_t(u64, total, f->snaplen);
	u32 got = 0;
	unsigned long i;

	cnt = min_t(unsigned long, cnt, FALCO_IOV_MAX);
	if (!fill_room(f, want))
		return;
	if (copy_from_user_nofault(iov, (const void __user *)uiov,
				   cnt * sizeof(*iov)))
		return fill_set_len(f, 0);
	for (i = 0; i < cnt && got < want; i++) {
		u32 n = min_t(u64, iov[i].iov_len, want - got);

		if (copy_from_user_nofault(f->rec + f->off + got,
					   iov[i].iov_base, n))
			break;
		got += n;
	}
	fill_set_len(f, got);
}

static u64 falco_iov_total(unsigned long uiov, unsigned long cnt)
{
	struct iovec iov[FALCO_IOV_MAX];
	u64 total = 0;
	unsigned long i;

	cnt = min_t(unsigned long, cnt, FALCO_IOV_MAX);
	if (copy_from_user_nofault(iov, (const void __user *)uiov,
				   cnt * sizeof(*iov)))
		return 0;
	for (i = 0; i < cnt; i++)
		total += iov[i].iov_len;
	return total;
}

/* ---- Values ---- */

/*
 * Translate native flag bits with the generated table, the same helper the
 * eBPF programs use: a portable flag is set when any of its native bits is
 * (so O_TMPFILE shows on every O_DIRECTORY open, as Falco's drivers do).
 */
static u32 falco_xlat(const struct fe_flag_xlat *t, unsigned int n, u64 v)
{
	return fe_xlat_bits(t, n, v);
}

#define XLAT(name, v) \
	falco_xlat(fe_xlat_##name, ARRAY_SIZE(fe_xlat_##name), (v))

static u32 falco_open_flags(u64 flags)
{
	u32 out = XLAT(file_flags, flags);

	if ((flags & O_ACCMODE) == O_RDONLY)
		out |= FL_FILE_FLAGS_O_RDONLY;
	return out;
}

static u32 falco_open_mode(u64 flags, u64 mode)
{
	if (!(flags & (O_CREAT | __O_TMPFILE)))
		return 0;
	return XLAT(chmod_mode, mode);
}

static u64 falco_hash_ptr(const void *p)
{
	/* Kernel addresses never leave the module; equal stays equal. */
	return p ? siphash_1u64((u64)(unsigned long)p, &falco_ptr_key) : 0;
}

static struct file *falco_fget(long fd)
{
	if (fd < 0 || fd > INT_MAX)
		return NULL;
	return fget(fd);
}

static void fill_fd_dev_ino(struct falco_fill *f, long fd, bool ino)
{
	struct file *file = falco_fget(fd);
	struct inode *inode;
	u64 v = 0;

	if (file) {
		inode = file_inode(file);
		v = ino ? inode->i_ino : new_encode_dev(inode->i_sb->s_dev);
		fput(file);
	}
	if (ino)
		fill_u64(f, v);
	else
		fill_u32(f, v);
}

/*
 * The overlayfs layer a file comes from: FE_NOT_OVERLAY_FS, FE_OVERLAY_UPPER
 * when its overlay inode has an upper dentry with an inode, else
 * FE_OVERLAY_LOWER.
 */
static int falco_overlay_layer(struct file *file)
{
	struct dentry *d = file ? file->f_path.dentry : NULL;
	struct inode *inode, *up_inode;
	struct dentry *upper;

	if (!d || !d->d_sb || d->d_sb->s_magic != OVERLAYFS_SUPER_MAGIC)
		return FE_NOT_OVERLAY_FS;
	inode = d_inode(d);
	if (!inode)
		return FE_OVERLAY_LOWER;
	/*
	 * XXX: struct ovl_inode is private to overlayfs.  Its upper dentry
	 * pointer comes right after the embedded VFS inode (4.13 to 6.12
	 * at least), the layout Falco's drivers rely on too.
	 */
	upper = READ_ONCE(*(struct dentry **)((char *)inode + sizeof(*inode)));
	up_inode = upper ? d_inode(upper) : NULL;
	return up_inode && up_inode->i_ino ? FE_OVERLAY_UPPER :
		FE_OVERLAY_LOWER;
}

/* Flags of an open's new fd: created by this call, overlayfs layer. */
static u32 falco_fd_flags(long fd)
{
	struct file *file = falco_fget(fd);
	u32 out = 0;

	if (!file)
		return 0;
	if (file->f_mode & FMODE_CREATED)
		out = FL_FILE_FLAGS_O_F_CREATED;
	switch (falco_overlay_layer(file)) {
	case FE_OVERLAY_UPPER:
		out |= FL_FILE_FLAGS_FD_UPPER_LAYER;
		break;
	case FE_OVERLAY_LOWER:
		out |= FL_FILE_FLAGS_FD_LOWER_LAYER;
		break;
	}
	fput(file);
	return out;
}

/* The creat_flags parameter of creat: the overlayfs layer of the fd. */
static u16 falco_creat_flags(long fd)
{
	struct file *file = falco_fget(fd);
	u16 out = 0;

	if (!file)
		return 0;
	switch (falco_overlay_layer(file)) {
	case FE_OVERLAY_UPPER:
		out = FL_CREAT_FLAGS_FD_UPPER_LAYER_CREAT;
		break;
	case FE_OVERLAY_LOWER:
		out = FL_CREAT_FLAGS_FD_LOWER_LAYER_CREAT;
		break;
	}
	fput(file);
	return out;
}

static void fill_sockaddr(struct falco_fill *f, unsigned long uaddr,
			  unsigned long ulen)
{
	struct sockaddr_storage ss;
	u8 buf[1 + 16 + 2];
	u32 len;

	if (!uaddr || ulen < sizeof(sa_family_t) || ulen > sizeof(ss) ||
	    copy_from_user_nofault(&ss, (const void __user *)uaddr, ulen))
		return fill_empty(f);
	switch (ss.ss_family) {
	case AF_INET: {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;
		u16 port = ntohs(in->sin_port);

		if (ulen < sizeof(*in))
			return fill_empty(f);
		buf[0] = AF_INET;
		memcpy(buf + 1, &in->sin_addr.s_addr, 4);
		memcpy(buf + 5, &port, 2);
		return fill_put(f, buf, 7);
	}
	case AF_INET6: {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
		u16 port = ntohs(in6->sin6_port);

		if (ulen < sizeof(*in6))
			return fill_empty(f);
		buf[0] = AF_INET6;
		memcpy(buf + 1, &in6->sin6_addr, 16);
		memcpy(buf + 17, &port, 2);
		return fill_put(f, buf, 19);
	}
	case AF_UNIX: {
		char *path = (char *)&ss + sizeof(sa_family_t);

		len = strnlen(path, ulen - sizeof(sa_family_t));
		if (!fill_room(f, len + 2))
			return;
		f->rec[f->off] = AF_UNIX;
		memcpy(f->rec + f->off + 1, path, len);
		f->rec[f->off + 1 + len] = '\0';
		return fill_set_len(f, len + 2);
	}
	default:
		return fill_empty(f);
	}
}

/*
 * A unix socket tuple, as Falco's drivers lay it out: the two sockets
 * (ours first on inbound calls, the peer first otherwise; addresses are
 * hashed, see falco_hash_ptr()) and then a path: our own name on inbound
 * calls, the peer's otherwise.  An abstract name loses its leading NUL.
 * XXX A call that names its destination (sendto on an unconnected
 * socket) does not fall back to that address.
 */
static void fill_unix_tuple(struct falco_fill *f, struct socket *sock,
			    bool inbound)
{
	struct sockaddr_storage ss;
	struct sockaddr_un *sun = (struct sockaddr_un *)&ss;
	struct sock *sk = sock->sk;
	u64 us = falco_hash_ptr(sk);
	u64 peer = falco_hash_ptr(READ_ONCE(unix_sk(sk)->peer));
	const char *path = sun->sun_path;
	int n, plen = 0;
	u8 *p;

	n = inbound ? kernel_getsockname(sock, (struct sockaddr *)&ss) :
		kernel_getpeername(sock, (struct sockaddr *)&ss);
	if (n > (int)offsetof(struct sockaddr_un, sun_path)) {
		plen = n - offsetof(struct sockaddr_un, sun_path);
		if (path[0] == '\0') {
			path++;
			plen--;
		}
		plen = strnlen(path, plen);
	}
	if (!fill_room(f, 17 + plen + 1))
		return;
	p = f->rec + f->off;
	p[0] = AF_UNIX;
	memcpy(p + 1, inbound ? &us : &peer, 8);
	memcpy(p + 9, inbound ? &peer : &us, 8);
	memcpy(p + 17, path, plen);
	p[17 + plen] = '\0';
	fill_set_len(f, 17 + plen + 1);
}

/*
 * The socket tuple of fd, as Falco's drivers write it: local then remote
 * for outbound calls (connect, send*), remote then local for inbound ones
 * (accept, recv*).
 */
static void fill_tuple(struct falco_fill *f, long fd, bool inbound)
{
	struct file *file = falco_fget(fd);
	struct socket *sock;
	struct sock *sk;
	u8 buf[1 + 2 * (16 + 2)];
	u16 sport, dport;

	sock = file ? falco_sock_from_file(file) : NULL;
	sk = sock ? sock->sk : NULL;
	if (!sk) {
		fill_empty(f);
		goto out;
	}
	sport = ntohs(inet_sk(sk)->inet_sport);
	dport = ntohs(inet_sk(sk)->inet_dport);
	switch (sk->sk_family) {
	case AF_INET:
		buf[0] = AF_INET;
		memcpy(buf + (inbound ? 7 : 1), &inet_sk(sk)->inet_saddr, 4);
		memcpy(buf + (inbound ? 11 : 5), &sport, 2);
		memcpy(buf + (inbound ? 1 : 7), &inet_sk(sk)->inet_daddr, 4);
		memcpy(buf + (inbound ? 5 : 11), &dport, 2);
		fill_put(f, buf, 13);
		break;
#if IS_ENABLED(CONFIG_IPV6)
	case AF_INET6:
		buf[0] = AF_INET6;
		memcpy(buf + (inbound ? 19 : 1), &sk->sk_v6_rcv_saddr, 16);
		memcpy(buf + (inbound ? 35 : 17), &sport, 2);
		memcpy(buf + (inbound ? 1 : 19), &sk->sk_v6_daddr, 16);
		memcpy(buf + (inbound ? 17 : 35), &dport, 2);
		fill_put(f, buf, 37);
		break;
#endif
	case AF_UNIX:
		fill_unix_tuple(f, sock, inbound);
		break;
	default:
		fill_empty(f);
	}
out:
	if (file)
		fput(file);
}

/* fds[idx] of a user int[2] (pipe, socketpair). */
static long falco_ufd(unsigned long uptr, unsigned int idx)
{
	int fds[2];

	if (copy_from_user_nofault(fds, (const void __user *)uptr,
				   sizeof(fds)))
		return -1;
	return fds[idx & 1];
}

static u64 falco_fd_sk(long fd)
{
	struct file *file = falco_fget(fd);
	struct socket *sock;
	u64 v = 0;

	if (file) {
		sock = falco_sock_from_file(file);
		if (sock)
			v = falco_hash_ptr(sock->sk);
		fput(file);
	}
	return v;
}

/* Backlog of the listening socket fd: which = 0 pct, 1 len, 2 max. */
static u32 falco_backlog(long fd, int which)
{
	struct file *file = falco_fget(fd);
	struct socket *sock;
	u32 len = 0, max = 0;

	if (file) {
		sock = falco_sock_from_file(file);
		if (sock && sock->sk) {
			len = READ_ONCE(sock->sk->sk_ack_backlog);
			max = READ_ONCE(sock->sk->sk_max_ack_backlog);
		}
		fput(file);
	}
	if (which == 0)
		return max ? len * 100 / max : 0;
	return which == 1 ? len : max;
}

/* ---- Recipes ---- */

enum falco_op {
	OP_END,
	OP_RES,		/* return value, 8 bytes */
	OP_RES32,	/* return value, 4 bytes */
	OP_FD,		/* int argument a, as 8 bytes */
	OP_U64,		/* argument a, 8 bytes */
	OP_U32,		/* argument a, 4 bytes */
	OP_U8,		/* argument a, 1 byte */
	OP_STR,		/* user string at argument a */
	OP_X32,		/* argument a through table b, 4 bytes */
	OP_X16,
	OP_X8,
	OP_OFLAGS,	/* open flags a, plus "created" and layer of the new fd */
	OP_OFLAGS_E,	/* open flags a (enter event) */
	OP_OMODE,	/* mode a if flags b create a file */
	OP_MODE,	/* mode a */
	OP_HOW_FLAGS,	/* struct open_how at a: flags, mode, resolve */
	OP_HOW_FLAGS_E,
	OP_HOW_MODE,
	OP_HOW_RESOLVE,
	OP_DEV,		/* device of the returned fd */
	OP_INO,		/* inode of the returned fd */
	OP_BUF_RES,	/* user buffer a, return value bytes */
	OP_BUF_ARG,	/* user buffer a, argument b bytes */
	OP_IOV_RES,	/* iovec a of b entries, return value bytes */
	OP_IOV_ARG,	/* iovec a of b entries, all of it */
	OP_IOV_LEN,	/* total length of iovec a of b entries, 4 bytes */
	OP_MSG_RES,	/* iovec of user msghdr a, return value bytes */
	OP_MSG_ARG,	/* iovec of user msghdr a, all of it */
	OP_MSG_LEN,	/* total iovec length of user msghdr a, 4 bytes */
	OP_SOCKADDR,	/* user sockaddr a of length argument b */
	OP_TUPLE,	/* socket tuple of fd argument a; b: inbound call */
	OP_TUPLE_RES,	/* socket tuple of the returned fd */
	OP_UFD,		/* user int[2] at a, element b */
	OP_UFD_INO,	/* inode of element 0 of user int[2] at a */
	OP_UFD_SK,	/* socket of element b of user int[2] at a */
	OP_SOCKFLAGS,	/* SOCK_NONBLOCK/SOCK_CLOEXEC of type a */
	OP_BACKLOG,	/* backlog b (0 pct u8, 1 len, 2 max) of fd a */
	OP_DYN64,	/* argument a as a DYN u64 */
	OP_PRCTL_STR,	/* prctl string argument */
	OP_PRCTL_INT,
	OP_VM,		/* current mm: b = 0 size, 1 rss, 2 swap (KiB) */
	OP_CAP,		/* current caps: b = 0 inh, 1 prm, 2 eff */
	OP_RLIM,	/* rlimit at a: b 0 cur, 1 max, 2-3 same or -1 */
	OP_CREAT_FLAGS,	/* overlayfs layer of the returned fd, 2 bytes */
	OP_EMPTY,
};

enum falco_xlat_id {
	XT_FILE, XT_FAMILY, XT_FCNTL, XT_UNLINKAT, XT_RENAMEAT2, XT_LINKAT,
	XT_FCHOWNAT, XT_PTRACE, XT_MOUNT, XT_UMOUNT, XT_FINIT, XT_DELMOD,
	XT_MEMFD, XT_CLONE, XT_PRCTL, XT_PROT, XT_MMAP, XT_OPENAT2,
};

#define XT(id, name) \
	[id] = { fe_xlat_##name, ARRAY_SIZE(fe_xlat_##name) }

static const struct {
	const struct fe_flag_xlat *t;
	unsigned int n;
} falco_xlats[] = {
	XT(XT_FILE, file_flags),
	XT(XT_FAMILY, socket_families),
	XT(XT_FCNTL, fcntl_commands),
	XT(XT_UNLINKAT, unlinkat_flags),
	XT(XT_RENAMEAT2, renameat2_flags),
	XT(XT_LINKAT, linkat_flags),
	XT(XT_FCHOWNAT, fchownat_flags),
	XT(XT_PTRACE, ptrace_requests),
	XT(XT_MOUNT, mount_flags),
	XT(XT_UMOUNT, umount_flags),
	XT(XT_FINIT, finit_module_flags),
	XT(XT_DELMOD, delete_module_flags),
	XT(XT_MEMFD, memfd_create_flags),
	XT(XT_CLONE, clone_flags),
	XT(XT_PRCTL, prctl_options),
	XT(XT_PROT, prot_flags),
	XT(XT_MMAP, mmap_flags),
	XT(XT_OPENAT2, openat2_flags),
};

/*
 * Translate argument a with table id.  Most tables are bit sets; four are
 * enumerations and are translated exactly as the eBPF programs translate
 * them: socket families and prctl options keep their values (the portable
 * numbers are the native ones), an fcntl command takes the last matching
 * entry (flags.tbl lists the *LK64 aliases first), a ptrace request the
 * first.
 */
static u32 falco_xlat_id(unsigned int id, u64 a)
{
	const struct fe_flag_xlat *t = falco_xlats[id].t;
	unsigned int i, n = falco_xlats[id].n;
	u32 r;

	switch (id) {
	case XT_FAMILY:
		return a & 0xff;
	case XT_PRCTL:
		return (u32)a;
	case XT_FCNTL:
		r = FL_FCNTL_COMMANDS_UNKNOWN;
		for (i = 0; i < n; i++)
			if (t[i].native == a)
				r = t[i].portable;
		return r;
	case XT_PTRACE:
		return fe_xlat_enum(t, n, a,
				    FL_PTRACE_REQUESTS_PTRACE_UNKNOWN);
	default:
		return falco_xlat(t, n, a);
	}
}

struct falco_step {
	u8 op;
	u8 a;
	u8 b;
};

#define S(op, ...)	{ OP_##op, __VA_ARGS__ }
#define R(...)		((const struct falco_step[]){ __VA_ARGS__, S(END) })

/* Parameter by parameter, in the order of events.tbl. */
static const struct falco_step *const falco_recipes[FE_MAX] = {
	[FE_SYSCALL_OPEN_E] = R(S(STR, 0), S(OFLAGS_E, 1), S(OMODE, 2, 1)),
	[FE_SYSCALL_OPEN_X] = R(S(RES), S(STR, 0), S(OFLAGS, 1),
				S(OMODE, 2, 1), S(DEV), S(INO)),
	[FE_SYSCALL_OPENAT_2_E] = R(S(FD, 0), S(STR, 1), S(OFLAGS_E, 2),
				    S(OMODE, 3, 2)),
	[FE_SYSCALL_OPENAT_2_X] = R(S(RES), S(FD, 0), S(STR, 1),
				    S(OFLAGS, 2), S(OMODE, 3, 2), S(DEV),
				    S(INO)),
	[FE_SYSCALL_OPENAT2_E] = R(S(FD, 0), S(STR, 1), S(HOW_FLAGS_E, 2),
				   S(HOW_MODE, 2), S(HOW_RESOLVE, 2)),
	[FE_SYSCALL_OPENAT2_X] = R(S(RES), S(FD, 0), S(STR, 1),
				   S(HOW_FLAGS, 2), S(HOW_MODE, 2),
				   S(HOW_RESOLVE, 2), S(DEV), S(INO)),
	[FE_SYSCALL_CREAT_E] = R(S(STR, 0), S(MODE, 1)),
	[FE_SYSCALL_CREAT_X] = R(S(RES), S(STR, 0), S(MODE, 1), S(DEV),
				 S(INO), S(CREAT_FLAGS)),
	[FE_SYSCALL_CLOSE_X] = R(S(RES), S(FD, 0)),
	[FE_SYSCALL_PRLIMIT_X] = R(S(RES), S(RLIM, 2, 0), S(RLIM, 2, 1),
				   S(RLIM, 3, 2), S(RLIM, 3, 3), S(FD, 0),
				   S(U8, 1)),
	[FE_SOCKET_CONNECT_E] = R(S(FD, 0), S(SOCKADDR, 1, 2)),
	[FE_SOCKET_CONNECT_X] = R(S(RES), S(TUPLE, 0), S(FD, 0),
				  S(SOCKADDR, 1, 2)),
	[FE_SYSCALL_DUP_1_X] = R(S(RES), S(FD, 0)),
	[FE_SYSCALL_DUP2_X] = R(S(RES), S(FD, 0), S(FD, 1)),
	[FE_SYSCALL_DUP3_X] = R(S(RES), S(FD, 0), S(FD, 1),
				S(X32, 2, XT_FILE)),
	[FE_SYSCALL_FCNTL_X] = R(S(RES), S(FD, 0), S(X8, 1, XT_FCNTL),
				 S(U64, 2)),
	[FE_SYSCALL_PIPE_X] = R(S(RES), S(UFD, 0, 0), S(UFD, 0, 1),
				S(UFD_INO, 0)),
	[FE_SYSCALL_PIPE2_X] = R(S(RES), S(UFD, 0, 0), S(UFD, 0, 1),
				 S(UFD_INO, 0), S(X32, 1, XT_FILE)),
	[FE_SOCKET_SOCKET_X] = R(S(RES), S(X32, 0, XT_FAMILY), S(U32, 1),
				 S(U32, 2), S(SOCKFLAGS, 1)),
	[FE_SOCKET_SOCKETPAIR_X] = R(S(RES), S(UFD, 3, 0), S(UFD, 3, 1),
				     S(UFD_SK, 3, 0), S(UFD_SK, 3, 1),
				     S(X32, 0, XT_FAMILY), S(U32, 1),
				     S(U32, 2)),
	[FE_SOCKET_ACCEPT_5_X] = R(S(RES), S(TUPLE_RES), S(BACKLOG, 0, 0),
				   S(BACKLOG, 0, 1), S(BACKLOG, 0, 2)),
	[FE_SOCKET_ACCEPT4_6_X] = R(S(RES), S(TUPLE_RES), S(BACKLOG, 0, 0),
				    S(BACKLOG, 0, 1), S(BACKLOG, 0, 2),
				    S(SOCKFLAGS, 3)),
	[FE_SOCKET_BIND_X] = R(S(RES), S(SOCKADDR, 1, 2), S(FD, 0)),
	[FE_SOCKET_LISTEN_X] = R(S(RES), S(FD, 0), S(U32, 1)),
	[FE_SOCKET_SENDTO_X] = R(S(RES), S(BUF_ARG, 1, 2), S(FD, 0),
				 S(U32, 2), S(TUPLE, 0)),
	[FE_SOCKET_RECVFROM_X] = R(S(RES), S(BUF_RES, 1), S(TUPLE, 0, 1),
				   S(FD, 0), S(U32, 2)),
	[FE_SOCKET_SENDMSG_X] = R(S(RES), S(MSG_ARG, 1), S(FD, 0),
				  S(MSG_LEN, 1), S(TUPLE, 0)),
	/* XXX: the control data (msgcontrol) is not captured. */
	[FE_SOCKET_RECVMSG_X] = R(S(RES), S(RES32), S(MSG_RES, 1),
				  S(TUPLE, 0, 1), S(EMPTY), S(FD, 0)),
	[FE_SYSCALL_READ_X] = R(S(RES), S(BUF_RES, 1), S(FD, 0), S(U32, 2)),
	[FE_SYSCALL_WRITE_X] = R(S(RES), S(BUF_ARG, 1, 2), S(FD, 0),
				 S(U32, 2)),
	[FE_SYSCALL_PREAD_X] = R(S(RES), S(BUF_RES, 1), S(FD, 0), S(U32, 2),
				 S(U64, 3)),
	[FE_SYSCALL_PWRITE_X] = R(S(RES), S(BUF_ARG, 1, 2), S(FD, 0),
				  S(U32, 2), S(U64, 3)),
	[FE_SYSCALL_READV_X] = R(S(RES), S(RES32), S(IOV_RES, 1, 2),
				 S(FD, 0)),
	[FE_SYSCALL_WRITEV_X] = R(S(RES), S(IOV_ARG, 1, 2), S(FD, 0),
				  S(IOV_LEN, 1, 2)),
	[FE_SYSCALL_UNLINK_2_X] = R(S(RES), S(STR, 0)),
	[FE_SYSCALL_UNLINKAT_2_X] = R(S(RES), S(FD, 0), S(STR, 1),
				      S(X32, 2, XT_UNLINKAT)),
	[FE_SYSCALL_RENAME_X] = R(S(RES), S(STR, 0), S(STR, 1)),
	[FE_SYSCALL_RENAMEAT_X] = R(S(RES), S(FD, 0), S(STR, 1), S(FD, 2),
				    S(STR, 3)),
	[FE_SYSCALL_RENAMEAT2_X] = R(S(RES), S(FD, 0), S(STR, 1), S(FD, 2),
				     S(STR, 3), S(X32, 4, XT_RENAMEAT2)),
	[FE_SYSCALL_MKDIR_2_X] = R(S(RES), S(STR, 0), S(U32, 1)),
	[FE_SYSCALL_MKDIRAT_X] = R(S(RES), S(FD, 0), S(STR, 1), S(U32, 2)),
	[FE_SYSCALL_RMDIR_2_X] = R(S(RES), S(STR, 0)),
	[FE_SYSCALL_SYMLINK_X] = R(S(RES), S(STR, 0), S(STR, 1)),
	[FE_SYSCALL_SYMLINKAT_X] = R(S(RES), S(STR, 0), S(FD, 1),
				     S(STR, 2)),
	[FE_SYSCALL_LINK_2_X] = R(S(RES), S(STR, 0), S(STR, 1)),
	[FE_SYSCALL_LINKAT_2_X] = R(S(RES), S(FD, 0), S(STR, 1), S(FD, 2),
				    S(STR, 3), S(X32, 4, XT_LINKAT)),
	[FE_SYSCALL_CHMOD_X] = R(S(RES), S(STR, 0), S(MODE, 1)),
	[FE_SYSCALL_FCHMOD_X] = R(S(RES), S(FD, 0), S(MODE, 1)),
	[FE_SYSCALL_FCHMODAT_X] = R(S(RES), S(FD, 0), S(STR, 1),
				    S(MODE, 2)),
	[FE_SYSCALL_CHOWN_X] = R(S(RES), S(STR, 0), S(U32, 1), S(U32, 2)),
	[FE_SYSCALL_LCHOWN_X] = R(S(RES), S(STR, 0), S(U32, 1), S(U32, 2)),
	[FE_SYSCALL_FCHOWN_X] = R(S(RES), S(FD, 0), S(U32, 1), S(U32, 2)),
	[FE_SYSCALL_FCHOWNAT_X] = R(S(RES), S(FD, 0), S(STR, 1), S(U32, 2),
				    S(U32, 3), S(X32, 4, XT_FCHOWNAT)),
	[FE_SYSCALL_SETUID_X] = R(S(RES), S(U32, 0)),
	[FE_SYSCALL_SETGID_X] = R(S(RES), S(U32, 0)),
	[FE_SYSCALL_SETREUID_X] = R(S(RES), S(U32, 0), S(U32, 1)),
	[FE_SYSCALL_SETREGID_X] = R(S(RES), S(U32, 0), S(U32, 1)),
	[FE_SYSCALL_SETRESUID_X] = R(S(RES), S(U32, 0), S(U32, 1),
				     S(U32, 2)),
	[FE_SYSCALL_SETRESGID_X] = R(S(RES), S(U32, 0), S(U32, 1),
				     S(U32, 2)),
	[FE_SYSCALL_PTRACE_X] = R(S(RES), S(DYN64, 2), S(DYN64, 3),
				  S(X16, 0, XT_PTRACE), S(FD, 1)),
	[FE_SYSCALL_MOUNT_X] = R(S(RES), S(STR, 0), S(STR, 1), S(STR, 2),
				 S(X32, 3, XT_MOUNT)),
	[FE_SYSCALL_UMOUNT2_X] = R(S(RES), S(STR, 0), S(X32, 1, XT_UMOUNT)),
	[FE_SYSCALL_BPF_2_X] = R(S(RES), S(U32, 0)),
	[FE_SYSCALL_INIT_MODULE_X] = R(S(RES), S(BUF_ARG, 0, 1), S(U64, 1),
				       S(STR, 2)),
	[FE_SYSCALL_FINIT_MODULE_X] = R(S(RES), S(FD, 0), S(STR, 1),
					S(X32, 2, XT_FINIT)),
	[FE_SYSCALL_DELETE_MODULE_X] = R(S(RES), S(STR, 0),
					 S(X32, 1, XT_DELMOD)),
	[FE_SYSCALL_MEMFD_CREATE_X] = R(S(RES), S(STR, 0),
					S(X32, 1, XT_MEMFD)),
	[FE_SYSCALL_UNSHARE_X] = R(S(RES), S(X32, 0, XT_CLONE)),
	[FE_SYSCALL_SETNS_X] = R(S(RES), S(FD, 0), S(X32, 1, XT_CLONE)),
	[FE_SYSCALL_CHDIR_X] = R(S(RES), S(STR, 0)),
	[FE_SYSCALL_FCHDIR_X] = R(S(RES), S(FD, 0)),
	[FE_SYSCALL_PRCTL_X] = R(S(RES), S(X32, 0, XT_PRCTL), S(PRCTL_STR),
				 S(PRCTL_INT)),
	[FE_SYSCALL_KILL_X] = R(S(RES), S(FD, 0), S(U8, 1)),
	[FE_SYSCALL_TGKILL_X] = R(S(RES), S(FD, 0), S(FD, 1), S(U8, 2)),
	[FE_SYSCALL_CAPSET_X] = R(S(RES), S(CAP, 0, 0), S(CAP, 0, 1),
				  S(CAP, 0, 2)),
	[FE_SYSCALL_CHROOT_X] = R(S(RES), S(STR, 0)),
	[FE_SYSCALL_USERFAULTFD_X] = R(S(RES), S(X32, 0, XT_FILE)),
	[FE_SYSCALL_MPROTECT_X] = R(S(RES), S(U64, 0), S(U64, 1),
				    S(X32, 2, XT_PROT)),
	[FE_SYSCALL_MMAP_X] = R(S(RES), S(VM, 0, 0), S(VM, 0, 1),
				S(VM, 0, 2), S(U64, 0), S(U64, 1),
				S(X32, 2, XT_PROT), S(X32, 3, XT_MMAP),
				S(FD, 4), S(U64, 5)),
};

static u32 falco_vm_kib(struct mm_struct *mm, int which)
{
	unsigned long pages;

	if (!mm)
		return 0;
	if (which == 0)
		pages = READ_ONCE(mm->total_vm);
	else if (which == 1)
		pages = get_mm_rss(mm);
	else
		pages = get_mm_counter(mm, MM_SWAPENTS);
	return pages << (PAGE_SHIFT - 10);
}

static void fill_how(struct falco_fill *f, const struct falco_step *s)
{
	const struct falco_ctx *x = f->x;
	struct open_how how = { 0 };
	size_t len = min_t(size_t, x->args[3], sizeof(how));

	if (copy_from_user_nofault(&how, (const void __user *)x->args[s->a],
				   len))
		memset(&how, 0, sizeof(how));
	switch (s->op) {
	case OP_HOW_FLAGS:
		return fill_u32(f, falco_open_flags(how.flags) |
				falco_fd_flags(x->ret));
	case OP_HOW_FLAGS_E:
		return fill_u32(f, falco_open_flags(how.flags));
	case OP_HOW_MODE:
		return fill_u32(f, falco_open_mode(how.flags, how.mode));
	default:
		return fill_u32(f, XLAT(openat2_flags, how.resolve));
	}
}

/* The data of a sendmsg/recvmsg, through its user msghdr. */
static void fill_msg(struct falco_fill *f, u8 op, unsigned long umsg)
{
	struct user_msghdr msg;
	unsigned long iov = 0, cnt = 0;

	if (!copy_from_user_nofault(&msg, (const void __user *)umsg,
				    sizeof(msg))) {
		iov = (unsigned long)msg.msg_iov;
		cnt = msg.msg_iovlen;
	}
	if (op == OP_MSG_LEN)
		return fill_u32(f, iov ? falco_iov_total(iov, cnt) : 0);
	if (!iov)
		return fill_empty(f);
	if (op == OP_MSG_RES)
		return fill_iov(f, iov, cnt, f->x->ret > 0 ? f->x->ret : 0);
	fill_iov(f, iov, cnt, U64_MAX);
}

static bool falco_prctl_is_str(unsigned long option)
{
	return option == PR_SET_NAME || option == PR_GET_NAME;
}

static void fill_step(struct falco_fill *f, const struct falco_step *s)
{
	const struct falco_ctx *x = f->x;
	unsigned long a = x->args[s->a % 6];
	unsigned long b = x->args[s->b % 6];
	u8 dyn[9];

	switch (s->op) {
	case OP_RES:
		return fill_u64(f, (s64)x->ret);
	case OP_RES32:
		return fill_u32(f, x->ret > 0 ? x->ret : 0);
	case OP_FD:
		return fill_u64(f, (s64)(int)a);
	case OP_U64:
		return fill_u64(f, a);
	case OP_U32:
		return fill_u32(f, a);
	case OP_U8:
		return fill_u8(f, a);
	case OP_STR:
		return fill_ustr(f, a);
	case OP_X32:
		return fill_u32(f, falco_xlat_id(s->b, a));
	case OP_X16:
		return fill_u16(f, falco_xlat_id(s->b, a));
	case OP_X8:
		return fill_u8(f, falco_xlat_id(s->b, a));
	case OP_OFLAGS:
		return fill_u32(f, falco_open_flags(a) |
				falco_fd_flags(x->ret));
	case OP_OFLAGS_E:
		return fill_u32(f, falco_open_flags(a));
	case OP_OMODE:
		return fill_u32(f, falco_open_mode(b, a));
	case OP_MODE:
		return fill_u32(f, XLAT(chmod_mode, a));
	case OP_HOW_FLAGS:
	case OP_HOW_FLAGS_E:
	case OP_HOW_MODE:
	case OP_HOW_RESOLVE:
		return fill_how(f, s);
	case OP_DEV:
		return fill_fd_dev_ino(f, x->ret, false);
	case OP_INO:
		return fill_fd_dev_ino(f, x->ret, true);
	case OP_BUF_RES:
		return fill_ubuf(f, a, x->ret > 0 ? x->ret : 0);
	case OP_BUF_ARG:
		return fill_ubuf(f, a, b);
	case OP_IOV_RES:
		return fill_iov(f, a, b, x->ret > 0 ? x->ret : 0);
	case OP_IOV_ARG:
		return fill_iov(f, a, b, U64_MAX);
	case OP_IOV_LEN:
		return fill_u32(f, falco_iov_total(a, b));
	case OP_MSG_RES:
	case OP_MSG_ARG:
	case OP_MSG_LEN:
		return fill_msg(f, s->op, a);
	case OP_SOCKADDR:
		return fill_sockaddr(f, a, b);
	case OP_TUPLE:
		return fill_tuple(f, (int)a, s->b);
	case OP_TUPLE_RES:
		return fill_tuple(f, x->ret, true);
	case OP_UFD:
		return fill_u64(f, x->ret < 0 ? -1 : falco_ufd(a, s->b));
	case OP_UFD_INO:
		if (x->ret < 0)
			return fill_u64(f, 0);
		return fill_fd_dev_ino(f, falco_ufd(a, 0), true);
	case OP_UFD_SK:
		return fill_u64(f, x->ret < 0 ? 0 :
				falco_fd_sk(falco_ufd(a, s->b)));
	case OP_SOCKFLAGS:
		b = a & SOCK_NONBLOCK ? FL_FILE_FLAGS_O_NONBLOCK : 0;
		if (a & SOCK_CLOEXEC)
			b |= FL_FILE_FLAGS_O_CLOEXEC;
		return fill_u32(f, b);
	case OP_BACKLOG:
		if (s->b == 0)
			return fill_u8(f, falco_backlog((int)a, 0));
		return fill_u32(f, falco_backlog((int)a, s->b));
	case OP_DYN64:
		dyn[0] = DYN_PTRACE_UINT64;
		memcpy(dyn + 1, &a, 8);
		return fill_put(f, dyn, 9);
	case OP_PRCTL_STR:
		if (!falco_prctl_is_str(x->args[0]))
			return fill_empty(f);
		return fill_ustr(f, x->args[1]);
	case OP_PRCTL_INT:
		return fill_u64(f, falco_prctl_is_str(x->args[0]) ? 0 :
				x->args[1]);
	case OP_VM:
		return fill_u32(f, falco_vm_kib(x->task->mm, s->b));
	case OP_CAP: {
		const struct cred *cred = current_cred();

		if (s->b == 0)
			a = falco_cap_u64(cred->cap_inheritable);
		else if (s->b == 1)
			a = falco_cap_u64(cred->cap_permitted);
		else
			a = falco_cap_u64(cred->cap_effective);
		return fill_u64(f, a);
	}
	case OP_RLIM: {
		struct rlimit rl = { 0 };

		if (s->b >= 2 && x->ret)
			return fill_u64(f, (u64)-1);
		if (copy_from_user_nofault(&rl, (const void __user *)a,
					   sizeof(rl)))
			memset(&rl, 0, sizeof(rl));
		return fill_u64(f, s->b & 1 ? rl.rlim_max : rl.rlim_cur);
	}
	case OP_CREAT_FLAGS:
		return fill_u16(f, falco_creat_flags(x->ret));
	default:
		return fill_empty(f);
	}
}

static void falco_fill_recipe(struct falco_fill *f)
{
	const struct falco_step *s = falco_recipes[f->x->type];

	for (; s->op != OP_END; s++)
		fill_step(f, s);
}

/* ---- Hand-written fillers ---- */

static void falco_fill_generic(struct falco_fill *f)
{
	fill_u16(f, f->x->sc);
	fill_u16(f, f->x->nr);
}

static void falco_fill_hotplug(struct falco_fill *f)
{
	fill_u32(f, f->x->hotplug[0]);
	fill_u32(f, f->x->hotplug[1]);
}

/*
 * exe and args from the argument area of the task's mm, read in place:
 * exe is the first string, args the rest.  The area is read through the
 * current mm, which for a fork child is the parent's identical copy.
 */
static void fill_exe_args(struct falco_fill *f, struct mm_struct *mm)
{
	unsigned long start = mm ? mm->arg_start : 0;
	unsigned long len = mm ? mm->arg_end - start : 0;
	u32 room, first;
	u8 *p;

	len = min_t(unsigned long, len, FALCO_ARGS_MAX);
	if (!fill_room(f, len + 1))
		return;
	p = f->rec + f->off;
	room = f->avail - f->off;
	if (!len || copy_from_user_nofault(p, (const void __user *)start,
					   len)) {
		fill_kstr(f, f->x->task->comm);
		return fill_empty(f);
	}
	p[len - 1] = '\0';
	first = strnlen(p, len) + 1;
	fill_set_len(f, first);
	if (fill_room(f, len - first))
		fill_set_len(f, len - first);
}

/*
 * The strings of the user array of string pointers at uvec (an argv or
 * envp), each with its NUL, back to back at p: at most room bytes, the
 * last string cut if needed.  Stops at the NULL pointer or at the first
 * pointer or string that cannot be read.  Returns the bytes written.
 */
static u32 falco_uvec(u8 *p, u32 room, unsigned long uvec, bool ia32)
{
	unsigned long s;
	u32 len = 0, s32;
	long n;

	while (uvec && len < room) {
		if (ia32) {
			/* The array of a 32-bit caller: 4-byte pointers. */
			if (copy_from_user_nofault(&s32,
						   (const void __user *)uvec,
						   sizeof(s32)))
				break;
			s = s32;
		} else if (copy_from_user_nofault(&s,
						  (const void __user *)uvec,
						  sizeof(s))) {
			break;
		}
		if (!s)
			break;
		n = falco_strncpy_nofault(p + len, s, room - len);
		if (n < 0)
			break;
		if (n >= room - len) {
			p[room - 1] = '\0';
			return room;
		}
		len += n + 1;
		uvec += ia32 ? sizeof(s32) : sizeof(s);
	}
	return len;
}

/*
 * exe and args of a failed exec, from the argv it was given: exe is
 * argv[0], args the strings after it.
 */
static void fill_exe_args_uvec(struct falco_fill *f, unsigned long uargv)
{
	u32 len, first;
	u8 *p;

	if (!fill_room(f, 1))
		return;
	p = f->rec + f->off;
	len = falco_uvec(p, min_t(u32, f->avail - f->off, FALCO_ARGS_MAX),
			 uargv, f->x->ia32);
	if (!len) {
		p[0] = '\0';
		len = 1;
	}
	first = min_t(u32, strnlen(p, len) + 1, len);
	fill_set_len(f, first);
	if (fill_room(f, len - first))
		fill_set_len(f, len - first);
}

/* The env of a failed exec, from the envp it was given. */
static void fill_env_uvec(struct falco_fill *f, unsigned long uenvp)
{
	if (!fill_room(f, 0))
		return;
	fill_set_len(f, falco_uvec(f->rec + f->off,
				   min_t(u32, f->avail - f->off,
					 FALCO_ARGS_MAX), uenvp,
				   f->x->ia32));
}

static void fill_uarea(struct falco_fill *f, unsigned long start,
		       unsigned long end)
{
	unsigned long len = min_t(unsigned long, end - start, FALCO_ARGS_MAX);

	if (!fill_room(f, len))
		return;
	if (!start || end <= start ||
	    copy_from_user_nofault(f->rec + f->off,
				   (const void __user *)start, len))
		return fill_set_len(f, 0);
	f->rec[f->off + len - 1] = '\0';
	fill_set_len(f, len);
}

/* "subsys=path" strings, one per controller the task belongs to. */
static void fill_cgroups(struct falco_fill *f, struct task_struct *task)
{
	u32 room = min_t(u32, f->avail - f->off, FALCO_ARGS_MAX);
	struct cgroup_subsys_state *css;
	u32 used = 0;
	int i, n;

	if (!fill_room(f, 0))
		return;
	rcu_read_lock();
	for (i = 0; i < CGROUP_SUBSYS_COUNT; i++) {
		char *p = f->rec + f->off + used;

		css = task_css(task, i);
		if (!css || !css->ss || !css->cgroup)
			continue;
		n = snprintf(p, room - used, "%s=", css->ss->name);
		if (n >= room - used)
			break;
		if (cgroup_path(css->cgroup, p + n, room - used - n) < 0)
			break;
		used += n + strnlen(p + n, room - used - n) + 1;
		if (used >= room)
			break;
	}
	rcu_read_unlock();
	fill_set_len(f, min(used, room));
}

/*
 * The parameters clone and execve share, from tid on, after exe and args:
 * those come from the task's argument area, or for a failed exec (uargv
 * not NULL) from the argv the call was given, as Falco's drivers do.
 */
static void fill_proc_common(struct falco_fill *f, struct task_struct *task,
			     const unsigned long *uargv)
{
	struct mm_struct *mm = task->mm;

	if (uargv)
		fill_exe_args_uvec(f, *uargv);
	else
		fill_exe_args(f, mm);
	fill_u64(f, task_pid_nr(task));
	fill_u64(f, task_tgid_nr(task));
	fill_u64(f, task_pid_nr(rcu_dereference(task->real_parent)));
	fill_empty(f);	/* cwd: userspace resolves it from /proc */
	fill_u64(f, task_rlimit(task, RLIMIT_NOFILE));
	fill_u64(f, task->maj_flt);
	fill_u64(f, task->min_flt);
	fill_u32(f, falco_vm_kib(mm, 0));
	fill_u32(f, falco_vm_kib(mm, 1));
	fill_u32(f, falco_vm_kib(mm, 2));
	fill_kstr(f, task->comm);
	fill_cgroups(f, task);
}

static u64 falco_clone_flags(const struct falco_ctx *x)
{
	u64 flags = 0;

	switch (x->sc) {
	case FE_SC_CLONE:
		return x->args[0];
	case FE_SC_CLONE3:
		if (copy_from_user_nofault(&flags,
					   (const void __user *)x->args[0],
					   sizeof(flags)))
			return 0;
		return flags;
	default:
		/* fork and vfork: no flags argument, so none (as Falco). */
		return 0;
	}
}

/*
 * PPM_CL_CHILD_IN_PIDNS: the task lives in a child pid namespace, or its
 * children will (after unshare(CLONE_NEWPID)).
 */
static u32 falco_in_pidns(struct task_struct *task)
{
	struct pid_namespace *ns = task_active_pid_ns(task);
	struct nsproxy *nsp = READ_ONCE(task->nsproxy);

	if (!ns)
		return 0;
	if (ns->level || (nsp && nsp->pid_ns_for_children != ns))
		return FL_CLONE_FLAGS_CLONE_CHILD_IN_PIDNS;
	return 0;
}

static void falco_fill_clone(struct falco_fill *f)
{
	const struct falco_ctx *x = f->x;
	struct task_struct *task = x->task;
	struct pid_namespace *ns = task_active_pid_ns(task);
	const struct cred *cred = __task_cred(task);
	struct task_struct *reaper = ns ? ns->child_reaper : NULL;

	fill_u64(f, (s64)x->ret);
	fill_proc_common(f, task, NULL);
	fill_u32(f, XLAT(clone_flags, falco_clone_flags(x)) |
		 falco_in_pidns(task));
	fill_u32(f, from_kuid(&init_user_ns, cred->euid));
	fill_u32(f, from_kgid(&init_user_ns, cred->egid));
	fill_u64(f, ns ? task_pid_nr_ns(task, ns) : 0);
	fill_u64(f, ns ? task_tgid_nr_ns(task, ns) : 0);
	/* Monotonic start of the namespace's init, in the child only. */
	fill_u64(f, x->ret == 0 && reaper ? reaper->start_time : 0);
}

static u32 falco_tty(struct task_struct *task)
{
	struct tty_struct *tty = READ_ONCE(task->signal->tty);

	if (!tty || !tty->driver)
		return 0;
	return new_encode_dev(MKDEV(tty->driver->major,
				    tty->driver->minor_start + tty->index));
}

/*
 * Whether the current task could write the inode, by the basic checks of
 * inode_permission(MAY_WRITE): read-only mount of a file, directory or
 * link, immutable flag, owner (who may always change the mode), group
 * and other write bits, then CAP_DAC_OVERRIDE and CAP_FOWNER.  The
 * kernel's own function is not called: it may sleep in an LSM hook.
 * XXX POSIX ACLs and LSMs are not looked at.
 */
static bool falco_exe_writable(struct inode *inode)
{
	const struct cred *cred = current_cred();
	umode_t mode = inode->i_mode;
	bool uid_ok, gid_ok;

	if (sb_rdonly(inode->i_sb) &&
	    (S_ISREG(mode) || S_ISDIR(mode) || S_ISLNK(mode)))
		return false;
	if (IS_IMMUTABLE(inode))
		return false;
	if (!uid_valid(inode->i_uid) || !gid_valid(inode->i_gid))
		return false;
	if (uid_eq(cred->fsuid, inode->i_uid))
		return true;
	if (in_group_p(inode->i_gid))
		mode >>= 3;
	if (mode & 0002)	/* the other (or, shifted, group) write bit */
		return true;
	uid_ok = kuid_has_mapping(cred->user_ns, inode->i_uid);
	gid_ok = kgid_has_mapping(cred->user_ns, inode->i_gid);
	if (cap_raised(cred->cap_effective, CAP_DAC_OVERRIDE) && uid_ok &&
	    gid_ok)
		return true;
	return cap_raised(cred->cap_effective, CAP_FOWNER) && uid_ok;
}

/* A file made by memfd_create(): a pseudo dentry named "memfd:...". */
static bool falco_is_memfd(struct file *file)
{
	struct dentry *d = file->f_path.dentry;

	return d && d == d->d_parent &&
		!strncmp(d->d_name.name, "memfd:", 6);
}

static void fill_exe_file(struct falco_fill *f, struct file *exe)
{
	struct inode *inode = exe ? file_inode(exe) : NULL;
	u32 flags = 0;

	if (exe && inode) {
		if (falco_exe_writable(inode))
			flags |= FL_EXECVE_FLAGS_EXE_WRITABLE;
		if (falco_is_memfd(exe))
			flags |= FL_EXECVE_FLAGS_EXE_FROM_MEMFD;
	}
	switch (falco_overlay_layer(exe)) {
	case FE_OVERLAY_UPPER:
		flags |= FL_EXECVE_FLAGS_EXE_UPPER_LAYER;
		break;
	case FE_OVERLAY_LOWER:
		flags |= FL_EXECVE_FLAGS_EXE_LOWER_LAYER;
		break;
	}
	fill_u32(f, flags);
	fill_u64(f, falco_cap_u64(current_cred()->cap_inheritable));
	fill_u64(f, falco_cap_u64(current_cred()->cap_permitted));
	fill_u64(f, falco_cap_u64(current_cred()->cap_effective));
	fill_u64(f, inode ? inode->i_ino : 0);
	fill_u64(f, inode ? falco_inode_ctime_ns(inode) : 0);
	fill_u64(f, inode ? falco_inode_mtime_ns(inode) : 0);
}

static void fill_exe_path(struct falco_fill *f, struct file *exe)
{
	u32 room = min_t(u32, f->avail - f->off, FALCO_STR_MAX);
	char *p;

	if (!exe)
		return fill_empty(f);
	if (!fill_room(f, room))
		return;
	p = d_path(&exe->f_path, f->rec + f->off, room);
	if (IS_ERR(p))
		return fill_set_len(f, 0);
	room = strlen(p) + 1;
	memmove(f->rec + f->off, p, room);
	fill_set_len(f, room);
}

static void falco_fill_execve(struct falco_fill *f)
{
	const struct falco_ctx *x = f->x;
	struct task_struct *task = x->task;
	struct mm_struct *mm = task->mm;
	const struct cred *cred = current_cred();
	bool at = x->type == FE_SYSCALL_EXECVEAT_X;
	struct file *exe;

	fill_u64(f, (s64)x->ret);
	if (!x->bprm && x->ret) {
		/* Failed: exe, args and env as the call was given them. */
		fill_proc_common(f, task, &x->args[at ? 2 : 1]);
		fill_env_uvec(f, x->args[at ? 3 : 2]);
	} else {
		fill_proc_common(f, task, NULL);
		fill_uarea(f, mm ? mm->env_start : 0, mm ? mm->env_end : 0);
	}
	fill_u32(f, falco_tty(task));
	fill_u64(f, pid_vnr(task_pgrp(task)));
	fill_u32(f, falco_loginuid(task));
	rcu_read_lock();
	exe = mm ? rcu_dereference(mm->exe_file) : NULL;
	fill_exe_file(f, exe);
	fill_u32(f, from_kuid(&init_user_ns, cred->euid));
	fill_exe_path(f, exe);
	rcu_read_unlock();
	fill_u64(f, pid_nr(task_pgrp(task)));
	fill_u32(f, from_kgid(&init_user_ns, cred->egid));
	if (x->type != FE_SYSCALL_EXECVE_19_X)
		return;
	if (x->bprm)
		fill_kstr(f, x->bprm->filename);
	else
		fill_ustr(f, x->args[0]);
}

/* The thread that inherits the children of an exiting task, or 0. */
static pid_t falco_reaper(struct task_struct *task)
{
	struct task_struct *t;
	struct pid_namespace *ns;

	if (list_empty(&task->children))
		return 0;
	for_each_thread(task, t)
		if (!(t->flags & PF_EXITING))
			return t->pid;
	ns = task_active_pid_ns(task);
	return ns && ns->child_reaper ? ns->child_reaper->pid : 0;
}

static void falco_fill_procexit(struct falco_fill *f)
{
	struct task_struct *task = f->x->task;
	int code = task->exit_code;

	fill_u64(f, code);
	fill_u64(f, (code >> 8) & 0xff);
	fill_u8(f, code & 0x7f);
	fill_u8(f, !!(code & 0x80));
	fill_u64(f, falco_reaper(task));
}

static falco_filler_t falco_filler(u16 type)
{
	switch (type) {
	case FE_GENERIC_X:
		return falco_fill_generic;
	case FE_CPU_HOTPLUG_E:
		return falco_fill_hotplug;
	case FE_PROCEXIT_1_E:
		return falco_fill_procexit;
	case FE_SYSCALL_EXECVE_19_X:
	case FE_SYSCALL_EXECVEAT_X:
		return falco_fill_execve;
	case FE_SYSCALL_CLONE_20_X:
	case FE_SYSCALL_CLONE3_X:
	case FE_SYSCALL_FORK_20_X:
	case FE_SYSCALL_VFORK_20_X:
		return falco_fill_clone;
	default:
		return falco_recipes[type] ? falco_fill_recipe : NULL;
	}
}

/* ---- Emitting into the rings ---- */

static void falco_write_one(struct falco_ring *r, struct falco_consumer *c,
			    const struct falco_ctx *x, falco_filler_t fn)
{
	struct falco_fill f = {
		.x = x,
		.nparams = fe_event_kinfo[x->type].nparams,
		.snaplen = READ_ONCE(c->snaplen),
	};
	struct fevt_hdr hdr;
	u64 tid = task_pid_nr(x->task);

	f.rec = falco_ring_reserve(r, &f.avail, x->ts, tid);
	if (!f.rec) {
		falco_ring_drop(r, FALCO_DROP_FULL);
		return;
	}
	f.off = FEVT_HDR_LEN + 2 * f.nparams;
	if (f.off > f.avail) {
		falco_ring_drop(r, FALCO_DROP_FULL);
		return;
	}
	fn(&f);
	if (f.full || f.idx != f.nparams) {
		if (!f.full)
			pr_err_once("event %u: %u of %u parameters written\n",
				    x->type, f.idx, f.nparams);
		falco_ring_drop(r, f.avail == FALCO_RING_MAX_RECORD ?
				FALCO_DROP_TOO_BIG : FALCO_DROP_FULL);
		return;
	}
	hdr.ts = x->ts;
	hdr.tid = tid;
	hdr.len = f.off;
	hdr.type = x->type;
	hdr.nparams = f.nparams;
	memcpy(f.rec, &hdr, sizeof(hdr));
	falco_ring_commit(r, f.off);
}

/*
 * Counts, in the ring now there, the events its CPU lost before; runs as
 * the ring's producer (this CPU, preemption off).
 */
static void falco_ring_adopt_no_ring(struct falco_ring *r, atomic64_t *n)
{
	s64 lost = atomic64_xchg(n, 0);

	if (lost <= 0)
		return;
	WRITE_ONCE(r->info->n_drops[FALCO_DROP_NO_RING],
		   r->info->n_drops[FALCO_DROP_NO_RING] + lost);
	r->lost += lost;
	r->lost_mask |= 1U << FALCO_DROP_NO_RING;
}

/*
 * Writes the event described by x into the ring of this CPU of every
 * capturing consumer interested in it.  Preemption must be off.
 */
static void falco_emit(struct falco_ctx *x)
{
	falco_filler_t fn = falco_filler(x->type);
	unsigned int cpu = smp_processor_id();
	struct falco_consumer *c;
	struct falco_ring *r;
	bool nested;

	if (!fn)
		return;
	nested = this_cpu_inc_return(falco_nesting) != 1;
	x->ts = ktime_get_boot_fast_ns() + falco_boot_epoch_ns;
	rcu_read_lock();
	list_for_each_entry_rcu(c, &falco_capturing, cap_node) {
		if (x->sc < FE_SC_MAX && !test_bit(x->sc, c->sc_mask))
			continue;
		if (x->failed_exit && READ_ONCE(c->drop_failed))
			continue;
		/* Pairs with the release store in falco_cpu_online(). */
		r = smp_load_acquire(&c->rings[cpu]);
		if (!r) {
			atomic64_inc(&c->no_ring[cpu]);
			continue;
		}
		if (x->type == FE_CPU_HOTPLUG_E)
			falco_ring_adopt_no_ring(r, &c->no_ring[cpu]);
		if (nested)
			falco_ring_drop(r, FALCO_DROP_REENTRY);
		else
			falco_write_one(r, c, x, fn);
	}
	rcu_read_unlock();
	this_cpu_dec(falco_nesting);
}

/* ---- Probes ---- */

#define FALCO_NR_EXECVE		59	/* x86_64 */
#define FALCO_NR_EXECVEAT	322

/*
 * A 32-bit (ia32) syscall as the x86_64 one it is handled as: its
 * number, and its arguments into x->args in the x86_64 order (32-bit
 * values from bx, cx, dx, si, di, bp; for socketcall() the call's
 * block of 32-bit arguments, read from user memory).  *generic is set
 * for calls whose arguments have a layout of their own (GENERIC in
 * syscalls.tbl): they become generic events.  Returns -1 for calls
 * with no x86_64 counterpart.
 */
static long falco_ia32_ctx(struct falco_ctx *x, struct pt_regs *regs,
			   long nr, bool *generic)
{
	const struct fe_socketcall *sc;
	u32 blk[6] = { 0 };
	int i;

	x->ia32 = true;
	x->args[0] = (u32)regs->bx;
	x->args[1] = (u32)regs->cx;
	x->args[2] = (u32)regs->dx;
	x->args[3] = (u32)regs->si;
	x->args[4] = (u32)regs->di;
	x->args[5] = (u32)regs->bp;
	if (nr == FE_NR_IA32_SOCKETCALL) {
		if (x->args[0] >= FE_SOCKETCALL_MAX)
			return -1;
		sc = &fe_socketcall[x->args[0]];
		if (sc->nr < 0)
			return -1;
		/* An unreadable block leaves the arguments 0. */
		if (copy_from_user_nofault(blk,
					   (const void __user *)x->args[1],
					   sc->nargs * sizeof(blk[0])))
			memset(blk, 0, sizeof(blk));
		for (i = 0; i < 6; i++)
			x->args[i] = blk[i];
		*generic = sc->generic;
		return sc->nr;
	}
	if (nr < 0 || nr >= FE_NR_IA32_MAX)
		return -1;
	*generic = fe_ia32_generic[nr];
	return fe_ia32_to_x86_64[nr];
}

/*
 * The current syscall as x86_64 knows it: its table entry, number and
 * arguments.  *generic as for falco_ia32_ctx().  execve and execveat
 * (59, 322) stay native under TS_COMPAT, as in Falco's drivers: a
 * 64-bit execve that loads a 32-bit program returns with TS_COMPAT set,
 * with the native number in orig_ax where the kernel leaves it alone.
 * ia32 59 and 322 (oldolduname, timerfd_create) have no events.
 */
static bool falco_syscall_ctx(struct falco_ctx *x, struct pt_regs *regs,
			      const struct fe_syscall **ent, bool *generic)
{
	long nr = syscall_get_nr(current, regs);

	*generic = false;
	/* x32 calls are not supported. */
	if (in_compat_syscall() && !in_ia32_syscall())
		return false;
	if (in_ia32_syscall() && nr != FALCO_NR_EXECVE &&
	    nr != FALCO_NR_EXECVEAT)
		nr = falco_ia32_ctx(x, regs, nr, generic);
	else
		syscall_get_arguments(current, regs, x->args);
	if (nr < 0 || nr >= FE_NR_X86_64_MAX)
		return false;
	*ent = &fe_syscall_x86_64[nr];
	if (!(*ent)->sc)
		return false;
	x->task = current;
	x->nr = nr;
	x->sc = (*ent)->sc;
	return true;
}

static void falco_sys_enter(void *data, struct pt_regs *regs, long id)
{
	const struct fe_syscall *ent;
	struct falco_ctx x = { 0 };
	bool generic;

	if (!falco_syscall_ctx(&x, regs, &ent, &generic) || generic)
		return;
	switch (ent->enter) {
	case FE_SYSCALL_OPEN_E:
	case FE_SYSCALL_OPENAT_2_E:
	case FE_SYSCALL_OPENAT2_E:
	case FE_SYSCALL_CREAT_E:
	case FE_SOCKET_CONNECT_E:
		break;
	default:
		return;
	}
	x.type = ent->enter;
	preempt_disable();
	falco_emit(&x);
	preempt_enable();
}

static void falco_sys_exit(void *data, struct pt_regs *regs, long ret)
{
	const struct fe_syscall *ent;
	struct falco_ctx x = { 0 };
	bool generic;

	if (!falco_syscall_ctx(&x, regs, &ent, &generic))
		return;
	x.ret = ret;
	x.failed_exit = ret < 0;
	/*
	 * Syscalls whose event this module does not fill are generic, as
	 * are ia32 calls whose arguments it cannot decode.
	 * XXX unlike the eBPF driver's, those are not counted: the ring's
	 * statistics have no slot for it.
	 */
	x.type = FE_GENERIC_X;
	if ((ent->flags & FE_UF_USED) && falco_filler(ent->exit) && !generic)
		x.type = ent->exit;
	switch (x.type) {
	case FE_SYSCALL_EXECVE_19_X:
	case FE_SYSCALL_EXECVEAT_X:
		/* Successful execs come from sched_process_exec. */
		if (ret == 0)
			return;
		break;
	case FE_SYSCALL_CLONE_20_X:
	case FE_SYSCALL_CLONE3_X:
	case FE_SYSCALL_FORK_20_X:
	case FE_SYSCALL_VFORK_20_X:
		/* The child's side comes from sched_process_fork. */
		if (ret == 0)
			return;
		break;
	}
	preempt_disable();
	falco_emit(&x);
	preempt_enable();
}

static void falco_sched_exec(void *data, struct task_struct *p,
			     pid_t old_pid, struct linux_binprm *bprm)
{
	struct falco_ctx x = { 0 };
	long nr = syscall_get_nr(current, task_pt_regs(current));

	x.task = current;
	x.bprm = bprm;
	x.type = FE_SYSCALL_EXECVE_19_X;
	x.sc = FE_SC_EXECVE;
	if (nr == __NR_execveat) {
		x.type = FE_SYSCALL_EXECVEAT_X;
		x.sc = FE_SC_EXECVEAT;
	}
	preempt_disable();
	falco_emit(&x);
	preempt_enable();
}

static void falco_sched_fork(void *data, struct task_struct *parent,
			     struct task_struct *child)
{
	struct pt_regs *regs = task_pt_regs(current);
	const struct fe_syscall *ent;
	struct falco_ctx x = { 0 };
	bool generic;

	if (child->flags & (PF_KTHREAD | PF_IO_WORKER))
		return;
	if (!falco_syscall_ctx(&x, regs, &ent, &generic) || generic)
		return;
	switch (ent->exit) {
	case FE_SYSCALL_CLONE_20_X:
	case FE_SYSCALL_CLONE3_X:
	case FE_SYSCALL_FORK_20_X:
	case FE_SYSCALL_VFORK_20_X:
		break;
	default:
		return;
	}
	x.type = ent->exit;
	x.task = child;
	x.ret = 0;
	preempt_disable();
	falco_emit(&x);
	preempt_enable();
}

static void falco_sched_exit(void *data, struct task_struct *p)
{
	struct falco_ctx x = { 0 };

	x.task = p;
	x.type = FE_PROCEXIT_1_E;
	x.sc = FE_SC_MAX;	/* not subject to the syscall mask */
	preempt_disable();
	falco_emit(&x);
	preempt_enable();
}

/* Called by the cpuhp callbacks, on the CPU that changes state. */
void falco_emit_hotplug(unsigned int cpu, u32 action)
{
	struct falco_ctx x = { 0 };

	preempt_disable();
	if (cpu == smp_processor_id()) {
		x.task = current;
		x.type = FE_CPU_HOTPLUG_E;
		x.sc = FE_SC_MAX;
		x.hotplug[0] = cpu;
		x.hotplug[1] = action;
		falco_emit(&x);
	}
	preempt_enable();
}

/* ---- Tracepoint registration ---- */

static struct falco_tp {
	const char		*name;
	void			*probe;
	struct tracepoint	*tp;
	bool			registered;
} falco_tps[] = {
	{ "sys_enter", falco_sys_enter },
	{ "sys_exit", falco_sys_exit },
	{ "sched_process_exec", falco_sched_exec },
	{ "sched_process_fork", falco_sched_fork },
	{ "sched_process_exit", falco_sched_exit },
};

static void falco_tp_match(struct tracepoint *tp, void *priv)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(falco_tps); i++)
		if (!strcmp(tp->name, falco_tps[i].name))
			falco_tps[i].tp = tp;
}

int falco_probes_lookup(void)
{
	unsigned int i;

	get_random_bytes(&falco_ptr_key, sizeof(falco_ptr_key));
	for_each_kernel_tracepoint(falco_tp_match, NULL);
	for (i = 0; i < ARRAY_SIZE(falco_tps); i++) {
		if (!falco_tps[i].tp) {
			pr_err("tracepoint %s not found\n", falco_tps[i].name);
			return -ENOENT;
		}
	}
	return 0;
}

void falco_probes_unregister(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(falco_tps); i++) {
		if (!falco_tps[i].registered)
			continue;
		tracepoint_probe_unregister(falco_tps[i].tp,
					    falco_tps[i].probe, NULL);
		falco_tps[i].registered = false;
	}
	/* No probe runs, nor will run, once this returns. */
	tracepoint_synchronize_unregister();
}

int falco_probes_register(void)
{
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(falco_tps); i++) {
		err = tracepoint_probe_register(falco_tps[i].tp,
						falco_tps[i].probe, NULL);
		if (err) {
			pr_err("cannot attach to tracepoint %s: %d\n",
			       falco_tps[i].name, err);
			falco_probes_unregister();
			return err;
		}
		falco_tps[i].registered = true;
	}
	return 0;
}
