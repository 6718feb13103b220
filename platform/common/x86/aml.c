/* aml.c: the sizes of AML encodings (aml.h).
 *
 * Facts used (ACPI 6.x, 20.2 AML grammar):
 *  PkgLength: lead byte bits 6-7 = number of bytes that follow (0-3). With
 *        none, the length is bits 0-5; else bits 0-3 are the low nibble and
 *        each following byte adds 8 bits above it. The length counts the
 *        PkgLength bytes themselves and what follows, to the object's end.
 *  NameString: any '\' or '^' prefixes, then NullName 0x00, a NameSeg (4
 *        bytes, the first 'A'-'Z' or '_'), DualNamePrefix 0x2E + 2 segs, or
 *        MultiNamePrefix 0x2F + count + count segs.
 *  Data: Zero 0x00, One 0x01, Ones 0xFF, BytePrefix 0x0A, WordPrefix 0x0B,
 *        DWordPrefix 0x0C, QWordPrefix 0x0E, String 0x0D (ASCII, NUL-ended),
 *        Buffer 0x11 PkgLength BufferSize ByteList, Package 0x12 and
 *        VarPackage 0x13 PkgLength ...
 */
#include "aml.h"

/* A PkgLength at p: its encoded size (1-4), with *len the package length;
 * 0 if truncated or if the package does not fit in `avail`. */
uint32_t aml_pkg_length(const uint8_t *p, uint32_t avail, uint32_t *len) {
  if (avail == 0)
    return 0;
  uint32_t extra = p[0] >> 6, v = p[0] & 0x3fu;
  if (extra > 0) {
    if (avail < 1 + extra)
      return 0;
    v = p[0] & 0x0fu;
    for (uint32_t i = 0; i < extra; i++)
      v |= (uint32_t)p[1 + i] << (4 + 8 * i);
  }
  if (v < 1 + extra || v > avail)
    return 0;
  *len = v;
  return 1 + extra;
}

static bool lead_char(uint8_t c) { return (c >= 'A' && c <= 'Z') || c == '_'; }

/* Size of the NameString at p, or 0. */
uint32_t aml_name_len(const uint8_t *p, uint32_t avail) {
  uint32_t i = 0;
  if (i < avail && p[i] == '\\')
    i++;
  else
    while (i < avail && p[i] == '^')
      i++;
  if (i >= avail)
    return 0;
  uint32_t segs;
  if (p[i] == 0x00)
    return i + 1;
  if (p[i] == 0x2e) {
    segs = 2, i++;
  } else if (p[i] == 0x2f) {
    if (i + 1 >= avail)
      return 0;
    segs = p[i + 1], i += 2;
  } else {
    segs = 1;
  }
  if (segs == 0 || (avail - i) / 4 < segs || !lead_char(p[i]))
    return 0;
  return i + 4 * segs;
}

/* An integer constant at p: its size, with its value in *v; else 0. */
uint32_t aml_integer(const uint8_t *p, uint32_t avail, uint64_t *v) {
  if (avail == 0)
    return 0;
  uint32_t n;
  switch (p[0]) {
  case AML_ZERO:
    *v = 0;
    return 1;
  case AML_ONE:
    *v = 1;
    return 1;
  case AML_ONES:
    *v = UINT64_MAX;
    return 1;
  case AML_BYTE:
    n = 1;
    break;
  case AML_WORD:
    n = 2;
    break;
  case AML_DWORD:
    n = 4;
    break;
  case AML_QWORD:
    n = 8;
    break;
  default:
    return 0;
  }
  if (avail - 1 < n)
    return 0;
  *v = 0;
  for (uint32_t i = 0; i < n; i++)
    *v |= (uint64_t)p[1 + i] << (8 * i);
  return 1 + n;
}

/* Size of the data object at p (integer, string, buffer, package), or 0. */
uint32_t aml_data_len(const uint8_t *p, uint32_t avail) {
  uint64_t v;
  uint32_t n = aml_integer(p, avail, &v), len;
  if (n)
    return n;
  if (avail == 0)
    return 0;
  switch (p[0]) {
  case AML_STRING:
    for (uint32_t i = 1; i < avail; i++)
      if (p[i] == 0)
        return i + 1;
    return 0;
  case AML_BUFFER:
  case AML_PACKAGE:
  case AML_VARPACKAGE:
    return aml_pkg_length(p + 1, avail - 1, &len) ? 1 + len : 0;
  default:
    return 0;
  }
}

/* The bytes of the Buffer object at p (already sized by aml_data_len). */
bool aml_buffer_bytes(const uint8_t *p, uint32_t size, const uint8_t **b,
                      uint32_t *n) {
  uint32_t len, enc, isz;
  uint64_t declared;
  if (size < 2 || p[0] != AML_BUFFER ||
      !(enc = aml_pkg_length(p + 1, size - 1, &len)) ||
      !(isz = aml_integer(p + 1 + enc, len - enc, &declared)))
    return false;
  uint32_t have = len - enc - isz; /* bytes present; the rest would be 0 */
  *b = p + 1 + enc + isz;
  *n = declared < have ? (uint32_t)declared : have;
  return true;
}
