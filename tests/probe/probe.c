/* The probe target: runs as /init of a kexec'd kernel and reports, on the console, what the
 * boot loader handed over — the command line and every file of its initramfs — then powers
 * the machine off so that the test run ends.  Output lines (tests parse them):
 *   PROBE cmdline: <exact /proc/cmdline without the trailing newline>
 *   PROBE file: <path> <size>        one per regular file, sorted, /proc /sys /dev skipped
 *   PROBE end
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

static FILE *out;

static void print_cmdline(void)
{
	char buf[8192];
	size_t n = 0;
	FILE *f = fopen("/proc/cmdline", "r");

	if (f) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	fprintf(out, "PROBE cmdline: %s\n", f ? buf : "(cannot read /proc/cmdline)");
}

static int skipped(const char *path)
{
	return !strcmp(path, "/proc") || !strcmp(path, "/sys") || !strcmp(path, "/dev");
}

static void list_files(const char *dir)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);

	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		char path[4096];
		struct stat st;

		if (strcmp(name, ".") && strcmp(name, "..") &&
		    snprintf(path, sizeof(path), "%s/%s", strcmp(dir, "/") ? dir : "", name) <
			    (int)sizeof(path) &&
		    !skipped(path) && lstat(path, &st) == 0) {
			if (S_ISREG(st.st_mode))
				fprintf(out, "PROBE file: %s %lld\n", path, (long long)st.st_size);
			else if (S_ISDIR(st.st_mode))
				list_files(path);
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
}

int main(void)
{
	int fd;

	/* Only ever as /init: started any other way (say as the kernel's modprobe helper) it
	 * must not power the machine off. */
	if (getpid() != 1)
		return 1;
	fd = open("/dev/console", O_WRONLY | O_NOCTTY);
	out = fd >= 0 ? fdopen(fd, "w") : stdout;
	mkdir("/proc", 0555);
	mount("proc", "/proc", "proc", 0, NULL);
	print_cmdline();
	list_files("/");
	fprintf(out, "PROBE end\n");
	fflush(out);
	/* The serial driver sends in the background: wait until the last line left the
	 * machine, or power-off would cut it. */
	tcdrain(fileno(out));
	sync();
	reboot(RB_POWER_OFF);
	return 1;
}
