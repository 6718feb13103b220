/* trap.c (arm64): the panic report for an exception realmos does not
 * expect: which vector, the exception class from ESR_EL1 in words, the
 * fault address (FAR_EL1), the PC (ELR_EL1) and every general register; then
 * platform_halt(). */
#include <stdint.h>

#include "kernel.h"

struct arm64_frame { /* built by vectors.S */
  uint64_t x[31];
  uint64_t sp, elr, spsr, esr, far;
};

void arm64_trap(struct arm64_frame *f, uint64_t slot);

static const char *const g_slot_names[16] = {
    "synchronous (EL1, SP_EL0)",
    "IRQ (EL1, SP_EL0)",
    "FIQ (EL1, SP_EL0)",
    "SError (EL1, SP_EL0)",
    "synchronous",
    "IRQ",
    "FIQ",
    "SError",
    "synchronous (EL0)",
    "IRQ (EL0)",
    "FIQ (EL0)",
    "SError (EL0)",
    "synchronous (AArch32 EL0)",
    "IRQ (AArch32 EL0)",
    "FIQ (AArch32 EL0)",
    "SError (AArch32 EL0)",
};

/* ESR_EL1.EC, bits 31:26 (ARM ARM D17.2.37). */
static const char *ec_name(uint32_t ec) {
  switch (ec) {
  case 0x00:
    return "unknown reason (undefined instruction)";
  case 0x01:
    return "trapped WFI/WFE";
  case 0x07:
    return "FP/SIMD access trapped (CPACR_EL1.FPEN)";
  case 0x0e:
    return "illegal execution state";
  case 0x15:
    return "SVC instruction";
  case 0x16:
    return "HVC instruction";
  case 0x17:
    return "SMC instruction";
  case 0x18:
    return "trapped MSR/MRS/system instruction";
  case 0x20:
    return "instruction abort from EL0";
  case 0x21:
    return "instruction abort";
  case 0x22:
    return "PC alignment fault";
  case 0x24:
    return "data abort from EL0";
  case 0x25:
    return "data abort";
  case 0x26:
    return "SP alignment fault";
  case 0x2c:
    return "floating-point exception";
  case 0x2f:
    return "SError interrupt";
  case 0x30:
  case 0x31:
    return "breakpoint";
  case 0x32:
  case 0x33:
    return "software step";
  case 0x34:
  case 0x35:
    return "watchpoint";
  case 0x3c:
    return "BRK instruction";
  default:
    return "unexpected exception class";
  }
}

/* Data/instruction fault status code, ISS bits 5:0, for aborts. */
static const char *fsc_name(uint32_t fsc) {
  switch (fsc & 0x3c) {
  case 0x00:
    return "address size fault";
  case 0x04:
    return "translation fault";
  case 0x08:
    return "access flag fault";
  case 0x0c:
    return "permission fault";
  }
  switch (fsc) {
  case 0x10:
    return "synchronous external abort";
  case 0x21:
    return "alignment fault";
  case 0x30:
    return "TLB conflict abort";
  default:
    return "other fault";
  }
}

void arm64_trap(struct arm64_frame *f, uint64_t slot) {
  static bool in_panic;
  if (in_panic) /* faulted while reporting: just stop */
    platform_halt();
  in_panic = true;

  uint32_t esr = (uint32_t)f->esr;
  uint32_t ec = esr >> 26;
  printk("\npanic: %s exception: %s (ESR 0x%08x) at pc 0x%llx, far 0x%llx\n",
         g_slot_names[slot & 15], ec_name(ec), esr, (unsigned long long)f->elr,
         (unsigned long long)f->far);
  if (ec == 0x20 || ec == 0x21 || ec == 0x24 || ec == 0x25)
    printk("  %s%s, level %u\n", fsc_name(esr & 0x3f),
           (ec >= 0x24 && (esr & (1u << 6))) ? " on write" : "",
           (unsigned)(esr & 3));
  for (int i = 0; i < 31; i += 2) {
    if (i < 30)
      printk("  x%-2d 0x%016llx  x%-2d 0x%016llx\n", i,
             (unsigned long long)f->x[i], i + 1,
             (unsigned long long)f->x[i + 1]);
    else
      printk("  x30 0x%016llx  sp  0x%016llx\n", (unsigned long long)f->x[30],
             (unsigned long long)f->sp);
  }
  printk("  elr 0x%016llx  spsr 0x%08llx\n", (unsigned long long)f->elr,
         (unsigned long long)f->spsr);
  platform_halt();
}
