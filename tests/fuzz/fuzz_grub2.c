/* libFuzzer harness for the GRUB 2 interpreter: the input runs as a script
 * and as a grub.cfg over a fake fsio whose one device holds the input
 * itself (as grub.cfg, grubenv and a BLS entry), so source, configfile,
 * load_env and blscfg reach it too. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "grub2.h"

static const uint8_t *in;
static size_t in_len;

static int f_read(void *ctx, const char *dev, const char *path, size_t max, char **buf, size_t *len)
{
	if (!dev || strcmp(dev, "sda1") || !strstr(path, "."))
		return -ENOENT;
	if (in_len > max)
		return -EFBIG;
	*buf = xmalloc(in_len + 1);
	memcpy(*buf, in, in_len);
	(*buf)[in_len] = 0;
	*len = in_len;
	return 0;
}

static int f_stat(void *ctx, const char *dev, const char *path, bool *is_dir)
{
	*is_dir = !strstr(path, ".");
	return dev && !strcmp(dev, "sda1") ? 0 : -ENOENT;
}

static int f_list(void *ctx, const char *dev, const char *path, struct strlist *names)
{
	sl_push(names, "a.conf");
	sl_push(names, "dir/");
	return 0;
}

static const struct fsinfo devs[] = {
	{.name = "sda1", .disk = "sda", .partno = 1, .pttype = "gpt", .fstype = "ext4", .label = "L",
	 .uuid = "1234-ABCD"},
	{.name = "sdb", .disk = "sdb", .fstype = "vfat"},
};

static size_t f_devices(void *ctx, const struct fsinfo **v)
{
	*v = devs;
	return 2;
}

static char *to_dev(void *ctx, const char *g)
{
	return !strcmp(g, "hd0,gpt1") || !strcmp(g, "hd0,1") ? xstrdup("sda1") : NULL;
}

static char *from_dev(void *ctx, const char *k)
{
	return !strcmp(k, "sda1") ? xstrdup("hd0,gpt1") : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	in = data;
	in_len = size;
	struct strbuf out = {0};
	struct diag_list d = {0};
	grub2_run_script((const char *)data, size, "fuzz.cfg", &out, &d);
	sb_free(&out);
	diag_free(&d);

	struct fsio io = {.read = f_read, .stat = f_stat, .list = f_list, .devices = f_devices};
	struct grub2_opts o = {.io = &io, .device = "sda1", .path = "/boot/grub/grub.cfg",
			       .to_device = to_dev, .from_device = from_dev};
	struct target_list l;
	tl_init(&l);
	grub2_load(&o, &l, &d);
	tl_free(&l);
	diag_free(&d);
	return 0;
}
