# tests.mk: the test suites. Each suite writes "PASSED FAILED SKIPPED" to
# build/results/<suite>; `make test` runs them all and prints the sum as its
# last line, "N passed, M failed".

RESULTS := build/results

# ---- unit: cmocka, on the host, under ASan and UBSan ----------------------
UNIT_CFLAGS := -std=c11 $(WARN) -g -O1 -D_GNU_SOURCE \
  -fsanitize=address,undefined -fno-sanitize-recover=all \
  -fno-omit-frame-pointer -Itests/unit -Itests/unit/support \
  -Ikernel -Ikernel/dev -Ikernel/api -Ilib -Inet -Inet/api \
  -Idrivers -Idrivers/virtio -Idrivers/virtio/api -Iplatform/hosted \
  -DKCONFIG_MAX_TIMERS=1048576
UNIT_TESTS := $(patsubst tests/unit/%.c,build/unit/%,$(wildcard tests/unit/test_*.c))
# wasm_writer.c is the WebAssembly tests' (below), not the kernel's.
WASM_WRITER := tests/unit/support/wasm_writer.c
UNIT_SUPPORT := $(filter-out $(WASM_WRITER),$(wildcard tests/unit/support/*.c))
# Headers a test or a harness may include (tests may use anything).
TEST_HDRS := $(wildcard tests/unit/*.h tests/unit/support/*.h kernel/*.h \
  kernel/api/*.h kernel/dev/*.h lib/*.h net/*.h net/api/*.h)

# The portable code and the hosted command line (options.c), compiled once
# for every test: each file with the include paths of its layer (the
# Makefile's layer_paths; options.c a platform's), the test flags without
# theirs, and the fake platform's platform_impl.h (tests/unit/). A test
# that #includes a module's .c (test_net_virtio.c, test_virtqueue.c,
# test_pci.c, test_acpi.c) compiles it with the test's own paths.
TESTED_SRCS := $(PORTABLE_SRCS) platform/hosted/options.c
UNIT_OBJS := $(patsubst %.c,build/unit/obj/%.o,$(TESTED_SRCS))
$(eval $(call layer_paths,build/unit/obj))
build/unit/obj/%.o: PLATFORM_IMPL_INC := -Itests/unit
build/unit/obj/platform/hosted/%.o: LAYER_INC = $(call platform_inc,hosted)
build/unit/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC  $@")
	$(Q)$(CC) $(filter-out -I%,$(UNIT_CFLAGS)) -MMD -MP $(LAYER_INC) -c $< -o $@

# Each test links the portable code, the fake platform and the module under
# test; objects are few, so every test simply gets all of them.
build/unit/%: tests/unit/%.c $(UNIT_OBJS) $(UNIT_SUPPORT) $(TEST_HDRS) \
              $(wildcard platform/common/*.[ch] platform/common/*/*.[ch] drivers/*.h drivers/virtio/*.[ch] drivers/virtio/api/*.h)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC  $@")
	$(Q)$(CC) $(UNIT_CFLAGS) -o $@ $< $(UNIT_OBJS) $(UNIT_SUPPORT) -lcmocka

# The WebAssembly engine's own unit tests link the engine, not the kernel,
# and the module writer.
WASM_TEST_DEPS := $(wildcard realm/wasm/*.[ch]) $(WASM_WRITER) \
                  tests/unit/support/wasm_writer.h
$(filter-out build/unit/test_wasm_load,$(filter build/unit/test_wasm%,$(UNIT_TESTS))): build/unit/%: tests/unit/%.c $(WASM_TEST_DEPS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC  $@")
	$(Q)$(CC) $(UNIT_CFLAGS) -fno-math-errno -Irealm/wasm -o $@ $< \
	  $(wildcard realm/wasm/*.c) $(WASM_WRITER) -lcmocka

# Load time: the engine built to count the compiler's work (compile.h).
build/unit/test_wasm_load: tests/unit/test_wasm_load.c $(WASM_TEST_DEPS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC  $@")
	$(Q)$(CC) $(UNIT_CFLAGS) -fno-math-errno -DWASM_COUNT_WORK -Irealm/wasm -o $@ $< \
	  $(wildcard realm/wasm/*.c) $(WASM_WRITER) -lcmocka

# The tests of realm/'s pure parts (test_realm_*: identity, manifest,
# wire) link those; they use lib/ and the kernel's API. The manager itself
# (the rest of realm/, on the engine) is tested on a kernel:
# tests/system/test_realm_*.py, fuzz_realm.
REALM_PURE_SRCS := realm/identity.c realm/manifest.c realm/wire.c
$(filter-out build/unit/test_realm_modules,$(filter build/unit/test_realm%,$(UNIT_TESTS))): build/unit/%: tests/unit/%.c $(UNIT_OBJS) $(UNIT_SUPPORT) $(TEST_HDRS) \
              $(REALM_PURE_SRCS) $(wildcard realm/*.h)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC  $@")
	$(Q)$(CC) $(UNIT_CFLAGS) -Irealm -o $@ $< $(REALM_PURE_SRCS) $(UNIT_OBJS) $(UNIT_SUPPORT) -lcmocka

test-unit: deps $(UNIT_TESTS)
	@mkdir -p $(RESULTS)
	@tests/unit/run.sh $(RESULTS)/unit $(UNIT_TESTS)

# ---- fuzz: libFuzzer harnesses, each run for FUZZ_SECONDS ---------------
FUZZ_SECONDS ?= 30
comma := ,
# The unit tests' 2^20-entry timer heap makes each fresh kernel cost ~65 ms
# to set up; the harnesses keep the default bound.
FUZZ_CFLAGS := $(filter-out -fsanitize=address$(comma)undefined -DKCONFIG_MAX_TIMERS=%,$(UNIT_CFLAGS)) \
  -fsanitize=fuzzer,address,undefined
FUZZERS := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))

# The portable code as for the unit tests, with the harnesses' flags.
FUZZ_OBJS := $(patsubst %.c,build/fuzz/obj/%.o,$(TESTED_SRCS))
$(eval $(call layer_paths,build/fuzz/obj))
build/fuzz/obj/%.o: PLATFORM_IMPL_INC := -Itests/unit
build/fuzz/obj/platform/hosted/%.o: LAYER_INC = $(call platform_inc,hosted)
build/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC  $@")
	$(Q)$(CC) $(filter-out -I%,$(FUZZ_CFLAGS)) -MMD -MP $(LAYER_INC) -c $< -o $@

build/fuzz/%: tests/fuzz/%.c $(FUZZ_OBJS) $(UNIT_SUPPORT) $(TEST_HDRS) \
              $(wildcard platform/common/*.[ch] platform/common/*/*.[ch] drivers/*.h drivers/virtio/*.[ch] drivers/virtio/api/*.h)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC  $@")
	$(Q)$(CC) $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_OBJS) $(UNIT_SUPPORT)

# `make fuzz` runs each harness for FUZZ_SECONDS; `make test` runs them for
# FUZZ_TEST_SECONDS as its fifth suite, the last. A finding leaves its input
# in build/fuzz/<harness>-crash-<sha1> (or leak-, timeout-, oom-) and run.sh
# prints the command that replays it.
FUZZ_TEST_SECONDS ?= 10
fuzz: deps $(FUZZERS)
	@mkdir -p build/fuzz
	@tests/fuzz/run.sh build/fuzz/results $(FUZZ_SECONDS) $(FUZZERS)

test-fuzz: deps $(FUZZERS)
	@mkdir -p $(RESULTS)
	@tests/fuzz/run.sh $(RESULTS)/fuzz $(FUZZ_TEST_SECONDS) $(FUZZERS)

# ---- system: pytest, against real builds ----------------------------------
test-system: deps
	@$(MAKE) --no-print-directory PLATFORM=hosted SANITIZE=1 all test-programs
	@$(MAKE) --no-print-directory realmctl test-realms
	@for p in $(BUILT_PLATFORMS); do \
	  $(MAKE) --no-print-directory PLATFORM=$$p all test-programs || exit 1; \
	done
	@mkdir -p $(RESULTS)
	@REALMOS_RESULTS=$(RESULTS)/system $(PYTHON) -m pytest -q -rs -p no:cacheprovider tests/system

# ---- wasm: the WebAssembly core spec tests against realm/wasm ----------
# build/wasm-spec/runner: tests/wasm-spec/ and the engine, hosted, under ASan
# and UBSan (UBSan goes on after a report; run.sh counts each as a failure).
# WASM_SPEC is the data folder (its README.md tells the format); without it
# the suite is one skip. WASM_SPEC_ARGS go to the runner, e.g. "-v i32 f32".
WASM_SPEC ?= ../shared/wasm-spec
WASM_SPEC_ARGS ?=
WASM_SPEC_CFLAGS := -std=c11 $(WARN) -g -O1 -fno-math-errno \
  -fsanitize=address,undefined -fno-omit-frame-pointer \
  -Itests/wasm-spec -Irealm/wasm

build/wasm-spec/runner: $(wildcard tests/wasm-spec/*.[ch]) $(wildcard realm/wasm/*.[ch])
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC  $@")
	$(Q)$(CC) $(WASM_SPEC_CFLAGS) -o $@ $(wildcard tests/wasm-spec/*.c) $(wildcard realm/wasm/*.c)

# The same runner built for i386 (static, no sanitizers: they do not run
# under qemu-user) and run under qemu-i386: the engine's 32-bit code paths
# (two cells per 64-bit immediate, 32-bit pointers) against every test.
WASM_SPEC_I386_CFLAGS := -std=c11 $(WARN) -g -O1 -m32 -static -msse2 -mfpmath=sse \
  -D_FILE_OFFSET_BITS=64 -fno-math-errno -Itests/wasm-spec -Irealm/wasm
build/wasm-spec/runner-i386: $(wildcard tests/wasm-spec/*.[ch]) $(wildcard realm/wasm/*.[ch])
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC  $@")
	$(Q)$(CC) $(WASM_SPEC_I386_CFLAGS) -o $@ $(wildcard tests/wasm-spec/*.c) $(wildcard realm/wasm/*.c)

test-wasm: deps
	@mkdir -p $(RESULTS)
	@if [ -d "$(WASM_SPEC)" ]; then \
	  $(MAKE) --no-print-directory build/wasm-spec/runner build/wasm-spec/runner-i386 || exit 1; \
	fi; \
	rc=0; \
	tests/wasm-spec/run.sh $(RESULTS)/wasm build/wasm-spec/runner "$(WASM_SPEC)" \
	  $(WASM_SPEC_ARGS) || rc=1; \
	echo "wasm-journal: the same tests with a journal on every instance, each action run and rolled back (the state checked), then run and committed (only files with failures are listed):"; \
	tests/wasm-spec/run.sh $(RESULTS)/wasm-journal build/wasm-spec/runner \
	  "$(WASM_SPEC)" -q -j $(WASM_SPEC_ARGS) || rc=1; \
	echo "wasm-i386: the same tests, runner and engine built for i386, under qemu-i386 (only files with failures are listed):"; \
	WASM_RUN_PREFIX=qemu-i386-static tests/wasm-spec/run.sh $(RESULTS)/wasm-i386 \
	  build/wasm-spec/runner-i386 "$(WASM_SPEC)" -q $(WASM_SPEC_ARGS) || rc=1; \
	exit $$rc

# ---- everything ------------------------------------------------------------
test: deps
	@rm -rf $(RESULTS)
	-@$(MAKE) --no-print-directory test-unit
	-@$(MAKE) --no-print-directory test-wasm
	-@$(MAKE) --no-print-directory test-sim
	-@$(MAKE) --no-print-directory test-system
	-@$(MAKE) --no-print-directory test-fuzz
	@scripts/summary.sh $(RESULTS)

.PHONY: test test-unit test-wasm test-system test-fuzz fuzz

# ---- the simulator (platform/sim) and the soak test -----------------------
include platform/sim/sim.mk
include tests/soak/soak.mk
