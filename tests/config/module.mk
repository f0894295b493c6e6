UNIT_TESTS += test_config
test_config_SRCS := tests/config/test_config.c tests/lib/testutil.c
test_config_LIBS := config util
test_config_LDLIBS := -lcmocka -lyaml

FUZZERS += fuzz_config
fuzz_config_SRCS := tests/config/fuzz_config.c
fuzz_config_LIBS := config util
fuzz_config_LDLIBS := -lyaml
