/* test_fdt.c: lib/fdt.c against device trees captured from QEMU 7.2
 * (tests/data/<machine>.dtb, dumped with -machine ...,dumpdtb=f and the seed's
 * virtio devices; ARM's 1 MiB totalsize was cut to the end of the strings
 * block), and against broken copies of them. Run from the top of the tree. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fdt.h"

typedef struct {
  uint8_t *data;
  size_t size;
} blob_t;

/* The file, in a heap block of exactly its size (ASan sees any overread). */
static blob_t load(const char *name) {
  char path[256];
  snprintf(path, sizeof path, "tests/data/%s", name);
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  blob_t b = {malloc((size_t)n), (size_t)n};
  assert_non_null(b.data);
  assert_int_equal(fread(b.data, 1, b.size, f), b.size);
  fclose(f);
  return b;
}

static fdt_t open_ok(const blob_t *b) {
  fdt_t t;
  assert_int_equal(fdt_open(&t, b->data, b->size), FDT_OK);
  return t;
}

static void put32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

static void test_virtio_mmio_nodes_arm64(void **state) {
  (void)state;
  blob_t b = load("arm64-virt.dtb");
  fdt_t t = open_ok(&b);
  int n = -1, count = 0;
  while ((n = fdt_find_compatible(&t, n, "virtio,mmio")) >= 0) {
    uint64_t base, size;
    fdt_irq_t irq;
    assert_true(fdt_reg(&t, n, 0, &base, &size));
    assert_int_equal(base, 0x0a000000u + 0x200u * (unsigned)count);
    assert_int_equal(size, 0x200);
    assert_false(fdt_reg(&t, n, 1, &base, &size));
    assert_true(fdt_interrupt(&t, n, 0, &irq));
    assert_true(fdt_is_compatible(&t, irq.ctrl, "arm,cortex-a15-gic"));
    assert_int_equal(irq.cells, 3);
    assert_int_equal(irq.cell[0], 0); /* GIC_SPI */
    assert_int_equal(irq.cell[1], 16 + count);
    assert_int_equal(irq.cell[2], 1); /* edge rising */
    assert_false(fdt_interrupt(&t, n, 1, &irq));
    count++;
  }
  assert_int_equal(n, FDT_ERR_NOTFOUND);
  assert_int_equal(count, 32);
  free(b.data);
}

static void check_virtio_mmio_riscv(const char *file) {
  blob_t b = load(file);
  fdt_t t = open_ok(&b);
  int n = -1, count = 0;
  while ((n = fdt_find_compatible(&t, n, "virtio,mmio")) >= 0) {
    uint64_t base, size;
    fdt_irq_t irq;
    assert_true(fdt_reg(&t, n, 0, &base, &size));
    assert_int_equal(base, 0x10008000u - 0x1000u * (unsigned)count);
    assert_int_equal(size, 0x1000);
    assert_string_equal(fdt_name(&t, fdt_parent(&t, n)), "soc");
    assert_true(fdt_interrupt(&t, n, 0, &irq));
    assert_true(fdt_is_compatible(&t, irq.ctrl, "riscv,plic0"));
    assert_true(fdt_is_compatible(&t, irq.ctrl, "sifive,plic-1.0.0"));
    assert_false(fdt_is_compatible(&t, irq.ctrl, "riscv,plic"));
    assert_int_equal(irq.cells, 1);
    assert_int_equal(irq.cell[0], 8 - count);
    count++;
  }
  assert_int_equal(count, 8);
  free(b.data);
}

static void test_virtio_mmio_nodes_riscv(void **state) {
  (void)state;
  check_virtio_mmio_riscv("rv64-virt.dtb");
  check_virtio_mmio_riscv("rv32-virt.dtb");
}

/* Pin `pin` of device `dev` on bus 0 through the host's interrupt-map. */
static fdt_irq_t map_intx(const fdt_t *t, int pci, uint32_t dev, uint32_t pin) {
  uint32_t unit[FDT_MAX_CELLS] = {dev << 11, 0, 0};
  uint32_t spec[FDT_MAX_CELLS] = {pin};
  fdt_irq_t irq;
  assert_true(fdt_interrupt_map(t, pci, unit, spec, &irq));
  return irq;
}

