/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the state: thread tree from clone/execve/procexit,
 * shared fd tables, fd tracking (open, dup, fcntl, close, close-on-exec,
 * sockets, overlayfs layers), seeding from /proc (sockets from the net
 * tables), relative paths, purging and the table bound; path
 * normalisation and container ids from data files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cmocka.h>

#include "evbuild.h"
#include "scapfile/scapfile.h"
#include "state/state.h"
#include "util/sbuf.h"

#define SEC	1000000000ULL

static struct evrec rec;

static struct st_thread *
feed(struct state *s)
{
	return state_process(s, &rec.ev);
}

/* init(1) -> bash(100) -> cat(200), built from events only, into s. */
static struct state *
tree_in(struct state *s)
{
	evb_execve(&rec, 1 * SEC, 1, 0, 0, "/sbin/init", "", "systemd", "/",
	    "cpu=/");
	feed(s);
	evb_clone(&rec, 2 * SEC, 1, 100, 1, 0, 0, "systemd", "/");
	feed(s);
	evb_execve(&rec, 3 * SEC, 100, 0, 1, "/bin/bash", "-i|", "bash",
	    "/root", "cpu=/user.slice");
	feed(s);
	evb_clone(&rec, 4 * SEC, 100, 200, 100, 1, 0, "bash", "/root");
	feed(s);
	evb_execve(&rec, 5 * SEC, 200, 0, 100, "/bin/cat", "/etc/passwd|",
	    "cat", "/root", "cpu=/user.slice");
	feed(s);
	return s;
}

static struct state *
tree(void)
{
	return tree_in(state_new(0, 0));
}

static void
test_clone_exec(void **unused)
{
	struct state *s = tree();
	struct st_thread *t = state_thread(s, 200), *p;

	(void)unused;
	assert_non_null(t);
	assert_string_equal(t->comm, "cat");
	assert_string_equal(t->exepath, "/bin/cat");
	assert_int_equal(t->pid, 200);
	assert_int_equal(t->ptid, 100);
	assert_int_equal(t->args_len, strlen("/etc/passwd") + 1);
	assert_int_equal(t->clone_ts, 4 * SEC);
	p = state_parent(s, t);
	assert_non_null(p);
	assert_string_equal(p->comm, "bash");
	p = state_parent(s, p);
	assert_non_null(p);
	assert_string_equal(p->comm, "systemd");
	assert_null(state_parent(s, p));
	/* a failed exec changes nothing */
	evb_execve(&rec, 6 * SEC, 200, -2, 100, "/nope", "", "nope", "/",
	    "cpu=/");
	feed(s);
	assert_string_equal(state_thread(s, 200)->comm, "cat");
	state_free(s);
}

static void
test_clone_child_side_and_threads(void **unused)
{
	struct state *s = tree();
	struct st_thread *t;

	(void)unused;
	/* the child reports first: its own ids */
	evb_clone(&rec, 6 * SEC, 300, 0, 300, 200, 0, "cat", "/root");
	t = feed(s);
	assert_non_null(t);
	assert_int_equal(t->tid, 300);
	assert_int_equal(t->ptid, 200);
	assert_string_equal(state_parent(s, t)->comm, "cat");
	/* the parent side afterwards does not replace it */
	evb_clone(&rec, 7 * SEC, 200, 300, 200, 100, 0, "cat", "/root");
	feed(s);
	assert_int_equal(state_thread(s, 300)->clone_ts, 6 * SEC);

	/* a thread of cat shares its fd table */
	evb_clone(&rec, 8 * SEC, 200, 201, 200, 100,
	    FL_CLONE_FLAGS_CLONE_THREAD | FL_CLONE_FLAGS_CLONE_FILES |
	    FL_CLONE_FLAGS_CLONE_VM, "cat", "/root");
	feed(s);
	t = state_thread(s, 201);
	assert_non_null(t);
	assert_int_equal(t->pid, 200);
	assert_ptr_equal(state_main_thread(s, t), state_thread(s, 200));
	assert_int_equal(state_nthreads(s, 200), 2);
	EVB(&rec, FE_SYSCALL_OPEN_X, 9 * SEC, 201, "5", "/etc/hosts", "1",
	    "0", "0", "0");
	feed(s);
	assert_non_null(state_fd(s, state_thread(s, 200), 5));
	assert_string_equal(state_fd(s, state_thread(s, 200), 5)->name,
	    "/etc/hosts");
	/* a forked child gets a copy: later opens stay apart */
	evb_clone(&rec, 10 * SEC, 200, 400, 200, 100, 0, "cat", "/root");
	feed(s);
	assert_non_null(state_fd(s, state_thread(s, 400), 5));
	EVB(&rec, FE_SYSCALL_OPEN_X, 11 * SEC, 400, "6", "/etc/group", "1",
	    "0", "0", "0");
	feed(s);
	assert_null(state_fd(s, state_thread(s, 200), 6));
	state_free(s);
}

