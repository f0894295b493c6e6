// SPDX-License-Identifier: GPL-2.0-only
/*
 * The "falco" generic netlink family: capture control, settings,
 * statistics and versions (see uapi/falco_nl.h).  Every command needs
 * CAP_SYS_ADMIN and every attribute is checked against falco_nl_policy
 * before a handler runs; handlers serialize on falco_ctl_mutex.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <net/genetlink.h>

#include "compat.h"
#include "falco.h"
#include "falco_nl.h"

/* Policy bounds are s16; the snaplen range needs the full form. */
static struct netlink_range_validation falco_snaplen_range = {
	.min = 1,
	.max = FALCO_NL_SNAPLEN_MAX,
};

static const struct nla_policy falco_nl_policy[FALCO_NL_A_MAX + 1] = {
	[FALCO_NL_A_CONSUMER] = { .type = NLA_U32 },
	[FALCO_NL_A_SC_MASK] = NLA_POLICY_EXACT_LEN(FALCO_NL_SC_MASK_LEN),
	[FALCO_NL_A_SNAPLEN] = NLA_POLICY_FULL_RANGE(NLA_U32,
						     &falco_snaplen_range),
	[FALCO_NL_A_WATERMARK] = NLA_POLICY_MIN(NLA_U32, 1),
	/* One flag so far: a bound is a mask. */
	[FALCO_NL_A_FLAGS] = NLA_POLICY_MAX(NLA_U32, FALCO_NL_F_ALL),
	/* Reply-only attributes are refused in requests. */
	[FALCO_NL_A_API_VERSION] = { .type = NLA_REJECT },
	[FALCO_NL_A_SCHEMA_VERSION] = { .type = NLA_REJECT },
	[FALCO_NL_A_NR_CPUS] = { .type = NLA_REJECT },
	[FALCO_NL_A_RING_SIZE] = { .type = NLA_REJECT },
	[FALCO_NL_A_RING_STRIDE] = { .type = NLA_REJECT },
	[FALCO_NL_A_PAGE_SIZE] = { .type = NLA_REJECT },
	[FALCO_NL_A_SC_MAX] = { .type = NLA_REJECT },
	[FALCO_NL_A_STATS] = { .type = NLA_REJECT },
	[FALCO_NL_A_PAD] = { .type = NLA_REJECT },
};

static struct genl_family falco_nl_family;

/*
 * GENL_ADMIN_PERM only asks for CAP_NET_ADMIN; capture control needs
 * CAP_SYS_ADMIN, of both the socket's opener and the sender.
 */
static int falco_nl_perm(struct sk_buff *skb, struct genl_info *info)
{
	if (netlink_capable(skb, CAP_SYS_ADMIN))
		return 0;
	GENL_SET_ERR_MSG(info, "CAP_SYS_ADMIN required");
	return -EPERM;
}

/* The consumer named by the request, or NULL with an extack message. */
static struct falco_consumer *falco_nl_consumer(struct genl_info *info)
{
	struct falco_consumer *c;

	if (!info->attrs[FALCO_NL_A_CONSUMER]) {
		GENL_SET_ERR_MSG(info, "consumer id missing");
		return NULL;
	}
	c = falco_consumer_find(nla_get_u32(info->attrs[FALCO_NL_A_CONSUMER]));
	if (!c)
		GENL_SET_ERR_MSG(info, "no such consumer");
	return c;
}

static void falco_nl_set_mask(struct falco_consumer *c,
			      const struct nlattr *a)
{
	const u8 *bytes = nla_data(a);
	unsigned int sc;

	for (sc = 0; sc < FE_SC_MAX; sc++) {
		if (bytes[sc / 8] & (1U << (sc % 8)))
			set_bit(sc, c->sc_mask);
		else
			clear_bit(sc, c->sc_mask);
	}
}

static int falco_nl_watermark(struct falco_consumer *c, struct genl_info *info)
{
	u32 mark;

	if (!info->attrs[FALCO_NL_A_WATERMARK])
		return 0;
	mark = nla_get_u32(info->attrs[FALCO_NL_A_WATERMARK]);
	if (mark > c->ring_size) {
		GENL_SET_ERR_MSG(info, "watermark larger than the ring");
		return -EINVAL;
	}
	WRITE_ONCE(c->watermark, mark);
	return 0;
}

