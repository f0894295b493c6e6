/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Seeding the state from a /proc tree, for live drivers: every thread
 * with its ids, names, arguments, cwd, credentials, cgroups and fds.
 * Sockets are recorded by type only: their addresses come from later
 * events.  Processes that vanish while they are read are skipped.
 */
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

static uint8_t
fd_type_of(const char *target)
{
	if (strncmp(target, "socket:", 7) == 0)
		return STFD_UNIX;	/* XXX family unknown until an event */
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

static void
scan_fds(const char *dir, struct st_fdtable *fdt)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[512], target[4096];
	ssize_t n;

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		struct st_fd *f;
		uint8_t type;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		(void)pathf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if ((n = readlink(path, target, sizeof(target) - 1)) < 0)
			continue;
		target[n] = '\0';
		type = fd_type_of(target);
		f = fdt_new_fd(strtoll(de->d_name, NULL, 10), type,
		    type == STFD_FILE ? target : type == STFD_MEMFD ?
		    target + 1 : "");
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
	char base[512], tdir[512];
	long added = 0;

	if ((pd = opendir(procdir)) == NULL)
		return -1;
	while ((pe = readdir(pd)) != NULL) {
		struct st_fdtable *fdt;

		if (!isdigit((unsigned char)pe->d_name[0]))
			continue;
		(void)pathf(tdir, sizeof(tdir), "%s/%s/task", procdir,
		    pe->d_name);
		if ((td = opendir(tdir)) == NULL)
			continue;
		fdt = fdt_new();
		(void)pathf(base, sizeof(base), "%s/%s/fd", procdir,
		    pe->d_name);
		scan_fds(base, fdt);
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
	sbuf_free(&sb);
	return added;
}
