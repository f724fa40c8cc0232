#include "unit.h"
#include "fakefs.h"
#include "grub_devmap.h"

static struct fakefs fs;
static struct grubdev *g;
static struct diag_list diags;

/* Two SATA disks (sda: DOS with a logical partition, sdb: GPT), an NVMe
 * disk, a CD and a floppy, in the kernel's order. */
static int setup(void **state)
{
	fake_init(&fs);
	fake_dev(&fs, "sda", "sda", 0, "dos", NULL, NULL);
	fake_dev(&fs, "sda1", "sda", 1, NULL, "boot", "AAAA-1111");
	fake_dev(&fs, "sda5", "sda", 5, NULL, NULL, "5555");
	fake_dev(&fs, "sdb", "sdb", 0, "gpt", NULL, NULL);
	fake_dev(&fs, "sdb2", "sdb", 2, NULL, "root two", "bbbb-2222");
	fake_dev(&fs, "nvme0n1", "nvme0n1", 0, "gpt", NULL, NULL);
	fake_dev(&fs, "nvme0n1p3", "nvme0n1", 3, NULL, NULL, "cccc");
	fake_dev(&fs, "sr0", "sr0", 0, NULL, "CDROM", "2020-01-01");
	fake_dev(&fs, "fd0", "fd0", 0, NULL, NULL, NULL);
	g = grubdev_new(&fs.io);
	memset(&diags, 0, sizeof(diags));
	return 0;
}

static int teardown(void **state)
{
	grubdev_free(g);
	diag_free(&diags);
	return 0;
}

/* Both lookups hand back a string for us to free; a NULL want expects none. */
static void expect_answer(char *got, const char *want)
{
	if (!want) {
		assert_null(got);
		return;
	}
	assert_non_null(got);
	assert_str(got, want);
	free(got);
}

static void expect(const char *grub, bool legacy, const char *want)
{
	expect_answer(grubdev_to_device(g, grub, legacy), want);
}

static void expect_back(const char *kname, const char *want)
{
	expect_answer(grubdev_from_device(g, kname), want);
}

static void guess_follows_kernel_order(void **state)
{
	expect("hd0", false, "sda");
	expect("(hd1,gpt2)", false, "sdb2");
	expect("hd2,3", false, "nvme0n1p3");
	expect("(hd2,gpt7)", false, "nvme0n1p7"); /* not there yet: named as the kernel would */
	expect("hd3", false, NULL);               /* sr0 and fd0 are not hard disks */
	expect("(fd0)", false, "fd0");
	expect("(cd)", false, "sr0");
}

static void legacy_counts_partitions_from_zero(void **state)
{
	expect("(hd0,0)", true, "sda1");
	expect("(hd0,4)", true, "sda5");
	expect("(hd0,msdos1)", true, NULL); /* no msdosN in GRUB legacy */
	expect("(hd0,1)", false, "sda1");
	expect("(hd0,msdos5)", false, "sda5");
	expect("(hd0,0)", false, NULL);     /* GRUB 2 has no partition 0 */
}

static void home_disk_is_hd0(void **state)
{
	grubdev_set_home(g, "nvme0n1p3");
	expect("hd0,gpt3", false, "nvme0n1p3");
	expect("hd1", false, "sda");
	expect("hd2,2", false, "sdb2");
	expect_back("sda5", "hd1,msdos5");
	grubdev_set_home(g, NULL);
	expect("hd0", false, "sda");
}

static void device_map_and_grub_map(void **state)
{
	const char *map = "# a comment\n(fd0)\t/dev/fd0\n(hd0) /dev/sdb\n"
			  "(hd1)   /dev/disk/by-id/ata-SOMETHING\n(hd2) /dev/disk/by-uuid/cccc\n"
			  "garbage\n(hd3) /dev/nvme0n1\n";
	grubdev_parse_device_map(g, map, strlen(map), "/boot/grub/device.map", &diags);
	assert_int_equal(diags.lines.n, 2);
	assert_true(str_starts(diags.lines.v[0], "/boot/grub/device.map:4: cannot tell which disk "
				"'/dev/disk/by-id/ata-SOMETHING'"));
	assert_true(str_starts(diags.lines.v[1], "/boot/grub/device.map:6: expected a line"));
	expect("(hd0,gpt2)", false, "sdb2");
	expect("(hd0,1)", true, "sdb2");
	expect("hd2", false, "UUID=cccc");       /* a whole-disk mapping stays as written */
	expect("hd2,5", false, "nvme0n1p5");     /* its partitions come from the disk it is on */
	expect("hd3,gpt3", false, "nvme0n1p3");
	/* hd1 is unmapped (its line failed): the first disk no map names. */
	expect("hd1,msdos5", false, "sda5");
	expect("hd4", false, NULL);
	expect_back("sdb2", "hd0,gpt2");
	expect_back("sda1", "hd1,msdos1");

	/* grub-map wins over device.map, for disks and single partitions. */
	grubdev_add_map(g, "hd0", "/dev/sda");
	grubdev_add_map(g, "(hd3,gpt3)", "LABEL=root two");
	expect("hd0,msdos1", false, "sda1");
	expect("(hd3,3)", false, "LABEL=root two");
	expect("(hd3,2)", true, "LABEL=root two");
	expect("hd3,1", false, "nvme0n1p1");
	expect_back("sdb2", "hd3,gpt3");
}

static void by_label_with_escapes(void **state)
{
	const char *map = "(hd0) /dev/disk/by-label/root\\x20two\n";
	grubdev_parse_device_map(g, map, strlen(map), "device.map", &diags);
	assert_int_equal(diags.lines.n, 0);
	expect("hd0", false, "LABEL=root two");
	expect("hd0,4", false, "sdb4");
}

static void bsd_letters_only_through_grub_map(void **state)
{
	expect("(hd0,a)", true, NULL);
	expect("(hd0,0,a)", true, NULL);
	grubdev_add_map(g, "hd0,a", "sda7");
	grubdev_add_map(g, "hd0,1,b", "ufs:sda8");
	expect("(hd0,a)", true, "sda7");
	expect("(hd0,0,b)", true, "ufs:sda8");
	expect("(hd0,msdos1,bsd2)", false, "ufs:sda8");
	expect("(hd0,msdos1,bsd3)", false, NULL);
}

static void bad_names(void **state)
{
	const char *bad[] = {"", "()", "hd", "hdx", "(hd0", "hd0,", "hd0,gpt", "hd0,1,2", "sd0",
			     "hd0,a,b", "(cd,1)", "lvm/vg-root", "hd0,-1", "hd99999999999"};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		char *got = grubdev_to_device(g, bad[i], false);
		if (got)
			fail_msg("'%s' gave '%s'", bad[i], got);
	}
	expect_back("nosuch", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(guess_follows_kernel_order, setup, teardown),
		cmocka_unit_test_setup_teardown(legacy_counts_partitions_from_zero, setup, teardown),
		cmocka_unit_test_setup_teardown(home_disk_is_hd0, setup, teardown),
		cmocka_unit_test_setup_teardown(device_map_and_grub_map, setup, teardown),
		cmocka_unit_test_setup_teardown(by_label_with_escapes, setup, teardown),
		cmocka_unit_test_setup_teardown(bsd_letters_only_through_grub_map, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_names, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
