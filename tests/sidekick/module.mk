# falcosidekick tests: cmocka unit tests, fuzzers and the load benchmark.
UNIT_TESTS += test_sidekick
test_sidekick_SRCS := tests/sidekick/test_sidekick.c tests/lib/testutil.c
test_sidekick_LIBS := sidekick config util
test_sidekick_LDLIBS := -lcmocka -lmicrohttpd -lcurl -ljson-c -lyaml -lsqlite3

FUZZERS += fuzz_sidekick_alert fuzz_sidekick_tmpl
fuzz_sidekick_alert_SRCS := tests/sidekick/fuzz_alert.c
fuzz_sidekick_alert_LIBS := sidekick config util
fuzz_sidekick_alert_LDLIBS := -ljson-c -lsqlite3 -lcurl -lmicrohttpd -lyaml
fuzz_sidekick_tmpl_SRCS := tests/sidekick/fuzz_tmpl.c
fuzz_sidekick_tmpl_LIBS := sidekick config util
fuzz_sidekick_tmpl_LDLIBS := -ljson-c -lsqlite3 -lcurl -lmicrohttpd -lyaml

BENCHES += bench_sidekick
bench_sidekick_SRCS := tests/sidekick/bench_sidekick.c
bench_sidekick_LDLIBS := -lmicrohttpd
