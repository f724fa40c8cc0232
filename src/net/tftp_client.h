/* The TFTP client (RFC 1350 with blksize, tsize, windowsize). */
#ifndef KL_TFTP_CLIENT_H
#define KL_TFTP_CLIENT_H
#include "netpath.h"
#include "sink.h"

/* Reads l into s: 0, or -errno with *err a sentence naming the URL. */
int tftp_get(const struct netloc *l, struct sink *s, char **err);

#endif
