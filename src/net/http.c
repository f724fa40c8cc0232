#include "http.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "util.h"

/* Bytes a request line must not carry as they are: they are sent %XX. */
static bool escaped(unsigned char c)
{
	return c <= ' ' || c >= 0x7f || c == '"' || c == '<' || c == '>' || c == '\\' ||
	       c == '^' || c == '`' || c == '{' || c == '|' || c == '}';
}

char *http_request(const struct netloc *l)
{
	struct strbuf sb = {0};
	sb_puts(&sb, "GET ");
	for (const char *p = l->path; *p; p++)
		if (escaped((unsigned char)*p))
			sb_printf(&sb, "%%%02X", (unsigned char)*p);
		else
			sb_putc(&sb, *p);
	sb_printf(&sb, " HTTP/1.1\r\nHost: %s", l->host ? l->host : "");
	if (l->port != 80)
		sb_printf(&sb, ":%u", l->port);
	sb_puts(&sb, "\r\nUser-Agent: kexec-loader/" KL_VERSION "\r\nAccept: */*\r\n"
		     "Connection: close\r\n\r\n");
	return sb_steal(&sb);
}

void http_head_free(struct http_head *h)
{
	free(h->location);
	h->location = NULL;
}

static const char *find_end(const char *buf, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++)
		if (buf[i] == '\n' && (buf[i + 1] == '\n' ||
				       (buf[i + 1] == '\r' && i + 2 < len && buf[i + 2] == '\n')))
			return buf + i + (buf[i + 1] == '\n' ? 2 : 3);
	return NULL;
}

static bool token_in(const char *v, const char *want)
{
	/* "gzip, chunked": the last coding is the one that frames the body */
	const char *last = strrchr(v, ',');
	last = last ? last + 1 : v;
	while (*last == ' ' || *last == '\t')
		last++;
	return !strncasecmp(last, want, strlen(want));
}

static int header(struct http_head *h, char *line, const char **why)
{
	char *colon = strchr(line, ':');
	if (!colon || colon == line) {
		*why = "a header line without a name";
		return -1;
	}
	*colon = 0;
	char *v = str_trim(colon + 1);
	if (!strcasecmp(line, "Content-Length")) {
		if (!*v || strspn(v, "0123456789") != strlen(v) || strlen(v) > 18) {
			*why = "a Content-Length that is not a number";
			return -1;
		}
		long long n = atoll(v);
		if (h->length >= 0 && h->length != n) {
			*why = "two different Content-Length headers";
			return -1;
		}
		h->length = n;
	} else if (!strcasecmp(line, "Transfer-Encoding")) {
		h->chunked = token_in(v, "chunked");
	} else if (!strcasecmp(line, "Location")) {
		free(h->location);
		h->location = xstrdup(v);
	}
	return 0;
}

long http_parse_head(const char *buf, size_t len, struct http_head *h, const char **why)
{
	memset(h, 0, sizeof(*h));
	h->length = -1;
	*why = NULL;
	if (len >= 5 && strncmp(buf, "HTTP/", 5)) {
		*why = "the answer is not HTTP";
		return -1;
	}
	const char *end = find_end(buf, len);
	if (!end) {
		if (len > HTTP_MAX_HEAD) {
			*why = "the response header is too long";
			return -1;
		}
		return 0;
	}
	char *copy = xstrndup(buf, (size_t)(end - buf)), *save = NULL;
	char *line = strtok_r(copy, "\r\n", &save);
	int r = 0;
	/* "HTTP/1.1 200 OK": a three-digit status after the version */
	char *sp = line ? strchr(line, ' ') : NULL;
	if (!sp || !isdigit((unsigned char)sp[1]) || !isdigit((unsigned char)sp[2]) ||
	    !isdigit((unsigned char)sp[3]) || (sp[4] && sp[4] != ' ' && sp[4] != '\r')) {
		*why = "the status line is malformed";
		r = -1;
	} else {
		h->status = atoi(sp + 1);
	}
	while (r == 0 && (line = strtok_r(NULL, "\r\n", &save)))
		r = header(h, line, why);
	free(copy);
	if (r < 0) {
		http_head_free(h);
		return -1;
	}
	return (long)(end - buf);
}

