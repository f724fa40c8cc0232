/* Where boot targets come from (kexec-loader.conf(5), DESCRIPTION and OTHER SOURCES OF TARGETS): kexec-loader.conf's
 * own targets, the GRUB folder of grub-path, and with GRUB autodetection on
 * every filesystem's GRUB 2, GRUB legacy, Boot Loader Specification and
 * SYSLINUX/EXTLINUX/ISOLINUX files. Pure: everything through fsio.
 *
 * Per filesystem, in this order: the first of /boot/grub, /grub,
 * /boot/grub2, /grub2 holding a grub.cfg, and every /EFI/x/grub.cfg; when
 * none holds a grub.cfg, the first menu.lst or grub.conf in /boot/grub or
 * /grub; the BLS entries in /loader/entries and /boot/loader/entries (not
 * when a grub.cfg on that filesystem runs blscfg: GRUB shows them then); the
 * first of /boot/syslinux/syslinux.cfg, /syslinux/syslinux.cfg,
 * /syslinux.cfg, then of /boot/extlinux/extlinux.conf,
 * /extlinux/extlinux.conf, /extlinux.conf, then of
 * /boot/isolinux/isolinux.cfg, /isolinux/isolinux.cfg, /isolinux.cfg.
 * A GRUB folder's device.map applies to the files of that folder; grub-map
 * lines apply everywhere. A target equal to an earlier one (title, devices,
 * files and command lines; an EFI stub that configfiles the real grub.cfg
 * gives the same entries again) is dropped.
 *
 * Default and timeout: when kexec-loader.conf defines targets, its default
 * (else its first target) and its timeout rule; otherwise the first source
 * that names a default gives it, and its timeout applies unless
 * kexec-loader.conf has a timeout line ("timeout off" included). */
#ifndef KL_SOURCES_H
#define KL_SOURCES_H
#include "conf.h"
#include "fsio.h"
#include "target.h"

/* boot_device: the device kexec-loader's own files are on (its loader
 * configuration there starts kexec-loader itself, so autodetection skips
 * it; grub-path may still name it); NULL: none. */
void sources_collect(const struct config *c, const struct fsio *io, const char *boot_device,
		     struct target_list *out, struct diag_list *d);

#endif
