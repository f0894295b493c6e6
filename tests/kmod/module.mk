# Tests of falco.ko's userspace side: the ring reader as a unit test (no
# kernel needed); the module itself is tested in a QEMU guest by
# tests/kmod/t_kmod.sh (see tests/vm/vm.sh).
UNIT_TESTS += test_kmod
test_kmod_SRCS := tests/kmod/test_kmod.c
test_kmod_LIBS := kmod util
test_kmod_LDLIBS := -lcmocka $(KMOD_NL_LIBS)
