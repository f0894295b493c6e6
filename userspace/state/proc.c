/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Seeding the state from a /proc tree, for live drivers: every thread
 * with its ids, names, arguments, cwd, credentials, cgroups and fds.
 * Sockets get their type and addresses from the tables of the process's
 * network namespace (/proc/PID/net), as a capture's fd list has them.
 * Processes that vanish while they are read are skipped.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "state/state_int.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"

/* snprintf into a path buffer; a truncated path is skipped. */
static int
pathf(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
pathf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len) {
		buf[0] = '\0';
		return -1;
	}
	return 0;
}

/* Read a whole small file into sb (reset first); -1 if unreadable. */
static int
slurp(const char *path, struct sbuf *sb)
{
	char buf[4096];
	ssize_t n;
	int fd;

	sbuf_reset(sb);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		sbuf_put(sb, buf, (size_t)n);
	close(fd);
	return n < 0 ? -1 : 0;
}

static void
link_into(const char *path, char **dst)
{
	char buf[4096];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);

	if (n < 0)
		return;
	thread_set_str(dst, buf, (size_t)n);
}

static long long
status_field(const char *status, const char *key, int nth)
{
	const char *p = strstr(status, key);
	long long v = -1;
	int i;

	if (p == NULL)
		return -1;
	p += strlen(key);
	for (i = 0; i <= nth; i++) {
		char *end;

		while (*p == ' ' || *p == '\t')
			p++;
		v = strtoll(p, &end, 10);
		if (end == p)
			return -1;
		p = end;
	}
	return v;
}

/* ---- sockets ------------------------------------------------------ */

/* A socket of a /proc/PID/net table, by inode. */
struct psock {
	uint8_t		 type;		/* STFD_IPV4, _IPV6, _UNIX, _NETLINK */
	uint8_t		 l4proto;
	uint8_t		 lip[16], rip[16];
	uint16_t	 lport, rport;
	char		*path;		/* unix: bound path or "" */
};

/* The socket tables of the network namespaces seen so far. */
struct psocks {
	struct imap	 ns;		/* netns inode -> struct imap * */
};

static void
psocks_free(struct psocks *ps)
{
	size_t i = 0, j;
	int64_t k;
	void *v, *w;

	while (imap_next(&ps->ns, &i, &k, &v)) {
		struct imap *m = v;

		j = 0;
		while (imap_next(m, &j, &k, &w)) {
			free(((struct psock *)w)->path);
			free(w);
		}
		imap_free(m);
		free(m);
	}
	imap_free(&ps->ns);
}

/* The nth blank-separated column of line (0-based), or NULL. */
static const char *
column(const char *line, int nth, size_t *len)
{
	const char *p = line;
	int i;

	for (i = 0;; i++) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0' || *p == '\n')
			return NULL;
		*len = strcspn(p, " \t\n");
		if (i == nth)
			return p;
		p += *len;
	}
}

/*
 * "0100007F:1F90" or the 32-digit IPv6 form: the kernel prints each
 * 32-bit word of the address as a native integer, and the port in host
 * order.  Fills a (network order) and port; -1 if malformed.
 */
static int
hexaddr(const char *p, size_t len, int words, uint8_t a[16],
    uint16_t *port)
{
	char w[9], *end;
	uint32_t v;
	unsigned long pt;
	int i;

	if (len != (size_t)words * 8 + 5 || p[words * 8] != ':')
		return -1;
	memset(a, 0, 16);
	for (i = 0; i < words; i++) {
		memcpy(w, p + i * 8, 8);
		w[8] = '\0';
		v = (uint32_t)strtoul(w, &end, 16);
		if (*end != '\0')
			return -1;
		memcpy(a + i * 4, &v, 4);
	}
	pt = strtoul(p + words * 8 + 1, &end, 16);
	if (end != p + len || pt > 65535)
		return -1;
	*port = (uint16_t)pt;
	return 0;
}

static void
psock_put(struct imap *m, int64_t ino, struct psock *ps)
{
	struct psock *old = imap_put(m, ino, ps);

	if (old != NULL) {
		free(old->path);
		free(old);
	}
}

/* Load one table of a net directory (kind: "tcp", "udp6", ...). */
static void
load_table(struct imap *m, const char *netdir, const char *kind,
    struct sbuf *sb)
{
	char path[512];
	const char *line, *c;
	size_t len;
	int v6 = strchr(kind, '6') != NULL;
	int unx = strcmp(kind, "unix") == 0;
	int nl = strcmp(kind, "netlink") == 0;

