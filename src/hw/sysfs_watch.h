/* Device changes for kernels that cannot send device events: without networking (the
 * floppy's kernel) there is no NETLINK_KOBJECT_UEVENT socket. sysfs folders do not
 * support inotify or poll, so their entries are compared with what they were at a short
 * interval; the timer's descriptor goes into the same poll() as the event socket would,
 * and a change is handled the same way. */
#ifndef KL_SYSFS_WATCH_H
#define KL_SYSFS_WATCH_H

struct sysfs_watch;

/* Watches up to 32 folders (their entries' names, not their contents), looking every
 * interval_ms. The names seen now are the starting point. NULL when no timer can be made. */
struct sysfs_watch *sysfs_watch_open(const char *const *dirs, unsigned n, int interval_ms);
/* Readable when the interval has passed. */
int sysfs_watch_fd(const struct sysfs_watch *w);
/* Looks at the folders now: bit i is set when folder i gained or lost an entry since the
 * last look. Reads the timer, so that the descriptor is quiet until the next interval. */
unsigned sysfs_watch_changes(struct sysfs_watch *w);
void sysfs_watch_close(struct sysfs_watch *w);

#endif
