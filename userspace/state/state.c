/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The state machine: threads and fds kept current from events.
 *
 * Events are recognised by their evt.type name and their parameters by
 * name, through a table built once from the schema, so every layout the
 * capture reader hands out (current or converted) is handled the same.
 */
#include <arpa/inet.h>
#include <pwd.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scapfile/scapfile.h"
#include "state/state_int.h"
#include "util/log.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"

/* What an event does to the state. */
enum kind {
	K_NONE, K_OPEN, K_CLOSE, K_SOCKET, K_CONNECT, K_ACCEPT, K_BIND,
	K_PIPE, K_SOCKETPAIR, K_DUP, K_FCNTL, K_NEWFD, K_CHDIR,
	K_FCHDIR, K_CLONE, K_EXECVE, K_PROCEXIT, K_SETUID, K_SETRESUID,
	K_SETGID, K_SETRESGID, K_SEND, K_RECV,
};

/* Parameters looked up by name. */
enum pname {
	P_FD, P_RES, P_NAME, P_PATH, P_DIRFD, P_FLAGS, P_DEV, P_INO, P_TUPLE,
	P_ADDR, P_FD1, P_FD2, P_OLDFD, P_NEWFD, P_CMD, P_DOMAIN, P_TYPE,
	P_PROTO, P_EXE, P_ARGS, P_TID, P_PID, P_PTID, P_CWD, P_FDLIMIT,
	P_PGFT_MAJ, P_PGFT_MIN, P_VM_SIZE, P_VM_RSS, P_VM_SWAP, P_COMM,
	P_CGROUPS, P_ENV, P_TTY, P_VPGID, P_LOGINUID, P_CAP_INH, P_CAP_PERM,
	P_CAP_EFF, P_EXE_INO, P_EXE_CTIME, P_EXE_MTIME, P_UID, P_GID,
	P_TRUSTED_EXEPATH, P_PGID, P_FILENAME, P_VTID, P_VPID,
	P_PIDNS_TS, P_REAPER, P_EUID, P_EGID, P_CREAT_FLAGS, P_MAX
};

static const char *const pnames[P_MAX] = {
	"fd", "res", "name", "path", "dirfd", "flags", "dev", "ino", "tuple",
	"addr", "fd1", "fd2", "oldfd", "newfd", "cmd", "domain", "type",
	"proto", "exe", "args", "tid", "pid", "ptid", "cwd", "fdlimit",
	"pgft_maj", "pgft_min", "vm_size", "vm_rss", "vm_swap", "comm",
	"cgroups", "env", "tty", "vpgid", "loginuid", "cap_inheritable",
	"cap_permitted", "cap_effective", "exe_ino", "exe_ino_ctime",
	"exe_ino_mtime", "uid", "gid", "trusted_exepath", "pgid", "filename",
	"vtid", "vpid", "pidns_init_start_ts", "reaper_tid", "euid", "egid",
	"creat_flags",
};

struct evdesc {
	uint8_t		 kind;
	uint8_t		 newfd_type;	/* K_NEWFD: the fd type */
	int8_t		 p[P_MAX];	/* parameter index, -1 absent */
};

static struct evdesc descs[FE_MAX];
static int descs_ready;

static const struct {
	const char	*name;
	uint8_t		 kind;
	uint8_t		 fdtype;
} evkinds[] = {
	{ "open", K_OPEN, 0 }, { "openat", K_OPEN, 0 },
	{ "openat2", K_OPEN, 0 }, { "creat", K_OPEN, 0 },
	{ "open_by_handle_at", K_OPEN, 0 },
	{ "close", K_CLOSE, 0 },
	{ "socket", K_SOCKET, 0 }, { "connect", K_CONNECT, 0 },
	{ "accept", K_ACCEPT, 0 }, { "accept4", K_ACCEPT, 0 },
	{ "bind", K_BIND, 0 },
	{ "pipe", K_PIPE, 0 }, { "pipe2", K_PIPE, 0 },
	{ "socketpair", K_SOCKETPAIR, 0 },
	{ "dup", K_DUP, 0 }, { "dup2", K_DUP, 0 }, { "dup3", K_DUP, 0 },
	{ "fcntl", K_FCNTL, 0 },
	{ "eventfd", K_NEWFD, STFD_EVENT }, { "eventfd2", K_NEWFD, STFD_EVENT },
	{ "signalfd", K_NEWFD, STFD_SIGNALFD },
	{ "signalfd4", K_NEWFD, STFD_SIGNALFD },
	{ "timerfd_create", K_NEWFD, STFD_TIMERFD },
	{ "inotify_init", K_NEWFD, STFD_INOTIFY },
	{ "inotify_init1", K_NEWFD, STFD_INOTIFY },
	{ "epoll_create", K_NEWFD, STFD_EVENTPOLL },
	{ "epoll_create1", K_NEWFD, STFD_EVENTPOLL },
	{ "userfaultfd", K_NEWFD, STFD_USERFAULTFD },
	{ "memfd_create", K_NEWFD, STFD_MEMFD },
	{ "pidfd_open", K_NEWFD, STFD_PIDFD },
	{ "pidfd_getfd", K_NEWFD, STFD_UNKNOWN },
	{ "io_uring_setup", K_NEWFD, STFD_IOURING },
	{ "bpf", K_NEWFD, STFD_BPF },
	{ "chdir", K_CHDIR, 0 }, { "fchdir", K_FCHDIR, 0 },
	{ "clone", K_CLONE, 0 }, { "clone3", K_CLONE, 0 },
	{ "fork", K_CLONE, 0 }, { "vfork", K_CLONE, 0 },
	{ "execve", K_EXECVE, 0 }, { "execveat", K_EXECVE, 0 },
	{ "procexit", K_PROCEXIT, 0 },
	{ "setuid", K_SETUID, 0 }, { "setresuid", K_SETRESUID, 0 },
	{ "setgid", K_SETGID, 0 }, { "setresgid", K_SETRESGID, 0 },
	{ "send", K_SEND, 0 }, { "sendto", K_SEND, 0 },
	{ "sendmsg", K_SEND, 0 }, { "sendmmsg", K_SEND, 0 },
	{ "recv", K_RECV, 0 }, { "recvfrom", K_RECV, 0 },
	{ "recvmsg", K_RECV, 0 }, { "recvmmsg", K_RECV, 0 },
};

static void
descs_init(void)
{
	size_t id, i, k;
	const struct schema_event *e;

	if (descs_ready)
		return;
	descs_ready = 1;
	for (id = 0; id < FE_MAX; id++) {
		struct evdesc *d = &descs[id];

		memset(d->p, -1, sizeof(d->p));
		e = schema_event((uint16_t)id);
		if (e == NULL || e->name == NULL)
			continue;
		/* Exit events carry the results; procexit is the one
		   enter-only event. */
		if (schema_is_enter((uint16_t)id) &&
		    strcmp(e->name, "procexit") != 0)
			continue;
		for (k = 0; k < sizeof(evkinds) / sizeof(evkinds[0]); k++)
			if (strcmp(evkinds[k].name, e->name) == 0)
				break;
		if (k == sizeof(evkinds) / sizeof(evkinds[0]))
			continue;
		d->kind = evkinds[k].kind;
		d->newfd_type = evkinds[k].fdtype;
		for (i = 0; i < e->nparams && i < 127; i++) {
			size_t j;

			for (j = 0; j < P_MAX; j++)
				if (strcmp(pnames[j], e->params[i].name) == 0)
					d->p[j] = (int8_t)i;
		}
	}
}

#define EXITED_RING	64

