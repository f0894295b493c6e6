UNIT_TESTS += test_schema
test_schema_SRCS := tests/schema/test_schema.c tests/schema/test_render.c \
	tests/schema/evbuild.c
test_schema_LIBS := schema util
test_schema_LDLIBS := -lcmocka

# fevt_parse and the renderer on arbitrary bytes.
FUZZERS += fuzz_fevt
fuzz_fevt_SRCS := tests/schema/fuzz_fevt.c
fuzz_fevt_LIBS := schema util

# Parse and evt.args rendering throughput (make bench).
BENCHES += bench_schema
bench_schema_SRCS := tests/schema/bench_schema.c tests/schema/evbuild.c
bench_schema_LIBS := schema util
