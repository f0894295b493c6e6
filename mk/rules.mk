# SPDX-License-Identifier: Apache-2.0
#
# Templates used by the top-level Makefile.  A module.mk declares, for a
# library NAME:      LIBS += NAME;  NAME_SRCS := files.c
# for a program P:   PROGS += P (or UNIT_TESTS, BENCHES);  P_SRCS, P_LIBS
#                    (libraries, dependants first), P_LDLIBS (-l flags)
# for a fuzzer F:    FUZZERS += F;  F_SRCS, F_LIBS, F_LDLIBS (built with
#                    -fsanitize=fuzzer by `make fuzzers`)
# Generated headers go in GEN_HEADERS; every object waits for them.

# GEN_HEADERS is filled by the module.mk files, included after this file:
# expand it when the rule is used, not when it is read.
.SECONDEXPANSION:
$(O)/obj/%.o: $(SRC)/%.c | $$(GEN_HEADERS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

define lib_template
$(1)_OBJS := $$(patsubst %.c,$(O)/obj/%.o,$$($(1)_SRCS))
$(O)/lib/lib$(1).a: $$($(1)_OBJS)
	@mkdir -p $$(@D)
	rm -f $$@
	$(AR) rcs $$@ $$^
endef

define prog_template
$(O)/$(2)/$(1): $$(patsubst %.c,$(O)/obj/%.o,$$($(1)_SRCS)) \
		$$(foreach l,$$($(1)_LIBS),$(O)/lib/lib$$(l).a)
	@mkdir -p $$(@D)
	$(CC) $(ALL_LDFLAGS) -o $$@ $$^ $$($(1)_LDLIBS)
endef

define fuzz_template
$(O)/fuzz/$(1): $$(patsubst %.c,$(O)/obj/%.o,$$($(1)_SRCS)) \
		$$(foreach l,$$($(1)_LIBS),$(O)/lib/lib$$(l).a)
	@mkdir -p $$(@D)
	$(CC) $(ALL_LDFLAGS) -fsanitize=fuzzer,address,undefined -o $$@ $$^ \
		$$($(1)_LDLIBS)
endef