struct state {
	struct imap	 threads;
	size_t		 max_threads;
	int		 host_users;
	struct imap	 users;		/* uid -> st_user */
	struct imap	 groups;	/* gid -> st_group */
	/* Removals deferred to the next event. */
	int64_t		 dead_tid;	/* -1: none */
	struct st_fdtable *close_fdt;	/* referenced */
	int64_t		 close_fd;
	uint64_t	 last_purge_ts;
	uint64_t	 purge_interval_ns;
	uint64_t	 thread_timeout_ns;
	/* tids removed by procexit lately (a late parent-side clone
	   must not bring them back) */
	int64_t		 exited[EXITED_RING];
	size_t		 nexited;
	struct state_stats st;
	struct sbuf	 tmp;
};

/* ---- parameter access ------------------------------------------- */

static int
has(const struct fevt *ev, const struct evdesc *d, enum pname p)
{
	int i = d->p[p];

	return i >= 0 && i < ev->nparams && ev->plen[i] > 0;
}

static int64_t
pi64(const struct fevt *ev, const struct evdesc *d, enum pname p,
    int64_t def)
{
	int i = d->p[p];
	int8_t v8;
	int16_t v16;
	int32_t v32;
	int64_t v64;

	if (!has(ev, d, p))
		return def;
	switch (ev->plen[i]) {
	case 1:
		memcpy(&v8, ev->param[i], 1);
		return v8;
	case 2:
		memcpy(&v16, ev->param[i], 2);
		return v16;
	case 4:
		memcpy(&v32, ev->param[i], 4);
		return v32;
	case 8:
		memcpy(&v64, ev->param[i], 8);
		return v64;
	default:
		return def;
	}
}

static uint64_t
pu64(const struct fevt *ev, const struct evdesc *d, enum pname p,
    uint64_t def)
{
	int i = d->p[p];
	uint8_t v8;
	uint16_t v16;
	uint32_t v32;
	uint64_t v64;

	if (!has(ev, d, p))
		return def;
	switch (ev->plen[i]) {
	case 1:
		memcpy(&v8, ev->param[i], 1);
		return v8;
	case 2:
		memcpy(&v16, ev->param[i], 2);
		return v16;
	case 4:
		memcpy(&v32, ev->param[i], 4);
		return v32;
	case 8:
		memcpy(&v64, ev->param[i], 8);
		return v64;
	default:
		return def;
	}
}

/* A string parameter without its trailing NUL; *len its length. */
static const char *
pstr(const struct fevt *ev, const struct evdesc *d, enum pname p,
    size_t *len)
{
	int i = d->p[p];
	size_t n;

	if (!has(ev, d, p)) {
		*len = 0;
		return NULL;
	}
	n = ev->plen[i];
	if (n > 0 && ev->param[i][n - 1] == '\0')
		n--;
	*len = n;
	return (const char *)ev->param[i];
}

/* A NUL-separated list parameter, kept with its final NUL. */
static const char *
pbuf(const struct fevt *ev, const struct evdesc *d, enum pname p,
    size_t *len)
{
	int i = d->p[p];

	if (!has(ev, d, p)) {
		*len = 0;
		return NULL;
	}
	*len = ev->plen[i];
	return (const char *)ev->param[i];
}

/* ---- users and groups ------------------------------------------- */

static void
add_user(struct state *s, uint32_t uid, uint32_t gid, const char *name,
    const char *home, const char *shell)
{
	struct st_user *u = xcalloc(1, sizeof(*u));
	struct st_user *old;

	u->uid = uid;
	u->gid = gid;
	u->name = xstrdup(name != NULL ? name : "");
	u->homedir = xstrdup(home != NULL ? home : "");
	u->shell = xstrdup(shell != NULL ? shell : "");
	old = imap_put(&s->users, uid, u);
	if (old != NULL) {
		free(old->name);
		free(old->homedir);
		free(old->shell);
		free(old);
	}
}

static void
add_group(struct state *s, uint32_t gid, const char *name)
{
	struct st_group *g = xcalloc(1, sizeof(*g));
	struct st_group *old;

	g->gid = gid;
	g->name = xstrdup(name != NULL ? name : "");
	old = imap_put(&s->groups, gid, g);
	if (old != NULL) {
		free(old->name);
		free(old);
	}
}

/* A cached negative answer: looked up and not found. */
static char notfound;

const struct st_user *
state_user(struct state *s, uint32_t uid)
{
	void *v = imap_get(&s->users, uid);
	struct passwd pw, *res = NULL;
	char buf[4096];

	if (v == &notfound)
		return NULL;
	if (v != NULL)
		return v;
	if (!s->host_users || uid == UINT32_MAX)
		return NULL;
	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) != 0 ||
	    res == NULL) {
		(void)imap_put(&s->users, uid, &notfound);
		return NULL;
	}
	add_user(s, uid, pw.pw_gid, pw.pw_name, pw.pw_dir, pw.pw_shell);
	return imap_get(&s->users, uid);
}

const struct st_group *
state_group(struct state *s, uint32_t gid)
{
	void *v = imap_get(&s->groups, gid);
	struct group gr, *res = NULL;
	char buf[4096];

	if (v == &notfound)
		return NULL;
	if (v != NULL)
		return v;
	if (!s->host_users || gid == UINT32_MAX)
		return NULL;
	if (getgrgid_r(gid, &gr, buf, sizeof(buf), &res) != 0 ||
	    res == NULL) {
		(void)imap_put(&s->groups, gid, &notfound);
		return NULL;
	}
	add_group(s, gid, gr.gr_name);
	return imap_get(&s->groups, gid);
}

/* ---- threads ----------------------------------------------------- */

struct state *
state_new(size_t max_threads, int host_users)
{
	struct state *s = xcalloc(1, sizeof(*s));

	descs_init();
	s->max_threads = max_threads ? max_threads : STATE_THREAD_TABLE_MAX;
	s->host_users = host_users;
	s->dead_tid = -1;
	s->purge_interval_ns = STATE_PURGE_INTERVAL_NS;
	s->thread_timeout_ns = STATE_THREAD_TIMEOUT_NS;
	memset(s->exited, 0xff, sizeof(s->exited));	/* -1: none */
	return s;
}

void
state_free(struct state *s)
{
	size_t i = 0;
	int64_t k;
	void *v;

	if (s == NULL)
		return;
	while (imap_next(&s->threads, &i, &k, &v))
		thread_free(v);
	imap_free(&s->threads);
	i = 0;
	while (imap_next(&s->users, &i, &k, &v)) {
		struct st_user *u = v;

		if (v == &notfound)
			continue;
		free(u->name);
		free(u->homedir);
		free(u->shell);
		free(u);
	}
	imap_free(&s->users);
	i = 0;
	while (imap_next(&s->groups, &i, &k, &v)) {
		struct st_group *g = v;

		if (v == &notfound)
			continue;
		free(g->name);
		free(g);
	}
	imap_free(&s->groups);
	fdt_unref(s->close_fdt);
	sbuf_free(&s->tmp);
	free(s);
}

struct st_thread *
state_add_thread(struct state *s, struct st_thread *t)
{
	struct st_thread *old = imap_get(&s->threads, t->tid);

	if (old == NULL && s->threads.n >= s->max_threads) {
		s->st.table_full++;
		thread_free(t);
		return NULL;
	}
	if (t->fdt == NULL)
		t->fdt = fdt_new();
	state_container_id(t->cgroups, t->cgroups_len, t->container_id);
	old = imap_put(&s->threads, t->tid, t);
	if (old != NULL)
		thread_free(old);
	else
		s->st.added++;
	return t;
}

static void
remove_thread(struct state *s, int64_t tid)
{
	struct st_thread *t = imap_del(&s->threads, tid);

	if (t != NULL) {
		thread_free(t);
		s->st.removed++;
	}
}

struct st_thread *
state_thread(struct state *s, int64_t tid)
{
	return imap_get(&s->threads, tid);
}

