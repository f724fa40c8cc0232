#include "netsource.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "errtext.h"
#include "grub2.h"
#include "log.h"
#include "netboot.h"
#include "netboot_int.h"
#include "netpath.h"
#include "pxelinux.h"
#include "syslinux.h"

static char *dmi_word(const char *name, const char *file)
{
	char *path = xasprintf("/sys/class/dmi/id/%s", file);
	char *v = read_line_file(path);
	free(path);
	char *w = v && *str_trim(v) ? xasprintf("%s=%s", name, str_trim(v)) : NULL;
	free(v);
	return w;
}

/* The words IPAPPEND/SYSAPPEND add, in SYSLINUX's bit order: the lease's
 * ip= and BOOTIF=, the UUID, the DMI strings. */
static const char *const *net_sysappend(void)
{
	static char *w[SYSAPPEND_MAX];
	static const char *const dmi[][2] = {
		[SYSAPPEND_SYSVENDOR] = {"SYSVENDOR", "sys_vendor"},
		[SYSAPPEND_SYSPRODUCT] = {"SYSPRODUCT", "product_name"},
		[SYSAPPEND_SYSVERSION] = {"SYSVERSION", "product_version"},
		[SYSAPPEND_SYSSERIAL] = {"SYSSERIAL", "product_serial"},
		[SYSAPPEND_SYSSKU] = {"SYSSKU", "product_sku"},
		[SYSAPPEND_SYSFAMILY] = {"SYSFAMILY", "product_family"},
		[SYSAPPEND_MBVENDOR] = {"MBVENDOR", "board_vendor"},
		[SYSAPPEND_MBPRODUCT] = {"MBPRODUCT", "board_name"},
		[SYSAPPEND_MBVERSION] = {"MBVERSION", "board_version"},
		[SYSAPPEND_MBSERIAL] = {"MBSERIAL", "board_serial"},
		[SYSAPPEND_MBASSET] = {"MBASSET", "board_asset_tag"},
		[SYSAPPEND_BIOSVENDOR] = {"BIOSVENDOR", "bios_vendor"},
		[SYSAPPEND_BIOSVERSION] = {"BIOSVERSION", "bios_version"},
		[SYSAPPEND_SYSFF] = {"SYSFF", "chassis_type"},
	};
	for (int i = 0; i < SYSAPPEND_MAX; i++) {
		free(w[i]);
		w[i] = NULL;
	}
	if (net_lease()) {
		w[SYSAPPEND_IP] = pxelinux_ip_word(net_lease());
		w[SYSAPPEND_BOOTIF] = pxelinux_bootif_word(net_mac());
	}
	if (net_uuid())
		w[SYSAPPEND_SYSUUID] = xasprintf("SYSUUID=%s", net_uuid());
	for (int i = 0; i < SYSAPPEND_MAX; i++)
		if (dmi[i][0])
			w[i] = dmi_word(dmi[i][0], dmi[i][1]);
	return (const char *const *)w;
}

/* "PATH:LINE on tftp,SRV" -> "tftp://SRV/PATH:LINE": where a site's admin looks. */
static void origins(struct target_list *l, size_t from, const char *dev)
{
	char *on = xasprintf(" on %s", dev);
	for (size_t i = from; i < l->n; i++) {
		char *o = l->v[i].origin, *at = o ? strstr(o, on) : NULL;
		if (!at || at[strlen(on)])
			continue;
		*at = 0;
		char *path = xstrndup(o, strcspn(o, ":"));
		const char *line = o + strlen(path);
		struct netloc nl;
		if (netloc_parse(dev, path, &nl) == 0) {
			char *url = netloc_url(&nl, NULL);
			l->v[i].origin = xasprintf("%s%s", url, line);
			free(url);
			netloc_free(&nl);
			free(o);
		} else {
			*at = ' ';
		}
		free(path);
	}
	free(on);
}

