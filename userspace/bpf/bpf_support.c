/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Can this kernel run the eBPF driver?  Each requirement is probed by
 * doing it, not by reading version numbers: kernel BTF, the BPF ring
 * buffer map type, and a tp_btf program loaded and attached (then
 * removed at once).  The same empty program, left attached to the
 * syscall tracepoints, is the benchmarks' floor (bpf_floor_attach()).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "bpf/bpf_driver.h"
#include "util/xmalloc.h"

static int
say(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * Load "return 0" as a tp_btf program of tracepoint tp and attach it.
 * Returns 0 with both descriptors, or -1 with the cause in why.
 */
static int
empty_tp_btf(struct btf *vmlinux, const char *tp, int *pfd, int *lfd,
    char *why, size_t len)
{
	const struct bpf_insn insns[] = {
		{ .code = 0xb7, .dst_reg = 0, .imm = 0 },	/* r0 = 0 */
		{ .code = 0x95 },				/* exit */
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts);
	char type[64];
	int id, e;

	snprintf(type, sizeof(type), "btf_trace_%s", tp);
	id = btf__find_by_name_kind(vmlinux, type, BTF_KIND_TYPEDEF);
	if (id < 0)
		return say(why, len, "the kernel BTF has no %s tracepoint "
		    "type (%s)", tp, type);
	opts.expected_attach_type = BPF_TRACE_RAW_TP;
	opts.attach_btf_id = id;
	*pfd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "fb_empty_tp", "GPL",
	    insns, 2, &opts);
	if (*pfd < 0)
		return say(why, len, "cannot load a tp_btf program: %s%s",
		    strerror(errno), errno == EPERM ?
		    " (needs root or CAP_BPF and CAP_PERFMON)" : "");
	*lfd = bpf_raw_tracepoint_open(NULL, *pfd);
	if (*lfd < 0) {
		e = errno;
		close(*pfd);
		*pfd = -1;
		return say(why, len, "cannot attach a tp_btf program to %s: "
		    "%s", tp, strerror(e));
	}
	return 0;
}

/* Load "return 0" as tp_btf/sys_exit, attach it, remove it. */
static int
probe_tp_btf(struct btf *vmlinux, char *why, size_t len)
{
	int pfd, lfd;

	if (empty_tp_btf(vmlinux, "sys_exit", &pfd, &lfd, why, len) != 0)
		return -1;
	close(lfd);
	close(pfd);
	return 0;
}

struct bpf_floor {
	int	fd[4];		/* program and link of sys_exit, sys_enter */
};

struct bpf_floor *
bpf_floor_attach(int enter, char *why, size_t len)
{
	static const char *const tps[] = { "sys_exit", "sys_enter" };
	struct bpf_floor *fl;
	struct btf *vmlinux;
	int i, r = 0;

	if ((vmlinux = btf__load_vmlinux_btf()) == NULL) {
		say(why, len, "cannot parse the kernel BTF: %s",
		    strerror(errno));
		return NULL;
	}
	fl = xmalloc(sizeof(*fl));
	for (i = 0; i < 4; i++)
		fl->fd[i] = -1;
	for (i = 0; i < (enter ? 2 : 1) && r == 0; i++)
		r = empty_tp_btf(vmlinux, tps[i], &fl->fd[2 * i],
		    &fl->fd[2 * i + 1], why, len);
	btf__free(vmlinux);
	if (r != 0) {
		bpf_floor_detach(fl);
		return NULL;
	}
	return fl;
}

void
bpf_floor_detach(struct bpf_floor *fl)
{
	int i;

	if (fl == NULL)
		return;
	/* Links first: the programs stop running before they go. */
	for (i = 3; i >= 0; i--)
		if (fl->fd[i] >= 0)
			close(fl->fd[i]);
	free(fl);
}

int
bpf_driver_support_check(char *why, size_t len)
{
	struct btf *vmlinux;
	int fd, r;

	snprintf(why, len, "supported");
	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0)
		return say(why, len, "no kernel BTF: /sys/kernel/btf/vmlinux "
		    "is missing (kernel built without CONFIG_DEBUG_INFO_BTF)");
	/* A one-page ring: EPERM means privileges, EINVAL an old kernel. */
	fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "fb_probe_rb", 0, 0,
	    sysconf(_SC_PAGESIZE), NULL);
	if (fd < 0 && (errno == EPERM || errno == EACCES))
		return say(why, len, "not allowed to use BPF: %s (needs root "
		    "or CAP_BPF and CAP_PERFMON)", strerror(errno));
	if (fd < 0)
		return say(why, len, "the BPF ring buffer map type is not "
		    "supported: %s (needs Linux 5.8 or later)",
		    strerror(errno));
	close(fd);
	vmlinux = btf__load_vmlinux_btf();
	if (vmlinux == NULL)
		return say(why, len, "cannot parse the kernel BTF: %s",
		    strerror(errno));
	r = probe_tp_btf(vmlinux, why, len);
	btf__free(vmlinux);
	return r;
}