struct st_thread *
state_main_thread(struct state *s, struct st_thread *t)
{
	struct st_thread *m;

	if (t == NULL || t->pid == t->tid || t->pid <= 0)
		return t;
	m = imap_get(&s->threads, t->pid);
	return m != NULL ? m : t;
}

struct st_thread *
state_parent(struct state *s, struct st_thread *t)
{
	struct st_thread *m = state_main_thread(s, t), *p;

	if (m == NULL || m->ptid <= 0 || m->ptid == m->tid)
		return NULL;
	p = imap_get(&s->threads, m->ptid);
	return p;
}

struct st_fd *
state_fd(struct state *s, struct st_thread *t, int64_t fd)
{
	(void)s;
	if (t == NULL || t->fdt == NULL)
		return NULL;
	return imap_get(&t->fdt->fds, fd);
}

int
state_fd_foreach(struct state *s, struct st_thread *t,
    int (*fn)(void *arg, struct st_fd *f), void *arg)
{
	size_t i = 0;
	int64_t k;
	void *v;
	int r;

	(void)s;
	if (t == NULL || t->fdt == NULL)
		return 0;
	while (imap_next(&t->fdt->fds, &i, &k, &v))
		if ((r = fn(arg, v)) != 0)
			return r;
	return 0;
}

size_t
state_fd_count(struct st_thread *t)
{
	return t != NULL && t->fdt != NULL ? t->fdt->fds.n : 0;
}

size_t
state_nthreads(struct state *s, int64_t pid)
{
	size_t i = 0, n = 0;
	int64_t k;
	void *v;

	while (imap_next(&s->threads, &i, &k, &v)) {
		struct st_thread *t = v;

		if (t->pid == pid && !t->dead)
			n++;
	}
	return n;
}

void
state_get_stats(const struct state *s, struct state_stats *st)
{
	size_t i = 0;
	int64_t k;
	void *v;

	*st = s->st;
	st->threads = s->threads.n;
	st->fds = 0;
	/* fd tables are shared: count each once, through main threads */
	while (imap_next(&s->threads, &i, &k, &v)) {
		struct st_thread *t = v;

		if (t->pid == t->tid && t->fdt != NULL)
			st->fds += t->fdt->fds.n;
	}
}

int
state_thread_foreach(struct state *s,
    int (*fn)(void *arg, struct st_thread *t), void *arg)
{
	size_t i = 0;
	int64_t k;
	void *v;
	int r;

	while (imap_next(&s->threads, &i, &k, &v))
		if ((r = fn(arg, v)) != 0)
			return r;
	return 0;
}

/* ---- seeding ------------------------------------------------------ */

static struct st_fd *
fd_from_scap(const struct scap_fd *sf)
{
	struct st_fd *f;
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN], name[256];
	uint8_t type = sf->type;

	if (type == SCAP_FD_FILE_V2)
		type = STFD_FILE;
	f = fdt_new_fd((int64_t)sf->fd, type, sf->name);
	f->ino = sf->ino;
	f->dev = sf->dev;
	f->flags = sf->open_flags;
	f->l4proto = sf->l4proto;
	switch (sf->type) {
	case SCAP_FD_IPV4_SOCK:
	case SCAP_FD_IPV6_SOCK:
		f->af = sf->type == SCAP_FD_IPV4_SOCK ? 4 : 6;
		memcpy(f->cip, sf->sip, 16);
		memcpy(f->sip, sf->dip, 16);
		f->cport = sf->sport;
		f->sport = sf->dport;
		inet_ntop(f->af == 4 ? AF_INET : AF_INET6, f->cip, a,
		    sizeof(a));
		inet_ntop(f->af == 4 ? AF_INET : AF_INET6, f->sip, b,
		    sizeof(b));
		snprintf(name, sizeof(name), "%s:%u->%s:%u", a, f->cport, b,
		    f->sport);
		fd_set_name(f, name, strlen(name));
		break;
	case SCAP_FD_IPV4_SERVSOCK:
	case SCAP_FD_IPV6_SERVSOCK:
		f->af = sf->type == SCAP_FD_IPV4_SERVSOCK ? 4 : 6;
		f->type = f->af == 4 ? STFD_IPV4 : STFD_IPV6;
		f->role = STFD_ROLE_SERVER;
		memcpy(f->sip, sf->sip, 16);
		f->sport = sf->sport;
		inet_ntop(f->af == 4 ? AF_INET : AF_INET6, f->sip, a,
		    sizeof(a));
		snprintf(name, sizeof(name), "%s:%u", a, f->sport);
		fd_set_name(f, name, strlen(name));
		break;
	default:
		break;
	}
	if (sf->open_flags & FL_FILE_FLAGS_O_CLOEXEC)
		f->cloexec = 1;
	return f;
}

size_t
state_seed_capture(struct state *s, const struct scap_reader *r)
{
	const struct scap_thread *th;
	const struct scap_user *us;
	const struct scap_group *gr;
	size_t n, i, j, added = 0;

	us = scap_reader_users(r, &n);
	for (i = 0; i < n; i++)
		add_user(s, us[i].uid, us[i].gid, us[i].name, us[i].homedir,
		    us[i].shell);
	gr = scap_reader_groups(r, &n);
	for (i = 0; i < n; i++)
		add_group(s, gr[i].gid, gr[i].name);
	th = scap_reader_threads(r, &n);
	for (i = 0; i < n; i++) {
		const struct scap_thread *x = &th[i];
		struct st_thread *t;
		const char *nul;
		size_t alen;

		if (imap_get(&s->threads, (int64_t)x->tid) != NULL)
			continue;	/* first entry of a tid wins */
		t = thread_alloc((int64_t)x->tid);
		t->pid = (int64_t)x->pid;
		t->ptid = (int64_t)x->ptid;
		t->sid = (int64_t)x->sid;
		t->vpgid = (int64_t)x->vpgid;
		t->pgid = x->pgid;
		t->vtid = x->vtid;
		t->vpid = x->vpid;
		thread_set_str(&t->comm, x->comm, strlen(x->comm));
		/* As in events: exe is argv[0], args the rest. */
		thread_set_str(&t->exe, x->exe, strlen(x->exe));
		thread_set_str(&t->exepath, x->exepath, strlen(x->exepath));
		alen = x->args_len;
		t->args = xmalloc(alen + 1);
		memcpy(t->args, x->args, alen);
		t->args[alen] = '\0';
		t->args_len = alen;
		t->env = xmalloc(x->env_len + 1);
		memcpy(t->env, x->env, x->env_len);
		t->env[x->env_len] = '\0';
		t->env_len = x->env_len;
		t->cgroups = xmalloc(x->cgroups_len + 1);
		memcpy(t->cgroups, x->cgroups, x->cgroups_len);
		t->cgroups[x->cgroups_len] = '\0';
		t->cgroups_len = x->cgroups_len;
		nul = x->cwd;
		thread_set_str(&t->cwd, nul, strlen(nul));
		t->uid = x->uid;
		t->gid = x->gid;
		t->loginuid = x->loginuid;
		t->tty = x->tty;
		t->fdlimit = x->fdlimit;
		t->vmsize_kb = x->vmsize_kb;
		t->vmrss_kb = x->vmrss_kb;
		t->vmswap_kb = x->vmswap_kb;
		t->pfmajor = x->pfmajor;
		t->pfminor = x->pfminor;
		t->cap_inheritable = x->cap_inheritable;
		t->cap_permitted = x->cap_permitted;
		t->cap_effective = x->cap_effective;
		t->exe_ino = x->exe_ino;
		t->exe_ino_ctime = x->exe_ino_ctime;
		t->exe_ino_mtime = x->exe_ino_mtime;
		t->exe_writable = x->exe_writable;
		t->exe_upper_layer = x->exe_upper_layer;
		t->exe_lower_layer = x->exe_lower_layer;
		t->exe_from_memfd = x->exe_from_memfd;
		t->pidns_init_start_ts = x->pidns_init_start_ts;
		if (x->fdl != NULL) {
			t->fdt = fdt_new();
			for (j = 0; j < x->fdl->nfds; j++)
				fdt_put(t->fdt, fd_from_scap(&x->fdl->fds[j]));
		}
		if (state_add_thread(s, t) != NULL)
			added++;
	}
	/*
	 * Threads share their process's fd table: libscap writes the list
	 * once, for the main thread.
	 */
	th = scap_reader_threads(r, &n);
	for (i = 0; i < n; i++) {
		struct st_thread *t = imap_get(&s->threads, (int64_t)th[i].tid);
		struct st_thread *m;

		if (t == NULL || t->pid == t->tid)
			continue;
		m = imap_get(&s->threads, t->pid);
		if (m != NULL && m->fdt != NULL && t->fdt != NULL &&
		    t->fdt->fds.n == 0) {
			fdt_unref(t->fdt);
			t->fdt = m->fdt;
			m->fdt->refs++;
		}
	}
	return added;
}

