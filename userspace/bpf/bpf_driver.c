/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Loader and consumer of the modern eBPF driver (see bpf_driver.h).
 *
 * The rings are BPF_MAP_TYPE_RINGBUF maps created here, one per group
 * of cpus_per_ring CPUs, and stored in the programs' ARRAY_OF_MAPS so
 * that entry i is the ring of CPU i.  The per-syscall fillers are put
 * into the programs' tail-call arrays after loading, by name: program
 * fx_<syscall> fills the exit event of <syscall>, fe_<syscall> its
 * enter event.
 *
 * Enter events (open, openat, openat2, creat, connect) come either from
 * fn_<syscall>, attached with fentry to the syscall's entry function,
 * one link per syscall wanted, or from fb_sys_enter on the sys_enter
 * tracepoint, which runs for every syscall of the host and tail-calls
 * fe_<syscall>.  The choice is made at load: fentry when the kernel's
 * BTF has the five entry functions and loading works, unless the
 * configuration asks for the tracepoint.  Only the chosen set is loaded.
 *
 * Some exit fillers also exist as fc_<syscall>, which reads kernel
 * structures through bpf_rdonly_cast() (plain loads instead of a helper
 * call each): where the kernel has that kfunc, fc_<syscall> is loaded
 * and takes the slot of fx_<syscall>, which is then not loaded.
 */
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "bpf/bpf_driver.h"
#include "bpf/bpf_ring.h"
#include "bpf/fb_abi.h"
#include "bpf/fb_probe.skel.h"
#include "falco_schema_kern.h"
#include "util/log.h"
#include "util/xmalloc.h"

struct bpf_driver {
	struct fb_probe		*skel;
	struct bpf_driver_config cfg;
	int			 ncpus;
	unsigned		 nrings;
	struct bpf_ring		*rings;
	int			 epfd;
	struct bpf_link		*links[3];
	int			 nlinks;
	struct bpf_link		*enter_link;	/* fb_sys_enter, while needed */
	int			 fentry;	/* enter events by fentry */
	int			 cast;		/* fc_* fillers replace fx_* */
	struct bpf_link		*fentry_links[5]; /* fn_*, while needed */
	uint8_t			 interest[FB_NSYSCALLS];
	int			 last;	/* ring of the last record */
	uint64_t		 n_read;
	uint64_t		 n_bad;
};

/* Syscalls with a filler program (fx_NAME, and fe_NAME if any). */
#define FB_FILLERS(X)							\
	X(open) X(openat) X(openat2) X(creat) X(close) X(dup) X(dup2)	\
	X(dup3) X(fcntl) X(pipe) X(pipe2) X(read) X(write) X(pread64)	\
	X(pwrite64) X(readv) X(writev) X(unlink) X(unlinkat) X(rename)	\
	X(renameat) X(renameat2) X(mkdir) X(mkdirat) X(rmdir)		\
	X(symlink) X(symlinkat) X(link) X(linkat) X(chmod) X(fchmod)	\
	X(fchmodat) X(chown) X(lchown) X(fchown) X(fchownat) X(chdir)	\
	X(fchdir) X(chroot) X(mount) X(umount2) X(memfd_create)		\
	X(userfaultfd) X(mmap) X(mprotect) X(epoll_create1)		\
	X(prlimit64)							\
	X(socket) X(socketpair) X(connect) X(accept) X(accept4) X(bind)	\
	X(listen) X(sendto) X(recvfrom) X(sendmsg) X(recvmsg)		\
	X(execve) X(execveat) X(clone) X(clone3) X(fork) X(vfork)	\
	X(setuid) X(setgid) X(setreuid) X(setregid) X(setresuid)	\
	X(setresgid) X(capset) X(unshare) X(setns) X(kill) X(tgkill)	\
	X(prctl) X(ptrace) X(bpf) X(init_module) X(finit_module)	\
	X(delete_module)

static const struct {
	const char	*name;
	uint32_t	 nr;
} fillers[] = {
#define FB_FILLER_ENTRY(n)	{ #n, __NR_##n },
	FB_FILLERS(FB_FILLER_ENTRY)
#undef FB_FILLER_ENTRY
};

/*
 * Syscalls with an enter event: their arguments must be read before the
 * call runs (TOCTOU).  fentry_links[] follows this order.
 */
