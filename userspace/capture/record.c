/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Recording of a capture into a .scap file.  The metadata section is
 * built from the state the daemon starts from (its /proc scan), not
 * from a second scan of /proc, so that a replay of the file starts from
 * exactly the state the live run had and reaches the same alerts.
 */
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <time.h>
#include <unistd.h>

#include "capture/capture.h"
#include "capture/capture_int.h"
#include "scapfile/scapfile.h"
#include "state/state.h"
#include "util/log.h"
#include "util/xmalloc.h"

static uint64_t
clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void
machine_info(struct scap_machine *mi)
{
	struct sysinfo si;
	FILE *f;
	unsigned long long pm = 0;

	memset(mi, 0, sizeof(*mi));
	mi->num_cpus = (uint32_t)sysconf(_SC_NPROCESSORS_ONLN);
	if (sysinfo(&si) == 0)
		mi->memory_bytes = (uint64_t)si.totalram * si.mem_unit;
	if ((f = fopen("/proc/sys/kernel/pid_max", "r")) != NULL) {
		if (fscanf(f, "%llu", &pm) != 1)
			pm = 0;
		fclose(f);
	}
	mi->max_pid = pm;
	if (gethostname(mi->hostname, sizeof(mi->hostname) - 1) != 0)
		mi->hostname[0] = '\0';
	mi->boot_ts = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_BOOTTIME);
}

/* The host's users and groups, as libscap lists them. */
static int
write_users(struct scap_writer *w)
{
	struct scap_user *us = NULL;
	struct scap_group *gs = NULL;
	struct passwd *pw;
	struct group *gr;
	size_t nu = 0, ng = 0, i;
	int r;

	setpwent();
	while ((pw = getpwent()) != NULL) {
		us = xreallocarray(us, nu + 1, sizeof(*us));
		us[nu].uid = pw->pw_uid;
		us[nu].gid = pw->pw_gid;
		us[nu].name = xstrdup(pw->pw_name);
		us[nu].homedir = xstrdup(pw->pw_dir);
		us[nu].shell = xstrdup(pw->pw_shell);
		nu++;
	}
	endpwent();
	setgrent();
	while ((gr = getgrent()) != NULL) {
		gs = xreallocarray(gs, ng + 1, sizeof(*gs));
		gs[ng].gid = gr->gr_gid;
		gs[ng].name = xstrdup(gr->gr_name);
		ng++;
	}
	endgrent();
	r = scap_writer_users(w, us, nu, gs, ng);
	for (i = 0; i < nu; i++) {
		free((void *)(uintptr_t)us[i].name);
		free((void *)(uintptr_t)us[i].homedir);
		free((void *)(uintptr_t)us[i].shell);
	}
	for (i = 0; i < ng; i++)
		free((void *)(uintptr_t)gs[i].name);
	free(us);
	free(gs);
	return r;
}

struct collect {
	struct state		*st;
	struct scap_thread	*th;
	struct scap_fdlist	*fdl;	/* one per thread, same index */
	size_t			 n;
};

struct fdcollect {
	struct scap_fdlist	*l;
};

/* st_fd -> scap_fd, the inverse of the state's seeding from a file. */
static int
add_fd(void *arg, struct st_fd *f)
{
	struct fdcollect *fc = arg;
	struct scap_fd *s;

	fc->l->fds = xreallocarray(fc->l->fds, fc->l->nfds + 1,
	    sizeof(*fc->l->fds));
	s = &fc->l->fds[fc->l->nfds++];
	memset(s, 0, sizeof(*s));
	s->fd = (uint64_t)f->fd;
	s->ino = f->ino;
	s->type = f->type;
	s->l4proto = f->l4proto;
	s->name = f->name;
	switch (f->type) {
	case STFD_FILE:
		s->type = SCAP_FD_FILE_V2;
		s->open_flags = f->flags;
		s->dev = f->dev;
		break;
	case STFD_IPV4:
	case STFD_IPV6:
		if (f->role == STFD_ROLE_SERVER) {
			s->type = f->type == STFD_IPV4 ?
			    SCAP_FD_IPV4_SERVSOCK : SCAP_FD_IPV6_SERVSOCK;
			memcpy(s->sip, f->sip, 16);
			s->sport = f->sport;
		} else {
			memcpy(s->sip, f->cip, 16);
			memcpy(s->dip, f->sip, 16);
			s->sport = f->cport;
			s->dport = f->sport;
		}
		break;
	default:
		s->open_flags = f->flags;
		break;
	}
	return 0;
}

