#include "unit.h"
#include "bls.h"
#include "parse_fixture.h"
#include "minijson.h"

static int vc(const char *a, const char *b)
{
	int r = bls_version_cmp(a, b), back = bls_version_cmp(b, a);
	assert_int_equal(r < 0 ? -1 : r > 0, -(back < 0 ? -1 : back > 0));
	return r < 0 ? -1 : r > 0;
}

/* The examples of the Version Format Specification. */
static void version_order(void **state)
{
	assert_int_equal(vc("11", "11"), 0);
	assert_int_equal(vc("systemd-123", "systemd-123"), 0);
	assert_int_equal(vc("bar-123", "foo-123"), -1);
	assert_int_equal(vc("123a", "123"), 1);
	assert_int_equal(vc("123.a", "123"), 1);
	assert_int_equal(vc("123.a", "123.b"), -1);
	assert_int_equal(vc("123a", "123.a"), 1);
	assert_int_equal(vc("11\xce\xb1", "11\xce\xb2"), 0);
	assert_int_equal(vc("A", "a"), -1);
	assert_int_equal(vc("", "0"), -1);
	assert_int_equal(vc("0.", "0"), 1);
	assert_int_equal(vc("0.0", "0"), 1);
	/* The specification lists '' < '~' and '0' < '~'; its rule that '~'
	 * always sorts lower, and systemd, say the opposite (see bls.h). */
	assert_int_equal(vc("", "~"), 1);
	assert_int_equal(vc("0", "~"), 1);
	assert_int_equal(vc("1_", "1"), 0);
	assert_int_equal(vc("_1", "1"), 0);
	assert_int_equal(vc("1_", "1.2"), -1);
	assert_int_equal(vc("1_2_3", "1.3.3"), 1);
	assert_int_equal(vc("1+", "1"), 0);
	assert_int_equal(vc("+1", "1"), 0);
	assert_int_equal(vc("1+", "1.2"), -1);
	assert_int_equal(vc("1+2+3", "1.3.3"), 1);
	/* and what kernels look like */
	assert_int_equal(vc("5.6.6-300.fc32.x86_64", "0-rescue"), 1);
	assert_int_equal(vc("4.15.2-302.fc28", "4.14.18-300.fc28"), 1);
	assert_int_equal(vc("6.1.0~rc1", "6.1.0"), -1);
	assert_int_equal(vc("6.1.0^post1", "6.1.0"), 1);
	assert_int_equal(vc("6.10", "6.9"), 1);
	assert_int_equal(vc("007", "7"), 0);
	assert_int_equal(vc("99999999999999999999999", "1"), 1);
}

static int load(const char *dev, const char *dir, bool standalone, bls_lookup_fn fn, void *ctx)
{
	struct bls_opts o = {&fs.io, dev, dir, fn, ctx, standalone};
	return bls_load(&o, &list, &diags);
}

static void sorting(void **state)
{
	fake_file(&fs, "d1", "/loader/entries/a-10.conf", "title A\nversion 10\nmachine-id dd\nlinux /a10\n");
	fake_file(&fs, "d1", "/loader/entries/a-5.conf", "title A\nversion 5\nmachine-id dd\nlinux /a5\n");
	fake_file(&fs, "d1", "/loader/entries/b.conf", "title B\nversion 3\nmachine-id b7\nlinux /b\n");
	fake_file(&fs, "d1", "/loader/entries/c.conf",
		  "title C\nsort-key xxxx\nversion 5\nmachine-id 30\nlinux /c\n");
	fake_file(&fs, "d1", "/loader/entries/cx.conf",
		  "title C\nsort-key xxxx\nversion 10\nmachine-id 30\nlinux /cx\n");
	fake_file(&fs, "d1", "/loader/entries/d.conf",
		  "title D\nsort-key kkkk\nversion 100\nmachine-id 81\nlinux /d\n");
	fake_file(&fs, "d1", "/loader/entries/e+0-3.conf", "title E\nsort-key aaaa\nlinux /e\n");
	fake_file(&fs, "d1", "/loader/entries/f+2-1.conf", "title F\nsort-key aaaa\nlinux /f\n");
	fake_file(&fs, "d1", "/loader/entries/notes.txt", "not an entry");
	assert_int_equal(load("d1", "/loader/entries", false, NULL, NULL), 8);
	const char *want[] = {"f+2-1", "d", "cx", "c", "b", "a-10", "a-5", "e+0-3"};
	assert_int_equal(list.n, ARRAY_SIZE(want));
	for (size_t i = 0; i < list.n; i++)
		assert_str(list.v[i].id, want[i]);
	assert_int_equal(diags.lines.n, 0);
	assert_int_equal(list.default_index, -1);
}

