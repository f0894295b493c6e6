// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fillers of socket syscalls.  Addresses are encoded as the schema
 * says: sockaddr = family byte + IPv4 (network order) + port (host
 * order), or IPv6 + port, or unix path; a tuple holds source then
 * destination, where an outbound socket's source is the local end.
 */
#include "bpf/fb_common.bpf.h"
#include "bpf/fb_task.bpf.h"

#define FB_AF_UNIX	1
#define FB_AF_INET	2
#define FB_AF_INET6	10
#define FB_UNIX_PATH	109

#define FB_OUTBOUND	0
#define FB_INBOUND	1

static __always_inline uint16_t
fb_ntohs(uint16_t v)
{
	return __builtin_bswap16(v);
}

/* Scratch room behind the record for copies of user structures. */
#define FB_TMP(r)	(&(r)->buf[FB_MAX_EVENT])

/* A user sockaddr of addrlen bytes. */
static __always_inline void
fb_put_sockaddr(struct fb_rec *r, const void *uaddr, uint32_t addrlen)
{
	uint8_t *tmp = FB_TMP(r);
	uint8_t *out = &r->buf[FB_OFF(r->s->pos)];
	uint16_t family;
	long n;

	if (uaddr == NULL || addrlen == 0 || addrlen > 128 ||
	    bpf_probe_read_user(tmp, addrlen & 127, uaddr) != 0) {
		fb_put_empty(r);
		return;
	}
	family = *(uint16_t *)tmp;
	switch (family) {
	case FB_AF_INET:
		out[0] = FB_AF_INET;
		*(uint32_t *)&out[1] = *(uint32_t *)&tmp[4];
		*(uint16_t *)&out[5] = fb_ntohs(*(uint16_t *)&tmp[2]);
		fb_set_len(r, 7);
		return;
	case FB_AF_INET6:
		out[0] = FB_AF_INET6;
		__builtin_memcpy(&out[1], &tmp[8], 16);
		*(uint16_t *)&out[17] = fb_ntohs(*(uint16_t *)&tmp[2]);
		fb_set_len(r, 19);
		return;
	case FB_AF_UNIX:
		out[0] = FB_AF_UNIX;
		/* An abstract address starts with a NUL: skip it. */
		n = bpf_probe_read_kernel_str(&out[1], FB_UNIX_PATH,
		    &tmp[tmp[2] == 0 ? 3 : 2]);
		fb_set_len(r, n > 0 ? 1 + n : 1);
		return;
	default:
		fb_put_empty(r);
		return;
	}
}

static __always_inline struct sock *
fb_fd_sock(int64_t fd)
{
	struct file *f = fb_fd_file(fd);
	struct socket *s;

	if (f == NULL)
		return NULL;
	/* Only sockets keep a struct socket in private_data. */
	if (((BPF_CORE_READ(f, f_inode, i_mode)) & 0170000) != 0140000)
		return NULL;
	s = BPF_CORE_READ(f, private_data);
	return s != NULL ? BPF_CORE_READ(s, sk) : NULL;
}

static __always_inline void
fb_put_tuple_unix(struct fb_rec *r, struct sock *sk, int dir,
    const void *uaddr)
{
	struct unix_sock *local = (void *)sk;
	struct unix_sock *peer = (void *)BPF_CORE_READ(local, peer);
	struct unix_address *ua;
	uint8_t *out = &r->buf[FB_OFF(r->s->pos)];
	uint8_t *tmp = FB_TMP(r);
	const char *path = NULL;
	char first = 0;
	long n;

	out[0] = FB_AF_UNIX;
	if (dir == FB_OUTBOUND) {
		*(uint64_t *)&out[1] = (uint64_t)peer;
		*(uint64_t *)&out[9] = (uint64_t)local;
		if (peer == NULL && uaddr != NULL) {
			bpf_probe_read_user(tmp, 110, uaddr);
			path = (const char *)&tmp[2];
		} else {
			ua = BPF_CORE_READ(peer, addr);
			path = ua != NULL ? (const char *)ua->name[0].sun_path :
			    NULL;
		}
	} else {
		*(uint64_t *)&out[1] = (uint64_t)local;
		*(uint64_t *)&out[9] = (uint64_t)peer;
		ua = BPF_CORE_READ(local, addr);
		path = ua != NULL ? (const char *)ua->name[0].sun_path : NULL;
	}
	n = 0;
	if (path != NULL) {
		bpf_probe_read_kernel(&first, 1, path);
		if (first == 0)
			path++;
		n = bpf_probe_read_kernel_str(&out[17], FB_UNIX_PATH, path);
	}
	if (n <= 0) {
		out[17] = 0;
		n = 1;
	}
	fb_set_len(r, 17 + n);
}