static void
test_exit_reparent(void **unused)
{
	struct state *s = tree();

	(void)unused;
	evb_clone(&rec, 6 * SEC, 100, 150, 100, 1, 0, "bash", "/root");
	feed(s);
	/* bash exits without a reaper: its children go to init */
	evb_procexit(&rec, 7 * SEC, 100, 0);
	assert_non_null(feed(s));
	/* still there while its own event is evaluated */
	assert_non_null(state_thread(s, 100));
	assert_true(state_thread(s, 100)->dead);
	assert_int_equal(state_thread(s, 200)->ptid, 1);
	assert_int_equal(state_thread(s, 150)->ptid, 1);
	EVB(&rec, FE_SYSCALL_CLOSE_X, 8 * SEC, 200, "0", "9");
	feed(s);
	assert_null(state_thread(s, 100));
	assert_string_equal(state_parent(s, state_thread(s, 200))->comm,
	    "systemd");
	/* with a reaper, children go to it */
	evb_procexit(&rec, 9 * SEC, 200, 150);
	feed(s);
	evb_clone(&rec, 10 * SEC, 150, 151, 150, 1, 0, "bash", "/root");
	feed(s);
	assert_null(state_thread(s, 200));
	state_free(s);

	s = tree();
	evb_clone(&rec, 6 * SEC, 200, 250, 250, 200, 0, "cat", "/");
	feed(s);
	evb_procexit(&rec, 7 * SEC, 200, 100);
	feed(s);
	assert_int_equal(state_thread(s, 250)->ptid, 100);
	state_free(s);
}

