# The event schema: generated tables (from kmod/uapi/*.tbl) and the
# lookups, record parser and parameter renderer behind schema.h.

SCHEMA_TBL := kmod/uapi/flags.tbl kmod/uapi/syscalls.tbl kmod/uapi/events.tbl
SCHEMA_GEN := $(O)/gen/falco_schema_gen.h $(O)/gen/falco_schema_kern.h \
	$(O)/gen/schema_tables_gen.c

GEN_HEADERS += $(SCHEMA_GEN)

# One run of the generator writes all three files; on failure none stays.
$(SCHEMA_GEN) &: $(addprefix $(SRC)/,$(SCHEMA_TBL)) $(SRC)/scripts/gen-schema.awk
	@mkdir -p $(O)/gen
	$(AWK) -v outdir=$(O)/gen -f $(SRC)/scripts/gen-schema.awk \
		$(addprefix $(SRC)/,$(SCHEMA_TBL)) || \
		{ rm -f $(SCHEMA_GEN); exit 1; }

LIBS += schema
schema_SRCS := userspace/schema/schema.c userspace/schema/render.c

# The generated tables are compiled from the build folder.
$(O)/obj/gen/schema_tables_gen.o: $(O)/gen/schema_tables_gen.c | $(GEN_HEADERS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(O)/lib/libschema.a: $(O)/obj/gen/schema_tables_gen.o
