# Unit tests of the state (threads, fds, paths, container ids).
UNIT_TESTS += test_state
test_state_SRCS := tests/state/test_state.c tests/state/evbuild.c
test_state_LIBS := state scapfile schema util
test_state_LDLIBS := -lcmocka -lz
