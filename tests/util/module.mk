UNIT_TESTS += test_util
test_util_SRCS := tests/util/test_util.c
test_util_LIBS := util
test_util_LDLIBS := -lcmocka
