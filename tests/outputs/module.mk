UNIT_TESTS += test_alert_render test_outputs
test_alert_render_SRCS := tests/outputs/test_alert_render.c \
	tests/lib/testjson.c
test_alert_render_LIBS := outputs metrics config util
test_alert_render_LDLIBS := -lcmocka -ljson-c -lcurl -lyaml

test_outputs_SRCS := tests/outputs/test_outputs.c tests/outputs/httprecv.c \
	tests/lib/testutil.c
test_outputs_LIBS := outputs metrics config util
test_outputs_LDLIBS := -lcmocka -ljson-c -lcurl -lmicrohttpd -lgnutls -lyaml

# outputs_driver is not a cmocka program: it lives in $(O)/testbin for
# the t_*.sh scripts and is built along with the unit tests.
outputs_driver_SRCS := tests/outputs/outputs_driver.c
outputs_driver_LIBS := outputs metrics config util
outputs_driver_LDLIBS := -lcurl -lyaml
$(eval $(call prog_template,outputs_driver,testbin))
unit-tests: $(O)/testbin/outputs_driver

FUZZERS += fuzz_alert_render
fuzz_alert_render_SRCS := tests/outputs/fuzz_alert_render.c
fuzz_alert_render_LIBS := outputs util
fuzz_alert_render_LDLIBS := -ljson-c

BENCHES += bench_outputs
bench_outputs_SRCS := tests/outputs/bench_outputs.c
bench_outputs_LIBS := outputs metrics config util
bench_outputs_LDLIBS := -lcurl -lyaml
