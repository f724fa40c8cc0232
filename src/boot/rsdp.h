/* Finding the ACPI RSDP to pass to Multiboot 2 kernels (and boot_params):
 * from the EFI system table Linux shows in /sys/firmware/efi/systab
 * ("ACPI20=" or "ACPI="), or, on BIOS machines, by scanning the EBDA and
 * 0xE0000-0xFFFFF of physical memory (/dev/mem) as the ACPI specification
 * says. Linux does not show the RSDP itself under /sys/firmware/acpi/tables. */
#ifndef KL_RSDP_H
#define KL_RSDP_H
#include <stddef.h>
#include <stdint.h>

/* Paths are parameters for tests (normally /sys/firmware/efi/systab and
 * /dev/mem). Copies the RSDP (20 bytes for revision 0, else 36) into out and
 * returns 0 with *len and *addr, or -1 when none is found. */
int rsdp_find(const char *systab, const char *memfile, unsigned char out[36], size_t *len,
	      uint64_t *addr);

#endif
