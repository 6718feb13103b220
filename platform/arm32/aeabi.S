/* aeabi.S (arm32): the 64-bit division entry points of the ARM run-time ABI
 * (RTABI, IHI 0043). The compiler calls these for / and % on 64-bit
 * operands; the arithmetic is __udivmoddi4 in platform/common/divide64.c.
 * Their return convention is special, hence assembly: quotient in r0:r1 and
 * remainder in r2:r3. Operands: numerator r0:r1, denominator r2:r3.
 * Division by zero gives what __udivmoddi4 gives (all ones, remainder the
 * numerator) instead of calling __aeabi_ldiv0. */
  .text
  .arm
  .syntax unified

/* uint64 n / d and n % d. __udivmoddi4(n, d, &rem) takes the pointer on the
 * stack (its fifth argument word); rem lives at sp + 8. */
  .global __aeabi_uldivmod
  .type __aeabi_uldivmod, %function
__aeabi_uldivmod:
  push {r4, lr}
  sub sp, sp, #16
  add r12, sp, #8
  str r12, [sp]
  bl __udivmoddi4
  ldr r2, [sp, #8]
  ldr r3, [sp, #12]
  add sp, sp, #16
  pop {r4, pc}
  .size __aeabi_uldivmod, . - __aeabi_uldivmod

/* int64 n / d and n % d, truncating as C does: divide the magnitudes, then
 * the quotient is negative when the signs differ and the remainder takes the
 * sign of n. Negating INT64_MIN gives 2^63, the right magnitude. */
  .global __aeabi_ldivmod
  .type __aeabi_ldivmod, %function
__aeabi_ldivmod:
  push {r4, r5, r6, lr}
  sub sp, sp, #16
  mov r4, r1          /* sign of n: the remainder's */
  eor r5, r1, r3      /* signs differ: the quotient's */
  cmp r1, #0
  bge 1f
  rsbs r0, r0, #0
  rsc r1, r1, #0
1:cmp r3, #0
  bge 2f
  rsbs r2, r2, #0
  rsc r3, r3, #0
2:add r12, sp, #8
  str r12, [sp]
  bl __udivmoddi4
  ldr r2, [sp, #8]
  ldr r3, [sp, #12]
  cmp r5, #0
  bge 3f
  rsbs r0, r0, #0
  rsc r1, r1, #0
3:cmp r4, #0
  bge 4f
  rsbs r2, r2, #0
  rsc r3, r3, #0
4:add sp, sp, #16
  pop {r4, r5, r6, pc}
  .size __aeabi_ldivmod, . - __aeabi_ldivmod