enum { C_SIZE, C_EXT, C_SIZE_LF, C_DATA, C_DATA_CR, C_DATA_LF, C_TRAILER, C_TRAILER_LINE,
       C_DONE };

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* One framing byte; -1 when it breaks the format. */
static int frame(struct http_chunked *c, char ch)
{
	switch (c->state) {
	case C_SIZE:
		if (hexval(ch) >= 0 && c->digits < 15) {
			c->left = c->left * 16 + (unsigned)hexval(ch);
			c->digits++;
			return 0;
		}
		if (!c->digits)
			return -1;
		if (ch == ';' || ch == ' ' || ch == '\t')
			c->state = C_EXT;
		else if (ch == '\r')
			c->state = C_SIZE_LF;
		else if (ch == '\n')
			c->state = c->left ? C_DATA : C_TRAILER;
		else
			return -1;
		return 0;
	case C_EXT:
		if (ch == '\n')
			c->state = c->left ? C_DATA : C_TRAILER;
		return 0;
	case C_SIZE_LF:
		if (ch != '\n')
			return -1;
		c->state = c->left ? C_DATA : C_TRAILER;
		return 0;
	case C_DATA_CR:
		if (ch == '\r') {
			c->state = C_DATA_LF;
			return 0;
		}
		/* a bare LF ends the chunk too */
		__attribute__((fallthrough));
	case C_DATA_LF:
		if (ch != '\n')
			return -1;
		c->state = C_SIZE, c->left = 0, c->digits = 0;
		return 0;
	case C_TRAILER: /* an empty line ends the body; other lines are trailer fields */
		if (ch == '\n')
			c->state = C_DONE;
		else if (ch != '\r')
			c->state = C_TRAILER_LINE;
		return 0;
	case C_TRAILER_LINE:
		if (ch == '\n')
			c->state = C_TRAILER;
		return 0;
	default:
		return -1;
	}
}

long http_chunked_feed(struct http_chunked *c, char *in, size_t n, bool *done)
{
	size_t out = 0;
	for (size_t i = 0; i < n && c->state != C_DONE;) {
		if (c->state == C_DATA) {
			size_t take = n - i < c->left ? n - i : (size_t)c->left;
			memmove(in + out, in + i, take);
			out += take, i += take;
			c->left -= take;
			if (!c->left)
				c->state = C_DATA_CR;
			continue;
		}
		if (frame(c, in[i++]) < 0)
			return -1;
	}
	*done = c->state == C_DONE;
	return (long)out;
}

int http_redirect(const struct netloc *base, const char *location, struct netloc *out)
{
	memset(out, 0, sizeof(*out));
	if (!location || !*location)
		return -1;
	if (url_is(location))
		return url_parse(location, out);
	if (strstr(location, "://"))
		return -1; /* https and others: not followed */
	out->proto = base->proto;
	out->port = base->port;
	out->host = base->host ? xstrdup(base->host) : NULL;
	char *path;
	if (location[0] == '/') {
		path = xstrdup(location);
	} else {
		const char *slash = strrchr(base->path, '/');
		size_t dir = slash ? (size_t)(slash - base->path) + 1 : 0;
		path = xasprintf("%.*s%s", (int)dir, base->path, location);
	}
	/* fold ".." with the URL parser's rules */
	char *url = xasprintf("http://x%s", path);
	struct netloc tmp;
	int r = url_parse(url, &tmp);
	free(url), free(path);
	if (r < 0) {
		netloc_free(out);
		return -1;
	}
	out->path = tmp.path;
	tmp.path = NULL;
	netloc_free(&tmp);
	return 0;
}

const char *http_status_text(int s)
{
	switch (s) {
	case 204: return "No Content: the server sent no file";
	case 301: case 302: case 303: case 307: case 308:
		return "a redirect without a usable Location (only http:// is followed)";
	case 400: return "Bad Request: the server did not understand the request";
	case 401: return "Unauthorized: the server wants a password";
	case 403: return "Forbidden: the server refuses to give this file";
	case 404: return "Not Found: the server has no such file";
	case 405: return "Method Not Allowed: the server does not serve GET here";
	case 408: return "Request Timeout: the server gave up waiting";
	case 410: return "Gone: the file was removed from the server";
	case 429: return "Too Many Requests: the server asks to try again later";
	case 500: return "Internal Server Error: the server failed";
	case 501: return "Not Implemented: the server cannot serve GET";
	case 502: return "Bad Gateway: a proxy got no good answer";
	case 503: return "Service Unavailable: the server is busy or down";
	case 504: return "Gateway Timeout: a proxy got no answer in time";
	default:
		if (s >= 100 && s < 200) return "an informational status where a file was expected";
		if (s >= 200 && s < 300) return "a success status other than 200 OK";
		if (s >= 300 && s < 400) return "a redirect kexec-loader does not follow";
		if (s >= 400 && s < 500) return "the server refused the request (client error)";
		if (s >= 500 && s < 600) return "the server failed (server error)";
		return "a status HTTP does not define";
	}
}
