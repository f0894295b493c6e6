# SPDX-License-Identifier: Apache-2.0
#
# Top-level build. It is non-recursive: every folder under userspace/ and
# tests/ describes itself in a module.mk that this file includes, using the
# templates of mk/rules.mk.
#
#   make            build all userspace programs into $(O)/bin
#   make check      build and run every test (plain build and ASan/UBSan)
#   make bench      run the benchmarks and print their figures
#   make kmod       build falco.ko against KDIR (default: running kernel)
#
# O selects the output folder; SAN=1 builds with ASan and UBSan.

.DEFAULT_GOAL := all
.SUFFIXES:
.DELETE_ON_ERROR:

SRC := $(CURDIR)
O ?= build
SAN ?= 0
CC ?= cc
AR ?= ar
AWK ?= awk
PKG_CONFIG ?= pkg-config

VERSION := $(shell cat $(SRC)/VERSION)

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wno-unused-parameter
CFLAGS ?= -O2 -g
ALL_CFLAGS := -std=gnu11 $(WARN) $(CFLAGS) -D_GNU_SOURCE -pthread \
	-DFALCO_VERSION='"$(VERSION)"' \
	-I$(SRC)/userspace -I$(SRC)/kmod/uapi -I$(O)/gen -MMD -MP
ALL_LDFLAGS := -pthread $(LDFLAGS)

ifeq ($(SAN),1)
ALL_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
ALL_LDFLAGS += -fsanitize=address,undefined
endif

# Lists filled in by the module.mk files.
LIBS :=
PROGS :=
UNIT_TESTS :=
FUZZERS :=
BENCHES :=
GEN_HEADERS :=

include $(SRC)/mk/rules.mk
include $(sort $(wildcard $(SRC)/userspace/*/module.mk))
include $(sort $(wildcard $(SRC)/tests/*/module.mk))

$(foreach l,$(LIBS),$(eval $(call lib_template,$(l))))
$(foreach p,$(PROGS),$(eval $(call prog_template,$(p),bin)))
$(foreach t,$(UNIT_TESTS),$(eval $(call prog_template,$(t),tests)))
$(foreach b,$(BENCHES),$(eval $(call prog_template,$(b),bench)))

all: $(addprefix $(O)/bin/,$(PROGS))

unit-tests: $(addprefix $(O)/tests/,$(UNIT_TESTS))

bench-progs: $(addprefix $(O)/bench/,$(BENCHES))

# `make check` builds the plain tree and a sanitizer tree, then hands every
# test to tests/run.sh, which prints the closing pass/fail count.
check:
	+$(MAKE) all unit-tests
	+$(MAKE) O=build/san SAN=1 all unit-tests
	+$(MAKE) fuzzers
	sh $(SRC)/tests/run.sh

bench:
	+$(MAKE) all bench-progs
	sh $(SRC)/tests/bench.sh

# Fuzzers need clang's libFuzzer; they build into their own folder.
FUZZ_CC ?= clang
fuzzers:
	+$(MAKE) O=build/fuzz CC=$(FUZZ_CC) FUZZ=1 \
		CFLAGS='-O1 -g -fsanitize=fuzzer-no-link,address,undefined' \
		fuzz-progs

fuzz-progs: $(addprefix $(O)/fuzz/,$(FUZZERS))
$(foreach f,$(FUZZERS),$(eval $(call fuzz_template,$(f))))

clean:
	rm -rf build

# The kernel module, built by Kbuild (see the top-level Kbuild file) in
# the source tree, as DKMS does; tests/vm/vm.sh builds it for its guests.
KDIR ?= /lib/modules/$(shell uname -r)/build
kmod:
	$(MAKE) -C $(KDIR) M=$(SRC) modules

kmod-clean:
	$(MAKE) -C $(KDIR) M=$(SRC) clean

.PHONY: all check bench clean kmod kmod-clean unit-tests bench-progs fuzzers fuzz-progs

-include $(shell find $(O)/obj -name '*.d' 2>/dev/null)

# Installation, used by the .deb and .rpm builds (DESTDIR stages it).
#   make install       programs, falco-driver-loader (and its manual),
#                      falco.yaml and the rules in /etc/falco, the
#                      systemd units
#   make install-dkms  the module sources DKMS builds falco.ko from, in
#                      /usr/src/falco-$(VERSION), with dkms.conf stamped
#                      with VERSION
PREFIX ?= /usr
BINDIR ?= $(PREFIX)/bin
SYSCONFDIR ?= /etc
UNITDIR ?= /lib/systemd/system
MANDIR ?= $(PREFIX)/share/man
DKMS_DIR = $(DESTDIR)$(PREFIX)/src/falco-$(VERSION)
DKMS_FILES := Kbuild VERSION scripts/gen-schema.awk \
	$(wildcard kmod/*.c kmod/*.h kmod/uapi/*.h kmod/uapi/*.tbl)

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SYSCONFDIR)/falco/rules.d \
		$(DESTDIR)$(UNITDIR)
	install -m 0755 $(addprefix $(O)/bin/,$(PROGS)) \
		$(SRC)/scripts/falco-driver-loader $(DESTDIR)$(BINDIR)/
	install -m 0644 $(SRC)/falco.yaml $(wildcard $(SRC)/rules/*.yaml) \
		$(DESTDIR)$(SYSCONFDIR)/falco/
	install -m 0644 $(wildcard $(SRC)/scripts/systemd/*.service) \
		$(DESTDIR)$(UNITDIR)/
	install -D -m 0644 $(SRC)/scripts/falco-driver-loader.8 \
		$(DESTDIR)$(MANDIR)/man8/falco-driver-loader.8

install-dkms:
	install -d $(DKMS_DIR)
	cd $(SRC) && for f in $(DKMS_FILES); do \
		install -D -m 0644 $$f $(DKMS_DIR)/$$f || exit 1; done
	sed 's/#MODULE_VERSION#/$(VERSION)/' $(SRC)/dkms.conf > $(DKMS_DIR)/dkms.conf

.PHONY: install install-dkms
