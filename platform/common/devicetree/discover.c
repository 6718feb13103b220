/* discover.c: arch_discover for the device-tree machines (ARM and RISC-V
 * virt): boot_ctx is the flattened device tree QEMU passed. Each virtio,mmio
 * node goes to virtio_mmio_probe (QEMU lists all 32 or 8 slots; the driver
 * skips the empty ones), each pci-host-ecam-generic node to pci_enumerate,
 * whose functions of vendor 0x1af4 go to virtio_pci_probe. */
#include "arch.h"
#include "dt_irq.h"
#include "dt_pci.h"
#include "fdt.h"
#include "virtio.h"

/* How much of the blob may be read before its header is checked: QEMU's ARM
 * virt gives a 1 MiB tree at the start of RAM (the kernel is 2 MiB in);
 * RISC-V's is a few KiB at the top of RAM. */
#define FDT_MAX_SIZE 0x100000u
#define VIRTIO_VENDOR 0x1af4u

static void virtio_mmio_nodes(platform_t *p, const fdt_t *t) {
  for (int n = fdt_find_compatible(t, -1, "virtio,mmio"); n >= 0;
       n = fdt_find_compatible(t, n, "virtio,mmio")) {
    uint64_t base, size;
    fdt_irq_t irq;
    uint32_t line;
    if (!fdt_reg(t, n, 0, &base, &size) || base > UINTPTR_MAX ||
        !fdt_interrupt(t, n, 0, &irq) || !dt_irq_line(t, &irq, &line)) {
      klog(KLOG_WARN, "dt: %s: bad reg or interrupts\n", fdt_name(t, n));
      continue;
    }
    virtio_mmio_probe(p, (uintptr_t)base, line);
  }
}

static void found(platform_t *p, const pci_function_t *f) {
  if (f->vendor == VIRTIO_VENDOR)
    virtio_pci_probe(p, f);
}

static void pci_hosts(platform_t *p, const fdt_t *t) {
  for (int n = fdt_find_compatible(t, -1, "pci-host-ecam-generic"); n >= 0;
       n = fdt_find_compatible(t, n, "pci-host-ecam-generic")) {
    pci_host_t host;
    if (!dt_pci_host(t, n, &host)) {
      klog(KLOG_WARN, "dt: %s: not usable\n", fdt_name(t, n));
      continue;
    }
    klog(KLOG_DEBUG, "dt: ECAM %p buses %u-%u mem32 %p+%llx mem64 %p+%llx\n",
         (void *)host.ecam, host.bus_start, host.bus_end,
         (void *)(uintptr_t)host.mem32_cpu, (unsigned long long)host.mem32_size,
         (void *)(uintptr_t)host.mem64_cpu,
         (unsigned long long)host.mem64_size);
    pci_enumerate(p, &host, found);
  }
}

void arch_discover(platform_t *p, void *boot_ctx) {
  fdt_t t;
  /* The header gives the size; read no further than FDT_MAX_SIZE. */
  fdt_err_t e = fdt_open(&t, boot_ctx, FDT_MAX_SIZE);
  if (e != FDT_OK) {
    klog(KLOG_ERROR, "dt: no usable device tree at %p (%d)\n", boot_ctx,
         (int)e);
    return;
  }
  virtio_mmio_nodes(p, &t);
  pci_hosts(p, &t);
}