/*
 * The tuple of the socket behind fd.  uaddr (user memory) stands in for
 * the peer when the kernel has none, as for unconnected UDP sends.
 */
static __always_inline void
fb_put_tuple(struct fb_rec *r, int64_t fd, int dir, const void *uaddr)
{
	struct sock *sk = fb_fd_sock(fd);
	uint8_t *out = &r->buf[FB_OFF(r->s->pos)];
	uint8_t *tmp = FB_TMP(r);
	uint16_t lport, rport, family;
	uint32_t l4, r4;
	struct ipv6_pinfo *np;

	if (sk == NULL) {
		fb_put_empty(r);
		return;
	}
	family = BPF_CORE_READ(sk, __sk_common.skc_family);
	lport = BPF_CORE_READ((struct inet_sock *)sk, inet_sport);
	rport = BPF_CORE_READ(sk, __sk_common.skc_dport);
	switch (family) {
	case FB_AF_INET:
		l4 = BPF_CORE_READ((struct inet_sock *)sk, inet_saddr);
		r4 = BPF_CORE_READ(sk, __sk_common.skc_daddr);
		if (rport == 0 && uaddr != NULL &&
		    bpf_probe_read_user(tmp, 8, uaddr) == 0) {
			r4 = *(uint32_t *)&tmp[4];
			rport = *(uint16_t *)&tmp[2];
		}
		out[0] = FB_AF_INET;
		if (dir == FB_OUTBOUND) {
			*(uint32_t *)&out[1] = l4;
			*(uint16_t *)&out[5] = fb_ntohs(lport);
			*(uint32_t *)&out[7] = r4;
			*(uint16_t *)&out[11] = fb_ntohs(rport);
		} else {
			*(uint32_t *)&out[1] = r4;
			*(uint16_t *)&out[5] = fb_ntohs(rport);
			*(uint32_t *)&out[7] = l4;
			*(uint16_t *)&out[11] = fb_ntohs(lport);
		}
		fb_set_len(r, 13);
		return;
	case FB_AF_INET6:
		np = BPF_CORE_READ((struct inet_sock *)sk, pinet6);
		/* tmp: local address at 0, remote at 16 */
		bpf_probe_read_kernel(tmp, 16, &np->saddr);
		BPF_CORE_READ_INTO(&tmp[16], sk, __sk_common.skc_v6_daddr);
		if (rport == 0 && uaddr != NULL &&
		    bpf_probe_read_user(&tmp[32], 24, uaddr) == 0) {
			__builtin_memcpy(&tmp[16], &tmp[40], 16);
			rport = *(uint16_t *)&tmp[34];
		}
		out[0] = FB_AF_INET6;
		if (dir == FB_OUTBOUND) {
			__builtin_memcpy(&out[1], &tmp[0], 16);
			*(uint16_t *)&out[17] = fb_ntohs(lport);
			__builtin_memcpy(&out[19], &tmp[16], 16);
			*(uint16_t *)&out[35] = fb_ntohs(rport);
		} else {
			__builtin_memcpy(&out[1], &tmp[16], 16);
			*(uint16_t *)&out[17] = fb_ntohs(rport);
			__builtin_memcpy(&out[19], &tmp[0], 16);
			*(uint16_t *)&out[35] = fb_ntohs(lport);
		}
		fb_set_len(r, 37);
		return;
	case FB_AF_UNIX:
		fb_put_tuple_unix(r, sk, dir, uaddr);
		return;
	default:
		fb_put_empty(r);
		return;
	}
}

