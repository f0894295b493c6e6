UNIT_TESTS += test_webserver
test_webserver_SRCS := tests/webserver/test_webserver.c
test_webserver_LIBS := webserver outputs metrics config util
test_webserver_LDLIBS := -lcmocka -ljson-c -lcurl -lmicrohttpd -lyaml
