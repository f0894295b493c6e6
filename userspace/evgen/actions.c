/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The actions.  Each one performs the syscalls its rule looks for, then
 * removes what it created and restores what it changed, even when a step
 * in the middle fails.  The table at the end lists them in the order
 * "list" shows.
 *
 * Differences from the public event-generator, all on purpose:
 * - network targets: every public or private address it uses is
 *   replaced by loopback, or by an address configured only on the
 *   loopback device of a network namespace the action creates (see
 *   evgen_netns_setup(); the namespace vanishes with the action):
 *
 *     action                         original            here
 *     DisallowedSSHConnection...     example.com:443     192.0.2.1:443, netns
 *     SystemProcsNetworkActivity     10.2.3.4:8192/udp   192.0.2.1:8192, netns
 *     InterpretedProcsOutbound...    example.net:53/udp  192.0.2.1:53, netns
 *     InterpretedProcsInbound...     a local address     192.0.2.1, netns
 *     UnexpectedUDPTraffic           example.com:22/udp  192.0.2.1:22, netns
 *     ContactEC2InstanceMetadata...  169.254.169.254:80  the same, netns only
 *     NetcatRemoteCodeExecution...   example.com:22      127.0.0.1, refusing
 *     LaunchSuspiciousNetworkTool*   172.17.0.1/32       127.0.0.1
 *     JavaProcessClassFileDownload   localhost:1234/udp  127.0.0.1:ephemeral
 *     ProgramRunWithDisallowed...    (a proxy variable)  127.0.0.1, refusing
 *
 *   The rules ignore loopback peers, hence the namespaces; a helper
 *   refuses to send unless its target is held by lo in a namespace whose
 *   only interface is lo (evgen_addr_is_local());
 * - tools that only need to be started (a scanner, a package manager)
 *   are run with a harmless argument such as --version;
 * - the suspicious network tool actions accept any tool of the rule's
 *   list, not only nmap.
 */
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <linux/capability.h>
#include <arpa/inet.h>
#include <net/ethernet.h>
#include <netinet/in.h>
#include <netpacket/packet.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "evgen/evgen.h"
#include "util/log.h"

#define PREFIX	"falco-event-generator-syscall-"

extern char **environ;

/* ------------------------------------------------------------------ */
/* Small helpers                                                        */
/* ------------------------------------------------------------------ */

/* Create (or truncate, with extra flags) path and close it. */
static int
touch(struct evgen_ctx *ctx, const char *path, int flags, mode_t mode,
    const char *text)
{
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | flags, mode);
	if (fd == -1)
		return evgen_fail(ctx, "open %s: %s", path, strerror(errno));
	if (text != NULL && write(fd, text, strlen(text)) < 0) {
		close(fd);
		return evgen_fail(ctx, "write %s: %s", path, strerror(errno));
	}
	close(fd);
	return EVGEN_OK;
}

/* Open path for reading, read a little, close. */
static int
read_file(struct evgen_ctx *ctx, const char *path)
{
	char buf[64];
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return evgen_fail(ctx, "open %s: %s", path, strerror(errno));
	if (read(fd, buf, sizeof(buf)) < 0) {
		close(fd);
		return evgen_fail(ctx, "read %s: %s", path, strerror(errno));
	}
	close(fd);
	return EVGEN_OK;
}

static int
copy_file(struct evgen_ctx *ctx, const char *src, const char *dst)
{
	char buf[65536];
	int in, out, r = EVGEN_OK;
	ssize_t n;

	if ((in = open(src, O_RDONLY | O_CLOEXEC)) == -1)
		return evgen_fail(ctx, "open %s: %s", src, strerror(errno));
	if ((out = open(dst, O_WRONLY | O_TRUNC | O_CLOEXEC)) == -1) {
		close(in);
		return evgen_fail(ctx, "open %s: %s", dst, strerror(errno));
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			r = evgen_fail(ctx, "write %s: %s", dst,
			    strerror(errno));
			break;
		}
	if (n < 0)
		r = evgen_fail(ctx, "read %s: %s", src, strerror(errno));
	close(in);
	close(out);
	return r;
}

/* Run a tool found in PATH, or skip when it is not installed. */
static int
run_tool(struct evgen_ctx *ctx, char *const argv[],
    const struct evgen_runopt *opt)
{
	char path[PATH_MAX];
	int st;

	if (evgen_find_tool(argv[0], path, sizeof(path)) == -1)
		return evgen_skip(ctx, "%s is not installed", argv[0]);
	/* The exec is what the rule sees; the tool's verdict is not. */
	st = evgen_run(ctx, argv, opt);
	return st < 0 ? EVGEN_FAIL : EVGEN_OK;
}

/* Run the first installed tool of a NULL-terminated list of argvs. */
static int
run_first_tool(struct evgen_ctx *ctx, char *const *const argvs[],
    const struct evgen_runopt *opt)
{
	char path[PATH_MAX], names[256] = "";
	size_t i;

	for (i = 0; argvs[i] != NULL; i++) {
		if (evgen_find_tool(argvs[i][0], path, sizeof(path)) == 0)
			return run_tool(ctx, argvs[i], opt);
		snprintf(names + strlen(names), sizeof(names) - strlen(names),
		    "%s%s", i > 0 ? ", " : "", argvs[i][0]);
	}
	return evgen_skip(ctx, "none of %s is installed", names);
}

/* Run fn in a forked child and wait; the child's reason is logged. */
static int
in_child(struct evgen_ctx *ctx, int (*fn)(struct evgen_ctx *, void *),
    void *arg, const char *what)
{
	pid_t pid;
	int st, r;

	if ((pid = fork()) == -1)
		return evgen_fail(ctx, "fork: %s", strerror(errno));
	if (pid == 0) {
		r = fn(ctx, arg);
		if (r == EVGEN_FAIL)
			log_err("%s: %s: %s", ctx->name, what, ctx->reason);
		_exit(r == EVGEN_OK ? 0 : 1);
	}
	if (waitpid(pid, &st, 0) == -1)
		return evgen_fail(ctx, "waitpid: %s", strerror(errno));
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return evgen_fail(ctx, "%s failed (see the log above)", what);
	return EVGEN_OK;
}

/* A TCP or UDP IPv4 socket bound to addr:port (port 0: any). */
static int
bound_socket(struct evgen_ctx *ctx, int type, const char *addr, int port,
    struct sockaddr_in *sin)
{
	socklen_t len = sizeof(*sin);
	int s, one = 1;

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((unsigned short)port);
	inet_pton(AF_INET, addr, &sin->sin_addr);
	if ((s = socket(AF_INET, type | SOCK_CLOEXEC, 0)) == -1)
		return evgen_fail(ctx, "socket: %s", strerror(errno)), -1;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)sin, sizeof(*sin)) == -1 ||
	    getsockname(s, (struct sockaddr *)sin, &len) == -1) {
		evgen_fail(ctx, "bind %s:%d: %s", addr, port, strerror(errno));
		close(s);
		return -1;
	}
	return s;
}

/*
 * Send one UDP datagram to addr:port from a connected socket.  addr must
 * be local to one of our private namespaces (see evgen_addr_is_local()).
 */
