# platform.mk (hosted): realmos as a Linux process, built with the host clang.
# The portable code is still compiled freestanding; only platform/hosted/ sees
# libc, epoll and liburing.

PLATFORM_SRCS := $(wildcard platform/hosted/*.c)
PLATFORM_CFLAGS := -D_GNU_SOURCE
TARGET_FLAGS :=
LDLIBS := -luring
ifeq ($(SANITIZE),1)
  TARGET_FLAGS += -fsanitize=address,undefined -fno-sanitize-recover=all \
                  -fno-omit-frame-pointer
endif
OPT ?= -O2

# link: $(call link,output,objects)
link = $(CC) $(TARGET_FLAGS) -o $(1) $(2) $(LDLIBS)

# run: $(call run,elf). PCAP=FILE: --pcap FILE (needs a frames backend in
# RUN_ARGS, --net tap:NAME or dgram:LOCAL,REMOTE).
run_cmd = $(1) --port $(PORT) $(if $(DISK),--disk $(DISK)) \
  $(if $(PCAP),--pcap $(PCAP)) $(RUN_ARGS)
