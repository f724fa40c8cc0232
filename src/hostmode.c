#include "hostmode.h"

#include <stdio.h>

int host_main(int argc, char **argv)
{
	printf("kexec-loader %s\n", KL_VERSION);
	return 0;
}
