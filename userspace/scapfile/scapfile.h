/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reading and writing .scap capture files.
 *
 * A capture is a run of blocks (u32 type, u32 total length, body padded
 * to 4 bytes, u32 total length again), optionally gzip-compressed: a
 * section header, metadata blocks (machine, interfaces, users, process
 * list, fd lists) and then event blocks.  The reader accepts format
 * 1.0 to 1.2 with every historical block layout and hands out events in
 * the current schema: old event layouts are converted on the way in
 * (enter-event parameters merged into the exit event, enter events of
 * converted types dropped, missing parameters filled in).  The writer
 * emits format 1.2 only.
 *
 * Error convention of this module: functions return 0 (or a count) on
 * success and -1 on failure; the message, which names the byte offset
 * (in the decompressed stream) and the block type where the problem was
 * found, is available from scap_reader_error()/scap_writer_error() or
 * is written into the caller's buffer for the open functions.
 *
 * Byte order: the files are little-endian; so is every host this
 * project runs on.  XXX big-endian hosts would need swapping here.
 */
#ifndef SCAPFILE_SCAPFILE_H
#define SCAPFILE_SCAPFILE_H

#include <stddef.h>
#include <stdint.h>

#include "schema/schema.h"

/* Machine info block. */
struct scap_machine {
	uint32_t	 num_cpus;
	uint64_t	 memory_bytes;
	uint64_t	 max_pid;
	char		 hostname[129];	/* NUL-terminated */
	uint64_t	 boot_ts;	/* ns since the epoch */
	uint64_t	 flags;
};

/* File descriptor types, as numbered in capture files. */
enum scap_fd_type {
	SCAP_FD_UNKNOWN = 0,
	SCAP_FD_FILE = 1,
	SCAP_FD_DIRECTORY = 2,
	SCAP_FD_IPV4_SOCK = 3,
	SCAP_FD_IPV6_SOCK = 4,
	SCAP_FD_IPV4_SERVSOCK = 5,
	SCAP_FD_IPV6_SERVSOCK = 6,
	SCAP_FD_FIFO = 7,
	SCAP_FD_UNIX_SOCK = 8,
	SCAP_FD_EVENT = 9,
	SCAP_FD_UNSUPPORTED = 10,
	SCAP_FD_SIGNALFD = 11,
	SCAP_FD_EVENTPOLL = 12,
	SCAP_FD_INOTIFY = 13,
	SCAP_FD_TIMERFD = 14,
	SCAP_FD_NETLINK = 15,
	SCAP_FD_FILE_V2 = 16,
	SCAP_FD_BPF = 17,
	SCAP_FD_USERFAULTFD = 18,
	SCAP_FD_IOURING = 19,
	SCAP_FD_MEMFD = 20,
	SCAP_FD_PIDFD = 21,
};

/*
 * One entry of an fd list.  Addresses and ports are kept exactly as the
 * file stores them (IPv4 addresses in network byte order, ports in host
 * order).  name is the path (files, unix sockets, others) and is never
 * NULL; it is NUL-terminated.
 */
struct scap_fd {
	uint64_t	 fd;
	uint64_t	 ino;
	uint8_t		 type;		/* enum scap_fd_type */
	uint8_t		 l4proto;	/* sockets */
	uint16_t	 sport;		/* sockets; the port of a server */
	uint16_t	 dport;
	uint8_t		 sip[16];	/* IPv4 in the first 4 bytes */
	uint8_t		 dip[16];
	uint64_t	 unix_src;	/* unix sockets */
	uint64_t	 unix_dst;
	uint32_t	 open_flags;	/* SCAP_FD_FILE_V2 */
	uint32_t	 dev;		/* SCAP_FD_FILE_V2 */
	const char	*name;
};

/* The fd list of one thread. */
struct scap_fdlist {
	uint64_t	 tid;
	size_t		 nfds;
	struct scap_fd	*fds;
};

/*
 * One process list entry, with every field of the newest layout.
 * Fields an older layout lacks hold the defaults libscap gives them:
 * sid, vpgid, pgid, vtid, vpid = -1 (as u64/i64), loginuid = UINT32_MAX,
 * everything else 0 or "".  args, env and cgroups are NUL-separated
 * lists with an explicit length (a trailing NUL is counted when the file
 * has one); every string is also NUL-terminated in memory.
 */
struct scap_thread {
	uint64_t	 tid, pid, ptid, sid, vpgid;
	const char	*comm, *exe, *exepath, *cwd, *root;
	const char	*args;
	uint32_t	 args_len;
	const char	*env;
	uint32_t	 env_len;
	const char	*cgroups;
	uint32_t	 cgroups_len;
	uint64_t	 fdlimit;
	uint32_t	 flags, uid, gid;
	uint32_t	 vmsize_kb, vmrss_kb, vmswap_kb;
	uint64_t	 pfmajor, pfminor;
	int64_t		 vtid, vpid;
	uint64_t	 pidns_init_start_ts;
	uint32_t	 tty, loginuid;
	uint8_t		 exe_writable, exe_upper_layer;
	uint8_t		 exe_from_memfd, exe_lower_layer;
	uint64_t	 cap_inheritable, cap_permitted, cap_effective;
	uint64_t	 exe_ino, exe_ino_ctime, exe_ino_mtime;
	int64_t		 pgid;
	/* The thread's fd list (from an FDL block), or NULL. */
	const struct scap_fdlist *fdl;
};

/* Interface list entry. */
struct scap_iface {
	uint16_t	 type;		/* 1 IPv4, 2 IPv6, 3/4 same without
					   link speed */
	uint8_t		 addr[16];	/* IPv4 in the first 4 bytes */
	uint8_t		 netmask[16];
	uint8_t		 bcast[16];
	uint64_t	 linkspeed;
	const char	*name;
};

