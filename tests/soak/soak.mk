# soak.mk: `make soak`, the UDP echo under load for SOAK_SECONDS on one
# QEMU platform and on hosted (tests/soak/soak.py says what it checks).
#
#   make soak                       600 s on arm64, then 600 s hosted
#   make soak SOAK_SECONDS=60       the quick form
#   make soak SOAK_PLATFORM=x64 SOAK_TRANSPORT=pci
#   make soak SOAK_PLATFORM=hosted  hosted only
#
# SOAK_INFLIGHT (at most 32) and SOAK_RATE (datagrams/s) shape the load,
# SOAK_WARMUP and SOAK_WINDOW (0: chosen from SOAK_SECONDS) are seconds.
# Consoles go to build/soak/<platform>.log.

SOAK_SECONDS ?= 600
SOAK_PLATFORM ?= arm64
SOAK_TRANSPORT ?= mmio
SOAK_INFLIGHT ?= 16
SOAK_RATE ?= 2000
SOAK_WARMUP ?= 10
SOAK_WINDOW ?= 0
SOAK_ON := $(SOAK_PLATFORM) $(filter-out $(SOAK_PLATFORM),hosted)

soak: deps
	@for p in $(SOAK_ON); do \
	  $(MAKE) -s --no-print-directory PLATFORM=$$p build/$$p/soak_echo.elf || exit 1; \
	done
	@$(PYTHON) tests/soak/soak.py --seconds $(SOAK_SECONDS) \
	  --window $(SOAK_WINDOW) --warmup $(SOAK_WARMUP) \
	  --inflight $(SOAK_INFLIGHT) --rate $(SOAK_RATE) \
	  --transport $(SOAK_TRANSPORT) $(SOAK_ON)

.PHONY: soak
