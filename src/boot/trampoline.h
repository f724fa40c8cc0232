/* The code kexec jumps to for kernels that start in 32-bit protected mode
 * (Multiboot 1 and 2, the Linux 32-bit boot protocol). The running kernel
 * enters it in 64-bit mode with every RAM page identity-mapped; it loads its
 * own GDT (flat 32-bit code at selector 0x10, data at 0x18, as Linux's
 * boot protocol wants), drops to 32-bit protected mode with paging and long
 * mode off, optionally puts the VGA adapter back in 80x25 text mode, sets
 * EAX, EBX, ESI (EBP, EDI, ECX zero) and jumps to the kernel's entry.
 * It is position-independent: copy it anywhere below 4 GiB and enter at its
 * first byte. */
#ifndef KL_TRAMPOLINE_H
#define KL_TRAMPOLINE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tramp_regs {
	uint32_t eax, ebx, esi, entry;
	bool reset_vga;
};

/* The trampoline's size in bytes (well under a page). */
size_t trampoline_size(void);
/* Writes the trampoline with these registers into buf (trampoline_size() bytes). */
void trampoline_build(unsigned char *buf, const struct tramp_regs *r);
/* Where the register values sit inside the trampoline (for tests). */
#define TRAMP_PARAM_EAX 0
#define TRAMP_PARAM_EBX 4
#define TRAMP_PARAM_ESI 8
#define TRAMP_PARAM_ENTRY 12
#define TRAMP_PARAM_VGA 16
size_t trampoline_params_offset(void);

#endif
