/* test_acpi.c: the pure ACPI parsers of platform/common/x86 (acpi_parse.h)
 * and the q35 INTx routing, on tables captured from QEMU 7.2 (see
 * tests/data/x86-acpi.md): the RSDP -> XSDT/RSDT walk, the FADT -> DSDT
 * link, the MADT, the MCFG, the LNRO0005 scan; and that truncated, corrupt
 * or badly summed tables are refused without reading out of bounds (ASan
 * watches every copy, each in a buffer of its exact size). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../platform/common/x86/acpi_lnro.c"
#include "../../platform/common/x86/acpi_madt.c"
#include "../../platform/common/x86/acpi_mcfg.c"
#include "../../platform/common/x86/acpi_res.c"
#include "../../platform/common/x86/acpi_table.c"
#include "../../platform/common/x86/aml.c"
#include "../../platform/common/x86/q35.c"

/* Where QEMU had the captured bytes (tests/data/x86-acpi.md). */
#define MICROVM_RSDP 0xf34d0u
#define MICROVM_TABLES 0xefc40u
#define MICROVM_XSDT 0xeffbau
#define MICROVM_DSDT 0xefc40u
#define Q35_RSDP 0xf59d0u
#define Q35_TABLES 0x7fe0040u
#define Q35_RSDT 0x7fe22a3u
#define Q35_MCFG 0x7fe223fu
#define Q35_DSDT 0x7fe0040u

typedef struct {
  uint8_t *bytes;
  uint32_t len;
} blob_t;

/* A machine: up to 4 blobs at physical addresses. */
typedef struct {
  uint64_t base[4];
  blob_t blob[4];
  unsigned n;
} machine_t;

static blob_t load(const char *name) {
  char path[256];
  snprintf(path, sizeof path, "tests/data/%s", name);
  FILE *f = fopen(path, "rb");
  if (!f)
    fail_msg("cannot open %s (run from the repository root)", path);
  blob_t b = {malloc(1 << 16), 0};
  b.len = (uint32_t)fread(b.bytes, 1, 1 << 16, f);
  fclose(f);
  assert_true(b.len > 0 && b.len < (1 << 16));
  b.bytes = realloc(b.bytes, b.len); /* exact size: ASan sees overreads */
  return b;
}

static const uint8_t *machine_map(const void *ctx, uint64_t pa, uint32_t n) {
  const machine_t *m = ctx;
  for (unsigned i = 0; i < m->n; i++)
    if (pa >= m->base[i] && pa - m->base[i] <= m->blob[i].len &&
        n <= m->blob[i].len - (pa - m->base[i]))
      return m->blob[i].bytes + (pa - m->base[i]);
  return NULL;
}

static void add(machine_t *m, uint64_t base, blob_t b) {
  m->base[m->n] = base;
  m->blob[m->n++] = b;
}

static void machine_free(machine_t *m) {
  for (unsigned i = 0; i < m->n; i++)
    free(m->blob[i].bytes);
  m->n = 0;
}

static machine_t g_microvm, g_q35;
static acpi_mem_t g_microvm_mem = {machine_map, &g_microvm};
static acpi_mem_t g_q35_mem = {machine_map, &g_q35};

static int setup(void **state) {
  (void)state;
  add(&g_microvm, MICROVM_RSDP, load("x86-microvm-rsdp.bin"));
  add(&g_microvm, MICROVM_TABLES, load("x86-microvm-tables.bin"));
  add(&g_q35, Q35_RSDP, load("x86-q35-rsdp.bin"));
  add(&g_q35, Q35_TABLES, load("x86-q35-tables.bin"));
  return 0;
}

static int teardown(void **state) {
  (void)state;
  machine_free(&g_microvm);
  machine_free(&g_q35);
  return 0;
}

/* A copy of `n` bytes in a buffer of exactly that size. */
static uint8_t *copy(const uint8_t *p, uint32_t n) {
  uint8_t *c = malloc(n ? n : 1);
  memcpy(c, p, n);
  return c;
}

