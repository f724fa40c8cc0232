/* /init of bench/xen-load's virtual machine: times loading Xen with a Linux kernel and
 * an initrd as Multiboot modules, by Debian's kexec-tools (kexec -l -c) and by
 * kexec-loader's hidden host-mode command `load`, alternately, from the same files in the
 * initramfs. Each load is a fork, exec and wait timed here with one clock; before each,
 * the previous image is unloaded (untimed), and after each, /sys/kernel/kexec_loaded must
 * say an image is loaded. Nothing is executed.
 *
 * The commands come from the initramfs: /bench/tools.cmd and /bench/kl.cmd, one argument
 * per line. The number of timed runs is xl_runs=N on the kernel command line (init's
 * environment); one untimed warm-up of each comes first, its output shown.
 * Output on the console: "XENLOAD run I TOOLS_MS KL_MS", then "XENLOAD end", or
 * "XENLOAD fail WHAT".
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_ARGS 32

static char **read_command(const char *path)
{
	static char text[2][4096];
	static char *argv[2][MAX_ARGS + 1];
	static int used;
	int k = used++;
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, text[k], sizeof(text[k]) - 1);
	if (n <= 0) {
		printf("XENLOAD fail cannot read %s\n", path);
		return NULL;
	}
	close(fd);
	text[k][n] = 0;
	int argc = 0;
	for (char *save = NULL, *line = strtok_r(text[k], "\n", &save);
	     line && argc < MAX_ARGS; line = strtok_r(NULL, "\n", &save))
		argv[k][argc++] = line;
	argv[k][argc] = NULL;
	return argv[k];
}

static int loaded(void)
{
	char c = '0';
	int fd = open("/sys/kernel/kexec_loaded", O_RDONLY);
	if (fd >= 0) {
		if (read(fd, &c, 1) != 1)
			c = '0';
		close(fd);
	}
	return c == '1';
}

/* Milliseconds the command took, or -1 when it failed or loaded nothing. */
static double run(char **argv, int quiet)
{
	syscall(SYS_kexec_load, 0UL, 0UL, NULL, 0UL); /* unload the last image */
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	pid_t pid = fork();
	if (pid == 0) {
		if (quiet) {
			int null = open("/dev/null", O_WRONLY);
			dup2(null, 1);
		}
		execv(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	int status = 0;
	waitpid(pid, &status, 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !loaded()) {
		printf("XENLOAD fail %s (status %d, kexec_loaded %d)\n", argv[0], status,
		       loaded());
		return -1;
	}
	return (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
}

int main(void)
{
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	int con = open("/dev/ttyS0", O_WRONLY);
	if (con >= 0) {
		dup2(con, 1);
		dup2(con, 2);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	const char *runs_s = getenv("xl_runs");
	int runs = runs_s ? atoi(runs_s) : 5;
	char **tools = read_command("/bench/tools.cmd");
	char **kl = read_command("/bench/kl.cmd");
	if (tools && kl && run(tools, 0) >= 0 && run(kl, 0) >= 0) {
		int ok = 1;
		for (int i = 0; i < runs && ok; i++) {
			/* alternate which goes first, so neither always follows the other */
			double t, k;
			if (i % 2) {
				k = run(kl, 1);
				t = run(tools, 1);
			} else {
				t = run(tools, 1);
				k = run(kl, 1);
			}
			ok = t >= 0 && k >= 0;
			if (ok)
				printf("XENLOAD run %d %.2f %.2f\n", i + 1, t, k);
		}
		if (ok)
			printf("XENLOAD end\n");
	}
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
