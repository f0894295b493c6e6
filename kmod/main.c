// SPDX-License-Identifier: GPL-2.0-only
/*
 * falco.ko: module parameters, the /dev/falco<N> devices, consumers and
 * CPU hotplug.
 *
 * A consumer is an open file of any /dev/falco<N>: it owns one ring per
 * CPU (see falco_ring.h for the mmap layout), created for the CPUs online
 * at open and, through the cpuhp callbacks, for every CPU that comes
 * online later.  Capture is started and stopped over generic netlink
 * (netlink.c); the probes are registered while at least one consumer
 * captures.
 *
 * Locks, outermost first:
 *	falco_ctl_mutex		attach/detach, netlink commands, release;
 *				keeps a consumer found by id alive
 *	cpu hotplug lock	(the cpuhp callbacks run under it)
 *	falco_mutex		falco_consumers, falco_capturing, rings[]
 * Registering tracepoints takes the hotplug lock, so it happens under
 * falco_ctl_mutex only, never under falco_mutex.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cdev.h>
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/fs.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "compat.h"
#include "falco.h"
#include "falco_nl.h"

#define FALCO_DEFAULT_SNAPLEN	80

/* Serializes capture control; see the lock order above. */
DEFINE_MUTEX(falco_ctl_mutex);
/* Protects falco_consumers, falco_capturing and every rings[] slot. */
DEFINE_MUTEX(falco_mutex);
LIST_HEAD(falco_consumers);
LIST_HEAD(falco_capturing);
u64 falco_boot_epoch_ns;

#ifdef FALCO_DEBUG_ALLOC
atomic_t falco_live_allocs = ATOMIC_INIT(0);

static int falco_get_live_allocs(char *buf, const struct kernel_param *kp)
{
	return sprintf(buf, "%d\n", atomic_read(&falco_live_allocs));
}

static const struct kernel_param_ops falco_live_allocs_ops = {
	.get = falco_get_live_allocs,
};
module_param_cb(live_allocs, &falco_live_allocs_ops, NULL, 0444);
MODULE_PARM_DESC(live_allocs, "Allocations not yet freed (debug builds)");
#endif

static u64 falco_buf_size = 8ULL << 20;
static unsigned int falco_max_consumers = 8;
static unsigned int falco_nconsumers;	/* under falco_mutex */
static u32 falco_next_id;		/* under falco_mutex */
static unsigned int falco_tp_users;	/* under falco_ctl_mutex */

static int falco_set_buf_size(const char *val, const struct kernel_param *kp)
{
	u64 v;
	int err;

	err = kstrtoull(val, 0, &v);
	if (err)
		return err;
	if (v < 2 * PAGE_SIZE || v > (512ULL << 20) || !is_power_of_2(v)) {
		pr_err_ratelimited("buf_size must be a power of two from %lu to %llu bytes\n",
				   2 * PAGE_SIZE, 512ULL << 20);
		return -EINVAL;
	}
	WRITE_ONCE(falco_buf_size, v);
	return 0;
}

static int falco_get_buf_size(char *buf, const struct kernel_param *kp)
{
	return sprintf(buf, "%llu\n", READ_ONCE(falco_buf_size));
}

static const struct kernel_param_ops falco_buf_size_ops = {
	.set = falco_set_buf_size,
	.get = falco_get_buf_size,
};
module_param_cb(buf_size, &falco_buf_size_ops, NULL, 0644);
MODULE_PARM_DESC(buf_size,
		 "Bytes of each per-CPU ring of new consumers (power of two)");

static int falco_set_max_consumers(const char *val,
				   const struct kernel_param *kp)
{
	unsigned int v;
	int err;

	err = kstrtouint(val, 0, &v);
	if (err)
		return err;
	if (v < 1 || v > 64)
		return -EINVAL;
	WRITE_ONCE(falco_max_consumers, v);
	return 0;
}

static const struct kernel_param_ops falco_max_consumers_ops = {
	.set = falco_set_max_consumers,
	.get = param_get_uint,
};
module_param_cb(max_consumers, &falco_max_consumers_ops,
		&falco_max_consumers, 0644);
MODULE_PARM_DESC(max_consumers, "Open files of the devices allowed (1-64)");

u64 falco_ring_bytes(void)
{
	return READ_ONCE(falco_buf_size);
}

/* Caller holds falco_ctl_mutex; the result stays valid while it does. */
struct falco_consumer *falco_consumer_find(u32 id)
{
	struct falco_consumer *c, *found = NULL;

	mutex_lock(&falco_mutex);
	list_for_each_entry(c, &falco_consumers, node) {
		if (c->id == id) {
			found = c;
			break;
		}
	}
	mutex_unlock(&falco_mutex);
	return found;
}