/* ---- event handlers ---------------------------------------------- */

/* Make path absolute against dirfd (or the cwd) into s->tmp. */
static const char *
resolve_at(struct state *s, struct st_thread *t, int64_t dirfd,
    const char *path, size_t len)
{
	char stack[512], *raw = stack;
	const char *dir = t->cwd;
	struct st_fd *df;

	/* the path NUL-terminated; no allocation for the usual sizes */
	if (len >= sizeof(stack))
		raw = xmalloc(len + 1);
	if (len > 0)
		memcpy(raw, path, len);
	raw[len] = '\0';
	if (len > 0 && path[0] != '/' && dirfd != FE_AT_FDCWD &&
	    dirfd >= 0) {
		df = state_fd(s, t, dirfd);
		dir = df != NULL ? df->name : NULL;
	}
	sbuf_reset(&s->tmp);
	if (len > 0 && path[0] != '/' && dir == NULL) {
		/* XXX: unknown dirfd; keep the relative path as given */
		sbuf_put(&s->tmp, path, len);
	} else
		state_path_resolve(dir, raw, &s->tmp);
	if (raw != stack)
		free(raw);
	return sbuf_str(&s->tmp);
}

static void
do_open(struct state *s, struct st_thread *t, const struct fevt *ev,
    const struct evdesc *d)
{
	int64_t fd = pi64(ev, d, P_FD, -1), dirfd;
	const char *path;
	size_t len;
	struct st_fd *f;
	uint32_t flags;
	uint64_t cflags;

	if (fd < 0)
		return;
	path = pstr(ev, d, P_NAME, &len);
	if (path == NULL)
		path = pstr(ev, d, P_PATH, &len);
	if (path == NULL)
		path = "", len = 0;
	dirfd = pi64(ev, d, P_DIRFD, FE_AT_FDCWD);
	flags = (uint32_t)pu64(ev, d, P_FLAGS, 0);
	f = fdt_new_fd(fd, (flags & FL_FILE_FLAGS_O_DIRECTORY) ?
	    STFD_DIRECTORY : STFD_FILE, resolve_at(s, t, dirfd, path, len));
	/* the raw path only when it differs (it mostly does not) */
	if (strlen(f->name) != len || memcmp(f->name, path, len) != 0)
		f->nameraw = xstrndup(path, len);
	f->flags = flags;
	f->cloexec = (flags & FL_FILE_FLAGS_O_CLOEXEC) != 0;
	f->dev = (uint32_t)pu64(ev, d, P_DEV, 0);
	f->ino = pu64(ev, d, P_INO, 0);
	/*
	 * The driver adds the overlayfs layer to the open flags; creat has
	 * no flags parameter and reports it in creat_flags (upper wins).
	 * dup copies the entry, layer included.
	 */
	if (flags & FL_FILE_FLAGS_FD_UPPER_LAYER)
		f->layer |= STFD_LAYER_UPPER;
	if (flags & FL_FILE_FLAGS_FD_LOWER_LAYER)
		f->layer |= STFD_LAYER_LOWER;
	cflags = pu64(ev, d, P_CREAT_FLAGS, 0);
	if (cflags & FL_CREAT_FLAGS_FD_UPPER_LAYER_CREAT)
		f->layer |= STFD_LAYER_UPPER;
	else if (cflags & FL_CREAT_FLAGS_FD_LOWER_LAYER_CREAT)
		f->layer |= STFD_LAYER_LOWER;
	fdt_put(t->fdt, f);
}

static void name_tuple(struct st_fd *);

/* Fill the socket ends of f from a PT_SOCKTUPLE value. */
static void
set_tuple(struct st_fd *f, const uint8_t *p, size_t len, int role)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };

	if (len < 1)
		return;
	f->role = (uint8_t)role;
	if (p[0] == FL_SOCKET_FAMILIES_AF_INET && len >= 13) {
		f->af = 4;
		f->type = STFD_IPV4;
		memset(f->cip, 0, 16);
		memset(f->sip, 0, 16);
		memcpy(f->cip, p + 1, 4);
		memcpy(&f->cport, p + 5, 2);
		memcpy(f->sip, p + 7, 4);
		memcpy(&f->sport, p + 11, 2);
	} else if (p[0] == FL_SOCKET_FAMILIES_AF_INET6 && len >= 37) {
		if (memcmp(p + 1, mapped, 12) == 0 &&
		    memcmp(p + 19, mapped, 12) == 0) {
			/* v4-mapped on both ends: an IPv4 connection */
			f->af = 4;
			f->type = STFD_IPV4;
			memset(f->cip, 0, 16);
			memset(f->sip, 0, 16);
			memcpy(f->cip, p + 13, 4);
			memcpy(f->sip, p + 31, 4);
		} else {
			f->af = 6;
			f->type = STFD_IPV6;
			memcpy(f->cip, p + 1, 16);
			memcpy(f->sip, p + 19, 16);
		}
		memcpy(&f->cport, p + 17, 2);
		memcpy(&f->sport, p + 35, 2);
	} else if (p[0] == FL_SOCKET_FAMILIES_AF_UNIX && len >= 17) {
		size_t n = len - 17;
		const char *path = (const char *)p + 17;

		f->type = STFD_UNIX;
		f->af = 0;
		if (n > 0 && path[n - 1] == '\0')
			n--;
		fd_set_name(f, path, n);
		return;
	} else
		return;
	name_tuple(f);
}

/* Append n in decimal at p; returns the end. */
static char *
put_dec(char *p, unsigned n)
{
	char buf[12], *q = buf + sizeof(buf);

	do {
		*--q = (char)('0' + n % 10);
		n /= 10;
	} while (n != 0);
	memcpy(p, q, (size_t)(buf + sizeof(buf) - q));
	return p + (buf + sizeof(buf) - q);
}

/* Append an address as inet_ntop() prints it; returns the end. */
static char *
put_addr(char *p, int af, const uint8_t *a)
{
	int i;

	if (af != 4) {
		if (inet_ntop(AF_INET6, a, p, INET6_ADDRSTRLEN) == NULL)
			*p = '\0';
		return p + strlen(p);
	}
	for (i = 0; i < 4; i++) {
		if (i > 0)
			*p++ = '.';
		p = put_dec(p, a[i]);
	}
	return p;
}

/*
 * Make the socket name from its ends, "cip:cport->sip:sport" (what
 * snprintf() with inet_ntop() strings gives, without either on IPv4:
 * connects are frequent).
 */
