/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The event schema: pinned ABI facts (ids, layouts, syscall numbers) that
 * must match Falco's drivers, the lookups, the record parser on good and
 * malformed input, the driver-side tables and the renderer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "schema/schema.h"
#include "falco_schema_kern.h"
#include "util/sbuf.h"
#include "evbuild.h"
#include "tests.h"

static void
test_pinned_ids(void **state)
{
	/* Ids are the ABI shared with Falco's captures. */
	assert_int_equal(FE_MAX, 454);
	assert_int_equal(FE_GENERIC_E, 0);
	assert_int_equal(FE_GENERIC_X, 1);
	assert_int_equal(FE_SYSCALL_OPEN_E, 2);
	assert_int_equal(FE_SYSCALL_OPEN_X, 3);
	assert_int_equal(FE_SOCKET_CONNECT_E, 22);
	assert_int_equal(FE_SOCKET_CONNECT_X, 23);
	assert_int_equal(FE_DROP_E, 148);
	assert_int_equal(FE_DROP_X, 149);
	assert_int_equal(FE_PROCEXIT_1_E, 186);
	assert_int_equal(FE_SYSCALL_CLONE_20_X, 223);
	assert_int_equal(FE_CPU_HOTPLUG_E, 244);
	assert_int_equal(FE_SYSCALL_EXECVE_19_X, 293);
	assert_int_equal(FE_SYSCALL_OPENAT_2_X, 307);
	assert_int_equal(FE_PLUGINEVENT_E, 322);
	assert_int_equal(FE_SYSCALL_OPENAT2_X, 327);
	assert_int_equal(FE_SOCKET_ACCEPT4_6_X, 389);
	assert_int_equal(FE_SYSCALL_KEYCTL_X, 453);
	assert_string_equal(FE_SCHEMA_VERSION, "4.5.1");
	assert_true(FE_SCHEMA_VERSION_CODE ==
	    ((4ULL << 44) | (5ULL << 24) | 1ULL));
	assert_true(schema_is_enter(FE_SYSCALL_OPEN_E));
	assert_false(schema_is_enter(FE_SYSCALL_OPEN_X));
	assert_null(schema_event(FE_MAX));
	assert_null(schema_event(0xffff));
}

struct layout {
	uint16_t	 id;
	const char	*name;
	uint32_t	 category;
	uint16_t	 nparams;
	/* "name:TYPE" of some parameters, by index; NULL ends. */
	struct { unsigned idx; const char *name; uint8_t type; } p[6];
};

