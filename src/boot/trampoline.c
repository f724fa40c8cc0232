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
	"	.long 0, 0, 0, 0, 0\n"
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
	/* Paging off leaves long mode. The rest of CR0 as firmware leaves it
	 * (PE and ET), not as Linux had it: the kernel sees what GRUB and
	 * QEMU's own loader give it. */
	"	movl $0x11, %eax\n"
	"	movl %eax, %cr0\n"
	"	movl $0xc0000080, %ecx\n"  /* EFER.LME off */
	"	rdmsr\n"
	"	andl $0xfffffeff, %eax\n"
	"	wrmsr\n"
	"	movl %cr4, %eax\n"
	"	andl $0xffffff5f, %eax\n"  /* PAE and PGE off */
	"	movl %eax, %cr4\n"
	"	cmpl $0, 16(%edi)\n"
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
}