static void fix_sum(uint8_t *t, uint32_t len, uint32_t at) {
  uint8_t s = 0;
  t[at] = 0;
  for (uint32_t i = 0; i < len; i++)
    s = (uint8_t)(s + t[i]);
  t[at] = (uint8_t)-s;
}

static void test_microvm_rsdp_has_only_an_xsdt(void **state) {
  (void)state;
  acpi_root_t r;
  blob_t b = g_microvm.blob[0];
  assert_true(acpi_rsdp_parse(b.bytes, b.len, &r));
  assert_int_equal(r.xsdt, MICROVM_XSDT);
  assert_int_equal(r.rsdt, 0);
}

static void test_q35_rsdp_has_only_an_rsdt(void **state) {
  (void)state;
  acpi_root_t r;
  blob_t b = g_q35.blob[0];
  assert_int_equal(b.len, 20); /* revision 0: no length, no XSDT */
  assert_true(acpi_rsdp_parse(b.bytes, b.len, &r));
  assert_int_equal(r.rsdt, Q35_RSDT);
  assert_int_equal(r.xsdt, 0);
}

static void test_rsdp_refused_when_bad(void **state) {
  (void)state;
  acpi_root_t r;
  blob_t b = g_microvm.blob[0];
  uint8_t *c = copy(b.bytes, b.len);
  assert_false(acpi_rsdp_parse(c, 35, &r)); /* revision 2 needs 36 */
  assert_false(acpi_rsdp_parse(c, 19, &r));
  assert_false(acpi_rsdp_parse(NULL, 36, &r));
  c[30] ^= 1; /* the extended checksum breaks, the first one holds */
  assert_false(acpi_rsdp_parse(c, b.len, &r));
  c[30] ^= 1;
  c[5] ^= 1; /* both break */
  assert_false(acpi_rsdp_parse(c, b.len, &r));
  c[5] ^= 1;
  c[20] = 200; /* length beyond what is there */
  fix_sum(c, 36, 32);
  assert_false(acpi_rsdp_parse(c, b.len, &r));
  c[0] = 'X'; /* signature */
  assert_false(acpi_rsdp_parse(c, b.len, &r));
  free(c);
}

static void test_microvm_walk_through_xsdt(void **state) {
  (void)state;
  acpi_root_t r;
  uint32_t len;
  assert_true(acpi_rsdp_parse(g_microvm.blob[0].bytes, 36, &r));
  const uint8_t *madt = acpi_find(&g_microvm_mem, &r, "APIC", &len);
  assert_non_null(madt);
  acpi_ioapic_t io[4];
  assert_int_equal(acpi_madt_ioapics(madt, len, io, 4), 2);
  assert_int_equal(io[0].addr, 0xfec00000u);
  assert_int_equal(io[0].gsi_base, 0);
  assert_int_equal(io[1].addr, 0xfec10000u);
  assert_int_equal(io[1].gsi_base, 24);
  assert_int_equal(acpi_madt_ioapics(madt, len, io, 1), 1); /* max holds */
  assert_null(acpi_find(&g_microvm_mem, &r, "MCFG", &len)); /* pcie=off */
  const uint8_t *dsdt = acpi_dsdt(&g_microvm_mem, &r, &len);
  assert_non_null(dsdt);
  assert_ptr_equal(dsdt, machine_map(&g_microvm, MICROVM_DSDT, 36));
  assert_int_equal(len, 540);
}

static void test_q35_walk_through_rsdt(void **state) {
  (void)state;
  acpi_root_t r;
  uint32_t len;
  assert_true(acpi_rsdp_parse(g_q35.blob[0].bytes, 20, &r));
  const uint8_t *madt = acpi_find(&g_q35_mem, &r, "APIC", &len);
  acpi_ioapic_t io[4];
  assert_int_equal(acpi_madt_ioapics(madt, len, io, 4), 1);
  assert_int_equal(io[0].addr, 0xfec00000u);
  const uint8_t *dsdt = acpi_dsdt(&g_q35_mem, &r, &len);
  assert_ptr_equal(dsdt, machine_map(&g_q35, Q35_DSDT, 36));
  assert_int_equal(len, 8283);
  assert_null(acpi_find(&g_q35_mem, &r, "XXXX", &len));
}

