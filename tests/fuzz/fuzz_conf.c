/* libFuzzer harness: kexec-loader.conf and the kernel command line options. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include "settings.h"
#include "conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config c;
	struct diag_list d = {0};
	config_init(&c);
	conf_parse(&c, &d, (const char *)data, size, "kexec-loader.conf", "LABEL=kexecloader");
	(void)config_grub_autodetect(&c);
	(void)config_kmod_args(&c, "loop");
	config_free(&c);
	diag_free(&d);

	char *text = malloc(size + 1);
	if (!text)
		return 0;
	for (size_t i = 0; i < size; i++)
		text[i] = data[i] ? (char)data[i] : ' ';
	text[size] = 0;
	struct settings s;
	settings_parse(&s, text);
	settings_free(&s);
	free(text);
	return 0;
}
