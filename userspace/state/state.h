/* SPDX-License-Identifier: Apache-2.0 */
/*
 * System state as the event stream describes it: threads and processes,
 * their file descriptors, users and groups, and container ids.
 *
 * A state is seeded from a capture's metadata (state_seed_capture()) or
 * from /proc (state_seed_proc()), then kept current by feeding it every
 * event in order with state_process().  Rules look at the state as it is
 * after the event (an open's new fd is visible on the open event); what
 * an event removes (a closed fd, an exited thread) stays visible until
 * the next event is processed, as in Falco.
 *
 * Ownership: everything returned points into the state and stays valid
 * until the next state_process() or state_free() call.  Not thread-safe:
 * one event loop owns a state.
 */
#ifndef STATE_STATE_H
#define STATE_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "schema/schema.h"

struct scap_reader;

/* Falco's default falco_libs.thread_table_size. */
#define STATE_THREAD_TABLE_MAX	262144

/* File descriptor types (values as in capture fd lists). */
enum st_fdtype {
	STFD_UNKNOWN = 0, STFD_FILE = 1, STFD_DIRECTORY = 2, STFD_IPV4 = 3,
	STFD_IPV6 = 4, STFD_IPV4_SERVER = 5, STFD_IPV6_SERVER = 6,
	STFD_FIFO = 7, STFD_UNIX = 8, STFD_EVENT = 9, STFD_UNSUPPORTED = 10,
	STFD_SIGNALFD = 11, STFD_EVENTPOLL = 12, STFD_INOTIFY = 13,
	STFD_TIMERFD = 14, STFD_NETLINK = 15, STFD_BPF = 17,
	STFD_USERFAULTFD = 18, STFD_IOURING = 19, STFD_MEMFD = 20,
	STFD_PIDFD = 21,
};

/* Roles of a socket. */
#define STFD_ROLE_CLIENT	1
#define STFD_ROLE_SERVER	2

/* Layer 4 protocols (values as in capture fd lists). */
#define ST_L4_UNKNOWN	0
#define ST_L4_TCP	1
#define ST_L4_UDP	2
#define ST_L4_ICMP	3
#define ST_L4_RAW	4

/* Overlayfs layer of a file, as the driver saw it at open time. */
#define STFD_LAYER_UPPER	1
#define STFD_LAYER_LOWER	2

struct st_fd {
	int64_t		 fd;
	uint8_t		 type;		/* enum st_fdtype */
	uint8_t		 role;		/* STFD_ROLE_*, 0 if unknown */
	uint8_t		 l4proto;	/* ST_L4_* */
	uint8_t		 af;		/* 4, 6 or 0 */
	uint8_t		 cloexec;
	uint8_t		 layer;		/* STFD_LAYER_* bits, 0 if not on
					   an overlayfs (or not known) */
	uint32_t	 flags;		/* open flags (FL_FILE_FLAGS_*) */
	uint32_t	 dev;
	uint64_t	 ino;
	/*
	 * Client and server ends of a socket (for a server socket only
	 * sip/sport).  IPv4 addresses in the first 4 bytes, network order.
	 */
	uint8_t		 cip[16], sip[16];
	uint16_t	 cport, sport;
	char		*name;		/* path or tuple text; never NULL */
	char		*nameraw;	/* the path as the event gave it, or
					   NULL when it equals name */
	uint8_t		 name_apart;	/* internal: name is an allocation of
					   its own (see state_int.h) */
};

/* The fd table of a process, shared by its threads. */
struct st_fdtable;

struct st_thread {
	int64_t		 tid, pid, ptid, sid, vpgid, pgid;
	int64_t		 vtid, vpid;
	char		*comm;		/* never NULL */
	char		*exe;		/* argv[0] */
	char		*exepath;
	char		*args;		/* argv[1..], NUL-separated */
	size_t		 args_len;
	char		*env;		/* NUL-separated */
	size_t		 env_len;
	char		*cwd;		/* with a trailing '/' */
	char		*cgroups;	/* NUL-separated "subsys=path" */
	size_t		 cgroups_len;
	char		 container_id[65];	/* full id, or "" (host) */
	uint32_t	 uid, gid, loginuid, tty;
	uint64_t	 cap_inheritable, cap_permitted, cap_effective;
	uint64_t	 fdlimit;
	uint32_t	 vmsize_kb, vmrss_kb, vmswap_kb;
	uint64_t	 pfmajor, pfminor;
	uint64_t	 exe_ino, exe_ino_ctime, exe_ino_mtime;
	uint64_t	 pidns_init_start_ts;
	uint8_t		 exe_writable, exe_upper_layer, exe_lower_layer;
	uint8_t		 exe_from_memfd;
	uint64_t	 clone_ts;	/* ns; 0 when unknown */
	uint64_t	 lastseen_ts;	/* ns of its last event */
	int		 dead;		/* procexit seen */
	int		 invalid;	/* made up for an unknown tid */
	struct st_fdtable *fdt;
};

struct st_user {
	uint32_t	 uid, gid;
	char		*name, *homedir, *shell;
};