static const struct layout layouts[] = {
	{ FE_GENERIC_X, "syscall", EC_OTHER | EC_SYSCALL, 2,
	    { { 0, "ID", PT_SYSCALLID }, { 1, "nativeID", PT_UINT16 },
	    { 0, NULL, 0 } } },
	{ FE_SYSCALL_OPEN_X, "open", EC_FILE | EC_SYSCALL, 6,
	    { { 0, "fd", PT_FD }, { 1, "name", PT_FSPATH },
	    { 2, "flags", PT_FLAGS32 }, { 3, "mode", PT_UINT32 },
	    { 5, "ino", PT_UINT64 }, { 0, NULL, 0 } } },
	{ FE_SYSCALL_OPENAT_2_X, "openat", EC_FILE | EC_SYSCALL, 7,
	    { { 0, "fd", PT_FD }, { 1, "dirfd", PT_FD },
	    { 2, "name", PT_FSRELPATH }, { 3, "flags", PT_FLAGS32 },
	    { 6, "ino", PT_UINT64 }, { 0, NULL, 0 } } },
	{ FE_SYSCALL_OPENAT2_X, "openat2", EC_FILE | EC_SYSCALL, 8,
	    { { 2, "name", PT_FSRELPATH }, { 5, "resolve", PT_FLAGS32 },
	    { 0, NULL, 0 } } },
	{ FE_SYSCALL_EXECVE_19_X, "execve", EC_PROCESS | EC_SYSCALL, 31,
	    { { 0, "res", PT_ERRNO }, { 2, "args", PT_BYTEBUF },
	    { 13, "comm", PT_CHARBUF }, { 15, "env", PT_BYTEBUF },
	    { 24, "exe_ino_ctime", PT_ABSTIME },
	    { 30, "filename", PT_FSPATH } } },
	{ FE_SYSCALL_EXECVEAT_X, "execveat", EC_PROCESS | EC_SYSCALL, 30,
	    { { 0, "res", PT_ERRNO }, { 29, "gid", PT_GID },
	    { 0, NULL, 0 } } },
	{ FE_SYSCALL_CLONE_20_X, "clone", EC_PROCESS | EC_SYSCALL, 21,
	    { { 0, "res", PT_PID }, { 15, "flags", PT_FLAGS32 },
	    { 16, "uid", PT_UINT32 }, { 20, "pidns_init_start_ts",
	    PT_UINT64 }, { 0, NULL, 0 } } },
	{ FE_SOCKET_CONNECT_X, "connect", EC_NET | EC_SYSCALL, 4,
	    { { 0, "res", PT_ERRNO }, { 1, "tuple", PT_SOCKTUPLE },
	    { 2, "fd", PT_FD }, { 3, "addr", PT_SOCKADDR },
	    { 0, NULL, 0 } } },
	{ FE_SOCKET_CONNECT_E, "connect", EC_NET | EC_SYSCALL, 2,
	    { { 0, "fd", PT_FD }, { 1, "addr", PT_SOCKADDR },
	    { 0, NULL, 0 } } },
	{ FE_PROCEXIT_1_E, "procexit", EC_PROCESS | EC_TRACEPOINT, 5,
	    { { 0, "status", PT_ERRNO }, { 2, "sig", PT_SIGTYPE },
	    { 4, "reaper_tid", PT_PID }, { 0, NULL, 0 } } },
	{ FE_DROP_E, "drop", EC_INTERNAL | EC_METAEVENT, 1,
	    { { 0, "ratio", PT_UINT32 }, { 0, NULL, 0 } } },
	{ FE_SOCKET_ACCEPT4_6_X, "accept4", EC_NET | EC_SYSCALL, 6,
	    { { 1, "tuple", PT_SOCKTUPLE }, { 2, "queuepct", PT_UINT8 },
	    { 5, "flags", PT_INT32 }, { 0, NULL, 0 } } },
	{ FE_SYSCALL_PTRACE_X, "ptrace", EC_PROCESS | EC_SYSCALL, 5,
	    { { 1, "addr", PT_DYN }, { 3, "request", PT_ENUMFLAGS16 },
	    { 0, NULL, 0 } } },
};

static void
test_layouts(void **state)
{
	size_t i, j;

	for (i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		const struct layout *l = &layouts[i];
		const struct schema_event *se = schema_event(l->id);

		assert_non_null(se);
		assert_string_equal(se->name, l->name);
		assert_int_equal(se->category, l->category);
		assert_int_equal(se->nparams, l->nparams);
		assert_int_equal(fe_event_kinfo[l->id].nparams, l->nparams);
		for (j = 0; j < 6 && l->p[j].name != NULL; j++) {
			assert_string_equal(se->params[l->p[j].idx].name,
			    l->p[j].name);
			assert_int_equal(se->params[l->p[j].idx].type,
			    l->p[j].type);
		}
	}
	/* References of parameters to tables and to other parameters. */
	assert_int_equal(schema_event(FE_SYSCALL_OPENAT_2_X)->params[2].dirfd,
	    1);
	assert_ptr_equal(schema_event(FE_SYSCALL_OPEN_X)->params[2].flags,
	    schema_flag_table("file_flags"));
	assert_non_null(schema_event(FE_SYSCALL_PTRACE_X)->params[1].dyn);
	assert_int_equal(schema_event(FE_SYSCALL_PTRACE_X)->params[1].dyn[
	    DYN_PTRACE_SIGTYPE].type, PT_SIGTYPE);
	assert_string_equal(schema_event(FE_SYSCALL_EXECVE_19_X)->sym,
	    "SYSCALL_EXECVE_19_X");
	assert_int_equal(schema_param_index(FE_SYSCALL_EXECVE_19_X, "env"),
	    15);
	assert_int_equal(schema_param_index(FE_SYSCALL_EXECVE_19_X, "nope"),
	    -1);
}

