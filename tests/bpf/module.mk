# Tests of the eBPF driver: the ring reader as a unit test (no kernel
# needed), live tests as tests/bpf/t_*.sh, the syscall cost benchmark.
UNIT_TESTS += test_bpf_ring
test_bpf_ring_SRCS := tests/bpf/test_bpf_ring.c userspace/bpf/bpf_ring.c
test_bpf_ring_LDLIBS := -lcmocka

BENCHES += bpf_syscall_bench
bpf_syscall_bench_SRCS := tests/bpf/bpf_syscall_bench.c

# 32-bit (int $0x80) syscalls made by a 64-bit program, for the compat
# checks of both drivers (t_bpf_ia32.sh, tests/kmod/guest_ia32.sh).
TESTBIN_BPF := ia32_workload
ia32_workload_SRCS := tests/bpf/ia32_workload.c
$(foreach p,$(TESTBIN_BPF),$(eval $(call prog_template,$(p),testbin)))
unit-tests: $(addprefix $(O)/testbin/,$(TESTBIN_BPF))