static int falco_nl_attach(struct sk_buff *skb, struct genl_info *info)
{
	struct falco_consumer *c;
	int err = -ENOENT;

	if (falco_nl_perm(skb, info))
		return -EPERM;
	mutex_lock(&falco_ctl_mutex);
	c = falco_nl_consumer(info);
	if (!c)
		goto unlock;
	err = falco_nl_watermark(c, info);
	if (err)
		goto unlock;
	if (info->attrs[FALCO_NL_A_SC_MASK])
		falco_nl_set_mask(c, info->attrs[FALCO_NL_A_SC_MASK]);
	if (info->attrs[FALCO_NL_A_SNAPLEN])
		WRITE_ONCE(c->snaplen,
			   nla_get_u32(info->attrs[FALCO_NL_A_SNAPLEN]));
	WRITE_ONCE(c->drop_failed, info->attrs[FALCO_NL_A_FLAGS] &&
		   (nla_get_u32(info->attrs[FALCO_NL_A_FLAGS]) &
		    FALCO_NL_F_DROP_FAILED));
	err = falco_capture_attach(c);
unlock:
	mutex_unlock(&falco_ctl_mutex);
	return err;
}

static int falco_nl_detach(struct sk_buff *skb, struct genl_info *info)
{
	struct falco_consumer *c;
	int err = -ENOENT;

	if (falco_nl_perm(skb, info))
		return -EPERM;
	mutex_lock(&falco_ctl_mutex);
	c = falco_nl_consumer(info);
	if (c) {
		err = c->capturing ? 0 : -EALREADY;
		falco_capture_detach(c);
	}
	mutex_unlock(&falco_ctl_mutex);
	return err;
}

static int falco_nl_set(struct sk_buff *skb, struct genl_info *info,
			int attr)
{
	struct falco_consumer *c;
	int err = -ENOENT;

	if (falco_nl_perm(skb, info))
		return -EPERM;
	mutex_lock(&falco_ctl_mutex);
	c = falco_nl_consumer(info);
	if (!c)
		goto unlock;
	err = -EINVAL;
	if (!info->attrs[attr]) {
		GENL_SET_ERR_MSG(info, "value missing");
		goto unlock;
	}
	err = 0;
	if (attr == FALCO_NL_A_SC_MASK)
		falco_nl_set_mask(c, info->attrs[attr]);
	else
		WRITE_ONCE(c->snaplen, nla_get_u32(info->attrs[attr]));
unlock:
	mutex_unlock(&falco_ctl_mutex);
	return err;
}

static int falco_nl_set_mask_cmd(struct sk_buff *skb, struct genl_info *info)
{
	return falco_nl_set(skb, info, FALCO_NL_A_SC_MASK);
}

static int falco_nl_set_snaplen(struct sk_buff *skb, struct genl_info *info)
{
	return falco_nl_set(skb, info, FALCO_NL_A_SNAPLEN);
}

static int falco_nl_get_info(struct sk_buff *skb, struct genl_info *info)
{
	u64 size = falco_ring_bytes();
	struct sk_buff *msg;
	void *hdr;

	if (falco_nl_perm(skb, info))
		return -EPERM;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &falco_nl_family, 0,
				FALCO_NL_CMD_GET_INFO);
	if (!hdr)
		goto nospace;
	if (nla_put_u64_64bit(msg, FALCO_NL_A_API_VERSION,
			      FALCO_VERSION_PACK(FALCO_API_MAJOR,
						 FALCO_API_MINOR,
						 FALCO_API_PATCH),
			      FALCO_NL_A_PAD) ||
	    nla_put_u64_64bit(msg, FALCO_NL_A_SCHEMA_VERSION,
			      FALCO_VERSION_PACK(FE_SCHEMA_MAJOR,
						 FE_SCHEMA_MINOR,
						 FE_SCHEMA_PATCH),
			      FALCO_NL_A_PAD) ||
	    nla_put_u32(msg, FALCO_NL_A_NR_CPUS, nr_cpu_ids) ||
	    nla_put_u64_64bit(msg, FALCO_NL_A_RING_SIZE, size,
			      FALCO_NL_A_PAD) ||
	    nla_put_u64_64bit(msg, FALCO_NL_A_RING_STRIDE,
			      falco_ring_stride(size), FALCO_NL_A_PAD) ||
	    nla_put_u32(msg, FALCO_NL_A_PAGE_SIZE, PAGE_SIZE) ||
	    nla_put_u32(msg, FALCO_NL_A_SC_MAX, FE_SC_MAX))
		goto nospace;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