static void test_pci_host_arm64(void **state) {
  (void)state;
  blob_t b = load("arm64-virt.dtb");
  fdt_t t = open_ok(&b);
  int pci = fdt_find_compatible(&t, -1, "pci-host-ecam-generic");
  assert_true(pci >= 0);
  assert_string_equal(fdt_name(&t, pci), "pcie@10000000");
  assert_int_equal(fdt_find_compatible(&t, pci, "pci-host-ecam-generic"),
                   FDT_ERR_NOTFOUND);
  uint64_t base, size;
  assert_true(fdt_reg(&t, pci, 0, &base, &size));
  assert_int_equal(base, 0x4010000000ull);
  assert_int_equal(size, 0x10000000);
  fdt_prop_t p;
  assert_true(fdt_prop(&t, pci, "bus-range", &p));
  assert_int_equal(p.len, 8);
  assert_int_equal(fdt_cell(&p, 0), 0);
  assert_int_equal(fdt_cell(&p, 1), 0xff);
  fdt_range_t r;
  assert_true(fdt_range(&t, pci, 0, &r)); /* I/O space */
  assert_int_equal(r.child_cells, 3);
  assert_int_equal(r.child[0], 0x01000000);
  assert_int_equal(r.parent, 0x3eff0000);
  assert_int_equal(r.size, 0x10000);
  assert_true(fdt_range(&t, pci, 1, &r)); /* 32-bit memory */
  assert_int_equal(r.child[0], 0x02000000);
  assert_int_equal(r.child[2], 0x10000000);
  assert_int_equal(r.parent, 0x10000000);
  assert_int_equal(r.size, 0x2eff0000);
  assert_true(fdt_range(&t, pci, 2, &r)); /* 64-bit memory */
  assert_int_equal(r.child[0], 0x03000000);
  assert_int_equal(r.child[1], 0x80);
  assert_int_equal(r.parent, 0x8000000000ull);
  assert_int_equal(r.size, 0x8000000000ull);
  assert_false(fdt_range(&t, pci, 3, &r));
  /* Swizzled: INTA of device d is SPI 3 + d % 4, level high (4). */
  for (uint32_t dev = 0; dev < 32; dev++)
    for (uint32_t pin = 1; pin <= 4; pin++) {
      fdt_irq_t irq = map_intx(&t, pci, dev, pin);
      assert_true(fdt_is_compatible(&t, irq.ctrl, "arm,cortex-a15-gic"));
      assert_int_equal(irq.cells, 3);
      assert_int_equal(irq.cell[0], 0);
      assert_int_equal(irq.cell[1], 3 + (dev + pin - 1) % 4);
      assert_int_equal(irq.cell[2], 4);
    }
  uint32_t unit[FDT_MAX_CELLS] = {0}, spec[FDT_MAX_CELLS] = {5};
  fdt_irq_t irq;
  assert_false(fdt_interrupt_map(&t, pci, unit, spec, &irq)); /* no pin 5 */
  free(b.data);
}

static void test_pci_host_arm32_and_riscv(void **state) {
  (void)state;
  blob_t b = load("arm32-virt.dtb");
  fdt_t t = open_ok(&b);
  int pci = fdt_find_compatible(&t, -1, "pci-host-ecam-generic");
  uint64_t base, size;
  fdt_range_t r;
  assert_true(fdt_reg(&t, pci, 0, &base, &size));
  assert_int_equal(base, 0x3f000000);
  assert_int_equal(size, 0x1000000);
  assert_true(fdt_range(&t, pci, 1, &r));
  assert_false(fdt_range(&t, pci, 2, &r)); /* highmem=off: no 64-bit window */
  free(b.data);

  b = load("rv64-virt.dtb");
  t = open_ok(&b);
  pci = fdt_find_compatible(&t, -1, "pci-host-ecam-generic");
  assert_true(fdt_reg(&t, pci, 0, &base, &size));
  assert_int_equal(base, 0x30000000);
  assert_true(fdt_range(&t, pci, 2, &r));
  assert_int_equal(r.parent, 0x400000000ull);
  for (uint32_t dev = 0; dev < 32; dev++) {
    fdt_irq_t irq = map_intx(&t, pci, dev, 1);
    assert_true(fdt_is_compatible(&t, irq.ctrl, "riscv,plic0"));
    assert_int_equal(irq.cells, 1);
    assert_int_equal(irq.cell[0], 0x20 + dev % 4);
  }
  free(b.data);
}

