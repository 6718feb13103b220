/* decode.c: wasm_module_load, the frame of the binary format (spec 5.5):
 * header, the sections in their order, custom sections, names; then the
 * checks that need the whole module and the compilation of the bodies.
 * The sections themselves are in decode_sec.c and decode_seg.c. */
#include "decode.h"

static void copy_reason(char *dst, size_t cap, const char *a, const char *b) {
  size_t n = 0;
  for (; a && *a && n + 1 < cap; a++)
    dst[n++] = *a;
  for (; b && *b && n + 1 < cap; b++)
    dst[n++] = *b;
  dst[n] = 0;
}

void wasm_error_set(wasm_error *err, uint8_t kind, const char *section,
                    uint32_t offset, const char *reason) {
  if (!err)
    return;
  err->kind = kind;
  err->section = section ? section : "";
  err->offset = offset;
  copy_reason(err->reason, sizeof err->reason, reason, NULL);
}

static bool same(const char *a, const char *b) {
  while (*a && *a == *b)
    a++, b++;
  return *a == *b;
}

bool wd_malformed(wasm_decoder *d, const char *why) {
  if (!d->fatal) {
    wasm_error_set(d->err, WASM_ERR_MALFORMED, d->sec, wr_offset(&d->r), why);
    d->fatal = true;
  }
  wr_fail(&d->r, why);
  return false;
}

void wd_invalid(wasm_decoder *d, uint32_t off, const char *why, bool has_idx,
                uint32_t idx) {
  if (d->invalid)
    return;
  d->invalid = true;
  char num[12], *p = num + sizeof num;
  *--p = 0;
  do
    *--p = (char)('0' + idx % 10);
  while (idx /= 10);
  *--p = ' ';
  wasm_error_set(&d->inv, WASM_ERR_INVALID, d->sec, off, "");
  copy_reason(d->inv.reason, sizeof d->inv.reason, why, has_idx ? p : NULL);
}

bool wd_limit(wasm_decoder *d, const char *why) {
  if (!d->fatal) {
    wasm_error_set(d->err, WASM_ERR_LIMIT, d->sec, wr_offset(&d->r), why);
    d->fatal = true;
  }
  wr_fail(&d->r, why);
  return false;
}

void *wd_alloc(wasm_decoder *d, uint32_t count, size_t size, size_t align) {
  void *p = NULL;
  if (size == 0 || count <= SIZE_MAX / size)
    p = wasm_arena_alloc(d->a, (size_t)count * size, align);
  if (!p)
    wd_limit(d, "out of arena memory");
  return p;
}

uint32_t wd_count(wasm_decoder *d) {
  uint32_t n = wr_u32(&d->r);
  if (n > (uint64_t)(d->r.end - d->r.p)) {
    wr_fail(&d->r, "unexpected end");
    return 0;
  }
  return n;
}

/* UTF-8 as Unicode defines it (spec 5.2.4): shortest form only, no
 * surrogates, nothing above U+10FFFF. */
