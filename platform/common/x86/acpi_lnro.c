/* acpi_lnro.c: finds the virtio-mmio devices of a DSDT without an AML
 * interpreter (pure: see acpi_parse.h).
 *
 * It walks the term lists structurally: into Scope and Device bodies, over
 * objects whose extent is known (a PkgLength, or a fixed layout), and reads
 * the Name objects of each Device. An opcode it does not know ends the walk
 * of that one list (its enclosing Scope or Device still knows where it
 * ends), so nothing is read twice and the work is linear in the table.
 *
 * Facts used (ACPI 6.x, 20.2 AML grammar; the encodings are in aml.c):
 *  Named objects: Name 0x08 NameString Data; Scope 0x10 PkgLength
 *        NameString TermList; Method 0x14, If 0xA0, Else 0xA1, While 0xA2:
 *        PkgLength ...; External 0x15 NameString type u8 argcount u8; and,
 *        after 0x5B: Mutex 0x01 NameString flags u8; Event 0x02 NameString;
 *        OpRegion 0x80 NameString space u8 offset len (two TermArgs:
 *        only integer constants are understood here);
 *        Device 0x82 PkgLength NameString TermList; Field 0x81, Processor
 *        0x83, PowerRes 0x84, ThermalZone 0x85, IndexField 0x86, BankField
 *        0x87: PkgLength ...
 * QEMU 7.2's microvm: Scope(\_SB) holds one Device per virtio-mmio slot in
 * use, named VRnn, with Name(_HID, "LNRO0005"), _UID, _CCA and
 * Name(_CRS, ResourceTemplate(){Memory32Fixed, Interrupt}). */
#include "acpi_parse.h"
#include "aml.h"

#define MAX_DEPTH 16 /* nested Scope/Device bodies; deeper ones are skipped */

typedef struct {
  acpi_mmio_res_t *out;
  unsigned max, n;
} scan_t;

/* What one Device's own Name objects said. */
typedef struct {
  bool lnro;
  const uint8_t *crs;
  uint32_t crs_len;
} aml_dev_t;

static bool bytes_are(const uint8_t *p, const char *s, unsigned n) {
  for (unsigned i = 0; i < n; i++)
    if (p[i] != (uint8_t)s[i])
      return false;
  return true;
}

/* Name(seg, data): in a Device, _HID and _CRS are kept. */
static uint32_t name_op(const uint8_t *q, uint32_t left, aml_dev_t *dev) {
  uint32_t nl = aml_name_len(q + 1, left - 1);
  if (!nl)
    return 0;
  const uint8_t *name = q + 1, *v = q + 1 + nl;
  uint32_t vl = aml_data_len(v, left - 1 - nl);
  if (!vl)
    return 0;
  if (dev && nl == 4 && bytes_are(name, "_HID", 4))
    dev->lnro =
        v[0] == AML_STRING && vl == 10 && bytes_are(v + 1, "LNRO0005", 9);
  if (dev && nl == 4 && bytes_are(name, "_CRS", 4) && v[0] == AML_BUFFER &&
      !aml_buffer_bytes(v, vl, &dev->crs, &dev->crs_len))
    dev->crs = NULL;
  return 1 + nl + vl;
}

static void walk(scan_t *s, const uint8_t *p, uint32_t n, aml_dev_t *dev,
                 unsigned depth);

/* Scope or Device (`oplen` opcode bytes): walk its body; a Device's Names
 * decide whether it is reported. */
static uint32_t body_op(scan_t *s, const uint8_t *q, uint32_t left,
                        uint32_t oplen, bool device, unsigned depth) {
  uint32_t len, enc = aml_pkg_length(q + oplen, left - oplen, &len);
  if (!enc)
    return 0;
  const uint8_t *body = q + oplen + enc;
  uint32_t blen = len - enc, nl = aml_name_len(body, blen);
  if (nl && depth < MAX_DEPTH) {
    aml_dev_t d = {false, NULL, 0};
    walk(s, body + nl, blen - nl, device ? &d : NULL, depth + 1);
    acpi_mmio_res_t r;
    if (device && d.lnro && d.crs && s->n < s->max &&
        acpi_res_mmio(d.crs, d.crs_len, &r))
      s->out[s->n++] = r;
  }
  return oplen + len;
}

static uint32_t skip_pkg(const uint8_t *q, uint32_t left, uint32_t oplen) {
  uint32_t len;
  return aml_pkg_length(q + oplen, left - oplen, &len) ? oplen + len : 0;
}

/* NameString followed by `fixed` bytes. */
static uint32_t skip_name(const uint8_t *q, uint32_t left, uint32_t oplen,
                          uint32_t fixed) {
  uint32_t nl = aml_name_len(q + oplen, left - oplen);
  return nl && left - oplen - nl >= fixed ? oplen + nl + fixed : 0;
}

static uint32_t opregion(const uint8_t *q, uint32_t left) {
  uint32_t used = skip_name(q, left, 2, 1);
  uint64_t v;
  for (int i = 0; used && i < 2; i++) {
    uint32_t n = aml_integer(q + used, left - used, &v);
    used = n ? used + n : 0;
  }
  return used;
}

static uint32_t ext_op(scan_t *s, const uint8_t *q, uint32_t left,
                       unsigned depth) {
  if (left < 2)
    return 0;
  switch (q[1]) {
  case AML_EXT_DEVICE:
    return body_op(s, q, left, 2, true, depth);
  case AML_EXT_MUTEX:
    return skip_name(q, left, 2, 1);
  case AML_EXT_EVENT:
    return skip_name(q, left, 2, 0);
  case AML_EXT_OPREGION:
    return opregion(q, left);
  default:
    return q[1] >= AML_EXT_FIELD && q[1] <= AML_EXT_BANKFIELD
               ? skip_pkg(q, left, 2)
               : 0;
  }
}

static void walk(scan_t *s, const uint8_t *p, uint32_t n, aml_dev_t *dev,
                 unsigned depth) {
  uint32_t pos = 0;
  while (pos < n) {
    const uint8_t *q = p + pos;
    uint32_t left = n - pos, used;
    switch (q[0]) {
    case AML_NAME:
      used = name_op(q, left, dev);
      break;
    case AML_SCOPE:
      used = body_op(s, q, left, 1, false, depth);
      break;
    case AML_METHOD:
    case AML_IF:
    case AML_ELSE:
    case AML_WHILE:
      used = skip_pkg(q, left, 1);
      break;
    case AML_EXTERNAL:
      used = skip_name(q, left, 1, 2);
      break;
    case AML_EXT:
      used = ext_op(s, q, left, depth);
      break;
    default:
      used = 0;
      break;
    }
    if (used == 0) /* not understood: the rest of this list is skipped */
      return;
    pos += used;
  }
}

unsigned acpi_virtio_mmio_scan(const uint8_t *dsdt, uint32_t len,
                               acpi_mmio_res_t *out, unsigned max) {
  if (len < ACPI_HEADER_LEN)
    return 0;
  scan_t s = {out, max, 0};
  walk(&s, dsdt + ACPI_HEADER_LEN, len - ACPI_HEADER_LEN, NULL, 0);
  return s.n;
}
