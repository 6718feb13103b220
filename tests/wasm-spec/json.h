/* json.h: a small JSON parser for the spec tests' command files.
 *
 * Parses a whole document into a tree of malloc'd nodes: objects, arrays,
 * strings (escapes decoded, \uXXXX with surrogate pairs to UTF-8; a string
 * keeps its length, so "\u0000" survives), numbers (as double), true, false
 * and null. No third-party code. */
#ifndef WASM_SPEC_JSON_H
#define WASM_SPEC_JSON_H

#include <stdbool.h>
#include <stddef.h>

enum json_type {
  JSON_NULL,
  JSON_BOOL,
  JSON_NUMBER,
  JSON_STRING,
  JSON_ARRAY,
  JSON_OBJECT
};

typedef struct json {
  enum json_type type;
  bool boolean;
  double number;
  char *str;          /* JSON_STRING: NUL-terminated, len bytes */
  size_t len;         /* string length, or element count */
  struct json *items; /* array elements or object values */
  char **keys;        /* object keys (NUL-terminated) */
  size_t *key_lens;
} json;

/* Parses text[0, n). On failure returns false and writes a message with the
 * line number to err; *out is then empty (nothing to free). */
bool json_parse(const char *text, size_t n, json *out, char *err,
                size_t errlen);
void json_free(json *v);

/* The member named key of an object, or NULL (also for a non-object). */
const json *json_get(const json *obj, const char *key);
/* The string member named key, or NULL when absent or not a string. */
const char *json_get_str(const json *obj, const char *key);
/* Element i of an array, or NULL. */
const json *json_at(const json *arr, size_t i);
/* Number of elements of an array (0 for anything else). */
size_t json_count(const json *arr);

#endif