static char *to_device(void *ctx, const char *grubname)
{
	const char *server = ctx;
	if (!netdev_is(grubname))
		return NULL;
	if (!strchr(grubname, ',')) /* GRUB's (tftp) and (http): net_default_server */
		return xasprintf("%.*s,%s", (int)strcspn(grubname, ","),
				 strncasecmp(grubname, "pxe", 3) ? grubname : "tftp", server);
	return xstrdup(grubname);
}

static bool try_pxelinux(const struct fsio *io, const char *dev, const struct dhcp_lease *l,
			 const struct pxe_client *c, struct target_list *out, struct diag_list *d)
{
	struct strlist names = {0};
	pxelinux_candidates(l, c, &names);
	char *prefix = pxelinux_prefix(l);
	bool found = false;
	for (size_t i = 0; i < names.n && !found; i++) {
		size_t before = out->n;
		struct syslinux_opts o = {.io = io, .device = dev, .path = names.v[i],
					  .sysappend = net_sysappend(), .cwd = prefix};
		int r = syslinux_load(&o, out, d);
		if (r == 0) {
			found = true;
			log_info("PXELINUX configuration: (%s)%s", dev, names.v[i]);
			origins(out, before, dev);
		} else if (r != -ENOENT) {
			diag_add(d, names.v[i], 0, "cannot be read from %s (%s)", dev, errtext(-r));
		}
	}
	free(prefix);
	sl_free(&names);
	return found;
}

static bool try_grub(const struct fsio *io, const char *dev, const struct dhcp_lease *l,
		     const struct pxe_client *c, struct target_list *out, struct diag_list *d)
{
	char *fw = grub_net_prefix(l->bootfile);
	struct strlist names = {0}, vars = {0};
	grub_net_candidates(fw, c, &names);
	net_grub_vars(&vars);
	bool found = false;
	for (size_t i = 0; i < names.n && !found; i++) {
		bool dir;
		if (io->stat(io->ctx, dev, names.v[i], &dir) < 0 || dir)
			continue;
		size_t before = out->n;
		struct grub2_opts o = {.io = io, .device = dev, .path = names.v[i],
				       .to_device = to_device, .map_ctx = (void *)net_server(),
				       .vars = &vars};
		found = grub2_load(&o, out, d) == 0;
		if (found) {
			log_info("GRUB configuration: (%s)%s", dev, names.v[i]);
			origins(out, before, dev);
		}
	}
	sl_free(&vars);
	sl_free(&names);
	free(fw);
	return found;
}

/* GRUB's boot files: grub-mknetdir's core.0/core.efi and the distributions' grubnet*.efi. */
static bool grub_first(const char *bootfile)
{
	const char *base = strrchr(bootfile, '/');
	base = base ? base + 1 : bootfile;
	return strstr(base, "grub") || !strncmp(base, "core.", 5) || strstr(bootfile, "i386-pc/") ||
	       strstr(bootfile, "-efi/");
}

void net_collect(const struct fsio *io, struct target_list *out, struct diag_list *d)
{
	const struct dhcp_lease *l = net_lease();
	if (!l || !net_server() || (!l->bootfile[0] && !l->pxe_config[0])) {
		if (l) /* a site that serves no boot file: only kexec-loader.conf's network paths */
			log_info("the DHCP lease names no boot file: no PXELINUX or GRUB lookup");
		return;
	}
	struct pxe_client c = {.ip = l->addr, .uuid = net_uuid()};
	memcpy(c.mac, net_mac(), 6);
	char *dev = xasprintf("tftp,%s", net_server());
	bool grub = grub_first(l->bootfile);
	bool found = grub ? try_grub(io, dev, l, &c, out, d) || try_pxelinux(io, dev, l, &c, out, d)
			  : try_pxelinux(io, dev, l, &c, out, d) || try_grub(io, dev, l, &c, out, d);
	if (!found)
		diag_add(d, l->bootfile[0] ? l->bootfile : "DHCP", 0,
			 "no pxelinux.cfg/ or grub.cfg was found on tftp://%s/", net_server());
	free(dev);
}