static void
test_flags(void **state)
{
	unsigned i, nold = 0, nlarge = 0, nunused = 0;

	assert_true(schema_event(FE_SYSCALL_EXECVE_19_E)->flags &
	    EF_OLD_VERSION);
	assert_false(schema_event(FE_SYSCALL_EXECVE_19_X)->flags &
	    EF_OLD_VERSION);
	assert_true(schema_event(FE_SYSCALL_OPEN_X)->flags & EF_CREATES_FD);
	assert_true(schema_event(FE_SYSCALL_CLOSE_X)->flags &
	    EF_DESTROYS_FD);
	for (i = 0; i < FE_MAX; i++) {
		const struct schema_event *se = schema_event((uint16_t)i);

		nold += (se->flags & EF_OLD_VERSION) != 0;
		nunused += se->category == EC_UNKNOWN;
		if (se->flags & EF_LARGE_PAYLOAD) {
			nlarge++;
			assert_true(fe_event_kinfo[i].flags & FE_KI_LARGE);
		} else
			assert_false(fe_event_kinfo[i].flags & FE_KI_LARGE);
		assert_true(se->nparams <= FEVT_MAX_PARAMS);
		assert_int_equal(!!(fe_event_kinfo[i].flags & FE_KI_OLD),
		    !!(se->flags & EF_OLD_VERSION));
	}
	/* Schema 4: the current enter events are the TOCTOU ones. */
	assert_false(fe_event_kinfo[FE_SYSCALL_OPENAT_2_E].flags & FE_KI_OLD);
	assert_false(fe_event_kinfo[FE_SOCKET_CONNECT_E].flags & FE_KI_OLD);
	assert_true(fe_event_kinfo[FE_SYSCALL_READ_E].flags & FE_KI_OLD);
	/* Plugin, async and container (JSON 2) events. */
	assert_int_equal(nlarge, 3);
	assert_int_equal(nunused, 35);
	assert_true(nold > 100);
}

static void
test_names(void **state)
{
	uint8_t ids[(FE_MAX + 7) / 8];
	unsigned i;

	memset(ids, 0, sizeof(ids));
	assert_int_equal(schema_events_by_name("open", ids), 2);
	for (i = 0; i < FE_MAX; i++)
		assert_int_equal((ids[i / 8] >> (i % 8)) & 1,
		    i == FE_SYSCALL_OPEN_E || i == FE_SYSCALL_OPEN_X);

	/* Every layout of execve, old ones included. */
	memset(ids, 0, sizeof(ids));
	assert_int_equal(schema_events_by_name("execve", ids), 16);
	assert_true(ids[FE_SYSCALL_EXECVE_8_X / 8] &
	    (1 << (FE_SYSCALL_EXECVE_8_X % 8)));
	assert_true(ids[FE_SYSCALL_EXECVE_19_X / 8] &
	    (1 << (FE_SYSCALL_EXECVE_19_X % 8)));

	memset(ids, 0, sizeof(ids));
	assert_int_equal(schema_events_by_name("procexit", ids), 2);
	assert_int_equal(schema_events_by_name("NA", ids), 0);
	assert_int_equal(schema_events_by_name("no_such_event", ids), 0);
	/* A syscall with no event of its own is only a syscall name. */
	assert_int_equal(schema_events_by_name("io_getevents", ids), 0);
	assert_int_equal(schema_syscall_by_name("io_getevents"),
	    FE_SC_IO_GETEVENTS);
}

