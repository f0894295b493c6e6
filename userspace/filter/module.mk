# The condition language: parser, printer, field registry, compiler and
# evaluator, and the event-type analysis of conditions.
LIBS += filter
filter_SRCS := $(wildcard userspace/filter/*.c)
