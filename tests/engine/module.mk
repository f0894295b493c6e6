# Tests of the engine: formatter, extractors, replays (pitfalls #6/#7,
# libs IPv6 tuples), and the throughput benchmark.
UNIT_TESTS += test_engine
test_engine_SRCS := tests/engine/test_engine.c tests/state/evbuild.c \
	tests/container/mockapi.c
test_engine_LIBS := engine container state outputs metrics config scapfile \
	rules filter schema util
test_engine_LDLIBS := -lcmocka -lyaml -lpcre2-8 -ljson-c -lcurl -lz

BENCHES += bench_engine
bench_engine_SRCS := tests/engine/bench_engine.c tests/state/evbuild.c
bench_engine_LIBS := $(test_engine_LIBS)
bench_engine_LDLIBS := -lyaml -lpcre2-8 -ljson-c -lcurl -lz

# The live benchmark's event mix with the default rules (b_live.sh's
# daemon CPU per event, without the driver).
BENCHES += bench_livemix
bench_livemix_SRCS := tests/engine/bench_livemix.c tests/state/evbuild.c
bench_livemix_LIBS := $(test_engine_LIBS)
bench_livemix_LDLIBS := $(bench_engine_LDLIBS)

FUZZERS += fuzz_replay
fuzz_replay_SRCS := tests/engine/fuzz_replay.c
fuzz_replay_LIBS := $(test_engine_LIBS)
fuzz_replay_LDLIBS := -lyaml -lpcre2-8 -ljson-c -lcurl -lz

# Output formats (fields, widths, transformers) from any text.
FUZZERS += fuzz_format
fuzz_format_SRCS := tests/engine/fuzz_format.c
fuzz_format_LIBS := $(test_engine_LIBS)
fuzz_format_LDLIBS := -lyaml -lpcre2-8 -ljson-c -lcurl -lz
