UNIT_TESTS += test_util
test_util_SRCS := tests/util/test_util.c
test_util_LIBS := util
test_util_LDLIBS := -lcmocka

UNIT_TESTS += test_json
test_json_SRCS := tests/util/test_json.c tests/lib/testjson.c
test_json_LIBS := util
test_json_LDLIBS := -lcmocka -ljson-c -lm