/* Caller holds falco_ctl_mutex. */
int falco_capture_attach(struct falco_consumer *c)
{
	int err;

	if (c->capturing)
		return -EALREADY;
	if (falco_tp_users == 0) {
		err = falco_probes_register();
		if (err)
			return err;
	}
	falco_tp_users++;
	mutex_lock(&falco_mutex);
	c->capturing = true;
	list_add_tail_rcu(&c->cap_node, &falco_capturing);
	mutex_unlock(&falco_mutex);
	return 0;
}

/* Caller holds falco_ctl_mutex. */
void falco_capture_detach(struct falco_consumer *c)
{
	if (!c->capturing)
		return;
	mutex_lock(&falco_mutex);
	list_del_rcu(&c->cap_node);
	c->capturing = false;
	mutex_unlock(&falco_mutex);
	/* The probes read consumers under rcu_read_lock(). */
	synchronize_rcu();
	if (--falco_tp_users == 0)
		falco_probes_unregister();
}

static void falco_consumer_free(struct falco_consumer *c)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		if (c->rings)
			falco_ring_free(c->rings[cpu]);
	falco_free_note(c->no_ring);
	kfree(c->no_ring);
	falco_free_note(c->rings);
	kfree(c->rings);
	falco_free_note(c);
	kfree(c);
}

static int falco_open(struct inode *inode, struct file *file)
{
	struct falco_consumer *c;
	unsigned int cpu;
	int err;

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	falco_alloc_note(c);
	c->rings = kcalloc(nr_cpu_ids, sizeof(*c->rings), GFP_KERNEL);
	falco_alloc_note(c->rings);
	c->no_ring = kcalloc(nr_cpu_ids, sizeof(*c->no_ring), GFP_KERNEL);
	falco_alloc_note(c->no_ring);
	if (!c->rings || !c->no_ring) {
		falco_consumer_free(c);
		return -ENOMEM;
	}
	c->ring_size = falco_ring_bytes();
	c->snaplen = FALCO_DEFAULT_SNAPLEN;
	c->watermark = c->ring_size / 4;
	bitmap_fill(c->sc_mask, FE_SC_MAX);
	init_waitqueue_head(&c->wait);

	cpus_read_lock();
	mutex_lock(&falco_mutex);
	if (falco_nconsumers >= READ_ONCE(falco_max_consumers)) {
		err = -EBUSY;
		goto unlock;
	}
	c->id = ++falco_next_id;
	for_each_online_cpu(cpu) {
		c->rings[cpu] = falco_ring_alloc(c, cpu, c->ring_size);
		if (!c->rings[cpu]) {
			err = -ENOMEM;
			goto unlock;
		}
		c->rings[cpu]->info->online = 1;
	}
	list_add_tail(&c->node, &falco_consumers);
	falco_nconsumers++;
	mutex_unlock(&falco_mutex);
	cpus_read_unlock();

	file->private_data = c;
	return nonseekable_open(inode, file);

unlock:
	mutex_unlock(&falco_mutex);
	cpus_read_unlock();
	falco_consumer_free(c);
	return err;
}

static int falco_release(struct inode *inode, struct file *file)
{
	struct falco_consumer *c = file->private_data;

	mutex_lock(&falco_ctl_mutex);
	falco_capture_detach(c);
	mutex_lock(&falco_mutex);
	list_del(&c->node);
	falco_nconsumers--;
	mutex_unlock(&falco_mutex);
	mutex_unlock(&falco_ctl_mutex);
	falco_consumer_free(c);
	return 0;
}

static int falco_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct falco_consumer *c = file->private_data;
	unsigned long stride = falco_ring_stride(c->ring_size) >> PAGE_SHIFT;
	unsigned long cpu = vma->vm_pgoff / stride;
	struct falco_ring *r;

	if (cpu >= nr_cpu_ids)
		return -EINVAL;
	/* Pairs with the release store in falco_cpu_online(). */
	r = smp_load_acquire(&c->rings[cpu]);
	if (!r)
		return -ENODEV;
	return falco_ring_mmap(r, vma, vma->vm_pgoff % stride);
}

static __poll_t falco_poll(struct file *file, poll_table *wait)
{
	struct falco_consumer *c = file->private_data;
	u64 mark = READ_ONCE(c->watermark);
	struct falco_ring *r;
	unsigned int cpu;

	poll_wait(file, &c->wait, wait);
	for_each_possible_cpu(cpu) {
		/* Pairs with the release store in falco_cpu_online(). */
		r = smp_load_acquire(&c->rings[cpu]);
		if (r && falco_ring_readable(r, mark))
			return EPOLLIN | EPOLLRDNORM;
	}
	return 0;
}

static const struct file_operations falco_fops = {
	.owner = THIS_MODULE,
	.open = falco_open,
	.release = falco_release,
	.mmap = falco_mmap,
	.poll = falco_poll,
};

/*
 * Runs on the CPU that came online, in the hotplug thread.  Rings are
 * created before the first event of this CPU can reach them (the probes
 * find NULL until the release store below and count those drops).
 */