/* A broken XSDT is passed over for the RSDT; a good one wins over it. */
static void test_rsdt_fallback_and_xsdt_first(void **state) {
  (void)state;
  uint32_t len;
  acpi_root_t r = {0x1000, Q35_RSDT}; /* nothing at 0x1000 */
  assert_ptr_equal(acpi_find(&g_q35_mem, &r, "MCFG", &len),
                   machine_map(&g_q35, Q35_MCFG, 36));
  /* An XSDT that lists the q35 MCFG, at 0x2000. */
  uint8_t x[44] = "XSDT";
  x[4] = sizeof x;
  for (int i = 0; i < 8; i++)
    x[36 + i] = (uint8_t)((uint64_t)Q35_MCFG >> (8 * i));
  fix_sum(x, sizeof x, 9);
  machine_t m = g_q35;
  m.base[m.n] = 0x2000;
  m.blob[m.n++] = (blob_t){x, sizeof x};
  acpi_mem_t mem = {machine_map, &m};
  r = (acpi_root_t){0x2000, 0};
  assert_non_null(acpi_find(&mem, &r, "MCFG", &len));
  assert_null(acpi_find(&mem, &r, "APIC", &len)); /* listed by no root */
  r.rsdt = Q35_RSDT;                              /* the RSDT still has it */
  assert_non_null(acpi_find(&mem, &r, "APIC", &len));
  x[40] ^= 1; /* checksum: the XSDT is refused, the RSDT is used */
  r.rsdt = 0;
  assert_null(acpi_find(&mem, &r, "MCFG", &len));
  r.rsdt = Q35_RSDT;
  assert_non_null(acpi_find(&mem, &r, "MCFG", &len));
}

static void test_q35_mcfg(void **state) {
  (void)state;
  acpi_root_t r;
  uint32_t len;
  assert_true(acpi_rsdp_parse(g_q35.blob[0].bytes, 20, &r));
  const uint8_t *t = acpi_find(&g_q35_mem, &r, "MCFG", &len);
  assert_non_null(t);
  assert_int_equal(len, 60);
  acpi_ecam_t e[2];
  assert_int_equal(acpi_mcfg_parse(t, len, e, 2), 1);
  assert_int_equal(e[0].base, 0xb0000000u);
  assert_int_equal(e[0].segment, 0);
  assert_int_equal(e[0].bus_start, 0);
  assert_int_equal(e[0].bus_end, 255);
  /* Truncated: no whole entry. Bad bus range: refused. */
  for (uint32_t n = 0; n < len; n++) {
    uint8_t *c = copy(t, n);
    assert_int_equal(acpi_mcfg_parse(c, n, e, 2), 0);
    free(c);
  }
  uint8_t *c = copy(t, len);
  c[44 + 10] = 9, c[44 + 11] = 8;
  assert_int_equal(acpi_mcfg_parse(c, len, e, 2), 0);
  free(c);
}

static void test_microvm_virtio_mmio_devices(void **state) {
  (void)state;
  acpi_root_t r;
  uint32_t len;
  assert_true(acpi_rsdp_parse(g_microvm.blob[0].bytes, 36, &r));
  const uint8_t *dsdt = acpi_dsdt(&g_microvm_mem, &r, &len);
  acpi_mmio_res_t d[8];
  /* -device rng, blk, net land in slots 23, 22, 21, in table order. */
  assert_int_equal(acpi_virtio_mmio_scan(dsdt, len, d, 8), 3);
  for (unsigned i = 0; i < 3; i++) {
    assert_int_equal(d[i].base, 0xfeb00000u + 0x200u * (23 - i));
    assert_int_equal(d[i].size, 0x200);
    assert_int_equal(d[i].gsi, 24 + 23 - i);
  }
  assert_int_equal(acpi_virtio_mmio_scan(dsdt, len, d, 2), 2);
}

