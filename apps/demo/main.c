/* main.c: the demo as the kernel's program (build/<p>/kernel.elf). */
#include "demo.h"

void kmain_usermain(kernel_t *k) { demo_main(k); }