static bool utf8_ok(const uint8_t *s, uint32_t n) {
  uint32_t i = 0;
  while (i < n) {
    uint8_t c = s[i];
    uint32_t need, min, cp;
    if (c < 0x80) {
      i++;
      continue;
    }
    if ((c & 0xe0) == 0xc0)
      need = 1, min = 0x80, cp = c & 0x1f;
    else if ((c & 0xf0) == 0xe0)
      need = 2, min = 0x800, cp = c & 0x0f;
    else if ((c & 0xf8) == 0xf0)
      need = 3, min = 0x10000, cp = c & 0x07;
    else
      return false;
    if (n - i - 1 < need)
      return false;
    for (uint32_t k = 1; k <= need; k++) {
      uint8_t b = s[i + k];
      if ((b & 0xc0) != 0x80)
        return false;
      cp = cp << 6 | (b & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
      return false;
    i += need + 1;
  }
  return true;
}

bool wd_name(wasm_decoder *d, const char **s, uint32_t *len) {
  uint32_t n = wr_u32(&d->r);
  if (d->r.err)
    return false;
  if (n > (uint64_t)(d->r.end - d->r.p))
    return wd_malformed(d, "length out of bounds");
  if (!utf8_ok(d->r.p, n))
    return wd_malformed(d, "malformed UTF-8 encoding");
  *s = (const char *)d->r.p;
  *len = n;
  d->r.p += n;
  return true;
}

/* A type byte, which the reference decoder reads as a signed LEB128 of 7
 * bits (so 0x80 is "integer representation too long"): -0x01 is 0x7f. */
static bool type_byte(wasm_decoder *d, uint8_t *b) {
  int64_t v = wr_sleb(&d->r, 7);
  *b = (uint8_t)(v & 0x7f);
  return !d->r.err;
}

/* spec 5.3.1, 5.3.3 */
bool wd_valtype(wasm_decoder *d, uint8_t *t) {
  uint8_t b;
  if (!type_byte(d, &b))
    return false;
  if (!wasm_is_valtype(b)) {
    d->r.p--;
    return wd_malformed(d, "malformed value type");
  }
  *t = b;
  return true;
}

bool wd_reftype(wasm_decoder *d, uint8_t *t) {
  uint8_t b;
  if (!type_byte(d, &b))
    return false;
  if (!wasm_is_reftype(b)) {
    d->r.p--;
    return wd_malformed(d, "malformed reference type");
  }
  *t = b;
  return true;
}

/* spec 5.5.2: custom sections hold a name and bytes we do not use. */
static bool custom(wasm_decoder *d) {
  const char *name;
  uint32_t len;
  const uint8_t *end = d->r.end;
  d->r.end = d->sec_end;
  bool ok = wd_name(d, &name, &len);
  d->r.p = d->sec_end;
  d->r.end = end;
  return ok;
}

static const char *const section_names[13] = {
    "custom", "type",  "import",  "function", "table", "memory",    "global",
    "export", "start", "element", "code",     "data",  "datacount",
};

/* The required order (spec 5.5.2): data count comes before code. */
static const uint8_t section_rank[13] = {
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10,
};

static bool (*const section_fn[13])(wasm_decoder *) = {
    custom,      wd_types,   wd_imports,   wd_functions, wd_tables,
    wd_memories, wd_globals, wd_exports,   wd_start,     wd_elems,
    wd_code,     wd_datas,   wd_datacount,
};

/* One section at d->r (the whole rest of the binary); advances past it. */
static bool section(wasm_decoder *d, uint8_t *last) {
  wasm_reader *r = &d->r;
  uint32_t off = wr_offset(r);
  uint8_t id = wr_u8(r);
  uint32_t size = wr_u32(r);
  d->sec = id < 13 ? section_names[id] : "";
  if (r->err)
    return wd_malformed(d, r->err);
  if (id >= 13) {
    r->p = r->start + off;
    return wd_malformed(d, "malformed section id");
  }
  if (size > (uint64_t)(r->end - r->p))
    return wd_malformed(d, "length out of bounds");
  if (id != 0) {
    if (section_rank[id] <= *last) {
      r->p = r->start + off;
      return wd_malformed(d, "unexpected content after last section");
    }
    *last = section_rank[id];
  }
  d->sec_end = r->p + size;
  if (!section_fn[id](d) || r->err) {
    if (d->fatal)
      return false;
    const char *why = r->err ? r->err : "unexpected end";
    if (same(why, "unexpected end"))
      why = "unexpected end of section or function";
    return wd_malformed(d, why);
  }
  if (r->p != d->sec_end)
    return wd_malformed(d, "section size mismatch");
  return true;
}

/* What needs the whole module: spec 5.5.16's count checks, then the
 * function bodies (compile.c validates and compiles them). */
static bool finish(wasm_decoder *d) {
  wasm_module *m = d->m;
  d->sec = "";
  if (d->nfuncdefs && !d->has_code)
    return wd_malformed(d,
                        "function and code section have inconsistent lengths");
  if (m->has_datacount && !d->has_data && m->ndatas) {
    d->sec = "datacount";
    return wd_malformed(
        d, "data count and data section have inconsistent lengths");
  }
  if (d->invalid) {
    *d->err = d->inv;
    return false;
  }
  for (uint32_t i = 0; i < d->nfuncdefs; i++)
    if (!wasm_compile(m, i, d->a, d->err)) {
      if (d->err->kind == WASM_ERR_NONE)
        wasm_error_set(d->err, WASM_ERR_INVALID, "code",
                       m->funcdefs[i].body_offset, "invalid function body");
      /* An invalid body: a later one may still be malformed, which the
       * spec (decoding before validating) reports instead. */
      for (uint32_t j = i + 1;
           d->err->kind == WASM_ERR_INVALID && j < d->nfuncdefs; j++) {
        uint32_t at = 0;
        const char *why = wasm_scan_body(m, &m->funcdefs[j], &at);
        if (why)
          wasm_error_set(d->err, WASM_ERR_MALFORMED, "code", at, why);
      }
      return false;
    }
  return true;
}

static bool load(wasm_decoder *d, const uint8_t *bytes, size_t len) {
  static const uint8_t magic[4] = {0x00, 0x61, 0x73, 0x6d};
  wasm_reader *r = &d->r;
  d->sec = "header";
  if (len > d->lim->max_module_bytes) {
    wasm_error_set(d->err, WASM_ERR_LIMIT, "header", 0, "module too large");
    return false;
  }
  r->start = r->p = bytes;
  r->end = bytes + len;
  if (len < 4)
    return wd_malformed(d, "unexpected end");
  if (__builtin_memcmp(bytes, magic, 4))
    return wd_malformed(d, "magic header not detected");
  r->p += 4;
  if (len < 8)
    return wd_malformed(d, "unexpected end");
  if (wr_fixed32(r) != 1) {
    r->p -= 4;
    return wd_malformed(d, "unknown binary version");
  }
  wasm_module *m = d->m = wd_alloc(d, 1, sizeof *m, _Alignof(wasm_module));
  if (!m)
    return false;
  m->bytes = bytes;
  m->len = len;
  uint8_t last = 0;
  while (!wr_done(r))
    if (!section(d, &last))
      return false;
  return finish(d);
}

wasm_module *wasm_module_load(const uint8_t *bytes, size_t len, wasm_arena *a,
                              const wasm_limits *lim, wasm_error *err) {
  wasm_error spare;
  wasm_decoder d;
  __builtin_memset(&d, 0, sizeof d);
  d.a = a;
  d.lim = lim ? lim : &wasm_default_limits;
  d.err = err ? err : &spare;
  wasm_error_set(d.err, WASM_ERR_NONE, "", 0, "");
  size_t mark = a->used;
  if (!bytes && len)
    len = 0;
  if (load(&d, bytes, len))
    return d.m;
  a->used = mark; /* nothing of the failed module is kept */
  return NULL;
}
