/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internals shared by the files of the capture module.
 */
#ifndef CAPTURE_CAPTURE_INT_H
#define CAPTURE_CAPTURE_INT_H

#include <stdint.h>

#include "capture/capture.h"

struct bpf_driver;
struct kmod;
struct scap_reader;
struct scap_writer;
struct fevt_hdr;

struct capture {
	struct capture_opts	 o;
	struct capture_interest	 interest;
	int			 have_interest;
	int			 started;
	int			 host_users;
	/* one of these, by o.kind */
	struct scap_reader	*rd;
	struct bpf_driver	*bpf;
	struct kmod		*km;
	/* kmod: the record handed out last, released at the next call */
	const struct fevt_hdr	*km_rec;
	unsigned		 km_cpu;
	/* recording (record.c) */
	struct scap_writer	*w;
	uint64_t		 n_read;
	uint64_t		 n_recorded;
	uint64_t		 n_bad;		/* malformed records skipped */
	char			 err[512];
};

/*
 * Open c->o.record_path and write the metadata section: from the
 * reader for a replay, else machine info, users and groups of this host
 * and the threads and fds of st (seeded from /proc).  0 or -1 (c->err).
 */
int	capture_record_open(struct capture *c, struct state *st);
/* Append one event; 0 or -1 (c->err). */
int	capture_record_event(struct capture *c, const struct fevt *ev);
/* Flush and close; 0, or -1 (logged) when the file is incomplete. */
int	capture_record_close(struct capture *c);

#endif /* CAPTURE_CAPTURE_INT_H */
