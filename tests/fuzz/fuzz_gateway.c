/* fuzz_gateway.c: libFuzzer harness for realm/wire.c, the gateway's wire
 * format, which the kernel decodes from any UDP peer. Each input is one
 * datagram, decoded as a request and as a reply. A request the decoder
 * accepts must hold what it promised (a realm path, a function name of
 * 1..64 bytes of [a-z0-9_], at most 8 arguments, every pointer inside the
 * datagram) and encode back to exactly the input's bytes; a refused one
 * must come with a reason. The same for replies. The input is copied into
 * a buffer of exactly its size, so ASan sees any read past its end. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "identity.h"
#include "wire.h"

static int inside(const void *p, size_t len, const uint8_t *d, size_t n) {
  const uint8_t *b = p;
  return len == 0 || (b >= d && b + len <= d + n);
}

static void check_request(const uint8_t *d, size_t n) {
  struct realm_wire_request req;
  const char *why = NULL;
  realm_wire_verdict_t v = realm_wire_decode_request(d, n, &req, &why);
  if (why == NULL)
    abort();
  if (v != REALM_WIRE_OK) {
    if (why[0] == '\0' || (v == REALM_WIRE_DROP && req.id != 0))
      abort();
    return;
  }
  if (realm_path_check(req.path, req.path_len) != KERR_OK || req.fn_len == 0 ||
      req.fn_len > REALM_WIRE_FN_MAX || req.nargs > REALM_WIRE_MAX_ARGS ||
      !inside(req.path, req.path_len, d, n) ||
      !inside(req.fn, req.fn_len, d, n))
    abort();
  for (size_t i = 0; i < req.fn_len; i++) {
    char c = req.fn[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
      abort();
  }
  for (unsigned i = 0; i < req.nargs; i++)
    if (!inside(req.args[i].bytes, req.args[i].len, d, n))
      abort();
  uint8_t out[REALM_WIRE_MAX];
  if (realm_wire_encode_request(&req, out, sizeof(out)) != n ||
      memcmp(out, d, n) != 0)
    abort();
}

static void check_reply(const uint8_t *d, size_t n) {
  struct realm_wire_reply rep;
  const char *why = NULL;
  if (realm_wire_decode_reply(d, n, &rep, &why) != 0) {
    if (why == NULL || why[0] == '\0')
      abort();
    return;
  }
  if (rep.status > 0 || !inside(rep.data, rep.len, d, n))
    abort();
  uint8_t out[REALM_WIRE_MAX];
  if (realm_wire_encode_reply(&rep, out, sizeof(out)) != n ||
      memcmp(out, d, n) != 0)
    abort();
  realm_wire_status_name(rep.status);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  uint8_t *d = malloc(size ? size : 1);
  if (d == NULL)
    return 0;
  memcpy(d, data, size);
  check_request(d, size);
  check_reply(d, size);
  free(d);
  return 0;
}
