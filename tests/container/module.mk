UNIT_TESTS += test_container
test_container_SRCS := tests/container/test_container.c \
	tests/container/mockapi.c
test_container_LIBS := container util
test_container_LDLIBS := -lcmocka -ljson-c -lcurl

# container_lookup is not a cmocka program: it lives in $(O)/testbin for
# t_podman.sh and is built along with the unit tests.
container_lookup_SRCS := tests/container/container_lookup.c
container_lookup_LIBS := container util
container_lookup_LDLIBS := -ljson-c -lcurl
$(eval $(call prog_template,container_lookup,testbin))
unit-tests: $(O)/testbin/container_lookup

FUZZERS += fuzz_container_inspect
fuzz_container_inspect_SRCS := tests/container/fuzz_container_inspect.c
fuzz_container_inspect_LIBS := container util
fuzz_container_inspect_LDLIBS := -ljson-c -lcurl
