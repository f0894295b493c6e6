# The modern eBPF driver: CO-RE programs (*.bpf.c) compiled with clang
# -target bpf against a vmlinux.h dumped from the running kernel's BTF,
# linked into one object with `bpftool gen object`, embedded in the loader
# through a `bpftool gen skeleton` header, and the loader/consumer library
# around it (libbpfdrv) plus the capture tool falco-bpf-dump.

BPF_CLANG ?= clang-19
BPFTOOL ?= bpftool
BPF_VMLINUX_BTF ?= /sys/kernel/btf/vmlinux

bpfdrv_GEN := $(O)/gen/bpf
bpfdrv_BPF_SRCS := $(wildcard userspace/bpf/*.bpf.c)
bpfdrv_BPF_OBJS := $(patsubst %.bpf.c,$(O)/obj/%.bpf.o,$(bpfdrv_BPF_SRCS))
bpfdrv_SKEL := $(bpfdrv_GEN)/fb_probe.skel.h

# Generated at build time, never committed: it describes this kernel.
$(bpfdrv_GEN)/vmlinux.h:
	@mkdir -p $(@D)
	$(BPFTOOL) btf dump file $(BPF_VMLINUX_BTF) format c > $@.tmp
	mv $@.tmp $@

$(O)/obj/userspace/bpf/%.bpf.o: $(SRC)/userspace/bpf/%.bpf.c \
		$(bpfdrv_GEN)/vmlinux.h | $(GEN_HEADERS)
	@mkdir -p $(@D)
	$(BPF_CLANG) -target bpf -D__TARGET_ARCH_x86 -O2 -g -Wall -Werror \
		-I$(bpfdrv_GEN) -I$(O)/gen -I$(SRC)/userspace \
		-I$(SRC)/kmod/uapi -MMD -MP -c -o $@ $<

$(bpfdrv_GEN)/fb_probe.bpf.o: $(bpfdrv_BPF_OBJS)
	$(BPFTOOL) gen object $@ $^

$(bpfdrv_SKEL): $(bpfdrv_GEN)/fb_probe.bpf.o
	$(BPFTOOL) gen skeleton $< name fb_probe > $@.tmp
	mv $@.tmp $@

LIBS += bpfdrv
bpfdrv_SRCS := userspace/bpf/bpf_driver.c userspace/bpf/bpf_ring.c \
	userspace/bpf/bpf_support.c

# Only the loader includes the skeleton; nothing else waits for clang.
$(O)/obj/userspace/bpf/bpf_driver.o: $(bpfdrv_SKEL)

PROGS += falco-bpf-dump
falco-bpf-dump_SRCS := userspace/bpf/falco_bpf_dump.c
falco-bpf-dump_LIBS := bpfdrv scapfile schema util
falco-bpf-dump_LDLIBS := -lbpf -lelf -lz
