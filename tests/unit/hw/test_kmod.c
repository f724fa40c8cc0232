/* Module loading against a fake modules directory, a fake sysfs and a fake
 * finit_module that records what would have been loaded. */
#include "unit.h"
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include "kmod.h"
#include "log.h"
#include "util.h"
#include "hostfile.h"

static char root[64];
static struct kmod *km;

/* ---- the fake system call ---- */

struct call {
	char file[128]; /* base name of the module file */
	char params[128];
	int flags;
};
static struct call calls[64];
static size_t n_calls;
static struct {
	const char *file;
	int err;
} failures[8];
/* file needs[i][0] fails with ENOENT (an unknown symbol) until needs[i][1] loaded */
static const char *needs[4][2];

static bool was_loaded(const char *file)
{
	for (size_t i = 0; i < n_calls; i++)
		if (strcmp(calls[i].file, file) == 0)
			return true;
	return false;
}

static int fake_finit(int fd, const char *params, int flags)
{
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	assert_non_null(params);
	char link[64], target[512];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, target, sizeof(target) - 1);
	assert_true(n > 0);
	target[n] = 0;
	const char *base = strrchr(target, '/') + 1;
	for (size_t i = 0; i < ARRAY_SIZE(failures) && failures[i].file; i++) {
		if (strcmp(failures[i].file, base) == 0) {
			errno = failures[i].err;
			return -1;
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(needs) && needs[i][0]; i++) {
		if (strcmp(needs[i][0], base) == 0 && !was_loaded(needs[i][1])) {
			errno = ENOENT;
			return -1;
		}
	}
	/* coldplug's threads call this at the same time */
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	pthread_mutex_lock(&lock);
	assert_true(n_calls < ARRAY_SIZE(calls));
	snprintf(calls[n_calls].file, sizeof(calls[n_calls].file), "%s", base);
	snprintf(calls[n_calls].params, sizeof(calls[n_calls].params), "%s", params);
	calls[n_calls++].flags = flags;
	pthread_mutex_unlock(&lock);
	return 0;
}

/* The loaded files in order, space-separated. */
static const char *loaded(void)
{
	static char s[1024];
	s[0] = 0;
	for (size_t i = 0; i < n_calls; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, calls[i].file);
	}
	return s;
}

/* ---- the fake directories ---- */

static void put(const char *rel, const char *text)
{
	write_text_below(root, rel, text);
}

