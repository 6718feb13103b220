# wasm.mk: building the WebAssembly engine (realm/wasm/), included by the
# Makefile after tests/tests.mk. docs/wasm.md has the details.
#
#   make wasm-lib [PLATFORM=p]   build/<p>/libwasm.a: the engine, compiled as
#                                the kernel is (KERNEL_CFLAGS, -O2)
#   make wasm-lib-all            that for every platform; prints each
#                                archive's text and data and the symbols it
#                                needs from outside itself
#   make bench-wasm              build/bench-wasm/: bench/wasm/cpubench.c
#                                natively and as Wasm in the engine, timed
#   make bench-fuel              bench/wasm/fuelcost.c: the time of one fuel
#                                unit for each kind of work
#   make bench-undo              bench/wasm/undo.c: the journal's cost on
#                                cpubench and a write-heavy module
#   make build/fuzz/fuzz_wasm    the libFuzzer harness tests/fuzz/fuzz_wasm.c
# tests/programs/wasm_hello.c is the one test program linked with the engine
# (a rule below); tests/system/test_wasm_hello.py runs it on every platform.

WASM_SRCS := $(wildcard realm/wasm/*.c)
WASM_HDRS := $(wildcard realm/wasm/*.h)
WASM_OBJS = $(call obj,$(WASM_SRCS))
WASM_AR := $(firstword $(shell command -v llvm-ar llvm-ar-14 ar 2>/dev/null))
WASM_NM := $(firstword $(shell command -v llvm-nm llvm-nm-14 nm 2>/dev/null))
WASM_SIZE := $(firstword \
  $(shell command -v llvm-size llvm-size-14 size 2>/dev/null))
# f32.sqrt and f64.sqrt are __builtin_sqrt[f]: a call to libm's sqrt unless
# errno need not be set, then the instruction (every target has one).
WASM_CFLAGS := -Irealm/wasm -fno-math-errno

.PHONY: wasm-lib wasm-lib-all bench-wasm bench-fuel bench-undo

# The engine's own headers are only seen with -Irealm/wasm. OPT is -O2 on
# every platform (platform.mk or common.mk).
$(BUILD)/realm/wasm/%.o: realm/wasm/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC  $@")
	$(Q)$(CC) $(KERNEL_CFLAGS) $(WASM_CFLAGS) -c $< -o $@

wasm-lib: $(BUILD)/libwasm.a
$(BUILD)/libwasm.a: $(WASM_OBJS)
	@$(if $(Q),echo "  AR  $@")
	$(Q)rm -f $@ && $(WASM_AR) rcs $@ $^

# Per platform: text and data of the whole archive (llvm-size -t, its
# TOTALS line), then what the archive leaves undefined: the kernel's
# memcpy/memset/memcmp (platform/common/mem.c) and, on 32-bit targets,
# the compiler's runtime helpers (platform/common/divide64.c, ...).
wasm-lib-all:
	@for p in $(PLATFORMS); do \
	  [ -f platform/$$p/platform.mk ] || continue; \
	  $(MAKE) --no-print-directory PLATFORM=$$p wasm-lib || exit 1; \
	done
	@for p in $(PLATFORMS); do \
	  a=build/$$p/libwasm.a; [ -f $$a ] || continue; \
	  $(WASM_SIZE) -t $$a | awk -v p=$$p 'END {printf \
	    "%-7s libwasm.a text %7d, data %5d, bss %5d\n", \
	    p, $$1, $$2, $$3}'; \
	  $(WASM_NM) -u -j $$a | sort -u > build/$$p/libwasm.undef; \
	  $(WASM_NM) --defined-only -j $$a | sort -u > build/$$p/libwasm.def; \
	  echo "        needs: $$(comm -23 build/$$p/libwasm.undef \
	    build/$$p/libwasm.def | tr '\n' ' ')"; \
	done

# The test program that runs a module on the kernel: the core, the program
# and the engine, all as objects, so that the link fails on any symbol the
# engine needs and the platform does not have.
$(BUILD)/tests/programs/wasm_hello.o: KERNEL_CFLAGS += -Irealm/wasm
$(BUILD)/wasm_hello.elf: $(CORE_OBJS) $(BUILD)/tests/programs/wasm_hello.o \
                         $(WASM_OBJS) $(LINKER_SCRIPT)
	@$(if $(Q),echo "  LD  $@")
	$(Q)$(call link,$@,$(filter %.o,$^))

# ---- bench-wasm: on the host, no sanitizers, -O2 -DNDEBUG ----------------
BENCH_WASM := build/bench-wasm
BENCH_WASM_CFLAGS := -std=c11 $(WARN) -O2 -DNDEBUG -MMD -MP
BENCH_WASM_OBJS := $(patsubst realm/wasm/%.c,$(BENCH_WASM)/realm/wasm/%.o,\
                              $(WASM_SRCS))
# cpubench.c as a Wasm module: no libc, no entry point, "run" exported.
WASM_TARGET_CFLAGS := --target=wasm32 -nostdlib -O2 $(WARN) \
                      -Wl,--no-entry -Wl,--export=run

$(BENCH_WASM)/realm/wasm/%.o: realm/wasm/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC  $@")
	$(Q)$(CC) $(BENCH_WASM_CFLAGS) -ffreestanding $(WASM_CFLAGS) -c $< -o $@
$(BENCH_WASM)/%.o: bench/wasm/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC  $@")
	$(Q)$(CC) $(BENCH_WASM_CFLAGS) -D_GNU_SOURCE -Irealm/wasm \
	  -Itests/unit/support -c $< -o $@
# fuelcost writes its module with the tests' writer.
$(BENCH_WASM)/wasm_writer.o: tests/unit/support/wasm_writer.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC  $@")
	$(Q)$(CC) $(BENCH_WASM_CFLAGS) -c $< -o $@
$(BENCH_WASM)/host: $(BENCH_WASM)/host.o $(BENCH_WASM)/cpubench.o \
                    $(BENCH_WASM_OBJS)
	@$(if $(Q),echo "  LD  $@")
	$(Q)$(CC) -o $@ $^
$(BENCH_WASM)/cpubench.wasm: bench/wasm/cpubench.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  WASM $@")
	$(Q)$(CC) $(WASM_TARGET_CFLAGS) -o $@ $<

# BENCH_WASM_ITERATIONS: run(N)'s N; 300 takes about 0.6 s natively.
BENCH_WASM_ITERATIONS ?= 300
bench-wasm:
	@scripts/deps.sh test
	@$(MAKE) --no-print-directory $(BENCH_WASM)/host $(BENCH_WASM)/cpubench.wasm
	@$(BENCH_WASM)/host $(BENCH_WASM)/cpubench.wasm $(BENCH_WASM_ITERATIONS)

$(BENCH_WASM)/fuelcost: $(BENCH_WASM)/fuelcost.o $(BENCH_WASM)/wasm_writer.o \
                        $(BENCH_WASM_OBJS)
	@$(if $(Q),echo "  LD  $@")
	$(Q)$(CC) -o $@ $^
bench-fuel: $(BENCH_WASM)/fuelcost
	@$(BENCH_WASM)/fuelcost

# bench-undo: the journal off and on, on cpubench.wasm and writebench.wasm
# (bench/wasm/writebench.c: stores and a copy loop over 256 KiB arrays;
# -fno-builtin so that its copy loop stays stores).
BENCH_UNDO_ITERATIONS ?= 100
$(BENCH_WASM)/undo: $(BENCH_WASM)/undo.o $(BENCH_WASM_OBJS)
	@$(if $(Q),echo "  LD  $@")
	$(Q)$(CC) -o $@ $^
$(BENCH_WASM)/writebench.wasm: bench/wasm/writebench.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  WASM $@")
	$(Q)$(CC) $(WASM_TARGET_CFLAGS) -fno-builtin -o $@ $<
bench-undo:
	@scripts/deps.sh test
	@$(MAKE) --no-print-directory $(BENCH_WASM)/undo \
	  $(BENCH_WASM)/cpubench.wasm $(BENCH_WASM)/writebench.wasm
	@$(BENCH_WASM)/undo $(BENCH_WASM)/cpubench.wasm $(BENCH_UNDO_ITERATIONS) \
	  $(BENCH_WASM)/writebench.wasm $$(($(BENCH_UNDO_ITERATIONS) * 4))

# ---- fuzz_wasm: the generic rule in tests.mk links the kernel; this one
# links the engine instead (an explicit rule wins over the pattern).
build/fuzz/fuzz_wasm: tests/fuzz/fuzz_wasm.c $(WASM_SRCS) $(WASM_HDRS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC  $@")
	$(Q)$(CC) $(FUZZ_CFLAGS) $(WASM_CFLAGS) -o $@ $< $(WASM_SRCS)
