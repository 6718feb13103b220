/* identity.c: see identity.h. */
#include "identity.h"

#include "kstring.h"

#define ADDRESS_PREFIX "realm:"

static int segment_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

kerr_t realm_path_check(const char *path, size_t len) {
  if (path == NULL || len < 2 || len > REALM_PATH_MAX || path[0] != 'r' ||
      path[1] != '/')
    return KERR_INVALID;
  unsigned segments = 0;
  size_t seg_len = 0;
  for (size_t i = 2; i <= len; i++) {
    if (i == len || path[i] == '/') {
      if (seg_len == 0)
        return KERR_INVALID; /* "r//x", "r/x/", or nothing after "r/" */
      segments++;
      seg_len = 0;
    } else if (segment_char(path[i])) {
      seg_len++;
    } else {
      return KERR_INVALID;
    }
  }
  return segments >= 2 ? KERR_OK : KERR_INVALID;
}

void realm_address(const char *path, size_t len,
                   uint8_t out[REALM_ADDR_BYTES]) {
  uint8_t digest[SHA256_BYTES];
  sha256_t s;
  sha256_init(&s);
  sha256_update(&s, ADDRESS_PREFIX, sizeof(ADDRESS_PREFIX) - 1);
  sha256_update(&s, path, len);
  sha256_final(&s, digest);
  kmemcpy(out, digest, REALM_ADDR_BYTES);
}

void realm_address_hex(const uint8_t address[REALM_ADDR_BYTES],
                       char out[REALM_ADDR_HEX]) {
  static const char digits[] = "0123456789abcdef";
  for (int i = 0; i < REALM_ADDR_BYTES; i++) {
    out[2 * i] = digits[address[i] >> 4];
    out[2 * i + 1] = digits[address[i] & 15];
  }
  out[2 * REALM_ADDR_BYTES] = '\0';
}

kerr_t realm_identity_init(realm_identity_t *id, const char *path, size_t len,
                           const uint8_t *code, size_t code_len) {
  if (realm_path_check(path, len) != KERR_OK)
    return KERR_INVALID;
  kmemcpy(id->path, path, len);
  id->path[len] = '\0';
  realm_address(path, len, id->address);
  sha256(code, code_len, id->code_hash);
  return KERR_OK;
}
