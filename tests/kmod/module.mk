# Tests of falco.ko's userspace side: the ring reader as a unit test (no
# kernel needed); the module itself is tested in a QEMU guest by
# tests/kmod/t_kmod.sh (see tests/vm/vm.sh).
UNIT_TESTS += test_kmod
test_kmod_SRCS := tests/kmod/test_kmod.c
test_kmod_LIBS := kmod util
test_kmod_LDLIBS := -lcmocka $(KMOD_NL_LIBS)

# Helpers of the guest's driver comparison (tests/kmod/guest.sh): a
# recorder of the module's raw records and the deterministic workload.
# They live in $(O)/testbin: not installed, not run as unit tests.
TESTBIN_KMOD := kmod_record parity_workload
kmod_record_SRCS := tests/kmod/kmod_record.c
kmod_record_LIBS := kmod util
kmod_record_LDLIBS := $(KMOD_NL_LIBS)
parity_workload_SRCS := tests/kmod/parity_workload.c
parity_workload_LIBS := util
$(foreach p,$(TESTBIN_KMOD),$(eval $(call prog_template,$(p),testbin)))
unit-tests: $(addprefix $(O)/testbin/,$(TESTBIN_KMOD))