static void
name_tuple(struct st_fd *f)
{
	char name[2 * (INET6_ADDRSTRLEN + 8) + 4], *p = name;

	p = put_addr(p, f->af, f->cip);
	*p++ = ':';
	p = put_dec(p, f->cport);
	*p++ = '-';
	*p++ = '>';
	p = put_addr(p, f->af, f->sip);
	*p++ = ':';
	p = put_dec(p, f->sport);
	*p = '\0';
	fd_set_name(f, name, (size_t)(p - name));
}

static void
swap_ends(struct st_fd *f)
{
	uint8_t ip[16];
	uint16_t port;

	memcpy(ip, f->cip, 16);
	memcpy(f->cip, f->sip, 16);
	memcpy(f->sip, ip, 16);
	port = f->cport;
	f->cport = f->sport;
	f->sport = port;
}

/*
 * A datagram (or not yet named) socket learns its ends from the tuple of
 * send and receive calls.  Send tuples run local -> remote, receive
 * tuples remote -> local; the role, when unknown, is guessed from the
 * direction of the first transfer (a client writes first).  An
 * unspecified local address towards a loopback peer is the loopback.
 * XXX: other unspecified local addresses would need the interface list.
 */
static void
do_transfer(struct state *s, struct st_thread *t, const struct fevt *ev,
    const struct evdesc *d, int incoming)
{
	static const uint8_t lo6[16] = { [15] = 1 }, zero[16] = { 0 };
	static const uint8_t lo4[4] = { 127, 0, 0, 1 };
	int64_t fd = pi64(ev, d, P_FD, -1);
	struct st_fd *f = state_fd(s, t, fd);
	int i = d->p[P_TUPLE], role;
	uint8_t *local;

	if (f == NULL || pi64(ev, d, P_RES, -1) < 0 || !has(ev, d, P_TUPLE) ||
	    (f->name[0] != '\0' && f->l4proto == ST_L4_TCP))
		return;
	if (ev->param[i][0] != FL_SOCKET_FAMILIES_AF_INET &&
	    ev->param[i][0] != FL_SOCKET_FAMILIES_AF_INET6)
		return;
	role = f->role != 0 ? f->role : incoming ? STFD_ROLE_SERVER :
	    STFD_ROLE_CLIENT;
	set_tuple(f, ev->param[i], ev->plen[i], role);
	if (f->af == 0)
		return;
	/* set_tuple() put the tuple's source in cip */
	if (incoming == (role == STFD_ROLE_CLIENT))
		swap_ends(f);
	local = role == STFD_ROLE_CLIENT ? f->cip : f->sip;
	if (f->af == 6 && memcmp(local, zero, 16) == 0 &&
	    memcmp(role == STFD_ROLE_CLIENT ? f->sip : f->cip, lo6, 16) == 0)
		memcpy(local, lo6, 16);
	if (f->af == 4 && memcmp(local, zero, 4) == 0 &&
	    (role == STFD_ROLE_CLIENT ? f->sip : f->cip)[0] == 127)
		memcpy(local, lo4, 4);
	if (f->l4proto == ST_L4_UNKNOWN)
		f->l4proto = ST_L4_UDP;
	name_tuple(f);
}

static void
do_socket(struct state *s, struct st_thread *t, const struct fevt *ev,
    const struct evdesc *d)
{
	int64_t fd = pi64(ev, d, P_FD, -1);
	uint64_t dom = pu64(ev, d, P_DOMAIN, 0);
	uint64_t type = pu64(ev, d, P_TYPE, 0) & 0xf;
	uint64_t proto = pu64(ev, d, P_PROTO, 0);
	struct st_fd *f;
	uint8_t ft;

	(void)s;
	if (fd < 0)
		return;
	switch (dom) {
	case FL_SOCKET_FAMILIES_AF_INET: ft = STFD_IPV4; break;
	case FL_SOCKET_FAMILIES_AF_INET6: ft = STFD_IPV6; break;
	case FL_SOCKET_FAMILIES_AF_UNIX: ft = STFD_UNIX; break;
	case FL_SOCKET_FAMILIES_AF_NETLINK: ft = STFD_NETLINK; break;
	default: ft = STFD_UNSUPPORTED; break;
	}
	f = fdt_new_fd(fd, ft, "");
	f->af = ft == STFD_IPV4 ? 4 : ft == STFD_IPV6 ? 6 : 0;
	if (f->af != 0) {
		if (proto == 1 || proto == 58)
			f->l4proto = ST_L4_ICMP;
		else if (type == 1)
			f->l4proto = ST_L4_TCP;
		else if (type == 2)
			f->l4proto = ST_L4_UDP;
		else if (type == 3)
			f->l4proto = ST_L4_RAW;
	}
	f->flags = (uint32_t)pu64(ev, d, P_FLAGS, 0);
	f->cloexec = (f->flags & FL_FILE_FLAGS_O_CLOEXEC) != 0;
	fdt_put(t->fdt, f);
}

static void
do_connect(struct state *s, struct st_thread *t, const struct fevt *ev,
    const struct evdesc *d)
{
	int64_t res = pi64(ev, d, P_RES, 0), fd = pi64(ev, d, P_FD, -1);
	struct st_fd *f;
	int i = d->p[P_TUPLE];

	/* EINPROGRESS: a non-blocking connect under way */
	if (fd < 0 || (res < 0 && res != -115) || !has(ev, d, P_TUPLE))
		return;
	f = state_fd(s, t, fd);
	if (f == NULL) {
		f = fdt_new_fd(fd, STFD_IPV4, "");
		fdt_put(t->fdt, f);
	}
	set_tuple(f, ev->param[i], ev->plen[i], STFD_ROLE_CLIENT);
	if (f->l4proto == ST_L4_UNKNOWN && f->af != 0)
		f->l4proto = ST_L4_TCP;
}

static void
do_accept(struct state *s, struct st_thread *t, const struct fevt *ev,
    const struct evdesc *d)
{
	int64_t fd = pi64(ev, d, P_FD, -1);
	struct st_fd *f;
	int i = d->p[P_TUPLE];

	(void)s;
	if (fd < 0)
		return;
	f = fdt_new_fd(fd, STFD_IPV4, "");
	if (has(ev, d, P_TUPLE))
		set_tuple(f, ev->param[i], ev->plen[i], STFD_ROLE_SERVER);
	if (f->af != 0)
		f->l4proto = ST_L4_TCP;
	if (pu64(ev, d, P_FLAGS, 0) & 0x80000)	/* SOCK_CLOEXEC */
		f->cloexec = 1;
	fdt_put(t->fdt, f);
}

static void
do_bind(struct state *s, struct st_thread *t, const struct fevt *ev,
    const struct evdesc *d)
{
	int64_t res = pi64(ev, d, P_RES, -1), fd = pi64(ev, d, P_FD, -1);
	struct st_fd *f = state_fd(s, t, fd);
	const uint8_t *p;
	char a[INET6_ADDRSTRLEN], name[300];
	size_t len;
	int i = d->p[P_ADDR];

	if (res < 0 || f == NULL || !has(ev, d, P_ADDR))
		return;
	p = ev->param[i];
	len = ev->plen[i];
	if (p[0] == FL_SOCKET_FAMILIES_AF_INET && len >= 7) {
		f->af = 4;
		memset(f->sip, 0, 16);
		memcpy(f->sip, p + 1, 4);
		memcpy(&f->sport, p + 5, 2);
	} else if (p[0] == FL_SOCKET_FAMILIES_AF_INET6 && len >= 19) {
		f->af = 6;
		memcpy(f->sip, p + 1, 16);
		memcpy(&f->sport, p + 17, 2);
	} else
		return;
	/* Binding a port makes it a server socket (port 0: not yet). */
	if (f->sport != 0)
		f->role = STFD_ROLE_SERVER;
	inet_ntop(f->af == 4 ? AF_INET : AF_INET6, f->sip, a, sizeof(a));
	snprintf(name, sizeof(name), "%s:%u", a, f->sport);
	fd_set_name(f, name, strlen(name));
}

