/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Building blocks shared by the actions: temporary files, running other
 * programs with a time limit, re-launching ourselves under another name,
 * private network namespaces, container detection.
 */
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <net/if.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "evgen/evgen.h"
#include "state/state.h"
#include "util/log.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"

#define TEMP_PREFIX	"falco-event-generator-syscall-"

static int
set_reason(struct evgen_ctx *ctx, int code, const char *fmt, va_list ap)
{
	vsnprintf(ctx->reason, sizeof(ctx->reason), fmt, ap);
	return code;
}

int
evgen_skip(struct evgen_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = set_reason(ctx, EVGEN_SKIP, fmt, ap);
	va_end(ap);
	return r;
}

int
evgen_fail(struct evgen_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = set_reason(ctx, EVGEN_FAIL, fmt, ap);
	va_end(ap);
	return r;
}

int
evgen_parse_duration(const char *s, long long *ns)
{
	static const struct { const char *unit; double mult; } units[] = {
		{ "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 },
		{ "m", 60e9 }, { "h", 3600e9 },
	};
	char *end;
	double v;
	size_t i;

	errno = 0;
	v = strtod(s, &end);
	/* !(v >= 0) also refuses NaN; a year is more than enough. */
	if (errno != 0 || end == s || !(v >= 0) || v > 31536000e9)
		return -1;
	if (*end == '\0') {
		if (v != 0)
			return -1;
		*ns = 0;
		return 0;
	}
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(end, units[i].unit) == 0) {
			if (v * units[i].mult > 31536000e9)
				return -1;
			*ns = (long long)(v * units[i].mult);
			return 0;
		}
	return -1;
}

long long
evgen_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int
evgen_cgroup_container_id(const char *text, size_t len, char id[65])
{
	struct sbuf cg = SBUF_INIT;
	const char *line = text, *end = text + len, *nl, *c1, *c2;
	int r;

	/* "N:subsys:path" lines -> "subsys=path\0", state's layout. */
	while (line < end) {
		if ((nl = memchr(line, '\n', (size_t)(end - line))) == NULL)
			nl = end;
		if ((c1 = memchr(line, ':', (size_t)(nl - line))) != NULL &&
		    (c2 = memchr(c1 + 1, ':', (size_t)(nl - c1 - 1))) != NULL) {
			sbuf_put(&cg, c1 + 1, (size_t)(c2 - c1 - 1));
			sbuf_putc(&cg, '=');
			sbuf_put(&cg, c2 + 1, (size_t)(nl - c2 - 1));
			sbuf_putc(&cg, '\0');
		}
		line = nl + 1;
	}
	r = state_container_id(cg.buf, cg.len, id);
	sbuf_free(&cg);
	return r;
}

/*
 * The daemon takes container.id from the cgroup path of a process and
 * nothing else: marker files such as /.dockerenv say nothing about the
 * cgroups (this generator may run in a CI provider's container whose
 * cgroup layout the daemon does not recognise, so the daemon reports
 * container.id=host), and a container-only rule would then never match.
 */
int
evgen_detect_container(char *why, size_t whylen)
{
	char buf[16384], id[65];
	const char *env;
	ssize_t n;
	int fd;

	if ((env = getenv("FALCO_EVGEN_CONTAINER")) != NULL) {
		if (strcmp(env, "yes") == 0 || strcmp(env, "1") == 0) {
			snprintf(why, whylen, "FALCO_EVGEN_CONTAINER=%s", env);
			return 1;
		}
		if (strcmp(env, "no") == 0 || strcmp(env, "0") == 0) {
			snprintf(why, whylen, "FALCO_EVGEN_CONTAINER=%s", env);
			return 0;
		}
		log_warn("FALCO_EVGEN_CONTAINER=%s: expected yes or no; "
		    "detecting instead", env);
	}
	if ((fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(why, whylen, "/proc/self/cgroup: %s; assuming the "
		    "host", strerror(errno));
		return 0;
	}
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n > 0 && evgen_cgroup_container_id(buf, (size_t)n, id)) {
		snprintf(why, whylen, "/proc/self/cgroup names container "
		    "%.12s, the daemon's container.id", id);
		return 1;
	}
	snprintf(why, whylen, "/proc/self/cgroup names no container, so "
	    "the daemon reports container.id=host%s",
	    access("/.dockerenv", F_OK) == 0 ||
	    access("/run/.containerenv", F_OK) == 0 ?
	    " (/.dockerenv or /run/.containerenv exists but is not "
	    "what the daemon goes by)" : "");
	return 0;
}

int
evgen_find_tool(const char *name, char *path, size_t len)
{
	const char *p, *end;
	char dirs[4096];
	const char *env = getenv("PATH");

	snprintf(dirs, sizeof(dirs), "%s:/usr/local/sbin:/usr/sbin:/sbin",
	    env != NULL ? env : "/usr/local/bin:/usr/bin:/bin");
	for (p = dirs; *p != '\0'; p = *end != '\0' ? end + 1 : end) {
		end = strchr(p, ':');
		if (end == NULL)
			end = p + strlen(p);
		if (end == p)
			continue;
		if ((size_t)snprintf(path, len, "%.*s/%s", (int)(end - p), p,
		    name) >= len)
			continue;
		if (access(path, X_OK) == 0)
			return 0;
	}
	return -1;
}

