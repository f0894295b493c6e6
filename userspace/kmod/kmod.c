/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Consumer of falco.ko: device, mapped rings and netlink control.
 *
 * Ring protocol (see kmod/uapi/falco_ring.h and kmod/ring.c): head is
 * loaded with acquire semantics, which pairs with the module's release
 * store after it wrote a record, so every byte before head is visible;
 * tail is stored with release semantics after a record was used, which
 * pairs with the module's acquire load before it reuses that space.
 */
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "kmod/kmod.h"
#include "util/log.h"
#include "util/xmalloc.h"

struct kmod_ring {
	struct falco_ring_info	*info;
	const uint8_t		*data;
	uint64_t		 size;
	uint64_t		 tail;		/* ours; published on release */
	uint64_t		 head;		/* last head loaded */
	int			 corrupt;
};

struct kmod {
	int			 fd;
	uint32_t		 id;
	struct kmod_info	 info;
	struct kmod_ring	*rings;		/* info.nr_cpus entries */
	struct nl_sock		*nl;
	int			 family;
	unsigned		 ncorrupt;
	int			 borrowed;	/* rings are the caller's */
	uint32_t		 flags;		/* FALCO_NL_F_*, sent by ATTACH */
};

/* ---- Netlink ---- */

struct kmod_reply {
	int			 done;		/* ack or error seen */
	int			 err;		/* from the kernel or a parser */
	int			 (*parse)(struct nl_msg *, void *);
	void			*arg;
};

static int
kmod_nl_err(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct kmod_reply *r = arg;

	r->done = 1;
	r->err = e->error;
	return NL_STOP;
}

static int
kmod_nl_ack(struct nl_msg *msg, void *arg)
{
	struct kmod_reply *r = arg;

	r->done = 1;
	return NL_STOP;
}

static int
kmod_nl_valid(struct nl_msg *msg, void *arg)
{
	struct kmod_reply *r = arg;

	if (r->parse != NULL && r->err == 0)
		r->err = r->parse(msg, r->arg);
	return NL_OK;
}

/*
 * Sends msg (consumed) and waits for the kernel's answer; replies go to
 * parse.  Returns 0 or a negative errno.
 */
static int
kmod_nl_xfer(struct kmod *k, struct nl_msg *msg,
    int (*parse)(struct nl_msg *, void *), void *arg)
{
	struct kmod_reply r = { 0, 0, parse, arg };
	struct nl_cb *cb;
	int rc;

	if ((cb = nl_cb_alloc(NL_CB_CUSTOM)) == NULL) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_cb_err(cb, NL_CB_CUSTOM, kmod_nl_err, &r);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, kmod_nl_ack, &r);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, kmod_nl_valid, &r);
	rc = nl_send_auto(k->nl, msg);
	nlmsg_free(msg);
	if (rc < 0) {
		nl_cb_put(cb);
		return -EIO;
	}
	/* Replies come first; the ack or error ends the exchange. */
	while (!r.done) {
		if (nl_recvmsgs(k->nl, cb) < 0 && !r.done) {
			r.err = -EIO;
			break;
		}
	}
	nl_cb_put(cb);
	return r.err;
}

static struct nl_msg *
kmod_nl_msg(struct kmod *k, uint8_t cmd)
{
	struct nl_msg *msg;

	if ((msg = nlmsg_alloc()) == NULL)
		return NULL;
	if (genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, k->family, 0,
	    NLM_F_ACK, cmd, FALCO_NL_VERSION) == NULL) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

int
kmod_nl_raw(struct kmod *k, uint8_t cmd, const void *attrs, size_t len)
{
	struct nl_msg *msg;

	if ((msg = kmod_nl_msg(k, cmd)) == NULL)
		return -ENOMEM;
	if (len > 0 && nlmsg_append(msg, (void *)attrs, len, 0) < 0) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return kmod_nl_xfer(k, msg, NULL, NULL);
}

