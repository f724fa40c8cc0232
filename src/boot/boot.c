#include "boot.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <linux/reboot.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/reboot.h>
#include <unistd.h>
#include "boot_linux.h"
#include "boot_plan.h"
#include "decompress.h"
#include "disk.h"
#include "errtext.h"
#include "kexec_load.h"
#include "linux32.h"
#include "log.h"
#include "kernel_image.h"
#include "limits.h"
#include "memmap.h"
#include "multiboot.h"
#include "rsdp.h"
#include "secureboot.h"


/* The files of a target, read into memory (Multiboot and kexec_load need them whole). */
struct loaded {
	struct boot_blob kernel;
	struct boot_blob *more; /* modules or initrds */
	size_t nmore;
	struct memmap mm;
	unsigned char rsdp[36];
	struct boot_env env;
	size_t used, room; /* bytes read and unpacked so far; what they may take in all */
};

/* What a load may take: the memory available now, less a reserve for the
 * running system (limits.h), or o->memory_limit when set. */
static size_t load_room(const struct boot_opts *o)
{
	if (o->memory_limit)
		return o->memory_limit;
	char *text = NULL;
	size_t room = KL_MAX_LOAD_FILE;
	if (read_file_at(AT_FDCWD, "/proc/meminfo", 65536, &text, NULL) == 0) {
		const char *m = strstr(text, "MemAvailable:");
		unsigned long long kib = m ? strtoull(m + 13, NULL, 10) : 0;
		if (kib)
			room = kib * 1024 > KL_LOAD_RESERVE ? (size_t)(kib * 1024 - KL_LOAD_RESERVE) : 0;
	}
	free(text);
	return room;
}

static unsigned long long mib(size_t n)
{
	return ((unsigned long long)n + (1 << 20) - 1) >> 20;
}

/* "PATH on DEVICE", or the path alone when it names its own device. */
static char *where(const struct target *t, const char *path)
{
	if (path[0] == '(' || !t->root)
		return xstrdup(path);
	return xasprintf("%s on %s", path, t->root);
}

/* Reads a file whole, if it fits in what is left of l->room. */
static int read_whole(const struct target *t, const char *path, const char *cmdline,
		      struct loaded *l, struct boot_blob *b, char **err)
{
	int fd = disk_open(t->root, path, err);
	if (fd < 0)
		return -1;
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	int r = fstat(fd, &st) < 0 ? -errno : 0;
	if (r == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size > l->room - l->used)
		r = -ENOMEM;
	else if (r == 0)
		r = read_file_fd(fd, KL_MAX_LOAD_FILE, &buf, &len);
	close(fd);
	if (r < 0) {
		char *w = where(t, path);
		if (r == -ENOMEM)
			*err = xasprintf("not enough memory to load %s (%llu MiB): with the files before "
					 "it, this target needs %llu MiB, and %llu MiB are available",
					 w, mib((size_t)st.st_size), mib(l->used + (size_t)st.st_size),
					 mib(l->room));
		else if (r == -EFBIG)
			*err = xasprintf("cannot read %s: it is larger than %llu MiB", w,
					 mib(KL_MAX_LOAD_FILE));
		else
			*err = xasprintf("cannot read %s: %s", w, errtext(-r));
		free(w);
		return -1;
	}
	l->used += len;
	*b = (struct boot_blob){.name = path, .data = (unsigned char *)buf, .len = len,
				.cmdline = cmdline};
	return 0;
}

static void loaded_free(struct loaded *l)
{
	free((void *)l->kernel.data);
	for (size_t i = 0; i < l->nmore; i++)
		free((void *)l->more[i].data);
	free(l->more);
	memmap_free(&l->mm);
	memset(l, 0, sizeof(*l));
}

static int read_env(struct loaded *l, const struct target *t, char **err)
{
	if (memmap_read("/sys/firmware/memmap", &l->mm, err) < 0)
		return -1;
	l->env.mm = &l->mm;
	size_t len;
	uint64_t addr;
	if (rsdp_find("/sys/firmware/efi/systab", "/dev/mem", l->rsdp, &len, &addr) == 0) {
		l->env.rsdp = l->rsdp;
		l->env.rsdp_len = len;
		l->env.rsdp_addr = addr;
	}
	if (t->flags & TF_RESET_VGA)
		l->env.flags |= BOOT_RESET_VGA;
	if (t->flags & TF_MB_ARGS_ONLY)
		l->env.flags |= BOOT_MB_ARGS_ONLY;
	if (access("/sys/firmware/efi", F_OK) == 0)
		l->env.flags |= BOOT_EFI_FIRMWARE;
	return 0;
}

