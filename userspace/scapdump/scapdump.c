/* SPDX-License-Identifier: Apache-2.0 */
/*
 * scapdump: print the events of a .scap capture, one per line, or a
 * summary of event counts per type, or the capture's process list.
 *
 *	scapdump [-r] [-n count] FILE	events
 *	scapdump -s [-r] FILE		count per event type
 *	scapdump -p FILE		machine, users, interfaces, threads,
 *					fd lists
 *
 * An event line is "NUM TIME CPU TID DIR TYPE ARGS": NUM counts the
 * events handed out from 1, TIME is the local time of day with
 * nanoseconds, DIR is '>' for an enter and '<' for an exit event, ARGS
 * is name=value for each parameter, rendered as Falco renders evt.args.
 * -r shows the records as stored (no conversion of old layouts).
 * Exit status: 0, 1 on a read error (the message names the byte offset
 * and block type), 2 on a usage error.
 */
#include <arpa/inet.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "scapfile/scapfile.h"
#include "schema/schema.h"
#include "util/log.h"
#include "util/sbuf.h"
#include "util/xmalloc.h"

static void
usage(void)
{
	fprintf(stderr, "usage: scapdump [-r] [-n count] file\n"
	    "       scapdump -s [-r] file\n"
	    "       scapdump -p file\n");
	exit(2);
}

static void
fmt_time(char *buf, size_t len, uint64_t ts)
{
	time_t sec = (time_t)(ts / 1000000000ull);
	struct tm tm;

	localtime_r(&sec, &tm);
	snprintf(buf, len, "%02d:%02d:%02d.%09llu", tm.tm_hour, tm.tm_min,
	    tm.tm_sec, (unsigned long long)(ts % 1000000000ull));
}

static void
print_event(struct sbuf *sb, uint64_t num, const struct fevt *ev)
{
	const struct schema_event *se = schema_event(ev->hdr->type);
	char tbuf[32];
	unsigned i;

	sbuf_reset(sb);
	fmt_time(tbuf, sizeof(tbuf), ev->hdr->ts);
	sbuf_printf(sb, "%" PRIu64 " %s %u %" PRIu64 " %c %s", num, tbuf,
	    ev->cpu, (uint64_t)ev->hdr->tid,
	    schema_is_enter(ev->hdr->type) ? '>' : '<', se->name);
	for (i = 0; i < ev->nparams; i++) {
		const char *name = i < se->nparams ? se->params[i].name :
		    "?";

		sbuf_printf(sb, " %s=", name);
		if (i < se->nparams)
			schema_render_param(sb, ev, i);
	}
	sbuf_putc(sb, '\n');
	fwrite(sb->buf, 1, sb->len, stdout);
}

/* Print len bytes of a NUL-separated list with spaces between items. */
static void
print_list(const char *s, uint32_t len)
{
	uint32_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == '\0') {
			if (i + 1 < len)
				putchar(' ');
		} else
			putchar(s[i]);
	}
}

static void
print_addr(const uint8_t *a, int v6)
{
	char buf[INET6_ADDRSTRLEN];

	if (inet_ntop(v6 ? AF_INET6 : AF_INET, a, buf, sizeof(buf)) == NULL)
		strcpy(buf, "?");
	fputs(buf, stdout);
}

static void
print_fd(const struct scap_fd *f)
{
	printf("  fd=%" PRIu64 " ino=%" PRIu64 " type=%u", f->fd, f->ino,
	    f->type);
	switch (f->type) {
	case SCAP_FD_IPV4_SOCK:
	case SCAP_FD_IPV6_SOCK:
		printf(" proto=%u ", f->l4proto);
		print_addr(f->sip, f->type == SCAP_FD_IPV6_SOCK);
		printf(":%u->", f->sport);
		print_addr(f->dip, f->type == SCAP_FD_IPV6_SOCK);
		printf(":%u", f->dport);
		break;
	case SCAP_FD_IPV4_SERVSOCK:
	case SCAP_FD_IPV6_SERVSOCK:
		printf(" proto=%u ", f->l4proto);
		print_addr(f->sip, f->type == SCAP_FD_IPV6_SERVSOCK);
		printf(":%u", f->sport);
		break;
	case SCAP_FD_UNIX_SOCK:
		printf(" src=%" PRIx64 " dst=%" PRIx64 " name=%s",
		    f->unix_src, f->unix_dst, f->name);
		break;
	case SCAP_FD_FILE_V2:
		printf(" flags=0x%x dev=%u name=%s", f->open_flags, f->dev,
		    f->name);
		break;
	default:
		printf(" name=%s", f->name);
		break;
	}
	putchar('\n');
}