static void
test_syscalls(void **state)
{
	uint16_t en, ex;

	assert_int_equal(FE_SC_MAX, 454);
	assert_string_equal(schema_syscall_name(FE_SC_OPENAT), "openat");
	assert_string_equal(schema_syscall_name(0), "unknown");
	assert_null(schema_syscall_name(FE_SC_MAX));
	/* Code 382 was never assigned. */
	assert_null(schema_syscall_name(382));
	assert_string_equal(schema_syscall_name(381), "create_module");
	assert_string_equal(schema_syscall_name(383), "sched_getattr");
	assert_int_equal(FE_SC_OPEN, 5);
	assert_int_equal(FE_SC_EXECVE, schema_syscall_by_name("execve"));
	assert_int_equal(schema_syscall_by_name("unknown"), -1);
	assert_int_equal(schema_syscall_by_name("frobnicate"), -1);

	/* x86_64 native numbers. */
	assert_int_equal(schema_syscall_from_native(257), FE_SC_OPENAT);
	assert_string_equal(schema_native_name(257), "openat");
	assert_int_equal(schema_native_events(257, &en, &ex), 0);
	assert_int_equal(en, FE_SYSCALL_OPENAT_2_E);
	assert_int_equal(ex, FE_SYSCALL_OPENAT_2_X);
	assert_int_equal(schema_syscall_from_native(0), FE_SC_READ);
	assert_int_equal(schema_syscall_from_native(59), FE_SC_EXECVE);
	assert_int_equal(schema_native_events(59, &en, &ex), 0);
	assert_int_equal(ex, FE_SYSCALL_EXECVE_19_X);
	assert_int_equal(schema_native_events(42, &en, &ex), 0);
	assert_int_equal(ex, FE_SOCKET_CONNECT_X);
	assert_int_equal(schema_native_events(437, &en, &ex), 0);
	assert_int_equal(ex, FE_SYSCALL_OPENAT2_X);
	/* io_getevents has no dedicated event: generic. */
	assert_int_equal(schema_native_events(208, &en, &ex), 0);
	assert_int_equal(en, FE_GENERIC_E);
	assert_int_equal(ex, FE_GENERIC_X);
	assert_int_equal(schema_syscall_from_native(208), FE_SC_IO_GETEVENTS);
	assert_int_equal(schema_syscall_from_native(1000), -1);
	assert_int_equal(schema_syscall_from_native(0xffffffffu), -1);
	assert_int_equal(schema_native_events(1000, &en, &ex), -1);
	assert_null(schema_native_name(1000));
}

static void
test_kern_tables(void **state)
{
	/* What the drivers read: the same facts as the userspace view. */
	assert_int_equal(fe_syscall_x86_64[257].sc, FE_SC_OPENAT);
	assert_int_equal(fe_syscall_x86_64[257].exit, FE_SYSCALL_OPENAT_2_X);
	assert_true(fe_syscall_x86_64[257].flags & FE_UF_USED);
	assert_true(fe_syscall_x86_64[257].flags & FE_UF_NEVER_DROP);
	assert_int_equal(fe_syscall_x86_64[208].sc, FE_SC_IO_GETEVENTS);
	assert_false(fe_syscall_x86_64[208].flags & FE_UF_USED);
	assert_true(fe_syscall_x86_64[12].flags & FE_UF_ALWAYS_DROP);
	assert_int_equal(fe_event_kinfo[FE_SYSCALL_EXECVE_19_X].nparams, 31);
	/* ia32: 11 is execve (59), 5 open (2), 7 waitpid has no match. */
	assert_int_equal(fe_ia32_to_x86_64[11], 59);
	assert_int_equal(fe_ia32_to_x86_64[5], 2);
	assert_int_equal(fe_ia32_to_x86_64[3], 0);
	assert_int_equal(fe_ia32_to_x86_64[7], -1);
	assert_true(FE_NR_IA32_MAX > 400);
	assert_int_equal(fe_event_kinfo[FE_SYSCALL_OPENAT_2_E].nparams, 4);

	/* Native x86_64 open flags 0x80042 = O_CLOEXEC|O_CREAT|O_RDWR. */
	assert_int_equal(fe_xlat_bits(fe_xlat_file_flags,
	    FE_XLAT_FILE_FLAGS_N, 0x80040),
	    FL_FILE_FLAGS_O_CLOEXEC | FL_FILE_FLAGS_O_CREAT);
	/*
	 * Any shared bit counts, as in Falco's drivers: the kernel's
	 * O_TMPFILE includes O_DIRECTORY, so opening a directory
	 * (O_DIRECTORY|O_NONBLOCK|O_CLOEXEC) also reports O_TMPFILE; the
	 * reference capture shows flags=13377 for it.
	 */
	assert_int_equal(fe_xlat_bits(fe_xlat_file_flags,
	    FE_XLAT_FILE_FLAGS_N, 0x10000 | 0x800 | 0x80000) |
	    FL_FILE_FLAGS_O_RDONLY, 13377);
	/* CLONE_NEWNS (0x20000) | CLONE_NEWPID (0x20000000). */
	assert_int_equal(fe_xlat_bits(fe_xlat_clone_flags,
	    FE_XLAT_CLONE_FLAGS_N, 0x20020000),
	    FL_CLONE_FLAGS_CLONE_NEWNS | FL_CLONE_FLAGS_CLONE_NEWPID);
	assert_int_equal(fe_xlat_bits(fe_xlat_prot_flags,
	    FE_XLAT_PROT_FLAGS_N, 0x5),
	    FL_PROT_FLAGS_PROT_READ | FL_PROT_FLAGS_PROT_EXEC);
	/* PTRACE_ATTACH is 16 natively, 11 in events. */
	assert_int_equal(fe_xlat_enum(fe_xlat_ptrace_requests,
	    FE_XLAT_PTRACE_REQUESTS_N, 16, 0),
	    FL_PTRACE_REQUESTS_PTRACE_ATTACH);
	assert_int_equal(FL_PTRACE_REQUESTS_PTRACE_ATTACH, 11);
	/* Zero natives are listed for enums (PTRACE_TRACEME is 0). */
	assert_int_equal(fe_xlat_enum(fe_xlat_ptrace_requests,
	    FE_XLAT_PTRACE_REQUESTS_N, 0, 99),
	    FL_PTRACE_REQUESTS_PTRACE_TRACEME);
	/* ... and never match as bits: O_RDONLY is the caller's job. */
	assert_int_equal(fe_xlat_bits(fe_xlat_file_flags,
	    FE_XLAT_FILE_FLAGS_N, 0), 0);
	assert_int_equal(fe_xlat_enum(fe_xlat_ptrace_requests,
	    FE_XLAT_PTRACE_REQUESTS_N, 99999, 7), 7);
	assert_int_equal(FE_AT_FDCWD, -100);
	assert_int_equal(FL_SOCKET_FAMILIES_AF_INET6, 10);
}

