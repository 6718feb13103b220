/* pci.c: PCI Express enumeration over ECAM (pci.h).
 *
 * ECAM: function bus.dev.fn has 4 KiB of config space at
 * ecam + ((bus - bus_start) << 20 | dev << 15 | fn << 12). Type 0 header
 * (PCI Local Bus 3.0, ch. 6): 0x00 vendor, 0x02 device, 0x04 command
 * (bit 1 memory space, bit 2 bus master), 0x06 status (bit 4: capability
 * list), 0x0e header type (bit 7: multi-function; low bits 0 endpoint,
 * 1 PCI-PCI bridge), 0x10.. BARs (6 in type 0, 2 in type 1), 0x34
 * capabilities pointer, 0x3d interrupt pin (1..4 = INTA..INTD, 0 none).
 * A memory BAR: bit 0 = 0, bits 2:1 = 0 (32-bit) or 2 (64-bit, the next
 * BAR holds the high half), bit 3 prefetchable, the rest the address; its
 * size is the lowest address bit that stays set after all ones are written.
 *
 * Config space is outside input: offsets are masked to 4 KiB, the
 * capability walk is bounded, sizes and windows are checked for overflow.
 * Every realmos target is little-endian, like PCI, so no byte swaps.
 * QEMU's virt boards have no bridges on bus 0, so secondary buses are not
 * configured: bridges are reported to `found` like any other function.
 *
 * Only buses something leads to are walked: the host's first bus, and the
 * secondary bus (type 1 header, 0x19) of each bridge whose number firmware
 * set inside the host's range. No function answers on a bus no bridge leads
 * to, and walking all 256 buses of an ECAM window costs 8,192 config reads,
 * each a trip through QEMU: 2 to 15 ms of boot under TCG, one exit each
 * under KVM. */
#include "pci.h"

#include "kapi.h"

#define CFG_VENDOR 0x00
#define CFG_COMMAND 0x04
#define CFG_STATUS 0x06
#define CFG_HEADER 0x0e
#define CFG_BAR0 0x10
#define CFG_CAP_PTR 0x34
#define CFG_INT_PIN 0x3d
#define CFG_SECONDARY_BUS 0x19 /* type 1 (bridge) header */
#define HEADER_TYPE_BRIDGE 1
#define MAX_BRIDGE_DEPTH 8 /* a looped bus numbering ends here */
#define CMD_MEMORY 0x2u
#define CMD_MASTER 0x4u
#define STATUS_CAPS 0x10u
#define NO_VENDOR 0xffffu
#define CFG_SIZE 0x1000u

static volatile uint8_t *cfg(const pci_function_t *f, uint32_t off) {
  return (volatile uint8_t *)(f->cfg + (off & (CFG_SIZE - 1)));
}

uint8_t pci_read8(const pci_function_t *f, uint32_t off) {
  return *cfg(f, off);
}

uint16_t pci_read16(const pci_function_t *f, uint32_t off) {
  return *(volatile uint16_t *)cfg(f, off & ~1u);
}

uint32_t pci_read32(const pci_function_t *f, uint32_t off) {
  return *(volatile uint32_t *)cfg(f, off & ~3u);
}

void pci_write16(const pci_function_t *f, uint32_t off, uint16_t v) {
  *(volatile uint16_t *)cfg(f, off & ~1u) = v;
}

void pci_write32(const pci_function_t *f, uint32_t off, uint32_t v) {
  *(volatile uint32_t *)cfg(f, off & ~3u) = v;
}

/* Capabilities: a list of {id, next} bytes from 0x34, each at a dword
 * offset in 0x40..0xff. The walk always starts at the head and stops at
 * the first offset seen twice, so a looped list ends, and a caller that
 * passes each answer back as `after` moves strictly along it. */
uint8_t pci_find_cap(const pci_function_t *f, uint8_t id, uint8_t after) {
  if (!(pci_read16(f, CFG_STATUS) & STATUS_CAPS))
    return 0;
  uint64_t seen = 0; /* bit (at - 0x40) / 4 */
  bool passed = after == 0;
  for (uint8_t at = pci_read8(f, CFG_CAP_PTR) & 0xfc; at >= 0x40;
       at = pci_read8(f, at + 1u) & 0xfc) {
    uint64_t bit = 1ull << ((at - 0x40u) / 4);
    if (seen & bit)
      return 0;
    seen |= bit;
    if (passed && pci_read8(f, at) == id)
      return at;
    if (at == after)
      passed = true;
  }
  return 0;
}

