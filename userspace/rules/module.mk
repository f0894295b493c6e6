# Falco-format rules files: YAML reader, collector, compiler, reports and
# the compiled rule set with its per-event-type buckets.
LIBS += rules
rules_SRCS := $(wildcard userspace/rules/*.c)
