"""Debian's Xen hypervisor (xen-hypervisor-4.17-amd64, gzip-compressed, fetched by
tools/fetch-xen into build/xen) boots with Debian's kernel and a probe initrd as Multiboot
modules, with the command line Debian's GRUB scripts write on a PC (no `no-real-mode`): Xen
drops to real mode to ask the BIOS for video, disk (EDD) and memory information before it
prints anything, so the BIOS must still answer after Linux has run.

Xen's own serial output (console=com1, which is ttyS0) is the witness: the boot loader's
name, its command line, the disk information it got from the BIOS in real mode, the PV dom0
it builds from the Linux module, and the initrd's range in dom0's memory, as long as the
module. Under QEMU's default CPU model dom0 Linux then runs the probe from that initrd.
Under `-cpu max` dom0 crashes early with a page fault, with QEMU's own Multiboot loader too
(a limit of software emulation of that CPU for Xen PV guests), so that test stops at the
initrd line.

The initrd module is an uncompressed cpio: Xen unpacks a compressed one for dom0 and prints
the unpacked range.
"""

import re
import subprocess

import pytest

from conftest import BUILD, INITRAMFS, KERNEL, KL_APPEND, PROBE, ROOT
from vm import VM, qemu_available

VERSION = (ROOT / "VERSION").read_text().strip()
XEN_DIR = BUILD / "xen"
# Quotes and '=' signs are kept as written; bootscrub=0: scrubbing 2 GiB under TCG is slow.
XEN_ARGS = 'console=com1 com1=115200,8n1 loglvl=all dom0_mem=256M bootscrub=0 x="a=b"'
DOM0_ARGS = "console=hvc0 earlyprintk=xen"
DEB_VERSION = "6.1.0-18-amd64"
BOOT_UUID = "0b6d2a8e-1f3c-4d5e-9a7b-8c9d0e1f2a3b"

pytestmark = pytest.mark.skipif(not qemu_available(), reason="qemu-system-x86_64 missing")


class XenVM(VM):
    """Xen and a dom0 need more memory than the other tests give."""

    def __init__(self, *args, **kw):
        super().__init__(*args, memory=2048, **kw)


@pytest.fixture(scope="module")
def xen():
    subprocess.run([str(ROOT / "tools" / "fetch-xen"), str(XEN_DIR)], check=True)
    return XEN_DIR / "xen.gz"


@pytest.fixture(scope="module")
def dom0_initrd(tmp_path_factory):
    """The probe as an uncompressed initramfs: Xen unpacks a compressed one for dom0 and
    would print the unpacked length."""
    out = tmp_path_factory.mktemp("dom0") / "initrd.img"
    subprocess.run([str(ROOT / "tools" / "mkinitramfs"), "--init", str(PROBE),
                    "--compress", "none", "-o", str(out)], check=True)
    return out


def xen_conf():
    return ("title xen\nroot LABEL=kexecloader\nkernel /xen.gz\n"
            f"cmdline {XEN_ARGS}\n"
            f"module /vmlinuz {DOM0_ARGS}\n"
            "module /initrd.img\n")


def xen_grub_cfg():
    """The entry Debian 12's /etc/grub.d/20_linux_xen writes for Xen 4.17 (GRUB 2.06), on a
    separate /boot found by UUID; xen_rm_opts stays empty on a PC."""
    return f"""set default="0"
set timeout=1
menuentry 'Debian GNU/Linux, with Xen hypervisor' --class debian --class gnu-linux --class gnu --class os --class xen $menuentry_id_option 'xen-gnulinux-simple-{BOOT_UUID}' {{
	insmod part_gpt
	insmod ext2
	set root='hd1,gpt1'
	if [ x$feature_platform_search_hint = xy ]; then
	  search --no-floppy --fs-uuid --set=root --hint-bios=hd1,gpt1 --hint-efi=hd1,gpt1 --hint-baremetal=ahci1,gpt1  {BOOT_UUID}
	else
	  search --no-floppy --fs-uuid --set=root {BOOT_UUID}
	fi
	echo	'Loading Xen 4.17-amd64 ...'
	if [ "$grub_platform" = "pc" -o "$grub_platform" = "" ]; then
	    xen_rm_opts=
	else
	    xen_rm_opts="no-real-mode edd=off"
	fi
	multiboot2	/xen-4.17-amd64.gz placeholder {XEN_ARGS} ${{xen_rm_opts}}
	echo	'Loading Linux {DEB_VERSION} ...'
	module2	/vmlinuz-{DEB_VERSION} placeholder {DOM0_ARGS}
	echo	'Loading initial ramdisk ...'
	module2	--nounzip   /initrd.img-{DEB_VERSION}
}}
"""


def expect_xen_boot(vm, dom0_initrd):
    """Xen's lines up to dom0's initrd; returns Xen's command line."""
    vm.expect(r"Bootloader: kexec-loader " + re.escape(VERSION) + r"\r", timeout=240)
    line = vm.expect(r"Command line: ([^\r\n]*)\r").group(1)
    # the BIOS answered Xen's real-mode disk queries (int 13h, EDD)
    vm.expect(r"Found [1-9]\d* EDD information structures")
    vm.expect(r"Building a PV Dom0", timeout=240)
    m = vm.expect(r"Init\. ramdisk: ([0-9a-f]+)->([0-9a-f]+)\r")  # whole numbers
    assert int(m.group(2), 16) - int(m.group(1), 16) == dom0_initrd.stat().st_size
    return line


def test_xen_boots_dom0_from_kexec_loader_conf(boot_disk, images, dom0_initrd, xen, tmp_path):
    disk = boot_disk(xen_conf(), {"/xen.gz": xen, "/initrd.img": dom0_initrd})
    with XenVM(tmp_path / "vm", KERNEL, INITRAMFS, f"{KL_APPEND} boot_index=0", [disk]) as vm:
        assert expect_xen_boot(vm, dom0_initrd) == XEN_ARGS
        report = vm.wait_probe()
    images.verify(disk)
    assert report.cmdline == DOM0_ARGS  # Xen takes the module's path off
    assert report.files == {"/init": PROBE.stat().st_size}
    assert "kexec_load" in vm.debug_log()


def test_xen_from_debian_grub_cfg_with_cpu_max(boot_disk, images, dom0_initrd, xen, tmp_path):
    boot = images.ext4({"/grub/grub.cfg": xen_grub_cfg(), "/xen-4.17-amd64.gz": xen,
                        f"/vmlinuz-{DEB_VERSION}": KERNEL.resolve(),
                        f"/initrd.img-{DEB_VERSION}": dom0_initrd}, label="", uuid=BOOT_UUID)
    disk = images.disk("gpt", [(boot, "linux")])
    stick = boot_disk("# No targets: the installed GRUB's are offered.\n")
    with XenVM(tmp_path / "vm", KERNEL, INITRAMFS, KL_APPEND, [stick, disk], cpu="max") as vm:
        line = expect_xen_boot(vm, dom0_initrd)
    images.verify(disk)
    # GRUB 2 passes the arguments only, and Xen takes the first word off as the image's
    # name (hence 20_linux_xen's "placeholder"); GRUB's quotes are gone, the empty
    # ${xen_rm_opts} is no word
    assert line == XEN_ARGS.replace('"', "")