	if (pathf(path, sizeof(path), "%s/%s", netdir, kind) != 0 ||
	    slurp(path, sb) != 0 || sb->len == 0)
		return;
	line = strchr(sb->buf, '\n');	/* past the heading */
	while (line != NULL && *++line != '\0') {
		struct psock ps, *n;
		int64_t ino;

		memset(&ps, 0, sizeof(ps));
		/* inode: column 9 of ip tables and netlink, 6 of unix */
		if ((c = column(line, unx ? 6 : 9, &len)) == NULL)
			goto next;
		ino = strtoll(c, NULL, 10);
		if (ino <= 0)
			goto next;
		if (unx) {
			ps.type = STFD_UNIX;
			c = column(line, 7, &len);
			ps.path = c != NULL ? xstrndup(c, len) : xstrdup("");
		} else if (nl)
			ps.type = STFD_NETLINK;
		else {
			ps.type = v6 ? STFD_IPV6 : STFD_IPV4;
			ps.l4proto = kind[0] == 't' ? ST_L4_TCP :
			    kind[0] == 'u' ? ST_L4_UDP : ST_L4_RAW;
			if ((c = column(line, 1, &len)) == NULL ||
			    hexaddr(c, len, v6 ? 4 : 1, ps.lip,
			    &ps.lport) != 0 ||
			    (c = column(line, 2, &len)) == NULL ||
			    hexaddr(c, len, v6 ? 4 : 1, ps.rip,
			    &ps.rport) != 0)
				goto next;
		}
		n = xmalloc(sizeof(*n));
		*n = ps;
		psock_put(m, ino, n);
next:
		line = strchr(line, '\n');
	}
}

/*
 * The socket with inode ino as process pid sees it (the tables of its
 * network namespace, read once per namespace), or NULL.
 */
static const struct psock *
psock_find(struct psocks *ps, const char *procdir, const char *pid,
    int64_t ino, struct sbuf *sb)
{
	static const char *const kinds[] = { "tcp", "tcp6", "udp", "udp6",
	    "raw", "raw6", "unix", "netlink" };
	char path[512], target[128], netdir[512];
	const char *b;
	ssize_t n;
	int64_t nsino = 0;
	struct imap *m;
	size_t i;

	if (pathf(path, sizeof(path), "%s/%s/ns/net", procdir, pid) == 0 &&
	    (n = readlink(path, target, sizeof(target) - 1)) > 0) {
		target[n] = '\0';
		if ((b = strchr(target, '[')) != NULL)
			nsino = strtoll(b + 1, NULL, 10);
	}
	if ((m = imap_get(&ps->ns, nsino)) == NULL) {
		m = xcalloc(1, sizeof(*m));
		(void)imap_put(&ps->ns, nsino, m);
		if (pathf(netdir, sizeof(netdir), "%s/%s/net", procdir,
		    pid) == 0)
			for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
				load_table(m, netdir, kinds[i], sb);
	}
	return imap_get(m, ino);
}

/*
 * An fd entry for a socket as a capture's fd list would give it: a
 * listening (or unbound) inet socket has its local end as the server
 * end; a connected one has the local end as client, remote as server,
 * whichever side connected.
 */
static struct st_fd *
sock_fd(int64_t fd, const struct psock *ps)
{
	static const uint8_t zero[16];
	struct st_fd *f;
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN], name[300];
	int af;

	if (ps->type == STFD_UNIX)
		return fdt_new_fd(fd, STFD_UNIX, ps->path);
	if (ps->type == STFD_NETLINK)
		return fdt_new_fd(fd, STFD_NETLINK, "");
	af = ps->type == STFD_IPV4 ? AF_INET : AF_INET6;
	f = fdt_new_fd(fd, ps->type, "");
	f->af = ps->type == STFD_IPV4 ? 4 : 6;
	f->l4proto = ps->l4proto;
	inet_ntop(af, ps->lip, a, sizeof(a));
	if (ps->rport == 0 && memcmp(ps->rip, zero, 16) == 0) {
		f->role = STFD_ROLE_SERVER;
		memcpy(f->sip, ps->lip, 16);
		f->sport = ps->lport;
		snprintf(name, sizeof(name), "%s:%u", a, f->sport);
	} else {
		memcpy(f->cip, ps->lip, 16);
		memcpy(f->sip, ps->rip, 16);
		f->cport = ps->lport;
		f->sport = ps->rport;
		inet_ntop(af, ps->rip, b, sizeof(b));
		snprintf(name, sizeof(name), "%s:%u->%s:%u", a, f->cport, b,
		    f->sport);
	}
	fd_set_name(f, name, strlen(name));
	return f;
}

