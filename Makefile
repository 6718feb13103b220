# realmos: one entry point for building, running and testing.
#
#   make [PLATFORM=p] [TRANSPORT=mmio|pci]   build build/<p>/kernel.elf
#        (run with TRANSPORT=mmio VIRTIO_MMIO=modern: virtio-mmio version 2)
#   make run [PLATFORM=p] [PORT=n] [DISK=f]  build and run the demo
#   make test                                every suite; last line N passed, M failed
#   make test-unit | test-system | sizes
#   make test-wasm [WASM_SPEC=DIR]           the WebAssembly spec tests against realm/wasm
#   make wasm-lib [PLATFORM=p] | wasm-lib-all   the Wasm engine's library
#   make bench-wasm                          the engine against native code
#
# Each platform is a fragment, platform/<p>/platform.mk, that says how to
# compile and link for it; this file holds what all platforms share.

PLATFORM ?= arm64
TRANSPORT ?= mmio
ifeq ($(USE_PCI),1)
  TRANSPORT := pci
endif
PORT ?= 8888
DISK ?= build/disk.img
SANITIZE ?= 0
PLATFORMS := hosted rv32 rv64 arm32 arm64 x32 x64

CC := clang
PYTHON := /usr/bin/python3
BUILD := build/$(PLATFORM)$(if $(filter 1,$(SANITIZE)),-san)

# The platform's struct platform, which lives inside kernel_t: the one
# header of a platform that the kernel sees (common.mk adds the bare-metal
# one it includes).
PLATFORM_IMPL_INC := -Iplatform/$(PLATFORM)/impl

