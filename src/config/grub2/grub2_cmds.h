/* The GRUB 2 commands that work on the interpreter itself: echo, set, unset,
 * export, setparams, true, false, test and [, eval, source, configfile,
 * load_env, save_env, and those that do nothing here (sleep). */
#ifndef KL_GRUB2_CMDS_H
#define KL_GRUB2_CMDS_H
#include "grub2_int.h"

g_cmd_fn g_cmd_echo, g_cmd_set, g_cmd_unset, g_cmd_export, g_cmd_setparams, g_cmd_true,
	g_cmd_test, g_cmd_eval, g_cmd_source, g_cmd_load_env, g_cmd_save_env, g_cmd_nop;

#endif
