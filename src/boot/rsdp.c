#include "rsdp.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "kernel_image.h"
#include "util.h"

static bool sum_ok(const unsigned char *p, size_t n)
{
	unsigned char s = 0;
	for (size_t i = 0; i < n; i++)
		s = (unsigned char)(s + p[i]);
	return s == 0;
}

/* A valid RSDP at p (36 readable bytes); its length, or 0. */
static size_t rsdp_valid(const unsigned char *p)
{
	if (memcmp(p, "RSD PTR ", 8) || !sum_ok(p, 20))
		return 0;
	if (p[15] < 2)
		return 20;
	return get32(p + 20) >= 36 && sum_ok(p, 36) ? 36 : 0;
}

static int try_at(int fd, uint64_t a, unsigned char out[36], size_t *len, uint64_t *addr)
{
	unsigned char b[36];
	if (pread(fd, b, 36, (off_t)a) != 36 || !(*len = rsdp_valid(b)))
		return -1;
	memcpy(out, b, 36);
	*addr = a;
	return 0;
}

static int scan(int fd, uint64_t from, size_t n, unsigned char out[36], size_t *len, uint64_t *addr)
{
	unsigned char *b = xmalloc(n + 36);
	ssize_t got = pread(fd, b, n + 36, (off_t)from);
	int r = -1;
	for (size_t i = 0; got >= 36 && i + 36 <= (size_t)got && r; i += 16)
		if ((*len = rsdp_valid(b + i))) {
			memcpy(out, b + i, 36);
			*addr = from + i;
			r = 0;
		}
	free(b);
	return r;
}

static uint64_t systab_addr(const char *systab)
{
	FILE *f = fopen(systab, "re");
	if (!f)
		return 0;
	char line[128];
	uint64_t v1 = 0, v2 = 0;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "ACPI20=", 7))
			v2 = strtoull(line + 7, NULL, 0);
		else if (!strncmp(line, "ACPI=", 5))
			v1 = strtoull(line + 5, NULL, 0);
	}
	fclose(f);
	return v2 ? v2 : v1;
}

int rsdp_find(const char *systab, const char *memfile, unsigned char out[36], size_t *len,
	      uint64_t *addr)
{
	int fd = open(memfile, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	uint64_t efi = systab_addr(systab);
	int r = -1;
	unsigned char ebda[2];
	if (efi)
		r = try_at(fd, efi, out, len, addr);
	if (r && pread(fd, ebda, 2, 0x40e) == 2 && get16(ebda))
		r = scan(fd, (uint64_t)get16(ebda) << 4, 1024, out, len, addr);
	if (r)
		r = scan(fd, 0xe0000, 0x20000 - 36, out, len, addr);
	close(fd);
	return r;
}
