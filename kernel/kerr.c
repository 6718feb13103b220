/* kerr.c: names for error codes. */
#include "kapi.h"

const char *kerr_str(kerr_t err) {
  static const char *const names[] = {
      "ok",          "invalid argument", "wrong state", "busy",
      "no device",   "no space",         "I/O error",   "timed out",
      "cancelled",   "out of range",     "read-only",   "not bound",
      "unreachable", "unsupported",
  };
  if (err > 0 || err <= -(kerr_t)KARRAY_SIZE(names)) /* no -INT32_MIN */
    return "unknown error";
  return names[-err];
}
