# sim.mk: the deterministic simulator, build/sim/realmos-sim (docs/sim.md).
# The portable kernel and net/ with platform/sim, built for the host under
# ASan and UBSan; `make test-sim` runs a fixed set of seeds, `make
# sim-explore SEEDS=n` many more in the background (FG=1: in the
# foreground), with an -O2 build without sanitizers.

SIM_SRCS := $(wildcard platform/sim/*.c)
SIM_CFLAGS_BASE := -std=c11 $(WARN) -g -D_GNU_SOURCE -MMD -MP
SIM_CFLAGS := $(SIM_CFLAGS_BASE) -O1 -fsanitize=address,undefined \
  -fno-sanitize-recover=all -fno-omit-frame-pointer
SIM_FAST_CFLAGS := $(SIM_CFLAGS_BASE) -O2
# Each source is compiled on its own, lib/, kernel/ and net/ with the
# include paths of their layer (the Makefile's layer_paths) and the
# simulator's platform_impl.h; platform/sim/ with a platform's paths and
# the stack's own headers too (netdefs.h, stack.h: the simulator builds
# several stacks and its workloads check the stack's bounds).
SIM_OBJS := $(patsubst %.c,build/sim/obj/%.o,$(PORTABLE_SRCS) $(SIM_SRCS))
SIM_FAST_OBJS := $(patsubst %.c,build/sim/obj-fast/%.o,$(PORTABLE_SRCS) $(SIM_SRCS))
$(eval $(call layer_paths,build/sim/obj))
$(eval $(call layer_paths,build/sim/obj-fast))
build/sim/obj/%.o build/sim/obj-fast/%.o: PLATFORM_IMPL_INC := -Iplatform/sim/impl
build/sim/obj/platform/sim/%.o build/sim/obj-fast/platform/sim/%.o: \
  LAYER_INC = $(call platform_inc,sim) -Inet

build/sim/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC  $@")
	$(Q)$(CC) $(SIM_CFLAGS) $(LAYER_INC) -c $< -o $@

build/sim/obj-fast/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC  $@")
	$(Q)$(CC) $(SIM_FAST_CFLAGS) $(LAYER_INC) -c $< -o $@

build/sim/realmos-sim: $(SIM_OBJS)
	@$(if $(Q),echo "  LD  $@")
	$(Q)$(CC) $(SIM_CFLAGS) -o $@ $^

build/sim/realmos-sim-fast: $(SIM_FAST_OBJS)
	@$(if $(Q),echo "  LD  $@")
	$(Q)$(CC) $(SIM_FAST_CFLAGS) -o $@ $^

test-sim: deps build/sim/realmos-sim
	@mkdir -p $(RESULTS)
	@tests/sim/run.sh $(RESULTS)/sim build/sim/realmos-sim

SEEDS ?= 1000
sim-explore: build/sim/realmos-sim-fast
	@tests/sim/explore.sh build/sim/realmos-sim-fast $(SEEDS)

.PHONY: test-sim sim-explore
