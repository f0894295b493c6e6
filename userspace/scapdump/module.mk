# scapdump: print the events, event counts or metadata of a capture.
PROGS += scapdump
scapdump_SRCS := userspace/scapdump/scapdump.c
scapdump_LIBS := scapfile schema util
scapdump_LDLIBS := -lz
