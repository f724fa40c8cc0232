/* The words for an errno value, the same whichever C library kexec-loader is
 * linked with. */
#ifndef KL_ERRTEXT_H
#define KL_ERRTEXT_H

/* e is positive (EIO, not -EIO). */
const char *errtext(int e);

#endif
