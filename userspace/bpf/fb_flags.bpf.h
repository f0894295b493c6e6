/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Translation of native (x86_64 Linux) flag values into the portable
 * values events carry, with the generated tables of falco_schema_kern.h
 * (from kmod/uapi/flags.tbl), the same ones the kernel module uses.  A
 * portable bit is set when any bit of its native mask is set, as Falco's
 * drivers do (so O_SYNC, whose native mask holds O_DSYNC's bit, also
 * reports O_DSYNC).  The tables are const: clang unrolls the loops into
 * plain tests.
 */
#ifndef FB_FLAGS_BPF_H
#define FB_FLAGS_BPF_H

#include "falco_schema_kern.h"

#define FB_MAP(v, native, portable)	(((v) & (native)) ? (portable) : 0)

#define FB_XLAT(tbl, v)							\
	fb_xlat(fe_xlat_##tbl,						\
	    sizeof(fe_xlat_##tbl) / sizeof(fe_xlat_##tbl[0]), (v))

static __always_inline uint32_t
fb_xlat(const struct fe_flag_xlat *t, int n, uint64_t v)
{
	uint32_t r = 0;
	int i;

#pragma unroll
	for (i = 0; i < n; i++)
		if (v & t[i].native)
			r |= t[i].portable;
	return r;
}

static __always_inline uint32_t
fb_open_flags(uint32_t f)
{
	/* O_RDONLY is native 0: the table cannot say it. */
	if ((f & 3) == 0)
		return FL_FILE_FLAGS_O_RDONLY | FB_XLAT(file_flags, f);
	return FB_XLAT(file_flags, f);
}

/* Permission bits have the same values natively and in events. */
static __always_inline uint32_t
fb_mode_bits(uint32_t mode)
{
	return FB_XLAT(chmod_mode, mode);
}

/* open's mode only means something when a file may be created. */
static __always_inline uint32_t
fb_open_mode(uint32_t flags, uint32_t mode)
{
	if ((flags & (0x40 | 0x410000)) == 0)	/* O_CREAT, O_TMPFILE */
		return 0;
	return fb_mode_bits(mode);
}

#define fb_clone_flags(f)	FB_XLAT(clone_flags, (f))
#define fb_prot_flags(f)	FB_XLAT(prot_flags, (f))
#define fb_mmap_flags(f)	FB_XLAT(mmap_flags, (f))
#define fb_fchownat_flags(f)	FB_XLAT(fchownat_flags, (f))
#define fb_openat2_resolve(f)	FB_XLAT(openat2_flags, (f))

/* SOCK_NONBLOCK and SOCK_CLOEXEC are O_NONBLOCK and O_CLOEXEC. */
static __always_inline uint32_t
fb_socket_flags(uint32_t type)
{
	return FB_MAP(type, 0x800, FL_FILE_FLAGS_O_NONBLOCK) |
	    FB_MAP(type, 0x80000, FL_FILE_FLAGS_O_CLOEXEC);
}

#define fb_cloexec_flags(f)	fb_socket_flags(f)

/*
 * fcntl commands are values, not bits.  The last match wins: flags.tbl
 * gives the *LK64 aliases the native values of F_GETLK & co (they are
 * the same commands on x86_64) and lists them first, while Falco
 * reports the plain names there.
 */
static __always_inline uint8_t
fb_fcntl_cmd(uint32_t cmd)
{
	uint8_t r = FL_FCNTL_COMMANDS_UNKNOWN;
	int i;

#pragma unroll
	for (i = 0; i < FE_XLAT_FCNTL_COMMANDS_N; i++)
		if (fe_xlat_fcntl_commands[i].native == cmd)
			r = fe_xlat_fcntl_commands[i].portable;
	return r;
}

static __always_inline uint16_t
fb_ptrace_req(uint64_t req)
{
	int i;

#pragma unroll
	for (i = 0; i < FE_XLAT_PTRACE_REQUESTS_N; i++)
		if (fe_xlat_ptrace_requests[i].native == req)
			return fe_xlat_ptrace_requests[i].portable;
	return FL_PTRACE_REQUESTS_PTRACE_UNKNOWN;
}

#endif /* FB_FLAGS_BPF_H */