static const struct {
	const char	*name;
	uint32_t	 nr;
} enters[] = {
	{ "open", __NR_open },
	{ "openat", __NR_openat },
	{ "openat2", __NR_openat2 },
	{ "creat", __NR_creat },
	{ "connect", __NR_connect },
};
#define NENTERS	(sizeof(enters) / sizeof(enters[0]))

/* Later programs of the execve and clone chains. */
static const struct {
	const char	*name;
	uint32_t	 slot;
} chain_exit[] = {
	{ "fx_exec_2", FB_XT_EXEC_2 },
	{ "fx_exec_3", FB_XT_EXEC_3 },
	{ "fx_exec_4", FB_XT_EXEC_4 },
	{ "fx_clone_2", FB_XT_CLONE_2 },
};

void
bpf_driver_config_default(struct bpf_driver_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->ring_bytes = 8u << 20;
	cfg->cpus_per_ring = 1;
	cfg->snaplen = FB_DEFAULT_SNAPLEN;
	cfg->wakeup_bytes = cfg->ring_bytes / 16;
	cfg->poll_ms = 2;
	cfg->ignore_self = 1;
	cfg->enter_fentry = 1;
}

static int
libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char *buf;
	size_t n;

	if (level != LIBBPF_WARN && log_get_level() < LOG_DEBUG)
		return 0;
	/* Verifier logs are long: no fixed-size buffer. */
	if (vasprintf(&buf, fmt, ap) < 0)
		return 0;
	n = strlen(buf);
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	if (level == LIBBPF_WARN)
		log_warn("libbpf: %s", buf);
	else
		log_debug("libbpf: %s", buf);
	free(buf);
	return 0;
}

/*
 * realtime - boottime, from the closest of a few samples, so that
 * boottime + epoch is wall-clock time.
 */
static uint64_t
boot_epoch(void)
{
	struct timespec a, b, c;
	uint64_t best = 0, span, bestspan = UINT64_MAX, ra, rc, bt;
	int i;

	for (i = 0; i < 5; i++) {
		clock_gettime(CLOCK_REALTIME, &a);
		clock_gettime(CLOCK_BOOTTIME, &b);
		clock_gettime(CLOCK_REALTIME, &c);
		ra = a.tv_sec * 1000000000ull + a.tv_nsec;
		rc = c.tv_sec * 1000000000ull + c.tv_nsec;
		bt = b.tv_sec * 1000000000ull + b.tv_nsec;
		span = rc - ra;
		if (span < bestspan) {
			bestspan = span;
			best = ra + span / 2 - bt;
		}
	}
	return best;
}

void
bpf_driver_sync_clock(struct bpf_driver *drv)
{
	drv->skel->bss->fb_boot_epoch = boot_epoch();
}

static int
check_config(const struct bpf_driver_config *cfg)
{
	long page = sysconf(_SC_PAGESIZE);

	if (cfg->ring_bytes < 2 * page ||
	    (cfg->ring_bytes & (cfg->ring_bytes - 1)) != 0) {
		log_err("bpf: ring size %u is not a power of two of at least "
		    "2 pages", cfg->ring_bytes);
		return -EINVAL;
	}
	if (cfg->snaplen > FB_MAX_SNAPLEN) {
		log_err("bpf: snaplen %u over %u", cfg->snaplen,
		    FB_MAX_SNAPLEN);
		return -EINVAL;
	}
	return 0;
}

/* Create the rings and their mappings, before the object is loaded. */
static int
make_rings(struct bpf_driver *drv)
{
	unsigned per = drv->cfg.cpus_per_ring, i;
	int fd, r;

	if (per == 0 || per > (unsigned)drv->ncpus)
		per = drv->ncpus;
	drv->nrings = (drv->ncpus + per - 1) / per;
	drv->rings = xcalloc(drv->nrings, sizeof(*drv->rings));
	for (i = 0; i < drv->nrings; i++)
		drv->rings[i].fd = -1;
	for (i = 0; i < drv->nrings; i++) {
		fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "fb_ring", 0, 0,
		    drv->cfg.ring_bytes, NULL);
		if (fd < 0) {
			r = -errno;
			log_err("bpf: cannot create ring %u of %u bytes: %s",
			    i, drv->cfg.ring_bytes, strerror(-r));
			return r;
		}
		if ((r = bpf_ring_map(&drv->rings[i], fd,
		    drv->cfg.ring_bytes)) != 0) {
			close(fd);
			drv->rings[i].fd = -1;
			log_err("bpf: cannot map ring %u: %s", i, strerror(-r));
			return r;
		}
	}
	return 0;
}

