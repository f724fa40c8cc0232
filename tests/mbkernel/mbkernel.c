/* A freestanding Multiboot test kernel: prints every field of the
 * information it receives on COM1, one "key=value" per line, then exits
 * QEMU through isa-debug-exit (port 0xf4). Built as Multiboot 1 (ELF32,
 * ELF64 container, a.out kludge) or, with -DMB2, as Multiboot 2. */
#include <stddef.h>
#include <stdint.h>

#define MB1_FLAGS_ELF 0x00000003u   /* modules page-aligned, memory information */
#define MB1_FLAGS_AOUT 0x00010003u  /* the same, plus the address fields */

extern char mb_header[], _start[], _load_start[], _edata[], _end[];

#if defined(MB2)
__asm__(".section .multiboot, \"a\"\n"
	".balign 8\n"
	".globl mb_header\n"
	"mb_header:\n"
	".long 0xe85250d6, 0, 2f - mb_header, -(0xe85250d6 + (2f - mb_header))\n"
	/* information request: required command line, name, modules, memory, map */
	".word 1, 0\n.long 28\n.long 1, 2, 3, 4, 6\n.balign 8\n"
	/* optional: ELF sections, ACPI old and new, framebuffer */
	".word 1, 1\n.long 24\n.long 9, 14, 15, 8\n.balign 8\n"
	".word 6, 0\n.long 8\n"            /* modules page-aligned */
	".word 0, 0\n.long 8\n"
	"2:\n");
#elif defined(AOUT)
__asm__(".section .multiboot, \"a\"\n"
	".balign 4\n"
	".globl mb_header\n"
	"mb_header:\n"
	".long 0x1badb002, 0x00010003, -(0x1badb002 + 0x00010003)\n"
	".long mb_header, _load_start, _edata, _end, _start\n");
#else
__asm__(".section .multiboot, \"a\"\n"
	".balign 4\n"
	".globl mb_header\n"
	"mb_header:\n"
	".long 0x1badb002, 0x00000003, -(0x1badb002 + 0x00000003)\n");
#endif

__asm__(".text\n"
	".globl _start\n"
	"_start:\n"
	"	movl $stack_top, %esp\n"
	"	pushl %ebx\n"
	"	pushl %eax\n"
	"	call kmain\n"
	"1:	hlt\n"
	"	jmp 1b\n");

static unsigned char stack[8192] __attribute__((used, aligned(16)));
__asm__(".globl stack_top\n.set stack_top, stack + 8192\n");

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static void putc_(char c)
{
	while (!(inb(0x3fd) & 0x20))
		;
	outb(0x3f8, (uint8_t)c);
}

static void puts_(const char *s)
{
	while (*s)
		putc_(*s++);
}

