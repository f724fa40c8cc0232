/* The entry editor (like GRUB's `e`): a target shown as kexec-loader.conf
 * lines, edited on screen, parsed back into a target to boot. Nothing is
 * ever written to disk. */
#ifndef KL_EDITOR_H
#define KL_EDITOR_H
#include "target.h"
#include "term.h"

#define EDITOR_HELP "Ctrl-X boots, Esc goes back without changes"

/* Edits `in`. Returns 1 with *out the edited target to boot (Ctrl-X or F10),
 * 0 when Esc or Ctrl-C left the editor (out untouched). */
int editor_run(struct term *t, const struct target *in, struct target *out);

/* The target as configuration lines, one per element of lines. */
void editor_lines(const struct target *in, struct strlist *lines);
/* Parses edited lines back into one target; the title of `in` is used when
 * the lines have none. out must be initialised (target_init); it is
 * replaced. 0, or -1 with the problems in errors. */
int editor_parse(const struct strlist *lines, const struct target *in, struct target *out,
		 struct strlist *errors);

#endif
