# The falco program: command line, one-shot commands (-V, -L, -l,
# --list) and event processing (run.c).
PROGS += falco
falco_SRCS := $(wildcard userspace/falco/*.c)
falco_LIBS := engine state outputs metrics config scapfile rules filter \
	schema util
falco_LDLIBS := -lyaml -lpcre2-8 -ljson-c -lcurl -lz
