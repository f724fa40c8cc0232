"""Real Multiboot kernels from Debian's packages (fetched by tools/fetch-boot-package into
build/debian-boot, never installed), each under QEMU's default CPU model and under `-cpu max`
(what recent machines offer: XSAVE with AVX-512, 5-level paging, SMEP/SMAP, x2APIC...),
from the configuration shapes users have:

- tboot (Debian's `tboot`, gzip Multiboot 1) with Debian's kernel and a probe initrd as
  modules: from the entry /etc/grub.d/20_linux_tboot writes in grub.cfg, and from
  kexec-loader.conf. Without TXT hardware tboot starts Linux itself through the 32-bit boot
  protocol; the witness is the probe's report from that Linux (Linux must have got its
  command line and initrd from tboot's modules).
- GNU Mach (Debian's `gnumach-image-1.8-486`, gzip ELF Multiboot 1) from kexec-loader.conf:
  the witness is its banner and the memory map it prints (read from the Multiboot
  information); with no Hurd servers as modules it then stops with "No bootstrap code
  loaded", having run up to starting the first task.

Xen is tested in test_xen.py.
"""

import re
import subprocess

import pytest

from conftest import BUILD, KERNEL, ROOT
from scenario import marker, probe_files
from vm import qemu_available

FILES = BUILD / "debian-boot"
DEB_VERSION = "6.1.0-18-amd64"
BOOT_UUID = "7c1e5d2a-4b3f-4a6e-8d9c-0f1e2d3c4b5a"
TBOOT_ARGS = "logging=serial,memory,vga"  # Debian's GRUB_CMDLINE_TBOOT
LINUX_ARGS = "console=ttyS0 quiet"
PROBE_MARK = marker("tboot/initrd.txt", 21)
NO_TARGETS = "# No targets: kexec-loader reads the boot loaders installed on the disks.\n"

pytestmark = pytest.mark.skipif(not qemu_available(), reason="qemu-system-x86_64 missing")


@pytest.fixture(scope="module")
def debian_boot():
    for pkg in ("tboot", "gnumach-image-1.8-486"):
        subprocess.run([str(ROOT / "tools" / "fetch-boot-package"), pkg, str(FILES)],
                       check=True)
    return FILES


def tboot_grub_cfg():
    """The entry Debian 12's /etc/grub.d/20_linux_tboot writes (GRUB 2.06): the paths are
    repeated as the first word of each command line, as tboot and Linux expect them."""
    return f"""set default="0"
set timeout=1
menuentry 'Debian GNU/Linux, with tboot 1.10.5 and Linux {DEB_VERSION}' --class debian --class gnu-linux --class gnu --class os --class tboot {{
	insmod part_gpt
	insmod ext2
	set root='hd1,gpt1'
	search --no-floppy --fs-uuid --set=root {BOOT_UUID}
	echo	'Loading tboot 1.10.5 ...'
	multiboot	/tboot.gz /tboot.gz {TBOOT_ARGS}
	echo	'Loading Linux {DEB_VERSION} ...'
	module	/vmlinuz-{DEB_VERSION} /vmlinuz-{DEB_VERSION} root=UUID={BOOT_UUID} ro {LINUX_ARGS}
	echo	'Loading initial ramdisk ...'
	module	/initrd.img-{DEB_VERSION} /initrd.img-{DEB_VERSION}
}}
"""


def tboot_conf():
    return ("title tboot\nroot LABEL=kexecloader\nkernel /tboot.gz\n"
            f"cmdline {TBOOT_ARGS}\nmodule /vmlinuz {LINUX_ARGS}\nmodule /initrd.img\n")


def expect_tboot(vm, cmdline):
    line = vm.expect(r"TBOOT: command line: ([^\r\n]*)\r", timeout=240).group(1)
    assert line == cmdline
    vm.expect(r"TBOOT: transfering control to kernel", timeout=120)
    return vm.wait_probe()


def test_tboot_from_debian_grub_cfg(debian_boot, images, boot_disk, probe_initrd,
                                    kexec_loader):
    boot = images.ext4({"/grub/grub.cfg": tboot_grub_cfg(), "/tboot.gz": debian_boot / "tboot.gz",
                        f"/vmlinuz-{DEB_VERSION}": KERNEL.resolve(),
                        f"/initrd.img-{DEB_VERSION}": probe_initrd(PROBE_MARK)},
                       label="", uuid=BOOT_UUID)
    vm = kexec_loader([boot_disk(NO_TARGETS), images.disk("gpt", [(boot, "linux")])])
    report = expect_tboot(vm, "/tboot.gz " + TBOOT_ARGS)
    # GRUB 2 passes each file's arguments only: here the path the entry repeats, then
    # Linux's command line (tboot hands it on whole)
    assert report.cmdline == (f"/vmlinuz-{DEB_VERSION} root=UUID={BOOT_UUID} ro "
                              + LINUX_ARGS)
    assert report.files == probe_files(PROBE_MARK)


def test_tboot_from_kexec_loader_conf_with_cpu_max(debian_boot, boot_disk, probe_initrd,
                                                   kexec_loader):
    disk = boot_disk(tboot_conf(), {"/tboot.gz": debian_boot / "tboot.gz",
                                    "/initrd.img": probe_initrd(PROBE_MARK)})
    vm = kexec_loader([disk], "boot_index=0", cpu="max")
    report = expect_tboot(vm, "/tboot.gz " + TBOOT_ARGS)
    assert report.cmdline == "/vmlinuz " + LINUX_ARGS  # its path in front, as GRUB legacy
    assert report.files == probe_files(PROBE_MARK)


@pytest.mark.parametrize("cpu", [None, "max"])
def test_gnumach_from_kexec_loader_conf(debian_boot, boot_disk, kexec_loader, cpu):
    conf = ("title gnumach\nroot LABEL=kexecloader\nkernel /gnumach-1.8-486.gz\n"
            "cmdline console=com0\n")
    disk = boot_disk(conf, {"/gnumach-1.8-486.gz": debian_boot / "gnumach-1.8-486.gz"})
    vm = kexec_loader([disk], "boot_index=0", cpu=cpu)
    vm.expect(r"GNU Mach 1\.8\S*-486\r", timeout=240)
    # Mach's map is the Multiboot map kexec-loader gave: the BIOS disk guard's KiB is in it
    vm.expect(r"biosmem: 0*9f800:0*9fc00, reserved\r")
    vm.expect(r"biosmem: 0*100000:[0-9a-f]+, available\r")
    vm.expect(r"No bootstrap code loaded with the kernel", timeout=120)
