/* test_pci.c: platform/common/pci.c over a fake ECAM in plain memory. Plain
 * memory reads back what was written, so every implemented BAR sizes as
 * 16 bytes; what is checked here is the walk (absent and multi-function
 * devices), BAR assignment from the windows, the command register, INTx,
 * and the capability walk on a looped list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../platform/common/pci.c"

#define BUS_SIZE 0x100000u

static _Alignas(4096) uint8_t ecam[2 * BUS_SIZE];
static pci_function_t seen[16];
static int nseen;

static uint8_t *cfg_of(uint32_t bus, uint32_t dev, uint32_t fn) {
  return ecam + bus * BUS_SIZE + (dev << 15) + (fn << 12);
}

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static uint32_t get32(const uint8_t *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}

static void add(uint32_t bus, uint32_t dev, uint32_t fn, uint16_t vendor,
                uint8_t header) {
  uint8_t *c = cfg_of(bus, dev, fn);
  memset(c, 0, 0x1000);
  put16(c, vendor);
  put16(c + 2, 0x1000 + (uint16_t)dev);
  c[0x0e] = header;
}

static void found(platform_t *p, const pci_function_t *f) {
  (void)p;
  assert_true(nseen < 16);
  seen[nseen++] = *f;
}

static uint32_t intx(const void *ctx, uint8_t bus, uint8_t dev, uint8_t pin) {
  assert_ptr_equal(ctx, ecam);
  return 100u + bus * 100u + dev * 4u + pin;
}

static pci_host_t host(void) {
  pci_host_t h = {0};
  h.ecam = (uintptr_t)ecam;
  h.bus_start = 4, h.bus_end = 5; /* the window starts at bus_start */
  h.mem32_cpu = 0x10000000, h.mem32_pci = 0x10000000, h.mem32_size = 0x1000;
  h.mem64_cpu = 0x8000000000, h.mem64_pci = 0x8000000000, h.mem64_size = 0x100;
  h.intx = intx, h.intx_ctx = ecam;
  return h;
}

static int setup(void **state) {
  (void)state;
  memset(ecam, 0xff, sizeof ecam); /* nothing answers */
  nseen = 0;
  return 0;
}

static void test_walk_finds_functions_in_order(void **state) {
  (void)state;
  add(0, 3, 0, 0x1af4, 0x80); /* multi-function */
  add(0, 3, 2, 0x1af4, 0x00);
  add(0, 5, 0, 0x8086, 0x00); /* single: function 1 must not be read */
  add(0, 5, 1, 0x1234, 0x00);
  add(1, 0, 0, 0x1b36, 0x00);
  add(0, 7, 1, 0x1234, 0x00); /* function 1 without function 0 */
  add(0, 9, 0, 0x1b36, 0x01); /* a bridge to bus 5 (index 1) */
  cfg_of(0, 9, 0)[0x19] = 5;
  pci_host_t h = host();
  pci_enumerate(NULL, &h, found);
  assert_int_equal(nseen, 5);
  assert_int_equal(seen[0].bus, 4);
  assert_int_equal(seen[0].dev, 3);
  assert_int_equal(seen[0].fn, 0);
  assert_int_equal(seen[1].fn, 2);
  assert_int_equal(seen[1].vendor, 0x1af4);
  assert_int_equal(seen[1].device, 0x1003);
  assert_int_equal(seen[2].dev, 5);
  assert_int_equal(seen[2].vendor, 0x8086);
  assert_int_equal(seen[3].dev, 9); /* the bridge, then its bus */
  assert_int_equal(seen[4].bus, 5);
  assert_ptr_equal((void *)seen[4].cfg, ecam + BUS_SIZE);
}

/* A bus no bridge leads to is not walked: its config space is never read
 * (here it would answer, as no real bus does). */
static void test_walk_skips_buses_no_bridge_leads_to(void **state) {
  (void)state;
  add(0, 3, 0, 0x1af4, 0x00);
  add(1, 0, 0, 0x1b36, 0x00);
  add(0, 4, 0, 0x1b36, 0x01); /* a bridge whose bus firmware never set */
  pci_host_t h = host();
  pci_enumerate(NULL, &h, found);
  assert_int_equal(nseen, 2);
  assert_int_equal(seen[0].dev, 3);
  assert_int_equal(seen[1].dev, 4);
  assert_int_equal(seen[1].bus, 4);
}

