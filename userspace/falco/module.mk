# The falco program: command line and one-shot commands (-V, -L, -l,
# --list).  Event processing is added by the daemon work.
PROGS += falco
falco_SRCS := $(wildcard userspace/falco/*.c)
falco_LIBS := rules filter schema util
falco_LDLIBS := -lyaml -lpcre2-8 -ljson-c
