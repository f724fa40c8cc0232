/* The benchmark's baseline: the least a boot loader in an initramfs must do to start a
 * kernel from a disk — load a fixed list of modules, wait for one disk, mount it, hand a
 * kernel, an initrd and a command line to kexec_file_load and jump. No menu, no
 * configuration, no device discovery. bench/run compares kexec-loader with it.
 *
 * Settings come as init's environment (the kernel passes unknown name=value options
 * there) and the target's command line as init's arguments (what follows " -- "):
 *   bl_modules=a,b,c bl_disk=/dev/vda bl_fstype=vfat bl_kernel=/vmlinuz bl_initrd=/x.img
 *   bl_log=/dev/ttyS1
 * The log lines have kexec-loader's form: "[    1.234] info: message".
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/reboot.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static FILE *logfile;

static void say(const char *fmt, ...)
{
	struct timespec ts;
	va_list ap;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	fprintf(logfile, "[%5ld.%03ld] info: ", (long)ts.tv_sec, ts.tv_nsec / 1000000);
	va_start(ap, fmt);
	vfprintf(logfile, fmt, ap);
	va_end(ap);
	fputs("\r\n", logfile);
	fflush(logfile);
}

static const char *setting(const char *name)
{
	const char *v = getenv(name);

	if (!v) {
		say("%s is not set on the kernel command line", name);
		v = "";
	}
	return v;
}

/* modules.dep names each module by its path; the kernel's name has '_' for '-'. */
static int same_module(const char *path, size_t len, const char *name)
{
	const char *base = path;

	for (size_t i = 0; i < len; i++)
		if (path[i] == '/')
			base = path + i + 1;
	for (; *name && base < path + len; name++, base++)
		if (*name != (*base == '-' ? '_' : *base))
			return 0;
	return !*name && base + 3 <= path + len && !strncmp(base, ".ko", 3);
}

static void load_module(const char *moddir, const char *dep, const char *name)
{
	for (const char *line = dep; *line;) {
		const char *colon = strchr(line, ':'), *end = strchr(line, '\n');

		if (!end)
			end = line + strlen(line);
		if (colon && colon < end && same_module(line, (size_t)(colon - line), name)) {
			char path[512];
			snprintf(path, sizeof(path), "%s/%.*s", moddir, (int)(colon - line), line);
			int fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0 || (syscall(SYS_finit_module, fd, "", 0) != 0 && errno != EEXIST))
				say("module %s: %s", name, strerror(errno));
			else
				say("loaded module %s", name);
			if (fd >= 0)
				close(fd);
			return;
		}
		line = *end ? end + 1 : end;
	}
	say("module %s is not in modules.dep", name);
}

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t size = 0;

	if (!f)
		return calloc(1, 1);
	FILE *mem = open_memstream(&buf, &size);
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fwrite(chunk, 1, n, mem);
	fclose(mem);
	fclose(f);
	return buf;
}

static void load_modules(void)
{
	struct utsname u;
	char moddir[300], deppath[320];

	uname(&u);
	snprintf(moddir, sizeof(moddir), "/lib/modules/%s", u.release);
	snprintf(deppath, sizeof(deppath), "%s/modules.dep", moddir);
	char *dep = read_all(deppath);
	char *list = strdup(setting("bl_modules"));
	for (char *save = NULL, *m = strtok_r(list, ",", &save); m; m = strtok_r(NULL, ",", &save))
		load_module(moddir, dep, m);
	free(list);
	free(dep);
}

static void wait_for(const char *dev)
{
	struct timespec tick = {0, 2 * 1000 * 1000};

	for (int i = 0; i < 15000 && access(dev, F_OK) != 0; i++)
		nanosleep(&tick, NULL);
}

static void boot(int argc, char **argv)
{
	char cmdline[4096] = "";

	for (int i = 1; i < argc; i++) {
		if (i > 1)
			strncat(cmdline, " ", sizeof(cmdline) - strlen(cmdline) - 1);
		strncat(cmdline, argv[i], sizeof(cmdline) - strlen(cmdline) - 1);
	}
	const char *disk = setting("bl_disk");
	wait_for(disk);
	if (mount(disk, "/mnt", setting("bl_fstype"), MS_RDONLY, NULL) != 0) {
		say("mount %s: %s", disk, strerror(errno));
		return;
	}
	char kpath[512], ipath[512];
	snprintf(kpath, sizeof(kpath), "/mnt%s", setting("bl_kernel"));
	snprintf(ipath, sizeof(ipath), "/mnt%s", setting("bl_initrd"));
	int kfd = open(kpath, O_RDONLY | O_CLOEXEC), ifd = open(ipath, O_RDONLY | O_CLOEXEC);
	if (syscall(SYS_kexec_file_load, kfd, ifd, strlen(cmdline) + 1, cmdline, 0UL) != 0) {
		say("kexec_file_load: %s", strerror(errno));
		return;
	}
	close(kfd);
	close(ifd);
	umount("/mnt");
	sync();
	say("calling kexec");
	reboot(LINUX_REBOOT_CMD_KEXEC);
	say("reboot: %s", strerror(errno));
}

int main(int argc, char **argv)
{
	/* Run by the kernel as its modprobe helper: nothing to do. */
	if (getpid() != 1)
		return 1;
	mount("proc", "/proc", "proc", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	const char *logpath = getenv("bl_log");
	logfile = fopen(logpath ? logpath : "/dev/console", "w");
	if (!logfile)
		logfile = stderr;
	say("baseline starting");
	load_modules();
	boot(argc, argv);
	for (;;)
		pause();
}