ifeq ($(wildcard platform/$(PLATFORM)/platform.mk),)
  $(error PLATFORM=$(PLATFORM) is not built yet (have: $(notdir $(patsubst %/platform.mk,%,$(wildcard platform/*/platform.mk)))))
endif
include platform/$(PLATFORM)/platform.mk

WARN := -Wall -Wextra -Werror
COMMON_CFLAGS := -std=c11 $(WARN) -g $(OPT) $(TARGET_FLAGS) -MMD -MP
# Portable code: freestanding, whatever the platform.
KERNEL_CFLAGS := $(COMMON_CFLAGS) -ffreestanding

# The layers (docs/architecture.md): each folder is compiled with the include
# paths of the layers it may use and no others, so that a wrong include
# fails to build. The core's contracts have folders of their own:
# kernel/api/ (kapi.h, what programs see) and kernel/dev/ (the device
# interface: device.h, the op table ops.h, work_list.h, the bounds a device
# shares with its user dev_config.h). The rest of kernel/ (kernel.h,
# config.h, platform.h, rng.h, timer_heap.h) is the core's own: a device or
# a program that includes one fails with "file not found". (kernel.h also
# refuses to build without platform_impl.h, which only the core, platforms
# and tests see.) KERNEL_INC, and what is built from it, is expanded where
# it is used (=), so that the simulator's and the unit tests' objects can
# set their own PLATFORM_IMPL_INC (sim.mk, tests.mk).
LIB_INC := -Ilib
API_INC := -Ikernel/api
DEV_INC := -Ikernel/dev $(API_INC)
KERNEL_INC = -Ikernel $(DEV_INC) -Ilib $(PLATFORM_IMPL_INC)
# The stack: the device interface and the kernel's public API; net/api/ is
# its own public header (counters, how a platform attaches it).
NET_INC := -Inet -Inet/api $(DEV_INC) -Ilib
# Drivers: the device interface and drivers/driver_platform.h, what they
# need of the platform under them (no arch.h, no platform_t internals);
# drivers/virtio/api/ holds their probe entry points (virtio.h), the one
# header of drivers/virtio/ that platforms see.
DRIVER_INC := -Idrivers -Idrivers/virtio -Idrivers/virtio/api $(DEV_INC) -Ilib
# Programs: kapi.h, the stack's public header and the realm manager's.
APP_INC := $(API_INC) -Inet/api -Irealm/api
# The realm manager (realm/*.c): the kernel's public API, lib/, the
# engine's API (realm/wasm/wasm.h) and its own folder; not the core's or
# the devices' headers. The engine (realm/wasm/) has its own rule (wasm.mk)
# and sees only itself.
REALM_INC := -Irealm -Irealm/api -Irealm/wasm $(API_INC) -Ilib
# Tests and benchmarks may use anything; what they use is listed here.
ANY_INC = $(KERNEL_INC) -Inet -Inet/api -Idrivers -Idrivers/virtio \
  -Idrivers/virtio/api
# Platforms: their own folder, the core, the drivers' probe entry points,
# the stack's public header; platform.mk adds its shared folders
# (platform/common/, a family's folder) to PLATFORM_CFLAGS. All of the
# core, not only platform.h: platforms include kernel.h (hosted.h, sim.h,
# baremetal.c, driver_platform.c, the ARM trap reports) for kernel_t, klog
# and the core's bounds in config.h.
platform_inc = -Iplatform/$(1) $(KERNEL_INC) -Inet/api -Irealm/api
PLATFORM_INC = $(call platform_inc,$(PLATFORM))
# $(call layer_paths,DIR): the layer's paths for each object under DIR, by
# the folder of its source. The bare-metal and hosted builds use it for
# $(BUILD), the simulator (sim.mk) and the unit tests (tests.mk) for theirs.
define layer_paths
$(1)/lib/%.o: LAYER_INC = $$(LIB_INC)
$(1)/kernel/%.o: LAYER_INC = $$(KERNEL_INC)
$(1)/net/%.o: LAYER_INC = $$(NET_INC)
$(1)/drivers/%.o: LAYER_INC = $$(DRIVER_INC)
$(1)/apps/%.o: LAYER_INC = $$(APP_INC)
$(1)/realm/%.o: LAYER_INC = $$(REALM_INC)
$(1)/tests/%.o $(1)/bench/%.o: LAYER_INC = $$(ANY_INC)
endef
$(eval $(call layer_paths,$(BUILD)))
# QEMU's floor (bench/floor/floor.c) is kmain on the arch layer alone.
$(BUILD)/bench/floor/%.o: LAYER_INC = $(ANY_INC) -Iplatform/common
PORTABLE_SRCS := $(wildcard lib/*.c kernel/*.c net/*.c)

obj = $(patsubst %.S,$(BUILD)/%.o,$(patsubst %.c,$(BUILD)/%.o,$(1)))
CORE_OBJS := $(call obj,$(PORTABLE_SRCS) $(PLATFORM_SRCS))

.PHONY: all run debug print-run test test-unit test-system test-programs bench-programs bench-tools bench sizes format deps clean
.DEFAULT_GOAL := all
# Keep objects built through pattern rules (test programs) between runs.
.SECONDARY:

all: $(BUILD)/kernel.elf $(BUILD)/seed-rng.elf $(BUILD)/realms.elf

# V=1 shows the full commands.
Q := $(if $(filter 1,$(V)),,@)

$(BUILD)/platform/%.o: platform/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC  $@")
	$(Q)$(CC) $(COMMON_CFLAGS) $(PLATFORM_INC) $(PLATFORM_CFLAGS) -c $< -o $@

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC  $@")
	$(Q)$(CC) $(KERNEL_CFLAGS) $(LAYER_INC) -c $< -o $@

$(BUILD)/platform/%.o: platform/%.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS  $@")
	$(Q)$(CC) $(COMMON_CFLAGS) $(PLATFORM_INC) $(PLATFORM_CFLAGS) -c $< -o $@

# The demo is what `make run` boots. (A platform's LINKER_SCRIPT, if any, is a
# prerequisite so that editing it relinks; only the objects go to the linker.)
# apps/echo/: the UDP echo that the demo, the soak test and the cost bench
# share; linked into every program (a few hundred bytes where unused).
ECHO_OBJS := $(call obj,apps/echo/echo.c)
DEMO_OBJS := $(call obj,$(filter-out apps/demo/main.c,$(wildcard apps/demo/*.c)))
$(BUILD)/kernel.elf: $(CORE_OBJS) $(ECHO_OBJS) $(DEMO_OBJS) $(call obj,apps/demo/main.c) $(LINKER_SCRIPT)
	@$(if $(Q),echo "  LD  $@")
	$(Q)$(call link,$@,$(filter %.o,$^))

# The seed's RNG example, unchanged, as its own program.
$(BUILD)/seed-rng.elf: $(CORE_OBJS) $(call obj,tests/seed/rng_example.c) $(LINKER_SCRIPT)
	@$(if $(Q),echo "  LD  $@")
	$(Q)$(call link,$@,$(filter %.o,$^))

# Test programs used by tests/system: tests/programs/x.c -> $(BUILD)/x.elf
TEST_PROGRAMS := $(patsubst tests/programs/%.c,$(BUILD)/%.elf,$(wildcard tests/programs/*.c))
test-programs: $(TEST_PROGRAMS)
$(BUILD)/%.elf: $(CORE_OBJS) $(ECHO_OBJS) $(BUILD)/tests/programs/%.o $(LINKER_SCRIPT)
	@$(if $(Q),echo "  LD  $@")
	$(Q)$(call link,$@,$(filter %.o,$^))

# Benchmark programs: bench/programs/x.c -> $(BUILD)/x.elf
BENCH_PROGRAMS := $(patsubst bench/programs/%.c,$(BUILD)/%.elf,$(wildcard bench/programs/*.c))
bench-programs: $(BENCH_PROGRAMS)
$(BUILD)/%.elf: $(CORE_OBJS) $(ECHO_OBJS) $(BUILD)/bench/programs/%.o $(LINKER_SCRIPT)
	@$(if $(Q),echo "  LD  $@")
	$(Q)$(call link,$@,$(filter %.o,$^))

ifneq ($(COMMON_BM_SRCS),)
# Bare metal: QEMU's floor for bench/sec_boot.py: bench/floor/floor.c as kmain on the
# platform's own boot code and arch layer, and no kernel. Between
# --start-lib and --end-lib, ld.lld treats the objects as an archive: it
# takes only those that define a symbol something taken needs.
FLOOR_LIB_OBJS = $(call obj,$(ARCH_SRCS) $(COMMON_BM_SRCS) $(wildcard lib/*.c))
$(BUILD)/floor.elf: $(BUILD)/bench/floor/floor.o $(FLOOR_LIB_OBJS) $(LINKER_SCRIPT)
	@$(if $(Q),echo "  LD  $@")
	$(Q)$(call link,$@,$(BUILD)/bench/floor/floor.o --start-lib $(FLOOR_LIB_OBJS) --end-lib)
endif

# Host tools of the benchmarks: the UDP load client, the epoll baseline.
HOST_TOOL_CFLAGS := -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror
BENCH_TOOLS := build/bench/udpload build/bench/udp_echo_epoll \
               build/bench/epoll_pwait2_shim.so
bench-tools: $(BENCH_TOOLS)
# Valgrind 3.19 does not know epoll_pwait2: the cost section preloads this.
build/bench/epoll_pwait2_shim.so: bench/cost/epoll_pwait2_shim.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC  $@")
	$(Q)$(CC) $(HOST_TOOL_CFLAGS) -shared -fPIC -o $@ $<
build/bench/udpload: bench/udpload.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC  $@")
	$(Q)$(CC) $(HOST_TOOL_CFLAGS) -o $@ $<
build/bench/udp_echo_epoll: bench/baseline/udp_echo_epoll.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC  $@")
	$(Q)$(CC) $(HOST_TOOL_CFLAGS) -o $@ $<

# `make bench` measures every platform; `make bench PLATFORM=p` only p.
BENCH_ONLY := $(if $(filter command line,$(origin PLATFORM)),$(PLATFORM))
bench:
	@scripts/deps.sh bench
	@$(MAKE) --no-print-directory bench-tools
	@$(PYTHON) bench/run.py $(BENCH_ONLY)

$(DISK):
	@mkdir -p $(dir $@)
	truncate -s 1M $@

# The realms built into realms.elf (folders of realms/; realm/realm.mk).
# With REALMS empty, `make run` boots the C demo alone (kernel.elf).
REALMS ?= bank faucet echo spinner
RUN_KERNEL = $(if $(strip $(REALMS)),$(BUILD)/realms.elf,$(BUILD)/kernel.elf)
run: GW_PORT ?= 7000
run: ECHO_PORT ?= 8889
run: deps-run $(RUN_KERNEL) $(DISK) $(if $(strip $(REALMS)),build/tools/realmctl)
	$(RUN_PREFIX) $(call run_cmd,$(RUN_KERNEL))

# QEMU waits for gdb on :1234.
debug: $(BUILD)/kernel.elf $(DISK)
	@scripts/deps.sh debug $(PLATFORM)
	@echo "attach with: gdb-multiarch $(BUILD)/kernel.elf -ex 'target remote :1234'"
	$(call debug_cmd,$(BUILD)/kernel.elf)

# For tests/system: the command that `make run` would use for KERNEL.
print-run:
	@echo $(call run_cmd,$(KERNEL))

deps-run:
	@scripts/deps.sh run $(PLATFORM)
deps:
	@scripts/deps.sh test

include tests/tests.mk
include realm/wasm/wasm.mk
include realm/realm.mk
include tests/realms/realms.mk
include bench/realms/realms.mk

# The demo with realms: the C demo, the realm manager, the engine and the
# modules of REALMS (realm/realm.mk), started by apps/realms/main.c.
MANAGER_OBJS = $(call obj,$(wildcard realm/*.c))
$(BUILD)/realms.elf: $(CORE_OBJS) $(ECHO_OBJS) $(DEMO_OBJS) \
                     $(call obj,apps/realms/main.c) $(MANAGER_OBJS) \
                     $(WASM_OBJS) $(REALM_IMAGES_OBJ) $(LINKER_SCRIPT)
	@$(if $(Q),echo "  LD  $@")
	$(Q)$(call link,$@,$(filter %.o,$^))

# Per platform, two lines. "stripped": the size of kernel.elf (the demo,
# which has no Wasm engine) once stripped, then its text (with rodata), data
# and bss. "wasm": the engine on its own, text + data summed over every
# object of build/<p>/libwasm.a (llvm-size -t), compiled as for the kernel:
# what linking the whole engine adds to a kernel's stripped size, less what
# --gc-sections drops of what a program does not call. The bare-metal
# target (docs/baremetal.md): "stripped" at most 64 KiB (65,536 bytes).
SIZE := $(firstword $(shell command -v llvm-size llvm-size-14 size 2>/dev/null))
STRIP := $(firstword $(shell command -v llvm-strip llvm-strip-14 strip 2>/dev/null))
BUILT_PLATFORMS := $(filter $(PLATFORMS),$(patsubst platform/%/platform.mk,%,$(wildcard platform/*/platform.mk)))
sizes:
	@for p in $(BUILT_PLATFORMS); do \
	  $(MAKE) --no-print-directory -s PLATFORM=$$p build/$$p/kernel.elf build/$$p/libwasm.a || exit 1; \
	  $(STRIP) -o build/$$p/kernel.stripped build/$$p/kernel.elf; \
	  printf '%-7s stripped %7d bytes  ' $$p $$(stat -c %s build/$$p/kernel.stripped); \
	  $(SIZE) build/$$p/kernel.elf | awk 'NR==2 {print "text " $$1 ", data " $$2 ", bss " $$3}'; \
	  $(SIZE) -t build/$$p/libwasm.a | awk -v p=$$p 'END {printf "%-7s wasm     %7d bytes  text %d, data %d, bss %d\n", p, $$1 + $$2, $$1, $$2, $$3}'; \
	done

# format: rewrite every C file of the tree in the style of .clang-format
# (tests/system/test_format.py checks that none differs).
format:
	@command -v clang-format >/dev/null || scripts/deps.sh test
	find . -path ./build -prune -o -path './.*' -prune -o \( -name '*.c' -o -name '*.h' \) -print | xargs clang-format -i

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
