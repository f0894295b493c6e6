# Tests of the rules loader (userspace/rules).
UNIT_TESTS += test_rules
test_rules_SRCS := tests/rules/test_rules.c
test_rules_LIBS := rules filter schema util
test_rules_LDLIBS := -lcmocka -lyaml -lpcre2-8 -ljson-c

FUZZERS += fuzz_rules
fuzz_rules_SRCS := tests/rules/fuzz_rules.c
fuzz_rules_LIBS := rules filter schema util
fuzz_rules_LDLIBS := -lyaml -lpcre2-8 -ljson-c

BENCHES += bench_rules
bench_rules_SRCS := tests/rules/bench_rules.c
bench_rules_LIBS := rules filter schema util
bench_rules_LDLIBS := -lyaml -lpcre2-8 -ljson-c
