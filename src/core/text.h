/* Text that came from a disk, made safe to show: a title, a path or a
 * directive quoted in a message may hold terminal escape sequences or bytes
 * that are not UTF-8. On a console they would move the cursor, change
 * colours or worse; in JSON they would make the output invalid. */
#ifndef KL_TEXT_H
#define KL_TEXT_H
#include <stddef.h>
#include "util.h"

/* The length of the valid UTF-8 sequence at s (1 to 4), or 0 when the
 * bytes there are not one (a stray continuation byte, an overlong form, a
 * surrogate, beyond U+10FFFF, cut short). */
size_t utf8_seq(const unsigned char *s);
/* Appends s with every control character and every byte that is not part
 * of valid UTF-8 written as \xNN, so that it shows as text. */
void sb_put_clean(struct strbuf *sb, const char *s);
/* The same as a new string (free it). */
char *text_clean(const char *s);

#endif
