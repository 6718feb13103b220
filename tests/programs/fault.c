/* fault.c: a deliberate trap, to see the platform's panic report. It runs an
 * illegal instruction (what __builtin_trap() compiles to: ud2, udf, unimp);
 * the platform must print the report and stop the machine. */
#include "kapi.h"

void kmain_usermain(kernel_t *k) {
  (void)k;
  printk("fault: executing an illegal instruction\n");
  __builtin_trap();
}
