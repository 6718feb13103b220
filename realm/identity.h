/* identity.h: who a realm is. Its path names it (r/<namespace>/<name>);
 * its address is derived from the path alone, so it stays the same when the
 * code changes; its code hash is the SHA-256 of its module's bytes, so it
 * changes with the code.
 *
 * The address is the first 20 bytes of SHA-256("realm:" || path): the
 * prefix keeps a realm's address apart from the hash of anything else that
 * is hashed here (a module, say), and 20 bytes keep the chance of two paths
 * meeting at 2^-80 for a given pair. */
#ifndef REALMOS_REALM_IDENTITY_H
#define REALMOS_REALM_IDENTITY_H

#include <stddef.h>
#include <stdint.h>

#include "kapi.h"
#include "sha256.h"

#define REALM_PATH_MAX 64 /* bytes, without a terminating NUL */
#define REALM_ADDR_BYTES 20
#define REALM_ADDR_HEX (2 * REALM_ADDR_BYTES + 1) /* with its NUL */

typedef struct {
  char path[REALM_PATH_MAX + 1]; /* NUL-terminated */
  uint8_t address[REALM_ADDR_BYTES];
  uint8_t code_hash[SHA256_BYTES];
} realm_identity_t;

/* KERR_OK when path[0..len) is a realm's path: "r/", then two or more
 * segments separated by '/', each of one or more lowercase letters, digits
 * or '_', at most REALM_PATH_MAX bytes in all; KERR_INVALID otherwise. */
kerr_t realm_path_check(const char *path, size_t len);

/* The address of the realm at path[0..len) (checked or not). */
void realm_address(const char *path, size_t len, uint8_t out[REALM_ADDR_BYTES]);

/* The address as 40 lowercase hex digits and a NUL. */
void realm_address_hex(const uint8_t address[REALM_ADDR_BYTES],
                       char out[REALM_ADDR_HEX]);

/* Fill id for the realm at path[0..len) whose module is code[0..code_len):
 * KERR_INVALID (id untouched) when the path is not a realm's. */
kerr_t realm_identity_init(realm_identity_t *id, const char *path, size_t len,
                           const uint8_t *code, size_t code_len);

#endif