static void test_header_checks(void **state) {
  (void)state;
  blob_t b = load("rv64-virt.dtb");
  fdt_t t;
  assert_int_equal(fdt_open(&t, b.data, b.size - 1), FDT_ERR_BOUNDS);
  assert_int_equal(fdt_open(&t, b.data, 39), FDT_ERR_BOUNDS);
  assert_int_equal(fdt_open(&t, NULL, 100), FDT_ERR_BOUNDS);
  uint8_t *c = malloc(b.size);
  struct {
    uint32_t off, value;
    fdt_err_t err;
  } cases[] = {
      {0, 0xd00dfeee, FDT_ERR_MAGIC},
      {4, 39, FDT_ERR_BOUNDS},                /* totalsize below the header */
      {8, 0xfffffff0, FDT_ERR_BOUNDS},        /* off_dt_struct */
      {8, 0x3a, FDT_ERR_BOUNDS},              /* unaligned structure block */
      {12, (uint32_t)b.size, FDT_ERR_BOUNDS}, /* strings past the end */
      {20, 16, FDT_ERR_VERSION},
      {24, 18, FDT_ERR_VERSION},
      {32, 0xffffffff, FDT_ERR_BOUNDS}, /* size_dt_strings */
      {36, 0xfffffffc, FDT_ERR_BOUNDS}, /* size_dt_struct */
      {36, 0, FDT_ERR_BOUNDS},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    memcpy(c, b.data, b.size);
    put32(c + cases[i].off, cases[i].value);
    assert_int_equal(fdt_open(&t, c, b.size), cases[i].err);
  }
  free(c);
  free(b.data);
}

/* Walks every node through every query; only must not crash or hang. */
static unsigned exercise(const uint8_t *data, size_t size) {
  fdt_t t;
  unsigned seen = 0;
  if (fdt_open(&t, data, size) != FDT_OK)
    return 0;
  for (int n = fdt_next_node(&t, -1); n >= 0; n = fdt_next_node(&t, n)) {
    uint64_t a, s;
    fdt_irq_t irq;
    fdt_range_t r;
    fdt_prop_t p;
    seen++;
    seen += fdt_name(&t, n) != NULL;
    seen += fdt_reg(&t, n, 0, &a, &s);
    seen += fdt_range(&t, n, 0, &r);
    seen += fdt_prop(&t, n, "compatible", &p);
    if (fdt_is_compatible(&t, n, "virtio,mmio"))
      seen += fdt_interrupt(&t, n, 0, &irq);
    if (fdt_is_compatible(&t, n, "pci-host-ecam-generic")) {
      uint32_t unit[FDT_MAX_CELLS] = {0x800}, spec[FDT_MAX_CELLS] = {1};
      seen += fdt_interrupt_map(&t, n, unit, spec, &irq);
    }
  }
  return seen;
}

static void test_truncated_blobs_are_refused_or_walk_safely(void **state) {
  (void)state;
  blob_t b = load("rv32-virt.dtb");
  for (size_t len = 40; len < b.size; len += 4) {
    uint8_t *c = malloc(len);
    memcpy(c, b.data, len);
    fdt_t t;
    assert_int_equal(fdt_open(&t, c, len), FDT_ERR_BOUNDS);
    /* Claim the cut size; pull the blocks' sizes in to fit. */
    put32(c + 4, (uint32_t)len);
    uint32_t st_off = 0x38, str_off = 0xef8;
    if (len >= st_off)
      put32(c + 36,
            (uint32_t)(len < str_off ? len - st_off : str_off - st_off));
    if (len >= str_off)
      put32(c + 32, (uint32_t)(len - str_off));
    exercise(c, len);
    free(c);
  }
  free(b.data);
}