int
evgen_mktemp_dir(struct evgen_ctx *ctx, const char *base, char *path,
    size_t len)
{
	const char *tmp = base;

	if (tmp == NULL && (tmp = getenv("TMPDIR")) == NULL)
		tmp = "/tmp";
	if ((size_t)snprintf(path, len, "%s/" TEMP_PREFIX "%s-XXXXXX", tmp,
	    ctx->shortname) >= len)
		return evgen_fail(ctx, "temporary path too long");
	if (mkdtemp(path) == NULL)
		return evgen_fail(ctx, "mkdtemp %s: %s", path, strerror(errno));
	return 0;
}

int
evgen_mktemp_file(struct evgen_ctx *ctx, const char *dir, mode_t mode,
    char *path, size_t len)
{
	static const char chars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	unsigned seed = (unsigned)evgen_now_ns() ^ (unsigned)getpid();
	int fd, tries, i;
	size_t n;

	for (tries = 0; tries < 100; tries++) {
		n = (size_t)snprintf(path, len, "%s/" TEMP_PREFIX "%s-", dir,
		    ctx->shortname);
		if (n + 7 > len)
			return evgen_fail(ctx, "temporary path too long");
		for (i = 0; i < 6; i++)
			path[n + i] =
			    chars[rand_r(&seed) % (sizeof(chars) - 1)];
		path[n + 6] = '\0';
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
		if (fd != -1) {
			close(fd);
			return 0;
		}
		if (errno != EEXIST)
			return evgen_fail(ctx, "create %s: %s", path,
			    strerror(errno));
	}
	return evgen_fail(ctx, "no free temporary name in %s", dir);
}

static int
rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	if (type == FTW_DP)
		return rmdir(path) == -1 && errno != ENOENT ? -1 : 0;
	return unlink(path) == -1 && errno != ENOENT ? -1 : 0;
}

int
evgen_rmtree(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == -1)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path);
	return nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int
evgen_user_ids(const char *user, uid_t *uid, gid_t *gid)
{
	struct passwd *pw;

	if ((pw = getpwnam(user)) == NULL)
		return -1;
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return 0;
}

static int
redirect(int target, const char *path, int flags)
{
	int fd;

	if ((fd = open(path, flags, 0600)) == -1)
		return -1;
	if (fd != target) {
		if (dup2(fd, target) == -1)
			return -1;
		close(fd);
	}
	return 0;
}

/*
 * Runs in the child between fork and exec, so it sticks to
 * async-signal-safe calls.  Returns 0, or -1 with errno set.
 */
static int
child_setup(const struct evgen_runopt *opt)
{
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (redirect(STDIN_FILENO, opt != NULL && opt->stdin_path != NULL ?
	    opt->stdin_path : "/dev/null", O_RDONLY) == -1 ||
	    redirect(STDOUT_FILENO, opt != NULL && opt->stdout_path != NULL ?
	    opt->stdout_path : "/dev/null", O_WRONLY) == -1 ||
	    redirect(STDERR_FILENO, "/dev/null", O_WRONLY) == -1)
		return -1;
	if (opt == NULL)
		return 0;
	if (opt->new_mntns) {
		if (unshare(CLONE_NEWNS) == -1 ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1)
			return -1;
	}
	if (opt->env != NULL) {
		char *const *e;

		for (e = opt->env; *e != NULL; e++)
			if (putenv(*e) != 0)
				return -1;
	}
	if (opt->as_user) {
		if (setgroups(0, NULL) == -1 || setgid(opt->gid) == -1 ||
		    setuid(opt->uid) == -1)
			return -1;
	}
	return 0;
}

/*
 * Wait for pid for at most timeout_ms, then kill it.  Returns the exit
 * status (128+signal when killed by one) or -1.
 */
static int
wait_timeout(pid_t pid, int timeout_ms)
{
	long long deadline = evgen_now_ns() + (long long)timeout_ms * 1000000;
	struct timespec nap = { 0, 10 * 1000 * 1000 };
	int st;
	pid_t r;

	for (;;) {
		r = waitpid(pid, &st, WNOHANG);
		if (r == pid)
			break;
		if (r == -1 && errno != EINTR)
			return -1;
		if (evgen_now_ns() > deadline) {
			kill(pid, SIGKILL);
			if (waitpid(pid, &st, 0) == -1)
				return -1;
			break;
		}
		nanosleep(&nap, NULL);
	}
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return -1;
}

/*
 * The child reports a failure before or at exec by writing errno into a
 * close-on-exec pipe, so that the program's own exit status is never
 * mistaken for ours.
 */
