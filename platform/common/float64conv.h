/* float64conv.h: the conversions between floats and 64-bit integers that
 * platform/common/float64conv.c gives 32-bit targets (the libgcc and
 * compiler-rt names; the compiler calls them on its own). */
#ifndef PLATFORM_COMMON_FLOAT64CONV_H
#define PLATFORM_COMMON_FLOAT64CONV_H

#include <stdint.h>

int64_t __fixdfdi(double a);
uint64_t __fixunsdfdi(double a);
int64_t __fixsfdi(float a);
uint64_t __fixunssfdi(float a);
double __floatdidf(int64_t a);
double __floatundidf(uint64_t a);
float __floatdisf(int64_t a);
float __floatundisf(uint64_t a);

#endif
