/* Opening and reading a file on a user's filesystem, the one way every part
 * does it (configuration sources, the shell's cat and ls, host mode, the boot
 * engine). A user's filesystem may hold anything at a path where a file is
 * expected: a named pipe (opening it for reading would wait for a writer for
 * ever), a socket, a device node, a folder. So a path is first opened with
 * O_PATH (which never blocks and has no side effect on any kind of file), its
 * kind is checked with fstat, and only a regular file (or a folder where a
 * folder is wanted) is opened for reading, non-blocking, and checked again to
 * be the same file. Reads are bounded by a maximum size given by the caller.
 *
 * Refusals are returned as -UF_E* codes beyond errno's range, so that the
 * fsio seam (which passes -errno) carries them unchanged; uf_strerror() and
 * uf_message() turn any code into words. */
#ifndef KL_USERFILE_H
#define KL_USERFILE_H
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* What the caller expects at a path. */
enum uf_want {
	UF_FILE, /* a regular file, opened for reading */
	UF_DIR,  /* a folder, opened for reading its names */
	UF_ANY,  /* anything: an O_PATH descriptor, for stat-like questions */
};

/* What a path was instead of what was wanted (returned negated). Above every
 * errno value Linux defines. */
enum {
	UF_EFIFO = 4200, /* a named pipe */
	UF_ESOCK,        /* a socket */
	UF_ECHR,         /* a character device */
	UF_EBLK,         /* a block device */
	UF_EDIR,         /* a folder where a file is wanted */
	UF_ENOTDIR,      /* not a folder where a folder is wanted */
	UF_EOTHER,       /* anything else that is not a regular file */
	UF_ECHANGED,     /* the file changed between the check and the open */
};

/* Checks an open descriptor: 0, or -UF_E* / -errno. */
int uf_check_fd(int fd, enum uf_want want);

/* Opens path inside the tree at dirfd, never leaving it (neither ".." nor a
 * symbolic link leads out). Returns a descriptor (O_CLOEXEC) or -code. */
int uf_open_beneath(int dirfd, const char *path, enum uf_want want);
/* Opens a path of the host as it is (host mode's own arguments). */
int uf_open(const char *path, enum uf_want want);

/* Reads a whole regular file from an open descriptor into a NUL-terminated
 * buffer, at most max bytes (-EFBIG when larger). 0 or -code. */
int uf_read_fd(int fd, size_t max, char **buf, size_t *len);
/* uf_open_beneath + uf_read_fd. */
int uf_read_beneath(int dirfd, const char *path, size_t max, char **buf, size_t *len);
/* uf_open + uf_read_fd. */
int uf_read(const char *path, size_t max, char **buf, size_t *len);

struct strlist;
/* The names in a folder opened with UF_DIR, sorted, each folder's with a '/'
 * after it, at most max of them. Takes over fd. Returns 0, 1 when the folder
 * holds more than max names (the first max read are kept), or -errno. */
int uf_read_names(int fd, struct strlist *names, size_t max);

/* True when code (positive) is one of the UF_E* refusals. */
bool uf_is_refusal(int code);
/* Words for a code (positive): "is a named pipe, not a file", or strerror. */
const char *uf_strerror(int code);
/* A sentence for the user naming the file and its device (dev may be NULL):
 * "/boot/grub/grub.cfg on sda1 is a named pipe, not a file",
 * "file /boot/vmlinuz not found on sda1", "cannot read /x on sda1: I/O error".
 * code is negative as returned. Owned by the caller. */
char *uf_message(const char *path, const char *dev, int code);
/* The same, saying for -EFBIG how much kexec-loader reads of such a file
 * (max bytes, limits.h): "… is larger than 4 MiB, the most read of it". */
char *uf_message_max(const char *path, const char *dev, int code, size_t max);

#endif