static int
udp_send_private(struct evgen_ctx *ctx, const char *addr, int port)
{
	struct sockaddr_in sin;
	int s;

	if (!evgen_addr_is_local(addr))
		return evgen_fail(ctx, "refusing to send to %s: it is not an "
		    "address of a private network namespace", addr);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	inet_pton(AF_INET, addr, &sin.sin_addr);
	if ((s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return evgen_fail(ctx, "socket: %s", strerror(errno));
	if (connect(s, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    send(s, "falco-event-generator", 21, 0) == -1) {
		close(s);
		return evgen_fail(ctx, "udp to %s:%d: %s", addr, port,
		    strerror(errno));
	}
	close(s);
	return EVGEN_OK;
}

/* TCP connect to addr:port (which must be private, with a listener). */
static int
tcp_connect_private(struct evgen_ctx *ctx, const char *addr, int port)
{
	struct sockaddr_in sin;
	int s, l;

	if (!evgen_addr_is_local(addr))
		return evgen_fail(ctx, "refusing to connect to %s: it is not "
		    "an address of a private network namespace", addr);
	if ((l = bound_socket(ctx, SOCK_STREAM, addr, port, &sin)) == -1)
		return EVGEN_FAIL;
	if (listen(l, 4) == -1) {
		close(l);
		return evgen_fail(ctx, "listen: %s", strerror(errno));
	}
	if ((s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(s, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		if (s != -1)
			close(s);
		close(l);
		return evgen_fail(ctx, "connect %s:%d: %s", addr, port,
		    strerror(errno));
	}
	close(s);
	close(l);
	return EVGEN_OK;
}

/* ------------------------------------------------------------------ */
/* Helper actions, run through "run ^helper.X$" by re-launched copies   */
/* ------------------------------------------------------------------ */

static int
helper_do_nothing(struct evgen_ctx *ctx)
{
	return EVGEN_OK;
}

static int
helper_run_shell(struct evgen_ctx *ctx)
{
	char *argv[] = { "sh", "-c", "ls > /dev/null", NULL };

	return evgen_run(ctx, argv, NULL) < 0 ? EVGEN_FAIL : EVGEN_OK;
}

static int
helper_exec_ls(struct evgen_ctx *ctx)
{
	char *argv[] = { "ls", "/", NULL };

	return evgen_run(ctx, argv, NULL) < 0 ? EVGEN_FAIL : EVGEN_OK;
}

static int
helper_network_activity(struct evgen_ctx *ctx)
{
	return udp_send_private(ctx, EVGEN_NETNS_ADDR, 8192);
}

static int
helper_outbound_connection(struct evgen_ctx *ctx)
{
	return udp_send_private(ctx, EVGEN_NETNS_ADDR, 53);
}

static int
helper_inbound_connection(struct evgen_ctx *ctx)
{
	struct sockaddr_in sin;
	int l, c, a;

	if (!evgen_addr_is_local(EVGEN_NETNS_ADDR))
		return evgen_fail(ctx, "refusing to listen on %s: it is not an "
		    "address of a private network namespace", EVGEN_NETNS_ADDR);
	if ((l = bound_socket(ctx, SOCK_STREAM, EVGEN_NETNS_ADDR, 0, &sin))
	    == -1)
		return EVGEN_FAIL;
	if (listen(l, 4) == -1) {
		close(l);
		return evgen_fail(ctx, "listen: %s", strerror(errno));
	}
	c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c == -1 || connect(c, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    (a = accept4(l, NULL, NULL, SOCK_CLOEXEC)) == -1) {
		if (c != -1)
			close(c);
		close(l);
		return evgen_fail(ctx, "connect/accept: %s", strerror(errno));
	}
	close(a);
	close(c);
	close(l);
	return EVGEN_OK;
}

/* A UDP server and client on loopback; the client sends a class file. */
static int
helper_combined_server_client(struct evgen_ctx *ctx)
{
	static const unsigned char klass[] = {
		0xca, 0xfe, 0xba, 0xbe, 0x00, 0x00, 0x00, 0x34
	};
	unsigned char buf[64];
	struct sockaddr_in sin;
	struct pollfd pfd;
	int srv, cli, r = EVGEN_OK;

	if ((srv = bound_socket(ctx, SOCK_DGRAM, "127.0.0.1", 0, &sin)) == -1)
		return EVGEN_FAIL;
	if ((cli = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1) {
		close(srv);
		return evgen_fail(ctx, "socket: %s", strerror(errno));
	}
	if (sendto(cli, klass, sizeof(klass), 0, (struct sockaddr *)&sin,
	    sizeof(sin)) == -1)
		r = evgen_fail(ctx, "sendto: %s", strerror(errno));
	pfd.fd = srv;
	pfd.events = POLLIN;
	if (r == EVGEN_OK && (poll(&pfd, 1, 2000) != 1 ||
	    recvfrom(srv, buf, sizeof(buf), 0, NULL, NULL) < 0))
		r = evgen_fail(ctx, "no datagram received on loopback");
	close(cli);
	close(srv);
	return r;
}

/* As root: become daemon, then try to become root again (refused). */
static int
helper_non_sudo_setuid(struct evgen_ctx *ctx)
{
	uid_t uid;
	gid_t gid;

	if (evgen_user_ids("daemon", &uid, &gid) == -1)
		return evgen_skip(ctx, "no user named daemon");
	if (setgid(gid) == -1 && errno != EPERM)
		return evgen_fail(ctx, "setgid: %s", strerror(errno));
	if (setuid(uid) == -1 && errno != EPERM)
		return evgen_fail(ctx, "setuid: %s", strerror(errno));
	if (setuid(0) == 0 && uid != 0)
		log_debug("%s: setuid(0) unexpectedly allowed", ctx->name);
	return EVGEN_OK;
}

/* ------------------------------------------------------------------ */
/* Files                                                                */
/* ------------------------------------------------------------------ */

static int
clear_log_activities(struct evgen_ctx *ctx)
{
	char dir[PATH_MAX], path[PATH_MAX + 16];
	int r;

	if (evgen_mktemp_dir(ctx, NULL, dir, sizeof(dir)) == -1)
		return EVGEN_FAIL;
	snprintf(path, sizeof(path), "%s/syslog", dir);
	r = touch(ctx, path, O_TRUNC, 0600, NULL);
	evgen_rmtree(dir);
	return r;
}

static int
create_hardlink_over_sensitive_files(struct evgen_ctx *ctx)
{
	char dir[PATH_MAX], path[PATH_MAX + 16];
	int r = EVGEN_OK;

	if (evgen_mktemp_dir(ctx, NULL, dir, sizeof(dir)) == -1)
		return EVGEN_FAIL;
	snprintf(path, sizeof(path), "%s/shadow_link", dir);
	if (link("/etc/shadow", path) == -1) {
		/* EXDEV if /tmp is another filesystem: the attempt is seen. */
		if (errno != EXDEV)
			r = evgen_fail(ctx, "link /etc/shadow: %s",
			    strerror(errno));
	} else
		r = read_file(ctx, path);
	evgen_rmtree(dir);
	return r;
}

static int
create_symlink_over_sensitive_files(struct evgen_ctx *ctx)
{
	char dir[PATH_MAX], path[PATH_MAX + 16];
	struct dirent *de;
	DIR *d;
	int r = EVGEN_OK;

	if (evgen_mktemp_dir(ctx, NULL, dir, sizeof(dir)) == -1)
		return EVGEN_FAIL;
	snprintf(path, sizeof(path), "%s/etc_link", dir);
	if (symlink("/etc", path) == -1)
		r = evgen_fail(ctx, "symlink /etc: %s", strerror(errno));
	else if ((d = opendir(path)) == NULL)
		r = evgen_fail(ctx, "opendir %s: %s", path, strerror(errno));
	else {
		while ((de = readdir(d)) != NULL)
			;
		closedir(d);
	}
	evgen_rmtree(dir);
	return r;
}

static int
traversal_child(struct evgen_ctx *ctx, void *arg)
{
	return read_file(ctx, "/etc/../etc/../etc/shadow");
}

/*
 * The rule ignores reads whose parent is a shell, and "run" is usually
 * started from one: read from a child, whose parent is this program.
 */
static int
directory_traversal_monitored_file_read(struct evgen_ctx *ctx)
{
	return in_child(ctx, traversal_child, NULL, "traversal read");
}

static int
read_sensitive_file_untrusted(struct evgen_ctx *ctx)
{
	return read_file(ctx, "/etc/shadow");
}

static int
read_sensitive_file_trusted_after_startup(struct evgen_ctx *ctx)
{
	/* A server's first 5 s are forgiven: wait 6 s before the read. */
	return evgen_spawn_as(ctx, "httpd",
	    "syscall.ReadSensitiveFileUntrusted", "6s", NULL) == 0 ?
	    EVGEN_OK : EVGEN_FAIL;
}

static int
execution_from_dev_shm(struct evgen_ctx *ctx)
{
	char path[PATH_MAX];
	char *argv[] = { "sh", "-c", path, NULL };
	int r;

	if (evgen_mktemp_file(ctx, "/dev/shm", 0700, path, sizeof(path)) == -1)
		return EVGEN_FAIL;
	r = touch(ctx, path, O_TRUNC, 0700, "#!/bin/sh\nls > /dev/null\n");
	if (r == EVGEN_OK && evgen_run(ctx, argv, NULL) < 0)
		r = EVGEN_FAIL;
	unlink(path);
	return r;
}

static int
fileless_execution_via_memfd_create(struct evgen_ctx *ctx)
{
	char fdpath[64], buf[65536];
	char *argv[] = { "event-generator", "run", "^helper.DoNothing$",
	    "--sleep", "0", NULL };
	int in, mfd, st;
	ssize_t n;
	pid_t pid;

	if ((mfd = memfd_create(PREFIX "FilelessExecutionViaMemfdCreate", 0))
	    == -1)
		return evgen_fail(ctx, "memfd_create: %s", strerror(errno));
	if ((in = open(ctx->self, O_RDONLY | O_CLOEXEC)) == -1) {
		close(mfd);
		return evgen_fail(ctx, "open %s: %s", ctx->self,
		    strerror(errno));
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(mfd, buf, (size_t)n) != n)
			break;
	close(in);
	if (n != 0) {
		close(mfd);
		return evgen_fail(ctx, "copying into the memfd failed");
	}
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", mfd);
	if ((pid = fork()) == -1) {
		close(mfd);
		return evgen_fail(ctx, "fork: %s", strerror(errno));
	}
	if (pid == 0) {
		execve(fdpath, argv, environ);
		_exit(127);
	}
	close(mfd);
	if (waitpid(pid, &st, 0) == -1 || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0)
		return evgen_fail(ctx, "the memfd copy did not run");
	return EVGEN_OK;
}

static int
find_in_temp(struct evgen_ctx *ctx, const char *name)
{
	char dir[PATH_MAX];
	char *argv[] = { "find", dir, "-iname", (char *)name, NULL };
	int r;

	if (evgen_mktemp_dir(ctx, NULL, dir, sizeof(dir)) == -1)
		return EVGEN_FAIL;
	r = run_tool(ctx, argv, NULL);
	evgen_rmtree(dir);
	return r;
}

static int
find_aws_credentials(struct evgen_ctx *ctx)
{
	return find_in_temp(ctx, ".aws/credentials");
}

static int
search_private_keys_or_passwords(struct evgen_ctx *ctx)
{
	return find_in_temp(ctx, "id_rsa");
}

static int
remove_bulk_data_from_disk(struct evgen_ctx *ctx)
{
	char dir[PATH_MAX], path[PATH_MAX + 16];
	char *argv[] = { "shred", "-u", path, NULL };
	int r;

	if (evgen_mktemp_dir(ctx, NULL, dir, sizeof(dir)) == -1)
		return EVGEN_FAIL;
	snprintf(path, sizeof(path), "%s/data", dir);
	r = touch(ctx, path, 0, 0600, "falco-event-generator\n");
	if (r == EVGEN_OK)
		r = run_tool(ctx, argv, NULL);
	evgen_rmtree(dir);
	return r;
}

static int
write_below(struct evgen_ctx *ctx, const char *dir)
{
	char path[PATH_MAX];

	if (evgen_mktemp_file(ctx, dir, 0600, path, sizeof(path)) == -1)
		return EVGEN_FAIL;
	if (unlink(path) == -1)
		return evgen_fail(ctx, "unlink %s: %s", path, strerror(errno));
	return EVGEN_OK;
}

static int
write_below_binary_dir(struct evgen_ctx *ctx)
{
	return write_below(ctx, "/bin");
}

static int
write_below_etc(struct evgen_ctx *ctx)
{
	return write_below(ctx, "/etc");
}

static int
write_below_monitored_dir(struct evgen_ctx *ctx)
{
	return write_below(ctx, "/lib");
}

static int
write_below_root(struct evgen_ctx *ctx)
{
	return write_below(ctx, "/root");
}

static int
write_below_rpm_database(struct evgen_ctx *ctx)
{
	int made = 0, r;

	if (mkdir("/var/lib/rpm", 0755) == 0)
		made = 1;
	else if (errno != EEXIST)
		return evgen_fail(ctx, "mkdir /var/lib/rpm: %s",
		    strerror(errno));
	r = write_below(ctx, "/var/lib/rpm");
	if (made && rmdir("/var/lib/rpm") == -1)
		log_warn("%s: could not remove /var/lib/rpm: %s", ctx->name,
		    strerror(errno));
	return r;
}

static int
create_files_below_dev(struct evgen_ctx *ctx)
{
	return write_below(ctx, "/dev");
}

static int
create_hidden_files_or_directories(struct evgen_ctx *ctx)
{
	char dir[PATH_MAX], path[PATH_MAX + 32];
	int r;

	if (evgen_mktemp_dir(ctx, NULL, dir, sizeof(dir)) == -1)
		return EVGEN_FAIL;
	snprintf(path, sizeof(path), "%s/.hidden-file", dir);
	r = touch(ctx, path, 0, 0600, NULL);
	snprintf(path, sizeof(path), "%s/.hidden-dir", dir);
	if (r == EVGEN_OK && mkdir(path, 0700) == -1)
		r = evgen_fail(ctx, "mkdir %s: %s", path, strerror(errno));
	evgen_rmtree(dir);
	return r;
}

static int
delete_or_rename_shell_history(struct evgen_ctx *ctx)
{
	char dir[PATH_MAX], path[PATH_MAX + 16];
	int r;

	if (evgen_mktemp_dir(ctx, NULL, dir, sizeof(dir)) == -1)
		return EVGEN_FAIL;
	snprintf(path, sizeof(path), "%s/ash_history", dir);
	r = touch(ctx, path, 0, 0600, "ls\n");
	if (r == EVGEN_OK && unlink(path) == -1)
		r = evgen_fail(ctx, "unlink %s: %s", path, strerror(errno));
	evgen_rmtree(dir);
	return r;
}

static int
shell_config(struct evgen_ctx *ctx, int read_back)
{
	char dir[PATH_MAX], path[PATH_MAX + 16];
	int r;

	if (evgen_mktemp_dir(ctx, NULL, dir, sizeof(dir)) == -1)
		return EVGEN_FAIL;
	snprintf(path, sizeof(path), "%s/.bashrc", dir);
	r = touch(ctx, path, O_APPEND, 0600, "# falco-event-generator\n");
	if (r == EVGEN_OK && read_back)
		r = read_file(ctx, path);
	evgen_rmtree(dir);
	return r;
}

static int
modify_shell_configuration_file(struct evgen_ctx *ctx)
{
	return shell_config(ctx, 0);
}

static int
read_shell_configuration_file(struct evgen_ctx *ctx)
{
	return shell_config(ctx, 1);
}

/* A fake home directory with a .ssh folder; file is written in it. */
static int
ssh_file(struct evgen_ctx *ctx, const char *file, int read_back)
{
	char home[PATH_MAX], path[PATH_MAX + 32];
	struct dirent *de;
	DIR *d;
	int r;

	if (access("/home", W_OK) == -1)
		return evgen_skip(ctx, "/home is missing or not writable");
	if (evgen_mktemp_dir(ctx, "/home", home, sizeof(home)) == -1)
		return EVGEN_FAIL;
	snprintf(path, sizeof(path), "%s/.ssh", home);
	if (mkdir(path, 0700) == -1) {
		r = evgen_fail(ctx, "mkdir %s: %s", path, strerror(errno));
		goto out;
	}
	snprintf(path, sizeof(path), "%s/.ssh/%s", home, file);
	r = touch(ctx, path, O_APPEND, 0600, "# falco-event-generator\n");
	if (r == EVGEN_OK && read_back) {
		r = read_file(ctx, path);
		snprintf(path, sizeof(path), "%s/.ssh", home);
		if (r == EVGEN_OK && (d = opendir(path)) != NULL) {
			while ((de = readdir(d)) != NULL)
				;
			closedir(d);
		}
	}
out:
	evgen_rmtree(home);
	return r;
}

static int
adding_ssh_keys_to_authorized_keys(struct evgen_ctx *ctx)
{
	return ssh_file(ctx, "authorized_keys", 0);
}

static int
read_ssh_information(struct evgen_ctx *ctx)
{
	return ssh_file(ctx, "known_hosts", 1);
}

static int
mkdir_binary_dirs(struct evgen_ctx *ctx)
{
	char path[PATH_MAX];

	/* Reserve a unique name with a file, then make it a directory. */
	if (evgen_mktemp_file(ctx, "/bin", 0600, path, sizeof(path)) == -1)
		return EVGEN_FAIL;
	unlink(path);
	if (mkdir(path, 0700) == -1)
		return evgen_fail(ctx, "mkdir %s: %s", path, strerror(errno));
	if (rmdir(path) == -1)
		return evgen_fail(ctx, "rmdir %s: %s", path, strerror(errno));
	return EVGEN_OK;
}

/*
 * Rename /bin/true away and back.  Signals are blocked in between so an
 * interrupt cannot leave the system without /bin/true.
 */
static int
modify_binary_dirs(struct evgen_ctx *ctx)
{
	char path[PATH_MAX];
	sigset_t all, old;
	int r = EVGEN_OK;

	if (access("/bin/true", F_OK) == -1)
		return evgen_skip(ctx, "/bin/true does not exist");
	if (evgen_mktemp_file(ctx, "/bin", 0600, path, sizeof(path)) == -1)
		return EVGEN_FAIL;
	unlink(path);
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	if (rename("/bin/true", path) == -1)
		r = evgen_fail(ctx, "rename /bin/true: %s", strerror(errno));
	else if (rename(path, "/bin/true") == -1) {
		log_err("%s: could not restore /bin/true from %s: %s; "
		    "move it back by hand", ctx->name, path, strerror(errno));
		r = evgen_fail(ctx, "restoring /bin/true failed");
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return r;
}

static int
set_setuid_or_setgid_bit(struct evgen_ctx *ctx)
{
	char dir[PATH_MAX], path[PATH_MAX];
	int r = EVGEN_OK;

	if (evgen_mktemp_dir(ctx, NULL, dir, sizeof(dir)) == -1)
		return EVGEN_FAIL;
	if (evgen_mktemp_file(ctx, dir, 0644, path, sizeof(path)) == -1)
		r = EVGEN_FAIL;
	else if (chmod(path, 0644 | S_ISUID) == -1)
		r = evgen_fail(ctx, "chmod %s: %s", path, strerror(errno));
	evgen_rmtree(dir);
	return r;
}

/* ------------------------------------------------------------------ */
/* Processes                                                            */
/* ------------------------------------------------------------------ */

static int
ptrace_anti_debug_attempt(struct evgen_ctx *ctx)
{
	pid_t pid;
	int st;

	if ((pid = fork()) == -1)
		return evgen_fail(ctx, "fork: %s", strerror(errno));
	if (pid == 0)
		_exit(ptrace(PTRACE_TRACEME, 0, NULL, NULL) == -1 ? 1 : 0);
	if (waitpid(pid, &st, 0) == -1)
		return evgen_fail(ctx, "waitpid: %s", strerror(errno));
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return evgen_fail(ctx, "PTRACE_TRACEME failed in the child");
	return EVGEN_OK;
}

static int
ptrace_attached_to_process(struct evgen_ctx *ctx)
{
	int r = EVGEN_OK, st;
	pid_t pid;

	if ((pid = fork()) == -1)
		return evgen_fail(ctx, "fork: %s", strerror(errno));
	if (pid == 0) {
		for (;;)
			pause();
	}
	if (ptrace(PTRACE_ATTACH, pid, NULL, NULL) == -1)
		r = evgen_fail(ctx, "PTRACE_ATTACH: %s", strerror(errno));
	else {
		waitpid(pid, &st, 0);
		ptrace(PTRACE_DETACH, pid, NULL, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return r;
}

static int
run_shell_untrusted(struct evgen_ctx *ctx)
{
	return evgen_spawn_as(ctx, "httpd", "helper.RunShell", NULL, NULL) == 0
	    ? EVGEN_OK : EVGEN_FAIL;
}

static int
db_program_spawned_process(struct evgen_ctx *ctx)
{
	return evgen_spawn_as(ctx, "mysqld", "helper.ExecLs", NULL, NULL) == 0
	    ? EVGEN_OK : EVGEN_FAIL;
}

static int
user_mgmt_binaries(struct evgen_ctx *ctx)
{
	return evgen_spawn_as(ctx, "vipw", "helper.ExecLs", NULL, NULL) == 0
	    ? EVGEN_OK : EVGEN_FAIL;
}

static int
non_sudo_setuid(struct evgen_ctx *ctx)
{
	if (geteuid() != 0)
		return evgen_skip(ctx, "needs root to become another user");
	return evgen_spawn_as(ctx, "child", "helper.NonSudoSetuid", NULL,
	    NULL) == 0 ? EVGEN_OK : EVGEN_FAIL;
}

/* Run a tool as the daemon user (skipped unless we are root). */
static int
run_tool_as_daemon(struct evgen_ctx *ctx, char *const argv[])
{
	struct evgen_runopt opt;

	memset(&opt, 0, sizeof(opt));
	if (geteuid() != 0)
		return evgen_skip(ctx, "needs root to switch to user daemon");
	if (evgen_user_ids("daemon", &opt.uid, &opt.gid) == -1)
		return evgen_skip(ctx, "no user named daemon");
	opt.as_user = 1;
	opt.timeout_ms = 3000;
	return run_tool(ctx, argv, &opt);
}

static int
system_user_interactive(struct evgen_ctx *ctx)
{
	char *argv[] = { "login", NULL };

	return run_tool_as_daemon(ctx, argv);
}

static int
polkit_cve_2021_4034(struct evgen_ctx *ctx)
{
	char *argv[] = { "pkexec", NULL };

	return run_tool_as_daemon(ctx, argv);
}

static int
sudo_potential_privilege_escalation(struct evgen_ctx *ctx)
{
	char *argv[] = { "sudoedit", "-s", "\\", NULL };

	return run_tool_as_daemon(ctx, argv);
}

static int
userfaultfd_as_daemon(struct evgen_ctx *ctx, void *arg)
{
	uid_t uid;
	gid_t gid;
	long fd;

	if (evgen_user_ids("daemon", &uid, &gid) == -1)
		return evgen_fail(ctx, "no user named daemon");
	if (setgid(gid) == -1 || setuid(uid) == -1)
		return evgen_fail(ctx, "switching to daemon: %s",
		    strerror(errno));
	/* EPERM under vm.unprivileged_userfaultfd=0: the call is seen. */
	fd = syscall(SYS_userfaultfd, 0);
	if (fd >= 0)
		close((int)fd);
	return EVGEN_OK;
}

static int
unprivileged_userfaultfd(struct evgen_ctx *ctx)
{
	if (geteuid() != 0)
		return evgen_skip(ctx, "needs root to switch to user daemon");
	return in_child(ctx, userfaultfd_as_daemon, NULL, "userfaultfd");
}

static int
change_thread_namespace_child(struct evgen_ctx *ctx, void *arg)
{
	int fd;

	/* Join the namespace we are already in: a real, harmless setns. */
	if ((fd = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC)) == -1)
		return evgen_fail(ctx, "open /proc/self/ns/uts: %s",
		    strerror(errno));
	if (setns(fd, CLONE_NEWUTS) == -1 && errno != EPERM) {
		close(fd);
		return evgen_fail(ctx, "setns: %s", strerror(errno));
	}
	close(fd);
	return EVGEN_OK;
}

static int
change_thread_namespace(struct evgen_ctx *ctx)
{
	return in_child(ctx, change_thread_namespace_child, NULL, "setns");
}

static int
detect_crypto_miners(struct evgen_ctx *ctx)
{
	char *argv[] = { "echo", "-o", "stratum+tcp://127.0.0.1:3333", NULL };

	return run_tool(ctx, argv, NULL);
}

static int
env_vars_misuse(struct evgen_ctx *ctx)
{
	char *argv[] = { "sh", "-c", "id", NULL };
	char *env[] = { "GLIBC_TUNABLES=glibc.malloc.mxfast=0", NULL };
	struct evgen_runopt opt;

	memset(&opt, 0, sizeof(opt));
	opt.env = env;
	return run_tool(ctx, argv, &opt);
}

static int
schedule_cron_jobs(struct evgen_ctx *ctx)
{
	char *argv[] = { "crontab", "-l", NULL };

	return run_tool(ctx, argv, NULL);
}

/* ------------------------------------------------------------------ */
/* Network                                                              */
/* ------------------------------------------------------------------ */

/*
 * A loopback TCP port that refuses connections: bound, not listening,
 * and held open by the caller so that nobody else takes it meanwhile.
 */
static int
refused_port(struct evgen_ctx *ctx, int *port)
{
	struct sockaddr_in sin;
	int s;

	if ((s = bound_socket(ctx, SOCK_STREAM, "127.0.0.1", 0, &sin)) == -1)
		return -1;
	*port = ntohs(sin.sin_port);
	return s;
}

static int
program_run_with_disallowed_http_proxy_env(struct evgen_ctx *ctx)
{
	char proxy[64], proxy_uc[80], proxy_lc[80], url[64];
	char *argv[] = { "curl", "-q", "-s", "--max-time", "2", "-o",
	    "/dev/null", url, NULL };
	char *env[] = { proxy_uc, proxy_lc, NULL };
	struct evgen_runopt opt;
	int s, port, r;

	if ((s = refused_port(ctx, &port)) == -1)
		return EVGEN_FAIL;
	snprintf(proxy, sizeof(proxy), "http://127.0.0.1:%d", port);
	snprintf(proxy_uc, sizeof(proxy_uc), "HTTP_PROXY=%s", proxy);
	snprintf(proxy_lc, sizeof(proxy_lc), "http_proxy=%s", proxy);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", port);
	memset(&opt, 0, sizeof(opt));
	opt.env = env;
	opt.timeout_ms = 5000;
	r = run_tool(ctx, argv, &opt);
	close(s);
	return r;
}

/* In a private namespace: ssh to EVGEN_NETNS_ADDR:443. */
static int
ssh_child(struct evgen_ctx *ctx, void *arg)
{
	char *argv[] = { "ssh", "-F", "/dev/null", "-o", "BatchMode=yes",
	    "-o", "StrictHostKeyChecking=no", "-o",
	    "UserKnownHostsFile=/dev/null", "-o", "ConnectTimeout=3",
	    "-p", "443", "falco-event-generator@" EVGEN_NETNS_ADDR, "true",
	    NULL };
	struct evgen_runopt opt;
	struct sockaddr_in sin;
	struct pollfd pfd;
	int l, a, r;
	pid_t acceptor;

	if (evgen_netns_setup(EVGEN_NETNS_ADDR) == -1)
		return evgen_fail(ctx, "network namespace: %s",
		    strerror(errno));
	if (!evgen_addr_is_local(EVGEN_NETNS_ADDR))
		return evgen_fail(ctx, "%s is not private", EVGEN_NETNS_ADDR);
	if ((l = bound_socket(ctx, SOCK_STREAM, EVGEN_NETNS_ADDR, 443, &sin))
	    == -1)
		return EVGEN_FAIL;
	if (listen(l, 4) == -1)
		return evgen_fail(ctx, "listen: %s", strerror(errno));
	/* Accept once and hang up, so that ssh gives up at once. */
	if ((acceptor = fork()) == 0) {
		pfd.fd = l;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 5000) == 1 &&
		    (a = accept(l, NULL, NULL)) != -1)
			close(a);
		_exit(0);
	}
	memset(&opt, 0, sizeof(opt));
	opt.timeout_ms = 5000;
	r = run_tool(ctx, argv, &opt);
	close(l);
	if (acceptor > 0) {
		kill(acceptor, SIGKILL);
		waitpid(acceptor, NULL, 0);
	}
	return r;
}

static int
disallowed_ssh_connection_non_standard_port(struct evgen_ctx *ctx)
{
	char path[PATH_MAX];

	if (evgen_find_tool("ssh", path, sizeof(path)) == -1)
		return evgen_skip(ctx, "ssh is not installed");
	return in_child(ctx, ssh_child, NULL, "ssh in a private namespace");
}

static int
udp_child(struct evgen_ctx *ctx, void *arg)
{
	if (evgen_netns_setup(EVGEN_NETNS_ADDR) == -1)
		return evgen_fail(ctx, "network namespace: %s",
		    strerror(errno));
	return udp_send_private(ctx, EVGEN_NETNS_ADDR, 22);
}

static int
unexpected_udp_traffic(struct evgen_ctx *ctx)
{
	return in_child(ctx, udp_child, NULL, "udp in a private namespace");
}

static int
metadata_child(struct evgen_ctx *ctx, void *arg)
{
	if (evgen_netns_setup(EVGEN_METADATA_ADDR) == -1)
		return evgen_fail(ctx, "network namespace: %s",
		    strerror(errno));
	return tcp_connect_private(ctx, EVGEN_METADATA_ADDR, 80);
}

static int
contact_ec2_instance_metadata_service(struct evgen_ctx *ctx)
{
	return in_child(ctx, metadata_child, NULL,
	    "metadata connect in a private namespace");
}

static int
system_procs_network_activity(struct evgen_ctx *ctx)
{
	return evgen_spawn_as(ctx, "sha1sum", "helper.NetworkActivity", NULL,
	    EVGEN_NETNS_ADDR) == 0 ? EVGEN_OK : EVGEN_FAIL;
}

static int
interpreted_procs_inbound(struct evgen_ctx *ctx)
{
	return evgen_spawn_as(ctx, "lua", "helper.InboundConnection", NULL,
	    EVGEN_NETNS_ADDR) == 0 ? EVGEN_OK : EVGEN_FAIL;
}

static int
interpreted_procs_outbound(struct evgen_ctx *ctx)
{
	return evgen_spawn_as(ctx, "lua", "helper.OutboundConnection", NULL,
	    EVGEN_NETNS_ADDR) == 0 ? EVGEN_OK : EVGEN_FAIL;
}

static int
java_process_class_file_download(struct evgen_ctx *ctx)
{
	return evgen_spawn_as(ctx, "java", "helper.CombinedServerClient", NULL,
	    NULL) == 0 ? EVGEN_OK : EVGEN_FAIL;
}

static int
network_tool(struct evgen_ctx *ctx)
{
	static char *const nmap[] = { "nmap", "-sn", "127.0.0.1", NULL };
	static char *const ncat[] = { "ncat", "--version", NULL };
	static char *const nc[] = { "nc", "-h", NULL };
	static char *const netcat[] = { "netcat", "-h", NULL };
	static char *const socat[] = { "socat", "-V", NULL };
	static char *const tcpdump[] = { "tcpdump", "--version", NULL };
	static char *const tshark[] = { "tshark", "--version", NULL };
	static char *const dig[] = { "dig", "-v", NULL };
	static char *const *const tools[] = {
		nmap, ncat, nc, netcat, socat, tcpdump, tshark, dig, NULL
	};

	return run_first_tool(ctx, tools, NULL);
}

static int
netcat_remote_code_execution(struct evgen_ctx *ctx)
{
	char port[16];
	char *nc[] = { "nc", "-e", "/bin/sh", "127.0.0.1", port, NULL };
	char *ncat[] = { "ncat", "--sh-exec", "/bin/sh", "127.0.0.1", port,
	    NULL };
	char *const *const tools[] = { nc, ncat, NULL };
	struct evgen_runopt opt;
	int s, p, r;

	/* The target port refuses: no shell is ever served. */
	if ((s = refused_port(ctx, &p)) == -1)
		return EVGEN_FAIL;
	snprintf(port, sizeof(port), "%d", p);
	memset(&opt, 0, sizeof(opt));
	opt.timeout_ms = 3000;
	r = run_first_tool(ctx, tools, &opt);
	close(s);
	return r;
}

static int
packet_socket_created_in_container(struct evgen_ctx *ctx)
{
	int s;

	s = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
	if (s == -1)
		return evgen_fail(ctx, "socket(AF_PACKET): %s",
		    strerror(errno));
	close(s);
	return EVGEN_OK;
}

/* ------------------------------------------------------------------ */
/* Containers                                                           */
/* ------------------------------------------------------------------ */

static int
debugfs_in_privileged_container(struct evgen_ctx *ctx)
{
	char *argv[] = { "debugfs", "-V", NULL };

	return run_tool(ctx, argv, NULL);
}

static int
detect_release_agent(struct evgen_ctx *ctx)
{
	char dir[PATH_MAX], path[PATH_MAX + 16];
	int r;

	if (evgen_mktemp_dir(ctx, NULL, dir, sizeof(dir)) == -1)
		return EVGEN_FAIL;
	snprintf(path, sizeof(path), "%s/release_agent", dir);
	r = touch(ctx, path, 0, 0600, NULL);
	evgen_rmtree(dir);
	return r;
}

static int
drop_and_execute_new_binary(struct evgen_ctx *ctx)
{
	char path[PATH_MAX], ls[PATH_MAX];
	char *argv[] = { path, "-d", "/", NULL };
	int r;

	if (evgen_find_tool("ls", ls, sizeof(ls)) == -1)
		return evgen_skip(ctx, "ls is not installed");
	if (evgen_mktemp_file(ctx, "/bin", 0755, path, sizeof(path)) == -1)
		return EVGEN_FAIL;
	r = copy_file(ctx, ls, path);
	if (r == EVGEN_OK && evgen_run(ctx, argv, NULL) < 0)
		r = EVGEN_FAIL;
	if (unlink(path) == -1)
		log_err("%s: could not remove %s: %s", ctx->name, path,
		    strerror(errno));
	return r;
}

static int
mount_in_privileged_container(struct evgen_ctx *ctx)
{
	char dir[PATH_MAX];
	char *argv[] = { "mount", "-t", "tmpfs", "falco-event-generator", dir,
	    NULL };
	struct evgen_runopt opt;
	int r;

	if (evgen_mktemp_dir(ctx, NULL, dir, sizeof(dir)) == -1)
		return EVGEN_FAIL;
	/* A private mount namespace: the mount dies with the child. */
	memset(&opt, 0, sizeof(opt));
	opt.new_mntns = 1;
	r = run_tool(ctx, argv, &opt);
	evgen_rmtree(dir);
	return r;
}

static int
drop_caps_and_unshare(struct evgen_ctx *ctx, void *arg)
{
	struct __user_cap_header_struct hdr = {
		_LINUX_CAPABILITY_VERSION_3, 0
	};
	struct __user_cap_data_struct data[2];

	char *argv[] = { "unshare", "--user", "true", NULL };
	int fd;

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capset, &hdr, data) == -1)
		return evgen_fail(ctx, "capset: %s", strerror(errno));
	/*
	 * Exec the unshare tool when there is one: the capabilities a
	 * detector sees are those reported at exec.  Refused or not, the
	 * unshare call is what the rule watches.
	 */
	if ((fd = open("/dev/null", O_RDWR | O_CLOEXEC)) != -1) {
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		close(fd);
	}
	execvp(argv[0], argv);
	if (unshare(CLONE_NEWUSER) == -1)
		log_debug("%s: unshare: %s", ctx->name, strerror(errno));
	return EVGEN_OK;
}

/* The unshare tool's verdict does not matter; a failed capset does. */
static int
change_namespace_privileges_via_unshare(struct evgen_ctx *ctx)
{
	pid_t pid;
	int st;

	if ((pid = fork()) == -1)
		return evgen_fail(ctx, "fork: %s", strerror(errno));
	if (pid == 0)
		_exit(drop_caps_and_unshare(ctx, NULL) == EVGEN_OK ? 0 : 99);
	if (waitpid(pid, &st, 0) == -1)
		return evgen_fail(ctx, "waitpid: %s", strerror(errno));
	if (WIFEXITED(st) && WEXITSTATUS(st) == 99)
		return evgen_fail(ctx, "could not drop capabilities");
	return EVGEN_OK;
}

static int
container_drift_chmod(struct evgen_ctx *ctx)
{
	char dir[PATH_MAX], path[PATH_MAX];
	int r = EVGEN_OK;

	if (evgen_mktemp_dir(ctx, NULL, dir, sizeof(dir)) == -1)
		return EVGEN_FAIL;
	if (evgen_mktemp_file(ctx, dir, 0644, path, sizeof(path)) == -1)
		r = EVGEN_FAIL;
	else if (chmod(path, 0755) == -1)
		r = evgen_fail(ctx, "chmod %s: %s", path, strerror(errno));
	evgen_rmtree(dir);
	return r;
}

static int
container_drift_open_create(struct evgen_ctx *ctx)
{
	char dir[PATH_MAX], path[PATH_MAX];
	int r = EVGEN_OK;

	if (evgen_mktemp_dir(ctx, NULL, dir, sizeof(dir)) == -1)
		return EVGEN_FAIL;
	if (evgen_mktemp_file(ctx, dir, 0755, path, sizeof(path)) == -1)
		r = EVGEN_FAIL;
	evgen_rmtree(dir);
	return r;
}

static int
decoding_payload_in_container(struct evgen_ctx *ctx)
{
	char dir[PATH_MAX], path[PATH_MAX + 16];
	char *argv[] = { "base64", "-d", NULL };
	struct evgen_runopt opt;
	int r;

	if (evgen_mktemp_dir(ctx, NULL, dir, sizeof(dir)) == -1)
		return EVGEN_FAIL;
	snprintf(path, sizeof(path), "%s/payload", dir);
	r = touch(ctx, path, 0, 0600, "ZmFsY28tZXZlbnQtZ2VuZXJhdG9yCg==\n");
	memset(&opt, 0, sizeof(opt));
	opt.stdin_path = path;
	if (r == EVGEN_OK)
		r = run_tool(ctx, argv, &opt);
	evgen_rmtree(dir);
	return r;
}

static int
kubernetes_client_tool(struct evgen_ctx *ctx)
{
	static char *const kubectl[] = { "kubectl", "version", "--client",
	    NULL };
	static char *const crictl[] = { "crictl", "--version", NULL };
	static char *const *const tools[] = { kubectl, crictl, NULL };
	/* Never a user's kubeconfig: it could name a real cluster. */
	char *env[] = { "KUBECONFIG=/dev/null", NULL };
	struct evgen_runopt opt;

	memset(&opt, 0, sizeof(opt));
	opt.env = env;
	return run_first_tool(ctx, tools, &opt);
}

static int
launch_ingress_remote_file_copy(struct evgen_ctx *ctx)
{
	char dir[PATH_MAX], out[PATH_MAX + 16];
	char *wget[] = { "wget", "--version", NULL };
	char *curl[] = { "curl", "-q", "-s", "-o", out,
	    "file:///etc/hostname", NULL };
	char *const *const tools[] = { wget, curl, NULL };
	int r;

	if (evgen_mktemp_dir(ctx, NULL, dir, sizeof(dir)) == -1)
		return EVGEN_FAIL;
	snprintf(out, sizeof(out), "%s/download", dir);
	r = run_first_tool(ctx, tools, NULL);
	evgen_rmtree(dir);
	return r;
}

static int
launch_package_management_process(struct evgen_ctx *ctx)
{
	static char *const aptget[] = { "apt-get", "--version", NULL };
	static char *const apk[] = { "apk", "--version", NULL };
	static char *const dnf[] = { "dnf", "--version", NULL };
	static char *const yum[] = { "yum", "--version", NULL };
	static char *const rpm[] = { "rpm", "--version", NULL };
	static char *const *const tools[] = {
		aptget, apk, dnf, yum, rpm, NULL
	};

	return run_first_tool(ctx, tools, NULL);
}

static int
launch_remote_file_copy(struct evgen_ctx *ctx)
{
	static char *const rsync[] = { "rsync", "--version", NULL };
	static char *const scp[] = { "scp", NULL };
	static char *const *const tools[] = { rsync, scp, NULL };

	return run_first_tool(ctx, tools, NULL);
}

static int
modify_container_entrypoint(struct evgen_ctx *ctx)
{
	int fd;

	/* Opened, never written: whatever fd 1 is stays untouched. */
	if ((fd = open("/proc/self/fd/1", O_WRONLY | O_CLOEXEC)) == -1)
		return evgen_fail(ctx, "open /proc/self/fd/1: %s",
		    strerror(errno));
	close(fd);
	return EVGEN_OK;
}

static int
read_environment_variable_from_proc_files(struct evgen_ctx *ctx)
{
	char *argv[] = { "cat", "/proc/self/environ", NULL };

	return run_tool(ctx, argv, NULL);
}

/* ------------------------------------------------------------------ */
/* The table                                                            */
/* ------------------------------------------------------------------ */

#define D	EVGEN_F_DEFAULT
#define C	EVGEN_F_CONTAINER
#define H	EVGEN_F_HOST
#define HELPER	EVGEN_F_HELPER

const struct evgen_action evgen_actions[] = {
	/* On by default. */
	{ "syscall.ClearLogActivities", "Clear Log Activities", D, NULL,
	    clear_log_activities },
	{ "syscall.CreateHardlinkOverSensitiveFiles",
	    "Create Hardlink Over Sensitive Files", D, "root",
	    create_hardlink_over_sensitive_files },
	{ "syscall.CreateSymlinkOverSensitiveFiles",
	    "Create Symlink Over Sensitive Files", D, NULL,
	    create_symlink_over_sensitive_files },
	{ "syscall.DirectoryTraversalMonitoredFileRead",
	    "Directory traversal monitored file read", D, "root",
	    directory_traversal_monitored_file_read },
	{ "syscall.DisallowedSSHConnectionNonStandardPort",
	    "Disallowed SSH Connection Non Standard Port", D, "root, ssh",
	    disallowed_ssh_connection_non_standard_port },
	{ "syscall.ExecutionFromDevShm", "Execution from /dev/shm", D, NULL,
	    execution_from_dev_shm },
	{ "syscall.FilelessExecutionViaMemfdCreate",
	    "Fileless execution via memfd_create", D, NULL,
	    fileless_execution_via_memfd_create },
	{ "syscall.FindAwsCredentials", "Find AWS Credentials", D, "find",
	    find_aws_credentials },
	{ "syscall.PtraceAntiDebugAttempt", "PTRACE anti-debug attempt", D,
	    NULL, ptrace_anti_debug_attempt },
	{ "syscall.PtraceAttachedToProcess", "PTRACE attached to process", D,
	    NULL, ptrace_attached_to_process },
	{ "syscall.ReadSensitiveFileTrustedAfterStartup",
	    "Read sensitive file trusted after startup", D, "root",
	    read_sensitive_file_trusted_after_startup },
	{ "syscall.ReadSensitiveFileUntrusted",
	    "Read sensitive file untrusted", D, "root",
	    read_sensitive_file_untrusted },
	{ "syscall.RemoveBulkDataFromDisk", "Remove Bulk Data from Disk", D,
	    "shred", remove_bulk_data_from_disk },
	{ "syscall.RunShellUntrusted", "Run shell untrusted", D, NULL,
	    run_shell_untrusted },
	{ "syscall.SearchPrivateKeysOrPasswords",
	    "Search Private Keys or Passwords", D, "find",
	    search_private_keys_or_passwords },
	{ "syscall.SystemUserInteractive", "System user interactive", D,
	    "root, login", system_user_interactive },
	{ "syscall.LaunchSuspiciousNetworkToolOnHost",
	    "Launch Suspicious Network Tool on Host", D | H,
	    "nmap, ncat, nc, socat, tcpdump, tshark or dig", network_tool },
	{ "syscall.DebugfsLaunchedInPrivilegedContainer",
	    "Debugfs Launched in Privileged Container", D | C, "debugfs",
	    debugfs_in_privileged_container },
	{ "syscall.DetectReleaseAgentFileContainerEscapes",
	    "Detect release_agent File Container Escapes", D | C, NULL,
	    detect_release_agent },
	{ "syscall.DropAndExecuteNewBinaryInContainer",
	    "Drop and execute new binary in container", D | C, "root",
	    drop_and_execute_new_binary },
	{ "syscall.MountLaunchedInPrivilegedContainer",
	    "Mount Launched in Privileged Container", D | C, "root, mount",
	    mount_in_privileged_container },
	{ "syscall.NetcatRemoteCodeExecutionInContainer",
	    "Netcat Remote Code Execution in Container", D | C, "nc or ncat",
	    netcat_remote_code_execution },
	{ "syscall.PacketSocketCreatedInContainer",
	    "Packet socket created in container", D | C, "root",
	    packet_socket_created_in_container },

	/* Off by default, on the host too. */
	{ "syscall.AddingSshKeysToAuthorizedKeys",
	    "Adding ssh keys to authorized_keys", 0, "root",
	    adding_ssh_keys_to_authorized_keys },
	{ "syscall.ChangeThreadNamespace", "Change thread namespace", 0, NULL,
	    change_thread_namespace },
	{ "syscall.CreateFilesBelowDev", "Create files below dev", 0, "root",
	    create_files_below_dev },
	{ "syscall.CreateHiddenFilesOrDirectories",
	    "Create Hidden Files or Directories", 0, NULL,
	    create_hidden_files_or_directories },
	{ "syscall.DbProgramSpawnedProcess", "DB program spawned process", 0,
	    NULL, db_program_spawned_process },
	{ "syscall.DeleteOrRenameShellHistory",
	    "Delete or rename shell history", 0, NULL,
	    delete_or_rename_shell_history },
	{ "syscall.DetectCryptoMinersUsingTheStratumProtocol",
	    "Detect crypto miners using the Stratum protocol", 0, "echo",
	    detect_crypto_miners },
	{ "syscall.InterpretedProcsInboundNetworkActivity",
	    "Interpreted procs inbound network activity", 0, "root",
	    interpreted_procs_inbound },
	{ "syscall.InterpretedProcsOutboundNetworkActivity",
	    "Interpreted procs outbound network activity", 0, "root",
	    interpreted_procs_outbound },
	{ "syscall.JavaProcessClassFileDownload",
	    "Java Process Class File Download", 0, NULL,
	    java_process_class_file_download },
	{ "syscall.MkdirBinaryDirs", "Mkdir binary dirs", 0, "root",
	    mkdir_binary_dirs },
	{ "syscall.ModifyBinaryDirs", "Modify binary dirs", 0, "root",
	    modify_binary_dirs },
	{ "syscall.ModifyShellConfigurationFile",
	    "Modify Shell Configuration File", 0, NULL,
	    modify_shell_configuration_file },
	{ "syscall.NonSudoSetuid", "Non sudo setuid", 0, "root",
	    non_sudo_setuid },
	{ "syscall.PolkitLocalPrivilegeEscalationVulnerabilityCVE20214034",
	    "Polkit Local Privilege Escalation Vulnerability (CVE-2021-4034)",
	    0, "root, pkexec", polkit_cve_2021_4034 },
	{ "syscall.PotentialLocalPrivilegeEscalationViaEnvironmentVariablesMisuse",
	    "Potential Local Privilege Escalation via Environment Variables "
	    "Misuse", 0, "sh", env_vars_misuse },
	{ "syscall.ProgramRunWithDisallowedHttpProxyEnv",
	    "Program run with disallowed http proxy env", 0, "curl",
	    program_run_with_disallowed_http_proxy_env },
	{ "syscall.ReadShellConfigurationFile",
	    "Read Shell Configuration File", 0, NULL,
	    read_shell_configuration_file },
	{ "syscall.ReadSshInformation", "Read ssh information", 0, "root",
	    read_ssh_information },
	{ "syscall.ScheduleCronJobs", "Schedule Cron Jobs", 0, "crontab",
	    schedule_cron_jobs },
	{ "syscall.SetSetuidOrSetgidBit", "Set Setuid or Setgid bit", 0, NULL,
	    set_setuid_or_setgid_bit },
	{ "syscall.SudoPotentialPrivilegeEscalation",
	    "Sudo Potential Privilege Escalation", 0, "root, sudoedit",
	    sudo_potential_privilege_escalation },
	{ "syscall.SystemProcsNetworkActivity", "System procs network activity",
	    0, "root", system_procs_network_activity },
	{ "syscall.UnexpectedUDPTraffic", "Unexpected UDP Traffic", 0, "root",
	    unexpected_udp_traffic },
	{ "syscall.UnprivilegedDelegationOfPageFaultsHandlingToAUserspaceProcess",
	    "Unprivileged Delegation of Page Faults Handling to a Userspace "
	    "Process", 0, "root", unprivileged_userfaultfd },
	{ "syscall.WriteBelowBinaryDir", "Write below binary dir", 0, "root",
	    write_below_binary_dir },
	{ "syscall.WriteBelowEtc", "Write below etc", 0, "root",
	    write_below_etc },
	{ "syscall.WriteBelowMonitoredDir", "Write below monitored dir", 0,
	    "root", write_below_monitored_dir },
	{ "syscall.WriteBelowRoot", "Write below root", 0, "root",
	    write_below_root },
	{ "syscall.WriteBelowRpmDatabase", "Write below rpm database", 0,
	    "root", write_below_rpm_database },
	{ "syscall.UserMgmtBinaries", "User mgmt binaries", H, NULL,
	    user_mgmt_binaries },

	/* Off by default, container only. */
	{ "syscall.ChangeNamespacePrivilegesViaUnshare",
	    "Change namespace privileges via unshare", C, "unshare (or none)",
	    change_namespace_privileges_via_unshare },
	{ "syscall.ContactEC2InstanceMetadataServiceFromContainer",
	    "Contact EC2 Instance Metadata Service From Container", C, "root",
	    contact_ec2_instance_metadata_service },
	{ "syscall.ContainerDriftDetectedChmod",
	    "Container Drift Detected (chmod)", C, NULL,
	    container_drift_chmod },
	{ "syscall.ContainerDriftDetectedOpenCreate",
	    "Container Drift Detected (open+create)", C, NULL,
	    container_drift_open_create },
	{ "syscall.DecodingPayloadInContainer", "Decoding Payload in Container",
	    C, "base64", decoding_payload_in_container },
	{ "syscall.KubernetesClientToolLaunchedInContainer",
	    "Kubernetes Client Tool Launched in Container", C,
	    "kubectl or crictl", kubernetes_client_tool },
	{ "syscall.LaunchIngressRemoteFileCopyToolsInContainer",
	    "Launch Ingress Remote File Copy Tools in Container", C,
	    "wget or curl", launch_ingress_remote_file_copy },
	{ "syscall.LaunchPackageManagementProcessInContainer",
	    "Launch Package Management Process in Container", C,
	    "apt-get, apk, dnf, yum or rpm",
	    launch_package_management_process },
	{ "syscall.LaunchRemoteFileCopyToolsInContainer",
	    "Launch Remote File Copy Tools in Container", C, "rsync or scp",
	    launch_remote_file_copy },
	{ "syscall.LaunchSuspiciousNetworkToolInContainer",
	    "Launch Suspicious Network Tool in Container", C,
	    "nmap, ncat, nc, socat, tcpdump, tshark or dig", network_tool },
	{ "syscall.ModifyContainerEntrypoint", "Modify Container Entrypoint",
	    C, NULL, modify_container_entrypoint },
	{ "syscall.ReadEnvironmentVariableFromProcFiles",
	    "Read environment variable from /proc files", C, "cat",
	    read_environment_variable_from_proc_files },

	/* Building blocks of the re-launched copies. */
	{ "helper.DoNothing", NULL, HELPER, NULL, helper_do_nothing },
	{ "helper.RunShell", NULL, HELPER, NULL, helper_run_shell },
	{ "helper.ExecLs", NULL, HELPER, NULL, helper_exec_ls },
	{ "helper.NetworkActivity", NULL, HELPER, NULL,
	    helper_network_activity },
	{ "helper.OutboundConnection", NULL, HELPER, NULL,
	    helper_outbound_connection },
	{ "helper.InboundConnection", NULL, HELPER, NULL,
	    helper_inbound_connection },
	{ "helper.CombinedServerClient", NULL, HELPER, NULL,
	    helper_combined_server_client },
	{ "helper.NonSudoSetuid", NULL, HELPER, NULL, helper_non_sudo_setuid },
};

const size_t evgen_nactions = sizeof(evgen_actions) / sizeof(evgen_actions[0]);
