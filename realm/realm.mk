# realm.mk: what is built from realm/ besides the engine (wasm.mk), included
# by the Makefile after wasm.mk.
#
#   make build/fuzz/fuzz_gateway   the libFuzzer harness of the gateway's
#                                  wire format (tests/fuzz/fuzz_gateway.c)

# ---- fuzz_gateway: the generic rule in tests.mk links the kernel; this
# one links realm/wire.c and what it uses (the path check, lib/).
GATEWAY_FUZZ_SRCS := realm/wire.c realm/identity.c
build/fuzz/fuzz_gateway: tests/fuzz/fuzz_gateway.c $(GATEWAY_FUZZ_SRCS) \
                         $(wildcard realm/*.h) \
                         $(filter build/fuzz/obj/lib/%,$(FUZZ_OBJS))
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC  $@")
	$(Q)$(CC) $(FUZZ_CFLAGS) -Irealm -o $@ $< $(GATEWAY_FUZZ_SRCS) \
	  $(filter build/fuzz/obj/lib/%,$(FUZZ_OBJS))

# ---- realms: realms/<name>/*.c -> build/realms/<name>.wasm ---------------
#
#   make realms [REALMS="bank echo"]   build each realm, print each module's
#                                      size, memory, imports and exports,
#                                      and check them against the ABI
#
# REALMS are folders under realms/, each with C files and a `manifest`.
# Each is compiled with realm/sdk/realm.c (the inbox, memcpy and the like)
# by stock clang as one WebAssembly module: no libc, no entry point; the
# exports are the functions marked REALM_EXPORT (export_name) and the
# memory. The stack is 16 KiB, so that a small realm fits in one 64 KiB
# page (its data, then the stack). Modules are the same whatever PLATFORM.
# $(BUILD)/realm_images.c holds every module's bytes and manifest text
# (realm/api/images.h), written by realm/images.sh (od) so that a build
# needs no python; $(REALM_IMAGES_OBJ) is it compiled for the platform. Both are
# rebuilt when REALMS changes ($(BUILD)/realms.list holds the list).
# REALMS (the Makefile's default: bank faucet echo spinner)
REALM_SDK := realm/sdk/realm.c realm/sdk/realm.h
REALM_WASM_CFLAGS := --target=wasm32 -nostdlib -ffreestanding -O2 $(WARN) \
  -Irealm/sdk -Wl,--no-entry -Wl,-z,stack-size=16384
REALM_MODULES := $(patsubst %,build/realms/%.wasm,$(REALMS))
REALM_CHECK := build/tools/realm_check
REALM_IMAGES_OBJ := $(BUILD)/realm_images.o

# A realm's folder name becomes a C name in realm_images.c.
$(foreach r,$(REALMS),$(if $(wildcard realms/$(r)/manifest),,\
  $(error REALMS: realms/$(r)/manifest does not exist)))
$(foreach r,$(REALMS),$(if $(shell echo '$(r)' | grep -x '[a-z0-9_]*'),,\
  $(error REALMS: '$(r)' is not a folder name of [a-z0-9_])))

# build/realms/<name>.wasm from the folder's C files and the SDK.
define realm_module
build/realms/$(1).wasm: $(wildcard realms/$(1)/*.c realms/$(1)/*.h) \
                        $(REALM_SDK)
	@mkdir -p $$(dir $$@)
	@$$(if $$(Q),echo "  WASM $$@")
	$$(Q)$$(CC) $$(REALM_WASM_CFLAGS) -o $$@ \
	  $(wildcard realms/$(1)/*.c) realm/sdk/realm.c
endef
$(foreach r,$(REALMS),$(eval $(call realm_module,$(r))))

$(REALM_CHECK): tools/realm_check.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC  $@")
	$(Q)$(CC) $(HOST_TOOL_CFLAGS) -o $@ $<

realms: $(REALM_MODULES) $(REALM_CHECK)
	@$(if $(REALM_MODULES),$(REALM_CHECK) $(REALM_MODULES),echo "REALMS is empty")

# The list as it was last built; its date changes only when REALMS does.
# The unit tests (test_realm_modules) have a table of their own.
REALM_IMAGE_DIRS := $(BUILD) build/unit
$(addsuffix /realms.list,$(REALM_IMAGE_DIRS)): FORCE
	@mkdir -p $(dir $@)
	@echo '$(REALMS)' | cmp -s - $@ || echo '$(REALMS)' > $@

$(addsuffix /realm_images.c,$(REALM_IMAGE_DIRS)): %/realm_images.c: \
    %/realms.list $(REALM_MODULES) $(patsubst %,realms/%/manifest,$(REALMS)) \
    realm/images.sh
	@$(if $(Q),echo "  GEN $@")
	$(Q)realm/images.sh $@ $(REALMS)

$(REALM_IMAGES_OBJ): $(BUILD)/realm_images.c realm/api/images.h
	@$(if $(Q),echo "  CC  $@")
	$(Q)$(CC) $(KERNEL_CFLAGS) -Irealm/api -c $< -o $@

.PHONY: realms FORCE
FORCE:

# ---- realmctl: the gateway's client, a host tool --------------------------
#
#   make realmctl                  build/tools/realmctl (also built by `make
#                                  run`)
REALMCTL := build/tools/realmctl
REALMCTL_SRCS := tools/realmctl.c realm/wire.c realm/identity.c \
  lib/kstring.c lib/sha256.c
$(REALMCTL): $(REALMCTL_SRCS) realm/wire.h realm/identity.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC  $@")
	$(Q)$(CC) $(HOST_TOOL_CFLAGS) -Irealm -Ilib -Ikernel/api -o $@ \
	  $(REALMCTL_SRCS)
realmctl: $(REALMCTL)
run: $(REALMCTL)
.PHONY: realmctl

# ---- test_realm_modules: the built realms on the engine -------------------
# It links the engine, the manifest parser and build/unit/realm_images.c
# (so it is rebuilt with the modules); tests.mk's rule for the other
# test_realm_* leaves it to this one.
REALM_MODULES_TEST_SRCS := build/unit/realm_images.c realm/manifest.c \
  realm/identity.c $(WASM_SRCS)
build/unit/test_realm_modules: tests/unit/test_realm_modules.c \
    $(REALM_MODULES_TEST_SRCS) $(WASM_HDRS) $(wildcard realm/*.h) \
    $(filter build/unit/obj/lib/%,$(UNIT_OBJS))
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC  $@")
	$(Q)$(CC) $(UNIT_CFLAGS) $(WASM_CFLAGS) -Irealm -Irealm/api -o $@ $< \
	  $(REALM_MODULES_TEST_SRCS) $(filter build/unit/obj/lib/%,$(UNIT_OBJS)) \
	  -lcmocka
