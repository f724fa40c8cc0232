/* Host mode's filesystem images: identified by fsprobe, attached to a
 * read-only loop device, mounted read-only on a private directory and handed
 * to the device layer as a directory. The loop device detaches itself when the
 * mount goes (LO_FLAGS_AUTOCLEAR); the mounts are made in a private mount
 * namespace, so they end with the process whatever ends it, and they and
 * their directories are also undone at exit and when a signal ends the
 * program (`list | head` gets SIGPIPE). */
#include "disk.h"

#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include "errtext.h"
#include "fsprobe.h"
#include "log.h"
#include "util.h"

/* The directories images are mounted on. Changed only with the signals below
 * blocked, so that their handler sees a consistent list. */
static struct {
	char **dirs;
	size_t n;
} M;

static const int fatal_signals[] = {SIGHUP, SIGINT, SIGPIPE, SIGTERM};

static void block_signals(int how)
{
	sigset_t set;
	sigemptyset(&set);
	for (size_t i = 0; i < ARRAY_SIZE(fatal_signals); i++)
		sigaddset(&set, fatal_signals[i]);
	sigprocmask(how, &set, NULL);
}

/* Only system calls here: it runs from a signal handler too. */
static void unmount_all(void)
{
	for (size_t i = 0; i < M.n; i++) {
		umount2(M.dirs[i], MNT_DETACH);
		rmdir(M.dirs[i]);
	}
}

static void on_signal(int sig)
{
	unmount_all();
	signal(sig, SIG_DFL);
	raise(sig); /* delivered when the handler returns: the usual death by sig */
}

static void release(void)
{
	block_signals(SIG_BLOCK);
	unmount_all();
	for (size_t i = 0; i < M.n; i++)
		free(M.dirs[i]);
	free(M.dirs);
	M.dirs = NULL;
	M.n = 0;
	block_signals(SIG_UNBLOCK);
}

/* The mounts live in a mount namespace of this process alone: however it
 * ends (SIGKILL, a signal it does not catch, an abort), the kernel drops
 * them with the namespace, and the loop devices clear themselves. The
 * handlers above stay for the directories, and for kernels without
 * namespaces. */
static void private_mounts(void)
{
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		log_debug("no private mount namespace (%s): the image mounts are undone by "
			  "signal handlers only", errtext(errno));
}

