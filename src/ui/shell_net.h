/* The shell's network commands: net and dhcp. */
#ifndef KL_SHELL_NET_H
#define KL_SHELL_NET_H
#include "shell_state.h"

void shell_cmd_net(struct shell *sh, struct term *t, const char *arg);
void shell_cmd_dhcp(struct shell *sh, struct term *t, const char *arg);

#endif
