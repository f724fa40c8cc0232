/* The password lock of the shell and the editor: GRUB's PBKDF2 hashes
 * (grub.pbkdf2.sha512.ITER.SALT.HASH, as grub-mkpasswd-pbkdf2 writes them). */
#ifndef KL_PASSWORD_H
#define KL_PASSWORD_H
#include <stdbool.h>
#include "term.h"

/* 1 when password matches hash, 0 when it does not, -1 when hash is not a
 * GRUB PBKDF2-SHA512 hash (with *err saying what is wrong, caller frees). */
int password_check(const char *hash, const char *password, char **err);
/* Reads a password without echo; NULL when Ctrl-C or Escape abandoned it. */
char *password_read(struct term *t, const char *prompt);
/* Asks for the password ("Password: ") and says whether it was the right
 * one. A NULL hash means no lock: true at once. */
bool password_ask(struct term *t, const char *hash);

#endif