/* Point every CPU's entry of fb_rings at its group's ring. */
static int
fill_ring_table(struct bpf_driver *drv)
{
	int mfd = bpf_map__fd(drv->skel->maps.fb_rings);
	unsigned per = (drv->ncpus + drv->nrings - 1) / drv->nrings;
	uint32_t cpu;
	int rfd;

	for (cpu = 0; cpu < (uint32_t)drv->ncpus; cpu++) {
		rfd = drv->rings[cpu / per].fd;
		if (bpf_map_update_elem(mfd, &cpu, &rfd, BPF_ANY) != 0) {
			log_err("bpf: cannot install ring of cpu %u: %s", cpu,
			    strerror(errno));
			return -errno;
		}
	}
	return 0;
}

static int
set_tail(int mfd, uint32_t slot, struct bpf_program *p)
{
	int pfd = bpf_program__fd(p);

	if (bpf_map_update_elem(mfd, &slot, &pfd, BPF_ANY) != 0) {
		log_err("bpf: cannot install program %s: %s",
		    bpf_program__name(p), strerror(errno));
		return -errno;
	}
	return 0;
}

/* Fill the tail-call tables from the program names. */
static int
fill_tail_tables(struct bpf_driver *drv)
{
	struct bpf_object *obj = drv->skel->obj;
	int xfd = bpf_map__fd(drv->skel->maps.fb_exit_tail);
	int efd = bpf_map__fd(drv->skel->maps.fb_enter_tail);
	int cfd = bpf_map__fd(drv->skel->maps.fb_exec_tail);
	struct bpf_program *p;
	char name[64];
	size_t i;
	int r;

	for (i = 0; i < sizeof(fillers) / sizeof(fillers[0]); i++) {
		snprintf(name, sizeof(name), "fc_%s", fillers[i].name);
		p = bpf_object__find_program_by_name(obj, name);
		if (p == NULL || !bpf_program__autoload(p)) {
			snprintf(name, sizeof(name), "fx_%s",
			    fillers[i].name);
			p = bpf_object__find_program_by_name(obj, name);
		}
		if (p == NULL) {
			log_err("bpf: program %s missing", name);
			return -ENOENT;
		}
		if ((r = set_tail(xfd, fillers[i].nr, p)) != 0)
			return r;
		/* Enter fillers, unless fentry programs replace them. */
		snprintf(name, sizeof(name), "fe_%s", fillers[i].name);
		p = bpf_object__find_program_by_name(obj, name);
		if (p != NULL && bpf_program__autoload(p) &&
		    (r = set_tail(efd, fillers[i].nr, p)) != 0)
			return r;
	}
	for (i = 0; i < sizeof(chain_exit) / sizeof(chain_exit[0]); i++) {
		p = bpf_object__find_program_by_name(obj, chain_exit[i].name);
		if (p == NULL || (r = set_tail(xfd, chain_exit[i].slot,
		    p)) != 0)
			return p == NULL ? -ENOENT : r;
	}
	if ((r = set_tail(cfd, 0, drv->skel->progs.fb_sched_exec_2)) != 0 ||
	    (r = set_tail(cfd, 1, drv->skel->progs.fb_sched_exec_3)) != 0)
		return r;
	return 0;
}

/*
 * Can enter events come from fentry programs?  The five entry functions
 * must be in the kernel's BTF (they are not on other architectures or
 * on kernels without syscall wrappers), and the kernel must accept an
 * fentry program: some refuse them (EPERM on hosts that forbid function
 * tracing) while tracepoint programs load.  A "return 0" program is
 * loaded as the test, not attached (attaching patches the function).
 */