/* Reads the kernel, then the modules (Multiboot) or the initrds (Linux). */
static int read_target(const struct target *t, bool multiboot, struct loaded *l, char **err)
{
	if (read_whole(t, t->kernel, t->cmdline, l, &l->kernel, err) < 0)
		return -1;
	size_t n = multiboot ? t->nmodules : t->initrds.n;
	l->more = xcalloc(n, sizeof(*l->more));
	for (size_t i = 0; i < n; i++, l->nmore++) {
		const char *path = multiboot ? t->modules[i].path : t->initrds.v[i];
		const char *args = multiboot ? t->modules[i].cmdline : NULL;
		if (read_whole(t, path, args, l, &l->more[i], err) < 0)
			return -1;
		l->more[i].nounzip = multiboot && t->modules[i].nounzip;
	}
	/* what is unpacked shares what is left */
	l->env.unzip_max = l->room - l->used < KL_MAX_UNPACKED ? l->room - l->used : KL_MAX_UNPACKED;
	return read_env(l, t, err);
}

static int load_planned(const struct target *t, const struct boot_opts *o, enum kernel_kind kind,
			char **err)
{
	bool mb = kind == KK_MULTIBOOT1 || kind == KK_MULTIBOOT2;
	struct loaded l = {.room = load_room(o)};
	struct kexec_plan plan;
	plan_init(&plan);
	int r = read_target(t, mb, &l, err);
	if (r == 0 && mb)
		r = plan_multiboot(&l.kernel, l.more, l.nmore, &l.env,
				   t->kind == KIND_MULTIBOOT2 ? 2 : 0, &plan, err);
	else if (r == 0)
		r = plan_linux32(&l.kernel, l.more, l.nmore, &l.env, &plan, err);
	if (r == 0 && o->print_plan) {
		kexec_plan_print(&plan, o->print_plan);
	} else if (r == 0) {
		log_info("loading %s as %s with kexec_load (%zu segments)", t->kernel, plan.kind,
			 plan.nseg);
		r = kexec_plan_execute(&plan, err);
	}
	plan_free(&plan);
	loaded_free(&l);
	return r;
}

static int open_initrds(const struct target *t, int *fds, char **err)
{
	for (size_t i = 0; i < t->initrds.n; i++) {
		fds[i] = disk_open(t->root, t->initrds.v[i], err);
		if (fds[i] < 0)
			return -1;
	}
	return 0;
}

/* kexec_file_load takes a file descriptor: an unpacked kernel goes in a
 * memfd. -1 with errno set when it cannot. */
static int memfd_with(const unsigned char *data, size_t len)
{
	int fd = memfd_create("kernel", MFD_CLOEXEC);
	for (size_t done = 0; fd >= 0 && done < len;) {
		ssize_t n = write(fd, data + done, len - done);
		if (n <= 0) { /* a short write is followed by one that says why */
			int e = n < 0 ? errno : ENOSPC;
			close(fd);
			errno = e;
			return -1;
		}
		done += (size_t)n;
	}
	return fd;
}

static size_t file_size(int fd)
{
	struct stat st;
	return fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? (size_t)st.st_size : 0;
}

/* Whether the whole file can be read; 0 or the errno of the first failure.
 * A read that meets a bad block returns what came before it: the next one
 * starts at the bad block and fails. */
static int unreadable(int fd)
{
	static char buf[1 << 16];
	size_t size = file_size(fd);
	for (off_t at = 0; (size_t)at < size;) {
		ssize_t n = pread(fd, buf, sizeof(buf), at);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno;
		if (n == 0)
			return 0; /* it shrank */
		at += n;
	}
	return 0;
}

static bool io_error(int e)
{
	return e == EIO || e == ENODEV || e == ENXIO || e == ENOMEDIUM || e == ESTALE;
}

/* kexec_file_load reads the kernel and the initrd itself and says only "I/O
 * error": find which file a failing (or pulled) disk could not give, and
 * name it. */
static void name_unreadable(const struct target *t, int kfd, const int *fds, char **err)
{
	const char *path = NULL;
	int e = unreadable(kfd);
	if (e)
		path = t->kernel;
	for (size_t i = 0; !e && i < t->initrds.n; i++)
		if ((e = unreadable(fds[i])))
			path = t->initrds.v[i];
	if (!e)
		return;
	char *w = where(t, path);
	free(*err);
	*err = xasprintf("cannot read %s: %s (the disk failed or was removed while it was read)",
			 w, errtext(e));
	free(w);
}


