UNIT_TESTS += test_alert_render test_outputs
test_alert_render_SRCS := tests/outputs/test_alert_render.c
test_alert_render_LIBS := outputs metrics config util
test_alert_render_LDLIBS := -lcmocka -ljson-c -lcurl -lyaml

test_outputs_SRCS := tests/outputs/test_outputs.c tests/outputs/httprecv.c
test_outputs_LIBS := outputs metrics config util
test_outputs_LDLIBS := -lcmocka -ljson-c -lcurl -lmicrohttpd -lyaml
