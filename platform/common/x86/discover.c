/* discover.c: arch_discover for x86 (x32, x64): the devices that ACPI
 * describes, handed to the virtio drivers (virtio.h).
 *
 *  - microvm: each virtio-mmio slot in use is a DSDT device with _HID
 *    "LNRO0005" (acpi_lnro.c): virtio_mmio_probe(base, GSI). QEMU 7.2 puts
 *    slot n at 0xfeb00000 + 0x200 * n with GSI 24 + n (the second IOAPIC),
 *    and fills the slots from the top: the first -device is slot 23.
 *  - q35: the MCFG gives the ECAM window (0xb0000000, buses 0-255);
 *    SeaBIOS has already assigned every BAR (below 4 GiB for the three
 *    small virtio devices of realmos), so pci.c gets no windows; INTx
 *    routing is q35.c's when bus 0 device 0 is q35's host bridge (another
 *    machine's INTx routing is not known: no line). Each function of
 *    vendor 0x1af4 goes to virtio_pci_probe. The ECAM window must lie
 *    below 4 GiB, the part x64 identity-maps.
 * Both run on every machine: a table that is not there finds nothing. */
#include "pci.h"
#include "q35.h"
#include "virtio.h"
#include "x86.h"

#define MAX_MMIO 32 /* microvm has 24 slots */
#define MAX_ECAM 4
#define FOUR_GIB 0x100000000ull
#define VIRTIO_VENDOR 0x1af4u
#define Q35_HOST_ID 0x29c08086u /* vendor Intel, device 82G33/Q35 MCH */

_Static_assert(Q35_NO_IRQ == PCI_NO_IRQ, "q35.h and pci.h agree");

static uint32_t no_intx(const void *ctx, uint8_t bus, uint8_t dev,
                        uint8_t pin) {
  (void)ctx, (void)bus, (void)dev, (void)pin;
  return PCI_NO_IRQ;
}

static void mmio_devices(platform_t *p, const acpi_root_t *r) {
  uint32_t len;
  const uint8_t *dsdt = acpi_dsdt(&x86_acpi_mem, r, &len);
  if (!dsdt)
    return;
  acpi_mmio_res_t d[MAX_MMIO];
  unsigned n = acpi_virtio_mmio_scan(dsdt, len, d, MAX_MMIO);
  for (unsigned i = 0; i < n; i++) {
    if (d[i].base >= FOUR_GIB || d[i].size > FOUR_GIB - d[i].base) {
      klog(KLOG_WARN, "x86: virtio-mmio above 4 GiB skipped\n");
      continue;
    }
    klog(KLOG_DEBUG, "x86: virtio-mmio %p irq %u\n",
         (void *)(uintptr_t)d[i].base, d[i].gsi);
    virtio_mmio_probe(p, (uintptr_t)d[i].base, d[i].gsi);
  }
}

static void found(platform_t *p, const pci_function_t *f) {
  if (f->vendor == VIRTIO_VENDOR)
    virtio_pci_probe(p, f);
}

static void pci_devices(platform_t *p, const acpi_root_t *r) {
  uint32_t len;
  const uint8_t *mcfg = acpi_find(&x86_acpi_mem, r, "MCFG", &len);
  if (!mcfg)
    return;
  acpi_ecam_t e[MAX_ECAM];
  unsigned n = acpi_mcfg_parse(mcfg, len, e, MAX_ECAM);
  for (unsigned i = 0; i < n; i++) {
    uint64_t start = e[i].base + ((uint64_t)e[i].bus_start << 20);
    uint64_t end = e[i].base + (((uint64_t)e[i].bus_end + 1) << 20);
    if (e[i].segment != 0 || end > FOUR_GIB || start < e[i].base) {
      klog(KLOG_WARN, "x86: ECAM segment %u at %p not used\n", e[i].segment,
           (void *)(uintptr_t)start);
      continue;
    }
    pci_host_t host = {0};
    host.ecam = (uintptr_t)start;
    host.bus_start = e[i].bus_start;
    host.bus_end = e[i].bus_end;
    /* Bus 0, device 0: the host bridge tells the machine. */
    bool q35 = e[i].bus_start == 0 &&
               *(volatile const uint32_t *)host.ecam == Q35_HOST_ID;
    host.intx = q35 ? q35_intx : no_intx;
    klog(KLOG_DEBUG, "x86: ECAM %p buses %u-%u%s\n", (void *)host.ecam,
         host.bus_start, host.bus_end, q35 ? " (q35)" : "");
    pci_enumerate(p, &host, found);
  }
}

void arch_discover(platform_t *p, void *boot_ctx) {
  acpi_root_t r;
  if (!x86_acpi_root(x86_pvh_rsdp(boot_ctx), &r)) {
    klog(KLOG_WARN, "x86: no ACPI tables, no devices\n");
    return;
  }
  mmio_devices(p, &r);
  pci_devices(p, &r);
}
