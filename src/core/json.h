/* JSON lines for host mode's listings. */
#ifndef KL_JSON_H
#define KL_JSON_H
#include <stdbool.h>
#include <stdio.h>
#include "target.h"

/* {"title":…,"kernel":…,"initrds":[…],"cmdline":…,"modules":[{"path":…,"cmdline":…}],
 *  "default":…,"origin":…,"root":…,"kind":…,"bootable":…,"reason":…} */
void json_target(FILE *f, const struct target *t, bool is_default);
/* {"menu":{"timeout":N or "off","style":"shown" or "hidden"}}: what the menu
 * will do with this list (hidden only while a countdown runs). */
void json_menu(FILE *f, const struct target_list *l);
/* {"problem":"FILE:LINE: message"} */
void json_problem(FILE *f, const char *line);

#endif
