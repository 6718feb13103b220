/* fdt.c: find /cpus/timebase-frequency in a flattened device tree (the
 * devicetree specification, "Flattened Devicetree (DTB) Format"). Every
 * read is checked against the sizes in the header.
 *
 * Header, big-endian 32-bit words: magic 0xd00dfeed, totalsize,
 * off_dt_struct, off_dt_strings, off_mem_rsvmap, version,
 * last_comp_version, boot_cpuid_phys, size_dt_strings, size_dt_struct.
 * The structure block is a stream of 4-byte aligned tokens:
 *   1 BEGIN_NODE  name, NUL-terminated, padded
 *   2 END_NODE
 *   3 PROP        u32 len, u32 name offset in the strings block, value
 *   4 NOP
 *   9 END */
#include <stdbool.h>
#include <stddef.h>

#include "byteorder.h"
#include "fdt.h"

#define FDT_MAGIC 0xd00dfeedu
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE 2
#define FDT_PROP 3
#define FDT_NOP 4
#define FDT_END 9

/* The NUL-terminated string at s, within [s, end), equals want. */
static bool str_is(const uint8_t *s, const uint8_t *end, const char *want) {
  for (; s < end; s++, want++) {
    if (*s != (uint8_t)*want)
      return false;
    if (*s == 0)
      return true;
  }
  return false;
}

uint32_t fdt_timebase_hz(const void *fdt) {
  const uint8_t *b = fdt;
  if (b == NULL || get_be32(b) != FDT_MAGIC || get_be32(b + 20) < 17)
    return 0; /* version 17 added size_dt_struct */
  uint32_t total = get_be32(b + 4), off_struct = get_be32(b + 8),
           off_strings = get_be32(b + 12), size_strings = get_be32(b + 32),
           size_struct = get_be32(b + 36);
  if (off_struct > total || size_struct > total - off_struct ||
      off_strings > total || size_strings > total - off_strings)
    return 0;
  const uint8_t *p = b + off_struct, *end = p + size_struct;
  const uint8_t *strings = b + off_strings;
  int depth = 0;        /* the root node is depth 1, /cpus depth 2 */
  bool in_cpus = false; /* the last node opened at depth 2 is /cpus */
  while (end - p >= 4) {
    uint32_t token = get_be32(p);
    p += 4;
    if (token == FDT_BEGIN_NODE) {
      const uint8_t *name = p;
      while (p < end && *p)
        p++;
      if (p == end)
        return 0;
      if (++depth == 2)
        in_cpus = str_is(name, end, "cpus");
      p += 4 - (size_t)(p - b) % 4; /* past the NUL, to 4-byte alignment */
    } else if (token == FDT_END_NODE) {
      if (in_cpus && depth == 2)
        return 0; /* /cpus had no timebase-frequency */
      depth--;
    } else if (token == FDT_PROP) {
      if (end - p < 8)
        return 0;
      uint32_t len = get_be32(p), name = get_be32(p + 4);
      p += 8;
      if (len > (size_t)(end - p) || name >= size_strings)
        return 0;
      if (in_cpus && depth == 2 &&
          str_is(strings + name, strings + size_strings,
                 "timebase-frequency")) {
        if (len == 4)
          return get_be32(p);
        if (len == 8 && get_be32(p) == 0) /* a u64 that fits */
          return get_be32(p + 4);
        return 0;
      }
      p += (len + 3) & ~3u;
    } else if (token != FDT_NOP) {
      break; /* FDT_END, or garbage */
    }
  }
  return 0;
}