static int
add_thread(void *arg, struct st_thread *t)
{
	struct collect *c = arg;
	struct scap_thread *x;
	struct scap_fdlist *l;
	struct fdcollect fc;

	if (t->dead || t->invalid)
		return 0;
	c->th = xreallocarray(c->th, c->n + 1, sizeof(*c->th));
	c->fdl = xreallocarray(c->fdl, c->n + 1, sizeof(*c->fdl));
	x = &c->th[c->n];
	l = &c->fdl[c->n];
	c->n++;
	memset(x, 0, sizeof(*x));
	memset(l, 0, sizeof(*l));
	x->tid = (uint64_t)t->tid;
	x->pid = (uint64_t)t->pid;
	x->ptid = (uint64_t)t->ptid;
	x->sid = (uint64_t)t->sid;
	x->vpgid = (uint64_t)t->vpgid;
	x->pgid = t->pgid;
	x->vtid = t->vtid;
	x->vpid = t->vpid;
	x->comm = t->comm;
	x->exe = t->exe != NULL ? t->exe : "";
	x->exepath = t->exepath != NULL ? t->exepath : "";
	x->cwd = t->cwd != NULL ? t->cwd : "";
	x->root = "";
	x->args = t->args != NULL ? t->args : "";
	x->args_len = (uint32_t)t->args_len;
	x->env = t->env != NULL ? t->env : "";
	x->env_len = (uint32_t)t->env_len;
	x->cgroups = t->cgroups != NULL ? t->cgroups : "";
	x->cgroups_len = (uint32_t)t->cgroups_len;
	x->fdlimit = t->fdlimit;
	x->uid = t->uid;
	x->gid = t->gid;
	x->loginuid = t->loginuid;
	x->tty = t->tty;
	x->vmsize_kb = t->vmsize_kb;
	x->vmrss_kb = t->vmrss_kb;
	x->vmswap_kb = t->vmswap_kb;
	x->pfmajor = t->pfmajor;
	x->pfminor = t->pfminor;
	x->pidns_init_start_ts = t->pidns_init_start_ts;
	x->exe_writable = t->exe_writable;
	x->exe_upper_layer = t->exe_upper_layer;
	x->exe_lower_layer = t->exe_lower_layer;
	x->exe_from_memfd = t->exe_from_memfd;
	x->cap_inheritable = t->cap_inheritable;
	x->cap_permitted = t->cap_permitted;
	x->cap_effective = t->cap_effective;
	x->exe_ino = t->exe_ino;
	x->exe_ino_ctime = t->exe_ino_ctime;
	x->exe_ino_mtime = t->exe_ino_mtime;
	/*
	 * Threads share their process's table: list the fds once, for the
	 * main thread, and an empty list for the others (the reader then
	 * shares the main thread's table, as libscap does).
	 */
	l->tid = x->tid;
	if (t->pid == t->tid) {
		fc.l = l;
		(void)state_fd_foreach(c->st, t, add_fd, &fc);
	}
	return 0;
}

int
capture_record_open(struct capture *c, struct state *st)
{
	struct scap_machine mi;
	struct collect col;
	const char *p = c->o.record_path;
	size_t len = strlen(p), i;
	int gz = len > 3 && strcmp(p + len - 3, ".gz") == 0, r;

	if ((c->w = scap_writer_open(p, gz, c->err, sizeof(c->err))) == NULL)
		return -1;
	if (c->rd != NULL) {
		if (scap_writer_meta_from(c->w, c->rd) != 0)
			goto fail;
		return 0;
	}
	machine_info(&mi);
	if (scap_writer_machine(c->w, &mi) != 0 || write_users(c->w) != 0)
		goto fail;
	memset(&col, 0, sizeof(col));
	col.st = st;
	(void)state_thread_foreach(st, add_thread, &col);
	for (i = 0; i < col.n; i++)
		col.th[i].fdl = &col.fdl[i];
	r = scap_writer_threads(c->w, col.th, col.n);
	for (i = 0; i < col.n; i++)
		free(col.fdl[i].fds);
	free(col.fdl);
	free(col.th);
	if (r != 0)
		goto fail;
	log_info("capture: recording to %s (%zu threads)", p, col.n);
	return 0;
fail:
	snprintf(c->err, sizeof(c->err), "%s: %s", p,
	    scap_writer_error(c->w));
	(void)scap_writer_close(c->w, NULL, 0);
	c->w = NULL;
	return -1;
}

int
capture_record_event(struct capture *c, const struct fevt *ev)
{
	if (scap_writer_event(c->w, ev->hdr, ev->cpu, 0) != 0) {
		snprintf(c->err, sizeof(c->err), "%s: %s",
		    c->o.record_path, scap_writer_error(c->w));
		return -1;
	}
	c->n_recorded++;
	return 0;
}

int
capture_record_close(struct capture *c)
{
	char err[512];

	if (c->w == NULL)
		return 0;
	if (scap_writer_close(c->w, err, sizeof(err)) != 0) {
		log_err("capture: %s: %s", c->o.record_path, err);
		c->w = NULL;
		return -1;
	}
	c->w = NULL;
	log_info("capture: %llu events recorded to %s",
	    (unsigned long long)c->n_recorded, c->o.record_path);
	return 0;
}
