/* The parameters a module gets before kexec-loader.conf's: kexec-loader's
 * defaults, then the kernel command line's MODULE.PARAM=VALUE words. */
#include "unit.h"
#include <stdlib.h>
#include "modparams.h"

static void check_cmdline(const char *cmdline, const char *module, const char *want)
{
	char *got = modparams_cmdline(cmdline, module);
	assert_str(got, want);
	free(got);
}

static void check_join(const char *cmdline, const char *module, const char *extra, const char *want)
{
	char *got = modparams_join(cmdline, module, extra);
	assert_str(got, want);
	free(got);
}

static void usb_storage_does_not_wait_before_scanning(void **state)
{
	assert_str(modparams_default("usb_storage"), "delay_use=0");
	assert_str(modparams_default("usb-storage"), "delay_use=0");
	assert_str(modparams_default("uas"), "");
	assert_str(modparams_default("usb_storage_x"), "");
	assert_str(modparams_default("usb_stor"), "");
}

static void command_line_words_for_one_module(void **state)
{
	const char *cl = "BOOT_IMAGE=/boot/vmlinuz-6.1 root=UUID=ab.cd ro initrd=/x.img "
			 "usb-storage.delay_use=2 loop.max_part=8 usb_storage.quirks=\"0781:5406:u x\" "
			 "usb_storage.noflag .nomodule=1 usb_storage.=3 usb_storage. quiet "
			 "usb_storage_x.delay_use=9 usb_storage.delay_use=5";
	check_cmdline(cl, "usb_storage",
		      "delay_use=2 quirks=\"0781:5406:u x\" noflag delay_use=5");
	check_cmdline(cl, "usb-storage",
		      "delay_use=2 quirks=\"0781:5406:u x\" noflag delay_use=5");
	check_cmdline(cl, "loop", "max_part=8");
	/* a dot in a value is not a module's parameter */
	check_cmdline(cl, "root", "");
	check_cmdline(cl, "ext4", "");
	check_cmdline("", "loop", "");
	check_cmdline(NULL, "loop", "");
	check_cmdline("\"\" loop.a=1 \"loop.b=2\"", "loop", "a=1 b=2");
}

/* The kernel applies a module's parameters in order and keeps the last value of each:
 * the command line overrides the defaults, kexec-loader.conf's kmod line both. */
static void later_places_win(void **state)
{
	check_join("usb-storage.delay_use=1", "usb_storage", "quirks=1:2:u",
		   "delay_use=0 delay_use=1 quirks=1:2:u");
	check_join("quiet", "usb_storage", NULL, "delay_use=0");
	check_join(NULL, "usb_storage", "", "delay_use=0");
	check_join("loop.max_part=8", "loop", "max_loop=2", "max_part=8 max_loop=2");
	check_join("loop.max_part=8", "ext4", NULL, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(usb_storage_does_not_wait_before_scanning),
		cmocka_unit_test(command_line_words_for_one_module),
		cmocka_unit_test(later_places_win),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
