# Tests of the eBPF driver: the ring reader as a unit test (no kernel
# needed), live tests as tests/bpf/t_*.sh, the syscall cost benchmark.
UNIT_TESTS += test_bpf_ring
test_bpf_ring_SRCS := tests/bpf/test_bpf_ring.c userspace/bpf/bpf_ring.c
test_bpf_ring_LDLIBS := -lcmocka

BENCHES += bpf_syscall_bench
bpf_syscall_bench_SRCS := tests/bpf/bpf_syscall_bench.c
