"""Debian's Xen hypervisor (xen-hypervisor-4.17-amd64, gzip-compressed, fetched by
tools/fetch-xen into build/xen) boots from a kexec-loader.conf target with Debian's kernel and
a probe initrd as Multiboot modules. Xen's own serial output (console=com1, which is ttyS0)
is the witness: the boot loader's name, its command line exactly as configured, the PV dom0
it builds from the Linux module, and the initrd's range in dom0's memory, as long as the
module. Under software emulation the dom0 kernel may not get further; the test stops there.
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
# no-real-mode: without it Xen drops to real mode to ask the BIOS for video, disk and memory
# information, and after Linux has run (PIC remapped, SeaBIOS's disk drivers' devices reset)
# that hangs in SeaBIOS; the Multiboot memory map has all Xen needs.
XEN_CMDLINE = 'console=com1 com1=115200,8n1 loglvl=all dom0_mem=256M bootscrub=0 no-real-mode x="a=b"'
DOM0_CMDLINE = "console=hvc0 earlyprintk=xen quiet"

pytestmark = pytest.mark.skipif(not qemu_available(), reason="qemu-system-x86_64 missing")


class XenVM(VM):
    """Xen and a dom0 need more memory than the other tests give. TCG's default CPU model
    (qemu64) runs Xen as far as this test goes, as -cpu max does."""

    def __init__(self, *args, **kw):
        super().__init__(*args, memory=2048, **kw)


@pytest.fixture(scope="module")
def xen():
    subprocess.run([str(ROOT / "tools" / "fetch-xen"), str(XEN_DIR)], check=True)
    return XEN_DIR / "xen.gz"


def xen_conf():
    return ("title xen\nroot LABEL=kexecloader\nkernel /xen.gz\n"
            f"cmdline {XEN_CMDLINE}\n"
            f"module /vmlinuz {DOM0_CMDLINE}\n"
            "module /initrd.img\n")


@pytest.fixture
def dom0_initrd(tmp_path):
    """The probe as an uncompressed initramfs: Xen unpacks a compressed one for dom0 and
    would print the unpacked length."""
    out = tmp_path / "initrd.img"
    subprocess.run([str(ROOT / "tools" / "mkinitramfs"), "--init", str(PROBE),
                    "--compress", "none", "-o", str(out)], check=True)
    return out


def test_xen_boots_with_linux_and_initrd_as_modules(boot_disk, images, dom0_initrd, xen,
                                                    tmp_path):
    disk = boot_disk(xen_conf(), {"/xen.gz": xen, "/initrd.img": dom0_initrd})
    with XenVM(tmp_path / "vm", KERNEL, INITRAMFS, f"{KL_APPEND} boot_index=0", [disk]) as vm:
        vm.expect(r"Bootloader: kexec-loader " + re.escape(VERSION) + r"\r", timeout=240)
        line = vm.expect(r"Command line: ([^\r\n]*)\r")
        assert line.group(1) == XEN_CMDLINE
        vm.expect(r"Building a PV Dom0", timeout=240)
        m = vm.expect(r"Init\. ramdisk: ([0-9a-f]+)->([0-9a-f]+)\r")  # whole numbers
    images.verify(disk)
    start, end = int(m.group(1), 16), int(m.group(2), 16)
    assert end - start == dom0_initrd.stat().st_size
    assert "kexec_load" in vm.debug_log()
