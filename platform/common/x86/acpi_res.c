/* acpi_res.c: a resource template (the bytes of a _CRS buffer), decoded
 * just far enough for a virtio-mmio device (pure: see acpi_parse.h).
 *
 * Facts used (ACPI 6.x, 6.4): a template is a list of descriptors ending
 * with the End Tag (small type 0xF, byte 0x79, then a checksum byte).
 *  Small descriptor: byte 0 bit 7 clear; type in bits 3-6, data length in
 *        bits 0-2; the data follows.
 *  Large descriptor: byte 0 bit 7 set, type in bits 0-6; data length u16 at
 *        1; the data follows at 3.
 *  Memory32Fixed: large type 0x06 (byte 0x86), length 9: information u8 at
 *        3, base (u32) at 4, range length (u32) at 8.
 *  Extended Interrupt: large type 0x09 (byte 0x89), length >= 6: flags u8
 *        at 3, interrupt count u8 at 4, then count u32 interrupt numbers
 *        (GSIs) from 5.
 * QEMU 7.2's microvm gives each virtio-mmio device Memory32Fixed(base,
 * 0x200) and one Extended Interrupt (level, active high). */
#include "acpi_parse.h"

#define SMALL_END 0x0fu
#define LARGE_MEM32_FIXED 0x06u
#define LARGE_EXT_IRQ 0x09u

bool acpi_res_mmio(const uint8_t *b, uint32_t n, acpi_mmio_res_t *out) {
  bool mem = false, irq = false;
  uint32_t off = 0;
  while (off < n) {
    uint8_t tag = b[off];
    const uint8_t *d;
    uint32_t dlen;
    if (tag & 0x80) {
      if (n - off < 3)
        return false;
      dlen = acpi_le16(b + off + 1);
      d = b + off + 3;
      if (dlen > n - off - 3)
        return false;
      if ((tag & 0x7f) == LARGE_MEM32_FIXED && dlen >= 9 && !mem) {
        out->base = acpi_le32(d + 1);
        out->size = acpi_le32(d + 5);
        mem = true;
      } else if ((tag & 0x7f) == LARGE_EXT_IRQ && dlen >= 6 && !irq) {
        uint8_t count = d[1];
        if (count == 0 || 2u + 4u * count > dlen)
          return false;
        out->gsi = acpi_le32(d + 2);
        irq = true;
      }
      off += 3 + dlen;
    } else {
      if (((tag >> 3) & 0x0f) == SMALL_END)
        break;
      dlen = tag & 7u;
      if (dlen > n - off - 1)
        return false;
      off += 1 + dlen;
    }
  }
  return mem && irq && out->size != 0;
}
