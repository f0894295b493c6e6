/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The capture layer's sources: replay, modern eBPF, kernel module.  Each
 * source is a small set of functions behind struct capture; recording
 * (record.c) sits on top of all of them.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/bpf_driver.h"
#include "capture/capture.h"
#include "capture/capture_int.h"
#include "config/config.h"
#include "kmod/kmod.h"
#include "scapfile/scapfile.h"
#include "state/state.h"
#include "util/log.h"
#include "util/xmalloc.h"

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

const char *
capture_kind_name(enum capture_kind k)
{
	switch (k) {
	case CAPTURE_REPLAY:
		return "replay";
	case CAPTURE_MODERN_EBPF:
		return "modern_ebpf";
	case CAPTURE_KMOD:
		return "kmod";
	}
	return "?";
}

uint32_t
capture_preset_bytes(int64_t preset)
{
	if (preset == 0)
		preset = 4;
	if (preset < 1 || preset > 10)
		return 0;
	return (uint32_t)1 << (20 + preset - 1);
}

/*
 * An engine key, or its pre-0.38 name when the engine key gives the
 * default; *usedp names the key the value came from, for messages.
 */
static int64_t
legacy_int(const struct config *cfg, const char *key, const char *old,
    int64_t def, const char **usedp)
{
	int64_t v = config_int(cfg, key, def);

	*usedp = key;
	if (v == def && config_has(cfg, old)) {
		v = config_int(cfg, old, def);
		*usedp = old;
	}
	return v;
}

int
capture_opts_from_config(struct capture_opts *o, const struct config *cfg,
    const char *trace_file, char *err, size_t errlen)
{
	const char *kind = config_str(cfg, "engine.kind", "kmod");
	const char *pkey, *dkey, *used;
	int64_t v;

	memset(o, 0, sizeof(*o));
	o->procdir = "/proc";
	o->record_path = config_str(cfg, "engine.capture_file", NULL);
	if (o->record_path != NULL && *o->record_path == '\0')
		o->record_path = NULL;
	if (trace_file != NULL) {
		o->kind = CAPTURE_REPLAY;
		o->replay_path = trace_file;
		return 0;
	}
	if (strcmp(kind, "replay") == 0) {
		o->kind = CAPTURE_REPLAY;
		o->replay_path = config_str(cfg, "engine.replay.capture_file",
		    NULL);
		if (o->replay_path == NULL || *o->replay_path == '\0') {
			seterr(err, errlen, "engine.kind is replay but no "
			    "engine.replay.capture_file is set");
			return -1;
		}
		return 0;
	}
	if (strcmp(kind, "modern_ebpf") == 0) {
		o->kind = CAPTURE_MODERN_EBPF;
		pkey = "engine.modern_ebpf.buf_size_preset";
		dkey = "engine.modern_ebpf.drop_failed_exit";
		v = legacy_int(cfg, "engine.modern_ebpf.cpus_for_each_buffer",
		    "modern_bpf.cpus_for_each_syscall_buffer", 2, &used);
		if (v < 0 || v > 4096) {
			seterr(err, errlen, "%s: %lld is out of range", used,
			    (long long)v);
			return -1;
		}
		o->cpus_per_ring = (uint32_t)v;
	} else if (strcmp(kind, "kmod") == 0) {
		o->kind = CAPTURE_KMOD;
		pkey = "engine.kmod.buf_size_preset";
		dkey = "engine.kmod.drop_failed_exit";
	} else if (strcmp(kind, "ebpf") == 0) {
		seterr(err, errlen, "engine.kind 'ebpf' (the legacy eBPF "
		    "probe, engine.ebpf.probe) is not supported by this "
		    "build; use engine.kind=modern_ebpf");
		return -1;
	} else {
		seterr(err, errlen, "engine.kind '%s' is not available in "
		    "this build (kmod, modern_ebpf, replay, nodriver are)",
		    kind);
		return -1;
	}
	v = legacy_int(cfg, pkey, "syscall_buf_size_preset", 4, &used);
	if ((o->ring_bytes = capture_preset_bytes(v)) == 0) {
		seterr(err, errlen, "%s: %lld is not a preset (0 to 10)",
		    used, (long long)v);
		return -1;
	}
	o->drop_failed = config_bool(cfg, dkey, 0) ||
	    config_bool(cfg, "syscall_drop_failed_exit", 0);
	v = config_int(cfg, "falco_libs.snaplen", 80);
	if (v < 0 || v > 65000) {
		seterr(err, errlen, "falco_libs.snaplen: %lld is out of "
		    "range (0 to 65000)", (long long)v);
		return -1;
	}
	o->snaplen = (uint32_t)v;
	return 0;
}

