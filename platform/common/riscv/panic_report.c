/* panic_report.c: the report for an unexpected trap (an exception, or an
 * interrupt nobody enabled): the cause in words and its number, mtval, mepc,
 * mstatus and every general register, then platform_halt (power off with a
 * failure status). Printed with printk, a few registers per call, because
 * one printk formats at most KCONFIG_PRINTK_BUF bytes. */
#include "kapi.h"
#include "platform.h"
#include "trap_frame.h"

/* mcause exception codes (interrupt bit clear), privileged spec table 3.6. */
static const char *const g_exceptions[] = {
    [0] = "instruction address misaligned",
    [1] = "instruction access fault",
    [2] = "illegal instruction",
    [3] = "breakpoint",
    [4] = "load address misaligned",
    [5] = "load access fault",
    [6] = "store/AMO address misaligned",
    [7] = "store/AMO access fault",
    [8] = "environment call from U-mode",
    [9] = "environment call from S-mode",
    [11] = "environment call from M-mode",
    [12] = "instruction page fault",
    [13] = "load page fault",
    [15] = "store/AMO page fault",
};

/* ABI names of x0..x31. */
static const char *const g_regs[32] = {
    "zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2", "s0", "s1", "a0",
    "a1",   "a2", "a3", "a4", "a5",  "a6",  "a7", "s2", "s3", "s4", "s5",
    "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"};

#define HEX (2 * REGBYTES) /* digits in one register */

void riscv_panic_report(const trap_frame_t *tf) {
  xreg_t code = tf->mcause & ~MCAUSE_INTERRUPT;
  const char *what;
  if (tf->mcause & MCAUSE_INTERRUPT)
    what = "unexpected interrupt";
  else if (code < KARRAY_SIZE(g_exceptions) && g_exceptions[code])
    what = g_exceptions[code];
  else
    what = "unknown exception";
  printk("\npanic: %s (mcause %s%lu)\n", what,
         tf->mcause & MCAUSE_INTERRUPT ? "interrupt " : "", code);
  printk("  mepc 0x%0*lx  mtval 0x%0*lx  mstatus 0x%0*lx\n", HEX, tf->mepc, HEX,
         tf->mtval, HEX, tf->mstatus);
  for (int i = 1; i < 32; i += 4) { /* x0 is always zero */
    printk(" ");
    for (int j = i; j < i + 4 && j < 32; j++)
      printk(" %4s 0x%0*lx", g_regs[j], HEX, tf->x[j]);
    printk("\n");
  }
  platform_halt();
}
