# The metrics registry (used by every module that publishes counters) and
# the embedded HTTP server (/healthz, /versions, /metrics).
LIBS += metrics webserver
metrics_SRCS := userspace/webserver/metrics.c
webserver_SRCS := userspace/webserver/webserver.c