/* A window BARs are taken from, and how much of it is used. */
typedef struct {
  uint64_t cpu, pci, size, used;
} window_t;

/* A window the CPU can reach in full, or an empty one. */
static window_t window(uint64_t cpu, uint64_t pci, uint64_t size) {
  window_t w = {0, 0, 0, 0};
  if (size != 0 && cpu <= UINTPTR_MAX && size - 1 <= UINTPTR_MAX - cpu &&
      size - 1 <= UINT64_MAX - pci)
    w = (window_t){cpu, pci, size, 0};
  return w;
}

/* Take `size` bytes (a power of two) at a naturally aligned PCI address. */
static bool take(window_t *w, uint64_t size, uint64_t limit, uint64_t *pci,
                 uint64_t *cpu) {
  if (size == 0 || size > w->size || w->used > w->size - size)
    return false;
  uint64_t at = w->pci + w->used; /* no overflow: inside the window */
  uint64_t pad = (size - (at & (size - 1))) & (size - 1);
  if (pad > w->size - size - w->used)
    return false;
  at += pad;
  if (at > limit || size - 1 > limit - at)
    return false; /* a 32-bit BAR must stay below 4 GiB */
  w->used += pad + size;
  *pci = at;
  *cpu = at - w->pci + w->cpu;
  return true;
}

/* A firmware-assigned PCI address as the CPU sees it (through a window
 * that holds it, or as is). */
static uint64_t to_cpu(const window_t *w, int n, uint64_t pci) {
  for (int i = 0; i < n; i++)
    if (w[i].size && pci >= w[i].pci && pci - w[i].pci < w[i].size)
      return pci - w[i].pci + w[i].cpu;
  return pci;
}

/* Size memory BAR i (and i + 1 if 64-bit), assign it if firmware did not,
 * fill f->bar and f->bar_size. Returns how many BAR slots it used. */
static int setup_bar(pci_function_t *f, int i, int nbars, window_t *w) {
  uint32_t off = CFG_BAR0 + 4u * (uint32_t)i;
  uint32_t lo = pci_read32(f, off), hi = 0, mask_hi = 0xffffffffu;
  if (lo & 1u)
    return 1; /* I/O space: not used */
  uint32_t type = (lo >> 1) & 3u;
  bool is64 = type == 2;
  if (type == 1 || type == 3 || (is64 && i + 1 >= nbars))
    return 1; /* reserved encodings, or a 64-bit BAR in the last slot */
  pci_write32(f, off, 0xffffffffu);
  uint32_t mask_lo = pci_read32(f, off) & ~0xfu;
  pci_write32(f, off, lo);
  if (is64) {
    hi = pci_read32(f, off + 4);
    pci_write32(f, off + 4, 0xffffffffu);
    mask_hi = pci_read32(f, off + 4);
    pci_write32(f, off + 4, hi);
  }
  uint64_t mask = (uint64_t)mask_hi << 32 | mask_lo;
  uint64_t size = mask & (~mask + 1); /* lowest writable address bit */
  uint64_t addr = (uint64_t)hi << 32 | (lo & ~0xfu);
  int used = is64 ? 2 : 1;
  if (mask_lo == 0 && (!is64 || mask_hi == 0))
    return used; /* not implemented */
  uint64_t cpu = 0, pci = 0;
  if (addr != 0) {
    cpu = to_cpu(w, 2, addr);
  } else if ((is64 && take(&w[1], size, UINT64_MAX, &pci, &cpu)) ||
             take(&w[0], size, 0xffffffffu, &pci, &cpu)) {
    pci_write32(f, off, (uint32_t)pci | (lo & 0xfu));
    if (is64)
      pci_write32(f, off + 4, (uint32_t)(pci >> 32));
  } else {
    klog(KLOG_WARN, "pci: %u:%u.%u BAR %d (%u KiB) does not fit\n", f->bus,
         f->dev, f->fn, i, (unsigned)(size >> 10));
    return used;
  }
  if (cpu > UINTPTR_MAX || size - 1 > UINTPTR_MAX - cpu) {
    klog(KLOG_WARN, "pci: %u:%u.%u BAR %d out of reach\n", f->bus, f->dev,
         f->fn, i);
    return used;
  }
  f->bar[i] = cpu;
  f->bar_size[i] = size;
  klog(KLOG_DEBUG, "pci: %u:%u.%u BAR %d at %p, %llu KiB%s\n", f->bus, f->dev,
       f->fn, i, (void *)(uintptr_t)cpu, (unsigned long long)(size >> 10),
       addr ? "" : " (assigned)");
  return used;
}

