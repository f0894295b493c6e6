# Tests of the condition language (userspace/filter).
UNIT_TESTS += test_filter
test_filter_SRCS := tests/filter/test_filter.c
test_filter_LIBS := rules filter schema util
test_filter_LDLIBS := -lcmocka -lyaml -lpcre2-8 -ljson-c
