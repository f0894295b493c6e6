# Tests of the condition language (userspace/filter).
UNIT_TESTS += test_filter
test_filter_SRCS := tests/filter/test_filter.c
test_filter_LIBS := rules filter schema util
test_filter_LDLIBS := -lcmocka -lyaml -lpcre2-8 -ljson-c

FUZZERS += fuzz_cond
fuzz_cond_SRCS := tests/filter/fuzz_cond.c
fuzz_cond_LIBS := filter schema util
fuzz_cond_LDLIBS := -lpcre2-8