static void test_q35_has_no_virtio_mmio(void **state) {
  (void)state;
  acpi_mmio_res_t d[8];
  uint32_t len = 8283;
  const uint8_t *dsdt = machine_map(&g_q35, Q35_DSDT, len);
  assert_int_equal(acpi_virtio_mmio_scan(dsdt, len, d, 8), 0);
}

/* Every prefix of a DSDT, as if its length were cut: no overread, and
 * only devices found whole. */
static void scan_prefixes(const uint8_t *dsdt, uint32_t len, unsigned max) {
  acpi_mmio_res_t d[8];
  for (uint32_t n = 0; n <= len; n++) {
    uint8_t *c = copy(dsdt, n);
    unsigned k = acpi_virtio_mmio_scan(c, n, d, 8);
    assert_true(k <= max);
    for (unsigned i = 0; i < k; i++)
      assert_int_equal(d[i].size, 0x200);
    free(c);
  }
}

static void test_truncated_dsdt(void **state) {
  (void)state;
  scan_prefixes(machine_map(&g_microvm, MICROVM_DSDT, 540), 540, 3);
  scan_prefixes(machine_map(&g_q35, Q35_DSDT, 8283), 8283, 0);
}

/* Every byte of the microvm DSDT set to a few values: no overread, no
 * hang, never more devices than there are. */
static void test_corrupt_dsdt(void **state) {
  (void)state;
  static const uint8_t vals[] = {0x00, 0x01, 0x08, 0x0d, 0x11, 0x2f, 0x3f,
                                 0x5b, 0x7f, 0x80, 0x82, 0xbf, 0xc0, 0xff};
  const uint8_t *dsdt = machine_map(&g_microvm, MICROVM_DSDT, 540);
  acpi_mmio_res_t d[8];
  uint8_t *c = copy(dsdt, 540);
  for (uint32_t i = ACPI_HEADER_LEN; i < 540; i++) {
    for (size_t v = 0; v < sizeof vals; v++) {
      c[i] = vals[v];
      assert_true(acpi_virtio_mmio_scan(c, 540, d, 8) <= 3);
    }
    c[i] = dsdt[i];
  }
  free(c);
}

static void test_tables_refused_when_bad(void **state) {
  (void)state;
  uint32_t len;
  uint8_t *c = copy(g_microvm.blob[1].bytes, g_microvm.blob[1].len);
  machine_t m = {{MICROVM_TABLES}, {{c, g_microvm.blob[1].len}}, 1};
  acpi_mem_t mem = {machine_map, &m};
  assert_non_null(acpi_table(&mem, MICROVM_DSDT, "DSDT", &len));
  assert_null(acpi_table(&mem, MICROVM_DSDT, "FACP", &len));
  assert_null(acpi_table(&mem, 0, "DSDT", &len));
  c[100] ^= 0x40; /* checksum */
  assert_null(acpi_table(&mem, MICROVM_DSDT, "DSDT", &len));
  c[100] ^= 0x40;
  c[4] = 35, c[5] = 0; /* shorter than a header */
  assert_null(acpi_table(&mem, MICROVM_DSDT, "DSDT", &len));
  c[4] = 0xff, c[5] = 0xff; /* longer than what is mapped */
  assert_null(acpi_table(&mem, MICROVM_DSDT, "DSDT", &len));
  c[4] = 0, c[5] = 0, c[6] = 0, c[7] = 0x10; /* beyond ACPI_MAX_TABLE */
  assert_null(acpi_table(&mem, MICROVM_DSDT, "DSDT", &len));
  /* The XSDT's end cut off: nothing is found through it. */
  m.blob[0].len = MICROVM_XSDT - MICROVM_TABLES + 40;
  acpi_root_t r = {MICROVM_XSDT, 0};
  assert_null(acpi_find(&mem, &r, "APIC", &len));
  free(c);
}

