#include "unit.h"
#include <arpa/inet.h>
#include "pxelinux.h"

static void expect(const struct strlist *l, const char *const *want, size_t n)
{
	assert_int_equal(l->n, n);
	for (size_t i = 0; i < n; i++)
		assert_str(l->v[i], want[i]);
}

/* The example of PXELINUX's documentation. */
static void pxelinux_lookup_order(void **state)
{
	struct dhcp_lease l = {0};
	strcpy(l.bootfile, "/tftpboot/pxelinux.0");
	struct pxe_client c = {{0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd}, 0,
			       "b8945908-d6a6-41a9-611d-74a6ab80b83d"};
	inet_pton(AF_INET, "192.0.2.91", &c.ip);
	struct strlist got = {0};
	pxelinux_candidates(&l, &c, &got);
	static const char *const want[] = {
		"/tftpboot/pxelinux.cfg/b8945908-d6a6-41a9-611d-74a6ab80b83d",
		"/tftpboot/pxelinux.cfg/01-88-99-aa-bb-cc-dd",
		"/tftpboot/pxelinux.cfg/C000025B", "/tftpboot/pxelinux.cfg/C000025",
		"/tftpboot/pxelinux.cfg/C00002", "/tftpboot/pxelinux.cfg/C0000",
		"/tftpboot/pxelinux.cfg/C000", "/tftpboot/pxelinux.cfg/C00",
		"/tftpboot/pxelinux.cfg/C0", "/tftpboot/pxelinux.cfg/C",
		"/tftpboot/pxelinux.cfg/default"};
	expect(&got, want, ARRAY_SIZE(want));
	sl_free(&got);
	/* option 210 gives the folder; a boot file without one means the root */
	strcpy(l.pxe_prefix, "/site/");
	c.uuid = NULL;
	pxelinux_candidates(&l, &c, &got);
	assert_int_equal(got.n, 10);
	assert_str(got.v[0], "/site/pxelinux.cfg/01-88-99-aa-bb-cc-dd");
	sl_free(&got);
	/* option 209 names the one file */
	strcpy(l.pxe_config, "configs/node7");
	pxelinux_candidates(&l, &c, &got);
	static const char *const one[] = {"/site/configs/node7"};
	expect(&got, one, 1);
	sl_free(&got);
	struct dhcp_lease bare = {0};
	strcpy(bare.bootfile, "pxelinux.0");
	char *p = pxelinux_prefix(&bare);
	assert_str(p, "/");
	free(p);
	strcpy(bare.bootfile, "boot/x86/pxelinux.0");
	p = pxelinux_prefix(&bare);
	assert_str(p, "/boot/x86/");
	free(p);
}

static void grub_lookup_order(void **state)
{
	struct pxe_client c = {{0x52, 0x54, 0x00, 0xec, 0x33, 0x81}, 0, NULL};
	inet_pton(AF_INET, "10.0.0.130", &c.ip);
	struct strlist got = {0};
	char *fw = grub_net_prefix("/boot/grub/i386-pc/core.0");
	assert_str(fw, "/boot/grub");
	grub_net_candidates(fw, &c, &got);
	static const char *const want[] = {
		"/boot/grub/grub.cfg-52-54-00-ec-33-81", "/boot/grub/grub.cfg-0A000082",
		"/boot/grub/grub.cfg-0A00008", "/boot/grub/grub.cfg-0A0000",
		"/boot/grub/grub.cfg-0A000", "/boot/grub/grub.cfg-0A00", "/boot/grub/grub.cfg-0A0",
		"/boot/grub/grub.cfg-0A", "/boot/grub/grub.cfg-0", "/boot/grub/grub.cfg"};
	expect(&got, want, ARRAY_SIZE(want));
	sl_free(&got);
	free(fw);
	fw = grub_net_prefix("grubx64.efi");
	assert_str(fw, "/");
	free(fw);
	fw = grub_net_prefix("efi/grubnetx64.efi");
	assert_str(fw, "/efi");
	free(fw);
}

static void ipappend_words(void **state)
{
	struct dhcp_lease l = {0};
	inet_pton(AF_INET, "10.0.2.15", &l.addr);
	inet_pton(AF_INET, "10.0.2.2", &l.next_server);
	inet_pton(AF_INET, "10.0.2.1", &l.router);
	inet_pton(AF_INET, "255.255.255.0", &l.mask);
	char *w = pxelinux_ip_word(&l);
	assert_str(w, "ip=10.0.2.15:10.0.2.2:10.0.2.1:255.255.255.0");
	free(w);
	static const uint8_t mac[6] = {0x52, 0x54, 0x00, 0xAB, 0x0c, 0x01};
	w = pxelinux_bootif_word(mac);
	assert_str(w, "BOOTIF=01-52-54-00-ab-0c-01");
	free(w);
	w = pxelinux_uuid_from_dmi("4C4C4544-0034-3210-8051-B7C04F4E4D31\n");
	assert_str(w, "44454c4c-3400-1032-8051-b7c04f4e4d31");
	free(w);
	assert_null(pxelinux_uuid_from_dmi("00000000-0000-0000-0000-000000000000"));
	assert_null(pxelinux_uuid_from_dmi("4C4C4544-0034-3210-8051"));
	assert_null(pxelinux_uuid_from_dmi("4C4C4544x0034-3210-8051-B7C04F4E4D31"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pxelinux_lookup_order),
		cmocka_unit_test(grub_lookup_order),
		cmocka_unit_test(ipappend_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
