/* Entry point: PID 1 runs the boot loader, anything else is host mode. */
#include <string.h>
#include <unistd.h>
#include "kmod.h"
#include "util.h"
#include "hostmode.h"
#include "init.h"

int main(int argc, char **argv)
{
	/* The kernel runs /sbin/modprobe (a link to /init) for crypto and filesystem aliases. */
	if (argc > 0 && str_ends(argv[0], "modprobe"))
		return kmod_modprobe_main(argc, argv);
	if (getpid() == 1)
		init_main(argc, argv); /* never returns */
	return host_main(argc, argv);
}