static void
test_errno_signal(void **state)
{
	assert_string_equal(schema_errno_name(-2), "ENOENT");
	assert_string_equal(schema_errno_name(2), "ENOENT");
	assert_string_equal(schema_errno_name(-1), "EPERM");
	assert_string_equal(schema_errno_name(-111), "ECONNREFUSED");
	assert_string_equal(schema_errno_name(-512), "ERESTARTSYS");
	assert_null(schema_errno_name(0));
	assert_null(schema_errno_name(-9999));
	assert_null(schema_errno_name(INT64_MIN));
	assert_string_equal(schema_signal_name(9), "SIGKILL");
	assert_string_equal(schema_signal_name(31), "SIGSYS");
	assert_null(schema_signal_name(0));
	assert_null(schema_signal_name(40));
	assert_null(schema_signal_name(4000));
	assert_null(schema_flag_table("nope"));
	assert_int_equal(schema_type_size(PT_FD), 8);
	assert_int_equal(schema_type_size(PT_UINT16), 2);
	assert_int_equal(schema_type_size(PT_IPV6ADDR), 16);
	assert_int_equal(schema_type_size(PT_CHARBUF), 0);
	assert_int_equal(schema_type_size(PT_MAX), 0);
	assert_int_equal(fe_type_size[PT_ERRNO], 8);
	assert_int_equal(fe_type_size[PT_SIGTYPE], 1);
	assert_string_equal(schema_flag_table("clone_flags")[0].name,
	    "CLONE_FILES");
}