static void
do_newfd(struct state *s, struct st_thread *t, const struct fevt *ev,
    const struct evdesc *d)
{
	int64_t fd = has(ev, d, P_FD) && d->p[P_FD] == 0 ?
	    pi64(ev, d, P_FD, -1) : pi64(ev, d, P_RES, -1);
	struct st_fd *f;
	const char *name;
	size_t len;

	(void)s;
	if (fd < 0)
		return;
	f = fdt_new_fd(fd, d->newfd_type, "");
	if (d->newfd_type == STFD_MEMFD &&
	    (name = pstr(ev, d, P_NAME, &len)) != NULL) {
		fd_set_name(f, name, len);
	}
	f->flags = (uint32_t)pu64(ev, d, P_FLAGS, 0);
	fdt_put(t->fdt, f);
}

static void
dup_fd(struct state *s, struct st_thread *t, int64_t oldfd, int64_t newfd,
    int cloexec)
{
	struct st_fd *o = state_fd(s, t, oldfd), *n;

	if (newfd < 0 || oldfd < 0 || oldfd == newfd)
		return;
	if (o == NULL) {
		/* the source is unknown: forget what newfd was */
		fd_free(imap_del(&t->fdt->fds, newfd));
		return;
	}
	n = xmalloc(sizeof(*n));
	*n = *o;
	n->fd = newfd;
	n->name = xstrdup(o->name);
	n->name_apart = 1;
	n->nameraw = o->nameraw != NULL ? xstrdup(o->nameraw) : NULL;
	n->cloexec = (uint8_t)cloexec;
	fdt_put(t->fdt, n);
}

static void
do_dup(struct state *s, struct st_thread *t, const struct fevt *ev,
    const struct evdesc *d)
{
	int64_t res = pi64(ev, d, P_RES, -1);
	int64_t oldfd = pi64(ev, d, P_OLDFD, pi64(ev, d, P_FD, -1));

	dup_fd(s, t, oldfd, res,
	    (pu64(ev, d, P_FLAGS, 0) & FL_FILE_FLAGS_O_CLOEXEC) != 0);
}

static void
do_fcntl(struct state *s, struct st_thread *t, const struct fevt *ev,
    const struct evdesc *d)
{
	uint64_t cmd = pu64(ev, d, P_CMD, 0);

	if (cmd != FL_FCNTL_COMMANDS_F_DUPFD &&
	    cmd != FL_FCNTL_COMMANDS_F_DUPFD_CLOEXEC)
		return;
	dup_fd(s, t, pi64(ev, d, P_FD, -1), pi64(ev, d, P_RES, -1),
	    cmd == FL_FCNTL_COMMANDS_F_DUPFD_CLOEXEC);
}

static void
do_pipe(struct state *s, struct st_thread *t, const struct fevt *ev,
    const struct evdesc *d, uint8_t type)
{
	int64_t fd1 = pi64(ev, d, P_FD1, -1), fd2 = pi64(ev, d, P_FD2, -1);
	struct st_fd *f;
	int cloexec = (pu64(ev, d, P_FLAGS, 0) & FL_FILE_FLAGS_O_CLOEXEC) != 0;

	(void)s;
	if (pi64(ev, d, P_RES, 0) < 0 || fd1 < 0 || fd2 < 0)
		return;
	f = fdt_new_fd(fd1, type, "");
	f->ino = pu64(ev, d, P_INO, 0);
	f->cloexec = (uint8_t)cloexec;
	fdt_put(t->fdt, f);
	f = fdt_new_fd(fd2, type, "");
	f->ino = pu64(ev, d, P_INO, 0);
	f->cloexec = (uint8_t)cloexec;
	fdt_put(t->fdt, f);
}

static void
do_chdir(struct state *s, struct st_thread *t, const struct fevt *ev,
    const struct evdesc *d, int byfd)
{
	struct st_thread *m = state_main_thread(s, t);
	const char *dir;
	size_t len;

	if (pi64(ev, d, P_RES, -1) < 0)
		return;
	if (byfd) {
		struct st_fd *f = state_fd(s, t, pi64(ev, d, P_FD, -1));

		if (f == NULL)
			return;
		dir = f->name;
		len = strlen(dir);
	} else if ((dir = pstr(ev, d, P_PATH, &len)) == NULL)
		return;
	dir = resolve_at(s, t, FE_AT_FDCWD, dir, len);
	thread_set_str(&t->cwd, dir, strlen(dir));
	if (m != t)
		thread_set_str(&m->cwd, dir, strlen(dir));
}

static void
set_buf(char **dst, size_t *dlen, const char *src, size_t len)
{
	thread_set_str(dst, src != NULL ? src : "", src != NULL ? len : 0);
	*dlen = src != NULL ? len : 0;
}

/* The parts clone and execve events share. */
static void
common_proc_params(struct st_thread *t, const struct fevt *ev,
    const struct evdesc *d)
{
	const char *p;
	size_t len;

	if ((p = pstr(ev, d, P_EXE, &len)) != NULL)
		thread_set_str(&t->exe, p, len);
	if ((p = pbuf(ev, d, P_ARGS, &len)) != NULL)
		set_buf(&t->args, &t->args_len, p, len);
	if ((p = pstr(ev, d, P_COMM, &len)) != NULL)
		thread_set_str(&t->comm, p, len);
	if ((p = pstr(ev, d, P_CWD, &len)) != NULL && len > 0)
		thread_set_str(&t->cwd, p, len);
	if ((p = pbuf(ev, d, P_CGROUPS, &len)) != NULL) {
		set_buf(&t->cgroups, &t->cgroups_len, p, len);
		state_container_id(t->cgroups, t->cgroups_len,
		    t->container_id);
	}
	t->fdlimit = pu64(ev, d, P_FDLIMIT, t->fdlimit);
	t->pfmajor = pu64(ev, d, P_PGFT_MAJ, t->pfmajor);
	t->pfminor = pu64(ev, d, P_PGFT_MIN, t->pfminor);
	t->vmsize_kb = (uint32_t)pu64(ev, d, P_VM_SIZE, t->vmsize_kb);
	t->vmrss_kb = (uint32_t)pu64(ev, d, P_VM_RSS, t->vmrss_kb);
	t->vmswap_kb = (uint32_t)pu64(ev, d, P_VM_SWAP, t->vmswap_kb);
	t->uid = (uint32_t)pu64(ev, d, P_UID, t->uid);
	t->gid = (uint32_t)pu64(ev, d, P_GID, t->gid);
}

static void
copy_from_parent(struct st_thread *c, const struct st_thread *p)
{
	thread_set_str(&c->comm, p->comm, strlen(p->comm));
	thread_set_str(&c->exe, p->exe, strlen(p->exe));
	thread_set_str(&c->exepath, p->exepath, strlen(p->exepath));
	thread_set_str(&c->cwd, p->cwd, strlen(p->cwd));
	set_buf(&c->args, &c->args_len, p->args, p->args_len);
	set_buf(&c->env, &c->env_len, p->env, p->env_len);
	set_buf(&c->cgroups, &c->cgroups_len, p->cgroups, p->cgroups_len);
	c->uid = p->uid;
	c->gid = p->gid;
	c->loginuid = p->loginuid;
	c->tty = p->tty;
	c->sid = p->sid;
	c->vpgid = p->vpgid;
	c->pgid = p->pgid;
	c->cap_inheritable = p->cap_inheritable;
	c->cap_permitted = p->cap_permitted;
	c->cap_effective = p->cap_effective;
	c->exe_ino = p->exe_ino;
	c->exe_ino_ctime = p->exe_ino_ctime;
	c->exe_ino_mtime = p->exe_ino_mtime;
	c->exe_writable = p->exe_writable;
	c->exe_upper_layer = p->exe_upper_layer;
	c->exe_lower_layer = p->exe_lower_layer;
	c->exe_from_memfd = p->exe_from_memfd;
	c->fdlimit = p->fdlimit;
	c->pidns_init_start_ts = p->pidns_init_start_ts;
}