/* Set up one function that answered, then hand it to `found`. */
static void setup_function(platform_t *p, const pci_host_t *host,
                           pci_function_t *f, window_t *w,
                           void (*found)(platform_t *,
                                         const pci_function_t *)) {
  f->vendor = pci_read16(f, CFG_VENDOR);
  f->device = pci_read16(f, CFG_VENDOR + 2);
  uint8_t type = pci_read8(f, CFG_HEADER) & 0x7f;
  int nbars = type == 0 ? 6 : type == 1 ? 2 : 0;
  uint16_t cmd = pci_read16(f, CFG_COMMAND);
  bool any = false;
  if (nbars) {
    /* No decoding while BARs hold all ones. */
    pci_write16(f, CFG_COMMAND, (uint16_t)(cmd & ~CMD_MEMORY));
    for (int i = 0; i < nbars;)
      i += setup_bar(f, i, nbars, w);
    for (int i = 0; i < nbars; i++)
      any |= f->bar[i] != 0;
  }
  pci_write16(f, CFG_COMMAND,
              (uint16_t)(any ? cmd | CMD_MEMORY | CMD_MASTER : cmd));
  uint8_t pin = pci_read8(f, CFG_INT_PIN);
  f->irq = PCI_NO_IRQ;
  if (pin >= 1 && pin <= 4 && host->intx)
    f->irq = host->intx(host->intx_ctx, f->bus, f->dev, pin);
  klog(KLOG_DEBUG, "pci: %u:%u.%u %x:%x irq %u\n", f->bus, f->dev, f->fn,
       f->vendor, f->device, f->irq);
  found(p, f);
}

static void walk_bus(platform_t *p, const pci_host_t *host, window_t *w,
                     uint32_t bus, unsigned depth,
                     void (*found)(platform_t *p, const pci_function_t *f)) {
  for (uint8_t dev = 0; dev < 32; dev++)
    for (uint8_t fn = 0; fn < 8; fn++) {
      pci_function_t f = {0};
      f.cfg = host->ecam + ((uintptr_t)(bus - host->bus_start) << 20 |
                            (uintptr_t)dev << 15 | (uintptr_t)fn << 12);
      f.bus = (uint8_t)bus, f.dev = dev, f.fn = fn;
      if (pci_read16(&f, CFG_VENDOR) == NO_VENDOR) {
        if (fn == 0)
          break; /* no device, so no function 1..7 either */
        continue;
      }
      uint8_t header = pci_read8(&f, CFG_HEADER);
      setup_function(p, host, &f, w, found);
      if ((header & 0x7f) == HEADER_TYPE_BRIDGE && depth < MAX_BRIDGE_DEPTH) {
        uint8_t next = pci_read8(&f, CFG_SECONDARY_BUS);
        if (next > bus && next <= host->bus_end)
          walk_bus(p, host, w, next, depth + 1, found);
      }
      if (fn == 0 && !(header & 0x80))
        break; /* not multi-function */
    }
}

void pci_enumerate(platform_t *p, const pci_host_t *host,
                   void (*found)(platform_t *p, const pci_function_t *f)) {
  window_t w[2] = {
      window(host->mem32_cpu, host->mem32_pci, host->mem32_size),
      window(host->mem64_cpu, host->mem64_pci, host->mem64_size),
  };
  walk_bus(p, host, w, host->bus_start, 0, found);
}