/* ---- replay ------------------------------------------------------- */

static int
replay_open(struct capture *c, char *err, size_t errlen)
{
	size_t n = 0;

	if ((c->rd = scap_reader_open(c->o.replay_path, err, errlen)) ==
	    NULL)
		return -1;
	(void)scap_reader_users(c->rd, &n);
	c->host_users = n == 0;
	return 0;
}

static int
replay_next(struct capture *c, struct fevt *ev)
{
	int r = scap_reader_next(c->rd, ev, NULL);

	if (r == 1)
		return CAPTURE_EVENT;
	if (r == 0)
		return CAPTURE_END;
	snprintf(c->err, sizeof(c->err), "%s", scap_reader_error(c->rd));
	return CAPTURE_ERROR;
}

/* ---- modern eBPF -------------------------------------------------- */

static int
ebpf_open(struct capture *c, char *err, size_t errlen)
{
	struct bpf_driver_config bc;
	char why[256];

	if (bpf_driver_support_check(why, sizeof(why)) != 0) {
		seterr(err, errlen, "the modern eBPF driver cannot run on "
		    "this kernel: %s", why);
		return -1;
	}
	bpf_driver_config_default(&bc);
	if (c->o.ring_bytes != 0)
		bc.ring_bytes = c->o.ring_bytes;
	bc.cpus_per_ring = c->o.cpus_per_ring;
	if (c->o.snaplen != 0)
		bc.snaplen = c->o.snaplen;
	bc.drop_failed = c->o.drop_failed;
	if ((c->bpf = bpf_driver_open(&bc)) == NULL) {
		seterr(err, errlen, "cannot load the modern eBPF driver "
		    "(see the log above)");
		return -1;
	}
	c->host_users = 1;
	return 0;
}

static int
ebpf_interest(struct capture *c, const struct capture_interest *in)
{
	uint32_t nr, tp = 0;
	int r;

	if (bpf_driver_set_all_syscalls(c->bpf, in->all) != 0)
		return -1;
	for (nr = 0; !in->all && nr < CAPTURE_NR_MAX; nr++) {
		if (!capture_interest_has(in, nr))
			continue;
		/* Numbers the driver has no program for are skipped. */
		if ((r = bpf_driver_set_syscall(c->bpf, nr, 1)) != 0 &&
		    r != -EINVAL)
			return -1;
	}
	if (in->exec_tp)
		tp |= BPF_DRIVER_TP_EXEC;
	if (in->exit_tp)
		tp |= BPF_DRIVER_TP_EXIT;
	bpf_driver_set_tracepoints(c->bpf, tp);
	return 0;
}

static int
ebpf_next(struct capture *c, struct fevt *ev, int timeout_ms)
{
	const struct fevt_hdr *rec;
	const char *why;
	uint16_t ring;
	int r;

	for (;;) {
		r = bpf_driver_next(c->bpf, &rec, &ring, timeout_ms);
		if (r == 0 || r == -EINTR)
			return CAPTURE_IDLE;
		if (r < 0) {
			snprintf(c->err, sizeof(c->err), "reading the eBPF "
			    "rings: %s", strerror(-r));
			return CAPTURE_ERROR;
		}
		/* fevt_parse() sets what a view holds (the record is read
		   in place); no clearing per event. */
		if (fevt_parse(ev, rec, rec->len, &why) == 0) {
			ev->cpu = ring;
			return CAPTURE_EVENT;
		}
		c->n_bad++;
		log_debug("capture: malformed eBPF record skipped: %s", why);
	}
}

