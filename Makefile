# realmos: one entry point for building, running and testing.
#
#   make [PLATFORM=p] [TRANSPORT=mmio|pci]   build build/<p>/kernel.elf
#   make run [PLATFORM=p] [PORT=n] [DISK=f]  build and run the demo
#   make test                                every suite; last line N passed, M failed
#   make test-unit | test-system | sizes
#
# Each platform is a fragment, platform/<p>/platform.mk, that says how to
# compile and link for it; this file holds what all platforms share.

PLATFORM ?= hosted
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

ifeq ($(wildcard platform/$(PLATFORM)/platform.mk),)
  $(error PLATFORM=$(PLATFORM) is not built yet (have: $(notdir $(patsubst %/platform.mk,%,$(wildcard platform/*/platform.mk)))))
endif
include platform/$(PLATFORM)/platform.mk

WARN := -Wall -Wextra -Werror
COMMON_CFLAGS := -std=c11 $(WARN) -g $(OPT) $(TARGET_FLAGS) \
                 -Ikernel -Ilib -Iplatform/$(PLATFORM) -MMD -MP
# Portable code: freestanding, whatever the platform.
KERNEL_CFLAGS := $(COMMON_CFLAGS) -ffreestanding
PORTABLE_SRCS := $(wildcard lib/*.c kernel/*.c)

obj = $(patsubst %.c,$(BUILD)/%.o,$(1))
CORE_OBJS := $(call obj,$(PORTABLE_SRCS) $(PLATFORM_SRCS))

.PHONY: all run test test-unit test-system test-programs sizes deps clean
.DEFAULT_GOAL := all

all: $(BUILD)/kernel.elf $(BUILD)/seed-rng.elf

# V=1 shows the full commands.
Q := $(if $(filter 1,$(V)),,@)

$(BUILD)/platform/%.o: platform/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC  $@")
	$(Q)$(CC) $(COMMON_CFLAGS) $(PLATFORM_CFLAGS) -c $< -o $@

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC  $@")
	$(Q)$(CC) $(KERNEL_CFLAGS) -c $< -o $@

# The demo is what `make run` boots.
$(BUILD)/kernel.elf: $(CORE_OBJS) $(call obj,$(wildcard apps/demo/*.c))
	@$(if $(Q),echo "  LD  $@")
	$(Q)$(call link,$@,$^)

# The seed's RNG example, unchanged, as its own program.
$(BUILD)/seed-rng.elf: $(CORE_OBJS) $(call obj,tests/seed/rng_example.c)
	@$(if $(Q),echo "  LD  $@")
	$(Q)$(call link,$@,$^)

# Test programs used by tests/system: tests/programs/x.c -> $(BUILD)/x.elf
TEST_PROGRAMS := $(patsubst tests/programs/%.c,$(BUILD)/%.elf,$(wildcard tests/programs/*.c))
test-programs: $(TEST_PROGRAMS)
$(BUILD)/%.elf: $(CORE_OBJS) $(BUILD)/tests/programs/%.o
	@$(if $(Q),echo "  LD  $@")
	$(Q)$(call link,$@,$^)

$(DISK):
	@mkdir -p $(dir $@)
	truncate -s 1M $@

run: deps-run $(BUILD)/kernel.elf $(DISK)
	$(call run_cmd,$(BUILD)/kernel.elf)

deps-run:
	@scripts/deps.sh run
deps:
	@scripts/deps.sh test

include tests/tests.mk

SIZE := $(firstword $(shell command -v llvm-size llvm-size-14 size 2>/dev/null))
sizes: $(BUILD)/kernel.elf
	@$(SIZE) $(BUILD)/kernel.elf

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
