# sim.mk: the deterministic simulator, build/sim/realmos-sim (docs/sim.md).
# The portable kernel and net/ with platform/sim, built for the host under
# ASan and UBSan; `make test-sim` runs a fixed set of seeds, `make
# sim-explore SEEDS=n` many more in the background (FG=1: in the
# foreground), with an -O2 build without sanitizers.

SIM_SRCS := $(wildcard platform/sim/*.c)
SIM_CFLAGS_BASE := -std=c11 $(WARN) -g -D_GNU_SOURCE -Ikernel -Ilib -Inet -Inet/api \
  -Iplatform/sim -Iplatform/sim/impl
SIM_CFLAGS := $(SIM_CFLAGS_BASE) -O1 -fsanitize=address,undefined \
  -fno-sanitize-recover=all -fno-omit-frame-pointer
SIM_DEPS := $(PORTABLE_SRCS) $(SIM_SRCS) $(wildcard platform/sim/*.h kernel/*.h lib/*.h net/*.h net/api/*.h)

build/sim/realmos-sim: $(SIM_DEPS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC  $@")
	$(Q)$(CC) $(SIM_CFLAGS) -o $@ $(PORTABLE_SRCS) $(SIM_SRCS)

build/sim/realmos-sim-fast: $(SIM_DEPS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC  $@")
	$(Q)$(CC) $(SIM_CFLAGS_BASE) -O2 -o $@ $(PORTABLE_SRCS) $(SIM_SRCS)

test-sim: deps build/sim/realmos-sim
	@mkdir -p $(RESULTS)
	@tests/sim/run.sh $(RESULTS)/sim build/sim/realmos-sim

SEEDS ?= 1000
sim-explore: build/sim/realmos-sim-fast
	@tests/sim/explore.sh build/sim/realmos-sim-fast $(SEEDS)

.PHONY: test-sim sim-explore