static void
test_fds(void **unused)
{
	struct state *s = tree();
	struct st_thread *t = state_thread(s, 200);
	struct st_fd *f;

	(void)unused;
	/* relative to the cwd, normalised */
	EVB(&rec, FE_SYSCALL_OPENAT_2_X, 6 * SEC, 200, "3", "-100",
	    "./a/../b//c", "1", "0", "0", "0");
	feed(s);
	f = state_fd(s, t, 3);
	assert_non_null(f);
	assert_string_equal(f->name, "/root/b/c");
	assert_string_equal(f->nameraw, "./a/../b//c");
	assert_int_equal(f->type, STFD_FILE);
	/* a directory fd, then a path relative to it */
	EVB(&rec, FE_SYSCALL_OPENAT_2_X, 7 * SEC, 200, "4", "-100", "/etc",
	    "0x400", "0", "0", "0");
	feed(s);
	assert_int_equal(state_fd(s, t, 4)->type, STFD_DIRECTORY);
	EVB(&rec, FE_SYSCALL_OPENAT_2_X, 8 * SEC, 200, "5", "4",
	    "ssh/../shadow", "0x1001", "0", "0", "0");
	feed(s);
	assert_string_equal(state_fd(s, t, 5)->name, "/etc/shadow");
	assert_true(state_fd(s, t, 5)->cloexec);
	/* a failed open adds nothing */
	EVB(&rec, FE_SYSCALL_OPEN_X, 9 * SEC, 200, "-2", "/nope", "1", "0",
	    "0", "0");
	feed(s);
	assert_int_equal(state_fd_count(t), 3);
	/* dup2 copies (without cloexec), fcntl F_DUPFD_CLOEXEC sets it */
	EVB(&rec, FE_SYSCALL_DUP2_X, 10 * SEC, 200, "1", "5", "1");
	feed(s);
	assert_string_equal(state_fd(s, t, 1)->name, "/etc/shadow");
	assert_false(state_fd(s, t, 1)->cloexec);
	EVB(&rec, FE_SYSCALL_FCNTL_X, 11 * SEC, 200, "7", "3", "26", "0");
	feed(s);
	assert_string_equal(state_fd(s, t, 7)->name, "/root/b/c");
	assert_true(state_fd(s, t, 7)->cloexec);
	EVB(&rec, FE_SYSCALL_DUP3_X, 12 * SEC, 200, "8", "3", "8", "0x1000");
	feed(s);
	assert_true(state_fd(s, t, 8)->cloexec);
	/* close: still visible during its event, gone after */
	EVB(&rec, FE_SYSCALL_CLOSE_X, 13 * SEC, 200, "0", "3");
	feed(s);
	assert_non_null(state_fd(s, t, 3));
	EVB(&rec, FE_SYSCALL_DUP_1_X, 14 * SEC, 200, "9", "4");
	feed(s);
	assert_null(state_fd(s, t, 3));
	assert_string_equal(state_fd(s, t, 9)->name, "/etc");
	/* exec closes the close-on-exec ones: 5, 7, 8 */
	evb_execve(&rec, 15 * SEC, 200, 0, 100, "/bin/sh", "", "sh", "/root",
	    "cpu=/");
	t = feed(s);
	assert_null(state_fd(s, t, 5));
	assert_null(state_fd(s, t, 7));
	assert_null(state_fd(s, t, 8));
	assert_non_null(state_fd(s, t, 1));
	assert_non_null(state_fd(s, t, 9));
	state_free(s);
}

static void
test_sockets_and_cwd(void **unused)
{
	struct state *s = tree();
	struct st_thread *t = state_thread(s, 200);
	struct st_fd *f;

	(void)unused;
	EVB(&rec, FE_SOCKET_SOCKET_X, 6 * SEC, 200, "3", "2", "1", "0", "0");
	feed(s);
	assert_int_equal(state_fd(s, t, 3)->type, STFD_IPV4);
	assert_int_equal(state_fd(s, t, 3)->l4proto, ST_L4_TCP);
	EVB(&rec, FE_SOCKET_CONNECT_X, 7 * SEC, 200, "0",
	    "10.0.0.1:40000->93.184.216.34:443", "3", "93.184.216.34:443");
	feed(s);
	f = state_fd(s, t, 3);
	assert_string_equal(f->name, "10.0.0.1:40000->93.184.216.34:443");
	assert_int_equal(f->role, STFD_ROLE_CLIENT);
	assert_int_equal(f->cport, 40000);
	assert_int_equal(f->sport, 443);
	/* v4-mapped v6 tuples are IPv4 connections */
	EVB(&rec, FE_SOCKET_SOCKET_X, 8 * SEC, 200, "4", "10", "1", "0", "0");
	feed(s);
	EVB(&rec, FE_SOCKET_CONNECT_X, 9 * SEC, 200, "0",
	    "[::ffff:127.0.0.1]:5000->[::ffff:127.0.0.1]:80", "4",
	    "[::ffff:127.0.0.1]:80");
	feed(s);
	assert_int_equal(state_fd(s, t, 4)->type, STFD_IPV4);
	assert_string_equal(state_fd(s, t, 4)->name,
	    "127.0.0.1:5000->127.0.0.1:80");
	/* chdir, then fchdir to a directory fd */
	EVB(&rec, FE_SYSCALL_CHDIR_X, 10 * SEC, 200, "0", "../tmp/./x");
	feed(s);
	assert_string_equal(t->cwd, "/tmp/x");
	EVB(&rec, FE_SYSCALL_OPENAT_2_X, 11 * SEC, 200, "5", "-100", "/var",
	    "0x400", "0", "0", "0");
	feed(s);
	EVB(&rec, FE_SYSCALL_FCHDIR_X, 12 * SEC, 200, "0", "5");
	feed(s);
	assert_string_equal(t->cwd, "/var");
	EVB(&rec, FE_SYSCALL_OPEN_X, 13 * SEC, 200, "6", "log/syslog", "1",
	    "0", "0", "0");
	feed(s);
	assert_string_equal(state_fd(s, t, 6)->name, "/var/log/syslog");
	state_free(s);
}