static void test_madt_entries_bounded(void **state) {
  (void)state;
  uint8_t t[60] = "APIC";
  t[44] = 1, t[45] = 12, t[48] = 0xaa; /* an IOAPIC */
  t[56] = 1, t[57] = 12;               /* one that does not fit */
  acpi_ioapic_t io[4];
  assert_int_equal(acpi_madt_ioapics(t, sizeof t, io, 4), 1);
  assert_int_equal(io[0].addr, 0xaa);
  t[45] = 0; /* a zero length would loop forever */
  assert_int_equal(acpi_madt_ioapics(t, sizeof t, io, 4), 0);
}

static void test_resource_templates(void **state) {
  (void)state;
  acpi_mmio_res_t r;
  uint8_t ok[] = {0x86, 9, 0, 1, 0x00, 0x2e, 0xb0, 0xfe, 0x00, 0x02, 0, 0,
                  0x89, 6, 0, 1, 1,    0x2f, 0,    0,    0,    0x79, 0};
  assert_true(acpi_res_mmio(ok, sizeof ok, &r));
  assert_int_equal(r.base, 0xfeb02e00u);
  assert_int_equal(r.size, 0x200);
  assert_int_equal(r.gsi, 47);
  for (uint32_t n = 0; n < 21; n++) { /* cut before the interrupt ends */
    uint8_t *c = copy(ok, n);
    assert_false(acpi_res_mmio(c, n, &r));
    free(c);
  }
  ok[16] = 0; /* no interrupts in the list */
  assert_false(acpi_res_mmio(ok, sizeof ok, &r));
  ok[16] = 2; /* two announced, one there */
  assert_false(acpi_res_mmio(ok, sizeof ok, &r));
  ok[16] = 1;
  ok[12] = 0x79; /* End Tag before the interrupt */
  assert_false(acpi_res_mmio(ok, sizeof ok, &r));
}

static void test_q35_intx(void **state) {
  (void)state;
  /* The -device order of realmos: slots 1-3, INTA. */
  assert_int_equal(q35_intx(NULL, 0, 1, 1), 21);
  assert_int_equal(q35_intx(NULL, 0, 2, 1), 22);
  assert_int_equal(q35_intx(NULL, 0, 3, 1), 23);
  assert_int_equal(q35_intx(NULL, 0, 4, 1), 20);
  assert_int_equal(q35_intx(NULL, 0, 1, 4), 20);
  assert_int_equal(q35_intx(NULL, 0, 24, 2), 21);
  assert_int_equal(q35_intx(NULL, 0, 30, 2), 21);
  assert_int_equal(q35_intx(NULL, 0, 31, 1), 16);
  assert_int_equal(q35_intx(NULL, 0, 25, 4), 19);
  assert_int_equal(q35_intx(NULL, 1, 0, 1), Q35_NO_IRQ);
  assert_int_equal(q35_intx(NULL, 0, 1, 0), Q35_NO_IRQ);
  assert_int_equal(q35_intx(NULL, 0, 1, 5), Q35_NO_IRQ);
  assert_int_equal(q35_intx(NULL, 0, 32, 1), Q35_NO_IRQ);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_microvm_rsdp_has_only_an_xsdt),
      cmocka_unit_test(test_q35_rsdp_has_only_an_rsdt),
      cmocka_unit_test(test_rsdp_refused_when_bad),
      cmocka_unit_test(test_microvm_walk_through_xsdt),
      cmocka_unit_test(test_q35_walk_through_rsdt),
      cmocka_unit_test(test_rsdt_fallback_and_xsdt_first),
      cmocka_unit_test(test_q35_mcfg),
      cmocka_unit_test(test_microvm_virtio_mmio_devices),
      cmocka_unit_test(test_q35_has_no_virtio_mmio),
      cmocka_unit_test(test_truncated_dsdt),
      cmocka_unit_test(test_corrupt_dsdt),
      cmocka_unit_test(test_tables_refused_when_bad),
      cmocka_unit_test(test_madt_entries_bounded),
      cmocka_unit_test(test_resource_templates),
      cmocka_unit_test(test_q35_intx),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
