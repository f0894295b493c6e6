# falcosidekick tests: cmocka unit tests, fuzzers and the load benchmark.
UNIT_TESTS += test_sidekick
test_sidekick_SRCS := tests/sidekick/test_sidekick.c
test_sidekick_LIBS := sidekick util
test_sidekick_LDLIBS := -lcmocka -lmicrohttpd -lcurl -ljson-c -lyaml