static int
fentry_usable(void)
{
	const struct bpf_insn insns[] = {
		{ .code = 0xb7, .dst_reg = 0, .imm = 0 },	/* r0 = 0 */
		{ .code = 0x95 },				/* exit */
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts);
	char fn[64];
	struct btf *vmlinux;
	size_t i;
	int id = -1, fd;

	if ((vmlinux = btf__load_vmlinux_btf()) == NULL)
		return 0;
	for (i = 0; i < NENTERS; i++) {
		snprintf(fn, sizeof(fn), "__x64_sys_%s", enters[i].name);
		if ((id = btf__find_by_name_kind(vmlinux, fn,
		    BTF_KIND_FUNC)) < 0) {
			log_info("bpf: no %s in the kernel BTF: enter events "
			    "through the sys_enter tracepoint", fn);
			break;
		}
	}
	btf__free(vmlinux);
	if (id < 0)
		return 0;
	opts.expected_attach_type = BPF_TRACE_FENTRY;
	opts.attach_btf_id = id;
	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "fb_probe_fentry", "GPL",
	    insns, 2, &opts);
	if (fd < 0) {
		log_info("bpf: fentry programs refused (%s): enter events "
		    "through the sys_enter tracepoint", strerror(errno));
		return 0;
	}
	close(fd);
	return 1;
}

/*
 * Can the fc_* fillers load?  They call the kfunc bpf_rdonly_cast()
 * (Linux 6.2), which a kernel without it rejects even in code that
 * never runs, so the test is its presence in the kernel's BTF.
 */
static int
cast_usable(void)
{
	struct btf *vmlinux;
	int id;

	if (getenv("FB_NO_CAST") != NULL)
		return 0;
	if ((vmlinux = btf__load_vmlinux_btf()) == NULL)
		return 0;
	id = btf__find_by_name_kind(vmlinux, "bpf_rdonly_cast",
	    BTF_KIND_FUNC);
	btf__free(vmlinux);
	return id > 0;
}

/*
 * Only the dispatchers attach; the fillers are reached by tail calls.
 * Load either the fentry enter programs (fn_*) or the sys_enter
 * dispatcher and its fillers (fe_*), never both; and either fc_NAME or
 * fx_NAME.
 */
static void
select_programs(struct fb_probe *skel, int fentry, int cast)
{
	struct bpf_program *p, *twin;
	const char *name;
	char fx[64];

	bpf_object__for_each_program(p, skel->obj) {
		bpf_program__set_autoattach(p, false);
		name = bpf_program__name(p);
		if (strncmp(name, "fn_", 3) == 0)
			bpf_program__set_autoload(p, fentry);
		else if (strncmp(name, "fe_", 3) == 0 ||
		    strcmp(name, "fb_sys_enter") == 0)
			bpf_program__set_autoload(p, !fentry);
		else if (strncmp(name, "fc_", 3) == 0) {
			bpf_program__set_autoload(p, cast);
			snprintf(fx, sizeof(fx), "fx_%s", name + 3);
			twin = bpf_object__find_program_by_name(skel->obj,
			    fx);
			if (twin != NULL)
				bpf_program__set_autoload(twin, !cast);
		}
	}
}

/*
 * FB_VERIFIER_LOG=program keeps that program's whole verifier log (the
 * default buffer keeps only its beginning on older kernels) and logs its
 * end if loading fails: the line that was rejected.
 */
static char *vlog;
#define VLOG_SIZE	(64u << 20)

static void
verifier_log_setup(struct fb_probe *skel)
{
	const char *name = getenv("FB_VERIFIER_LOG");
	struct bpf_program *p;

	if (name == NULL ||
	    (p = bpf_object__find_program_by_name(skel->obj, name)) == NULL)
		return;
	vlog = xcalloc(1, VLOG_SIZE);
	bpf_program__set_log_buf(p, vlog, VLOG_SIZE);
	bpf_program__set_log_level(p, 1);
}

static void
verifier_log_dump(void)
{
	size_t n;

	if (vlog == NULL)
		return;
	n = strlen(vlog);
	log_err("bpf: end of the verifier log (%zu bytes):\n%s", n,
	    vlog + (n > 3000 ? n - 3000 : 0));
	free(vlog);
	vlog = NULL;
}

static void
raise_memlock(void)
{
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };

	/*
	 * Since 5.11 BPF memory is charged to the memory cgroup and this
	 * limit no longer applies; failing to raise it is not an error.
	 */
	if (setrlimit(RLIMIT_MEMLOCK, &rl) != 0)
		log_debug("bpf: cannot raise RLIMIT_MEMLOCK (%s); fine on "
		    "kernels that charge BPF memory to the memory cgroup",
		    strerror(errno));
}

static int
setup_epoll(struct bpf_driver *drv)
{
	struct epoll_event ev;
	unsigned i;

	drv->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (drv->epfd < 0)
		return -errno;
	for (i = 0; i < drv->nrings; i++) {
		memset(&ev, 0, sizeof(ev));
		ev.events = EPOLLIN;
		ev.data.u32 = i;
		if (epoll_ctl(drv->epfd, EPOLL_CTL_ADD, drv->rings[i].fd,
		    &ev) != 0)
			return -errno;
	}
	return 0;
}

