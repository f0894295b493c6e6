# Userspace side of falco.ko: the consumer library (devices, mapped
# rings, netlink control through libnl-genl-3) and kmodctl, a small
# consumer used by tests/kmod and for debugging.

KMOD_NL_CFLAGS := $(shell $(PKG_CONFIG) --cflags libnl-genl-3.0 2>/dev/null)
KMOD_NL_LIBS := $(shell $(PKG_CONFIG) --libs libnl-genl-3.0 2>/dev/null)

$(O)/obj/userspace/kmod/%.o: ALL_CFLAGS += $(KMOD_NL_CFLAGS)

LIBS += kmod
kmod_SRCS := userspace/kmod/kmod.c

PROGS += kmodctl
kmodctl_SRCS := userspace/kmod/kmodctl.c
kmodctl_LIBS := kmod schema util
kmodctl_LDLIBS := $(KMOD_NL_LIBS)
