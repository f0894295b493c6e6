# Common helpers: logging, allocation, string buffers.
LIBS += util
util_SRCS := $(wildcard userspace/util/*.c)