static int falco_cpu_online(unsigned int cpu)
{
	struct falco_consumer *c;
	struct falco_ring *r;

	mutex_lock(&falco_mutex);
	list_for_each_entry(c, &falco_consumers, node) {
		r = c->rings[cpu];
		if (!r) {
			r = falco_ring_alloc(c, cpu, c->ring_size);
			if (!r) {
				pr_err_ratelimited("no memory for the ring of CPU %u of consumer %u\n",
						   cpu, c->id);
				continue;
			}
			/* The ring is initialized before probes see it. */
			smp_store_release(&c->rings[cpu], r);
		}
		WRITE_ONCE(r->info->online, 1);
	}
	mutex_unlock(&falco_mutex);
	falco_emit_hotplug(cpu, 1);
	return 0;
}

/* Runs on the CPU going offline; its rings stay for readers to drain. */
static int falco_cpu_offline(unsigned int cpu)
{
	struct falco_consumer *c;

	falco_emit_hotplug(cpu, 0);
	mutex_lock(&falco_mutex);
	list_for_each_entry(c, &falco_consumers, node) {
		if (c->rings[cpu])
			WRITE_ONCE(c->rings[cpu]->info->online, 0);
	}
	mutex_unlock(&falco_mutex);
	return 0;
}

static dev_t falco_devt;
static struct cdev falco_cdev;
static struct class *falco_class;
static int falco_cpuhp_state;

static char *falco_devnode(FALCO_DEVNODE_CONST struct device *dev,
			   umode_t *mode)
{
	if (mode)
		*mode = 0600;
	return NULL;
}

static void falco_devices_destroy(unsigned int n)
{
	while (n--)
		device_destroy(falco_class, MKDEV(MAJOR(falco_devt), n));
}

static int falco_devices_create(void)
{
	struct device *dev;
	unsigned int cpu;

	for (cpu = 0; cpu < nr_cpu_ids; cpu++) {
		dev = device_create(falco_class, NULL,
				    MKDEV(MAJOR(falco_devt), cpu), NULL,
				    "falco%u", cpu);
		if (IS_ERR(dev)) {
			falco_devices_destroy(cpu);
			return PTR_ERR(dev);
		}
	}
	return 0;
}

static int __init falco_init(void)
{
	int err;

	falco_boot_epoch_ns = ktime_get_real_ns() - ktime_get_boot_fast_ns();
	err = falco_probes_lookup();
	if (err)
		return err;

	err = alloc_chrdev_region(&falco_devt, 0, nr_cpu_ids, "falco");
	if (err)
		return err;
	cdev_init(&falco_cdev, &falco_fops);
	falco_cdev.owner = THIS_MODULE;
	err = cdev_add(&falco_cdev, falco_devt, nr_cpu_ids);
	if (err)
		goto unregister_region;
	falco_class = falco_class_create("falco");
	if (IS_ERR(falco_class)) {
		err = PTR_ERR(falco_class);
		goto del_cdev;
	}
	falco_class->devnode = falco_devnode;
	err = falco_devices_create();
	if (err)
		goto destroy_class;

	err = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "falco:online",
					falco_cpu_online, falco_cpu_offline);
	if (err < 0)
		goto destroy_devices;
	falco_cpuhp_state = err;

	err = falco_netlink_init();
	if (err)
		goto remove_cpuhp;
	pr_info("loaded, api %u.%u.%u, schema %s, %u devices\n",
		FALCO_API_MAJOR, FALCO_API_MINOR, FALCO_API_PATCH,
		FE_SCHEMA_VERSION, nr_cpu_ids);
	return 0;

remove_cpuhp:
	cpuhp_remove_state_nocalls(falco_cpuhp_state);
destroy_devices:
	falco_devices_destroy(nr_cpu_ids);
destroy_class:
	class_destroy(falco_class);
del_cdev:
	cdev_del(&falco_cdev);
unregister_region:
	unregister_chrdev_region(falco_devt, nr_cpu_ids);
	return err;
}

/*
 * No consumer can exist here: every open file holds a module reference
 * (fops owner), so rmmod is refused until the last one is closed.
 */
static void __exit falco_exit(void)
{
	falco_netlink_exit();
	cpuhp_remove_state_nocalls(falco_cpuhp_state);
	falco_devices_destroy(nr_cpu_ids);
	class_destroy(falco_class);
	cdev_del(&falco_cdev);
	unregister_chrdev_region(falco_devt, nr_cpu_ids);
#ifdef FALCO_DEBUG_ALLOC
	if (atomic_read(&falco_live_allocs))
		pr_err("%d allocations leaked\n",
		       atomic_read(&falco_live_allocs));
#endif
}

module_init(falco_init);
module_exit(falco_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Falco-compatible syscall event capture");
MODULE_INFO(api_version, __stringify(FALCO_API_MAJOR) "."
	    __stringify(FALCO_API_MINOR) "." __stringify(FALCO_API_PATCH));
MODULE_INFO(schema_version, FE_SCHEMA_VERSION);
