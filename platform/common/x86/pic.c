/* pic.c: the legacy 8259A pair. Interrupts come through the IOAPIC here, so
 * the PICs are remapped off the exception vectors (firmware may leave the
 * master at vector 8, or never initialise it) and then fully masked. The
 * LAPIC's LINT0, where the PIC output arrives as ExtINT, is masked too
 * (lapic.c). On microvm with pic=off the ports are unassigned and the writes
 * do nothing. */
#include "io.h"
#include "vectors.h"
#include "x86.h"

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1

void x86_pic_disable(void) {
  x86_outb(PIC1_CMD, 0x11); /* ICW1: init, ICW4 follows, cascade, edge */
  x86_outb(PIC2_CMD, 0x11);
  x86_outb(PIC1_DATA, X86_VEC_PIC_BASE); /* ICW2: vector base */
  x86_outb(PIC2_DATA, X86_VEC_PIC_BASE + 8);
  x86_outb(PIC1_DATA, 0x04); /* ICW3: slave on master's input 2 */
  x86_outb(PIC2_DATA, 0x02); /* ICW3: slave's cascade identity */
  x86_outb(PIC1_DATA, 0x01); /* ICW4: 8086 mode */
  x86_outb(PIC2_DATA, 0x01);
  x86_outb(PIC1_DATA, 0xff); /* OCW1: mask every input */
  x86_outb(PIC2_DATA, 0xff);
}
