/* Device and path syntax (kexec-loader.conf(5), Devices and paths), pure. */
#ifndef KL_DEVPATH_H
#define KL_DEVPATH_H
#include <stdbool.h>

enum dev_by { DEV_BY_NAME, DEV_BY_LABEL, DEV_BY_UUID, DEV_BY_NET /* netpath.h */ };

struct devspec {
	enum dev_by by;
	char *value;  /* kernel name without /dev/, the label, or the UUID */
	char *fstype; /* from a "type:" prefix, or NULL */
};

/* Parses "sda1", "/dev/sda1", "LABEL=x", "UUID=y", "ext4:sda1", "vfat:LABEL=B",
 * and the network devices "tftp,SERVER" and "http,SERVER[:PORT]" (DEV_BY_NET).
 * Returns 0, or -1 with nothing allocated when the text is not a device. */
int devspec_parse(const char *s, struct devspec *out);
void devspec_free(struct devspec *d);

/* Splits "(DEVICE)/some/file" into its device and path. A path without a
 * device gives *dev = NULL. A URL ("http://h/p", "tftp://h/p") gives its
 * network device ("http,h") and path (netpath.h). Returns -1 for an unclosed
 * "(", an empty path or a malformed URL. */
int path_split(const char *s, char **dev, char **path);

#endif