static int
kmod_parse_info(struct nl_msg *msg, void *arg)
{
	struct kmod_info *in = arg;
	struct nlattr *tb[FALCO_NL_A_MAX + 1];

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, FALCO_NL_A_MAX, NULL) < 0 ||
	    tb[FALCO_NL_A_API_VERSION] == NULL ||
	    tb[FALCO_NL_A_SCHEMA_VERSION] == NULL ||
	    tb[FALCO_NL_A_NR_CPUS] == NULL || tb[FALCO_NL_A_RING_SIZE] == NULL ||
	    tb[FALCO_NL_A_RING_STRIDE] == NULL ||
	    tb[FALCO_NL_A_PAGE_SIZE] == NULL || tb[FALCO_NL_A_SC_MAX] == NULL)
		return -EPROTO;
	in->api_version = nla_get_u64(tb[FALCO_NL_A_API_VERSION]);
	in->schema_version = nla_get_u64(tb[FALCO_NL_A_SCHEMA_VERSION]);
	in->nr_cpus = nla_get_u32(tb[FALCO_NL_A_NR_CPUS]);
	in->ring_size = nla_get_u64(tb[FALCO_NL_A_RING_SIZE]);
	in->ring_stride = nla_get_u64(tb[FALCO_NL_A_RING_STRIDE]);
	in->page_size = nla_get_u32(tb[FALCO_NL_A_PAGE_SIZE]);
	in->sc_max = nla_get_u32(tb[FALCO_NL_A_SC_MAX]);
	return 0;
}

static int
kmod_get_info(struct kmod *k)
{
	struct nl_msg *msg;
	int rc;

	if ((msg = kmod_nl_msg(k, FALCO_NL_CMD_GET_INFO)) == NULL)
		return -ENOMEM;
	if ((rc = kmod_nl_xfer(k, msg, kmod_parse_info, &k->info)) != 0)
		return rc;
	if (k->info.nr_cpus == 0 || k->info.page_size == 0)
		return -EPROTO;
	return 0;
}

/* ---- Rings ---- */

/* Maps the ring of cpu if the module has one; 0, -ENODEV or -errno. */
static int
kmod_map(struct kmod *k, unsigned cpu)
{
	struct kmod_ring *r = &k->rings[cpu];
	off_t base = (off_t)cpu * k->info.ring_stride;
	void *info, *data;
	uint64_t size;

	if (r->info != NULL)
		return 0;
	info = mmap(NULL, k->info.page_size, PROT_READ | PROT_WRITE,
	    MAP_SHARED, k->fd, base);
	if (info == MAP_FAILED)
		return -errno;
	size = ((struct falco_ring_info *)info)->size;
	data = mmap(NULL, 2 * size, PROT_READ, MAP_SHARED, k->fd,
	    base + k->info.page_size);
	if (data == MAP_FAILED) {
		munmap(info, k->info.page_size);
		return -errno;
	}
	r->info = info;
	r->data = data;
	r->size = size;
	r->tail = __atomic_load_n(&r->info->tail, __ATOMIC_RELAXED);
	r->head = r->tail;
	return 0;
}

static void
kmod_map_new(struct kmod *k)
{
	unsigned cpu;
	int rc;

	if (k->borrowed)
		return;
	for (cpu = 0; cpu < k->info.nr_cpus; cpu++) {
		if (k->rings[cpu].info != NULL)
			continue;
		if ((rc = kmod_map(k, cpu)) != 0 && rc != -ENODEV)
			log_warn("kmod: cannot map the ring of CPU %u: %s",
			    cpu, strerror(-rc));
	}
}

struct kmod *
kmod_open(const char *devdir, int *err)
{
	struct kmod *k;
	struct timeval tmo = { 5, 0 };
	char path[PATH_MAX];
	unsigned cpu;
	int rc;

	k = xcalloc(1, sizeof(*k));
	k->fd = -1;
	snprintf(path, sizeof(path), "%s/falco0", devdir ? devdir : "/dev");
	if ((k->fd = open(path, O_RDWR | O_CLOEXEC)) == -1) {
		rc = -errno;
		goto fail;
	}
	rc = -ENOMEM;
	if ((k->nl = nl_socket_alloc()) == NULL)
		goto fail;
	rc = -EIO;
	if (genl_connect(k->nl) < 0)
		goto fail;
	/* A module that never answers must not hang the caller. */
	if (setsockopt(nl_socket_get_fd(k->nl), SOL_SOCKET, SO_RCVTIMEO, &tmo,
	    sizeof(tmo)) == -1)
		goto fail;
	rc = -ENOENT;
	if ((k->family = genl_ctrl_resolve(k->nl, FALCO_NL_FAMILY)) < 0)
		goto fail;
	if ((rc = kmod_get_info(k)) != 0)
		goto fail;
	k->rings = xcalloc(k->info.nr_cpus, sizeof(*k->rings));
	kmod_map_new(k);
	for (cpu = 0; cpu < k->info.nr_cpus; cpu++) {
		if (k->rings[cpu].info != NULL) {
			k->id = k->rings[cpu].info->consumer_id;
			break;
		}
	}
	rc = -ENODEV;
	if (cpu == k->info.nr_cpus)
		goto fail;
	return k;
fail:
	if (err != NULL)
		*err = rc;
	kmod_close(k);
	return NULL;
}

