# Detection engine: field extractors over the state, output formats,
# the per-event rule loop.
LIBS += engine
engine_SRCS := userspace/engine/engine.c userspace/engine/extract.c \
	userspace/engine/format.c userspace/engine/resolve.c
