# falcosidekick: the alert forwarder (library + daemon) and its web UI,
# whose assets are compiled in (webui/*.html, *.js, *.css).
LIBS += sidekick
sidekick_SRCS := $(filter-out userspace/sidekick/main.c, \
	$(wildcard userspace/sidekick/*.c))
PROGS += falcosidekick
falcosidekick_SRCS := userspace/sidekick/main.c
falcosidekick_LIBS := sidekick config util
falcosidekick_LDLIBS := -lmicrohttpd -lcurl -ljson-c -lyaml -lsqlite3

SK_WEBUI_ASSETS := $(sort $(wildcard $(SRC)/userspace/sidekick/webui/*.html \
	$(SRC)/userspace/sidekick/webui/*.js \
	$(SRC)/userspace/sidekick/webui/*.css))
GEN_HEADERS += $(O)/gen/sidekick/webui_assets.h
$(O)/gen/sidekick/webui_assets.h: $(SRC)/userspace/sidekick/webui/embed.awk \
		$(SK_WEBUI_ASSETS)
	@mkdir -p $(@D)
	$(AWK) -f $< $(SK_WEBUI_ASSETS) >$@.tmp && mv $@.tmp $@
