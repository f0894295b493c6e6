/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers shared by the cmocka programs under tests/: a temporary folder
 * per test, whole-file reads, and monotonic time.  Programs that use them
 * add tests/lib/testutil.c to their _SRCS and link the util library.
 */
#ifndef TESTS_LIB_TESTUTIL_H
#define TESTS_LIB_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

/*
 * cmocka setup and teardown for a fresh folder /tmp/<program>.XXXXXX,
 * named in tu_tmpdir while the test runs; the teardown removes it with
 * everything in it.  Both return 0, or -1 (the test fails).
 */
extern char tu_tmpdir[];
int	tu_setup_tmp(void **state);
int	tu_teardown_tmp(void **state);

/* "<tu_tmpdir>/<name>", malloc'd. */
char	*tu_path(const char *name);

/*
 * The whole file, malloc'd and NUL-terminated, its length in *lenp if
 * not NULL; "" when the file cannot be opened.
 */
char	*tu_slurp(const char *path, size_t *lenp);

/* CLOCK_MONOTONIC in milliseconds, and a sleep that long. */
uint64_t tu_mono_ms(void);
void	tu_sleep_ms(unsigned ms);

#endif /* TESTS_LIB_TESTUTIL_H */