/* kexec_file_load reads the kernel and the initrds into the kernel's memory,
 * then copies them into the pages they will start from: for a moment they
 * take twice their size. Say so before, naming the largest file, rather
 * than let the running kernel run out of memory. */
static int check_room(const struct target *t, const struct boot_opts *o, int kfd, const int *fds,
		      char **err)
{
	size_t total = file_size(kfd), room = load_room(o), biggest = total;
	const char *name = t->kernel;
	for (size_t i = 0; i < t->initrds.n; i++) {
		size_t n = file_size(fds[i]);
		total += n;
		if (n > biggest)
			biggest = n, name = t->initrds.v[i];
	}
	if (total <= room / 2)
		return 0;
	char *w = where(t, name);
	*err = xasprintf("not enough memory to load %s (%llu MiB): the kernel and its initrds take "
			 "%llu MiB, loading them needs twice that, and %llu MiB are available",
			 w, mib(biggest), mib(total), mib(room));
	free(w);
	return -ENOMEM;
}

static int load_file(const struct target *t, const struct boot_opts *o, int kfd, char **err)
{
	int *fds = xmalloc((t->initrds.n + 1) * sizeof(int));
	for (size_t i = 0; i < t->initrds.n; i++)
		fds[i] = -1;
	int r = open_initrds(t, fds, err);
	if (r == 0)
		r = check_room(t, o, kfd, fds, err);
	if (r == 0 && o->print_plan)
		fprintf(o->print_plan, "kexec_file_load: kernel %s, %zu initrds, command line: %s\n",
			t->kernel, t->initrds.n, t->cmdline ? t->cmdline : "");
	else if (r == 0)
		r = boot_linux_load(kfd, t->kernel, fds, t->initrds.n, t->cmdline, err);
	if (io_error(-r))
		name_unreadable(t, kfd, fds, err);
	for (size_t i = 0; i < t->initrds.n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(fds);
	return r;
}

/* What the kernel file is: its head is enough for every header we read. */
static enum kernel_kind detect(const struct target *t, const struct boot_opts *o, int fd,
			       int *unpacked_fd, char **err)
{
	unsigned char head[65536];
	ssize_t n = pread(fd, head, sizeof(head), 0);
	if (n < 0) {
		char *w = where(t, t->kernel);
		*err = xasprintf("cannot read %s: %s", w, errtext(errno));
		free(w);
		return KK_UNKNOWN;
	}
	char *what = NULL;
	enum kernel_kind k = kernel_detect(head, (size_t)n, &what);
	if (k == KK_UNKNOWN && unzip_format(head, (size_t)n)) {
		/* A compressed Linux image (arm64 Image.gz style): unpack, look again. */
		struct loaded l = {.room = load_room(o)};
		unsigned char *out;
		size_t outlen;
		char *e = NULL;
		if (read_whole(t, t->kernel, NULL, &l, &l.kernel, err) == 0) {
			size_t max = l.room - l.used;
			int r = unzip(l.kernel.data, l.kernel.len,
				      max < KL_MAX_UNPACKED_KERNEL ? max : KL_MAX_UNPACKED_KERNEL, &out,
				      &outlen, &e);
			if (r == 1) {
				k = kernel_detect(out, outlen, NULL);
				if (k == KK_LINUX64 && (*unpacked_fd = memfd_with(out, outlen)) < 0) {
					/* kexec_file_load would get the packed file
					 * and say it is not a kernel */
					char *w = where(t, t->kernel);
					*err = xasprintf("cannot hold the unpacked kernel of %s in "
							 "memory: %s", w, errtext(errno));
					free(w);
					k = KK_UNKNOWN;
				}
				free(out);
			} else {
				char *w = where(t, t->kernel);
				*err = xasprintf("%s: %s", w, e);
				free(w);
				free(e);
			}
		}
		loaded_free(&l);
	}
	if (k == KK_UNKNOWN && !*err) {
		char *w = where(t, t->kernel);
		*err = xasprintf("%s is not a kernel: it looks like %s", w,
				 what ? what : "something else");
		free(w);
	}
	free(what);
	return k;
}

static int load(const struct target *t, const struct boot_opts *o, char **err);

/* Whether the running kernel uses 5-level paging: it lists "la57" among the
 * CPU's flags only then. The first CPU's lines are enough. */
static bool five_level_paging(void)
{
	char text[16384];
	int fd = open("/proc/cpuinfo", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, text, sizeof(text) - 1);
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return false;
	text[n] = 0;
	for (const char *p = text; (p = strstr(p, " la57")); p += 5)
		if (p[5] == ' ' || p[5] == '\n' || !p[5])
			return true;
	return false;
}

/* Says why kexec_file_load does not take the kernel in fd (r: its error, or
 * 0 when it was not tried, its header being one it refuses) and that
 * kexec_load starts it instead, as GRUB starts any bzImage. */
static void log_kexec_load_instead(const struct target *t, int fd, int r, const char *why)
{
	if (r && r != -ENOEXEC) {
		log_info("%s: loading it with kexec_load instead", why ? why : "kexec_file_load failed");
		return;
	}
	unsigned char head[0x240];
	ssize_t n = pread(fd, head, sizeof(head), 0);
	const char *reason = n > 0 ? kernel_file_load_refusal(head, (size_t)n, five_level_paging())
				   : NULL;
	char *w = where(t, t->kernel);
	log_info("kexec_file_load %s %s: %s; loading it with kexec_load and the 32-bit boot "
		 "protocol instead", r ? "refused" : "would refuse", w,
		 reason ? reason : "its header is not one the running kernel takes");
	free(w);
}

/* With a recovery point: running out of memory anywhere in loading ends
 * the load with a message; PID 1 goes back to the menu. */
static int load_guarded(const struct target *t, const struct boot_opts *o, char **err)
{
	struct oom_point p;
	volatile int r = -1;
	*err = NULL;
	oom_push(&p);
	if (sigsetjmp(p.jb, 0) == 0) {
		r = load(t, o, err);
	} else {
		*err = xasprintf("not enough memory to load '%s'; the memory it took so far is lost "
				 "until a restart", t->title);
		r = -1;
	}
	oom_pop(&p);
	return r;
}

int boot_load(const struct target *t, const struct boot_opts *o, char **err)
{
	static const struct boot_opts defaults;
	return load_guarded(t, o ? o : &defaults, err);
}

static int load(const struct target *t, const struct boot_opts *o, char **err)
{
	*err = NULL;
	if (!target_bootable(t)) {
		*err = xasprintf("'%s' cannot be booted: %s", t->title, t->reason);
		return -1;
	}
	int fd = disk_open(t->root, t->kernel, err), unpacked = -1;
	if (fd < 0)
		return -1;
	enum kernel_kind k = detect(t, o, fd, &unpacked, err);
	int r = -1;
	if (k == KK_UNKNOWN)
		r = -1;
	else if (t->nmodules && k != KK_MULTIBOOT1 && k != KK_MULTIBOOT2) {
		char *w = where(t, t->kernel);
		*err = xasprintf("%s has Multiboot modules but is not a Multiboot kernel", w);
		free(w);
	}
	else if (k == KK_LINUX64 && !o->force_kexec_load && !(t->flags & TF_FORCE_KEXEC_LOAD)) {
		r = load_file(t, o, unpacked >= 0 ? unpacked : fd, err);
		if (r == -ENOSYS || r == -ENOEXEC) {
			/* No kexec_file_load, or one that does not take this kernel (an older
			 * boot protocol, a header without the flags it wants): GRUB starts
			 * such kernels through the 32-bit protocol, and so does kexec_load. */
			char *why = *err;
			*err = NULL;
			log_kexec_load_instead(t, unpacked >= 0 ? unpacked : fd, r, why);
			r = load_planned(t, o, KK_LINUX32, err);
			if (r < 0 && *err && why) {
				char *both = xasprintf("%s; with kexec_load: %s", why, *err);
				free(*err);
				*err = both;
			}
			free(why);
		}
	} else if (!o->print_plan && secure_boot_kexec_load_refusal(secure_boot_current())) {
		/* Refused before planning: the kernel would refuse kexec_load anyway. */
		char *w = where(t, t->kernel);
		*err = xasprintf("%s is %s, which only kexec_load can start: %s", w,
				 k == KK_MULTIBOOT1 || k == KK_MULTIBOOT2 ? "a Multiboot kernel"
				 : "started with the 32-bit boot protocol",
				 secure_boot_kexec_load_refusal(secure_boot_current()));
		free(w);
	} else {
		if (k == KK_LINUX32)
			log_kexec_load_instead(t, fd, 0, NULL);
		r = load_planned(t, o, k == KK_LINUX64 ? KK_LINUX32 : k, err);
	}
	close(fd);
	if (unpacked >= 0)
		close(unpacked);
	return r < 0 ? -1 : 0;
}

void boot_execute(char **err)
{
	disk_umount_all();
	sync();
	log_info("calling kexec");
	reboot(LINUX_REBOOT_CMD_KEXEC);
	*err = xasprintf("the loaded kernel could not be started: %s", errtext(errno));
}
