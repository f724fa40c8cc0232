/* Entry point: PID 1 runs the boot loader, anything else is host mode. */
#include <unistd.h>
#include "hostmode.h"
#include "init.h"

int main(int argc, char **argv)
{
	if (getpid() == 1)
		init_main(argc, argv); /* never returns */
	return host_main(argc, argv);
}