static void
test_purge_and_bound(void **unused)
{
	struct state *s = tree();
	struct state_stats st;

	(void)unused;
	/* a leaf nobody has heard of for an hour goes; ancestors stay */
	assert_int_equal(state_purge(s, 5 * SEC + 3600 * SEC,
	    1800 * SEC), 1);
	assert_null(state_thread(s, 200));
	assert_non_null(state_thread(s, 100));
	assert_non_null(state_thread(s, 1));
	state_free(s);

	s = state_new(2, 0);
	evb_execve(&rec, 1 * SEC, 1, 0, 0, "/sbin/init", "", "init", "/",
	    "cpu=/");
	feed(s);
	evb_clone(&rec, 2 * SEC, 1, 10, 1, 0, 0, "init", "/");
	feed(s);
	evb_clone(&rec, 3 * SEC, 1, 11, 1, 0, 0, "init", "/");
	feed(s);
	state_get_stats(s, &st);
	assert_int_equal(st.threads, 2);
	assert_int_equal(st.table_full, 1);
	assert_null(state_thread(s, 11));
	state_free(s);
}

/*
 * The automatic purge follows state_set_purge(): with a 10 s interval
 * and a 20 s timeout, cat (last seen at 5 s) is gone when bash runs
 * again at 40 s; with the defaults (300 s, 1800 s) it is still there.
 */
static void
test_purge_settings(void **unused)
{
	struct state *s;
	struct state_stats st;
	int set;

	(void)unused;
	for (set = 0; set <= 1; set++) {
		s = state_new(0, 0);
		if (set)
			state_set_purge(s, 10 * SEC, 20 * SEC);
		tree_in(s);
		evb_execve(&rec, 40 * SEC, 100, 0, 1, "/bin/bash", "-i|",
		    "bash", "/root", "cpu=/user.slice");
		feed(s);
		state_get_stats(s, &st);
		if (set) {
			assert_null(state_thread(s, 200));
			assert_int_equal(st.purged, 1);
		} else {
			assert_non_null(state_thread(s, 200));
			assert_int_equal(st.purged, 0);
		}
		/* a parent and init always stay */
		assert_non_null(state_thread(s, 100));
		assert_non_null(state_thread(s, 1));
		state_free(s);
	}
	/* interval 0 purges at the next event; timeout 10 s */
	s = state_new(0, 0);
	state_set_purge(s, 0, 10 * SEC);
	tree_in(s);
	assert_non_null(state_thread(s, 200));
	evb_execve(&rec, 16 * SEC, 100, 0, 1, "/bin/bash", "-i|", "bash",
	    "/root", "cpu=/user.slice");
	feed(s);
	assert_null(state_thread(s, 200));
	state_free(s);
}

/* Threads, fds and the tree of a real capture's process list. */
static void
test_seed_capture(void **unused)
{
	const char *td = getenv("FALCO_TESTDATA");
	char path[1024], err[256];
	struct scap_reader *r;
	struct state *s;
	struct st_thread *t, *m;

	(void)unused;
	snprintf(path, sizeof(path), "%s/falco-0.34.1/trace_files/"
	    "cat_write.scap", td != NULL ? td : "../shared/testdata");
	if ((r = scap_reader_open(path, err, sizeof(err))) == NULL)
		skip();
	s = state_new(0, 0);
	assert_int_equal(state_seed_capture(s, r), 73);
	t = state_thread(s, 11310);
	assert_non_null(t);
	assert_string_equal(t->comm, "bash");
	assert_string_equal(t->exe, "/bin/bash");
	assert_int_equal(t->ptid, 1077);
	assert_int_equal(state_fd_count(t), 4);
	assert_string_equal(state_fd(s, t, 255)->name, "/dev/pts/4");
	/* a secondary thread sees its process's fds */
	t = state_thread(s, 719);
	m = state_main_thread(s, t);
	assert_int_equal(m->tid, 631);
	assert_int_equal(state_fd_count(t), state_fd_count(m));
	state_free(s);
	scap_reader_close(r);
}

