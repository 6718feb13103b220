# sim.mk: the deterministic simulator, build/sim/realmos-sim (docs/sim.md).
# The portable kernel and net/ with platform/sim, built for the host under
# ASan and UBSan; `make test-sim` runs a fixed set of seeds, `make
# sim-explore SEEDS=n` many more in the background (FG=1: in the
# foreground), with an -O2 build without sanitizers.

SIM_SRCS := $(wildcard platform/sim/*.c)
# Every node runs the realm manager with the bank and the faucet
# (wl_realm.c): realm/*.c with one manager per node (REALM_MANAGERS is
# SIM_MAX_NODES of sim.h) and a smaller arena (two one-page realms use
# 237 KiB of it), the engine, and build/sim/realm_images.c, the
# modules as realm/images.sh writes them (their rules are realm.mk's: bank
# and faucet must be in REALMS, as they are by default).
SIM_REALMS := bank faucet
SIM_REALM_SRCS := $(wildcard realm/*.c realm/wasm/*.c)
SIM_REALM_DEFS := -DREALM_MANAGERS=16 -DREALM_ARENA_BYTES='(512u << 10)' \
  -fno-math-errno
SIM_CFLAGS_BASE := -std=c11 $(WARN) -g -D_GNU_SOURCE -MMD -MP
SIM_CFLAGS := $(SIM_CFLAGS_BASE) -O1 -fsanitize=address,undefined \
  -fno-sanitize-recover=all -fno-omit-frame-pointer
SIM_FAST_CFLAGS := $(SIM_CFLAGS_BASE) -O2
# Each source is compiled on its own, lib/, kernel/ and net/ with the
# include paths of their layer (the Makefile's layer_paths) and the
# simulator's platform_impl.h; platform/sim/ with a platform's paths and
# the stack's own headers too (netdefs.h, stack.h: the simulator builds
# several stacks and its workloads check the stack's bounds).
SIM_ALL_SRCS := $(PORTABLE_SRCS) $(SIM_SRCS) $(SIM_REALM_SRCS) \
  build/sim/realm_images.c
SIM_OBJS := $(patsubst %.c,build/sim/obj/%.o,$(SIM_ALL_SRCS))
SIM_FAST_OBJS := $(patsubst %.c,build/sim/obj-fast/%.o,$(SIM_ALL_SRCS))
$(eval $(call layer_paths,build/sim/obj))
$(eval $(call layer_paths,build/sim/obj-fast))
build/sim/obj/%.o build/sim/obj-fast/%.o: PLATFORM_IMPL_INC := -Iplatform/sim/impl
build/sim/obj/platform/sim/%.o build/sim/obj-fast/platform/sim/%.o: \
  LAYER_INC = $(call platform_inc,sim) -Inet
build/sim/obj/realm/%.o build/sim/obj-fast/realm/%.o: \
  LAYER_INC = $(REALM_INC) $(SIM_REALM_DEFS)
build/sim/obj/build/sim/%.o build/sim/obj-fast/build/sim/%.o: \
  LAYER_INC = -Irealm/api
# wl_realm*.c use the gateway's wire format (wire.h) and read the
# manager's books at the end (manager.h): the manager's paths and defines,
# besides a platform's.
SIM_REALM_WL := $(foreach d,obj obj-fast,$(foreach f,wl_realm wl_realm_books,\
  build/sim/$(d)/platform/sim/$(f).o))
$(SIM_REALM_WL): \
  LAYER_INC = $(call platform_inc,sim) -Inet $(REALM_INC) $(SIM_REALM_DEFS)
# --lie rollback (wl_realm.c) reaches the journal's rollback through the
# linker's --wrap: the manager's calls to it go to __wrap_ in wl_realm.c.
SIM_LDFLAGS := -Wl,--wrap=wasm_journal_rollback

build/sim/realm_images.c: $(patsubst %,build/realms/%.wasm,$(SIM_REALMS)) \
    $(patsubst %,realms/%/manifest,$(SIM_REALMS)) realm/images.sh
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GEN $@")
	$(Q)realm/images.sh $@ $(SIM_REALMS)

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
	$(Q)$(CC) $(SIM_CFLAGS) $(SIM_LDFLAGS) -o $@ $^

build/sim/realmos-sim-fast: $(SIM_FAST_OBJS)
	@$(if $(Q),echo "  LD  $@")
	$(Q)$(CC) $(SIM_FAST_CFLAGS) $(SIM_LDFLAGS) -o $@ $^

test-sim: deps build/sim/realmos-sim
	@mkdir -p $(RESULTS)
	@tests/sim/run.sh $(RESULTS)/sim build/sim/realmos-sim

SEEDS ?= 1000
sim-explore: build/sim/realmos-sim-fast
	@tests/sim/explore.sh build/sim/realmos-sim-fast $(SEEDS)

.PHONY: test-sim sim-explore