/*
 * Open the object, size its maps, load it (the verifier runs here).
 * drv->fentry chooses the enter programs.  Returns 0 or -errno, logged.
 */
static int
load_object(struct bpf_driver *drv)
{
	struct bpf_program *p;
	int r;

	drv->skel = fb_probe__open();
	if (drv->skel == NULL) {
		r = -errno;
		log_err("bpf: cannot open the BPF object: %s", strerror(-r));
		return r;
	}
	select_programs(drv->skel, drv->fentry, drv->cast);
	if (getenv("FB_VERIFIER_STATS") != NULL)
		bpf_object__for_each_program(p, drv->skel->obj)
			bpf_program__set_log_level(p, 4);
	verifier_log_setup(drv->skel);
	if (bpf_map__set_max_entries(drv->skel->maps.fb_rings,
	    drv->ncpus) != 0 ||
	    bpf_map__set_inner_map_fd(drv->skel->maps.fb_rings,
	    drv->rings[0].fd) != 0 ||
	    bpf_map__set_max_entries(drv->skel->maps.fb_scratch_map,
	    drv->ncpus) != 0) {
		r = -errno;
		log_err("bpf: cannot size the maps: %s", strerror(-r));
		return r;
	}
	if ((r = fb_probe__load(drv->skel)) != 0) {
		verifier_log_dump();
		log_err("bpf: cannot load the BPF programs: %s (run with "
		    "debug logging for the verifier's output)", strerror(-r));
		return r;
	}
	return 0;
}

struct bpf_driver *
bpf_driver_open(const struct bpf_driver_config *cfg)
{
	struct bpf_driver *drv;
	int r;

	drv = xcalloc(1, sizeof(*drv));
	drv->epfd = -1;
	drv->last = -1;
	if (cfg != NULL)
		drv->cfg = *cfg;
	else
		bpf_driver_config_default(&drv->cfg);
	if (drv->cfg.poll_ms == 0)
		drv->cfg.poll_ms = 2;
	if (check_config(&drv->cfg) != 0)
		goto fail;
	libbpf_set_print(libbpf_log);
	raise_memlock();
	drv->ncpus = libbpf_num_possible_cpus();
	if (drv->ncpus <= 0) {
		log_err("bpf: cannot count CPUs: %s", strerror(-drv->ncpus));
		goto fail;
	}

	if ((r = make_rings(drv)) != 0)
		goto fail;
	/*
	 * Load with fentry enter programs where possible; should the
	 * kernel refuse them, once more with the sys_enter dispatcher.
	 */
	drv->fentry = drv->cfg.enter_fentry && fentry_usable();
	drv->cast = cast_usable();
	if ((r = load_object(drv)) != 0 && drv->cast) {
		log_warn("bpf: cannot load the fc_* fillers (%s); loading "
		    "fx_* instead", strerror(-r));
		fb_probe__destroy(drv->skel);
		drv->skel = NULL;
		drv->cast = 0;
		r = load_object(drv);
	}
	if (r != 0 && drv->fentry) {
		log_warn("bpf: cannot load fentry programs (%s); enter "
		    "events through the sys_enter tracepoint", strerror(-r));
		fb_probe__destroy(drv->skel);
		drv->skel = NULL;
		drv->fentry = 0;
		r = load_object(drv);
	}
	if (r != 0)
		goto fail;
	log_debug("bpf: enter events through %s, %s fillers", drv->fentry ?
	    "fentry" : "sys_enter", drv->cast ? "fc_*" : "fx_*");
	if (fill_ring_table(drv) != 0 || fill_tail_tables(drv) != 0)
		goto fail;
	if ((r = setup_epoll(drv)) != 0) {
		log_err("bpf: epoll on the rings: %s", strerror(-r));
		goto fail;
	}

	/* Settings the programs read at run time. */
	drv->skel->data->fb_snaplen = drv->cfg.snaplen;
	drv->skel->bss->fb_drop_failed = drv->cfg.drop_failed != 0;
	drv->skel->data->fb_wakeup_bytes = drv->cfg.wakeup_bytes;
	drv->skel->bss->fb_ignore_tgid = drv->cfg.ignore_self ? getpid() : 0;
	drv->skel->bss->fb_tp_mask = FB_TP_SCHED_EXEC | FB_TP_SCHED_EXIT;
	bpf_driver_sync_clock(drv);
	log_debug("bpf: loaded, %u ring(s) of %u bytes for %d CPU(s)",
	    drv->nrings, drv->cfg.ring_bytes, drv->ncpus);
	return drv;

fail:
	bpf_driver_close(drv);
	return NULL;
}