static void every_key(void **state)
{
	fake_file(&fs, "sda2", "/boot/loader/entries/x.conf",
		  "# a comment\ntitle  Fedora Linux  \nversion 6.5\nmachine-id 0123\n"
		  "linux vmlinuz-6.5\ninitrd /intel-ucode.img\ninitrd initramfs-6.5.img extra.img\n"
		  "options root=UUID=1 ro\noptions quiet\ndevicetree /dtb\narchitecture X64\n"
		  "grub_users $grub_users\ngrub_class kernel\n");
	fake_file(&fs, "sda2", "/boot/loader/entries/arm.conf",
		  "title ARM\nlinux /Image\narchitecture aa64\n");
	fake_file(&fs, "sda2", "/boot/loader/entries/efi.conf", "title Shell\nefi /shellx64.efi\n");
	fake_file(&fs, "sda2", "/boot/loader/entries/none.conf", "title Nothing\noptions quiet\n");
	fake_file(&fs, "sda2", "/boot/loader/entries/untitled.conf", "linux /k\n");
	assert_int_equal(load("sda2", "/boot/loader/entries", false, NULL, NULL), 4);
	assert_int_equal(diags.lines.n, 1);
	assert_str(diags.lines.v[0], "/boot/loader/entries/none.conf: the entry has neither a 'linux' "
				     "nor an 'efi' line; skipped");
	int x = tl_find_title(&list, "Fedora Linux");
	assert_true(x >= 0);
	const struct target *t = &list.v[x];
	assert_str(t->id, "x");
	assert_str(t->origin, "/boot/loader/entries/x.conf:1 on sda2");
	assert_str(t->root, "sda2");
	assert_str(t->kernel, "/vmlinuz-6.5");
	assert_int_equal(t->initrds.n, 3);
	assert_str(t->initrds.v[0], "/intel-ucode.img");
	assert_str(t->initrds.v[1], "/initramfs-6.5.img");
	assert_str(t->initrds.v[2], "/extra.img");
	assert_str(t->cmdline, "root=UUID=1 ro quiet");
	assert_true(target_bootable(t));
	t = &list.v[tl_find_title(&list, "ARM")];
	assert_false(target_bootable(t));
	assert_non_null(strstr(t->reason, "aa64"));
	t = &list.v[tl_find_title(&list, "Shell")];
	assert_int_equal(t->kind, KIND_CHAIN);
	assert_non_null(strstr(t->reason, "/shellx64.efi"));
	assert_true(tl_find_title(&list, "untitled") >= 0); /* no title: the file name */
}

static const char *vars(void *ctx, const char *name)
{
	if (strcmp(name, "kernelopts") == 0)
		return "root=/dev/mapper/fedora-root ro rd.lvm.lv=fedora/root";
	if (strcmp(name, "os_name") == 0)
		return "Fedora";
	return NULL;
}

static void variables_as_blscfg_expands_them(void **state)
{
	fake_file(&fs, "d", "/loader/entries/f.conf",
		  "title ${os_name} (4.15)\nlinux /vmlinuz\ninitrd $blank /initramfs.img $blank\n"
		  "options $kernelopts debug\noptions $tuned_params\n");
	load("d", "/loader/entries", false, vars, NULL);
	assert_str(list.v[0].title, "Fedora (4.15)");
	assert_int_equal(list.v[0].initrds.n, 1);
	assert_str(list.v[0].initrds.v[0], "/initramfs.img");
	assert_str(list.v[0].cmdline, "root=/dev/mapper/fedora-root ro rd.lvm.lv=fedora/root debug");
	tl_free(&list);
	load("d", "/loader/entries", false, NULL, NULL); /* no lookup: as written */
	assert_str(list.v[0].cmdline, "$kernelopts debug $tuned_params");
}

static void standalone_reads_loader_conf(void **state)
{
	fake_file(&fs, "e", "/loader/loader.conf", "#timeout 3\ntimeout 4\ndefault fedora-5*\n");
	fake_file(&fs, "e", "/loader/entries/fedora-6.1.conf", "title Fedora\nversion 6.1\nlinux /6\n");
	fake_file(&fs, "e", "/loader/entries/fedora-5.9.conf", "title Fedora\nversion 5.9\nlinux /5\n");
	fake_file(&fs, "e", "/loader/entries/debian.conf", "title Debian\nlinux /d\n");
	load("e", "/loader/entries", true, NULL, NULL);
	assert_int_equal(list.timeout, 4);
	assert_str(list.v[list.default_index].id, "fedora-5.9");
	assert_str(list.v[0].title, "Fedora (6.1)");
	assert_str(list.v[1].title, "Fedora (5.9)");
	assert_str(list.v[2].title, "Debian");
	assert_int_equal(load("e", "/nowhere", true, NULL, NULL), -ENOENT);
}

/* Path of a corpus file reference below the case directory. */
static const char *below(const struct jv *file, const char *casename)
{
	const char *s = jstr(file, "url") ? jstr(file, "url") : jstr(file, "name");
	const char *at = s ? strstr(s, casename) : NULL;
	return at ? at + strlen(casename) : NULL;
}

