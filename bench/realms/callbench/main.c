/* callbench (r/bench/callbench): the calls that bench/sec_realms.py times,
 * each export run as one gateway request.
 *
 *   intra(n)  n calls of add(), a function of this realm kept out of line
 *   cross(n)  n calls of r/bench/adder's add(a, b) through realm_call(),
 *             two scalar arguments and a scalar result each
 *   nop()     returns at once: the empty transaction
 *
 * Both loops feed each result into the next call, so that neither call can
 * be left out or hoisted; both return the sum, which the bench checks. */
#include "realm.h"

__attribute__((noinline)) static int64_t add(int64_t a, int64_t b) {
  return a + b;
}

REALM_EXPORT(intra) int64_t intra(int64_t n) {
  int64_t acc = 0;
  for (int64_t i = 0; i < n; i++)
    acc = add(acc, i);
  return acc;
}

static const char adder[] = "r/bench/adder";
static const char fn[] = "add";

REALM_EXPORT(cross) int64_t cross(int64_t n) {
  struct realm_call c = {
      .path = adder,
      .path_len = sizeof(adder) - 1,
      .fn = fn,
      .fn_len = sizeof(fn) - 1,
      .nargs = 2,
  };
  int64_t acc = 0;
  for (int64_t i = 0; i < n; i++) {
    c.args[0] =
        (struct realm_arg){.kind = REALM_ARG_SCALAR, .v = (uint64_t)acc};
    c.args[1] = (struct realm_arg){.kind = REALM_ARG_SCALAR, .v = (uint64_t)i};
    int32_t s = realm_call(&c);
    if (s != REALM_OK)
      realm_abort("callbench: add failed");
    acc = c.result;
  }
  return acc;
}

REALM_EXPORT(nop) void nop(void) {}