static uint8_t
fd_type_of(const char *target)
{
	if (strncmp(target, "socket:", 7) == 0)
		return STFD_UNIX;	/* not in a table: as unix */
	if (strncmp(target, "pipe:", 5) == 0)
		return STFD_FIFO;
	if (strcmp(target, "anon_inode:[eventfd]") == 0)
		return STFD_EVENT;
	if (strcmp(target, "anon_inode:[eventpoll]") == 0)
		return STFD_EVENTPOLL;
	if (strcmp(target, "anon_inode:inotify") == 0)
		return STFD_INOTIFY;
	if (strcmp(target, "anon_inode:[signalfd]") == 0)
		return STFD_SIGNALFD;
	if (strcmp(target, "anon_inode:[timerfd]") == 0)
		return STFD_TIMERFD;
	if (strncmp(target, "anon_inode:", 11) == 0)
		return STFD_UNSUPPORTED;
	if (strncmp(target, "/memfd:", 7) == 0)
		return STFD_MEMFD;
	return STFD_FILE;
}

/* The fds of process pid (its fd directory under procdir) into fdt. */
static void
scan_fds(const char *procdir, const char *pid, struct st_fdtable *fdt,
    struct psocks *ps, struct sbuf *sb)
{
	DIR *d;
	struct dirent *de;
	char dir[512], path[1024], target[4096];
	const struct psock *sk;
	ssize_t n;

