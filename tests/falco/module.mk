# Tests of the falco program: unit tests of the drop monitor and token
# bucket, and a helper that writes long captures for the script tests
# (t_*.sh).  The helper lives outside build/tests, which holds only
# cmocka programs.
UNIT_TESTS += test_falco
test_falco_SRCS := tests/falco/test_falco.c userspace/falco/drops.c
test_falco_LIBS := outputs metrics config util
test_falco_LDLIBS := -lcmocka -lyaml -ljson-c -lcurl -lz

$(O)/testbin/falco_mkcap: $(O)/obj/tests/falco/mkcap.o \
		$(O)/lib/libscapfile.a $(O)/lib/libschema.a $(O)/lib/libutil.a
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ -lz

unit-tests: $(O)/testbin/falco_mkcap
