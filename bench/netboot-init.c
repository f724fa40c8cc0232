/* /init of the kernel bench/netboot boots over HTTP: in the same virtual
 * machine, on the same server, times curl fetching the file kexec-loader just
 * fetched (kexec-loader's own time is in its debug log). It loads the network
 * card's modules listed in /bench/modules (one path a line, in order), gives
 * eth0 the address nb_ip= (init's environment, from the kernel command line),
 * then runs /bench/curl.cmd (one argument a line) nb_runs= times, writing into
 * this initramfs as kexec-loader writes into memory.
 * Output on the console: "NETBENCH curl BYTES MS" per run, then "NETBENCH end",
 * or "NETBENCH fail WHAT". */
#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_ARGS 32

static int fail(const char *what)
{
	printf("NETBENCH fail %s\n", what);
	fflush(stdout);
	sleep(1); /* the serial line drains */
	reboot(RB_POWER_OFF);
	return 1;
}

static char *slurp(const char *path)
{
	static char text[2][4096];
	static int used;
	char *t = text[used++ & 1];
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, t, 4095);
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return NULL;
	t[n] = 0;
	return t;
}

static int load_modules(void)
{
	char *list = slurp("/bench/modules");
	if (!list)
		return -1;
	for (char *save = NULL, *p = strtok_r(list, "\n", &save); p; p = strtok_r(NULL, "\n", &save)) {
		int fd = open(p, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || syscall(SYS_finit_module, fd, "", 0) < 0)
			printf("NETBENCH note: module %s did not load\n", p);
		if (fd >= 0)
			close(fd);
	}
	return 0;
}

static int address(const char *cidr)
{
	char ip[32];
	snprintf(ip, sizeof(ip), "%s", cidr);
	char *slash = strchr(ip, '/');
	int prefix = slash ? atoi(slash + 1) : 24;
	if (slash)
		*slash = 0;
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct ifreq r;
	for (int tries = 0; tries < 50; tries++) { /* the card's driver probes in the background */
		memset(&r, 0, sizeof(r));
		strcpy(r.ifr_name, "eth0");
		if (ioctl(s, SIOCGIFFLAGS, &r) == 0)
			break;
		usleep(100000);
	}
	struct sockaddr_in *a = (struct sockaddr_in *)&r.ifr_addr;
	a->sin_family = AF_INET;
	inet_pton(AF_INET, ip, &a->sin_addr);
	if (ioctl(s, SIOCSIFADDR, &r) < 0)
		return -1;
	a->sin_addr.s_addr = htonl(prefix ? 0xffffffffu << (32 - prefix) : 0);
	if (ioctl(s, SIOCSIFNETMASK, &r) < 0 || ioctl(s, SIOCGIFFLAGS, &r) < 0)
		return -1;
	r.ifr_flags |= IFF_UP;
	return ioctl(s, SIOCSIFFLAGS, &r);
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(void)
{
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	setvbuf(stdout, NULL, _IONBF, 0);
	if (load_modules() < 0)
		return fail("no /bench/modules");
	const char *ip = getenv("nb_ip");
	if (!ip || address(ip) < 0)
		return fail("cannot give eth0 its address (nb_ip=)");
	char *cmd = slurp("/bench/curl.cmd");
	if (!cmd)
		return fail("no /bench/curl.cmd");
	char *argv[MAX_ARGS + 1];
	int argc = 0;
	for (char *save = NULL, *p = strtok_r(cmd, "\n", &save); p && argc < MAX_ARGS;
	     p = strtok_r(NULL, "\n", &save))
		argv[argc++] = p;
	argv[argc] = NULL;
	const char *out = argv[argc - 1]; /* the file curl writes (-o FILE last) */
	int runs = getenv("nb_runs") ? atoi(getenv("nb_runs")) : 1;
	sleep(1); /* the link comes up */
	int retried = 0;
	for (int i = 0; i < runs; i++) {
		unlink(out);
		double t0 = now_ms();
		pid_t pid = fork();
		if (pid == 0) {
			execv(argv[0], argv);
			_exit(127);
		}
		int st = 0;
		waitpid(pid, &st, 0);
		double ms = now_ms() - t0;
		struct stat sb;
		if (!WIFEXITED(st) || WEXITSTATUS(st) || stat(out, &sb) < 0) {
			printf("NETBENCH note: curl ended with status %d\n", st);
			if (i == 0 && !retried++) { /* the first one may meet the link still coming up */
				sleep(2);
				i--;
				continue;
			}
			return fail("curl failed");
		}
		printf("NETBENCH curl %lld %.0f\n", (long long)sb.st_size, ms);
	}
	printf("NETBENCH end\n");
	sleep(1);
	reboot(RB_POWER_OFF);
	return 0;
}