static int
ebpf_stats(struct capture *c, struct capture_counters *st)
{
	struct bpf_driver_stats bs;

	if (bpf_driver_stats(c->bpf, &bs) != 0)
		return -1;
	st->ebpf = 1;
	st->n_evts = bs.n_evts;
	st->n_drops = bs.n_drops;
	st->n_drops_buffer = bs.n_drops_buffer;
	st->n_drops_too_big = bs.n_drops_max_size;
	st->n_drops_no_ring = bs.n_drops_no_ring;
	st->n_drops_scratch = bs.n_drops_scratch;
	st->n_drops_bug = bs.n_bad_records + c->n_bad;
	st->n_user_faults = bs.n_user_faults;
	return 0;
}

/* ---- kernel module ------------------------------------------------ */

static int
kmod_src_open(struct capture *c, char *err, size_t errlen)
{
	int e = 0;

	if ((c->km = kmod_open(c->o.devdir, &e)) == NULL) {
		if (e == -ENOENT)
			seterr(err, errlen, "the falco kernel module is not "
			    "loaded (no %s/falco0)", c->o.devdir != NULL ?
			    c->o.devdir : "/dev");
		else
			seterr(err, errlen, "cannot open the falco kernel "
			    "module: %s", strerror(-e));
		return -1;
	}
	c->host_users = 1;
	return 0;
}

/* The module's mask is by syscall code (Falco's ppm_sc numbering). */
static void
kmod_mask(const struct capture_interest *in, uint8_t *mask)
{
	uint32_t nr;
	int sc;

	memset(mask, 0, FALCO_NL_SC_MASK_LEN);
	for (nr = 0; nr < CAPTURE_NR_MAX; nr++) {
		if (!in->all && !capture_interest_has(in, nr))
			continue;
		sc = schema_syscall_from_native(nr);
		if (sc >= 0 && sc < FALCO_NL_SC_MASK_LEN * 8)
			mask[sc / 8] |= (uint8_t)(1u << (sc % 8));
	}
}

static void
kmod_release_pending(struct capture *c)
{
	if (c->km_rec != NULL) {
		kmod_release(c->km, c->km_cpu, c->km_rec);
		c->km_rec = NULL;
	}
}

static int
kmod_src_next(struct capture *c, struct fevt *ev, int timeout_ms)
{
	const struct fevt_hdr *rec;
	const char *why;
	unsigned cpu;
	int r, polled = 0;

	kmod_release_pending(c);
	for (;;) {
		if ((rec = kmod_next(c->km, &cpu)) == NULL) {
			if (polled || timeout_ms == 0)
				return CAPTURE_IDLE;
			r = kmod_poll(c->km, timeout_ms);
			if (r < 0 && r != -EINTR) {
				snprintf(c->err, sizeof(c->err), "waiting "
				    "for the kernel module: %s",
				    strerror(-r));
				return CAPTURE_ERROR;
			}
			polled = 1;
			continue;
		}
		if (rec->type == FALCO_RING_GAP) {
			/* Drops were counted by the module already. */
			kmod_release(c->km, cpu, rec);
			continue;
		}
		if (fevt_parse(ev, rec, rec->len, &why) != 0) {
			c->n_bad++;
			log_debug("capture: malformed kmod record skipped: "
			    "%s", why);
			kmod_release(c->km, cpu, rec);
			continue;
		}
		ev->cpu = (uint16_t)cpu;
		/* Released at the next call, when the caller is done. */
		c->km_rec = rec;
		c->km_cpu = cpu;
		return CAPTURE_EVENT;
	}
}

