/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Can this kernel run the eBPF driver?  Each requirement is probed by
 * doing it, not by reading version numbers: kernel BTF, the BPF ring
 * buffer map type, and a tp_btf program loaded and attached (then
 * removed at once).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "bpf/bpf_driver.h"

static int
say(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return -1;
}

/* Load "return 0" as tp_btf/sys_exit, attach it, remove it. */
static int
probe_tp_btf(struct btf *vmlinux, char *why, size_t len)
{
	const struct bpf_insn insns[] = {
		{ .code = 0xb7, .dst_reg = 0, .imm = 0 },	/* r0 = 0 */
		{ .code = 0x95 },				/* exit */
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts);
	int id, pfd, lfd;

	id = btf__find_by_name_kind(vmlinux, "btf_trace_sys_exit",
	    BTF_KIND_TYPEDEF);
	if (id < 0)
		return say(why, len, "the kernel BTF has no sys_exit "
		    "tracepoint type (btf_trace_sys_exit)");
	opts.expected_attach_type = BPF_TRACE_RAW_TP;
	opts.attach_btf_id = id;
	pfd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "fb_probe_tp", "GPL",
	    insns, 2, &opts);
	if (pfd < 0)
		return say(why, len, "cannot load a tp_btf program: %s%s",
		    strerror(errno), errno == EPERM ?
		    " (needs root or CAP_BPF and CAP_PERFMON)" : "");
	lfd = bpf_raw_tracepoint_open(NULL, pfd);
	if (lfd < 0) {
		int e = errno;

		close(pfd);
		return say(why, len, "cannot attach a tp_btf program to "
		    "sys_exit: %s", strerror(e));
	}
	close(lfd);
	close(pfd);
	return 0;
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