struct kmod *
kmod_open_rings(struct falco_ring_info **infos, const uint8_t **datas,
    unsigned n)
{
	struct kmod *k;
	unsigned i;

	k = xcalloc(1, sizeof(*k));
	k->fd = -1;
	k->borrowed = 1;
	k->info.nr_cpus = n;
	k->rings = xcalloc(n, sizeof(*k->rings));
	for (i = 0; i < n; i++) {
		if (infos[i] == NULL)
			continue;
		k->rings[i].info = infos[i];
		k->rings[i].data = datas[i];
		k->rings[i].size = infos[i]->size;
		k->rings[i].tail = infos[i]->tail;
		k->rings[i].head = infos[i]->tail;
	}
	return k;
}

void
kmod_close(struct kmod *k)
{
	unsigned cpu;

	if (k == NULL)
		return;
	for (cpu = 0; k->rings != NULL && !k->borrowed &&
	    cpu < k->info.nr_cpus; cpu++) {
		if (k->rings[cpu].info == NULL)
			continue;
		munmap((void *)k->rings[cpu].data, 2 * k->rings[cpu].size);
		munmap(k->rings[cpu].info, k->info.page_size);
	}
	free(k->rings);
	if (k->nl != NULL)
		nl_socket_free(k->nl);
	if (k->fd != -1)
		close(k->fd);
	free(k);
}

uint32_t
kmod_consumer_id(const struct kmod *k)
{
	return k->id;
}

int
kmod_fd(const struct kmod *k)
{
	return k->fd;
}

const struct kmod_info *
kmod_info(const struct kmod *k)
{
	return &k->info;
}

unsigned
kmod_corrupt(const struct kmod *k)
{
	return k->ncorrupt;
}

/* ---- Control ---- */

