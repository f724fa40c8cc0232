#include "init.h"

#include <unistd.h>

_Noreturn void init_main(int argc, char **argv)
{
	for (;;)
		pause();
}