static void test_bars_are_assigned_from_the_windows(void **state) {
  (void)state;
  add(0, 1, 0, 0x1af4, 0);
  uint8_t *c = cfg_of(0, 1, 0);
  put32(c + 0x10, 0x0);        /* BAR0: 32-bit memory, unassigned */
  put32(c + 0x14, 0x1);        /* BAR1: I/O, skipped */
  put32(c + 0x18, 0xc);        /* BAR2-3: 64-bit prefetchable, unassigned */
  put32(c + 0x20, 0x20000008); /* BAR4: assigned by firmware: kept */
  put32(c + 0x24, 0x4);        /* BAR5: 64-bit in the last slot: skipped */
  put16(c + 0x04, 0x1);        /* I/O decoding on */
  c[0x3d] = 2;                 /* INTB */
  pci_host_t h = host();
  pci_enumerate(NULL, &h, found);
  assert_int_equal(nseen, 1);
  const pci_function_t *f = &seen[0];
  assert_int_equal(f->bar[0], 0x10000000);
  assert_int_equal(f->bar_size[0], 16);
  assert_int_equal(get32(c + 0x10), 0x10000000);
  assert_int_equal(f->bar[1], 0);
  assert_int_equal(f->bar[2], 0x8000000000);
  assert_int_equal(get32(c + 0x18), 0xc);
  assert_int_equal(get32(c + 0x1c), 0x80);
  assert_int_equal(f->bar[3], 0);
  assert_int_equal(f->bar[4], 0x20000000);
  assert_int_equal(f->bar[5], 0);
  assert_int_equal(c[0x04], 0x1 | CMD_MEMORY | CMD_MASTER);
  assert_int_equal(f->irq, 100 + 100 * 4 + 4 + 2);
}

static void test_full_windows_leave_bars_unassigned(void **state) {
  (void)state;
  pci_host_t h = host();
  h.mem32_size = 0x30, h.mem64_size = 0; /* room for three 16-byte BARs */
  add(0, 1, 0, 0x1af4, 0);               /* plain memory: six 32-bit BARs */
  add(0, 2, 0, 0x1af4, 0);
  put32(cfg_of(0, 1, 0) + 0x18, 0x4); /* BAR2-3 64-bit: falls back to mem32 */
  pci_enumerate(NULL, &h, found);
  assert_int_equal(nseen, 2);
  assert_int_equal(seen[0].bar[0], 0x10000000);
  assert_int_equal(seen[0].bar[1], 0x10000010);
  assert_int_equal(seen[0].bar[2], 0x10000020);
  assert_int_equal(seen[0].bar[4], 0); /* no room */
  for (int i = 0; i < 6; i++)
    assert_int_equal(seen[1].bar[i], 0);
  assert_int_equal(seen[1].irq, PCI_NO_IRQ); /* pin 0 */
  /* A function with no BAR gets no decoding and no bus mastering. */
  assert_int_equal(cfg_of(0, 2, 0)[0x04] & (CMD_MEMORY | CMD_MASTER), 0);
}

static void test_capabilities_walk_ends_on_a_loop(void **state) {
  (void)state;
  add(0, 0, 0, 0x1af4, 0);
  uint8_t *c = cfg_of(0, 0, 0);
  pci_function_t f = {.cfg = (uintptr_t)c};
  assert_int_equal(pci_find_cap(&f, 9, 0), 0); /* no list */
  put16(c + 0x06, STATUS_CAPS);
  c[0x34] = 0x40;
  c[0x40] = 9, c[0x41] = 0x50;
  c[0x50] = 5, c[0x51] = 0x60;
  c[0x60] = 9, c[0x61] = 0x40; /* back to the start */
  assert_int_equal(pci_find_cap(&f, 9, 0), 0x40);
  assert_int_equal(pci_find_cap(&f, 9, 0x40), 0x60);
  assert_int_equal(pci_find_cap(&f, 9, 0x60), 0);
  assert_int_equal(pci_find_cap(&f, 7, 0), 0);
  c[0x61] = 0x3c; /* below 0x40: the end */
  assert_int_equal(pci_find_cap(&f, 5, 0x40), 0x50);
  /* Offsets wrap inside the 4 KiB of config space. */
  assert_int_equal(pci_read16(&f, 0x1000), 0x1af4);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(test_walk_finds_functions_in_order, setup),
      cmocka_unit_test_setup(test_walk_skips_buses_no_bridge_leads_to, setup),
      cmocka_unit_test_setup(test_bars_are_assigned_from_the_windows, setup),
      cmocka_unit_test_setup(test_full_windows_leave_bars_unassigned, setup),
      cmocka_unit_test_setup(test_capabilities_walk_ends_on_a_loop, setup),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
