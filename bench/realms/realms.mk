# realms.mk (bench/realms/): the realms and the gateway client of the
# realms section of the benchmarks (bench/sec_realms.py), included by the
# Makefile after realm/realm.mk.
#
#   make bench-realms   build/realms-bench/<name>.wasm for each folder of
#                       bench/realms/ (built like realms/, realm/realm.mk's
#                       REALM_WASM_CFLAGS and SDK), and build/bench/gwload
#
# The bench loads them into build/hosted/realms.elf with --no-builtin-realms
# --realm MODULE,MANIFEST.
BENCH_REALM_NAMES := $(notdir $(patsubst %/,%,$(wildcard bench/realms/*/)))
BENCH_REALMS := $(patsubst %,build/realms-bench/%.wasm,$(BENCH_REALM_NAMES))

define bench_realm_module
build/realms-bench/$(1).wasm: $(wildcard bench/realms/$(1)/*.c) $(REALM_SDK)
	@mkdir -p $$(dir $$@)
	@$$(if $$(Q),echo "  WASM $$@")
	$$(Q)$$(CC) $$(REALM_WASM_CFLAGS) -o $$@ \
	  $(wildcard bench/realms/$(1)/*.c) realm/sdk/realm.c
endef
$(foreach r,$(BENCH_REALM_NAMES),$(eval $(call bench_realm_module,$(r))))

# gwload: the gateway's load client, on the wire format of realm/wire.c
# (and the path check it uses), like realmctl.
GWLOAD_SRCS := bench/gwload.c realm/wire.c realm/identity.c lib/kstring.c \
  lib/sha256.c
build/bench/gwload: $(GWLOAD_SRCS) realm/wire.h realm/identity.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC  $@")
	$(Q)$(CC) $(HOST_TOOL_CFLAGS) -Irealm -Ilib -Ikernel/api -o $@ \
	  $(GWLOAD_SRCS)

.PHONY: bench-realms
bench-realms: $(BENCH_REALMS) build/bench/gwload
