/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TESTS_SCHEMA_TESTS_H
#define TESTS_SCHEMA_TESTS_H

/*
 * Run every case of the render case file at path; returns the number of
 * failures (each printed) and sets *ncases to the number of cases run.
 */
int	run_render_cases(const char *path, int *ncases);

#endif /* TESTS_SCHEMA_TESTS_H */
