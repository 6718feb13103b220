/* adder (r/bench/adder): the callee of callbench's cross(n). */
#include "realm.h"

REALM_EXPORT(add) int64_t add(int64_t a, int64_t b) { return a + b; }
