# The falco program: command line, one-shot commands (-V, -L, -l,
# --list, --version, --support, --list-events), event processing
# (run.c, source.c) and the services beside it (daemon.c: start, stop,
# the per-event tick; reload.c: hot reload, signals; daemon_metrics.c:
# metrics and snapshot; drops.c: the drop monitor).
PROGS += falco
falco_SRCS := $(wildcard userspace/falco/*.c)
falco_LIBS := capture bpfdrv kmod engine container state outputs webserver \
	metrics config scapfile rules filter schema util
falco_LDLIBS = -lyaml -lpcre2-8 -ljson-c -lcurl -lz -lmicrohttpd \
	$(CAPTURE_LDLIBS)
