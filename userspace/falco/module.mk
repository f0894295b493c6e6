# The falco program: command line, one-shot commands (-V, -L, -l,
# --list, --version, --support, --list-events), event processing
# (run.c) and the services beside it (daemon.c: reload, signals,
# webserver, metrics; drops.c: the drop monitor).
PROGS += falco
falco_SRCS := $(wildcard userspace/falco/*.c)
falco_LIBS := engine container state outputs webserver metrics config \
	scapfile rules filter schema util
falco_LDLIBS := -lyaml -lpcre2-8 -ljson-c -lcurl -lz -lmicrohttpd
