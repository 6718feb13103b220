/* reader.h: a cursor over the module's bytes with the binary format's
 * integer encodings (LEB128, spec 5.2.2). Every read checks the end; the
 * first failure sets err and later reads return 0, so a caller may read a
 * run of fields and test once. */
#ifndef REALM_WASM_READER_H
#define REALM_WASM_READER_H

#include <stdbool.h>
#include <stdint.h>

typedef struct wasm_reader {
  const uint8_t *p, *end;
  const uint8_t *start; /* of the whole binary, for offsets */
  const char *err;      /* NULL while all is well */
} wasm_reader;

static inline uint32_t wr_offset(const wasm_reader *r) {
  return (uint32_t)(r->p - r->start);
}

static inline bool wr_fail(wasm_reader *r, const char *why) {
  if (!r->err)
    r->err = why;
  r->p = r->end;
  return false;
}

static inline bool wr_done(const wasm_reader *r) { return r->p >= r->end; }

static inline uint8_t wr_u8(wasm_reader *r) {
  if (r->p >= r->end)
    return (uint8_t)wr_fail(r, "unexpected end");
  return *r->p++;
}

/* Unsigned LEB128 of at most `bits` bits: at most ceil(bits/7) bytes, and
 * the last byte's bits above `bits` must be zero. */
static inline uint64_t wr_uleb(wasm_reader *r, unsigned bits) {
  uint64_t v = 0;
  for (unsigned shift = 0;; shift += 7) {
    if (r->p >= r->end)
      return wr_fail(r, "unexpected end");
    uint8_t b = *r->p++;
    if (shift + 7 >= bits) { /* the last byte allowed */
      unsigned used = bits - shift;
      if (b & 0x80)
        return wr_fail(r, "integer representation too long");
      if (used < 7 && (b >> used))
        return wr_fail(r, "integer too large");
      return v | (uint64_t)b << shift;
    }
    v |= (uint64_t)(b & 0x7f) << shift;
    if (!(b & 0x80))
      return v;
  }
}

/* Signed LEB128 of at most `bits` bits: the unused bits of the last byte
 * must all equal the sign bit. */
static inline int64_t wr_sleb(wasm_reader *r, unsigned bits) {
  uint64_t v = 0;
  for (unsigned shift = 0;; shift += 7) {
    if (r->p >= r->end)
      return wr_fail(r, "unexpected end");
    uint8_t b = *r->p++;
    if (shift + 7 >= bits) {
      unsigned used = bits - shift; /* value bits in this byte, sign included */
      if (b & 0x80)
        return wr_fail(r, "integer representation too long");
      if (used < 7) {
        uint8_t rest = (uint8_t)(b & 0x7f) >> (used - 1); /* sign and above */
        if (rest != 0 && rest != (0x7f >> (used - 1)))
          return wr_fail(r, "integer too large");
      }
      v |= (uint64_t)b << shift;
      if (shift + 7 < 64 && (b & 0x40))
        v |= ~(uint64_t)0 << (shift + 7);
      return (int64_t)v;
    }
    v |= (uint64_t)(b & 0x7f) << shift;
    if (!(b & 0x80)) {
      if (b & 0x40)
        v |= ~(uint64_t)0 << (shift + 7);
      return (int64_t)v;
    }
  }
}

static inline uint32_t wr_u32(wasm_reader *r) {
  return (uint32_t)wr_uleb(r, 32);
}
static inline int32_t wr_s32(wasm_reader *r) { return (int32_t)wr_sleb(r, 32); }
static inline int64_t wr_s64(wasm_reader *r) { return wr_sleb(r, 64); }

static inline uint32_t wr_fixed32(wasm_reader *r) {
  if (r->end - r->p < 4)
    return (uint32_t)wr_fail(r, "unexpected end");
  uint32_t v = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 |
               (uint32_t)r->p[2] << 16 | (uint32_t)r->p[3] << 24;
  r->p += 4;
  return v;
}

static inline uint64_t wr_fixed64(wasm_reader *r) {
  uint64_t lo = wr_fixed32(r);
  return lo | (uint64_t)wr_fixed32(r) << 32;
}

#endif
