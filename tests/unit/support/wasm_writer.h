/* wasm_writer.h: a WebAssembly module written byte by byte in memory, for
 * the tests and benches that build the modules they load (test_wasm_fuel,
 * test_wasm_load, bench/wasm/fuelcost). The buffer grows with realloc;
 * running out of memory ends the program. */
#ifndef TESTS_WASM_WRITER_H
#define TESTS_WASM_WRITER_H

#include <stddef.h>
#include <stdint.h>

typedef struct wasm_writer {
  uint8_t *b;
  size_t n, cap;
} wasm_writer;

void ww_put(wasm_writer *w, const void *p, size_t n);
void ww_byte(wasm_writer *w, uint8_t v);
void ww_repeat(wasm_writer *w, uint8_t v, size_t n); /* n copies of v */
void ww_uleb(wasm_writer *w, uint64_t v);            /* unsigned LEB128 */
void ww_free(wasm_writer *w);

/* Empties w and writes the magic and version 1 (spec 5.5.16). */
void ww_header(wasm_writer *w);

/* A section or a code entry whose size is only known once its content is
 * written: ww_open leaves room for the size (a fixed 5-byte LEB128, so
 * that nothing moves) and returns where; ww_close fills it in. ww_section
 * writes the section id, then opens. */
size_t ww_open(wasm_writer *w);
void ww_close(wasm_writer *w, size_t at);
size_t ww_section(wasm_writer *w, uint8_t id);

/* A section whose content was written to s: id, size, s's bytes; s is
 * emptied for the next. */
void ww_section_from(wasm_writer *w, uint8_t id, wasm_writer *s);

/* The bytes given, as a literal: WW_BYTES(w, 0x20, 0, 0x41, 1). */
#define WW_BYTES(w, ...)                                                       \
  do {                                                                         \
    static const uint8_t ww_b_[] = {__VA_ARGS__};                              \
    ww_put(w, ww_b_, sizeof ww_b_);                                            \
  } while (0)

#endif
