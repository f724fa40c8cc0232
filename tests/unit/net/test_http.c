#include "unit.h"
#include "http.h"
#include "util.h"

static void request_line(void **state)
{
	struct netloc l = {NET_HTTP, "boot.example", 8080, "/a b/ü?x=1"};
	char *r = http_request(&l);
	assert_true(str_starts(r, "GET /a%20b/%C3%BC?x=1 HTTP/1.1\r\nHost: boot.example:8080\r\n"));
	assert_non_null(strstr(r, "\r\nConnection: close\r\n"));
	assert_true(str_ends(r, "\r\n\r\n"));
	free(r);
	l.port = 80;
	r = http_request(&l);
	assert_non_null(strstr(r, "\r\nHost: boot.example\r\n"));
	free(r);
}

static void response_heads(void **state)
{
	struct http_head h;
	const char *why;
	const char *ok = "HTTP/1.1 200 OK\r\nContent-Type: x\r\ncontent-length: 1234\r\n\r\nBODY";
	long n = http_parse_head(ok, strlen(ok), &h, &why);
	assert_int_equal(n, strlen(ok) - 4);
	assert_int_equal(h.status, 200);
	assert_true(h.length == 1234);
	assert_false(h.chunked);
	http_head_free(&h);
	assert_int_equal(http_parse_head(ok, 20, &h, &why), 0); /* more is needed */
	const char *chunked = "HTTP/1.0 200 OK\nTransfer-Encoding: gzip, chunked\n\n";
	assert_int_equal(http_parse_head(chunked, strlen(chunked), &h, &why), strlen(chunked));
	assert_true(h.chunked);
	assert_true(h.length == -1);
	http_head_free(&h);
	const char *moved = "HTTP/1.1 301 Moved\r\nLocation: /new/place\r\n\r\n";
	assert_true(http_parse_head(moved, strlen(moved), &h, &why) > 0);
	assert_int_equal(h.status, 301);
	assert_str(h.location, "/new/place");
	http_head_free(&h);
	const char *junk = "SSH-2.0-OpenSSH_9.2\r\n";
	assert_int_equal(http_parse_head(junk, strlen(junk), &h, &why), -1);
	assert_str(why, "the answer is not HTTP");
	const char *twolen = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n";
	assert_int_equal(http_parse_head(twolen, strlen(twolen), &h, &why), -1);
	assert_non_null(strstr(why, "Content-Length"));
	const char *badlen = "HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n";
	assert_int_equal(http_parse_head(badlen, strlen(badlen), &h, &why), -1);
	const char *badstatus = "HTTP/1.1 2x0 OK\r\n\r\n";
	assert_int_equal(http_parse_head(badstatus, strlen(badstatus), &h, &why), -1);
	char *big = xmalloc(HTTP_MAX_HEAD + 100);
	memcpy(big, "HTTP/1.1 200 OK\r\nX: ", 20);
	memset(big + 20, 'a', HTTP_MAX_HEAD + 79);
	assert_int_equal(http_parse_head(big, HTTP_MAX_HEAD + 99, &h, &why), -1);
	assert_non_null(strstr(why, "too long"));
	free(big);
}

static void chunked_bodies_in_pieces(void **state)
{
	const char *body = "4\r\nWiki\r\n5;ext=1\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nX-Trailer: y\r\n\r\n";
	/* every split point gives the same data */
	for (size_t cut = 0; cut <= strlen(body); cut++) {
		struct http_chunked c = {0};
		char a[128], b[128], out[128];
		size_t na = cut, nb = strlen(body) - cut, got = 0;
		memcpy(a, body, na);
		memcpy(b, body + cut, nb);
		bool done = false;
		long k = http_chunked_feed(&c, a, na, &done);
		assert_true(k >= 0);
		memcpy(out, a, (size_t)k);
		got = (size_t)k;
		k = http_chunked_feed(&c, b, nb, &done);
		assert_true(k >= 0);
		memcpy(out + got, b, (size_t)k);
		got += (size_t)k;
		assert_true(done);
		assert_int_equal(got, 23);
		assert_memory_equal(out, "Wikipedia in\r\n\r\nchunks.", 23);
	}
	struct http_chunked c = {0};
	bool done;
	char bad[] = "zz\r\n";
	assert_int_equal(http_chunked_feed(&c, bad, 4, &done), -1);
	struct http_chunked c2 = {0};
	char nocrlf[] = "2\r\nabX";
	assert_int_equal(http_chunked_feed(&c2, nocrlf, 6, &done), -1);
	struct http_chunked c3 = {0};
	char huge[] = "ffffffffffffffff0\r\n";
	assert_int_equal(http_chunked_feed(&c3, huge, strlen(huge), &done), -1);
}

static void redirects(void **state)
{
	struct netloc base = {NET_HTTP, "a.example", 8080, "/boot/x/linux"}, to;
	assert_int_equal(http_redirect(&base, "initrd", &to), 0);
	assert_str(to.host, "a.example");
	assert_int_equal(to.port, 8080);
	assert_str(to.path, "/boot/x/initrd");
	netloc_free(&to);
	assert_int_equal(http_redirect(&base, "../../../y", &to), 0);
	assert_str(to.path, "/y");
	netloc_free(&to);
	assert_int_equal(http_redirect(&base, "/z", &to), 0);
	assert_str(to.path, "/z");
	netloc_free(&to);
	assert_int_equal(http_redirect(&base, "http://b.example/w", &to), 0);
	assert_str(to.host, "b.example");
	assert_int_equal(to.port, 80);
	netloc_free(&to);
	assert_int_equal(http_redirect(&base, "https://b.example/w", &to), -1);
	assert_int_equal(http_redirect(&base, "", &to), -1);
	assert_str(http_status_text(404), "Not Found: the server has no such file");
	/* every status has words */
	for (int s = 0; s < 1000; s++)
		assert_true(strlen(http_status_text(s)) > 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(request_line),
		cmocka_unit_test(response_heads),
		cmocka_unit_test(chunked_bodies_in_pieces),
		cmocka_unit_test(redirects),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
