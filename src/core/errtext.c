/* musl words some errors differently from glibc ("I/O error") and has no words
 * at all for some a Linux filesystem returns: a damaged ext4 gives EUCLEAN, which
 * musl shows as "No error information". Messages, manual pages and what users
 * search the web for use glibc's words, so those codes are given them here. */
#include "errtext.h"

#include <errno.h>
#include <string.h>

static const struct {
	int code;
	const char *text;
} words[] = {
	{EIO, "Input/output error"},
	{ENOMEM, "Cannot allocate memory"},
	{EBUSY, "Device or resource busy"},
	{EXDEV, "Invalid cross-device link"},
	{EMFILE, "Too many open files"},
	{ENOTTY, "Inappropriate ioctl for device"},
	{ENAMETOOLONG, "File name too long"},
	{ELOOP, "Too many levels of symbolic links"},
	{ETIME, "Timer expired"},
	{ENOPKG, "Package not installed"},
	{EOVERFLOW, "Value too large for defined data type"},
	{EILSEQ, "Invalid or incomplete multibyte or wide character"},
	{EMSGSIZE, "Message too long"},
	{EOPNOTSUPP, "Operation not supported"},
	{EADDRINUSE, "Address already in use"},
	{EADDRNOTAVAIL, "Cannot assign requested address"},
	{ENETUNREACH, "Network is unreachable"},
	{ECONNABORTED, "Software caused connection abort"},
	{ENOTCONN, "Transport endpoint is not connected"},
	{ETIMEDOUT, "Connection timed out"},
	{EHOSTUNREACH, "No route to host"},
	{EUCLEAN, "Structure needs cleaning"},
	{EDQUOT, "Disk quota exceeded"},
	{EHWPOISON, "Memory page has hardware error"},
};

const char *errtext(int e)
{
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (words[i].code == e)
			return words[i].text;
	return strerror(e);
}