/* Every word of the structure block, replaced by values that make bad
 * tokens, lengths, name offsets and cell counts. */
static void test_corrupted_words_walk_safely(void **state) {
  (void)state;
  blob_t b = load("rv64-virt.dtb");
  assert_true(exercise(b.data, b.size) > 100);
  static const uint32_t values[] = {0xffffffff, 0x7ffffffc, 1, 2, 3, 9, 5};
  fdt_t t = open_ok(&b);
  uint8_t *c = malloc(b.size);
  for (uint32_t w = t.st_off; w + 4 <= t.st_off + t.st_size; w += 4)
    for (size_t v = 0; v < sizeof values / sizeof values[0]; v++) {
      memcpy(c, b.data, b.size);
      put32(c + w, values[v]);
      exercise(c, b.size);
    }
  free(c);
  free(b.data);
}

/* A copy of rv64-virt.dtb with the one-cell property `name` of the node
 * `node_name` set to v. */
static void set_prop(blob_t *b, const char *node_name, const char *name,
                     uint32_t v) {
  fdt_t t = open_ok(b);
  int n = -1;
  do
    n = fdt_next_node(&t, n);
  while (n >= 0 && strcmp(fdt_name(&t, n), node_name) != 0);
  fdt_prop_t p;
  assert_true(fdt_prop(&t, n, name, &p));
  assert_int_equal(p.len, 4);
  put32((uint8_t *)p.data, v);
}

static void test_bad_cell_counts_are_refused(void **state) {
  (void)state;
  blob_t b = load("rv64-virt.dtb");
  uint64_t a, s;
  fdt_irq_t irq;
  fdt_t t = open_ok(&b);
  int mmio = fdt_find_compatible(&t, -1, "virtio,mmio");
  int pci = fdt_find_compatible(&t, -1, "pci-host-ecam-generic");
  uint32_t unit[FDT_MAX_CELLS] = {0}, spec[FDT_MAX_CELLS] = {1};

  set_prop(&b, "soc", "#address-cells", 5);
  assert_false(fdt_reg(&t, mmio, 0, &a, &s));
  set_prop(&b, "soc", "#address-cells", 3); /* reg runs short */
  assert_false(fdt_reg(&t, mmio, 0, &a, &s));
  set_prop(&b, "soc", "#address-cells", 2);
  assert_true(fdt_reg(&t, mmio, 0, &a, &s));

  set_prop(&b, "plic@c000000", "#interrupt-cells", 0);
  assert_false(fdt_interrupt(&t, mmio, 0, &irq));
  assert_false(fdt_interrupt_map(&t, pci, unit, spec, &irq));
  set_prop(&b, "plic@c000000", "#interrupt-cells", 0xffffffff);
  assert_false(fdt_interrupt(&t, mmio, 0, &irq));
  set_prop(&b, "plic@c000000", "#interrupt-cells", 2); /* entries misread */
  uint32_t unit3[FDT_MAX_CELLS] = {3 << 11}, spec4[FDT_MAX_CELLS] = {4};
  assert_false(fdt_interrupt_map(&t, pci, unit3, spec4, &irq));
  set_prop(&b, "plic@c000000", "#interrupt-cells", 1);
  assert_true(fdt_interrupt_map(&t, pci, unit, spec, &irq));

  set_prop(&b, "virtio_mmio@10008000", "interrupt-parent", 0x77);
  assert_false(fdt_interrupt(&t, mmio, 0, &irq));      /* no such phandle */
  set_prop(&b, "pci@30000000", "#interrupt-cells", 2); /* mask length */
  assert_false(fdt_interrupt_map(&t, pci, unit, spec, &irq));
  free(b.data);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_virtio_mmio_nodes_arm64),
      cmocka_unit_test(test_virtio_mmio_nodes_riscv),
      cmocka_unit_test(test_pci_host_arm64),
      cmocka_unit_test(test_pci_host_arm32_and_riscv),
      cmocka_unit_test(test_header_checks),
      cmocka_unit_test(test_truncated_blobs_are_refused_or_walk_safely),
      cmocka_unit_test(test_corrupted_words_walk_safely),
      cmocka_unit_test(test_bad_cell_counts_are_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
