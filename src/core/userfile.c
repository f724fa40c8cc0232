#include "userfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "devpath.h"
#include "errtext.h"
#include "util.h"

/* The refusal code for a file of this mode when `want` is expected, or 0. */
static int uf_kind_error(mode_t mode, enum uf_want want)
{
	if (want == UF_ANY)
		return 0;
	if (want == UF_DIR)
		return S_ISDIR(mode) ? 0 : UF_ENOTDIR;
	if (S_ISREG(mode))
		return 0;
	return S_ISFIFO(mode) ? UF_EFIFO : S_ISSOCK(mode) ? UF_ESOCK : S_ISCHR(mode) ? UF_ECHR
	       : S_ISBLK(mode) ? UF_EBLK : S_ISDIR(mode) ? UF_EDIR : UF_EOTHER;
}

int uf_check_fd(int fd, enum uf_want want)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return -errno;
	return -uf_kind_error(st.st_mode, want);
}

/* openat2 confined to the tree at dirfd; without openat2 (Linux before 5.6)
 * the last component at least is not followed. */
static int open_confined(int dirfd, const char *rel, int flags)
{
	struct open_how how = {.flags = (unsigned long long)(flags | O_CLOEXEC),
			       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
	long fd = syscall(SYS_openat2, dirfd, rel, &how, sizeof(how));
	if (fd < 0 && errno == ENOSYS)
		fd = openat(dirfd, rel, flags | O_CLOEXEC | O_NOFOLLOW);
	return fd < 0 ? -errno : (int)fd;
}

static int open_plain(int dirfd, const char *path, int flags)
{
	int fd = openat(dirfd, path, flags | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* Looks first (O_PATH: no wait, no side effect on a pipe or a device), opens
 * for reading only what is wanted, then makes sure the file opened is the
 * one looked at. */
static int open_checked(int dirfd, const char *path, enum uf_want want, bool confined)
{
	int (*op)(int, const char *, int) = confined ? open_confined : open_plain;
	int probe = op(dirfd, path, O_PATH);
	if (probe < 0 || want == UF_ANY)
		return probe;
	struct stat a, b;
	int r = fstat(probe, &a) < 0 ? -errno : -uf_kind_error(a.st_mode, want);
	close(probe);
	if (r < 0)
		return r;
	int fd = op(dirfd, path, O_RDONLY | O_NONBLOCK | O_NOCTTY | (want == UF_DIR ? O_DIRECTORY : 0));
	if (fd < 0)
		return fd;
	if (fstat(fd, &b) < 0 || a.st_dev != b.st_dev || a.st_ino != b.st_ino ||
	    uf_kind_error(b.st_mode, want)) {
		close(fd);
		return -UF_ECHANGED;
	}
	/* A regular file never blocks; reads go on as usual from here. */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

int uf_open_beneath(int dirfd, const char *path, enum uf_want want)
{
	char *rel = path_normalize(path);
	int fd = open_checked(dirfd, rel, want, true);
	free(rel);
	return fd;
}

int uf_open(const char *path, enum uf_want want)
{
	return open_checked(AT_FDCWD, path, want, false);
}

int uf_read_fd(int fd, size_t max, char **buf, size_t *len)
{
	int r = uf_check_fd(fd, UF_FILE);
	return r < 0 ? r : read_file_fd(fd, max, buf, len);
}

static int read_opened(int fd, size_t max, char **buf, size_t *len)
{
	if (fd < 0)
		return fd;
	int r = read_file_fd(fd, max, buf, len);
	close(fd);
	return r;
}

int uf_read_beneath(int dirfd, const char *path, size_t max, char **buf, size_t *len)
{
	return read_opened(uf_open_beneath(dirfd, path, UF_FILE), max, buf, len);
}

int uf_read(const char *path, size_t max, char **buf, size_t *len)
{
	return read_opened(uf_open(path, UF_FILE), max, buf, len);
}

bool uf_is_refusal(int code)
{
	return code >= UF_EFIFO && code <= UF_ECHANGED;
}

const char *uf_strerror(int code)
{
	switch (code) {
	case UF_EFIFO: return "is a named pipe, not a file";
	case UF_ESOCK: return "is a socket, not a file";
	case UF_ECHR: return "is a character device, not a file";
	case UF_EBLK: return "is a block device, not a file";
	case UF_EDIR: return "is a folder, not a file";
	case UF_ENOTDIR: return "is not a folder";
	case UF_EOTHER: return "is not a regular file";
	case UF_ECHANGED: return "changed while it was being opened";
	default: return errtext(code);
	}
}

char *uf_message(const char *path, const char *dev, int code)
{
	int e = -code;
	const char *on = dev ? " on " : "", *d = dev ? dev : "";
	if (uf_is_refusal(e))
		return xasprintf("%s%s%s %s", path, on, d, uf_strerror(e));
	if (e == ENOENT)
		return xasprintf("file %s not found%s%s", path, on, d);
	if (e == EFBIG)
		return xasprintf("%s%s%s is too large to read", path, on, d);
	return xasprintf("cannot read %s%s%s: %s", path, on, d, errtext(e));
}

char *uf_message_max(const char *path, const char *dev, int code, size_t max)
{
	if (code != -EFBIG)
		return uf_message(path, dev, code);
	bool mib = max >= (1 << 20);
	return xasprintf("%s%s%s is larger than %zu %s, the most kexec-loader reads of such a file",
			 path, dev ? " on " : "", dev ? dev : "", mib ? max >> 20 : max >> 10,
			 mib ? "MiB" : "KiB");
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int uf_read_names(int fd, struct strlist *names, size_t max)
{
	DIR *dir = fdopendir(fd);
	if (!dir) {
		int r = -errno;
		close(fd);
		return r;
	}
	int more = 0;
	struct dirent *e;
	while ((e = readdir(dir))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (names->n == max) {
			more = 1;
			break;
		}
		struct stat st;
		bool isdir = fstatat(dirfd(dir), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			     S_ISDIR(st.st_mode);
		sl_push_owned(names, isdir ? xasprintf("%s/", e->d_name) : xstrdup(e->d_name));
	}
	closedir(dir);
	if (names->n > 1) /* an empty list has no array: qsort(NULL) is undefined */
		qsort(names->v, names->n, sizeof(*names->v), name_cmp);
	return more;
}