static int
kmod_src_stats(struct capture *c, struct capture_counters *st)
{
	struct kmod_cpu_stats *cs;
	unsigned max = kmod_info(c->km)->nr_cpus, i;
	int n;

	cs = xcalloc(max + 1, sizeof(*cs));
	if ((n = kmod_stats(c->km, cs, max + 1)) < 0) {
		free(cs);
		return -1;
	}
	for (i = 0; i < (unsigned)n; i++) {
		st->n_evts += cs[i].evts + cs[i].drops[FALCO_DROP_FULL] +
		    cs[i].drops[FALCO_DROP_TOO_BIG] +
		    cs[i].drops[FALCO_DROP_REENTRY] +
		    cs[i].drops[FALCO_DROP_NO_RING];
		st->n_drops_buffer += cs[i].drops[FALCO_DROP_FULL];
		st->n_drops_too_big += cs[i].drops[FALCO_DROP_TOO_BIG];
		st->n_drops_scratch += cs[i].drops[FALCO_DROP_REENTRY];
		st->n_drops_no_ring += cs[i].drops[FALCO_DROP_NO_RING];
		st->n_drops_bug += cs[i].drops[FALCO_DROP_BAD_TAIL];
	}
	st->n_drops_bug += c->n_bad + kmod_corrupt(c->km);
	st->n_drops = st->n_drops_buffer + st->n_drops_too_big +
	    st->n_drops_scratch + st->n_drops_no_ring + st->n_drops_bug;
	free(cs);
	return 0;
}

/* ---- the interface ------------------------------------------------ */

struct capture *
capture_open(const struct capture_opts *o, char *err, size_t errlen)
{
	struct capture *c = xcalloc(1, sizeof(*c));
	int r = -1;

	c->o = *o;
	if (c->o.procdir == NULL)
		c->o.procdir = "/proc";
	switch (o->kind) {
	case CAPTURE_REPLAY:
		r = replay_open(c, err, errlen);
		break;
	case CAPTURE_MODERN_EBPF:
		r = ebpf_open(c, err, errlen);
		break;
	case CAPTURE_KMOD:
		r = kmod_src_open(c, err, errlen);
		break;
	}
	if (r != 0) {
		free(c);
		return NULL;
	}
	return c;
}

enum capture_kind
capture_kind(const struct capture *c)
{
	return c->o.kind;
}

int
capture_is_live(const struct capture *c)
{
	return c->o.kind != CAPTURE_REPLAY;
}

int
capture_host_users(const struct capture *c)
{
	return c->host_users;
}

int
capture_set_interest(struct capture *c, const struct capture_interest *in)
{
	uint8_t mask[FALCO_NL_SC_MASK_LEN];

	c->interest = *in;
	c->have_interest = 1;
	switch (c->o.kind) {
	case CAPTURE_MODERN_EBPF:
		if (ebpf_interest(c, in) != 0) {
			snprintf(c->err, sizeof(c->err), "cannot set the "
			    "eBPF driver's syscall mask");
			return -1;
		}
		break;
	case CAPTURE_KMOD:
		/* Before attach, the mask travels with the attach command. */
		if (c->started) {
			kmod_mask(in, mask);
			if (kmod_set_mask(c->km, mask) != 0) {
				snprintf(c->err, sizeof(c->err), "cannot set "
				    "the kernel module's syscall mask");
				return -1;
			}
		}
		break;
	case CAPTURE_REPLAY:
		break;
	}
	return 0;
}

void
capture_set_snaplen(struct capture *c, uint32_t snaplen)
{
	c->o.snaplen = snaplen;
	if (c->o.kind == CAPTURE_MODERN_EBPF)
		bpf_driver_set_snaplen(c->bpf, snaplen);
	else if (c->o.kind == CAPTURE_KMOD && c->started)
		(void)kmod_set_snaplen(c->km, snaplen);
}

long
capture_seed_state(struct capture *c, struct state *st)
{
	long n;

	if (c->o.kind == CAPTURE_REPLAY)
		n = (long)state_seed_capture(st, c->rd);
	else if ((n = state_seed_proc(st, c->o.procdir)) < 0) {
		snprintf(c->err, sizeof(c->err), "cannot read %s",
		    c->o.procdir);
		return -1;
	}
	if (c->o.record_path != NULL && capture_record_open(c, st) != 0)
		return -1;
	return n;
}

