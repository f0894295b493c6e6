/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the falco.ko ring reader (userspace/kmod) on rings built
 * in memory the way the module lays them out: data mapped twice back to
 * back, 64-bit head and tail, 8-byte aligned records.
 */
#include <sys/mman.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "kmod/kmod.h"

#define RING_SIZE	4096

struct ring {
	struct falco_ring_info	info;
	uint8_t			*data;		/* RING_SIZE, mapped twice */
};

static void
ring_init(struct ring *r)
{
	uint8_t *base;
	int fd;

	memset(&r->info, 0, sizeof(r->info));
	r->info.size = RING_SIZE;
	r->info.version = FALCO_RING_VERSION;
	fd = memfd_create("ring", 0);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, RING_SIZE), 0);
	base = mmap(NULL, 2 * RING_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0);
	assert_true(base != MAP_FAILED);
	assert_true(mmap(base, RING_SIZE, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_FIXED, fd, 0) != MAP_FAILED);
	assert_true(mmap(base + RING_SIZE, RING_SIZE, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_FIXED, fd, 0) != MAP_FAILED);
	close(fd);
	r->data = base;
}

static void
ring_fini(struct ring *r)
{
	munmap(r->data, 2 * RING_SIZE);
}

/* Writes a record of len bytes (header included) as the module does. */
static void
ring_put(struct ring *r, uint16_t type, uint64_t ts, uint32_t len,
    uint8_t fill)
{
	struct fevt_hdr h = { .ts = ts, .tid = 7, .len = len, .type = type };
	uint8_t *p = r->data + (r->info.head & (RING_SIZE - 1));

	memcpy(p, &h, sizeof(h));
	memset(p + sizeof(h), fill, len - sizeof(h));
	memset(p + len, 0, FALCO_RING_ALIGN(len) - len);
	__atomic_store_n(&r->info.head, r->info.head + FALCO_RING_ALIGN(len),
	    __ATOMIC_RELEASE);
}

static struct kmod *
open_rings(struct ring *a, struct ring *b)
{
	struct falco_ring_info *infos[3] = { &a->info, NULL, NULL };
	const uint8_t *datas[3] = { a->data, NULL, NULL };

	if (b != NULL) {
		infos[2] = &b->info;
		datas[2] = b->data;
	}
	return kmod_open_rings(infos, datas, 3);
}

static void
test_empty(void **state)
{
	struct ring r;
	struct kmod *k;
	unsigned cpu;

	(void)state;
	ring_init(&r);
	k = open_rings(&r, NULL);
	assert_null(kmod_next(k, &cpu));
	kmod_close(k);
	ring_fini(&r);
}

static void
test_release_per_record(void **state)
{
	const struct fevt_hdr *h;
	struct ring r;
	struct kmod *k;
	unsigned cpu;

	(void)state;
	ring_init(&r);
	ring_put(&r, 5, 100, 30, 0xaa);
	ring_put(&r, 6, 200, 40, 0xbb);
	k = open_rings(&r, NULL);
	h = kmod_next(k, &cpu);
	assert_non_null(h);
	assert_int_equal(cpu, 0);
	assert_int_equal(h->type, 5);
	/* Not released yet: the same record again, tail unchanged. */
	assert_ptr_equal(kmod_next(k, &cpu), h);
	assert_int_equal(r.info.tail, 0);
	kmod_release(k, cpu, h);
	assert_int_equal(r.info.tail, 32);
	h = kmod_next(k, &cpu);
	assert_non_null(h);
	assert_int_equal(h->type, 6);
	kmod_release(k, cpu, h);
	assert_int_equal(r.info.tail, 72);
	assert_null(kmod_next(k, &cpu));
	kmod_close(k);
	ring_fini(&r);
}

