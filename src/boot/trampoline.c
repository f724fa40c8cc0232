#include "trampoline.h"

#include <string.h>
#include "kernel_image.h"

/* Assembled with the rest of this file, never executed in this process:
 * it is copied into the boot information segment. The VGA values are the
 * standard register set of mode 3 (80x25 text, 16 colours); the font in
 * plane 2 is left as the console had it. */
__asm__(
	".section .rodata.kl_trampoline,\"a\"\n"
	".globl kl_tramp_start, kl_tramp_end, kl_tramp_params\n"
	".hidden kl_tramp_start, kl_tramp_end, kl_tramp_params\n"
	".balign 16\n"
	".code64\n"
	"kl_tramp_start:\n"
	"	jmp 1f\n"
	"	.balign 8\n"
	"2:	.quad 0, 0\n"
	"	.quad 0x00cf9a000000ffff\n" /* 0x10: code, flat 4 GiB, 32-bit */
	"	.quad 0x00cf92000000ffff\n" /* 0x18: data, flat 4 GiB */
	"3:	.word 31\n"
	"	.quad 0\n"
	"	.balign 8\n"
	"kl_tramp_params:\n"
	"11:\n"
	"	.long 0, 0, 0, 0, 0, 0\n"
	"1:	cli\n"
	"	cld\n"
	"	lea 2b(%rip), %rax\n"
	"	mov %rax, 3b+2(%rip)\n"
	"	lgdt 3b(%rip)\n"
	"	lea 12f(%rip), %rsp\n"
	"	lea 11b(%rip), %rdi\n"
	"	pushq $0x10\n"
	"	lea 4f(%rip), %rax\n"
	"	pushq %rax\n"
	"	lretq\n"
	".code32\n"
	"4:	movl $0x18, %eax\n"
	"	movw %ax, %ds\n"
	"	movw %ax, %es\n"
	"	movw %ax, %ss\n"
	"	movw %ax, %fs\n"
	"	movw %ax, %gs\n"
	"	pushl $2\n"                /* EFLAGS as at reset: IF, AC, NT... off */
	"	popfl\n"
	/* Paging off leaves long mode. The rest of CR0 as firmware leaves it
	 * (PE and ET), not as Linux had it: the kernel sees what GRUB and
	 * QEMU's own loader give it. */
	"	movl $0x11, %eax\n"
	"	movl %eax, %cr0\n"
	"	movl $0xc0000080, %ecx\n"  /* EFER 0: LME, NXE, SCE off */
	"	xorl %eax, %eax\n"
	"	xorl %edx, %edx\n"
	"	wrmsr\n"
	"	movl $1, %eax\n"
	"	cpuid\n"
	"	movl %edx, %esi\n"         /* the feature bits, for PAT and APIC below */
	"	btl $26, %ecx\n"
	"	jnc 30f\n"
	/* XSAVE: every component Linux enabled back to its initial state
	 * (XRSTOR of an area whose header marks none as saved), then XCR0 as
	 * at reset (x87 only), so a kernel that enables OSXSAVE finds no AVX
	 * or AVX-512 state it did not ask for. */
	"	movl $0x40000, %eax\n"     /* CR4.OSXSAVE alone, to reach XCR0 */
	"	movl %eax, %cr4\n"
	"	xorl %ecx, %ecx\n"
	"	xgetbv\n"
	"	leal (31f-11b+63)(%edi), %ebx\n"
	"	andl $-64, %ebx\n"
	"	xrstor (%ebx)\n"
	"	xorl %ecx, %ecx\n"
	"	xorl %edx, %edx\n"
	"	movl $1, %eax\n"
	"	xsetbv\n"
	"	movl $0xd, %eax\n"         /* XSAVES: supervisor state (IA32_XSS) off */
	"	movl $1, %ecx\n"
	"	cpuid\n"
	"	btl $3, %eax\n"
	"	jnc 30f\n"
	"	movl $0xda0, %ecx\n"
	"	xorl %eax, %eax\n"
	"	xorl %edx, %edx\n"
	"	wrmsr\n"
	/* CR4 0: PAE, LA57, PGE, OSFXSR, OSXSAVE, SMEP, SMAP, UMIP, FSGSBASE,
	 * PCIDE, PKE, CET off, as at reset (LA57 would make the next kernel's
	 * 4-level tables 5-level ones). */
	"30:	xorl %eax, %eax\n"
	"	movl %eax, %cr4\n"
	"	fninit\n"
	"	btl $16, %esi\n"           /* PAT to its reset value */
	"	jnc 32f\n"
	"	movl $0x277, %ecx\n"
	"	movl $0x00070406, %eax\n"
	"	movl %eax, %edx\n"
	"	wrmsr\n"
	"32:	movb $0xff, %al\n"         /* the 8259s silent until set up below */
	"	outb %al, $0x21\n"
	"	outb %al, $0xa1\n"
	"	btl $9, %esi\n"            /* a local APIC: as firmware leaves it */
	"	jnc 33f\n"
	"	call 34f\n"
	/* The 8259 PICs at the BIOS vectors (0x08, 0x70; Linux moved them
	 * to 0x30), with the interrupts a PC BIOS serves unmasked (timer,
	 * keyboard, cascade, floppy, RTC, mouse, FPU, first IDE channel): a
	 * kernel that calls the BIOS in real mode with interrupts on gets
	 * them handled, and acknowledged, by the BIOS. */
	"33:	movb $0x11, %al\n"
	"	outb %al, $0x20\n"
	"	outb %al, $0xa0\n"
	"	movb $0x08, %al\n"
	"	outb %al, $0x21\n"
	"	movb $0x70, %al\n"
	"	outb %al, $0xa1\n"
	"	movb $0x04, %al\n"
	"	outb %al, $0x21\n"
	"	movb $0x02, %al\n"
	"	outb %al, $0xa1\n"
	"	movb $0x01, %al\n"
	"	outb %al, $0x21\n"
	"	outb %al, $0xa1\n"
	"	movb $0x20, %al\n"         /* nothing left in service */
	"	outb %al, $0xa0\n"
	"	outb %al, $0x20\n"
	"	movb $0xb8, %al\n"
	"	outb %al, $0x21\n"
	"	movb $0x8e, %al\n"
	"	outb %al, $0xa1\n"
	/* The PIT's channel 0 at 18.2 Hz (mode 2, count 65536), the BIOS
	 * clock tick; Linux leaves it stopped. */
	"	movb $0x34, %al\n"
	"	outb %al, $0x43\n"
	"	xorl %eax, %eax\n"
	"	outb %al, $0x40\n"
	"	outb %al, $0x40\n"
	"	movl 20(%edi), %ebx\n"     /* the BIOS disk guard, if asked for */
	"	testl %ebx, %ebx\n"
	"	jz 35f\n"
	"	call 36f\n"
	"35:	cmpl $0, 16(%edi)\n"
	"	je 5f\n"
	"	call 6f\n"
"5:	movl 0(%edi), %eax\n"
	"	movl 4(%edi), %ebx\n"
	"	movl 8(%edi), %esi\n"
	"	movl 12(%edi), %edx\n"
	"	xorl %ecx, %ecx\n"
	"	xorl %ebp, %ebp\n"
	"	xorl %edi, %edi\n"
	"	jmp *%edx\n"
	/* VGA mode 3: misc output, sequencer, CRTC (unlocked first), graphics
	 * controller, attribute controller, the 16 palette entries it uses */
	"6:	movw $0x3c2, %dx\n"
	"	movb $0x67, %al\n"
	"	outb %al, %dx\n"
	"	leal (20f-11b)(%edi), %esi\n"
	"	movw $0x3c4, %dx\n"
	"	movl $5, %ecx\n"
	"	call 7f\n"
	"	movw $0x3d4, %dx\n"
	"	movb $0x11, %al\n"
	"	outb %al, %dx\n"
	"	incw %dx\n"
	"	inb %dx, %al\n"
	"	andb $0x7f, %al\n"
	"	outb %al, %dx\n"
	"	decw %dx\n"
	"	movl $25, %ecx\n"
	"	call 7f\n"
	"	movw $0x3ce, %dx\n"
	"	movl $9, %ecx\n"
	"	call 7f\n"
	"	movw $0x3da, %dx\n"
	"	inb %dx, %al\n"           /* attribute flip-flop to index */
	"	movw $0x3c0, %dx\n"
	"	xorl %ebx, %ebx\n"
	"8:	movb %bl, %al\n"
	"	outb %al, %dx\n"
	"	lodsb\n"
	"	outb %al, %dx\n"
	"	incl %ebx\n"
	"	cmpl $21, %ebx\n"
	"	jb 8b\n"
	"	movb $0x20, %al\n"         /* palette access off: display on */
	"	outb %al, %dx\n"
	"	movl $16, %ecx\n"
	"9:	movw $0x3c8, %dx\n"
	"	lodsb\n"
	"	outb %al, %dx\n"
	"	incw %dx\n"
	"	lodsb\n"
	"	outb %al, %dx\n"
	"	lodsb\n"
	"	outb %al, %dx\n"
	"	lodsb\n"
	"	outb %al, %dx\n"
	"	loop 9b\n"
	"	pushl %edi\n"
	"	movl $0xb8000, %edi\n"
	"	movl $0x07200720, %eax\n"
	"	movl $1000, %ecx\n"
	"	rep stosl\n"
	"	popl %edi\n"
	"	ret\n"
	/* ECX registers from (%esi) to index port DX, data port DX+1 */
	"7:	xorl %ebx, %ebx\n"
	"10:	movb %bl, %al\n"
	"	outb %al, %dx\n"
	"	incw %dx\n"
	"	lodsb\n"
	"	outb %al, %dx\n"
	"	decw %dx\n"
	"	incl %ebx\n"
	"	loop 10b\n"
	"	ret\n"
	"20:	.byte 0x03,0x00,0x03,0x00,0x02\n"
	"	.byte 0x5f,0x4f,0x50,0x82,0x55,0x81,0xbf,0x1f,0x00,0x4f,0x0d,0x0e,0x00\n"
	"	.byte 0x00,0x00,0x00,0x9c,0x8e,0x8f,0x28,0x1f,0x96,0xb9,0xa3,0xff\n"
	"	.byte 0x00,0x00,0x00,0x00,0x00,0x10,0x0e,0x00,0xff\n"
	"	.byte 0x00,0x01,0x02,0x03,0x04,0x05,0x14,0x07,0x38,0x39,0x3a,0x3b,0x3c\n"
	"	.byte 0x3d,0x3e,0x3f,0x0c,0x00,0x0f,0x08,0x00\n"
	"	.byte 0x00,0,0,0, 0x01,0,0,42, 0x02,0,42,0, 0x03,0,42,42\n"
	"	.byte 0x04,42,0,0, 0x05,42,0,42, 0x14,42,21,0, 0x07,42,42,42\n"
	"	.byte 0x38,21,21,21, 0x39,21,21,63, 0x3a,21,63,21, 0x3b,21,63,63\n"
	"	.byte 0x3c,63,21,21, 0x3d,63,21,63, 0x3e,63,63,21, 0x3f,63,63,63\n"
	/* The local APIC enabled, in xAPIC mode when its ID allows (Linux
	 * may have switched it to x2APIC), in virtual-wire mode: the 8259's
	 * interrupts through LINT0, NMI through LINT1, no priority masked. */
	"34:	movl $0x1b, %ecx\n"
	"	rdmsr\n"
	"	btl $11, %eax\n"
	"	jnc 39f\n"
	"	btl $10, %eax\n"
	"	jnc 37f\n"
	"	pushl %eax\n"
	"	pushl %edx\n"
	"	movl $0x802, %ecx\n"
	"	rdmsr\n"
	"	movl %eax, %ebx\n"
	"	popl %edx\n"
	"	popl %eax\n"
	"	cmpl $0xff, %ebx\n"
	"	jae 39f\n"
	"	movl $0x1b, %ecx\n"
	"	andl $0xfffff3ff, %eax\n"  /* off, then on in xAPIC mode */
	"	wrmsr\n"
	"	orl $0x800, %eax\n"
	"	wrmsr\n"
	"37:	testl %edx, %edx\n"
	"	jnz 39f\n"
	"	andl $0xfffff000, %eax\n"
	"	movl %eax, %ebp\n"
	"	movl $0x1ff, 0xf0(%ebp)\n"
	"	movl $0, 0x80(%ebp)\n"
	"	movl $0x8700, 0x350(%ebp)\n"
	"	movl $0x8400, 0x360(%ebp)\n"
	/* Interrupts Linux left in service or pending (its timer's, say)
	 * would reach the next kernel as soon as it turned interrupts on,
	 * at vectors it never set up: each in service is acknowledged, and
	 * each pending one taken here, on a scratch IDT whose every gate
	 * acknowledges it, during a short window with interrupts on. */
	"	movl $32, %ecx\n"
	"38:	movl $0, 0xb0(%ebp)\n"
	"	loop 38b\n"
	"	leal (50f-11b)(%edi), %ebx\n"
	"	leal (51f-11b)(%edi), %edx\n"
	"	movl $256, %ecx\n"
	"52:	movw %dx, (%ebx)\n"
	"	movw $0x10, 2(%ebx)\n"
	"	movw $0x8e00, 4(%ebx)\n"
	"	movl %edx, %eax\n"
	"	shrl $16, %eax\n"
	"	movw %ax, 6(%ebx)\n"
	"	addl $8, %ebx\n"
	"	loop 52b\n"
	"	leal (50f-11b)(%edi), %ebx\n"
	"	movw $2047, (53f-11b)(%edi)\n"
	"	movl %ebx, (53f-11b+2)(%edi)\n"
	"	lidt (53f-11b)(%edi)\n"
	"	sti\n"
	"	movl $1000, %ecx\n"
	"54:	pause\n"
	"	loop 54b\n"
	"	cli\n"
	"	xorl %ebp, %ebp\n"
	"	movw $0x3ff, (53f-11b)(%edi)\n" /* the IDTR as firmware leaves it: */
	"	movl %ebp, (53f-11b+2)(%edi)\n"  /* the real-mode IVT */
	"	lidt (53f-11b)(%edi)\n"
	"39:	ret\n"
	/* Copies the BIOS disk guard to EBX (memory taken off the top of
	 * base memory: BDA 0x413 and the memory map say so) and points the
	 * disk interrupt (0x13) at it, keeping the BIOS's handler. */
	"36:	pushl %edi\n"
	"	leal (40f-11b)(%edi), %esi\n"
	"	movl %ebx, %edi\n"
	"	movl $(41f-40f), %ecx\n"
	"	rep movsb\n"
	"	popl %edi\n"
	"	movl 0x4c, %eax\n"
	"	movl %eax, (42f-40f)(%ebx)\n"
	"	movl %ebx, %eax\n"
	"	shll $12, %eax\n"
	"	movl %eax, 0x4c\n"
	"	movl %ebx, %eax\n"
	"	shrl $10, %eax\n"
	"	movw %ax, 0x413\n"
	"	ret\n"
	/* The guard, in real mode. The BIOS's disk drivers drove controllers
	 * Linux has since taken over (and stopped: bus mastering off, queues
	 * its own), so a BIOS disk transfer now never completes. Requests
	 * that only read the BIOS's tables (parameters, type, extensions)
	 * go to the BIOS; every other hard-disk request fails at once with
	 * "timeout" (AH 0x80, carry set), as from a drive that does not
	 * answer, so a kernel probing disks through the BIOS (Xen) goes on. */
	".code16\n"
	"40:	cmpb $0x80, %dl\n"
	"	jb 43f\n"
	"	cmpb $0x08, %ah\n"
	"	je 43f\n"
	"	cmpb $0x15, %ah\n"
	"	je 43f\n"
	"	cmpb $0x41, %ah\n"
	"	je 43f\n"
	"	cmpb $0x48, %ah\n"
	"	je 43f\n"
	"	movb $0x80, %ah\n"
	"	pushw %bp\n"
	"	movw %sp, %bp\n"
	"	orb $1, 6(%bp)\n"
	"	popw %bp\n"
	"	iret\n"
	"43:	ljmpw *%cs:(42f-40b)\n"
	"42:	.long 0\n"
	"41:\n"
	".code32\n"
	/* XRSTOR's area: no component saved, MXCSR its reset value. It
	 * must be 64-byte aligned: the trampoline is copied to a page. */
	"51:	movl $0, 0xb0(%ebp)\n"     /* the scratch IDT's handler: EOI */
	"	iret\n"
	"	.balign 4\n"
	"53:	.word 0\n"                /* the scratch IDT's descriptor */
	"	.long 0\n"
	"	.balign 64\n"
	"31:	.fill 24, 1, 0\n"
	"	.long 0x1f80\n"
	"	.fill 548, 1, 0\n"
	"50:	.fill 2048, 1, 0\n"       /* the scratch IDT */
"	.balign 16\n"
	"	.fill 256, 1, 0\n"       /* the stack */
	"12:\n"
	"kl_tramp_end:\n"
	".code64\n"
	/* sizes as data, so C never subtracts pointers to different objects */
	".balign 4\n"
	".globl kl_tramp_size, kl_tramp_poff\n"
	".hidden kl_tramp_size, kl_tramp_poff\n"
	"kl_tramp_size: .long kl_tramp_end - kl_tramp_start\n"
	"kl_tramp_poff: .long kl_tramp_params - kl_tramp_start\n"
	".text\n");

extern const unsigned char kl_tramp_start[];
extern const uint32_t kl_tramp_size, kl_tramp_poff;

size_t trampoline_size(void)
{
	return kl_tramp_size;
}

size_t trampoline_params_offset(void)
{
	return kl_tramp_poff;
}

void trampoline_build(unsigned char *buf, const struct tramp_regs *r)
{
	memcpy(buf, kl_tramp_start, trampoline_size());
	unsigned char *p = buf + trampoline_params_offset();
	put32(p + TRAMP_PARAM_EAX, r->eax);
	put32(p + TRAMP_PARAM_EBX, r->ebx);
	put32(p + TRAMP_PARAM_ESI, r->esi);
	put32(p + TRAMP_PARAM_ENTRY, r->entry);
	put32(p + TRAMP_PARAM_VGA, r->reset_vga);
	put32(p + TRAMP_PARAM_DISK_GUARD, r->disk_guard);
}
