/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JSON checks for the cmocka programs under tests/; they add
 * tests/lib/testjson.c to their _SRCS and link -ljson-c.
 */
#ifndef TESTS_LIB_TESTJSON_H
#define TESTS_LIB_TESTJSON_H

struct json_object;

/*
 * Parse s with json-c in strict, UTF-8 checking mode; the whole string
 * must be one JSON value.  Fails the running test otherwise.  The caller
 * drops the result with json_object_put().
 */
struct json_object *tu_json_strict(const char *s);

#endif /* TESTS_LIB_TESTJSON_H */