static void
test_wrap_is_contiguous(void **state)
{
	const struct fevt_hdr *h;
	const uint8_t *p;
	struct ring r;
	struct kmod *k;
	unsigned cpu, i;

	(void)state;
	ring_init(&r);
	/* Start near the end so that the next record crosses it. */
	r.info.head = r.info.tail = 10 * RING_SIZE + RING_SIZE - 64;
	ring_put(&r, 9, 1, 200, 0x5c);
	k = open_rings(&r, NULL);
	h = kmod_next(k, &cpu);
	assert_non_null(h);
	assert_int_equal(h->len, 200);
	p = (const uint8_t *)h;
	for (i = sizeof(*h); i < 200; i++)
		assert_int_equal(p[i], 0x5c);
	kmod_release(k, cpu, h);
	assert_int_equal(r.info.tail, 11 * RING_SIZE + 200 - 64);
	kmod_close(k);
	ring_fini(&r);
}

static void
test_merge_by_timestamp(void **state)
{
	const struct fevt_hdr *h;
	struct ring a, b;
	struct kmod *k;
	uint64_t want[] = { 10, 15, 20, 30 };
	unsigned cpu, i;

	(void)state;
	ring_init(&a);
	ring_init(&b);
	ring_put(&a, 1, 10, 26, 0);
	ring_put(&a, 1, 30, 26, 0);
	ring_put(&b, 2, 15, 26, 0);
	ring_put(&b, 2, 20, 26, 0);
	k = open_rings(&a, &b);
	for (i = 0; i < 4; i++) {
		h = kmod_next(k, &cpu);
		assert_non_null(h);
		assert_int_equal(h->ts, want[i]);
		assert_int_equal(cpu, h->type == 1 ? 0 : 2);
		kmod_release(k, cpu, h);
	}
	assert_null(kmod_next(k, &cpu));
	kmod_close(k);
	ring_fini(&a);
	ring_fini(&b);
}

static void
test_gap_record(void **state)
{
	const struct fevt_hdr *h;
	struct ring r;
	struct kmod *k;
	unsigned cpu;

	(void)state;
	ring_init(&r);
	ring_put(&r, FALCO_RING_GAP, 5, FALCO_RING_GAP_LEN, 0);
	k = open_rings(&r, NULL);
	h = kmod_next(k, &cpu);
	assert_non_null(h);
	assert_int_equal(h->type, FALCO_RING_GAP);
	kmod_release(k, cpu, h);
	assert_int_equal(r.info.tail, FALCO_RING_ALIGN(FALCO_RING_GAP_LEN));
	kmod_close(k);
	ring_fini(&r);
}

static void
test_corrupt_record_stops_ring(void **state)
{
	const struct fevt_hdr *h;
	struct ring a, b;
	struct kmod *k;
	unsigned cpu;

	(void)state;
	ring_init(&a);
	ring_init(&b);
	/* A length beyond what head says is readable. */
	ring_put(&a, 1, 1, 64, 0);
	((struct fevt_hdr *)a.data)->len = 4000;
	ring_put(&b, 2, 2, 26, 0);
	k = open_rings(&a, &b);
	h = kmod_next(k, &cpu);
	assert_non_null(h);
	assert_int_equal(h->type, 2);
	assert_int_equal(kmod_corrupt(k), 1);
	kmod_release(k, cpu, h);
	assert_null(kmod_next(k, &cpu));
	assert_int_equal(a.info.tail, 0);
	kmod_close(k);
	ring_fini(&a);
	ring_fini(&b);
}

static void
test_short_record_is_corrupt(void **state)
{
	struct ring r;
	struct kmod *k;
	unsigned cpu;

	(void)state;
	ring_init(&r);
	ring_put(&r, 1, 1, 26, 0);
	((struct fevt_hdr *)r.data)->len = 3;
	k = open_rings(&r, NULL);
	assert_null(kmod_next(k, &cpu));
	assert_int_equal(kmod_corrupt(k), 1);
	kmod_close(k);
	ring_fini(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_release_per_record),
		cmocka_unit_test(test_wrap_is_contiguous),
		cmocka_unit_test(test_merge_by_timestamp),
		cmocka_unit_test(test_gap_record),
		cmocka_unit_test(test_corrupt_record_stops_ring),
		cmocka_unit_test(test_short_record_is_corrupt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