/* A path under the test's directory; two may be used at once. */
static char *at(const char *rel)
{
	static char path[2][256];
	static int turn;
	turn = !turn;
	snprintf(path[turn], sizeof(path[turn]), "%s/%s", root, rel);
	return path[turn];
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static size_t log_mark;

static int setup(void **state)
{
	strcpy(root, "/tmp/test_kmod.XXXXXX");
	assert_non_null(mkdtemp(root));
	kmod_finit_module = fake_finit;
	n_calls = 0;
	memset(failures, 0, sizeof(failures));
	memset(needs, 0, sizeof(needs));
	km = NULL;
	log_mark = log_count();
	return 0;
}

static int teardown(void **state)
{
	kmod_close(km);
	nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

/* Whether a log line written during this test contains text. */
static bool logged(const char *text)
{
	for (size_t i = log_mark; i < log_count(); i++)
		if (strstr(log_line(i, NULL), text))
			return true;
	return false;
}

static void modules(const char *dep, const char *alias, const char *softdep, const char *builtin)
{
	put("mods/modules.dep", dep);
	if (alias)
		put("mods/modules.alias", alias);
	if (softdep)
		put("mods/modules.softdep", softdep);
	if (builtin)
		put("mods/modules.builtin", builtin);
	/* every module modules.dep names gets a file */
	char *text = xstrdup(dep), *save = NULL;
	for (char *w = strtok_r(text, " :\n", &save); w; w = strtok_r(NULL, " :\n", &save)) {
		char *rel = xasprintf("mods/%s", w);
		put(rel, "\177ELF");
		free(rel);
	}
	free(text);
	km = kmod_open(at("mods"));
}

/* ---- by name ---- */

static void dependencies_load_first_and_once(void **state)
{
	modules("kernel/a.ko: kernel/lib/c.ko kernel/b.ko\n"
		"kernel/b.ko: kernel/lib/c.ko\n"
		"kernel/lib/c.ko:\n"
		"kernel/d.ko:\n",
		NULL, NULL, NULL);
	assert_int_equal(kmod_load(km, "a"), 0);
	assert_str(loaded(), "c.ko b.ko a.ko");
	assert_int_equal(kmod_load(km, "b"), 0);
	assert_int_equal(kmod_load(km, "a"), 0);
	assert_int_equal(n_calls, 3);
	assert_true(kmod_is_loaded(km, "c"));
	assert_false(kmod_is_loaded(km, "d"));
	assert_true(logged("loaded module a"));
	assert_int_equal(kmod_load(km, "nosuch"), -ENOENT);
}

static void dash_and_underscore_are_equal(void **state)
{
	modules("kernel/sound/snd-hda-core.ko:\nkernel/x_y.ko: kernel/sound/snd-hda-core.ko\n",
		"alias pci:v1234* x-y\n", NULL, NULL);
	assert_int_equal(kmod_load(km, "snd_hda-core"), 0);
	assert_true(kmod_is_loaded(km, "snd-hda_core"));
	assert_int_equal(kmod_load_alias(km, "pci:v1234d0001"), 1);
	assert_str(loaded(), "snd-hda-core.ko x_y.ko");
	assert_true(kmod_name_eq("a-b_c", "a_b-c"));
	assert_false(kmod_name_eq("ab", "a_b"));
}

static void builtin_modules_count_as_loaded(void **state)
{
	modules("kernel/fs/ext4.ko: kernel/fs/jbd2.ko\nkernel/fs/jbd2.ko:\n", NULL,
		"softdep ext4 pre: crc32c post: nosuch\n",
		"kernel/lib/crc32c.ko\nkernel/fs/mbcache.ko\n");
	assert_true(kmod_is_loaded(km, "mbcache"));
	assert_int_equal(kmod_load(km, "crc32c"), 0);
	assert_int_equal(kmod_load(km, "ext4"), 0);
	assert_str(loaded(), "jbd2.ko ext4.ko");
}

static void softdeps_pre_and_post_by_name_or_alias(void **state)
{
	modules("kernel/fs/ext4.ko: kernel/fs/jbd2.ko\nkernel/fs/jbd2.ko:\n"
		"kernel/crypto/crc32c_generic.ko:\nkernel/p.ko:\nkernel/q.ko: kernel/p.ko\n",
		"alias crypto-crc32c crc32c_generic\nalias crypto-crc32c-generic crc32c_generic\n",
		"# comment\nsoftdep ext4 pre: crypto-crc32c post: q\n"
		"softdep jbd2 pre: crypto-crc32c\nsoftdep cifs gcm\n"
		"softdep q pre: ext4\n", /* a cycle */
		NULL);
	assert_int_equal(kmod_load(km, "ext4"), 0);
	assert_str(loaded(), "crc32c_generic.ko jbd2.ko ext4.ko p.ko q.ko");
}

/* ---- by alias ---- */

static void modalias_loads_every_match_of_modules_present(void **state)
{
	modules("kernel/virtio_pci.ko: kernel/virtio.ko\nkernel/virtio.ko:\n"
		"kernel/other.ko:\nkernel/gone.ko:\n",
		"# Aliases\n"
		"alias pci:v00001AF4d*sv*sd*bc*sc*i* virtio_pci\n"
		"alias pci:v00001AF4d00001001sv*sd*bc*sc*i* other\n"
		"alias pci:v00001AF4d00001001sv*sd*bc*sc*i* virtio_pci\n"
		"alias pci:v00008086d*sv*sd*bc*sc*i* other\n"
		"alias pci:v00001AF4* gone\n"
		"alias pci:v00001AF4* not_in_dep\n",
		NULL, NULL);
	/* the file of "gone" disappears after depmod ran: its alias must be dropped */
	kmod_close(km);
	remove(at("mods/kernel/gone.ko"));
	km = kmod_open(at("mods"));
	const char *dev = "pci:v00001AF4d00001001sv00001AF4sd00000002bc01sc00i00";
	assert_int_equal(kmod_load_alias(km, dev), 2);
	assert_str(loaded(), "virtio.ko virtio_pci.ko other.ko");
	assert_false(logged("gone"));
	assert_int_equal(kmod_load_alias(km, dev), 2);
	assert_int_equal(kmod_load_alias(km, "pci:v000010ECd00008139sv*"), 0);
	assert_int_equal(kmod_load_alias(km, "usb:v1234"), 0);
	assert_int_equal(n_calls, 3);
}

static void missing_files_make_an_empty_table(void **state)
{
	mkdir(at("empty"), 0755);
	km = kmod_open(at("empty"));
	assert_int_equal(kmod_load(km, "ext4"), -ENOENT);
	assert_int_equal(kmod_load_alias(km, "pci:v1"), 0);
	kmod_close(km);
	km = kmod_open(at("nowhere"));
	assert_int_equal(kmod_load(km, "ext4"), -ENOENT);
	assert_int_equal(n_calls, 0);
}

/* ---- failures ---- */

static void failures_are_logged_and_loading_goes_on(void **state)
{
	modules("kernel/bad.ko:\nkernel/user.ko: kernel/bad.ko\nkernel/good.ko:\n",
		"alias pci:v1* user\nalias pci:v1* good\n", NULL, NULL);
	failures[0].file = "bad.ko";
	failures[0].err = ENOEXEC;
	assert_int_equal(kmod_load_alias(km, "pci:v1"), 2);
	assert_str(loaded(), "good.ko");
	assert_true(logged("Kernel module bad (kernel/bad.ko) could not be loaded: the file is not a kernel module"));
	assert_true(logged("Kernel module user was not loaded because module bad, which it needs, could not be loaded"));
	assert_int_equal(kmod_load(km, "user"), -ENOEXEC);
	assert_false(kmod_is_loaded(km, "bad"));
}

static void already_loaded_is_success(void **state)
{
	modules("kernel/a.ko:\n", NULL, NULL, NULL);
	failures[0].file = "a.ko";
	failures[0].err = EEXIST;
	assert_int_equal(kmod_load(km, "a"), 0);
	assert_true(kmod_is_loaded(km, "a"));
	assert_false(logged("could not"));
}

/* ---- options ---- */

static const char *options(const char *module, void *ctx)
{
	return kmod_name_eq(module, "usb-storage") ? ctx : NULL;
}

static const char *late_options(const char *module, void *ctx)
{
	for (const char *const(*pair)[2] = ctx; (*pair)[0]; pair++)
		if (kmod_name_eq(module, (*pair)[0]))
			return (*pair)[1];
	return NULL;
}

static void options_are_passed_and_reported(void **state)
{
	modules("kernel/usb-storage.ko: kernel/usbcore.ko\nkernel/usbcore.ko:\n", NULL, NULL, NULL);
	put("sys/module/usb_storage/parameters/delay_use", "0\n");
	put("sys/module/usb_storage/parameters/quirks", "0781:5406:u\n");
	char params[] = "delay_use=0 quirks=\"0781:5406:u\" hidden=1";
	kmod_set_options(km, options, params);
	kmod_set_sysfs(km, at("sys"));
	assert_int_equal(kmod_load(km, "usb_storage"), 0);
	assert_str(loaded(), "usbcore.ko usb-storage.ko");
	assert_str(calls[0].params, "");
	/* after kexec-loader's own default for the module (modparams.h) */
	assert_str(calls[1].params, "delay_use=0 delay_use=0 quirks=\"0781:5406:u\" hidden=1");
	assert_true(logged("module usb_storage parameter delay_use = 0"));
	assert_true(logged("module usb_storage parameter quirks = 0781:5406:u"));
	assert_true(logged("module usb_storage parameter hidden: the kernel does not show its value"));
	assert_false(logged("usbcore parameter"));
}

/* MODULE.PARAM=VALUE words of the kernel command line, as modprobe reads them:
 * after kexec-loader's default, before kexec-loader.conf's kmod line. */
static void command_line_parameters_are_passed(void **state)
{
	modules("kernel/usb-storage.ko:\nkernel/loop.ko:\nkernel/other.ko:\n", NULL, NULL, NULL);
	kmod_set_cmdline(km, "quiet usb-storage.delay_use=2 loop.max_part=8 initrd=/a.img");
	kmod_set_options(km, options, "quirks=1:2:u");
	assert_int_equal(kmod_load(km, "usb_storage"), 0);
	assert_int_equal(kmod_load(km, "loop"), 0);
	assert_int_equal(kmod_load(km, "other"), 0);
	assert_str(loaded(), "usb-storage.ko loop.ko other.ko");
	assert_str(calls[0].params, "delay_use=0 delay_use=2 quirks=1:2:u");
	assert_str(calls[1].params, "max_part=8");
	assert_str(calls[2].params, "");
}

static size_t load_position(const char *file)
{
	for (size_t i = 0; i < n_calls; i++)
		if (strcmp(calls[i].file, file) == 0)
			return i;
	fail_msg("%s was not loaded: %s", file, loaded());
	return 0;
}

/* What the devices' modules need loads first, then the USB host controllers'
 * drivers, then the others (the kernel makes a module load wait for every
 * driver's background probing, and USB hubs find their devices slowly). */
static void coldplug_loads_needs_then_usb_hosts_first(void **state)
{
	modules("kernel/e1000.ko:\n"
		"kernel/ahci.ko: kernel/libahci.ko kernel/libata.ko kernel/scsi_mod.ko\n"
		"kernel/libahci.ko: kernel/libata.ko kernel/scsi_mod.ko\n"
		"kernel/libata.ko: kernel/scsi_mod.ko\nkernel/scsi_mod.ko:\n"
		"kernel/xhci-pci.ko: kernel/xhci-hcd.ko kernel/usbcore.ko\n"
		"kernel/xhci-hcd.ko: kernel/usbcore.ko\nkernel/usbcore.ko:\n"
		"kernel/nvme.ko: kernel/nvme-core.ko\nkernel/nvme-core.ko:\n",
		"alias pci:v00008086d0000100Esv*sd*bc*sc*i* e1000\n"
		"alias pci:v*d*sv*sd*bc01sc06i01* ahci\n"
		"alias pci:v*d*sv*sd*bc0Csc03i30* xhci_pci\n"
		"alias pci:v*d*sv*sd*bc01sc08i02* nvme\n",
		NULL, NULL);
	/* in the order of the walk: the network card, disks, then the USB controller */
	put("sys/devices/pci0000:00/0000:00:03.0/modalias", "pci:v00008086d0000100Esv1sd1bc02sc00i00\n");
	put("sys/devices/pci0000:00/0000:00:04.0/modalias", "pci:v00008086d00002922sv1sd1bc01sc06i01\n");
	put("sys/devices/pci0000:00/0000:00:05.0/modalias", "pci:v00001B36d00000010sv1sd1bc01sc08i02\n");
	put("sys/devices/pci0000:00/0000:00:06.0/modalias", "pci:v00001B36d0000000Dsv1sd1bc0Csc03i30\n");
	assert_int_equal(kmod_coldplug(km, at("sys/devices")), 4);
	assert_int_equal(n_calls, 10);
	size_t xhci = load_position("xhci-pci.ko");
	static const char *const libs[] = {"usbcore.ko", "xhci-hcd.ko", "scsi_mod.ko", "libata.ko",
					   "libahci.ko", "nvme-core.ko"};
	for (size_t i = 0; i < ARRAY_SIZE(libs); i++)
		assert_true(load_position(libs[i]) < xhci);
	assert_true(xhci < load_position("ahci.ko"));
	assert_true(xhci < load_position("nvme.ko"));
	assert_true(xhci < load_position("e1000.ko"));
}

static void options_known_late_go_through_sysfs(void **state)
{
	modules("kernel/usb-storage.ko:\nkernel/loop.ko:\nkernel/other.ko:\n", NULL, NULL,
		"kernel/fs/fat.ko\n");
	put("sys/module/usb_storage/parameters/delay_use", "5\n");
	put("sys/module/fat/parameters/codepage", "437\n");
	put("sys/module/loop/parameters/max_part", "0\n");
	kmod_set_sysfs(km, at("sys"));
	assert_int_equal(kmod_load(km, "usb-storage"), 0);
	assert_int_equal(kmod_load(km, "other"), 0);
	static const char *const late[][2] = {
		{"usb_storage", "delay_use=0 quirks=1:2:u"},
		{"fat", "codepage=850"},        /* built in */
		{"loop", "max_part=\"8\""},     /* loaded by someone else meanwhile */
		{NULL, NULL},
	};
	kmod_set_options(km, late_options, (void *)late);
	/* the parameter the kernel lets change is written, the other is missing */
	char *v = read_line_file(at("sys/module/usb_storage/parameters/delay_use"));
	assert_str(v, "0");
	free(v);
	assert_true(logged("module usb_storage parameter delay_use = 0"));
	assert_true(logged("Option quirks=1:2:u of module usb_storage was not applied"));
	assert_true(logged("module fat parameter codepage = 850"));
	assert_false(logged("module other parameter"));
	failures[0].file = "loop.ko";
	failures[0].err = EEXIST;
	assert_int_equal(kmod_load(km, "loop"), 0);
	assert_true(logged("module loop parameter max_part = 8"));
	/* only once */
	size_t lines = log_count();
	kmod_set_options(km, late_options, (void *)late);
	assert_int_equal(log_count(), lines);
}

/* ---- files and folders ---- */

/* A minimal ELF object of this machine whose .modinfo says depends=DEPS. */
static void put_module_with_depends(const char *rel, const char *deps)
{
	char info[128];
	int ilen = snprintf(info, sizeof(info), "license=GPL%cdepends=%s%cname=x", 0, deps, 0) + 1;
	static const char names[] = "\0.shstrtab\0.modinfo";
	struct {
		Elf64_Ehdr eh;
		Elf64_Shdr sh[3];
		char names[sizeof(names)];
		char info[128];
	} f;
	memset(&f, 0, sizeof(f));
	memcpy(f.eh.e_ident, ELFMAG, SELFMAG);
	f.eh.e_ident[EI_CLASS] = ELFCLASS64;
	f.eh.e_ident[EI_DATA] = ELFDATA2LSB;
	f.eh.e_shoff = offsetof(__typeof__(f), sh);
	f.eh.e_shentsize = sizeof(Elf64_Shdr);
	f.eh.e_shnum = 3;
	f.eh.e_shstrndx = 1;
	f.sh[1] = (Elf64_Shdr){.sh_name = 1, .sh_type = SHT_STRTAB,
			       .sh_offset = offsetof(__typeof__(f), names), .sh_size = sizeof(names)};
	f.sh[2] = (Elf64_Shdr){.sh_name = 11, .sh_type = SHT_PROGBITS,
			       .sh_offset = offsetof(__typeof__(f), info), .sh_size = (Elf64_Xword)ilen};
	memcpy(f.names, names, sizeof(names));
	memcpy(f.info, info, (size_t)ilen);
	write_bytes_below(root, rel, &f, sizeof(f));
}

static void folder_retries_modules_missing_symbols(void **state)
{
	modules("kernel/fs/mbcache.ko:\n", NULL, NULL, NULL);
	put("disk/modules/README.txt", "not a module");
	put("disk/modules/a.ko", "");
	put("disk/modules/b.ko", "");
	put("disk/modules/c-d.ko.xz", "");
	put("disk/modules/never.ko", "");
	put_module_with_depends("disk/modules/fs.ko", "mbcache,b");
	needs[0][0] = "a.ko", needs[0][1] = "b.ko";
	needs[1][0] = "never.ko", needs[1][1] = "nothing.ko";
	assert_int_equal(kmod_load_folder(km, at("disk/modules")), 4);
	assert_str(loaded(), "b.ko c-d.ko.xz mbcache.ko fs.ko a.ko");
	assert_int_equal(calls[1].flags, 4); /* MODULE_INIT_COMPRESSED_FILE */
	assert_int_equal(calls[0].flags, 0);
	assert_true(kmod_is_loaded(km, "c_d"));
	assert_true(logged("Kernel module never ("));
	assert_true(logged("could not be loaded: it needs a symbol that no loaded module provides"));
	assert_false(logged("Kernel module a ("));
	/* loaded already: not again */
	assert_int_equal(kmod_load_file(km, at("disk/modules/b.ko")), 0);
	assert_int_equal(n_calls, 5);
	assert_int_equal(kmod_load_folder(km, at("disk/none")), -ENOENT);
	assert_false(logged("disk/none"));
	assert_int_equal(kmod_load_file(km, at("disk/modules/README.txt")), -EINVAL);
}

/* ---- coldplug ---- */

static void coldplug_reads_every_modalias(void **state)
{
	modules("kernel/virtio_pci.ko:\nkernel/virtio_blk.ko:\nkernel/e1000.ko:\n",
		"alias pci:v00001AF4d*sv*sd*bc*sc*i* virtio_pci\n"
		"alias virtio:d00000002v* virtio_blk\n"
		"alias pci:v00008086d0000100Esv*sd*bc*sc*i* e1000\n",
		NULL, NULL);
	put("sys/devices/pci0000:00/0000:00:04.0/modalias", "pci:v00001AF4d00001001sv1sd2bc01sc00i00\n");
	put("sys/devices/pci0000:00/0000:00:04.0/virtio1/modalias", "virtio:d00000002v00001AF4\n");
	put("sys/devices/pci0000:00/0000:00:05.0/modalias", "pci:v00001AF4d00001001sv1sd2bc01sc00i00\n");
	put("sys/devices/platform/serial8250/modalias", "platform:serial8250\n");
	put("sys/devices/platform/serial8250/empty/modalias", "\n");
	put("sys/elsewhere/modalias", "pci:v00008086d0000100Esv1sd1bc02sc00i00\n");
	/* sysfs links lead out of and back into the tree; they must not be followed */
	assert_int_equal(symlink("../../..", at("sys/devices/pci0000:00/0000:00:04.0/subsystem")), 0);
	assert_int_equal(symlink(at("sys/elsewhere"), at("sys/devices/platform/link")), 0);
	assert_int_equal(kmod_coldplug(km, at("sys/devices")), 4);
	assert_true(kmod_is_loaded(km, "virtio_pci"));
	assert_true(kmod_is_loaded(km, "virtio_blk"));
	assert_false(kmod_is_loaded(km, "e1000"));
	assert_int_equal(n_calls, 2);
	assert_int_equal(kmod_coldplug(km, at("sys/none")), 0);
	assert_true(logged("sys/none"));
}

/* ---- modprobe ---- */

static void modprobe_by_name_or_alias(void **state)
{
	modules("kernel/fs/ext4.ko:\nkernel/crypto/sha256_generic.ko:\n",
		"alias fs-ext4 ext4\nalias crypto-sha256 sha256_generic\n", NULL, "kernel/fs/vfat.ko\n");
	char *ok[] = {"modprobe", "-q", "--", "crypto-sha256", NULL};
	assert_int_equal(kmod_modprobe(km, 4, ok), 0);
	assert_str(loaded(), "sha256_generic.ko");
	char *byname[] = {"modprobe", "-q", "--", "fs-ext4", "vfat", NULL};
	assert_int_equal(kmod_modprobe(km, 5, byname), 0);
	assert_str(loaded(), "sha256_generic.ko ext4.ko");
	char *missing[] = {"modprobe", "-q", "--", "fs-nosuch", NULL};
	assert_int_equal(kmod_modprobe(km, 4, missing), 1);
	assert_false(logged("fs-nosuch"));
	char *loud[] = {"modprobe", "fs-nosuch", NULL};
	assert_int_equal(kmod_modprobe(km, 2, loud), 1);
	assert_true(logged("no module or alias fs-nosuch"));
	char *none[] = {"modprobe", "-q", NULL};
	assert_int_equal(kmod_modprobe(km, 2, none), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(dependencies_load_first_and_once, setup, teardown),
		cmocka_unit_test_setup_teardown(dash_and_underscore_are_equal, setup, teardown),
		cmocka_unit_test_setup_teardown(builtin_modules_count_as_loaded, setup, teardown),
		cmocka_unit_test_setup_teardown(softdeps_pre_and_post_by_name_or_alias, setup, teardown),
		cmocka_unit_test_setup_teardown(modalias_loads_every_match_of_modules_present, setup, teardown),
		cmocka_unit_test_setup_teardown(missing_files_make_an_empty_table, setup, teardown),
		cmocka_unit_test_setup_teardown(failures_are_logged_and_loading_goes_on, setup, teardown),
		cmocka_unit_test_setup_teardown(already_loaded_is_success, setup, teardown),
		cmocka_unit_test_setup_teardown(options_are_passed_and_reported, setup, teardown),
		cmocka_unit_test_setup_teardown(options_known_late_go_through_sysfs, setup, teardown),
		cmocka_unit_test_setup_teardown(command_line_parameters_are_passed, setup, teardown),
		cmocka_unit_test_setup_teardown(coldplug_loads_needs_then_usb_hosts_first, setup, teardown),
		cmocka_unit_test_setup_teardown(folder_retries_modules_missing_symbols, setup, teardown),
		cmocka_unit_test_setup_teardown(coldplug_reads_every_modalias, setup, teardown),
		cmocka_unit_test_setup_teardown(modprobe_by_name_or_alias, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
