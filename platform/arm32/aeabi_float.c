/* aeabi_float.c (arm32): the RTABI names (IHI 0043, 4.1.2) of the
 * conversions between floats and 64-bit integers, which clang calls on
 * arm-none-eabi instead of the libgcc names. The arithmetic is in
 * platform/common/float64conv.c. These helpers take and return values in
 * core registers even on a hard-float target (the base procedure call
 * standard), hence pcs("aapcs"): a double in r0:r1, a float in r0. */
#include <stdint.h>

#include "../common/float64conv.h"

#define BASE_PCS __attribute__((pcs("aapcs")))

BASE_PCS int64_t __aeabi_d2lz(double a);
BASE_PCS uint64_t __aeabi_d2ulz(double a);
BASE_PCS int64_t __aeabi_f2lz(float a);
BASE_PCS uint64_t __aeabi_f2ulz(float a);
BASE_PCS double __aeabi_l2d(int64_t a);
BASE_PCS double __aeabi_ul2d(uint64_t a);
BASE_PCS float __aeabi_l2f(int64_t a);
BASE_PCS float __aeabi_ul2f(uint64_t a);

BASE_PCS int64_t __aeabi_d2lz(double a) { return __fixdfdi(a); }
BASE_PCS uint64_t __aeabi_d2ulz(double a) { return __fixunsdfdi(a); }
BASE_PCS int64_t __aeabi_f2lz(float a) { return __fixsfdi(a); }
BASE_PCS uint64_t __aeabi_f2ulz(float a) { return __fixunssfdi(a); }
BASE_PCS double __aeabi_l2d(int64_t a) { return __floatdidf(a); }
BASE_PCS double __aeabi_ul2d(uint64_t a) { return __floatundidf(a); }
BASE_PCS float __aeabi_l2f(int64_t a) { return __floatdisf(a); }
BASE_PCS float __aeabi_ul2f(uint64_t a) { return __floatundisf(a); }
