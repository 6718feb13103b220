/* wasm_writer.c: see wasm_writer.h. */
#include "wasm_writer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ww_put(wasm_writer *w, const void *p, size_t n) {
  if (n == 0)
    return; /* p may be NULL (an empty writer's buffer) */
  if (w->n + n > w->cap) {
    w->cap = (w->n + n) * 2;
    w->b = realloc(w->b, w->cap);
    if (!w->b) {
      fprintf(stderr, "wasm_writer: out of memory\n");
      abort();
    }
  }
  memcpy(w->b + w->n, p, n);
  w->n += n;
}

void ww_byte(wasm_writer *w, uint8_t v) { ww_put(w, &v, 1); }

void ww_repeat(wasm_writer *w, uint8_t v, size_t n) {
  for (size_t i = 0; i < n; i++)
    ww_byte(w, v);
}

void ww_uleb(wasm_writer *w, uint64_t v) {
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    ww_byte(w, v ? b | 0x80 : b);
  } while (v);
}

void ww_free(wasm_writer *w) {
  free(w->b);
  *w = (wasm_writer){0};
}

void ww_header(wasm_writer *w) {
  static const uint8_t h[8] = {0, 'a', 's', 'm', 1, 0, 0, 0};
  w->n = 0;
  ww_put(w, h, sizeof h);
}

size_t ww_open(wasm_writer *w) {
  static const uint8_t room[5] = {0};
  ww_put(w, room, sizeof room);
  return w->n - sizeof room;
}

void ww_close(wasm_writer *w, size_t at) {
  uint32_t n = (uint32_t)(w->n - at - 5);
  for (int i = 0; i < 5; i++, n >>= 7)
    w->b[at + (size_t)i] = (uint8_t)((n & 0x7f) | (i < 4 ? 0x80 : 0));
}

size_t ww_section(wasm_writer *w, uint8_t id) {
  ww_byte(w, id);
  return ww_open(w);
}

void ww_section_from(wasm_writer *w, uint8_t id, wasm_writer *s) {
  ww_byte(w, id);
  ww_uleb(w, s->n);
  ww_put(w, s->b, s->n);
  s->n = 0;
}