static void corpus_uroot_fedora_32(void **state)
{
	char *base = xasprintf("%s/uroot/bls/testdata", corpus_dir());
	char *dir = xasprintf("%s/fedora_32", base), *jpath = xasprintf("%s/fedora_32.json", base);
	char *json = corpus_text(jpath, 1 << 20, NULL);
	fake_hostdir(&fs, "fedora", dir);
	load("fedora", "/loader/entries", true, NULL, NULL);
	struct jv want;
	const char *p = json;
	jparse(&p, &want);
	assert_int_equal(list.n, want.n);
	for (size_t i = 0; i < want.n; i++) {
		const struct target *t = &list.v[i];
		/* u-root appends the version to every title; see docs/corpus-differences.md */
		assert_true(str_starts(jstr(&want.v[i], "name"), t->title));
		assert_str(t->kernel, below(jget(&want.v[i], "kernel"), "fedora_32"));
		assert_int_equal(t->initrds.n, 1);
		assert_str(t->initrds.v[0], below(jget(&want.v[i], "initrd"), "fedora_32"));
		assert_str(t->cmdline, jstr(&want.v[i], "cmdline"));
	}
	assert_int_equal(tl_default(&list), 0); /* loader.conf: default de83…-* */
	jfree(&want);
	free(json), free(jpath), free(dir), free(base);
}

/* petitboot's blscfg cases: the variables their grub.cfg or grubenv sets. */
static const char *pb_vars(void *ctx, const char *name)
{
	const char **kv = ctx;
	for (; kv[0]; kv += 2)
		if (strcmp(kv[0], name) == 0)
			return kv[1];
	return NULL;
}

/* Checks each "option N" of NAME.expect: name, kernel, initrd, args. */
static void check_expect(const char *casename, const char **kv)
{
	char *dir = xasprintf("%s/petitboot-grub2/%s.fixtures/__test0", corpus_dir(), casename);
	char *epath = xasprintf("%s/petitboot-grub2/%s.expect", corpus_dir(), casename);
	char *exp = corpus_text(epath, 1 << 20, NULL);
	fake_hostdir(&fs, "__test0", dir);
	struct stat st;
	char *boot = xasprintf("%s/boot/loader/entries", dir);
	load("__test0", stat(boot, &st) == 0 ? "/boot/loader/entries" : "/loader/entries", false,
	     pb_vars, kv);
	int opt = -1, checked = 0;
	for (char *line = strtok(exp, "\n"); line; line = strtok(NULL, "\n")) {
		char *s = str_trim(line), v[1024];
		if (sscanf(s, "option %d", &opt) == 1 && !strchr(s, ':'))
			continue;
		if (opt < 0 || (size_t)opt >= list.n)
			continue;
		const struct target *t = &list.v[opt];
		if (sscanf(s, "name: \"%1023[^\"]\"", v) == 1)
			assert_str(t->title, v), checked++;
		else if (sscanf(s, "kernel: %1023s", v) == 1)
			assert_str(t->kernel, v), checked++;
		else if (sscanf(s, "initrd: %1023s", v) == 1 && v[0] == '/')
			assert_str(t->initrds.v[0], v), checked++;
		else if (sscanf(s, "args: \"%1023[^\"]\"", v) == 1) {
			/* petitboot keeps the double space an empty variable leaves; GRUB does not. */
			char *sq = xstrdup(v), *w = sq;
			for (char *r = sq; *r; r++)
				if (!(r[0] == ' ' && r[1] == ' '))
					*w++ = *r;
			*w = 0;
			assert_str(t->cmdline, sq), checked++;
			free(sq);
		}
	}
	assert_true(checked >= 4);
	free(boot), free(exp), free(epath), free(dir);
}

static void corpus_petitboot_multiple(void **state)
{
	const char *kv[] = {"os_name", "Fedora", NULL};
	check_expect("grub2-blscfg-multiple-bls", kv);
	assert_int_equal(list.n, 2);
}

static void corpus_petitboot_opts_config(void **state)
{
	const char *kv[] = {"kernelopts", "root=/dev/mapper/fedora-root ro rd.lvm.lv=fedora/root", NULL};
	check_expect("grub2-blscfg-opts-config", kv);
}

static void corpus_petitboot_opts_grubenv(void **state)
{
	const char *kv[] = {"kernelopts", "root=/dev/mapper/fedora-root ro rd.lvm.lv=fedora/root", NULL};
	check_expect("grub2-blscfg-opts-grubenv", kv);
}

static void corpus_petitboot_fcos38(void **state)
{
	const char *kv[] = {NULL};
	check_expect("grub2-blscfg-fcos38", kv);
	assert_int_equal(list.n, 1);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, parse_setup, parse_teardown)
	const struct CMUnitTest tests[] = {
		T(version_order), T(sorting), T(every_key), T(variables_as_blscfg_expands_them),
		T(standalone_reads_loader_conf), T(corpus_uroot_fedora_32), T(corpus_petitboot_multiple),
		T(corpus_petitboot_opts_config), T(corpus_petitboot_opts_grubenv), T(corpus_petitboot_fcos38),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
