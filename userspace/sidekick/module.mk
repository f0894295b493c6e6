# falcosidekick: the alert forwarder (library + daemon).
LIBS += sidekick
sidekick_SRCS := $(filter-out userspace/sidekick/main.c, \
	$(wildcard userspace/sidekick/*.c))
PROGS += falcosidekick
falcosidekick_SRCS := userspace/sidekick/main.c
falcosidekick_LIBS := sidekick util
falcosidekick_LDLIBS := -lmicrohttpd -lcurl -ljson-c -lyaml