	if (pathf(dir, sizeof(dir), "%s/%s/fd", procdir, pid) != 0 ||
	    (d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		struct st_fd *f;
		int64_t fd;
		uint8_t type;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		(void)pathf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if ((n = readlink(path, target, sizeof(target) - 1)) < 0)
			continue;
		target[n] = '\0';
		fd = strtoll(de->d_name, NULL, 10);
		if (strncmp(target, "socket:[", 8) == 0 &&
		    (sk = psock_find(ps, procdir, pid,
		    strtoll(target + 8, NULL, 10), sb)) != NULL) {
			fdt_put(fdt, sock_fd(fd, sk));
			continue;
		}
		type = fd_type_of(target);
		f = fdt_new_fd(fd, type, type == STFD_FILE ? target :
		    type == STFD_MEMFD ? target + 1 : "");
		fdt_put(fdt, f);
	}
	closedir(d);
}

/* Build the thread at base (/proc/PID/task/TID); NULL if it vanished. */
static struct st_thread *
read_thread(const char *base, int64_t tid, struct sbuf *sb)
{
	struct st_thread *t;
	char path[512];
	const char *p;
	size_t i, n;

	(void)pathf(path, sizeof(path), "%s/status", base);
	if (slurp(path, sb) != 0)
		return NULL;
	t = thread_alloc(tid);
	t->pid = status_field(sb->buf, "\nTgid:", 0);
	t->ptid = status_field(sb->buf, "\nPPid:", 0);
	t->uid = (uint32_t)status_field(sb->buf, "\nUid:", 1);
	t->gid = (uint32_t)status_field(sb->buf, "\nGid:", 1);
	/* the last NSpid/NStgid value is the id in the innermost ns */
	t->vtid = tid;
	t->vpid = t->pid;
	if ((p = strstr(sb->buf, "\nNSpid:")) != NULL) {
		for (i = 0; i < 8 && status_field(p, "\nNSpid:", (int)i) >= 0;
		    i++)
			t->vtid = status_field(p, "\nNSpid:", (int)i);
	}
	if ((p = strstr(sb->buf, "\nNStgid:")) != NULL) {
		for (i = 0; i < 8 && status_field(p, "\nNStgid:", (int)i) >= 0;
		    i++)
			t->vpid = status_field(p, "\nNStgid:", (int)i);
	}
	(void)pathf(path, sizeof(path), "%s/comm", base);
	if (slurp(path, sb) == 0 && sb->len > 0)
		thread_set_str(&t->comm, sb->buf, sb->len -
		    (sb->buf[sb->len - 1] == '\n'));
	(void)pathf(path, sizeof(path), "%s/cmdline", base);
	if (slurp(path, sb) == 0 && sb->len > 0) {
		n = strnlen(sb->buf, sb->len);
		thread_set_str(&t->exe, sb->buf, n);
		if (n < sb->len) {
			free(t->args);
			t->args_len = sb->len - n - 1;
			t->args = xmalloc(t->args_len + 1);
			memcpy(t->args, sb->buf + n + 1, t->args_len);
			t->args[t->args_len] = '\0';
		}
	}
	(void)pathf(path, sizeof(path), "%s/environ", base);
	if (slurp(path, sb) == 0) {
		free(t->env);
		t->env = xmalloc(sb->len + 1);
		memcpy(t->env, sb->buf != NULL ? sb->buf : "", sb->len);
		t->env[sb->len] = '\0';
		t->env_len = sb->len;
	}
	(void)pathf(path, sizeof(path), "%s/cgroup", base);
	if (slurp(path, sb) == 0 && sb->len > 0) {
		/* "N:subsys:path\n" lines -> "subsys=path\0" */
		struct sbuf cg = SBUF_INIT;
		char *line = sb->buf, *nl, *c1, *c2;

		while (*line != '\0') {
			if ((nl = strchr(line, '\n')) != NULL)
				*nl = '\0';
			if ((c1 = strchr(line, ':')) != NULL &&
			    (c2 = strchr(c1 + 1, ':')) != NULL) {
				sbuf_put(&cg, c1 + 1, (size_t)(c2 - c1 - 1));
				sbuf_putc(&cg, '=');
				sbuf_put(&cg, c2 + 1, strlen(c2 + 1) + 1);
			}
			if (nl == NULL)
				break;
			line = nl + 1;
		}
		free(t->cgroups);
		t->cgroups_len = cg.len;
		t->cgroups = cg.buf != NULL ? sbuf_detach(&cg) : xstrdup("");
	}
	(void)pathf(path, sizeof(path), "%s/loginuid", base);
	if (slurp(path, sb) == 0 && sb->len > 0)
		t->loginuid = (uint32_t)strtoul(sb->buf, NULL, 10);
	(void)pathf(path, sizeof(path), "%s/exe", base);
	link_into(path, &t->exepath);
	(void)pathf(path, sizeof(path), "%s/cwd", base);
	link_into(path, &t->cwd);
	(void)pathf(path, sizeof(path), "%s/stat", base);
	if (slurp(path, sb) == 0 && (p = strrchr(sb->buf, ')')) != NULL) {
		long long pgid = -1, sid = -1, tty = 0;

		if (sscanf(p + 1, " %*c %*d %lld %lld %lld", &pgid, &sid,
		    &tty) == 3) {
			t->pgid = pgid;
			t->vpgid = pgid;
			t->sid = sid;
			t->tty = (uint32_t)tty;
		}
	}
	return t;
}

long
state_seed_proc(struct state *s, const char *procdir)
{
	DIR *pd, *td;
	struct dirent *pe, *te;
	struct sbuf sb = SBUF_INIT;
	struct psocks ps;
	char base[512], tdir[512];
	long added = 0;

	if ((pd = opendir(procdir)) == NULL)
		return -1;
	memset(&ps, 0, sizeof(ps));
	while ((pe = readdir(pd)) != NULL) {
		struct st_fdtable *fdt;

		if (!isdigit((unsigned char)pe->d_name[0]))
			continue;
		(void)pathf(tdir, sizeof(tdir), "%s/%s/task", procdir,
		    pe->d_name);
		if ((td = opendir(tdir)) == NULL)
			continue;
		fdt = fdt_new();
		scan_fds(procdir, pe->d_name, fdt, &ps, &sb);
		while ((te = readdir(td)) != NULL) {
			struct st_thread *t;

			if (!isdigit((unsigned char)te->d_name[0]))
				continue;
			(void)pathf(base, sizeof(base), "%s/%s", tdir,
			    te->d_name);
			t = read_thread(base, strtoll(te->d_name, NULL, 10),
			    &sb);
			if (t == NULL)
				continue;
			t->fdt = fdt;
			fdt->refs++;
			if (state_add_thread(s, t) != NULL)
				added++;
		}
		closedir(td);
		fdt_unref(fdt);
	}
	closedir(pd);
	psocks_free(&ps);
	sbuf_free(&sb);
	return added;
}