nospace:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static int falco_nl_put_stats(struct sk_buff *msg, struct falco_ring *r)
{
	const struct falco_ring_info *ri = r->info;
	struct nlattr *nest;
	int i;

	nest = nla_nest_start(msg, FALCO_NL_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(msg, FALCO_NL_STAT_CPU, r->cpu) ||
	    nla_put_u32(msg, FALCO_NL_STAT_ONLINE, READ_ONCE(ri->online)) ||
	    nla_put_u64_64bit(msg, FALCO_NL_STAT_EVTS, READ_ONCE(ri->n_evts),
			      FALCO_NL_STAT_PAD) ||
	    nla_put_u64_64bit(msg, FALCO_NL_STAT_GAPS, READ_ONCE(ri->n_gaps),
			      FALCO_NL_STAT_PAD))
		return -EMSGSIZE;
	for (i = 0; i < FALCO_DROP_MAX; i++)
		if (nla_put_u64_64bit(msg, FALCO_NL_STAT_DROP_FULL + i,
				      READ_ONCE(ri->n_drops[i]),
				      FALCO_NL_STAT_PAD))
			return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static int falco_nl_get_stats(struct sk_buff *skb, struct genl_info *info)
{
	struct falco_consumer *c;
	struct falco_ring *r;
	struct sk_buff *msg;
	unsigned int cpu;
	void *hdr;
	int err = -ENOENT;

	if (falco_nl_perm(skb, info))
		return -EPERM;
	/* 128 bytes hold one CPU's nest with room to spare. */
	msg = genlmsg_new(NLMSG_GOODSIZE + 128 * nr_cpu_ids, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&falco_ctl_mutex);
	c = falco_nl_consumer(info);
	if (!c)
		goto unlock;
	err = -EMSGSIZE;
	hdr = genlmsg_put_reply(msg, info, &falco_nl_family, 0,
				FALCO_NL_CMD_GET_STATS);
	if (!hdr)
		goto unlock;
	if (nla_put_u32(msg, FALCO_NL_A_CONSUMER, c->id))
		goto unlock;
	for_each_possible_cpu(cpu) {
		/* Pairs with the release store in falco_cpu_online(). */
		r = smp_load_acquire(&c->rings[cpu]);
		if (r && falco_nl_put_stats(msg, r))
			goto unlock;
	}
	mutex_unlock(&falco_ctl_mutex);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

unlock:
	mutex_unlock(&falco_ctl_mutex);
	nlmsg_free(msg);
	return err;
}

static const struct genl_ops falco_nl_ops[] = {
	{
		.cmd = FALCO_NL_CMD_GET_INFO,
		.doit = falco_nl_get_info,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = FALCO_NL_CMD_ATTACH,
		.doit = falco_nl_attach,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = FALCO_NL_CMD_DETACH,
		.doit = falco_nl_detach,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = FALCO_NL_CMD_SET_MASK,
		.doit = falco_nl_set_mask_cmd,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = FALCO_NL_CMD_SET_SNAPLEN,
		.doit = falco_nl_set_snaplen,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = FALCO_NL_CMD_GET_STATS,
		.doit = falco_nl_get_stats,
		.flags = GENL_ADMIN_PERM,
	},
};

static struct genl_family falco_nl_family = {
	.name = FALCO_NL_FAMILY,
	.version = FALCO_NL_VERSION,
	.maxattr = FALCO_NL_A_MAX,
	.policy = falco_nl_policy,
	.netnsok = false,
	.module = THIS_MODULE,
	.ops = falco_nl_ops,
	.n_ops = ARRAY_SIZE(falco_nl_ops),
	FALCO_GENL_RESV_START_OP(FALCO_NL_CMD_GET_INFO)
};

int falco_netlink_init(void)
{
	return genl_register_family(&falco_nl_family);
}

void falco_netlink_exit(void)
{
	genl_unregister_family(&falco_nl_family);
}