FB_ENTER_PROG(connect)
{
	struct fb_rec r;

	if (FB_BEGIN(&r, FE_SOCKET_CONNECT_E, 2) != 0)
		return 0;
	fb_put_s64(&r, IARG(0));
	fb_put_sockaddr(&r, (void *)ARG(1), ARG(2));
	return fb_submit(&r);
}

FB_EXIT_PROG(connect)
{
	struct fb_rec r;

	if (FB_BEGIN(&r, FE_SOCKET_CONNECT_X, 4) != 0)
		return 0;
	fb_put_s64(&r, ret);
	if (ret == 0 || ret == -115)	/* EINPROGRESS */
		fb_put_tuple(&r, IARG(0), FB_OUTBOUND, (void *)ARG(1));
	else
		fb_put_empty(&r);
	fb_put_s64(&r, IARG(0));
	fb_put_sockaddr(&r, (void *)ARG(1), ARG(2));
	return fb_submit(&r);
}

FB_EXIT_PROG(socket)
{
	struct fb_rec r;

	if (FB_BEGIN(&r, FE_SOCKET_SOCKET_X, 5) != 0)
		return 0;
	fb_put_s64(&r, ret);
	fb_put_u32(&r, ARG(0) & 0xff);	/* AF_* have the same values */
	fb_put_u32(&r, ARG(1));
	fb_put_u32(&r, ARG(2));
	fb_put_u32(&r, fb_socket_flags(ARG(1)));
	return fb_submit(&r);
}

FB_EXIT_PROG(socketpair)
{
	int32_t fds[2] = { -1, -1 };
	struct sock *sk = NULL;
	struct fb_rec r;

	if (ret == 0) {
		bpf_probe_read_user(fds, sizeof(fds), (void *)ARG(3));
		sk = fb_fd_sock(fds[0]);
	}
	if (FB_BEGIN(&r, FE_SOCKET_SOCKETPAIR_X, 8) != 0)
		return 0;
	fb_put_s64(&r, ret);
	fb_put_s64(&r, fds[0]);
	fb_put_s64(&r, fds[1]);
	fb_put_u64(&r, (uint64_t)sk);
	fb_put_u64(&r, sk != NULL ?
	    (uint64_t)BPF_CORE_READ((struct unix_sock *)sk, peer) : 0);
	fb_put_u32(&r, ARG(0) & 0xff);
	fb_put_u32(&r, ARG(1));
	fb_put_u32(&r, ARG(2));
	return fb_submit(&r);
}

static __always_inline int
fb_accept(struct fb_args *regs, long ret, int four)
{
	uint32_t qlen = 0, qmax = 0;
	uint8_t qpct = 0;
	struct fb_rec r;
	struct sock *lsk;

	if (FB_BEGIN(&r, four ? FE_SOCKET_ACCEPT4_6_X : FE_SOCKET_ACCEPT_5_X,
	    four ? 6 : 5) != 0)
		return 0;
	fb_put_s64(&r, ret);
	if (ret >= 0) {
		fb_put_tuple(&r, ret, FB_INBOUND, NULL);
		lsk = fb_fd_sock(IARG(0));
		if (lsk != NULL) {
			qlen = BPF_CORE_READ(lsk, sk_ack_backlog);
			qmax = BPF_CORE_READ(lsk, sk_max_ack_backlog);
			if (qlen != 0 && qmax != 0)
				qpct = (uint64_t)qlen * 100 / qmax;
		}
	} else {
		fb_put_empty(&r);
	}
	fb_put_u8(&r, qpct);
	fb_put_u32(&r, qlen);
	fb_put_u32(&r, qmax);
	if (four)
		fb_put_u32(&r, fb_socket_flags(ARG(3)));
	return fb_submit(&r);
}

FB_EXIT_PROG(accept)
{
	return fb_accept(regs, ret, 0);
}

FB_EXIT_PROG(accept4)
{
	return fb_accept(regs, ret, 1);
}

FB_EXIT_PROG(bind)
{
	struct fb_rec r;

	if (FB_BEGIN(&r, FE_SOCKET_BIND_X, 3) != 0)
		return 0;
	fb_put_s64(&r, ret);
	fb_put_sockaddr(&r, (void *)ARG(1), ARG(2));
	fb_put_s64(&r, IARG(0));
	return fb_submit(&r);
}

