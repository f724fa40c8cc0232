"""Debian's own kernel through kexec_load: `kl.kexec_load=1` on kexec-loader's command line
makes it plan the 64-bit kernel for the 32-bit boot protocol and start it through the
trampoline instead of kexec_file_load. The probe reports what arrived; kexec-loader's debug
log shows which path was taken (the probe would boot through kexec_file_load as well).

reset-vga: kexec-loader's own kernel is started in VGA graphics mode 12h (640x480, `vga=0x112`,
which QEMU's loader hands to the kernel's real-mode setup); a Multiboot test kernel that
leaves the VGA alone is then booted, and QEMU's screendump shows the mode it was left in:
80x25 text (720x400 pixels) only when the target says reset-vga.
"""

import json
import re
import socket
import subprocess
import time

import pytest

from conftest import INITRAMFS, KERNEL, KL_APPEND, ROOT
from scenario import marker, probe_files, target
from vm import VM

# Quotes, '=' signs and several spaces must reach the target exactly as written.
CMDLINE = 'console=ttyS0 quiet target=forced quoted="a b=c" x==y  two  spaces'
FIRST = marker("first.txt", 5)
SECOND = marker("second/b.bin", 8193)
PLANNED = r"loading /vmlinuz as Linux 32-bit boot protocol with kexec_load \((\d+) segments\)"


@pytest.fixture
def forced_disk(boot_disk, probe_initrd):
    def make(extra=()):
        conf = target("forced", initrds=["/first.img", "/boot/second.img"], cmdline=CMDLINE,
                      extra=extra)
        return boot_disk(conf, {"/first.img": probe_initrd(FIRST),
                                "/boot/second.img": probe_initrd(SECOND)})
    return make


def check_forced(vm):
    report = vm.wait_probe()
    assert report.cmdline == CMDLINE
    assert report.files == probe_files(FIRST, SECOND)
    m = re.search(PLANNED, vm.debug_log())
    assert m, "kexec-loader did not take the kexec_load path" + vm.tail()
    assert "kexec_file_load" not in vm.debug_log()


def test_forced_kexec_load_boots_debian_kernel_with_cmdline_and_both_initrds(
        forced_disk, kexec_loader):
    vm = kexec_loader([forced_disk()], "kl.kexec_load=1 boot_index=0")
    check_forced(vm)


def test_reset_vga_target_boots_through_kexec_load(forced_disk, kexec_loader):
    vm = kexec_loader([forced_disk(extra=["reset-vga"])], "kl.kexec_load=1 boot_index=0")
    check_forced(vm)


# -- reset-vga on a VGA adapter ------------------------------------------------------------

class VgaVM(VM):
    """A VM with a standard VGA adapter and a QMP socket for screendumps."""

    def argv(self):
        return super().argv() + ["-device", "VGA",
                                 "-qmp", f"unix:{self.workdir / 'qmp.sock'},server=on,wait=off"]

    def screen_size(self):
        """(width, height) of what the adapter displays now, from a screendump."""
        out = self.workdir / "screen.ppm"
        with socket.socket(socket.AF_UNIX) as s:
            s.connect(str(self.workdir / "qmp.sock"))
            f = s.makefile("rw")
            f.readline()  # the greeting
            for cmd in ({"execute": "qmp_capabilities"},
                        {"execute": "screendump", "arguments": {"filename": str(out)}}):
                f.write(json.dumps(cmd) + "\n")
                f.flush()
                reply = json.loads(f.readline())
                assert "return" in reply, reply
        for _ in range(50):  # QEMU may finish writing the file just after replying
            if out.exists() and out.stat().st_size:
                break
            time.sleep(0.1)
        magic, width, height = out.read_bytes().split(None, 3)[:3]
        assert magic == b"P6"
        return int(width), int(height)


@pytest.fixture(scope="module")
def mb1_kernel(tmp_path_factory):
    out = tmp_path_factory.mktemp("mbkernel")
    subprocess.run([str(ROOT / "tools" / "build-mbkernels"), str(out)], check=True)
    return out / "mb1-elf32"


@pytest.mark.parametrize("reset", [True, False])
def test_reset_vga_leaves_the_adapter_in_text_mode(boot_disk, images, mb1_kernel, tmp_path,
                                                   reset):
    conf = "title mb\nroot LABEL=kexecloader\nkernel /mb1-elf32\ncmdline console=com1\n"
    disk = boot_disk(conf + ("reset-vga\n" if reset else ""), {"/mb1-elf32": mb1_kernel})
    with VgaVM(tmp_path / "vm", KERNEL, INITRAMFS,
               f"{KL_APPEND} boot_index=0 vga=0x112", [disk]) as vm:
        vm.expect(r"MBKERNEL END", timeout=240)  # it halts: the screen stays as it left it
        size = vm.screen_size()
    images.verify(disk)
    assert size == ((720, 400) if reset else (640, 480))
