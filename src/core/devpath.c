#include "devpath.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "netpath.h"
#include "util.h"

static bool valid_fstype(const char *s, size_t n)
{
	if (n == 0 || n > 32)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-' && s[i] != '.')
			return false;
	return true;
}

int devspec_parse(const char *s, struct devspec *out)
{
	memset(out, 0, sizeof(*out));
	if (!s || !*s)
		return -1;
	if (netdev_is(s)) { /* "tftp,SERVER", "http,SERVER:PORT": a server, not a disk */
		struct netloc l;
		if (netloc_parse(s, "/", &l) < 0)
			return -1;
		netloc_free(&l);
		out->by = DEV_BY_NET;
		out->value = xstrdup(s);
		return 0;
	}
	const char *colon = strchr(s, ':');
	const char *eq = strchr(s, '=');
	/* A colon before any '=' is a type prefix; labels may contain colons. */
	if (colon && (!eq || colon < eq)) {
		if (!valid_fstype(s, (size_t)(colon - s)))
			return -1;
		out->fstype = xstrndup(s, (size_t)(colon - s));
		s = colon + 1;
	}
	if (strncasecmp(s, "LABEL=", 6) == 0) {
		out->by = DEV_BY_LABEL;
		s += 6;
	} else if (strncasecmp(s, "UUID=", 5) == 0) {
		out->by = DEV_BY_UUID;
		s += 5;
	} else {
		out->by = DEV_BY_NAME;
		if (str_starts(s, "/dev/"))
			s += 5;
		if (strchr(s, '/') || strchr(s, '=') || strchr(s, ' '))
			goto bad;
	}
	if (!*s)
		goto bad;
	out->value = xstrdup(s);
	return 0;
bad:
	free(out->fstype);
	out->fstype = NULL;
	return -1;
}

void devspec_free(struct devspec *d)
{
	free(d->value);
	free(d->fstype);
	d->value = d->fstype = NULL;
}

int path_split(const char *s, char **dev, char **path)
{
	*dev = *path = NULL;
	if (url_is(s))
		return url_split(s, dev, path);
	if (s[0] == '(') {
		const char *close = strchr(s, ')');
		if (!close || close == s + 1)
			return -1;
		*dev = xstrndup(s + 1, (size_t)(close - s - 1));
		s = close + 1;
		if (!*s)
			s = "/";
	}
	if (!*s) {
		free(*dev);
		*dev = NULL;
		return -1;
	}
	*path = xstrdup(s);
	return 0;
}