static void
test_parse_good(void **state)
{
	static struct evb b;
	struct fevt ev;
	const char *why = "unset";

	evb_init(&b, FE_SYSCALL_CLOSE_X);
	evb_u64(&b, 0);
	evb_u64(&b, 7);
	evb_finish(&b, 0);
	memset(&ev, 0, sizeof(ev));
	ev.cpu = 3;
	assert_int_equal(fevt_parse(&ev, b.rec, b.rlen, &why), 0);
	assert_null(why);
	assert_int_equal(ev.cpu, 3);
	assert_int_equal(ev.nparams, 2);
	assert_int_equal(ev.hdr->type, FE_SYSCALL_CLOSE_X);
	assert_int_equal(ev.hdr->len, FEVT_HDR_LEN + 4 + 16);
	assert_int_equal(ev.plen[1], 8);
	assert_ptr_equal(ev.param[0], b.rec + FEVT_HDR_LEN + 4);
	assert_int_equal(ev.param[1][0], 7);

	/* avail may exceed the record (a ring or a file block). */
	assert_int_equal(fevt_parse(&ev, b.rec, b.rlen + 100, &why), 0);

	/* Large-payload events carry u32 lengths. */
	evb_init(&b, FE_PLUGINEVENT_E);
	evb_u32(&b, 999);
	{
		static uint8_t big[70000];

		memset(big, 'x', sizeof(big));
		evb_param(&b, big, 60000);
	}
	evb_finish(&b, 1);
	assert_int_equal(fevt_parse(&ev, b.rec, b.rlen, &why), 0);
	assert_int_equal(ev.nparams, 2);
	assert_int_equal(ev.plen[0], 4);
	assert_int_equal(ev.plen[1], 60000);
	assert_ptr_equal(ev.param[1], b.rec + FEVT_HDR_LEN + 8 + 4);

	/* No parameters at all, and empty parameters. */
	evb_init(&b, FE_SYSCALL_OPEN_X);
	evb_finish(&b, 0);
	assert_int_equal(fevt_parse(&ev, b.rec, b.rlen, &why), 0);
	assert_int_equal(ev.nparams, 0);
	evb_init(&b, FE_SYSCALL_OPEN_X);
	evb_param(&b, NULL, 0);
	evb_param(&b, NULL, 0);
	evb_finish(&b, 0);
	assert_int_equal(fevt_parse(&ev, b.rec, b.rlen, &why), 0);
	assert_int_equal(ev.plen[0] + ev.plen[1], 0);

	/* Bytes after the last parameter are tolerated. */
	evb_init(&b, FE_SYSCALL_CLOSE_X);
	evb_u64(&b, 0);
	evb_finish(&b, 0);
	{
		uint32_t l = (uint32_t)b.rlen + 5;

		memcpy(b.rec + offsetof(struct fevt_hdr, len), &l, 4);
	}
	assert_int_equal(fevt_parse(&ev, b.rec, b.rlen + 5, &why), 0);
}

/* Build a record, damage it with fn, check that parsing fails. */
static void
expect_malformed(const uint8_t *rec, size_t avail, const char *want)
{
	struct fevt ev;
	const char *why = NULL;

	assert_int_equal(fevt_parse(&ev, rec, avail, &why), -1);
	assert_non_null(why);
	assert_string_equal(why, want);
}

static void
set32(uint8_t *rec, size_t off, uint32_t v)
{
	memcpy(rec + off, &v, 4);
}

static void
test_parse_malformed(void **state)
{
	static struct evb b;
	static uint8_t r[512];
	uint16_t l16;

	evb_init(&b, FE_SYSCALL_CLOSE_X);
	evb_u64(&b, 0);
	evb_u64(&b, 7);
	evb_finish(&b, 0);

	expect_malformed(b.rec, 0, "record shorter than the event header");
	expect_malformed(b.rec, FEVT_HDR_LEN - 1,
	    "record shorter than the event header");
	/* Truncated: len says more than is available. */
	expect_malformed(b.rec, b.rlen - 1,
	    "event length beyond the available bytes");

	memcpy(r, b.rec, b.rlen);
	set32(r, offsetof(struct fevt_hdr, len), 10);
	expect_malformed(r, b.rlen, "event length shorter than its header");

	memcpy(r, b.rec, b.rlen);
	l16 = FE_MAX;
	memcpy(r + offsetof(struct fevt_hdr, type), &l16, 2);
	expect_malformed(r, b.rlen, "event type beyond the schema");

	memcpy(r, b.rec, b.rlen);
	set32(r, offsetof(struct fevt_hdr, nparams), 33);
	expect_malformed(r, b.rlen, "too many parameters");
	set32(r, offsetof(struct fevt_hdr, nparams), 0xffffffffu);
	expect_malformed(r, b.rlen, "too many parameters");

	/* The length array does not fit in len. */
	memcpy(r, b.rec, b.rlen);
	set32(r, offsetof(struct fevt_hdr, nparams), 20);
	expect_malformed(r, b.rlen,
	    "parameter lengths beyond the event length");

	/* A parameter length overflowing the record. */
	memcpy(r, b.rec, b.rlen);
	l16 = 9;
	memcpy(r + FEVT_HDR_LEN + 2, &l16, 2);
	expect_malformed(r, b.rlen, "parameter beyond the event length");
	l16 = 0xffff;
	memcpy(r + FEVT_HDR_LEN, &l16, 2);
	expect_malformed(r, b.rlen, "parameter beyond the event length");

	/* u32 lengths near 4 GiB must not wrap the running offset. */
	evb_init(&b, FE_ASYNCEVENT_E);
	evb_u32(&b, 1);
	evb_str(&b, "n");
	evb_str(&b, "data");
	evb_finish(&b, 1);
	memcpy(r, b.rec, b.rlen);
	set32(r, FEVT_HDR_LEN + 4, 0xfffffff0u);
	expect_malformed(r, b.rlen, "parameter beyond the event length");
}

