#include "fetch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "errtext.h"
#include "http_client.h"
#include "log.h"
#include "tftp_client.h"
#include "util.h"

int fetch_open(const struct netloc *l, const char *server, unsigned long long max, char **err)
{
	struct netloc at = *l;
	if (!at.host)
		at.host = (char *)server;
	char *url = netloc_url(&at, NULL);
	if (!at.host) {
		*err = xasprintf("%s: no server given and DHCP named none", url);
		free(url);
		return -EINVAL;
	}
	int fd = memfd_create("download", MFD_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		*err = xasprintf("%s: cannot make a memory file: %s", url, errtext(e));
		free(url);
		return -e;
	}
	struct sink s = {.fd = fd, .max = max, .url = url, .start_ms = fetch_now_ms()};
	log_info("fetching %s", url);
	int r = at.proto == NET_TFTP ? tftp_get(&at, &s, err) : http_get(&at, &s, err);
	if (r == 0 && s.total && s.got != s.total) {
		*err = xasprintf("%s: the file ends after %llu of the %llu bytes announced", url, s.got,
				 s.total);
		r = -EPROTO;
	}
	sink_progress_end(&s);
	if (r == 0 && lseek(fd, 0, SEEK_SET) < 0)
		r = -errno;
	if (r < 0) {
		close(fd);
		fd = r;
		if (!*err) /* every client names its failure; this only keeps a message certain */
			*err = xasprintf("%s: %s", url, errtext(-r));
		log_warn("%s", *err);
	} else {
		log_info("fetched %s: %llu bytes in %lld ms", url, s.got, fetch_now_ms() - s.start_ms);
	}
	free(url);
	return fd;
}
