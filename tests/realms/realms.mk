# realms.mk (tests/realms/): the realms of the manager's tests, built like
# those of realms/ (realm/realm.mk's REALM_WASM_CFLAGS and SDK):
# tests/realms/<name>/*.c -> build/realms-test/<name>.wasm.
#
#   make test-realms            every one of them
#   make build/unit/test_realm_manager
#                               the manager's unit test, on the fake kernel
#                               with the kit
#   make build/fuzz/fuzz_realm  the libFuzzer harness of a realm's module
#                               as the manager runs it (its seeds are these
#                               and the demo's modules)
#
# kit is loaded several times under manifests the tests write;
# hostile_* try to break out or starve the others (test_realm_hostile.py).
TEST_REALM_NAMES := $(notdir $(patsubst %/,%,$(wildcard tests/realms/*/)))
TEST_REALMS := $(patsubst %,build/realms-test/%.wasm,$(TEST_REALM_NAMES))

define test_realm_module
build/realms-test/$(1).wasm: $(wildcard tests/realms/$(1)/*.c) $(REALM_SDK)
	@mkdir -p $$(dir $$@)
	@$$(if $$(Q),echo "  WASM $$@")
	$$(Q)$$(CC) $$(REALM_WASM_CFLAGS) -o $$@ \
	  $(wildcard tests/realms/$(1)/*.c) realm/sdk/realm.c
endef
$(foreach r,$(TEST_REALM_NAMES),$(eval $(call test_realm_module,$(r))))

.PHONY: test-realms
test-realms: $(TEST_REALMS)

# fuzz_realm links the manager and the engine besides the kernel; the
# modules are its seeds (tests/fuzz/seeds.py).
REALM_MANAGER_SRCS := $(wildcard realm/*.c)
build/fuzz/fuzz_realm: tests/fuzz/fuzz_realm.c $(FUZZ_OBJS) $(UNIT_SUPPORT) \
                       $(REALM_MANAGER_SRCS) $(WASM_SRCS) \
                       $(wildcard realm/*.h realm/api/*.h realm/wasm/*.h) \
                       $(REALM_MODULES) $(TEST_REALMS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC  $@")
	$(Q)$(CC) $(FUZZ_CFLAGS) $(WASM_CFLAGS) -Irealm -Irealm/api -o $@ $< \
	  $(REALM_MANAGER_SRCS) $(WASM_SRCS) $(FUZZ_OBJS) $(UNIT_SUPPORT)

# test_realm_manager: the manager and the engine on the unit tests' fake
# kernel; it reads build/realms-test/kit.wasm when it runs.
build/unit/test_realm_manager: tests/unit/test_realm_manager.c $(UNIT_OBJS) \
                               $(UNIT_SUPPORT) $(REALM_MANAGER_SRCS) \
                               $(WASM_SRCS) \
                               $(wildcard realm/*.h realm/api/*.h realm/wasm/*.h) \
                               build/realms-test/kit.wasm
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC  $@")
	$(Q)$(CC) $(UNIT_CFLAGS) $(WASM_CFLAGS) -Irealm -Irealm/api -o $@ $< \
	  $(REALM_MANAGER_SRCS) $(WASM_SRCS) $(UNIT_OBJS) $(UNIT_SUPPORT) -lcmocka
