# event-generator: performs the suspicious actions the default rules
# detect, and checks (test mode) that Falco's HTTP alerts arrive.
PROGS += event-generator
event-generator_SRCS := $(wildcard userspace/evgen/*.c)
event-generator_LIBS := util
event-generator_LDLIBS := -lmicrohttpd -ljson-c
