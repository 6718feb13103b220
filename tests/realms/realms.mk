# realms.mk (tests/realms/): the realms of the manager's tests, built like
# those of realms/ (realm/realm.mk's REALM_WASM_CFLAGS and SDK):
# tests/realms/<name>/*.c -> build/realms-test/<name>.wasm.
#
#   make test-realms    every one of them
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
