# event-generator: performs the suspicious actions the default rules
# detect, and checks (test mode) that Falco's HTTP alerts arrive.  The
# actions, helpers and listener form a library so that tests and the
# alert-body fuzzer can link them.
LIBS += evgen
evgen_SRCS := userspace/evgen/actions.c userspace/evgen/alert.c \
	userspace/evgen/helpers.c userspace/evgen/listener.c

PROGS += event-generator
event-generator_SRCS := userspace/evgen/main.c
event-generator_LIBS := evgen state util
event-generator_LDLIBS := -lmicrohttpd -ljson-c
