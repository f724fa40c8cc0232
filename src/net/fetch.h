/* Downloads: a network path into a memory file with the TFTP or HTTP
 * client, every read bounded (sink.h), messages naming the server and file. */
#ifndef KL_FETCH_H
#define KL_FETCH_H
#include "netpath.h"
#include "sink.h"

/* Fetches l (a NULL host means server) into a memory file: returns its fd at
 * offset 0, or -errno with *err a sentence naming the URL. max bounds it. */
int fetch_open(const struct netloc *l, const char *server, unsigned long long max, char **err);

#endif
