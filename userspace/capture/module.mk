# The capture layer: one event source interface over a .scap replay, the
# modern eBPF driver (bpfdrv) and the kernel module (kmod), with the
# syscall interest mask and recording to .scap.  Users link
# capture bpfdrv kmod scapfile state ... and CAPTURE_LDLIBS.
LIBS += capture
capture_SRCS := $(wildcard userspace/capture/*.c)
CAPTURE_LDLIBS = -lbpf -lelf $(KMOD_NL_LIBS)
