# event-generator: library unit tests and the alert-body fuzzer; the
# end-to-end script is tests/evgen/t_evgen.sh.
UNIT_TESTS += test_evgen
test_evgen_SRCS := tests/evgen/test_evgen.c
test_evgen_LIBS := evgen state util
test_evgen_LDLIBS := -lcmocka -lmicrohttpd -ljson-c

FUZZERS += fuzz_evgen_alert
fuzz_evgen_alert_SRCS := tests/evgen/fuzz_evgen_alert.c
fuzz_evgen_alert_LIBS := evgen state util
fuzz_evgen_alert_LDLIBS := -lmicrohttpd -ljson-c