static void
print_metadata(struct scap_reader *r)
{
	const struct scap_machine *m = scap_reader_machine(r);
	const struct scap_info *in = scap_reader_info(r);
	const struct scap_thread *t;
	const struct scap_fdlist *fl;
	const struct scap_iface *ifs;
	const struct scap_user *us;
	const struct scap_group *gs;
	size_t n, i, j;

	printf("format %u.%u%s\n", in->major, in->minor,
	    in->compressed ? " gzip" : "");
	if (m != NULL)
		printf("machine hostname=%s cpus=%u memory=%" PRIu64
		    " max_pid=%" PRIu64 " boot_ts=%" PRIu64 " flags=%" PRIu64
		    "\n", m->hostname, m->num_cpus, m->memory_bytes,
		    m->max_pid, m->boot_ts, m->flags);
	ifs = scap_reader_ifaces(r, &n);
	for (i = 0; i < n; i++) {
		int v6 = ifs[i].type == 2 || ifs[i].type == 4;

		printf("iface %s type=%u addr=", ifs[i].name, ifs[i].type);
		print_addr(ifs[i].addr, v6);
		printf(" netmask=");
		print_addr(ifs[i].netmask, v6);
		printf(" bcast=");
		print_addr(ifs[i].bcast, v6);
		printf(" linkspeed=%" PRIu64 "\n", ifs[i].linkspeed);
	}
	us = scap_reader_users(r, &n);
	for (i = 0; i < n; i++)
		printf("user %u gid=%u name=%s home=%s shell=%s\n", us[i].uid,
		    us[i].gid, us[i].name, us[i].homedir, us[i].shell);
	gs = scap_reader_groups(r, &n);
	for (i = 0; i < n; i++)
		printf("group %u name=%s\n", gs[i].gid, gs[i].name);
	t = scap_reader_threads(r, &n);
	for (i = 0; i < n; i++) {
		printf("thread tid=%" PRIu64 " pid=%" PRIu64 " ptid=%" PRIu64
		    " sid=%" PRId64 " vpgid=%" PRId64 " pgid=%" PRId64
		    " comm=%s exe=%s exepath=%s args=[", t[i].tid, t[i].pid,
		    t[i].ptid, (int64_t)t[i].sid, (int64_t)t[i].vpgid,
		    t[i].pgid, t[i].comm, t[i].exe, t[i].exepath);
		print_list(t[i].args, t[i].args_len);
		printf("] cwd=%s root=%s fdlimit=%" PRIu64 " flags=0x%x"
		    " uid=%u gid=%u loginuid=%d tty=%u vmsize=%u vmrss=%u"
		    " vmswap=%u pfmajor=%" PRIu64 " pfminor=%" PRIu64
		    " vtid=%" PRId64 " vpid=%" PRId64
		    " pidns_init_start_ts=%" PRIu64 " cap_inh=%" PRIx64
		    " cap_perm=%" PRIx64 " cap_eff=%" PRIx64
		    " exe_writable=%u exe_upper=%u exe_lower=%u"
		    " exe_memfd=%u exe_ino=%" PRIu64 " exe_ctime=%" PRIu64
		    " exe_mtime=%" PRIu64 " cgroups=[", t[i].cwd, t[i].root,
		    t[i].fdlimit, t[i].flags, t[i].uid, t[i].gid,
		    (int32_t)t[i].loginuid, t[i].tty, t[i].vmsize_kb,
		    t[i].vmrss_kb, t[i].vmswap_kb, t[i].pfmajor,
		    t[i].pfminor, t[i].vtid, t[i].vpid,
		    t[i].pidns_init_start_ts, t[i].cap_inheritable,
		    t[i].cap_permitted, t[i].cap_effective,
		    t[i].exe_writable, t[i].exe_upper_layer,
		    t[i].exe_lower_layer, t[i].exe_from_memfd, t[i].exe_ino,
		    t[i].exe_ino_ctime, t[i].exe_ino_mtime);
		print_list(t[i].cgroups, t[i].cgroups_len);
		printf("] env=%u bytes\n", t[i].env_len);
	}
	fl = scap_reader_fdlists(r, &n);
	for (i = 0; i < n; i++) {
		printf("fdlist tid=%" PRIu64 " nfds=%zu\n", fl[i].tid,
		    fl[i].nfds);
		for (j = 0; j < fl[i].nfds; j++)
			print_fd(&fl[i].fds[j]);
	}
}

int
main(int argc, char **argv)
{
	struct scap_reader *r;
	struct sbuf sb = SBUF_INIT;
	struct fevt ev;
	char err[512];
	uint64_t num = 0, limit = UINT64_MAX, *counts = NULL;
	int ch, summary = 0, meta = 0, raw = 0, rc = 0;
	unsigned i;

	log_init("scapdump", LOG_INFO, 1, 0);
	while ((ch = getopt(argc, argv, "n:prs")) != -1) {
		switch (ch) {
		case 'n':
			limit = strtoull(optarg, NULL, 10);
			break;
		case 'p':
			meta = 1;
			break;
		case 'r':
			raw = 1;
			break;
		case 's':
			summary = 1;
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 1 || summary + meta > 1)
		usage();
	if ((r = scap_reader_open(argv[optind], err, sizeof(err))) == NULL) {
		log_err("%s", err);
		return 1;
	}
	if (meta) {
		print_metadata(r);
		scap_reader_close(r);
		return fflush(stdout) == 0 ? 0 : 1;
	}
	scap_reader_set_convert(r, !raw);
	if (summary)
		counts = xcalloc(FE_MAX, sizeof(*counts));
	while (num < limit && (rc = scap_reader_next(r, &ev, NULL)) == 1) {
		num++;
		if (summary)
			counts[ev.hdr->type]++;
		else
			print_event(&sb, num, &ev);
	}
	if (num < limit && rc == -1) {
		fflush(stdout);
		log_err("%s: %s", argv[optind], scap_reader_error(r));
		scap_reader_close(r);
		free(counts);
		sbuf_free(&sb);
		return 1;
	}
	if (summary) {
		for (i = 0; i < FE_MAX; i++)
			if (counts[i] != 0)
				printf("%s %" PRIu64 "\n",
				    schema_event((uint16_t)i)->sym, counts[i]);
		printf("total %" PRIu64 "\n", num);
	}
	scap_reader_close(r);
	free(counts);
	sbuf_free(&sb);
	return fflush(stdout) == 0 ? 0 : 1;
}