static int
kmod_cmd(struct kmod *k, uint8_t cmd, const uint8_t *mask, uint32_t snaplen,
    uint32_t watermark)
{
	struct nl_msg *msg;

	if ((msg = kmod_nl_msg(k, cmd)) == NULL)
		return -ENOMEM;
	if (nla_put_u32(msg, FALCO_NL_A_CONSUMER, k->id) < 0 ||
	    (mask != NULL && nla_put(msg, FALCO_NL_A_SC_MASK,
	    FALCO_NL_SC_MASK_LEN, mask) < 0) ||
	    (snaplen != 0 && nla_put_u32(msg, FALCO_NL_A_SNAPLEN,
	    snaplen) < 0) ||
	    (watermark != 0 && nla_put_u32(msg, FALCO_NL_A_WATERMARK,
	    watermark) < 0) ||
	    /* Sent only when set: a 1.0 module refuses the attribute. */
	    (cmd == FALCO_NL_CMD_ATTACH && k->flags != 0 &&
	    nla_put_u32(msg, FALCO_NL_A_FLAGS, k->flags) < 0)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return kmod_nl_xfer(k, msg, NULL, NULL);
}

int
kmod_attach(struct kmod *k, const uint8_t *sc_mask, uint32_t snaplen,
    uint32_t watermark)
{
	return kmod_cmd(k, FALCO_NL_CMD_ATTACH, sc_mask, snaplen, watermark);
}

int
kmod_set_drop_failed(struct kmod *k, int on)
{
	/* API 1.1 brought FALCO_NL_A_FLAGS. */
	if (on && k->info.api_version < FALCO_VERSION_PACK(1, 1, 0))
		return -EOPNOTSUPP;
	if (on)
		k->flags |= FALCO_NL_F_DROP_FAILED;
	else
		k->flags &= ~FALCO_NL_F_DROP_FAILED;
	return 0;
}

int
kmod_detach(struct kmod *k)
{
	return kmod_cmd(k, FALCO_NL_CMD_DETACH, NULL, 0, 0);
}

int
kmod_set_mask(struct kmod *k, const uint8_t *sc_mask)
{
	return kmod_cmd(k, FALCO_NL_CMD_SET_MASK, sc_mask, 0, 0);
}

int
kmod_set_snaplen(struct kmod *k, uint32_t snaplen)
{
	return kmod_cmd(k, FALCO_NL_CMD_SET_SNAPLEN, NULL, snaplen, 0);
}

struct kmod_stats_arg {
	struct kmod_cpu_stats	*st;
	unsigned		 max;
	unsigned		 n;
};

static int
kmod_parse_stats(struct nl_msg *msg, void *arg)
{
	struct kmod_stats_arg *sa = arg;
	struct genlmsghdr *gh = nlmsg_data(nlmsg_hdr(msg));
	struct nlattr *nest, *s[FALCO_NL_STAT_MAX + 1];
	struct kmod_cpu_stats *o;
	int rem, i;

	nla_for_each_attr(nest, genlmsg_attrdata(gh, 0),
	    genlmsg_attrlen(gh, 0), rem) {
		if (nla_type(nest) != FALCO_NL_A_STATS || sa->n >= sa->max)
			continue;
		if (nla_parse_nested(s, FALCO_NL_STAT_MAX, nest, NULL) < 0 ||
		    s[FALCO_NL_STAT_CPU] == NULL || s[FALCO_NL_STAT_EVTS] == NULL)
			return -EPROTO;
		o = &sa->st[sa->n++];
		memset(o, 0, sizeof(*o));
		o->cpu = nla_get_u32(s[FALCO_NL_STAT_CPU]);
		if (s[FALCO_NL_STAT_ONLINE] != NULL)
			o->online = nla_get_u32(s[FALCO_NL_STAT_ONLINE]);
		o->evts = nla_get_u64(s[FALCO_NL_STAT_EVTS]);
		if (s[FALCO_NL_STAT_GAPS] != NULL)
			o->gaps = nla_get_u64(s[FALCO_NL_STAT_GAPS]);
		for (i = 0; i < FALCO_DROP_MAX; i++)
			if (s[FALCO_NL_STAT_DROP_FULL + i] != NULL)
				o->drops[i] = nla_get_u64(
				    s[FALCO_NL_STAT_DROP_FULL + i]);
	}
	return 0;
}

int
kmod_stats(struct kmod *k, struct kmod_cpu_stats *st, unsigned max)
{
	struct kmod_stats_arg sa = { st, max, 0 };
	struct nl_msg *msg;
	int rc;

	if ((msg = kmod_nl_msg(k, FALCO_NL_CMD_GET_STATS)) == NULL)
		return -ENOMEM;
	if (nla_put_u32(msg, FALCO_NL_A_CONSUMER, k->id) < 0) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	if ((rc = kmod_nl_xfer(k, msg, kmod_parse_stats, &sa)) != 0)
		return rc;
	return (int)sa.n;
}

/* ---- Reading ---- */

int
kmod_poll(struct kmod *k, int timeout_ms)
{
	struct pollfd pfd = { .fd = k->fd, .events = POLLIN };
	int rc;

	rc = poll(&pfd, 1, timeout_ms);
	if (rc == -1)
		return errno == EINTR ? 0 : -errno;
	/* A CPU may have come online: its ring appears in the module. */
	kmod_map_new(k);
	return rc > 0;
}

/* The next record of ring r, or NULL. */
static const struct fevt_hdr *
kmod_peek(struct kmod *k, struct kmod_ring *r)
{
	const struct fevt_hdr *h;
	uint64_t avail;

	if (r->info == NULL || r->corrupt)
		return NULL;
	if (r->tail == r->head)
		r->head = __atomic_load_n(&r->info->head, __ATOMIC_ACQUIRE);
	avail = r->head - r->tail;
	if (avail == 0)
		return NULL;
	h = (const struct fevt_hdr *)(r->data + (r->tail & (r->size - 1)));
	if (avail > r->size || avail < FEVT_HDR_LEN || h->len < FEVT_HDR_LEN ||
	    FALCO_RING_ALIGN(h->len) > avail) {
		log_err("kmod: corrupt record in a ring (len %u, %llu bytes "
		    "readable); ring stopped", h->len,
		    (unsigned long long)avail);
		r->corrupt = 1;
		k->ncorrupt++;
		return NULL;
	}
	return h;
}

const struct fevt_hdr *
kmod_next(struct kmod *k, unsigned *cpu)
{
	const struct fevt_hdr *h, *best = NULL;
	unsigned c;

	for (c = 0; c < k->info.nr_cpus; c++) {
		if ((h = kmod_peek(k, &k->rings[c])) == NULL)
			continue;
		if (best == NULL || h->ts < best->ts) {
			best = h;
			*cpu = c;
		}
	}
	return best;
}

void
kmod_release(struct kmod *k, unsigned cpu, const struct fevt_hdr *rec)
{
	struct kmod_ring *r = &k->rings[cpu];

	r->tail += FALCO_RING_ALIGN(rec->len);
	__atomic_store_n(&r->info->tail, r->tail, __ATOMIC_RELEASE);
}
