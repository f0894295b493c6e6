/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The BPF ring reader against memory laid out as the kernel lays out a
 * ring: records with BUSY and DISCARD bits, 8-byte alignment, a record
 * that wraps past the end of the data area (readable because the area
 * is mapped twice), and consumer_pos published only on release.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "bpf/bpf_ring.h"

#define SIZE	64
#define BUSY	(1u << 31)
#define DISCARD	(1u << 30)

struct fake {
	uint64_t	cons;
	uint64_t	prod;
	uint8_t		data[2 * SIZE];
	struct bpf_ring	rg;
};

/* Write a record at position pos as the kernel would; returns next. */
static uint64_t
put(struct fake *f, uint64_t pos, uint32_t hdr_len, const char *payload,
    uint32_t n)
{
	uint32_t i, off = pos & (SIZE - 1);

	memcpy(&f->data[off], &hdr_len, 4);
	memset(&f->data[off + 4], 0, 4);
	for (i = 0; i < n; i++)
		f->data[(off + 8 + i) & (SIZE - 1)] = payload[i];
	/* Keep the mirror, like the double mapping. */
	memcpy(&f->data[SIZE], f->data, SIZE);
	return pos + ((n + 8 + 7) & ~7u);
}

static void
fake_init(struct fake *f)
{
	memset(f, 0, sizeof(*f));
	bpf_ring_init_mem(&f->rg, &f->cons, &f->prod, f->data, SIZE);
}

static void
test_empty_ring_has_nothing(void **state)
{
	struct fake f;
	int64_t len = -7;

	fake_init(&f);
	assert_null(bpf_ring_peek(&f.rg, &len));
	/* Not mistaken for corruption by a caller that tests len. */
	assert_int_equal(len, 0);
	assert_int_equal(bpf_ring_avail(&f.rg), 0);
}

static void
test_records_in_order_and_release_publishes(void **state)
{
	struct fake f;
	const uint8_t *p;
	int64_t len;

	fake_init(&f);
	f.prod = put(&f, 0, 5, "hello", 5);
	f.prod = put(&f, f.prod, 3, "abc", 3);
	p = bpf_ring_peek(&f.rg, &len);
	assert_non_null(p);
	assert_int_equal(len, 5);
	assert_memory_equal(p, "hello", 5);
	/* Peeking again gives the same record; nothing is freed yet. */
	assert_ptr_equal(bpf_ring_peek(&f.rg, &len), p);
	assert_int_equal(f.cons, 0);
	bpf_ring_release(&f.rg);
	assert_int_equal(f.cons, 16);
	p = bpf_ring_peek(&f.rg, &len);
	assert_int_equal(len, 3);
	assert_memory_equal(p, "abc", 3);
	bpf_ring_release(&f.rg);
	assert_int_equal(f.cons, 32);
	assert_null(bpf_ring_peek(&f.rg, &len));
}

static void
test_busy_record_stops_reading(void **state)
{
	struct fake f;
	int64_t len;

	fake_init(&f);
	f.prod = put(&f, 0, 4 | BUSY, "wxyz", 4);
	len = -7;
	assert_null(bpf_ring_peek(&f.rg, &len));
	assert_int_equal(len, 0);
	/* The producer commits: the record becomes visible. */
	put(&f, 0, 4, "wxyz", 4);
	assert_non_null(bpf_ring_peek(&f.rg, &len));
	assert_int_equal(len, 4);
}

static void
test_discarded_records_are_skipped(void **state)
{
	struct fake f;
	const uint8_t *p;
	int64_t len;

	fake_init(&f);
	f.prod = put(&f, 0, 6 | DISCARD, "gone!!", 6);
	f.prod = put(&f, f.prod, 2, "ok", 2);
	p = bpf_ring_peek(&f.rg, &len);
	assert_non_null(p);
	assert_memory_equal(p, "ok", 2);
	/* The discarded one was given back at once. */
	assert_int_equal(f.cons, 16);
}

static void
test_record_wrapping_the_end_reads_contiguous(void **state)
{
	struct fake f;
	const uint8_t *p;
	int64_t len;

	fake_init(&f);
	f.cons = 48;
	bpf_ring_init_mem(&f.rg, &f.cons, &f.prod, f.data, SIZE);
	f.prod = put(&f, 48, 12, "0123456789AB", 12);
	p = bpf_ring_peek(&f.rg, &len);
	assert_non_null(p);
	assert_int_equal(len, 12);
	assert_memory_equal(p, "0123456789AB", 12);
	bpf_ring_release(&f.rg);
	assert_int_equal(f.cons, 48 + 24);
}

static void
test_oversized_record_is_corruption(void **state)
{
	struct fake f;
	int64_t len = 0;

	fake_init(&f);
	f.prod = put(&f, 0, SIZE * 4, "x", 1);
	assert_null(bpf_ring_peek(&f.rg, &len));
	assert_int_equal(len, -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_ring_has_nothing),
		cmocka_unit_test(test_records_in_order_and_release_publishes),
		cmocka_unit_test(test_busy_record_stops_reading),
		cmocka_unit_test(test_discarded_records_are_skipped),
		cmocka_unit_test(test_record_wrapping_the_end_reads_contiguous),
		cmocka_unit_test(test_oversized_record_is_corruption),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