static void hex(uint64_t v)
{
	char b[19];
	int i = 18;
	b[i] = 0;
	do {
		b[--i] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	b[--i] = 'x';
	b[--i] = '0';
	puts_(b + i);
}

static void dec(uint64_t v)
{
	char b[21];
	int i = 20;
	b[i] = 0;
	do {
		b[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	puts_(b + i);
}

static void kv(const char *k, uint64_t v)
{
	puts_(k);
	putc_('=');
	hex(v);
	putc_('\n');
}

static void ks(const char *k, const char *s)
{
	puts_(k);
	putc_('=');
	puts_(s ? s : "(null)");
	putc_('\n');
}

/* FNV-1a over a module's bytes: the test compares it with the file's. */
static uint32_t fnv(const uint8_t *p, uint32_t n)
{
	uint32_t h = 2166136261u;
	for (uint32_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static void module(uint32_t i, uint32_t start, uint32_t end, const char *cmd)
{
	puts_("mod ");
	dec(i);
	puts_(" start=");
	hex(start);
	puts_(" end=");
	hex(end);
	puts_(" fnv=");
	hex(fnv((const uint8_t *)(uintptr_t)start, end - start));
	puts_(" cmdline=");
	puts_(cmd);
	putc_('\n');
}

static void mmap_entry(uint64_t addr, uint64_t len, uint32_t type)
{
	puts_("mmap ");
	hex(addr);
	putc_(' ');
	hex(len);
	putc_(' ');
	dec(type);
	putc_('\n');
}

static uint32_t rd32(uint32_t a) { return *(volatile uint32_t *)(uintptr_t)a; }
static uint64_t rd64(uint32_t a) { return rd32(a) | (uint64_t)rd32(a + 4) << 32; }
static const char *str(uint32_t a) { return (const char *)(uintptr_t)a; }

static void self(void)
{
	kv("image_start", (uintptr_t)_load_start);
	kv("image_end", (uintptr_t)_end);
	kv("entry", (uintptr_t)_start);
	uint32_t esp;
	__asm__ volatile("movl %%esp, %0" : "=r"(esp));
	uint32_t cr0;
	__asm__ volatile("movl %%cr0, %0" : "=r"(cr0));
	kv("cr0", cr0);
}

static uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return lo | (uint64_t)hi << 32;
}

static void cpuid(uint32_t leaf, uint32_t *ecx, uint32_t *edx)
{
	uint32_t a = leaf, b, c = 0, d;
	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	*ecx = c;
	*edx = d;
}

/* 256 interrupt stubs of 10 bytes (push the vector, jump to the common part,
 * both with 32-bit operands so that every stub has the same size); the common
 * part notes the vector, acknowledges both 8259s and returns. */
__asm__(".text\n"
	".globl irq_stubs\n"
	"irq_stubs:\n"
	".set vec, 0\n"
	".rept 256\n"
	".byte 0x68\n.long vec\n"
	".byte 0xe9\n.long irq_common - (. + 4)\n"
	".set vec, vec + 1\n"
	".endr\n"
	"irq_common:\n"
	"	pushl %eax\n"
	"	movl 4(%esp), %eax\n"
	"	movl %eax, irq_seen\n"
	"	movb $0x20, %al\n"
	"	outb %al, $0xa0\n"
	"	outb %al, $0x20\n"
	"	popl %eax\n"
	"	addl $4, %esp\n"
	"	iret\n");
extern char irq_stubs[];
volatile uint32_t irq_seen;
static uint64_t idt[256];

/* The vector the timer's interrupt (IRQ 0) arrives on with interrupts on:
 * where the 8259s are programmed, whether IRQ 0 is unmasked and whether the
 * PIT is running. "none" when nothing came within a while. */
static void irq_vector(void)
{
	uint16_t cs;
	__asm__ volatile("movw %%cs, %0" : "=r"(cs));
	for (uint32_t v = 0; v < 256; v++) {
		uint32_t a = (uint32_t)(uintptr_t)irq_stubs + 10 * v;
		idt[v] = (a & 0xffff) | (uint64_t)cs << 16 | (uint64_t)0x8e00 << 32 |
			 (uint64_t)(a >> 16) << 48;
	}
	struct __attribute__((packed)) { uint16_t limit; uint32_t base; } d = {
		sizeof(idt) - 1, (uint32_t)(uintptr_t)idt };
	__asm__ volatile("lidt %0" : : "m"(d));
	irq_seen = 0xffffffff;
	__asm__ volatile("sti");
	for (uint32_t i = 0; i < 200000000 && irq_seen == 0xffffffff; i++)
		__asm__ volatile("pause");
	__asm__ volatile("cli");
	if (irq_seen == 0xffffffff)
		puts_("irq0_vector=none\n");
	else
		kv("irq0_vector", irq_seen);
}

/* The state the machine is handed over in, as firmware or the boot loader
 * left it: control registers, EFER, XCR0, PAT, the local APIC, the 8259s'
 * masks and the PIT's channel 0 mode. */
static void machine(void)
{
	uint32_t cr4, ecx, edx;
	__asm__ volatile("movl %%cr4, %0" : "=r"(cr4));
	kv("cr4", cr4);
	kv("efer", rdmsr(0xc0000080));
	cpuid(1, &ecx, &edx);
	if (ecx & 1u << 26) {
		uint32_t lo, hi;
		__asm__ volatile("movl %%cr4, %%eax; orl $0x40000, %%eax; movl %%eax, %%cr4"
				 : : : "eax");
		__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
		__asm__ volatile("movl %0, %%cr4" : : "r"(cr4));
		kv("xcr0", lo | (uint64_t)hi << 32);
	}
	if (edx & 1u << 16)
		kv("pat", rdmsr(0x277));
	if (edx & 1u << 9) {
		uint64_t base = rdmsr(0x1b);
		kv("apic_mode", base >> 10 & 3); /* 2: xAPIC, 3: x2APIC */
		if ((base >> 10 & 3) == 2 && base >> 32 == 0) {
			uint32_t a = (uint32_t)base & 0xfffff000;
			kv("apic_svr", rd32(a + 0xf0));
			kv("apic_tpr", rd32(a + 0x80));
			kv("apic_lint0", rd32(a + 0x350));
			kv("apic_lint1", rd32(a + 0x360));
		}
	}
	kv("pic_masks", inb(0x21) | inb(0xa1) << 8);
	outb(0x43, 0xe2); /* read back channel 0's status */
	kv("pit0_mode", inb(0x40) & 0x3f);
	irq_vector();
}

static void mb1(uint32_t m)
{
	uint32_t f = rd32(m);
	kv("flags", f);
	if (f & 1) {
		kv("mem_lower", rd32(m + 4));
		kv("mem_upper", rd32(m + 8));
	}
	if (f & 2)
		kv("boot_device", rd32(m + 12));
	if (f & 4)
		ks("cmdline", str(rd32(m + 16)));
	if (f & 8) {
		uint32_t n = rd32(m + 20), a = rd32(m + 24);
		kv("mods_count", n);
		for (uint32_t i = 0; i < n; i++)
			module(i, rd32(a + 16 * i), rd32(a + 16 * i + 4), str(rd32(a + 16 * i + 8)));
	}
	if (f & 0x20) {
		kv("elf_num", rd32(m + 28));
		kv("elf_size", rd32(m + 32));
		kv("elf_addr", rd32(m + 36));
		kv("elf_shndx", rd32(m + 40));
	}
	if (f & 0x40) {
		uint32_t a = rd32(m + 48), end = a + rd32(m + 44);
		kv("mmap_length", rd32(m + 44));
		while (a < end) {
			mmap_entry(rd64(a + 4), rd64(a + 12), rd32(a + 20));
			a += rd32(a) + 4;
		}
	}
	if (f & 0x200)
		ks("boot_loader_name", str(rd32(m + 64)));
	if (f & 0x1000) {
		kv("fb_addr", rd64(m + 88));
		kv("fb_width", rd32(m + 100));
		kv("fb_height", rd32(m + 104));
		kv("fb_type", *(volatile uint8_t *)(uintptr_t)(m + 109));
	}
}

static void mb2(uint32_t m)
{
	uint32_t total = rd32(m), mods = 0;
	kv("total_size", total);
	kv("info_align8", (m & 7) == 0);
	for (uint32_t t = m + 8; t < m + total; t += (rd32(t + 4) + 7) & ~7u) {
		uint32_t type = rd32(t), size = rd32(t + 4);
		puts_("tag ");
		dec(type);
		puts_(" size=");
		dec(size);
		putc_('\n');
		switch (type) {
		case 0: t = m + total; break;
		case 1: ks("cmdline", str(t + 8)); break;
		case 2: ks("boot_loader_name", str(t + 8)); break;
		case 3: module(mods++, rd32(t + 8), rd32(t + 12), str(t + 16)); break;
		case 4:
			kv("mem_lower", rd32(t + 8));
			kv("mem_upper", rd32(t + 12));
			break;
		case 6:
			for (uint32_t e = t + 16; e + rd32(t + 8) <= t + size; e += rd32(t + 8))
				mmap_entry(rd64(e), rd64(e + 8), rd32(e + 16));
			break;
		case 9:
			kv("elf_num", rd32(t + 8));
			kv("elf_size", rd32(t + 12));
			kv("elf_shndx", rd32(t + 16));
			break;
		case 14: case 15:
			puts_("acpi_rsdp_sig=");
			for (int i = 0; i < 8; i++)
				putc_(*(volatile char *)(uintptr_t)(t + 8 + i));
			putc_('\n');
			break;
		}
	}
	kv("mods_count", mods);
}

void kmain(uint32_t magic, uint32_t info);
void kmain(uint32_t magic, uint32_t info)
{
	puts_("\nMBKERNEL BEGIN\n");
	kv("magic", magic);
	kv("info", info);
	self();
	machine();
	if (magic == 0x2badb002)
		mb1(info);
	else if (magic == 0x36d76289)
		mb2(info);
	puts_("MBKERNEL END\n");
	outb(0xf4, 0x10); /* QEMU exits with status 0x21 */
	for (;;)
		__asm__ volatile("hlt");
}