FB_EXIT_PROG(listen)
{
	struct fb_rec r;

	if (FB_BEGIN(&r, FE_SOCKET_LISTEN_X, 3) != 0)
		return 0;
	fb_put_s64(&r, ret);
	fb_put_s64(&r, IARG(0));
	fb_put_s32(&r, ARG(1));
	return fb_submit(&r);
}

/* XXX Falco's dynamic snaplen (larger cuts on known ports) is not done. */
FB_EXIT_PROG(sendto)
{
	uint64_t size = (uint32_t)ARG(2);
	struct fb_rec r;

	if (FB_BEGIN(&r, FE_SOCKET_SENDTO_X, 5) != 0)
		return 0;
	fb_put_s64(&r, ret);
	fb_put_ubuf(&r, (void *)ARG(1), fb_snap(ret > 0 ? ret : size, size));
	fb_put_s64(&r, IARG(0));
	fb_put_u32(&r, size);
	if (ret >= 0)
		fb_put_tuple(&r, IARG(0), FB_OUTBOUND, (void *)ARG(4));
	else
		fb_put_empty(&r);
	return fb_submit(&r);
}

FB_EXIT_PROG(recvfrom)
{
	struct fb_rec r;

	if (FB_BEGIN(&r, FE_SOCKET_RECVFROM_X, 5) != 0)
		return 0;
	fb_put_s64(&r, ret);
	if (ret >= 0) {
		fb_put_ubuf(&r, (void *)ARG(1), fb_snap(ret, ret));
		fb_put_tuple(&r, IARG(0), FB_INBOUND, (void *)ARG(4));
	} else {
		fb_put_empty(&r);
		fb_put_empty(&r);
	}
	fb_put_s64(&r, IARG(0));
	fb_put_u32(&r, ARG(2));
	return fb_submit(&r);
}

FB_EXIT_PROG(sendmsg)
{
	struct user_msghdr mh = {};
	struct fb_rec r;
	uint64_t total;

	if (FB_BEGIN(&r, FE_SOCKET_SENDMSG_X, 5) != 0)
		return 0;
	fb_put_s64(&r, ret);
	if (bpf_probe_read_user(&mh, sizeof(mh), (void *)ARG(1)) != 0) {
		fb_put_empty(&r);
		fb_put_s64(&r, IARG(0));
		fb_put_empty(&r);
		fb_put_empty(&r);
		return fb_submit(&r);
	}
	total = fb_put_iov_data(&r, mh.msg_iov, mh.msg_iovlen,
	    fb_snap(ret > 0 ? ret : FB_MAX_EVENT, ~0ull));
	fb_put_s64(&r, IARG(0));
	fb_put_u32(&r, total);
	if (ret >= 0)
		fb_put_tuple(&r, IARG(0), FB_OUTBOUND, mh.msg_name);
	else
		fb_put_empty(&r);
	return fb_submit(&r);
}

FB_EXIT_PROG(recvmsg)
{
	struct user_msghdr mh = {};
	struct fb_rec r;

	if (FB_BEGIN(&r, FE_SOCKET_RECVMSG_X, 6) != 0)
		return 0;
	fb_put_s64(&r, ret);
	if (ret < 0 ||
	    bpf_probe_read_user(&mh, sizeof(mh), (void *)ARG(1)) != 0) {
		fb_put_u32(&r, 0);
		fb_put_empty(&r);
		fb_put_empty(&r);
		fb_put_empty(&r);
		fb_put_s64(&r, IARG(0));
		return fb_submit(&r);
	}
	fb_put_u32(&r, ret);
	fb_put_iov_data(&r, mh.msg_iov, mh.msg_iovlen, fb_snap(ret, ret));
	fb_put_tuple(&r, IARG(0), FB_INBOUND, mh.msg_name);
	if (mh.msg_control != NULL && mh.msg_controllen > 0 &&
	    mh.msg_controllen <= 0xffff)
		fb_put_ubuf(&r, mh.msg_control, mh.msg_controllen);
	else
		fb_put_empty(&r);
	fb_put_s64(&r, IARG(0));
	return fb_submit(&r);
}