/*
 * Attach or detach the fentry program of enter event i as interest in
 * its syscall says.
 */
static int
sync_fentry(struct bpf_driver *drv, size_t i)
{
	struct bpf_program *p;
	char name[32];
	int need = drv->interest[enters[i].nr], r;

	if (need == (drv->fentry_links[i] != NULL))
		return 0;
	if (!need) {
		bpf_link__destroy(drv->fentry_links[i]);
		drv->fentry_links[i] = NULL;
		return 0;
	}
	snprintf(name, sizeof(name), "fn_%s", enters[i].name);
	if ((p = bpf_object__find_program_by_name(drv->skel->obj,
	    name)) == NULL) {
		log_err("bpf: program %s missing", name);
		return -ENOENT;
	}
	/*
	 * XXX should the kernel refuse the attachment after loading the
	 * program (another ftrace user owning the function), this fails:
	 * falling back to sys_enter would need the fe_* programs loaded.
	 */
	if ((drv->fentry_links[i] = bpf_program__attach(p)) == NULL) {
		r = -errno;
		log_err("bpf: cannot attach %s: %s", name, strerror(-r));
		return r;
	}
	return 0;
}

/*
 * Enter programs run only while a syscall with an enter event is
 * wanted: fentry programs one by one, the sys_enter dispatcher (which
 * runs on every syscall of the host) while any of the five is.
 */
static int
sync_enter(struct bpf_driver *drv)
{
	size_t i;
	int need = 0, r;

	if (drv->nlinks == 0)
		return 0;
	if (drv->fentry) {
		for (i = 0; i < NENTERS; i++)
			if ((r = sync_fentry(drv, i)) != 0)
				return r;
		return 0;
	}
	for (i = 0; i < NENTERS; i++)
		need |= drv->interest[enters[i].nr];
	if (need == (drv->enter_link != NULL))
		return 0;
	if (!need) {
		bpf_link__destroy(drv->enter_link);
		drv->enter_link = NULL;
		return 0;
	}
	drv->enter_link = bpf_program__attach(drv->skel->progs.fb_sys_enter);
	if (drv->enter_link == NULL) {
		r = -errno;
		log_err("bpf: cannot attach fb_sys_enter: %s", strerror(-r));
		return r;
	}
	return 0;
}

/* Is native syscall nr wanted? */
static int
native_wanted(const struct bpf_driver *drv, int nr)
{
	return nr >= 0 && nr < FB_NSYSCALLS && drv->interest[nr];
}

/*
 * Write fb_interest[] from drv->interest[] (native numbers): an ia32
 * number is wanted when the native call it maps to is, socketcall when
 * any socket call it stands for is.  The programs read the mapped .bss,
 * so a change is visible at once.
 */
static void
sync_interest(struct bpf_driver *drv)
{
	uint8_t v;
	int nr, i;

	for (nr = 0; nr < FB_NSYSCALLS; nr++) {
		v = drv->interest[nr] ? FB_WANT_NATIVE : 0;
		if (nr == FE_NR_IA32_SOCKETCALL) {
			for (i = 0; i < FE_SOCKETCALL_MAX; i++)
				if (native_wanted(drv, fe_socketcall[i].nr))
					v |= FB_WANT_IA32;
		} else if (nr < FE_NR_IA32_MAX &&
		    native_wanted(drv, fe_ia32_to_x86_64[nr]))
			v |= FB_WANT_IA32;
		drv->skel->bss->fb_interest[nr] = v;
	}
}

int
bpf_driver_set_syscall(struct bpf_driver *drv, uint32_t nr, int on)
{
	if (nr >= FB_NSYSCALLS)
		return -EINVAL;
	drv->interest[nr] = on != 0;
	sync_interest(drv);
	return sync_enter(drv);
}

int
bpf_driver_set_all_syscalls(struct bpf_driver *drv, int on)
{
	uint32_t nr;

	for (nr = 0; nr < FB_NSYSCALLS; nr++)
		drv->interest[nr] = on != 0;
	sync_interest(drv);
	return sync_enter(drv);
}