/* The /proc scanner on this very process. */
/*
 * Sockets seeded from /proc get their family and ends from the net
 * tables: a TCP listener and both ends of a connection on 127.0.0.1, a
 * bound UDP socket, a bound unix socket and a netlink socket.
 */
static void
seed_sockets(void)
{
	struct sockaddr_in sin;
	struct sockaddr_un sun;
	struct sockaddr_nl snl;
	struct sockaddr_in6 sin6;
	socklen_t sl = sizeof(sin);
	struct state *s = state_new(0, 0);
	struct st_thread *t;
	const struct st_fd *f;
	char want[128], upath[108];
	int lfd, cfd, afd, ufd, xfd, nfd, v6fd;
	unsigned lport, cport, uport;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true((lfd = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(lfd, 1), 0);
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&sin, &sl), 0);
	lport = ntohs(sin.sin_port);
	assert_true((cfd = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(connect(cfd, (struct sockaddr *)&sin, sizeof(sin)),
	    0);
	assert_true((afd = accept(lfd, NULL, NULL)) >= 0);
	sl = sizeof(sin);
	assert_int_equal(getsockname(cfd, (struct sockaddr *)&sin, &sl), 0);
	cport = ntohs(sin.sin_port);
	sin.sin_port = 0;
	assert_true((ufd = socket(AF_INET, SOCK_DGRAM, 0)) >= 0);
	assert_int_equal(bind(ufd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	sl = sizeof(sin);
	assert_int_equal(getsockname(ufd, (struct sockaddr *)&sin, &sl), 0);
	uport = ntohs(sin.sin_port);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(upath, sizeof(upath), "/tmp/test_state_%d.sock",
	    (int)getpid());
	(void)unlink(upath);
	memcpy(sun.sun_path, upath, strlen(upath) + 1);
	assert_true((xfd = socket(AF_UNIX, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(bind(xfd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_true((nfd = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)) >=
	    0);
	/* listed in /proc/net/netlink once bound */
	memset(&snl, 0, sizeof(snl));
	snl.nl_family = AF_NETLINK;
	assert_int_equal(bind(nfd, (struct sockaddr *)&snl, sizeof(snl)), 0);

	/* an IPv6 listener on ::1, where the host has IPv6 */
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_addr = in6addr_loopback;
	sl = sizeof(sin6);
	if ((v6fd = socket(AF_INET6, SOCK_STREAM, 0)) >= 0 &&
	    (bind(v6fd, (struct sockaddr *)&sin6, sizeof(sin6)) != 0 ||
	    listen(v6fd, 1) != 0 ||
	    getsockname(v6fd, (struct sockaddr *)&sin6, &sl) != 0)) {
		close(v6fd);
		v6fd = -1;
	}

	assert_true(state_seed_proc(s, "/proc") > 0);
	assert_non_null(t = state_thread(s, getpid()));
	if (v6fd >= 0) {
		assert_non_null(f = state_fd(s, t, v6fd));
		assert_int_equal(f->type, STFD_IPV6);
		assert_int_equal(f->af, 6);
		snprintf(want, sizeof(want), "::1:%u",
		    ntohs(sin6.sin6_port));
		assert_string_equal(f->name, want);
		close(v6fd);
	} else
		print_message("no IPv6 loopback: IPv6 tables not checked\n");
	assert_non_null(f = state_fd(s, t, lfd));
	assert_int_equal(f->type, STFD_IPV4);
	assert_int_equal(f->role, STFD_ROLE_SERVER);
	assert_int_equal(f->l4proto, ST_L4_TCP);
	snprintf(want, sizeof(want), "127.0.0.1:%u", lport);
	assert_string_equal(f->name, want);
	assert_int_equal(f->sport, lport);
	/* the connecting end, and the accepted one (ends as seen locally) */
	assert_non_null(f = state_fd(s, t, cfd));
	snprintf(want, sizeof(want), "127.0.0.1:%u->127.0.0.1:%u", cport,
	    lport);
	assert_string_equal(f->name, want);
	assert_int_equal(f->cport, cport);
	assert_int_equal(f->sport, lport);
	assert_non_null(f = state_fd(s, t, afd));
	snprintf(want, sizeof(want), "127.0.0.1:%u->127.0.0.1:%u", lport,
	    cport);
	assert_string_equal(f->name, want);
	assert_non_null(f = state_fd(s, t, ufd));
	assert_int_equal(f->l4proto, ST_L4_UDP);
	snprintf(want, sizeof(want), "127.0.0.1:%u", uport);
	assert_string_equal(f->name, want);
	assert_non_null(f = state_fd(s, t, xfd));
	assert_int_equal(f->type, STFD_UNIX);
	assert_string_equal(f->name, upath);
	assert_non_null(f = state_fd(s, t, nfd));
	assert_int_equal(f->type, STFD_NETLINK);
	state_free(s);
	close(nfd);
	close(xfd);
	(void)unlink(upath);
	close(ufd);
	close(afd);
	close(cfd);
	close(lfd);
}

static void
test_seed_proc(void **unused)
{
	struct state *s = state_new(0, 1);
	struct st_thread *t;
	const struct st_fd *f;
	long n;
	int fd = open("/etc/hostname", O_RDONLY);

	(void)unused;
	assert_true(fd >= 0);
	n = state_seed_proc(s, "/proc");
	assert_true(n > 0);
	t = state_thread(s, getpid());
	assert_non_null(t);
	assert_string_equal(t->comm, "test_state");
	assert_int_equal(t->pid, getpid());
	assert_int_equal(t->ptid, getppid());
	assert_int_equal(t->uid, getuid());
	assert_non_null(strstr(t->exepath, "test_state"));
	f = state_fd(s, t, fd);
	assert_non_null(f);
	assert_string_equal(f->name, "/etc/hostname");
	assert_int_equal(f->type, STFD_FILE);
	/* the parent resolves too */
	assert_non_null(state_parent(s, t));
	close(fd);
	state_free(s);

	seed_sockets();

	/* a tree that cannot be read */
	s = state_new(0, 0);
	assert_int_equal(state_seed_proc(s, "/nonexistent-proc"), -1);
	state_free(s);
}

/* Lines "input<TAB>expected" of a data file under tests/state/data. */
static FILE *
data_file(const char *name)
{
	const char *top = getenv("FALCO_SRC");
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/tests/state/data/%s",
	    top != NULL ? top : ".", name);
	f = fopen(path, "r");
	if (f == NULL)
		fail_msg("cannot open %s", path);
	return f;
}

static void
test_paths_data(void **unused)
{
	FILE *f = data_file("paths.txt");
	char line[1024], *tab, *nl;
	struct sbuf sb = SBUF_INIT;
	int n = 0;

	(void)unused;
	while (fgets(line, sizeof(line), f) != NULL) {
		char *dir, *path;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		if ((nl = strchr(line, '\n')) != NULL)
			*nl = '\0';
		/* dir<TAB>path<TAB>expected */
		dir = line;
		if ((tab = strchr(dir, '\t')) == NULL)
			fail_msg("bad line %s", line);
		*tab = '\0';
		path = tab + 1;
		if ((tab = strchr(path, '\t')) == NULL)
			fail_msg("bad line %s", path);
		*tab = '\0';
		sbuf_reset(&sb);
		state_path_resolve(dir, path, &sb);
		if (strcmp(sbuf_str(&sb), tab + 1) != 0)
			fail_msg("%s + %s: got %s, want %s", dir, path,
			    sbuf_str(&sb), tab + 1);
		n++;
	}
	fclose(f);
	sbuf_free(&sb);
	assert_true(n >= 10);
}

static void
test_container_data(void **unused)
{
	FILE *f = data_file("cgroups.txt");
	char line[1024], id[65], *tab, *nl, *p;
	int n = 0;

	(void)unused;
	while (fgets(line, sizeof(line), f) != NULL) {
		size_t len;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		if ((nl = strchr(line, '\n')) != NULL)
			*nl = '\0';
		if ((tab = strchr(line, '\t')) == NULL)
			fail_msg("bad line %s", line);
		*tab = '\0';
		/* entries separated by blanks in the file, NULs in state */
		len = strlen(line) + 1;
		for (p = line; *p != '\0'; p++)
			if (*p == ' ')
				*p = '\0';
		(void)state_container_id(line, len, id);
		if (strcmp(id, strcmp(tab + 1, "host") == 0 ? "" :
		    tab + 1) != 0)
			fail_msg("line %d: got '%s', want '%s'", n + 1, id,
			    tab + 1);
		n++;
	}
	fclose(f);
	assert_true(n >= 6);
}

/* The overlayfs layer kept on new fds (data/layers.txt), and on dups. */
static void
test_fd_layers(void **unused)
{
	FILE *fp = data_file("layers.txt");
	struct state *s = tree();
	struct st_thread *t = state_thread(s, 200);
	struct st_fd *f;
	char line[256], fdtxt[16], *ev, *fl, *want = NULL, *nl;
	int n = 0, up, low;
	int64_t fd;

	(void)unused;
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if ((nl = strchr(line, '\n')) != NULL)
			*nl = '\0';
		ev = line;
		if ((fl = strchr(ev, '\t')) == NULL ||
		    (want = strchr(fl + 1, '\t')) == NULL ||
		    sscanf(want + 1, "%d %d", &up, &low) != 2)
			fail_msg("bad line %s", line);
		*fl++ = '\0';
		*want = '\0';
		fd = 10 + n;
		snprintf(fdtxt, sizeof(fdtxt), "%lld", (long long)fd);
		if (strcmp(ev, "open") == 0)
			EVB(&rec, FE_SYSCALL_OPEN_X, 6 * SEC, 200, fdtxt,
			    "/var/lib/x", fl, "0", "0", "0");
		else if (strcmp(ev, "openat") == 0)
			EVB(&rec, FE_SYSCALL_OPENAT_2_X, 6 * SEC, 200, fdtxt,
			    "-100", "x", fl, "0", "0", "0");
		else if (strcmp(ev, "openat2") == 0)
			EVB(&rec, FE_SYSCALL_OPENAT2_X, 6 * SEC, 200, fdtxt,
			    "-100", "x", fl, "0", "0", "0", "0");
		else if (strcmp(ev, "creat") == 0)
			EVB(&rec, FE_SYSCALL_CREAT_X, 6 * SEC, 200, fdtxt,
			    "/tmp/x", "0644", "0", "0", fl);
		else
			fail_msg("unknown event %s", ev);
		feed(s);
		if ((f = state_fd(s, t, fd)) == NULL)
			fail_msg("%s %s: no fd", ev, fl);
		if (((f->layer & STFD_LAYER_UPPER) != 0) != up ||
		    ((f->layer & STFD_LAYER_LOWER) != 0) != low)
			fail_msg("%s %s: layer %u, want upper %d lower %d",
			    ev, fl, f->layer, up, low);
		/* a dup is the same open file */
		EVB(&rec, FE_SYSCALL_DUP2_X, 7 * SEC, 200, "99", fdtxt, "99");
		feed(s);
		assert_non_null(f = state_fd(s, t, 99));
		assert_int_equal(f->layer, state_fd(s, t, fd)->layer);
		n++;
	}
	fclose(fp);
	state_free(s);
	assert_true(n >= 10);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clone_exec),
		cmocka_unit_test(test_clone_child_side_and_threads),
		cmocka_unit_test(test_exit_reparent),
		cmocka_unit_test(test_fds),
		cmocka_unit_test(test_sockets_and_cwd),
		cmocka_unit_test(test_purge_and_bound),
		cmocka_unit_test(test_purge_settings),
		cmocka_unit_test(test_seed_proc),
		cmocka_unit_test(test_seed_capture),
		cmocka_unit_test(test_paths_data),
		cmocka_unit_test(test_container_data),
		cmocka_unit_test(test_fd_layers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
