/* values.c: the spec tests' value encodings (README of the data folder):
 * integers and floats are unsigned decimal strings of their bit patterns,
 * expected floats may be "nan:canonical" or "nan:arithmetic", references
 * are "null" or a host number N ("ref.extern N", which the engine sees as
 * N + 1 since 0 is its null). */
#include "runner.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint8_t value_type(const char *name) {
  if (!name)
    return 0;
  if (!strcmp(name, "i32"))
    return WASM_I32;
  if (!strcmp(name, "i64"))
    return WASM_I64;
  if (!strcmp(name, "f32"))
    return WASM_F32;
  if (!strcmp(name, "f64"))
    return WASM_F64;
  if (!strcmp(name, "funcref"))
    return WASM_FUNCREF;
  if (!strcmp(name, "externref"))
    return WASM_EXTERNREF;
  return 0;
}

const char *value_type_name(uint8_t type) {
  switch (type) {
  case WASM_I32:
    return "i32";
  case WASM_I64:
    return "i64";
  case WASM_F32:
    return "f32";
  case WASM_F64:
    return "f64";
  case WASM_FUNCREF:
    return "funcref";
  case WASM_EXTERNREF:
    return "externref";
  default:
    return "?";
  }
}

static bool parse_u64(const char *s, uint64_t max, uint64_t *out) {
  if (!s || !*s || *s < '0' || *s > '9')
    return false;
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || *end || v > max)
    return false;
  *out = v;
  return true;
}

bool value_parse(const json *v, uint8_t *type, wasm_value *out, char *err,
                 size_t errlen) {
  const char *tn = json_get_str(v, "type");
  const char *val = json_get_str(v, "value");
  uint8_t t = value_type(tn);
  uint64_t bits;
  memset(out, 0, sizeof *out);
  *type = t;
  if (!t) {
    snprintf(err, errlen, "unsupported value type '%s'", tn ? tn : "(none)");
    return false;
  }
  if (!val) {
    snprintf(err, errlen, "%s value without a string \"value\"", tn);
    return false;
  }
  switch (t) {
  case WASM_I32:
  case WASM_F32:
    if (!parse_u64(val, UINT32_MAX, &bits))
      break;
    out->i32 = (uint32_t)bits;
    return true;
  case WASM_I64:
  case WASM_F64:
    if (!parse_u64(val, UINT64_MAX, &bits))
      break;
    out->i64 = bits;
    return true;
  case WASM_FUNCREF:
    if (!strcmp(val, "null"))
      return true;
    break; /* only null appears for funcref */
  case WASM_EXTERNREF:
    if (!strcmp(val, "null"))
      return true;
    if (!parse_u64(val, UINT64_MAX - 1, &bits))
      break;
    out->ref = bits + 1;
    return true;
  }
  snprintf(err, errlen, "bad %s value '%s'", tn, val);
  return false;
}

bool value_match(const json *expected, wasm_value got) {
  const char *tn = json_get_str(expected, "type");
  const char *val = json_get_str(expected, "value");
  uint8_t t = value_type(tn);
  uint64_t bits;
  if (!t || !val)
    return false;
  switch (t) {
  case WASM_I32:
    return parse_u64(val, UINT32_MAX, &bits) && (uint32_t)bits == got.i32;
  case WASM_I64:
    return parse_u64(val, UINT64_MAX, &bits) && bits == got.i64;
  case WASM_F32: {
    uint32_t g = got.i32;
    bool nan = (g & 0x7f800000u) == 0x7f800000u && (g & 0x007fffffu) != 0;
    if (!strcmp(val, "nan:canonical"))
      return (g & 0x7fffffffu) == 0x7fc00000u;
    if (!strcmp(val, "nan:arithmetic"))
      return nan && (g & 0x00400000u);
    return parse_u64(val, UINT32_MAX, &bits) && (uint32_t)bits == g;
  }
  case WASM_F64: {
    uint64_t g = got.i64;
    bool nan = (g & 0x7ff0000000000000ull) == 0x7ff0000000000000ull &&
               (g & 0x000fffffffffffffull) != 0;
    if (!strcmp(val, "nan:canonical"))
      return (g & 0x7fffffffffffffffull) == 0x7ff8000000000000ull;
    if (!strcmp(val, "nan:arithmetic"))
      return nan && (g & 0x0008000000000000ull);
    return parse_u64(val, UINT64_MAX, &bits) && bits == g;
  }
  case WASM_FUNCREF:
    /* Only "null" appears; a non-null funcref never matches it. */
    if (!strcmp(val, "null"))
      return got.ref == 0;
    return got.ref != 0;
  case WASM_EXTERNREF:
    if (!strcmp(val, "null"))
      return got.ref == 0;
    return parse_u64(val, UINT64_MAX - 1, &bits) && got.ref == bits + 1;
  }
  return false;
}

void value_format(char *buf, size_t n, uint8_t type, wasm_value v) {
  switch (type) {
  case WASM_I32:
    snprintf(buf, n, "i32:0x%08" PRIx32 " (%" PRId32 ")", v.i32,
             (int32_t)v.i32);
    break;
  case WASM_I64:
    snprintf(buf, n, "i64:0x%016" PRIx64 " (%" PRId64 ")", v.i64,
             (int64_t)v.i64);
    break;
  case WASM_F32: {
    float f;
    memcpy(&f, &v.i32, sizeof f);
    snprintf(buf, n, "f32:0x%08" PRIx32 " (%.9g)", v.i32, (double)f);
    break;
  }
  case WASM_F64:
    snprintf(buf, n, "f64:0x%016" PRIx64 " (%.17g)", v.i64, v.f64);
    break;
  case WASM_FUNCREF:
    if (!v.ref)
      snprintf(buf, n, "funcref:null");
    else
      snprintf(buf, n, "funcref:0x%" PRIx64, v.ref);
    break;
  case WASM_EXTERNREF:
    if (!v.ref)
      snprintf(buf, n, "externref:null");
    else
      snprintf(buf, n, "externref:ref.extern %" PRIu64, v.ref - 1);
    break;
  default:
    snprintf(buf, n, "?:0x%016" PRIx64, v.i64);
  }
}

void expected_format(char *buf, size_t n, const json *expected) {
  const char *tn = json_get_str(expected, "type");
  const char *val = json_get_str(expected, "value");
  uint8_t t = value_type(tn);
  wasm_value v;
  uint8_t type;
  char err[8];
  if (!val) {
    snprintf(buf, n, "%s", tn ? tn : "?");
  } else if (t && strncmp(val, "nan:", 4) &&
             value_parse(expected, &type, &v, err, sizeof err)) {
    value_format(buf, n, type, v);
  } else {
    snprintf(buf, n, "%s:%s", tn ? tn : "?", val);
  }
}

void name_format(char *buf, size_t n, const char *s, size_t len) {
  size_t o = 0;
  if (!n)
    return;
  for (size_t i = 0; i < len && o + 5 < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"')
      buf[o++] = (char)c;
    else
      o += (size_t)snprintf(buf + o, n - o, "\\%02x", c);
  }
  buf[o] = '\0';
}