int
capture_start(struct capture *c)
{
	uint8_t mask[FALCO_NL_SC_MASK_LEN];
	struct capture_interest all;
	int r;

	if (c->started || c->o.kind == CAPTURE_REPLAY) {
		c->started = 1;
		return 0;
	}
	if (!c->have_interest) {
		memset(&all, 0, sizeof(all));
		all.all = all.exec_tp = all.exit_tp = 1;
		if (capture_set_interest(c, &all) != 0)
			return -1;
	}
	if (c->o.kind == CAPTURE_MODERN_EBPF) {
		if ((r = bpf_driver_attach(c->bpf)) != 0) {
			snprintf(c->err, sizeof(c->err), "cannot attach the "
			    "eBPF driver: %s", strerror(-r));
			return -1;
		}
	} else {
		kmod_mask(&c->interest, mask);
		if ((r = kmod_set_drop_failed(c->km, c->o.drop_failed)) != 0) {
			snprintf(c->err, sizeof(c->err), "drop_failed_exit: "
			    "the loaded kernel module is too old (API 1.1 "
			    "needed); reload it with falco-driver-loader");
			return -1;
		}
		if ((r = kmod_attach(c->km, mask, c->o.snaplen, 0)) != 0) {
			snprintf(c->err, sizeof(c->err), "cannot start the "
			    "kernel module capture: %s", strerror(-r));
			return -1;
		}
	}
	c->started = 1;
	log_info("capture: %s attached, %zu syscalls%s",
	    capture_kind_name(c->o.kind), c->interest.all ? (size_t)0 :
	    c->interest.count, c->interest.all ? " (all)" : "");
	return 0;
}

int
capture_next(struct capture *c, struct fevt *ev, int timeout_ms)
{
	int r = CAPTURE_ERROR;

	switch (c->o.kind) {
	case CAPTURE_REPLAY:
		r = replay_next(c, ev);
		break;
	case CAPTURE_MODERN_EBPF:
		r = ebpf_next(c, ev, timeout_ms);
		break;
	case CAPTURE_KMOD:
		r = kmod_src_next(c, ev, timeout_ms);
		break;
	}
	if (r != CAPTURE_EVENT)
		return r;
	c->n_read++;
	if (c->w != NULL && capture_record_event(c, ev) != 0)
		return CAPTURE_ERROR;
	return r;
}

int
capture_stats(struct capture *c, struct capture_counters *st)
{
	int r = -1;

	memset(st, 0, sizeof(*st));
	switch (c->o.kind) {
	case CAPTURE_REPLAY:
		r = -1;
		break;
	case CAPTURE_MODERN_EBPF:
		r = ebpf_stats(c, st);
		break;
	case CAPTURE_KMOD:
		r = kmod_src_stats(c, st);
		break;
	}
	st->n_read = c->n_read;
	st->n_recorded = c->n_recorded;
	return r;
}

const char *
capture_error(const struct capture *c)
{
	return c->err;
}

int
capture_close(struct capture *c)
{
	struct capture_counters st;
	uint64_t unread;
	int rc = 0;

	if (c == NULL)
		return 0;
	/*
	 * produced = read + dropped + what was still in the rings when the
	 * loop stopped; the last term is said, so that the sum adds up.
	 */
	if (c->started && capture_is_live(c) && capture_stats(c, &st) == 0) {
		unread = st.n_evts > st.n_read + st.n_drops ?
		    st.n_evts - st.n_read - st.n_drops : 0;
		log_info("capture: %s: %llu events read, %llu produced, "
		    "%llu left unread in the rings at stop, "
		    "%llu dropped (buffer %llu, too big %llu, scratch %llu, "
		    "no ring %llu, bug %llu), %llu parameters lost to "
		    "faults", capture_kind_name(c->o.kind),
		    (unsigned long long)st.n_read,
		    (unsigned long long)st.n_evts,
		    (unsigned long long)unread,
		    (unsigned long long)st.n_drops,
		    (unsigned long long)st.n_drops_buffer,
		    (unsigned long long)st.n_drops_too_big,
		    (unsigned long long)st.n_drops_scratch,
		    (unsigned long long)st.n_drops_no_ring,
		    (unsigned long long)st.n_drops_bug,
		    (unsigned long long)st.n_user_faults);
	}
	switch (c->o.kind) {
	case CAPTURE_REPLAY:
		if (c->rd != NULL)
			scap_reader_close(c->rd);
		break;
	case CAPTURE_MODERN_EBPF:
		bpf_driver_close(c->bpf);
		break;
	case CAPTURE_KMOD:
		kmod_release_pending(c);
		kmod_close(c->km);
		break;
	}
	rc = capture_record_close(c);
	free(c);
	return rc;
}
