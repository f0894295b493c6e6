# Unit tests of the capture layer that need no driver: configuration,
# interest mask, replay, recording.  The live tests are in tests/live.
UNIT_TESTS += test_capture
test_capture_SRCS := tests/capture/test_capture.c
test_capture_LIBS := capture bpfdrv kmod state rules filter config \
	scapfile schema util
test_capture_LDLIBS = -lcmocka -lyaml -lpcre2-8 -ljson-c -lz $(CAPTURE_LDLIBS)