void
bpf_driver_set_tracepoints(struct bpf_driver *drv, uint32_t mask)
{
	uint32_t m = 0;

	if (mask & BPF_DRIVER_TP_EXEC)
		m |= FB_TP_SCHED_EXEC;
	if (mask & BPF_DRIVER_TP_EXIT)
		m |= FB_TP_SCHED_EXIT;
	drv->skel->bss->fb_tp_mask = m;
}

void
bpf_driver_set_snaplen(struct bpf_driver *drv, uint32_t snaplen)
{
	if (snaplen > FB_MAX_SNAPLEN)
		snaplen = FB_MAX_SNAPLEN;
	drv->skel->data->fb_snaplen = snaplen;
}

int
bpf_driver_attach(struct bpf_driver *drv)
{
	struct bpf_program *progs[] = {
		drv->skel->progs.fb_sys_exit,
		drv->skel->progs.fb_sched_exec,
		drv->skel->progs.fb_sched_exit,
	};
	size_t i;
	int r;

	if (drv->nlinks != 0)
		return 0;
	for (i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		drv->links[i] = bpf_program__attach(progs[i]);
		if (drv->links[i] == NULL) {
			r = -errno;
			log_err("bpf: cannot attach %s: %s",
			    bpf_program__name(progs[i]), strerror(-r));
			bpf_driver_detach(drv);
			return r;
		}
		drv->nlinks = i + 1;
	}
	if ((r = sync_enter(drv)) != 0) {
		bpf_driver_detach(drv);
		return r;
	}
	return 0;
}

void
bpf_driver_detach(struct bpf_driver *drv)
{
	int i;

	for (i = 0; i < drv->nlinks; i++)
		bpf_link__destroy(drv->links[i]);
	drv->nlinks = 0;
	bpf_link__destroy(drv->enter_link);
	drv->enter_link = NULL;
	for (i = 0; i < (int)NENTERS; i++) {
		bpf_link__destroy(drv->fentry_links[i]);
		drv->fentry_links[i] = NULL;
	}
}

/* The ring whose head record has the smallest ts, or -1. */
static int
oldest_ring(struct bpf_driver *drv, const struct fevt_hdr **out)
{
	const struct fevt_hdr *h, *best = NULL;
	int64_t len;
	int bi = -1;
	unsigned i;

	for (i = 0; i < drv->nrings; i++) {
		for (;;) {
			h = (const struct fevt_hdr *)bpf_ring_peek(
			    &drv->rings[i], &len);
			if (h == NULL && len < 0) {
				log_err("bpf: ring %u is corrupt: record of "
				    "%#x bytes at %llu, producer at %llu", i,
				    drv->rings[i].bad_len,
				    (unsigned long long)drv->rings[i].cons,
				    (unsigned long long)drv->rings[i].bad_prod);
				return -EIO;
			}
			if (h == NULL || (len >= FEVT_HDR_LEN &&
			    h->len == (uint64_t)len))
				break;
			/* Never written by our programs: skip it. */
			drv->n_bad++;
			bpf_ring_release(&drv->rings[i]);
		}
		if (h != NULL && (best == NULL || h->ts < best->ts)) {
			best = h;
			bi = i;
		}
	}
	*out = best;
	return bi;
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ll + ts.tv_nsec / 1000000;
}

int
bpf_driver_next(struct bpf_driver *drv, const struct fevt_hdr **rec,
    uint16_t *ring, int timeout_ms)
{
	struct epoll_event evs[8];
	int64_t deadline = -2;	/* -2: not computed yet, -1: none */
	int i, wait;

	if (drv->last >= 0) {
		bpf_ring_release(&drv->rings[drv->last]);
		drv->last = -1;
	}
	for (;;) {
		i = oldest_ring(drv, rec);
		if (i < -1)
			return i;
		if (i >= 0) {
			drv->last = i;
			drv->n_read++;
			if (ring != NULL)
				*ring = i;
			return 1;
		}
		/*
		 * Nothing ready.  The programs wake us only past
		 * wakeup_bytes, so sleep at most poll_ms at a time.
		 */
		wait = drv->cfg.poll_ms;
		/*
		 * The clock is read only once nothing is ready: a busy
		 * consumer returns a record without it (reading it on
		 * every call cost 7-10% of a live daemon's CPU).  The
		 * timeout therefore counts from the first empty look.
		 */
		if (deadline == -2)
			deadline = timeout_ms < 0 ? -1 :
			    now_ms() + timeout_ms;
		if (deadline >= 0) {
			int64_t left = deadline - now_ms();

			if (left <= 0)
				return 0;
			if (left < wait)
				wait = left;
		}
		if (epoll_wait(drv->epfd, evs, 8, wait) < 0 && errno != EINTR)
			return -errno;
	}
}