static void
test_render_param_no_state(void **state)
{
	static struct evb b;
	struct fevt ev;
	struct sbuf sb = SBUF_INIT, val = SBUF_INIT, res = SBUF_INIT;
	const char *why;

	/* The generic event: no evt.args, but its values still render. */
	evb_init(&b, FE_GENERIC_X);
	evb_u16(&b, FE_SC_IO_GETEVENTS);
	evb_u16(&b, 208);
	evb_finish(&b, 0);
	assert_int_equal(fevt_parse(&ev, b.rec, b.rlen, &why), 0);
	schema_render_args(&sb, &ev, NULL);
	assert_string_equal(sbuf_str(&sb), "");
	sbuf_reset(&sb);
	schema_render_param(&sb, &ev, 0);
	assert_string_equal(sbuf_str(&sb), "161(io_getevents)");
	schema_param_str(&val, &res, &ev, 1, NULL);
	assert_string_equal(sbuf_str(&val), "208");
	assert_string_equal(sbuf_str(&res), "");
	/* Out of range: nothing. */
	sbuf_reset(&val);
	schema_param_str(&val, NULL, &ev, 5, NULL);
	assert_string_equal(sbuf_str(&val), "");
	/* Unassigned and out-of-range syscall codes. */
	evb_init(&b, FE_GENERIC_X);
	evb_u16(&b, 382);
	evb_u16(&b, 0);
	evb_finish(&b, 0);
	assert_int_equal(fevt_parse(&ev, b.rec, b.rlen, &why), 0);
	sbuf_reset(&sb);
	schema_render_param(&sb, &ev, 0);
	assert_string_equal(sbuf_str(&sb), "382");
	evb_init(&b, FE_GENERIC_E);
	evb_u16(&b, 60000);
	evb_u16(&b, 0);
	evb_finish(&b, 0);
	assert_int_equal(fevt_parse(&ev, b.rec, b.rlen, &why), 0);
	sbuf_reset(&sb);
	schema_render_args(&sb, &ev, NULL);
	assert_string_equal(sbuf_str(&sb), "ID=<unknown syscall> nativeID=0");

	/* An old capture's extra parameter the schema lacks. */
	evb_init(&b, FE_SYSCALL_CLOSE_X);
	evb_u64(&b, 0);
	evb_u64(&b, 3);
	evb_u32(&b, 1);
	evb_finish(&b, 0);
	assert_int_equal(fevt_parse(&ev, b.rec, b.rlen, &why), 0);
	sbuf_reset(&sb);
	schema_render_args(&sb, &ev, NULL);
	assert_string_equal(sbuf_str(&sb), "res=0 fd=3 ?=<4 bytes>");
	assert_int_equal(FE_SC_IO_GETEVENTS, 161);
	sbuf_free(&sb);
	sbuf_free(&val);
	sbuf_free(&res);
}

static void
test_render_cases(void **state)
{
	const char *src = getenv("FALCO_SRC");
	char path[4096];
	int n = 0, bad;

	/* Absolute times are printed in local time, as Falco does. */
	setenv("TZ", "UTC", 1);
	tzset();
	snprintf(path, sizeof(path), "%s/tests/schema/render_cases.txt",
	    src != NULL ? src : ".");
	bad = run_render_cases(path, &n);
	assert_int_equal(bad, 0);
	assert_true(n >= 50);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pinned_ids),
		cmocka_unit_test(test_layouts),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_syscalls),
		cmocka_unit_test(test_kern_tables),
		cmocka_unit_test(test_errno_signal),
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_render_param_no_state),
		cmocka_unit_test(test_render_cases),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