static int
recently_exited(const struct state *s, int64_t tid)
{
	size_t i;

	for (i = 0; i < EXITED_RING; i++)
		if (s->exited[i] == tid)
			return 1;
	return 0;
}

static struct st_thread *
do_clone(struct state *s, struct st_thread *t, const struct fevt *ev,
    const struct evdesc *d)
{
	int64_t res = pi64(ev, d, P_RES, -1);
	uint64_t flags = pu64(ev, d, P_FLAGS, 0);
	int64_t ctid, ppid, pid, ptid;
	struct st_thread *c, *parent, *ours = t;
	int child_side = res == 0;

	if (res < 0)
		return t;
	pid = pi64(ev, d, P_PID, -1);
	ptid = pi64(ev, d, P_PTID, -1);
	if (child_side) {
		/* The child reports itself: tid, pid and ptid are its own. */
		ctid = (int64_t)ev->hdr->tid;
		if (t != NULL && t->clone_ts != 0) {
			/* the parent side came first: the ids are right here */
			t->pid = pid;
			t->ptid = ptid;
			t->vtid = pi64(ev, d, P_VTID, t->vtid);
			t->vpid = pi64(ev, d, P_VPID, t->vpid);
			return t;
		}
		ppid = (flags & FL_CLONE_FLAGS_CLONE_THREAD) ? pid : ptid;
		parent = state_thread(s, ppid);
	} else {
		/* The parent reports: the params describe the parent. */
		ctid = res;
		parent = t;
		if (t != NULL && has(ev, d, P_VTID)) {
			t->vtid = pi64(ev, d, P_VTID, t->vtid);
			t->vpid = pi64(ev, d, P_VPID, t->vpid);
		}
		/*
		 * The child side creates the child when res is not a tid
		 * of ours (a child or caller in another pid namespace), for
		 * vfork (the child may have run and exited already), and
		 * when the child has already come and gone.
		 */
		if ((flags & (FL_CLONE_FLAGS_CLONE_CHILD_IN_PIDNS |
		    FL_CLONE_FLAGS_CLONE_NEWPID |
		    FL_CLONE_FLAGS_CLONE_PARENT |
		    FL_CLONE_FLAGS_CLONE_VFORK)) ||
		    (t != NULL && t->vtid >= 0 && t->vtid != t->tid) ||
		    d == &descs[FE_SYSCALL_VFORK_20_X] ||
		    recently_exited(s, ctid))
			return t;
		if ((c = state_thread(s, ctid)) != NULL && c->clone_ts != 0)
			return t;	/* the child side came first */
	}
	c = thread_alloc(ctid);
	if (parent != NULL)
		copy_from_parent(c, parent);
	common_proc_params(c, ev, d);
	if (child_side) {
		c->pid = pid;
		c->ptid = ptid;
		c->vtid = pi64(ev, d, P_VTID, -1);
		c->vpid = pi64(ev, d, P_VPID, -1);
	} else if (flags & FL_CLONE_FLAGS_CLONE_THREAD) {
		c->pid = pid;
		c->ptid = ptid;
	} else {
		c->pid = ctid;
		c->ptid = (flags & FL_CLONE_FLAGS_CLONE_PARENT) ? ptid :
		    (int64_t)ev->hdr->tid;
		/* same pid namespace as the parent: virtual = real */
		if (pi64(ev, d, P_VTID, -1) == (int64_t)ev->hdr->tid)
			c->vtid = c->vpid = ctid;
	}
	if (!child_side && (flags & FL_CLONE_FLAGS_CLONE_THREAD) &&
	    pi64(ev, d, P_VTID, -1) == (int64_t)ev->hdr->tid)
		c->vtid = ctid;
	if (!child_side && (flags & FL_CLONE_FLAGS_CLONE_THREAD))
		c->vpid = pi64(ev, d, P_VPID, -1);
	c->pidns_init_start_ts = pu64(ev, d, P_PIDNS_TS,
	    c->pidns_init_start_ts);
	c->clone_ts = ev->hdr->ts;
	c->lastseen_ts = ev->hdr->ts;
	if (parent != NULL && parent->fdt != NULL) {
		struct st_thread *pm = state_main_thread(s, parent);

		if (flags & (FL_CLONE_FLAGS_CLONE_FILES |
		    FL_CLONE_FLAGS_CLONE_THREAD)) {
			c->fdt = pm->fdt;
			c->fdt->refs++;
		} else
			c->fdt = fdt_copy(pm->fdt);
	}
	c = state_add_thread(s, c);
	if (child_side)
		ours = c;
	return ours;
}

static int
close_cloexec(void *arg, struct st_fd *f)
{
	struct imap *dead = arg;

	if (f->cloexec)
		(void)imap_put(dead, f->fd, f);
	return 0;
}

static void
do_execve(struct state *s, struct st_thread *t, const struct fevt *ev,
    const struct evdesc *d)
{
	const char *p;
	size_t len, i = 0;
	uint64_t fl;
	struct imap dead = { 0 };
	int64_t k;
	void *v;

	if (pi64(ev, d, P_RES, -1) != 0)
		return;
	common_proc_params(t, ev, d);
	/* An exec replaces argv: an empty args parameter means none. */
	if (d->p[P_ARGS] >= 0 && d->p[P_ARGS] < ev->nparams &&
	    ev->plen[d->p[P_ARGS]] == 0)
		set_buf(&t->args, &t->args_len, "", 0);
	if ((p = pbuf(ev, d, P_ENV, &len)) != NULL)
		set_buf(&t->env, &t->env_len, p, len);
	t->tty = (uint32_t)pu64(ev, d, P_TTY, t->tty);
	t->vpgid = pi64(ev, d, P_VPGID, t->vpgid);
	t->pgid = pi64(ev, d, P_PGID, t->pgid);
	t->loginuid = (uint32_t)pu64(ev, d, P_LOGINUID, t->loginuid);
	t->cap_inheritable = pu64(ev, d, P_CAP_INH, t->cap_inheritable);
	t->cap_permitted = pu64(ev, d, P_CAP_PERM, t->cap_permitted);
	t->cap_effective = pu64(ev, d, P_CAP_EFF, t->cap_effective);
	t->exe_ino = pu64(ev, d, P_EXE_INO, t->exe_ino);
	t->exe_ino_ctime = pu64(ev, d, P_EXE_CTIME, t->exe_ino_ctime);
	t->exe_ino_mtime = pu64(ev, d, P_EXE_MTIME, t->exe_ino_mtime);
	if (has(ev, d, P_FLAGS)) {
		fl = pu64(ev, d, P_FLAGS, 0);
		t->exe_writable = !!(fl & FL_EXECVE_FLAGS_EXE_WRITABLE);
		t->exe_upper_layer = !!(fl & FL_EXECVE_FLAGS_EXE_UPPER_LAYER);
		t->exe_lower_layer = !!(fl & FL_EXECVE_FLAGS_EXE_LOWER_LAYER);
		t->exe_from_memfd = !!(fl & FL_EXECVE_FLAGS_EXE_FROM_MEMFD);
	}
	/* An exec without a comm (old captures) names the process after
	   its exe. */
	if (pstr(ev, d, P_COMM, &len) == NULL || len == 0)
		thread_set_str(&t->comm, t->exe, strlen(t->exe));
	t->pid = pi64(ev, d, P_PID, t->pid);
	if (t->invalid) {
		/* a made-up entry: at least the parent is known now */
		t->ptid = pi64(ev, d, P_PTID, t->ptid);
		t->vtid = t->tid;
		t->vpid = t->pid;
		t->invalid = 0;
	}
	/* The executable's path: what the kernel resolved, else the name
	   passed to exec made absolute; else it stays as it was. */
	if ((p = pstr(ev, d, P_TRUSTED_EXEPATH, &len)) != NULL && len > 0)
		thread_set_str(&t->exepath, p, len);
	else if ((p = pstr(ev, d, P_FILENAME, &len)) != NULL && len > 0) {
		p = resolve_at(s, t, FE_AT_FDCWD, p, len);
		thread_set_str(&t->exepath, p, strlen(p));
	}
	/* close-on-exec fds go away */
	if (t->fdt != NULL) {
		(void)state_fd_foreach(s, t, close_cloexec, &dead);
		while (imap_next(&dead, &i, &k, &v))
			fd_free(imap_del(&t->fdt->fds, k));
		imap_free(&dead);
	}
}