struct st_group {
	uint32_t	 gid;
	char		*name;
};

struct state_stats {
	uint64_t	 threads;	/* in the table now */
	uint64_t	 added;
	uint64_t	 removed;
	uint64_t	 purged;	/* removed as stale */
	uint64_t	 table_full;	/* additions refused: table full */
	uint64_t	 fds;		/* fd entries now */
};

struct state;

/*
 * A new, empty state.  max_threads is the thread table bound (0 means
 * STATE_THREAD_TABLE_MAX).  Users and groups not in a capture's list are
 * looked up in the host databases when host_users is set.  Never NULL.
 */
struct state *state_new(size_t max_threads, int host_users);
void	state_free(struct state *s);

/*
 * Seed threads, fds, users and groups from a capture's metadata (call
 * after scap_reader_open(), before reading events).  Returns the number
 * of threads added.
 */
size_t	state_seed_capture(struct state *s, const struct scap_reader *r);

/*
 * Seed threads and fds from a /proc tree (procdir is "/proc" live).
 * Returns the number of threads added, or -1 if procdir cannot be read.
 */
long	state_seed_proc(struct state *s, const char *procdir);

/*
 * Update the state with one event (in timestamp order).  Returns the
 * event's thread (created if the event names an unknown one and the
 * table has room), or NULL when it is unknown.
 */
struct st_thread *state_process(struct state *s, const struct fevt *ev);

/* The thread tid, or NULL. */
struct st_thread *state_thread(struct state *s, int64_t tid);
/*
 * Visit every thread of the table (any order); stops early and returns
 * fn's value when fn returns != 0, else 0.  fn must not add or remove
 * threads.
 */
int	state_thread_foreach(struct state *s,
	    int (*fn)(void *arg, struct st_thread *t), void *arg);
/* The main thread of t's process (t itself if it is the main one). */
struct st_thread *state_main_thread(struct state *s, struct st_thread *t);
/* The parent of t's process, or NULL. */
struct st_thread *state_parent(struct state *s, struct st_thread *t);

/*
 * The fd of thread t (its process's table), or NULL.  An fd closed by the
 * current event is still found.
 */
struct st_fd *state_fd(struct state *s, struct st_thread *t, int64_t fd);
/* Visit every fd of t's table (any order); stops when fn returns != 0. */
int	state_fd_foreach(struct state *s, struct st_thread *t,
	    int (*fn)(void *arg, struct st_fd *f), void *arg);
size_t	state_fd_count(struct st_thread *t);
/*
 * Live threads of process pid, the main one included.  XXX: a scan of
 * the table; fine for the rare rule that asks.
 */
size_t	state_nthreads(struct state *s, int64_t pid);

const struct st_user *state_user(struct state *s, uint32_t uid);
const struct st_group *state_group(struct state *s, uint32_t gid);

/*
 * Remove threads that are dead or have not been seen for longer than
 * max_idle_ns before now_ns (0: only dead ones).  Returns how many.
 * state_process() calls this itself, see state_set_purge().
 */
size_t	state_purge(struct state *s, uint64_t now_ns, uint64_t max_idle_ns);

/*
 * The automatic purge of state_process(): every interval_ns of event
 * time (0: at every event), threads not seen for timeout_ns go.  The
 * defaults are falco.yaml's falco_libs.thread_table_auto_purging_
 * interval_s (300 s) and _thread_timeout_s (1800 s).  A timeout of 0
 * removes only exited threads (see state_purge()).
 */
#define STATE_PURGE_INTERVAL_NS	(300ULL * 1000000000ULL)
#define STATE_THREAD_TIMEOUT_NS	(1800ULL * 1000000000ULL)
void	state_set_purge(struct state *s, uint64_t interval_ns,
	    uint64_t timeout_ns);

void	state_get_stats(const struct state *s, struct state_stats *st);

/* ---- helpers shared with the field extractors ---------------------- */

/*
 * Normalise an absolute path like Falco: collapse "//", "." and "..";
 * no trailing slash except for "/".  Appends to out (NUL-terminated).
 */
void	state_path_normalize(const char *path, size_t len, struct sbuf *out);

/*
 * Resolve path against dir (a directory with or without the trailing
 * '/'; ignored when path is absolute) and normalise.  Appends to out.
 */
void	state_path_resolve(const char *dir, const char *path,
	    struct sbuf *out);

/*
 * The container id in a NUL-separated cgroup list ("cpu=/docker/<id>"):
 * Docker, podman (libpod-), containerd/CRI (cri-containerd-), CRI-O
 * (crio-) and systemd docker-<id>.scope layouts.  Writes the full id
 * (NUL-terminated, at most 64 characters) into id and returns 1, or
 * writes "" and returns 0 (host).
 */
int	state_container_id(const char *cgroups, size_t len, char id[65]);

/* The fd.type text ("file", "ipv4", ...) and fd.typechar of a type. */
const char *state_fdtype_name(uint8_t type);
char	state_fdtype_char(uint8_t type);

#endif /* STATE_STATE_H */
