/* checksum.c: the Internet checksum (RFC 1071): the ones' complement of the
 * ones' complement sum of the data as 16-bit big-endian words. */
#include "netdefs.h"

uint32_t net_sum(uint32_t sum, const void *data, size_t len) {
  const uint8_t *p = data;
  uint64_t s = sum;
  for (; len >= 2; p += 2, len -= 2)
    s += (uint32_t)((p[0] << 8) | p[1]);
  if (len)
    s += (uint32_t)p[0] << 8;
  while (s >> 32)
    s = (s & 0xffffffffu) + (s >> 32);
  return (uint32_t)s;
}

uint16_t net_fold(uint32_t sum) {
  while (sum >> 16)
    sum = (sum & 0xffffu) + (sum >> 16);
  return (uint16_t)~sum;
}

uint32_t net_pseudo_sum(kip4_t src, kip4_t dst, uint8_t proto, uint16_t len) {
  uint64_t s = (src >> 16) + (src & 0xffffu) + (dst >> 16) + (dst & 0xffffu) +
               proto + len;
  return (uint32_t)s;
}