int
bpf_driver_stats(struct bpf_driver *drv, struct bpf_driver_stats *st)
{
	struct fb_counters *pc;
	uint32_t zero = 0;
	int i;

	memset(st, 0, sizeof(*st));
	pc = xcalloc(drv->ncpus, sizeof(*pc));
	if (bpf_map_lookup_elem(bpf_map__fd(drv->skel->maps.fb_counters_map),
	    &zero, pc) != 0) {
		free(pc);
		return -errno;
	}
	for (i = 0; i < drv->ncpus; i++) {
		st->n_evts += pc[i].n_evts;
		st->n_drops_buffer += pc[i].n_drops_buffer;
		st->n_drops_max_size += pc[i].n_drops_max_size;
		st->n_drops_no_ring += pc[i].n_drops_no_ring;
		st->n_drops_scratch += pc[i].n_drops_scratch;
		st->n_user_faults += pc[i].n_user_faults;
		st->n_ia32_generic += pc[i].n_ia32_generic;
	}
	free(pc);
	st->n_drops = st->n_drops_buffer + st->n_drops_max_size +
	    st->n_drops_no_ring + st->n_drops_scratch;
	st->n_read = drv->n_read;
	st->n_bad_records = drv->n_bad;
	return 0;
}

int
bpf_driver_prog_stats(struct bpf_driver *drv,
    struct bpf_driver_prog_stats *ps, int n)
{
	struct bpf_prog_info info;
	struct bpf_program *p;
	uint32_t len;
	const char *name;
	int k = 0, fd;

	bpf_object__for_each_program(p, drv->skel->obj) {
		name = bpf_program__name(p);
		/* Attachable: dispatchers, scheduler and fentry programs. */
		if (strncmp(name, "fb_", 3) != 0 &&
		    strncmp(name, "fn_", 3) != 0)
			continue;
		if (k >= n || (fd = bpf_program__fd(p)) < 0)
			continue;
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		if (bpf_obj_get_info_by_fd(fd, &info, &len) != 0)
			continue;
		ps[k].name = name;
		ps[k].run_cnt = info.run_cnt;
		ps[k].run_time_ns = info.run_time_ns;
		k++;
	}
	return k;
}

const char *
bpf_driver_enter_hook(const struct bpf_driver *drv)
{
	return drv->fentry ? "fentry" : "sys_enter";
}

unsigned
bpf_driver_nrings(const struct bpf_driver *drv)
{
	return drv->nrings;
}

/*
 * Empty the tail-call tables.  A program array and the programs in it
 * hold each other; the kernel breaks the cycle from a work item once
 * the last descriptor is closed, which can lag on a loaded machine.
 * Emptying the tables first lets everything go at close.
 */
static void
clear_tail_tables(struct fb_probe *skel)
{
	struct bpf_map *maps[] = {
		skel->maps.fb_exit_tail,
		skel->maps.fb_enter_tail,
		skel->maps.fb_exec_tail,
	};
	uint32_t k;
	size_t i;
	int fd;

	for (i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		if ((fd = bpf_map__fd(maps[i])) < 0)
			continue;
		for (k = 0; k < bpf_map__max_entries(maps[i]); k++)
			(void)bpf_map_delete_elem(fd, &k);
	}
}

void
bpf_driver_close(struct bpf_driver *drv)
{
	unsigned i;

	if (drv == NULL)
		return;
	bpf_driver_detach(drv);
	if (drv->skel != NULL)
		clear_tail_tables(drv->skel);
	fb_probe__destroy(drv->skel);
	for (i = 0; drv->rings != NULL && i < drv->nrings; i++) {
		bpf_ring_unmap(&drv->rings[i]);
		if (drv->rings[i].fd >= 0)
			close(drv->rings[i].fd);
	}
	free(drv->rings);
	if (drv->epfd >= 0)
		close(drv->epfd);
	free(drv);
}
