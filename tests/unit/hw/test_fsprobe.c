/* fsprobe against blkid itself: every image is made by the format's own mkfs
 * (or, for what needs a kernel driver to create, written here by hand) and
 * what fsprobe finds must be what `blkid -p` finds in it, field by field.
 * A format whose tools are missing is reported as skipped. */
#include "unit.h"
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include "disk.h"
#include "fsprobe.h"
#include "util.h"

static char dir[] = "/tmp/kl-fsprobe-XXXXXX";

static int setup(void **state)
{
	assert_non_null(mkdtemp(dir));
	char *cmd = xasprintf("mkdir -p %s/files/boot && echo kernel > %s/files/boot/vmlinuz && "
			      "printf pw > %s/key", dir, dir, dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	return 0;
}

static int teardown(void **state)
{
	char *cmd = xasprintf("rm -rf %s", dir);
	int rc = system(cmd);
	free(cmd);
	return rc;
}

static bool have(const char *tools)
{
	char *cmd = xasprintf("for t in %s; do command -v $t >/dev/null || exit 1; done", tools);
	bool ok = system(cmd) == 0;
	free(cmd);
	return ok;
}

/* Runs a shell script in the temporary folder with IMG, FILES and KEY set. */
static int run(const char *img, const char *script)
{
	char *cmd = xasprintf("cd %s && IMG=%s FILES=files KEY=key && { %s ; } >/dev/null 2>&1", dir,
			      img, script);
	int rc = system(cmd);
	free(cmd);
	return rc;
}

static void field(char *dst, size_t cap, const char *line, const char *key)
{
	size_t n = strlen(key);
	if (!strncmp(line, key, n) && line[n] == '=')
		snprintf(dst, cap, "%.*s", (int)strcspn(line + n + 1, "\n"), line + n + 1);
}

/* blkid's answer; -d keeps labels as they are stored, unescaped. Returns
 * blkid's exit status (8: ambivalent). */
static int blkid(const char *img, struct fsprobe_result *want)
{
	memset(want, 0, sizeof(*want));
	char *cmd = xasprintf("blkid -p -d -o export %s/%s", dir, img), line[1024];
	FILE *f = popen(cmd, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		field(want->type, sizeof(want->type), line, "TYPE");
		field(want->label, sizeof(want->label), line, "LABEL");
		field(want->uuid, sizeof(want->uuid), line, "UUID");
		field(want->pttype, sizeof(want->pttype), line, "PTTYPE");
	}
	int rc = pclose(f);
	free(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

struct counted {
	int fd;
	size_t bytes, reads;
};

static int counted_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	struct counted *c = ctx;
	c->bytes += len;
	c->reads++;
	return pread(c->fd, buf, len, (off_t)off) == (ssize_t)len ? 0 : -1;
}

static int probe(const char *img, struct fsprobe_result *got, struct counted *c)
{
	char *path = xasprintf("%s/%s", dir, img);
	c->fd = open(path, O_RDONLY);
	assert_true(c->fd >= 0);
	struct stat st;
	assert_int_equal(fstat(c->fd, &st), 0);
	struct fsprobe_dev dev = {.read_at = counted_read, .ctx = c, .size = (uint64_t)st.st_size};
	int rc = fsprobe(&dev, got);
	/* The fd path must agree with the callback path. */
	struct fsprobe_result again;
	assert_int_equal(fsprobe_fd(c->fd, 0, &again), rc);
	assert_memory_equal(&again, got, sizeof(again));
	close(c->fd);
	free(path);
	return rc;
}

/* blkid must find what the image was made to hold (type and pttype, "" for
 * none), and fsprobe what blkid finds. */
static void compare(const char *img, const char *type, const char *pttype)
{
	struct fsprobe_result want, got;
	struct counted c = {0};
	int ambivalent = blkid(img, &want) == 8;
	int rc = probe(img, &got, &c);
	print_message("%-14s blkid: TYPE=%s LABEL=%s UUID=%s PTTYPE=%s%s; fsprobe read %zu bytes in %zu reads\n",
		      img, want.type, want.label, want.uuid, want.pttype,
		      ambivalent ? " (ambivalent)" : "", c.bytes, c.reads);
	assert_str(want.type, type);
	assert_str(want.pttype, pttype);
	assert_str(got.type, want.type);
	assert_str(got.label, want.label);
	assert_str(got.uuid, want.uuid);
	assert_str(got.pttype, want.pttype);
	assert_int_equal(rc == FSPROBE_AMBIGUOUS, ambivalent);
	assert_true(c.bytes <= 192 * 1024);
}

static void image(const char *name, const char *type, const char *pttype, const char *tools,
		  const char *script)
{
	if (!have(tools)) {
		print_message("%s: skipped, %s not installed\n", name, tools);
		skip();
	}
	char *img = xasprintf("%s.img", name);
	if (run(img, script) != 0)
		fail_msg("%s: could not make the image with: %s", name, script);
	compare(img, type, pttype);
	char *rm = xasprintf("%s/%s", dir, img);
	unlink(rm);
	free(rm);
	free(img);
}

/* Each image states the type and partition table it holds, so that the test
 * cannot pass with blkid and fsprobe both finding nothing in an image that
 * should hold something. */
#define IMAGE(name, type, pttype, tools, script)                                                   \
	static void name(void **state) { image(#name, type, pttype, tools, script); }

IMAGE(vfat12, "vfat", "", "mkfs.vfat", "mkfs.vfat -C -F 12 -n FAT12LAB $IMG 2000")
IMAGE(vfat16, "vfat", "", "mkfs.vfat", "mkfs.vfat -C -F 16 -n 'Fat 16' $IMG 20000")
IMAGE(vfat32, "vfat", "", "mkfs.vfat", "mkfs.vfat -C -F 32 -n KEXECLOADER $IMG 70000")
IMAGE(vfat32_no_label, "vfat", "", "mkfs.vfat", "mkfs.vfat -C -F 32 $IMG 70000")
IMAGE(vfat_files, "vfat", "", "mkfs.vfat mcopy", "mkfs.vfat -C -n BOOT $IMG 8000 && mcopy -s -i $IMG files/boot ::")
IMAGE(ext2, "ext2", "", "mkfs.ext2", "truncate -s 8M $IMG && mkfs.ext2 -q -F -L 'ext2 lab' -U 0f6d3f2a-1111-2222-3333-444455556666 $IMG")
IMAGE(ext3, "ext3", "", "mkfs.ext3", "truncate -s 8M $IMG && mkfs.ext3 -q -F -L ext3lab -U 1f6d3f2a-1111-2222-3333-444455556666 $IMG")
IMAGE(ext4, "ext4", "", "mkfs.ext4", "truncate -s 16M $IMG && mkfs.ext4 -q -F -L root -U 2f6d3f2a-1111-2222-3333-444455556666 -d files $IMG")
IMAGE(ext4_no_journal, "ext4", "", "mkfs.ext4", "truncate -s 8M $IMG && mkfs.ext4 -q -F -O ^has_journal -L nojournal $IMG")
IMAGE(ext3_by_features, "ext3", "", "mkfs.ext2", "truncate -s 8M $IMG && mkfs.ext2 -q -F -O has_journal,^dir_index $IMG")
IMAGE(iso9660, "iso9660", "", "xorriso", "xorriso -as mkisofs -V 'MyDisc 1' -o $IMG files")
IMAGE(iso9660_joliet, "iso9660", "", "xorriso", "xorriso -as mkisofs -J -V 'Joliet Disc label' -o $IMG files")
IMAGE(iso9660_hybrid, "iso9660", "dos", "xorriso", "xorriso -as mkisofs --protective-msdos-label -V HYBRID -o $IMG files")
IMAGE(udf, "udf", "", "mkudffs", "truncate -s 8M $IMG && mkudffs --label='UDF Lab' $IMG")
IMAGE(xfs, "xfs", "", "mkfs.xfs", "truncate -s 320M $IMG && mkfs.xfs -q -L xfslab $IMG")
IMAGE(btrfs, "btrfs", "", "mkfs.btrfs", "truncate -s 128M $IMG && mkfs.btrfs -q -L 'btrfs label' $IMG")
IMAGE(squashfs, "squashfs", "", "mksquashfs", "mksquashfs files $IMG -quiet -noappend")
IMAGE(swap, "swap", "", "mkswap", "truncate -s 1M $IMG && mkswap -L swaplab -U 11111111-2222-3333-4444-555555555555 $IMG")
IMAGE(ntfs, "ntfs", "", "mkfs.ntfs", "truncate -s 16M $IMG && mkfs.ntfs -q -F -Q -L 'NTFS Lab' $IMG")
IMAGE(exfat, "exfat", "dos", "mkfs.exfat", "truncate -s 16M $IMG && mkfs.exfat -L 'exFAT Lab' $IMG")
IMAGE(f2fs, "f2fs", "", "mkfs.f2fs", "truncate -s 100M $IMG && mkfs.f2fs -q -l 'f2fs lab' $IMG")
IMAGE(luks1, "crypto_LUKS", "", "cryptsetup", "truncate -s 4M $IMG && cryptsetup luksFormat -q --type luks1 --pbkdf-force-iterations 1000 $IMG $KEY")
IMAGE(luks2, "crypto_LUKS", "", "cryptsetup", "truncate -s 16M $IMG && cryptsetup luksFormat -q --type luks2 --pbkdf pbkdf2 --pbkdf-force-iterations 1000 --label cryptlab $IMG $KEY")
IMAGE(dos, "", "dos", "sfdisk", "truncate -s 32M $IMG && printf 'label: dos\\n,8M,L\\n,,c\\n' | sfdisk -q $IMG")
IMAGE(gpt, "", "gpt", "sfdisk", "truncate -s 32M $IMG && printf 'label: gpt\\n,8M,L\\n,,L\\n' | sfdisk -q $IMG")
/* Both GPT headers gone: what is left is the protective MBR. */
IMAGE(gpt_lost, "", "PMBR", "sfdisk", "truncate -s 32M $IMG && printf 'label: gpt\\n,,L\\n' | sfdisk -q $IMG && "
      "dd if=/dev/zero of=$IMG bs=512 seek=1 count=1 conv=notrunc && "
      "dd if=/dev/zero of=$IMG bs=512 seek=65535 count=1 conv=notrunc")
/* The primary GPT header damaged: the backup at the disk's end still counts. */
IMAGE(gpt_backup, "", "gpt", "sfdisk", "truncate -s 32M $IMG && printf 'label: gpt\\n,,L\\n' | sfdisk -q $IMG && "
      "printf x | dd of=$IMG bs=1 seek=600 conv=notrunc")
/* A FAT boot sector ends in 55 AA like an MBR; with a partition table before it, a FAT whole disk. */
IMAGE(dos_with_fat_partition, "", "dos", "sfdisk mkfs.vfat", "truncate -s 32M $IMG && "
      "printf 'label: dos\\n,,c\\n' | sfdisk -q $IMG && mkfs.vfat -F 32 --offset 2048 -n INSIDE $IMG")
/* Two filesystems' signatures: blkid refuses to choose, and so must fsprobe. */
IMAGE(ambivalent, "", "", "mkfs.ext4", "truncate -s 8M $IMG && mkfs.ext4 -q -F $IMG && "
      "printf 'hsqs\\0\\0\\0\\0' | dd of=$IMG conv=notrunc && "
      "printf '\\4\\0' | dd of=$IMG bs=1 seek=28 conv=notrunc")
IMAGE(zeros, "", "", "truncate", "truncate -s 4M $IMG")

/* pvcreate needs a block device: a loop device when this runs as root. */
IMAGE(lvm2, "LVM2_member", "", "pvcreate losetup", "truncate -s 16M $IMG && L=$(losetup -f --show $IMG) && "
      "{ pvcreate -q --config 'activation{udev_sync=0 udev_rules=0}' $L; rc=$?; losetup -d $L; exit $rc; }")

static void put_le(uint8_t *b, uint64_t v, int n)
{
	for (int i = 0; i < n; i++, v >>= 8)
		b[i] = (uint8_t)v;
}

/* mdadm needs the kernel's md driver to write its superblocks; these are
 * written here, as the kernel's md documentation lays them out. */
static void write_md(const char *img, uint64_t size, uint64_t at, const uint8_t *sb, size_t n)
{
	char *path = xasprintf("%s/%s", dir, img);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)size), 0);
	assert_int_equal(pwrite(fd, sb, n, (off_t)at), (ssize_t)n);
	close(fd);
	free(path);
}

static void md_v1_2(void **state)
{
	uint8_t sb[256] = {0};
	put_le(sb, 0xa92b4efc, 4);
	put_le(sb + 4, 1, 4);
	for (int i = 0; i < 16; i++)
		sb[16 + i] = (uint8_t)(0x10 * i + 7);
	memcpy(sb + 32, "host:kl", 7);
	put_le(sb + 144, 4096 / 512, 8);
	write_md("md_v1_2.img", 16 << 20, 4096, sb, sizeof(sb));
	compare("md_v1_2.img", "linux_raid_member", "");
}

static void md_v0_90(void **state)
{
	uint8_t sb[64] = {0};
	uint64_t size = 16 << 20, at = size - 0x10000;
	put_le(sb, 0xa92b4efc, 4);
	put_le(sb + 8, 90, 4);
	static const int uuid_at[] = {20, 52, 56, 60};
	for (int i = 0; i < 4; i++)
		put_le(sb + uuid_at[i], 0x01020304u * (uint32_t)(i + 1), 4);
	put_le(sb + 32, at / 1024, 4);
	write_md("md_v0_90.img", size, at, sb, sizeof(sb));
	compare("md_v0_90.img", "linux_raid_member", "");
}

/* Images in memory: too small, or truncated in the middle of a superblock. */
static void short_inputs_find_nothing(void **state)
{
	static uint8_t buf[40000];
	struct fsprobe_result r;
	assert_int_equal(fsprobe_buf(buf, 0, &r), FSPROBE_NONE);
	assert_int_equal(fsprobe_buf(buf, 512, &r), FSPROBE_NONE);
	memcpy(buf + 1024 + 0x38, "\x53\xef", 2);
	assert_int_equal(fsprobe_buf(buf, 1024 + 0x3a, &r), FSPROBE_NONE);
	assert_int_equal(fsprobe_buf(buf, sizeof(buf), &r), FSPROBE_FOUND);
	assert_str(r.type, "ext2");
}

/* The device layer over a sysfs and a /dev made of files: what it lists for
 * a disk is what blkid says of the disk's image. */
static void device_layer_reports_what_blkid_finds(void **state)
{
	if (!have("mkfs.ext4"))
		skip();
	assert_int_equal(run("vdb", "mkdir -p sys/class/block/vdb dev mnt && echo 16384 > "
				    "sys/class/block/vdb/size && truncate -s 8M dev/vdb && "
				    "mkfs.ext4 -q -F -L 'boot disk' dev/vdb"), 0);
	char *sys = xasprintf("%s/sys", dir), *dev = xasprintf("%s/dev", dir);
	char *mnt = xasprintf("%s/mnt", dir);
	disk_setup(sys, dev, mnt);
	assert_int_equal(disk_rescan(), 1);
	const struct fsinfo *v;
	assert_int_equal(disk_list(&v), 1);
	struct fsprobe_result want;
	blkid("dev/vdb", &want);
	assert_str(v[0].name, "vdb");
	assert_str(v[0].fstype, want.type);
	assert_str(v[0].label, want.label);
	assert_str(v[0].uuid, want.uuid);
	assert_null(v[0].pttype);
	char *uuid_spec = xasprintf("UUID=%s", want.uuid), *err = NULL;
	assert_non_null(disk_find("LABEL=boot disk", &err));
	assert_non_null(disk_find(uuid_spec, &err));
	free(uuid_spec), free(sys), free(dev), free(mnt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vfat12), cmocka_unit_test(vfat16), cmocka_unit_test(vfat32),
		cmocka_unit_test(vfat32_no_label), cmocka_unit_test(vfat_files),
		cmocka_unit_test(ext2), cmocka_unit_test(ext3), cmocka_unit_test(ext4),
		cmocka_unit_test(ext4_no_journal), cmocka_unit_test(ext3_by_features),
		cmocka_unit_test(iso9660), cmocka_unit_test(iso9660_joliet),
		cmocka_unit_test(iso9660_hybrid), cmocka_unit_test(udf), cmocka_unit_test(xfs),
		cmocka_unit_test(btrfs), cmocka_unit_test(squashfs), cmocka_unit_test(swap),
		cmocka_unit_test(ntfs), cmocka_unit_test(exfat), cmocka_unit_test(f2fs),
		cmocka_unit_test(luks1), cmocka_unit_test(luks2), cmocka_unit_test(dos),
		cmocka_unit_test(gpt), cmocka_unit_test(gpt_lost), cmocka_unit_test(gpt_backup),
		cmocka_unit_test(dos_with_fat_partition), cmocka_unit_test(ambivalent),
		cmocka_unit_test(zeros), cmocka_unit_test(lvm2), cmocka_unit_test(md_v1_2),
		cmocka_unit_test(md_v0_90), cmocka_unit_test(short_inputs_find_nothing),
		cmocka_unit_test(device_layer_reports_what_blkid_finds),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