int
evgen_run(struct evgen_ctx *ctx, char *const argv[],
    const struct evgen_runopt *opt)
{
	int timeout = opt != NULL && opt->timeout_ms > 0 ? opt->timeout_ms :
	    10000;
	int pfd[2], err, st;
	ssize_t n;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) == -1)
		return evgen_fail(ctx, "pipe: %s", strerror(errno));
	if ((pid = fork()) == -1) {
		close(pfd[0]);
		close(pfd[1]);
		return evgen_fail(ctx, "fork: %s", strerror(errno));
	}
	if (pid == 0) {
		close(pfd[0]);
		if (child_setup(opt) == 0)
			execvp(argv[0], argv);
		err = errno;
		if (write(pfd[1], &err, sizeof(err)) < 0) {
			/* The parent then sees status 127 only. */
		}
		_exit(127);
	}
	close(pfd[1]);
	do
		n = read(pfd[0], &err, sizeof(err));
	while (n == -1 && errno == EINTR);
	close(pfd[0]);
	st = wait_timeout(pid, timeout);
	if (n == (ssize_t)sizeof(err))
		return evgen_fail(ctx, "could not run %s: %s", argv[0],
		    strerror(err));
	if (st == -1)
		return evgen_fail(ctx, "waiting for %s: %s", argv[0],
		    strerror(errno));
	log_debug("%s: %s exited with status %d", ctx->name, argv[0], st);
	return st;
}

int
evgen_spawn_as(struct evgen_ctx *ctx, const char *progname,
    const char *action, const char *sleep, const char *netns_addr)
{
	char dir[PATH_MAX], link[PATH_MAX + 64], pattern[256];
	char *argv[7];
	pid_t pid;
	int st;

	if (evgen_mktemp_dir(ctx, NULL, dir, sizeof(dir)) == -1)
		return -1;
	snprintf(link, sizeof(link), "%s/%s", dir, progname);
	snprintf(pattern, sizeof(pattern), "^%s$", action);
	if (symlink(ctx->self, link) == -1) {
		evgen_fail(ctx, "symlink %s: %s", link, strerror(errno));
		evgen_rmtree(dir);
		return -1;
	}
	argv[0] = link;
	argv[1] = (char *)"run";
	argv[2] = pattern;
	argv[3] = (char *)"--sleep";
	argv[4] = (char *)(sleep != NULL ? sleep : "0");
	argv[5] = NULL;
	if ((pid = fork()) == -1) {
		evgen_fail(ctx, "fork: %s", strerror(errno));
		evgen_rmtree(dir);
		return -1;
	}
	if (pid == 0) {
		if (netns_addr != NULL && evgen_netns_setup(netns_addr) == -1)
			_exit(123);
		/* Keep stderr: the child's own log lines explain failures. */
		if (redirect(STDIN_FILENO, "/dev/null", O_RDONLY) == 0)
			execv(link, argv);
		_exit(127);
	}
	/* The longest child (trusted-after-startup) sleeps 6 s. */
	st = wait_timeout(pid, 30000);
	evgen_rmtree(dir);
	if (st == 123)
		return evgen_fail(ctx, "could not create a network namespace");
	if (st != 0)
		return evgen_fail(ctx, "%s run %s exited with status %d",
		    progname, pattern, st);
	return 0;
}

static int
ifreq_addr(int s, const char *ifname, const char *addr, unsigned long req)
{
	struct sockaddr_in sin;
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1) {
		errno = EINVAL;
		return -1;
	}
	memcpy(&ifr.ifr_addr, &sin, sizeof(sin));
	return ioctl(s, req, &ifr);
}

int
evgen_netns_setup(const char *addr)
{
	struct ifreq ifr;
	int s, saved;

	if (unshare(CLONE_NEWNET) == -1)
		return -1;
	if ((s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) == -1)
		goto fail;
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) == -1)
		goto fail;
	/* An alias label on lo: the address lives only in this namespace. */
	if (ifreq_addr(s, "lo:evgen", addr, SIOCSIFADDR) == -1 ||
	    ifreq_addr(s, "lo:evgen", "255.255.255.255", SIOCSIFNETMASK) == -1)
		goto fail;
	close(s);
	return 0;
fail:
	saved = errno;
	close(s);
	errno = saved;
	return -1;
}

/*
 * Delivery to an address held by lo never leaves the machine.  Requiring
 * also that lo is the only interface makes sure the namespace is one of
 * ours, not a host where someone happened to configure the address.
 */
int
evgen_addr_is_local(const char *addr)
{
	struct ifaddrs *ifa, *i;
	struct in_addr want;
	int found = 0, other = 0;

	if (inet_pton(AF_INET, addr, &want) != 1)
		return 0;
	if (getifaddrs(&ifa) == -1)
		return 0;
	for (i = ifa; i != NULL; i = i->ifa_next) {
		if (strcmp(i->ifa_name, "lo") != 0 &&
		    strncmp(i->ifa_name, "lo:", 3) != 0) {
			other = 1;
			continue;
		}
		if (i->ifa_addr != NULL && i->ifa_addr->sa_family == AF_INET &&
		    memcmp(&((struct sockaddr_in *)(void *)i->ifa_addr)->
		    sin_addr, &want, sizeof(want)) == 0)
			found = 1;
	}
	freeifaddrs(ifa);
	return found && !other;
}
