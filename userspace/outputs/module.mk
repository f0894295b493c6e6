# Alerts, their rendering, and the output channels behind a queue.
# Links with: outputs metrics config util, -lcurl.
LIBS += outputs
outputs_SRCS := $(wildcard userspace/outputs/*.c)
