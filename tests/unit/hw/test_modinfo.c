/* Reading depends= from a module file's .modinfo, and surviving damaged files. */
#include "unit.h"
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include "modinfo.h"

struct image {
	Elf64_Ehdr eh;
	Elf64_Shdr sh[3];
	char names[20];
	char info[128];
};

static const char names[] = "\0.shstrtab\0.modinfo";

/* An ELF object of this machine whose .modinfo holds info (NUL-separated). */
static void build(struct image *f, const char *info, size_t ilen)
{
	memset(f, 0, sizeof(*f));
	memcpy(f->eh.e_ident, ELFMAG, SELFMAG);
	f->eh.e_ident[EI_CLASS] = ELFCLASS64;
	f->eh.e_ident[EI_DATA] = ELFDATA2LSB;
	f->eh.e_shoff = offsetof(struct image, sh);
	f->eh.e_shentsize = sizeof(Elf64_Shdr);
	f->eh.e_shnum = 3;
	f->eh.e_shstrndx = 1;
	f->sh[1] = (Elf64_Shdr){.sh_name = 1, .sh_type = SHT_STRTAB,
				.sh_offset = offsetof(struct image, names), .sh_size = sizeof(names)};
	f->sh[2] = (Elf64_Shdr){.sh_name = 11, .sh_type = SHT_PROGBITS,
				.sh_offset = offsetof(struct image, info), .sh_size = ilen};
	memcpy(f->names, names, sizeof(names));
	memcpy(f->info, info, ilen);
}

/* modinfo_depends on the bytes, through a real file descriptor. */
static int depends(const void *bytes, size_t len, struct strlist *out)
{
	FILE *tmp = tmpfile();
	assert_non_null(tmp);
	assert_int_equal(fwrite(bytes, 1, len, tmp), len);
	fflush(tmp);
	int r = modinfo_depends(fileno(tmp), out);
	fclose(tmp);
	return r;
}

#define INFO(s) (s), sizeof(s)

static void lists_the_modules_it_depends_on(void **state)
{
	struct image f;
	struct strlist l = {0};
	build(&f, INFO("license=GPL\0depends=jbd2,mbcache,crc16\0\0\0intree=Y\0name=ext4"));
	assert_int_equal(depends(&f, sizeof(f), &l), 0);
	assert_int_equal(l.n, 3);
	assert_str(l.v[0], "jbd2");
	assert_str(l.v[2], "crc16");
	sl_free(&l);
	build(&f, INFO("depends=\0name=mbcache"));
	assert_int_equal(depends(&f, sizeof(f), &l), 0);
	assert_int_equal(l.n, 0);
	/* "depends" only counts as a whole key */
	build(&f, INFO("softdepends=x\0name=y"));
	assert_int_equal(depends(&f, sizeof(f), &l), 0);
	assert_int_equal(l.n, 0);
}

static void damaged_files_are_refused(void **state)
{
	struct image f;
	struct strlist l = {0};
	build(&f, INFO("depends=a"));
	assert_int_equal(depends("#!/bin/sh\n", 10, &l), -ENOEXEC);
	assert_int_equal(depends(&f, sizeof(f.eh) + 10, &l), -ENOEXEC); /* headers cut */
	f.eh.e_ident[EI_CLASS] = ELFCLASS32;
	assert_int_equal(depends(&f, sizeof(f), &l), -ENOEXEC);
	build(&f, INFO("depends=a"));
	f.eh.e_shstrndx = 7;
	assert_int_equal(depends(&f, sizeof(f), &l), -ENOEXEC);
	build(&f, INFO("depends=a"));
	f.sh[2].sh_offset = 1u << 30; /* past the end */
	assert_int_equal(depends(&f, sizeof(f), &l), -ENOEXEC);
	build(&f, INFO("depends=a"));
	f.sh[2].sh_name = 4000; /* a name outside the name table: no .modinfo */
	assert_int_equal(depends(&f, sizeof(f), &l), -ENOEXEC);
	build(&f, INFO("depends=a"));
	f.sh[1].sh_size = 1u << 31;
	assert_int_equal(depends(&f, sizeof(f), &l), -ENOEXEC);
	/* no NUL at the end of the section: still bounded */
	build(&f, "depends=abc", 11);
	assert_int_equal(depends(&f, sizeof(f), &l), 0);
	assert_int_equal(l.n, 1);
	assert_str(l.v[0], "abc");
	sl_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lists_the_modules_it_depends_on),
		cmocka_unit_test(damaged_files_are_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
