/* The HTTP/1.1 client: one GET per connection, redirects followed. */
#ifndef KL_HTTP_CLIENT_H
#define KL_HTTP_CLIENT_H
#include "netpath.h"
#include "sink.h"

/* Reads l into s: 0, or -errno with *err a sentence naming the URL. */
int http_get(const struct netloc *l, struct sink *s, char **err);

#endif