struct scap_user {
	uint32_t	 uid, gid;
	const char	*name, *homedir, *shell;
};

struct scap_group {
	uint32_t	 gid;
	const char	*name;
};

/* What the reader found out about the file. */
struct scap_info {
	uint16_t	 major, minor;	/* section header version */
	int		 compressed;	/* gzip */
	int		 has_machine;
};

/* Counters kept while reading events. */
struct scap_read_stats {
	uint64_t	 blocks;	/* every block, metadata included */
	uint64_t	 records;	/* event records read from the file */
	uint64_t	 events;	/* events handed out */
	uint64_t	 converted;	/* handed out after conversion */
	uint64_t	 dropped;	/* enter events merged or unused */
	uint64_t	 unknown;	/* type beyond the schema, skipped */
};

struct scap_reader;

/*
 * Open a capture (gzip or plain; a plain regular file is mapped, a pipe
 * or device is read as a stream) and read its header and metadata up to
 * the first event block.  Returns NULL on failure with the reason in err
 * (errlen bytes), prefixed by the path.
 */
struct scap_reader *scap_reader_open(const char *path, char *err,
	    size_t errlen);

/*
 * The same on a buffer in memory, which must stay valid and unchanged
 * until scap_reader_close().  The buffer may be gzip-compressed.
 */
struct scap_reader *scap_reader_open_mem(const void *buf, size_t len,
	    char *err, size_t errlen);

/* Release the reader and everything it handed out. */
void	scap_reader_close(struct scap_reader *r);

/*
 * Turn conversion of old layouts off (on is the default), for tools
 * that want the records as stored.  Call before the first event.
 */
void	scap_reader_set_convert(struct scap_reader *r, int on);

/*
 * The next event, as a view into the reader's memory that stays valid
 * until the next call (nothing is copied for current-layout events).
 * *flags gets the EVF block flags (0 for EV blocks); flags may be NULL.
 * Returns 1 with *ev filled, 0 at the end of the file, -1 on error.
 * Metadata blocks met between events are parsed and added to the lists.
 */
int	scap_reader_next(struct scap_reader *r, struct fevt *ev,
	    uint32_t *flags);

/* The last error message ("" if none); owned by the reader. */
const char *scap_reader_error(const struct scap_reader *r);

/* Offset in the (decompressed) stream of the next byte to read. */
uint64_t scap_reader_offset(const struct scap_reader *r);

const struct scap_info *scap_reader_info(const struct scap_reader *r);
const struct scap_read_stats *scap_reader_stats(const struct scap_reader *r);

/*
 * Metadata.  Arrays and strings are owned by the reader and live until
 * scap_reader_close(); the arrays may grow (and move) when
 * scap_reader_next() meets metadata blocks after events, so fetch them
 * again after reading events.  Entries are in file order; duplicate tids
 * are kept as found (a thread's fdl is the first list of its tid).
 * A later interface or user list block replaces the earlier one.
 */
const struct scap_machine *scap_reader_machine(const struct scap_reader *r);
const struct scap_thread *scap_reader_threads(const struct scap_reader *r,
	    size_t *n);
const struct scap_fdlist *scap_reader_fdlists(const struct scap_reader *r,
	    size_t *n);
const struct scap_iface *scap_reader_ifaces(const struct scap_reader *r,
	    size_t *n);
const struct scap_user *scap_reader_users(const struct scap_reader *r,
	    size_t *n);
const struct scap_group *scap_reader_groups(const struct scap_reader *r,
	    size_t *n);

/*
 * Writer, format 1.2.  Metadata calls must come before the first event
 * (they return -1 otherwise); each writes one block.  The writer buffers
 * output; scap_writer_close() flushes, closes and frees, and returns -1
 * if any write failed (message in err).
 */
struct scap_writer;

/* Create path (truncating it); gzip selects compression. */
struct scap_writer *scap_writer_open(const char *path, int gzip,
	    char *err, size_t errlen);

int	scap_writer_machine(struct scap_writer *w,
	    const struct scap_machine *mi);
int	scap_writer_ifaces(struct scap_writer *w, const struct scap_iface *ifs,
	    size_t n);
int	scap_writer_users(struct scap_writer *w, const struct scap_user *users,
	    size_t nusers, const struct scap_group *groups, size_t ngroups);
/* One PL v9 block for all threads, then one FDL v2 block per thread
   whose fdl is set. */
int	scap_writer_threads(struct scap_writer *w,
	    const struct scap_thread *threads, size_t n);
int	scap_writer_fdlist(struct scap_writer *w, const struct scap_fdlist *l);

/*
 * All the metadata a reader holds (machine, interfaces, users and
 * groups, threads with their fd lists), in libscap's block order.
 */
int	scap_writer_meta_from(struct scap_writer *w,
	    const struct scap_reader *r);

/*
 * One event record (header, lengths and parameters, hdr->len bytes),
 * as an EV block, or an EVF block when flags is not 0.  Records longer
 * than 64 KiB go into the large block types.
 */
int	scap_writer_event(struct scap_writer *w, const struct fevt_hdr *rec,
	    uint16_t cpu, uint32_t flags);

const char *scap_writer_error(const struct scap_writer *w);
int	scap_writer_close(struct scap_writer *w, char *err, size_t errlen);

/* A printable name for a block type ("EV", "PL v9", ...). */
const char *scap_block_name(uint32_t type);

#endif /* SCAPFILE_SCAPFILE_H */
