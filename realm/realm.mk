# realm.mk: what is built from realm/ besides the engine (wasm.mk), included
# by the Makefile after wasm.mk.
#
#   make build/fuzz/fuzz_gateway   the libFuzzer harness of the gateway's
#                                  wire format (tests/fuzz/fuzz_gateway.c)

# ---- fuzz_gateway: the generic rule in tests.mk links the kernel; this
# one links realm/wire.c and what it uses (the path check, lib/).
GATEWAY_FUZZ_SRCS := realm/wire.c realm/identity.c
build/fuzz/fuzz_gateway: tests/fuzz/fuzz_gateway.c $(GATEWAY_FUZZ_SRCS) \
                         $(wildcard realm/*.h) \
                         $(filter build/fuzz/obj/lib/%,$(FUZZ_OBJS))
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC  $@")
	$(Q)$(CC) $(FUZZ_CFLAGS) -Irealm -o $@ $< $(GATEWAY_FUZZ_SRCS) \
	  $(filter build/fuzz/obj/lib/%,$(FUZZ_OBJS))
