#include "modinfo.h"

#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Module sections are small; bounds keep a damaged file from costing much. */
#define SECTION_MAX (1u << 20)

#if __SIZEOF_POINTER__ == 8
typedef Elf64_Ehdr Ehdr;
typedef Elf64_Shdr Shdr;
#define CLASS ELFCLASS64
#else
typedef Elf32_Ehdr Ehdr;
typedef Elf32_Shdr Shdr;
#define CLASS ELFCLASS32
#endif

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define DATA ELFDATA2LSB
#else
#define DATA ELFDATA2MSB
#endif

static int read_exact(int fd, void *buf, size_t n, off_t off)
{
	ssize_t r = pread(fd, buf, n, off);
	if (r < 0)
		return -errno;
	return (size_t)r == n ? 0 : -ENOEXEC;
}

/* A section's bytes, NUL-terminated. */
static int read_section(int fd, const Shdr *sh, char **out)
{
	if (sh->sh_size > SECTION_MAX || sh->sh_type == SHT_NOBITS)
		return -ENOEXEC;
	char *buf = malloc(sh->sh_size + 1);
	if (!buf)
		return -ENOMEM;
	int r = read_exact(fd, buf, sh->sh_size, (off_t)sh->sh_offset);
	if (r < 0) {
		free(buf);
		return r;
	}
	buf[sh->sh_size] = 0;
	*out = buf;
	return 0;
}

static int read_headers(int fd, Shdr **shdrs, size_t *n, size_t *strndx)
{
	Ehdr eh;
	int r = read_exact(fd, &eh, sizeof(eh), 0);
	if (r < 0)
		return r;
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != CLASS ||
	    eh.e_ident[EI_DATA] != DATA || eh.e_shentsize != sizeof(Shdr) ||
	    eh.e_shstrndx >= eh.e_shnum)
		return -ENOEXEC;
	*shdrs = malloc(eh.e_shnum * sizeof(Shdr));
	if (!*shdrs)
		return -ENOMEM;
	r = read_exact(fd, *shdrs, eh.e_shnum * sizeof(Shdr), (off_t)eh.e_shoff);
	if (r < 0) {
		free(*shdrs);
		return r;
	}
	*n = eh.e_shnum;
	*strndx = eh.e_shstrndx;
	return 0;
}

static int read_modinfo(int fd, char **info, size_t *len)
{
	Shdr *sh;
	size_t n, strndx;
	char *names;
	int r = read_headers(fd, &sh, &n, &strndx);
	if (r < 0)
		return r;
	r = read_section(fd, &sh[strndx], &names);
	for (size_t i = 0; r == 0 && i < n; i++) {
		if (sh[i].sh_name < sh[strndx].sh_size && strcmp(names + sh[i].sh_name, ".modinfo") == 0) {
			r = read_section(fd, &sh[i], info);
			*len = sh[i].sh_size;
			free(names);
			free(sh);
			return r;
		}
	}
	if (r == 0)
		free(names);
	free(sh);
	return r < 0 ? r : -ENOEXEC;
}

static void split_names(const char *list, struct strlist *out)
{
	while (*list) {
		size_t n = strcspn(list, ",");
		if (n)
			sl_push_owned(out, xstrndup(list, n));
		list += n + (list[n] == ',');
	}
}

int modinfo_depends(int fd, struct strlist *deps)
{
	char *info;
	size_t len;
	int r = read_modinfo(fd, &info, &len);
	if (r < 0)
		return r;
	/* "key=value" strings separated by NULs (and padding NULs) */
	for (size_t off = 0; off < len; off += strlen(info + off) + 1)
		if (str_starts(info + off, "depends="))
			split_names(info + off + 8, deps);
	free(info);
	return 0;
}
