# falco.yaml loading: libyaml tree with locations, config_files, -o.
LIBS += config
config_SRCS := $(wildcard userspace/config/*.c)
