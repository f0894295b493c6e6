# System state: threads, fds, users and groups, container ids.
LIBS += state
state_SRCS := userspace/state/state.c userspace/state/table.c \
	userspace/state/paths.c userspace/state/proc.c
