/* The shell's net command: interfaces, the lease and its servers. */
#ifndef KL_SHELL_NET_H
#define KL_SHELL_NET_H
#include "shell_state.h"

void shell_cmd_net(struct shell *sh, struct term *t, const char *arg);

#endif
