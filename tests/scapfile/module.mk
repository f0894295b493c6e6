# Tests, fuzzer and benchmark of the capture file reader and writer.
UNIT_TESTS += test_scapfile
test_scapfile_SRCS := tests/scapfile/test_scapfile.c
test_scapfile_LIBS := scapfile schema util
test_scapfile_LDLIBS := -lcmocka -lz

FUZZERS += fuzz_scap
fuzz_scap_SRCS := tests/scapfile/fuzz_scap.c
fuzz_scap_LIBS := scapfile schema util
fuzz_scap_LDLIBS := -lz

# Decompressed copies of the test captures (in the build folder only) as
# extra seeds: mutating the plain layout reaches deeper than mutating
# deflate streams.  Order-only, so that it is not linked.
SCAP_TESTDATA ?= $(or $(FALCO_TESTDATA),$(SRC)/../shared/testdata)
$(O)/fuzz/fuzz_scap: | $(O)/seeds/fuzz_scap
$(O)/seeds/fuzz_scap:
	@mkdir -p $@.tmp
	for f in $(SCAP_TESTDATA)/captures/*.scap \
	    $(SCAP_TESTDATA)/falco-0.34.1/trace_files/*.scap \
	    $(SCAP_TESTDATA)/reference-driver/*.scap; do \
		gzip -dc < "$$f" > $@.tmp/plain-$$(basename "$$f") || exit 1; \
	done
	rm -rf $@ && mv $@.tmp $@

BENCHES += bench_scapfile
bench_scapfile_SRCS := tests/scapfile/bench_scapfile.c
bench_scapfile_LIBS := scapfile schema util
bench_scapfile_LDLIBS := -lz
