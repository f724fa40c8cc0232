#include "unit.h"
#include "devpath.h"
#include "netpath.h"
#include "util.h"

static void devices_and_urls(void **state)
{
	struct netloc l;
	assert_int_equal(netloc_parse("tftp,10.0.2.2", "/pxelinux.cfg/../boot/linux", &l), 0);
	assert_int_equal(l.proto, NET_TFTP);
	assert_str(l.host, "10.0.2.2");
	assert_int_equal(l.port, 69);
	assert_str(l.path, "/boot/linux");
	char *u = netloc_url(&l, NULL);
	assert_str(u, "tftp://10.0.2.2/boot/linux");
	free(u);
	netloc_free(&l);
	assert_int_equal(netloc_parse("http,boot.example:8080", "a/../../b", &l), 0);
	assert_int_equal(l.proto, NET_HTTP);
	assert_int_equal(l.port, 8080);
	assert_str(l.path, "/b"); /* ".." never climbs above the server's root */
	netloc_free(&l);
	/* "(tftp)" alone: the lease's server, named when the URL is made */
	assert_int_equal(netloc_parse("tftp", "/grub.cfg", &l), 0);
	assert_null(l.host);
	u = netloc_url(&l, "10.0.2.2");
	assert_str(u, "tftp://10.0.2.2/grub.cfg");
	free(u);
	netloc_free(&l);
	assert_int_equal(netloc_parse("pxe", "/x", &l), 0); /* GRUB's older name */
	assert_int_equal(l.proto, NET_TFTP);
	netloc_free(&l);
	assert_int_equal(netloc_parse("sda1", "/x", &l), -1);
	assert_int_equal(netloc_parse("http,bad host", "/x", &l), -1);
	assert_int_equal(netloc_parse("http,h:99999", "/x", &l), -1);
	assert_int_equal(netloc_parse("http,h:", "/x", &l), -1);
	assert_true(netdev_is("tftp,1.2.3.4"));
	assert_false(netdev_is("LABEL=tftp"));
	assert_false(netdev_is(NULL));

	assert_int_equal(url_parse("http://10.0.2.2:8000/boot/initrd.img?x=1#frag", &l), 0);
	assert_str(l.host, "10.0.2.2");
	assert_int_equal(l.port, 8000);
	assert_str(l.path, "/boot/initrd.img?x=1");
	u = netloc_url(&l, NULL);
	assert_str(u, "http://10.0.2.2:8000/boot/initrd.img?x=1");
	free(u);
	netloc_free(&l);
	assert_int_equal(url_parse("HTTP://h", &l), 0);
	assert_str(l.path, "/");
	netloc_free(&l);
	assert_int_equal(url_parse("https://h/x", &l), -1);
	assert_int_equal(url_parse("http:///x", &l), -1);
}

static void path_split_takes_urls(void **state)
{
	char *dev, *path;
	assert_int_equal(path_split("http://srv:8080/k/vmlinuz", &dev, &path), 0);
	assert_str(dev, "http,srv:8080");
	assert_str(path, "/k/vmlinuz");
	free(dev), free(path);
	assert_int_equal(path_split("tftp://srv/a/b", &dev, &path), 0);
	assert_str(dev, "tftp,srv");
	assert_str(path, "/a/b");
	free(dev), free(path);
	assert_int_equal(path_split("(tftp,10.0.2.2)/pxelinux.cfg/default", &dev, &path), 0);
	assert_str(dev, "tftp,10.0.2.2");
	assert_str(path, "/pxelinux.cfg/default");
	free(dev), free(path);
	assert_int_equal(path_split("http://", &dev, &path), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(devices_and_urls),
		cmocka_unit_test(path_split_takes_urls),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