static void install_cleanup(void)
{
	static bool done;
	if (done)
		return;
	done = true;
	private_mounts();
	atexit(release);
	struct sigaction sa = {.sa_handler = on_signal};
	for (size_t i = 0; i < ARRAY_SIZE(fatal_signals); i++) {
		struct sigaction old;
		/* A signal the caller ignores (nohup) stays ignored. */
		if (sigaction(fatal_signals[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
			sigaction(fatal_signals[i], &sa, NULL);
	}
}

/* Binds image fd img to /dev/loopN; returns the loop device's fd or -errno. */
static int loop_bind(int n, int img, char *node, size_t size)
{
	snprintf(node, size, "/dev/loop%d", n);
	int fd = open(node, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	struct loop_config c = {.fd = (unsigned)img};
	c.info.lo_flags = LO_FLAGS_READ_ONLY | LO_FLAGS_AUTOCLEAR;
	int r = ioctl(fd, LOOP_CONFIGURE, &c);
	if (r < 0 && (errno == EINVAL || errno == ENOTTY)) {
		/* Before Linux 5.8: img being open O_RDONLY makes the device read-only. */
		struct loop_info64 info = {.lo_flags = LO_FLAGS_AUTOCLEAR};
		r = ioctl(fd, LOOP_SET_FD, img);
		if (r == 0 && (r = ioctl(fd, LOOP_SET_STATUS64, &info)) < 0) {
			int e = errno;
			ioctl(fd, LOOP_CLR_FD, 0);
			errno = e;
		}
	}
	if (r < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

/* Attaches img to a free loop device, naming it in node. Returns its fd
 * (closing it detaches the device unless something mounted it) or -errno. */
static int loop_attach(int img, char *node, size_t size)
{
	int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	if (ctl < 0)
		return -errno;
	int r = -EBUSY;
	/* Another program may take the free device first: ask again. */
	for (int tries = 0; tries < 10 && r == -EBUSY; tries++) {
		int n = ioctl(ctl, LOOP_CTL_GET_FREE);
		r = n < 0 ? -errno : loop_bind(n, img, node, size);
	}
	close(ctl);
	return r;
}

static char *need_root(const char *path)
{
	return xasprintf("%s: reading a filesystem image needs root (it is mounted read-only "
			 "on a loop device); run as root or give a directory", path);
}

/* Why the probe gave no type, and what to do about it. */
static char *no_filesystem(const char *path, int rc, const struct fsprobe_result *r)
{
	if (rc == FSPROBE_AMBIGUOUS)
		return xasprintf("%s carries the signatures of more than one filesystem; "
				 "give type=TYPE to say which is real (wipefs -n %s lists them)",
				 path, path);
	if (r->pttype[0])
		return xasprintf("%s holds a partition table (%s), not a filesystem: give one "
				 "partition instead, e.g. its image extracted with dd (fdisk -l %s "
				 "shows where each starts) or the /dev/loopNpM that losetup -r -P %s "
				 "makes", path, r->pttype, path, path);
	return xasprintf("%s holds no filesystem that kexec-loader recognises; give type=TYPE "
			 "if the kernel can mount it, or a directory", path);
}

/* Mounts the loop device node on a new private directory, recorded in M. */
static int mount_on_tmp(const char *path, const char *node, const char *type, char **err)
{
	const char *tmp = getenv("TMPDIR");
	char *dir = xasprintf("%s/kexec-loader.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		*err = xasprintf("%s: cannot make a directory to mount it on: %s", path,
				 errtext(errno));
		free(dir);
		return -1;
	}
	install_cleanup();
	block_signals(SIG_BLOCK);
	int e = -disk_mount_ro(node, dir, type);
	if (!e) {
		M.dirs = xrealloc(M.dirs, (M.n + 1) * sizeof(*M.dirs));
		M.dirs[M.n++] = dir;
	}
	block_signals(SIG_UNBLOCK);
	if (!e)
		return 0;
	rmdir(dir);
	free(dir);
	*err = e == EPERM ? need_root(path)
	       : xasprintf("%s: cannot mount it read-only as %s: %s%s", path, type, errtext(e),
			   e == ENODEV ? " (this kernel has no driver for it)" : "");
	return -1;
}

/* Attaches, mounts and registers an image whose type is known. */
static int attach(int img, const char *path, const char *name, const char *type,
		  const char *label, const char *uuid, char **err)
{
	char node[32];
	int loop = loop_attach(img, node, sizeof(node));
	if (loop < 0) {
		*err = loop == -EACCES || loop == -EPERM
			       ? need_root(path)
			       : xasprintf("%s: cannot attach it to a loop device: %s (does this kernel "
					   "have loop devices? modprobe loop)", path, errtext(-loop));
		return -1;
	}
	int r = mount_on_tmp(path, node, type, err);
	close(loop);
	if (r == 0)
		disk_add_dir(M.dirs[M.n - 1], name, type, label, uuid);
	return r;
}

int disk_add_image(const char *path, const char *name, const char *fstype, const char *label,
		   const char *uuid, char **err)
{
	int img = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (img < 0 || fstat(img, &st) < 0 || !(S_ISREG(st.st_mode) || S_ISBLK(st.st_mode))) {
		*err = img < 0 ? xasprintf("cannot open %s: %s", path, errtext(errno))
			       : xasprintf("%s is neither a directory, a filesystem image nor a block device", path);
		if (img >= 0)
			close(img);
		return -1;
	}
	struct fsprobe_result r;
	int rc = fsprobe_fd(img, 0, &r);
	const char *type = fstype ? fstype : r.type[0] ? r.type : NULL;
	int ret = -1;
	if (!type)
		*err = no_filesystem(path, rc, &r);
	else
		ret = attach(img, path, name, type, label ? label : r.label[0] ? r.label : NULL,
			     uuid ? uuid : r.uuid[0] ? r.uuid : NULL, err);
	close(img);
	return ret;
}
