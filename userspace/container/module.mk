# Container and Kubernetes metadata from the runtime's API socket.
LIBS += container
container_SRCS := userspace/container/meta.c userspace/container/inspect.c \
	userspace/container/http.c userspace/container/disk.c