static void
do_procexit(struct state *s, struct st_thread *t, const struct fevt *ev,
    const struct evdesc *d)
{
	int64_t reaper = pi64(ev, d, P_REAPER, -1);
	size_t i;

	if (reaper <= 0 || reaper == t->tid)
		reaper = 1;
	/* every exit scans the table: walk its slots without a call each */
	for (i = 0; i < s->threads.cap; i++) {
		struct st_thread *c = s->threads.vals[i];

		if (c != NULL && c->ptid == t->tid && c != t)
			c->ptid = reaper;
	}
	t->dead = 1;
	s->dead_tid = t->tid;
}

/* Apply what the previous event left pending. */
static void
flush_pending(struct state *s)
{
	if (s->close_fdt != NULL) {
		fd_free(imap_del(&s->close_fdt->fds, s->close_fd));
		fdt_unref(s->close_fdt);
		s->close_fdt = NULL;
	}
	if (s->dead_tid >= 0) {
		remove_thread(s, s->dead_tid);
		s->exited[s->nexited++ % EXITED_RING] = s->dead_tid;
		s->dead_tid = -1;
	}
}

void
state_set_purge(struct state *s, uint64_t interval_ns, uint64_t timeout_ns)
{
	s->purge_interval_ns = interval_ns;
	s->thread_timeout_ns = timeout_ns;
}

struct st_thread *
state_process(struct state *s, const struct fevt *ev)
{
	uint16_t type = ev->hdr->type;
	const struct evdesc *d;
	struct st_thread *t;
	int64_t tid = (int64_t)ev->hdr->tid;

	flush_pending(s);
	if (s->last_purge_ts == 0) {
		/* Seeded threads count as seen when the stream starts. */
		size_t i = 0;
		int64_t k;
		void *v;

		while (imap_next(&s->threads, &i, &k, &v))
			if (((struct st_thread *)v)->lastseen_ts == 0)
				((struct st_thread *)v)->lastseen_ts =
				    ev->hdr->ts;
		s->last_purge_ts = ev->hdr->ts;
	} else if (ev->hdr->ts > s->last_purge_ts + s->purge_interval_ns) {
		s->st.purged += state_purge(s, ev->hdr->ts,
		    s->thread_timeout_ns);
		s->last_purge_ts = ev->hdr->ts;
	}
	t = imap_get(&s->threads, tid);
	d = type < FE_MAX ? &descs[type] : NULL;
	if (d != NULL && d->kind == K_CLONE) {
		t = do_clone(s, t, ev, d);
		if (t != NULL)
			t->lastseen_ts = ev->hdr->ts;
		return t;
	}
	if (t == NULL) {
		/* Unknown thread: keep what the event tells, nothing more. */
		t = thread_alloc(tid);
		t->lastseen_ts = ev->hdr->ts;
		t->invalid = 1;
		if ((t = state_add_thread(s, t)) == NULL)
			return NULL;
	}
	t->lastseen_ts = ev->hdr->ts;
	if (d == NULL)
		return t;
	switch (d->kind) {
	case K_OPEN:
		do_open(s, t, ev, d);
		break;
	case K_CLOSE:
		if (pi64(ev, d, P_RES, -1) >= 0 && t->fdt != NULL) {
			s->close_fdt = t->fdt;
			s->close_fdt->refs++;
			s->close_fd = pi64(ev, d, P_FD, -1);
		}
		break;
	case K_SOCKET:
		do_socket(s, t, ev, d);
		break;
	case K_CONNECT:
		do_connect(s, t, ev, d);
		break;
	case K_ACCEPT:
		do_accept(s, t, ev, d);
		break;
	case K_BIND:
		do_bind(s, t, ev, d);
		break;
	case K_PIPE:
		do_pipe(s, t, ev, d, STFD_FIFO);
		break;
	case K_SOCKETPAIR:
		do_pipe(s, t, ev, d, STFD_UNIX);
		break;
	case K_DUP:
		do_dup(s, t, ev, d);
		break;
	case K_FCNTL:
		do_fcntl(s, t, ev, d);
		break;
	case K_NEWFD:
		do_newfd(s, t, ev, d);
		break;
	case K_CHDIR:
		do_chdir(s, t, ev, d, 0);
		break;
	case K_FCHDIR:
		do_chdir(s, t, ev, d, 1);
		break;
	case K_EXECVE:
		do_execve(s, t, ev, d);
		break;
	case K_PROCEXIT:
		do_procexit(s, t, ev, d);
		break;
	case K_SEND:
		do_transfer(s, t, ev, d, 0);
		break;
	case K_RECV:
		do_transfer(s, t, ev, d, 1);
		break;
	case K_SETUID:
		if (pi64(ev, d, P_RES, -1) == 0)
			t->uid = (uint32_t)pu64(ev, d, P_UID, t->uid);
		break;
	case K_SETRESUID:
		if (pi64(ev, d, P_RES, -1) == 0 &&
		    pi64(ev, d, P_EUID, -1) != -1)
			t->uid = (uint32_t)pu64(ev, d, P_EUID, t->uid);
		break;
	case K_SETGID:
		if (pi64(ev, d, P_RES, -1) == 0)
			t->gid = (uint32_t)pu64(ev, d, P_GID, t->gid);
		break;
	case K_SETRESGID:
		if (pi64(ev, d, P_RES, -1) == 0 &&
		    pi64(ev, d, P_EGID, -1) != -1)
			t->gid = (uint32_t)pu64(ev, d, P_EGID, t->gid);
		break;
	default:
		break;
	}
	return t;
}

size_t
state_purge(struct state *s, uint64_t now_ns, uint64_t max_idle_ns)
{
	struct imap parents = { 0 }, victims = { 0 };
	size_t i = 0, n;
	int64_t k;
	void *v;

	/* Threads that are somebody's parent stay: ancestry resolves. */
	while (imap_next(&s->threads, &i, &k, &v)) {
		struct st_thread *t = v;

		if (!t->dead && t->ptid > 0)
			(void)imap_put(&parents, t->ptid, t);
	}
	i = 0;
	while (imap_next(&s->threads, &i, &k, &v)) {
		struct st_thread *t = v;

		if (t->tid == s->dead_tid)
			continue;	/* removed after its event */
		if (t->dead || (max_idle_ns > 0 && t->tid != 1 &&
		    t->lastseen_ts + max_idle_ns < now_ns &&
		    imap_get(&parents, t->tid) == NULL))
			(void)imap_put(&victims, k, t);
	}
	n = victims.n;
	i = 0;
	while (imap_next(&victims, &i, &k, &v))
		remove_thread(s, k);
	imap_free(&parents);
	imap_free(&victims);
	return n;
}
