"""The boot media of `make images`, started by real firmware (no -kernel/-initrd here):
SeaBIOS (QEMU's own) and OVMF (Debian's ovmf package).

- The USB image as a USB stick (qemu-xhci + usb-storage, the only boot device), its
  kexec-loader.conf replaced with mtools as a user would: a target on an NVMe disk named by
  UUID= boots.
- The ISO, unedited, as a SATA CD-ROM: it finds a Debian 12 grub.cfg on a virtio disk and
  boots its default after the shipped 10-second timeout.
- The ISO written to a USB stick (dd: the same bytes) reaches the menu, on SeaBIOS and on
  OVMF with Secure Boot on.
- With Secure Boot on, the USB image's menu says so; Debian's signed kernel boots, the same
  kernel without its signature is refused, and targets that need kexec_load say why.
- Two builds from the same inputs are byte-identical.

Every image is shared by the session (conftest's `media`); a test that edits one edits a
copy. The machines fixture checks that every other disk is unchanged afterwards.
"""

import os
import re
import shutil
import subprocess

import pytest

from conftest import KERNEL, build_media
from scenario import booting, marker, probe_files
from test_sources import (DEB_BOOT_UUID, DEB_FILES, DEB_NEW, DEB_OLD, DEB_ROOT_UUID,
                          check_debian, debian12_grub_cfg)
from vm import Disk, qemu_available

pytestmark = pytest.mark.skipif(not qemu_available(), reason="qemu-system-x86_64 missing")

# From the firmware's start to kexec-loader's menu: OVMF is slow under software emulation.
FIRMWARE_TIMEOUT = 400
NVME_UUID = "3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b"
NVME_FILES = marker("nvme/target.txt", 42)


def partition(image):
    """mtools' name for the USB image's FAT partition: the image at the byte where the
    MBR's first partition starts."""
    with open(image, "rb") as f:
        mbr = f.read(512)
    assert mbr[510:512] == b"\x55\xaa"
    return f"{image}@@{int.from_bytes(mbr[454:458], 'little') * 512}"


def edit_conf(image, conf, tmp_path):
    """A copy of the USB image whose kexec-loader.conf is replaced with mtools."""
    copy = tmp_path / image.name
    shutil.copyfile(image, copy)
    new = tmp_path / "kexec-loader.conf"
    new.write_text(conf)
    subprocess.run(["mcopy", "-o", "-i", partition(copy), str(new), "::/kexec-loader.conf"],
                   check=True, env=dict(os.environ, MTOOLS_SKIP_CHECK="1"))
    shown = subprocess.run(["mtype", "-i", partition(copy), "::/kexec-loader.conf"],
                           check=True, stdout=subprocess.PIPE, text=True,
                           env=dict(os.environ, MTOOLS_SKIP_CHECK="1")).stdout
    assert shown == conf
    return copy


def check_header(screen):
    assert re.search(r"kexec-loader \S+ \(Linux \S+", screen), screen


# ---------------------------------------------------------------------------------------
# The USB image

@pytest.fixture
def nvme_disk(images, probe_initrd):
    return images.ext4({"/boot/vmlinuz": KERNEL.resolve(), "/boot/probe.img": probe_initrd(NVME_FILES)},
                       label="nvmeroot", uuid=NVME_UUID)


NVME_CONF = f"""\
timeout 2
title Probe on the NVMe disk
root UUID={NVME_UUID.upper()}
kernel /boot/vmlinuz
initrd /boot/probe.img
cmdline console=ttyS0 quiet from=nvme
"""


@pytest.mark.parametrize("firmware", ["bios", "uefi"])
def test_usb_stick_boots_a_target_named_by_uuid_on_nvme(firmware, media, nvme_disk, machines,
                                                         tmp_path):
    stick = edit_conf(media["usb"], NVME_CONF, tmp_path)
    vm = machines(None, None, [Disk(stick, "usb", boot=True), Disk(nvme_disk, "nvme")],
                  kernel=None, firmware=firmware)
    vm.expect(r"Booting 'Probe on the NVMe disk' in \d+ seconds?", FIRMWARE_TIMEOUT)
    check_header(vm.screen())
    vm.expect(booting("Probe on the NVMe disk"))
    report = vm.wait_probe()
    assert report.cmdline == "console=ttyS0 quiet from=nvme"
    assert report.files == probe_files(NVME_FILES)


# ---------------------------------------------------------------------------------------
# The ISO

@pytest.fixture
def debian_disk(images, probe_initrd):
    """A Debian 12 GPT disk (/ and a separate /boot) with grub-mkconfig's grub.cfg."""
    boot_files = {"/grub/grub.cfg": debian12_grub_cfg(), "/grub/fonts/unicode.pf2": "PFF2 stand-in"}
    for version, files in DEB_FILES.items():
        boot_files[f"/vmlinuz-{version}"] = KERNEL.resolve()
        boot_files[f"/initrd.img-{version}"] = probe_initrd(files)
    root = images.ext4({"/etc/fstab": f"UUID={DEB_ROOT_UUID} / ext4 errors=remount-ro 0 1\n",
                        "/etc/debian_version": "12.5\n"}, label="", uuid=DEB_ROOT_UUID)
    boot = images.ext4(boot_files, label="", uuid=DEB_BOOT_UUID)
    return images.disk("gpt", [(root, "linux"), (boot, "linux")])


@pytest.mark.parametrize("firmware", ["bios", "uefi"])
def test_iso_as_cdrom_autodetects_debian_and_boots_its_default(firmware, media, debian_disk,
                                                               machines, tmp_path):
    # The shared ISO itself: a CD-ROM is read-only, and its checksum is checked below.
    before = sha_of(media["iso"])
    vm = machines(None, None, [Disk(media["iso"], "sata-cd", boot=True), Disk(debian_disk)],
                  kernel=None, firmware=firmware)
    vm.expect(r"Booting 'Debian GNU/Linux' in 10 seconds", FIRMWARE_TIMEOUT)
    screen = vm.screen()
    check_header(screen)
    assert f"Debian GNU/Linux, with Linux {DEB_OLD}" in screen
    assert "on vda2" in screen
    vm.expect(booting("Debian GNU/Linux"), FIRMWARE_TIMEOUT)
    check_debian(vm.wait_probe(), DEB_NEW)
    assert sha_of(media["iso"]) == before


# Under OVMF with Secure Boot on: the ISO's EFI image starts through shim and GRUB too.
@pytest.mark.parametrize("firmware", ["bios", "uefi-sb"])
def test_iso_written_to_a_stick_reaches_the_menu(firmware, media, machines, tmp_path):
    stick = tmp_path / "stick.img"
    shutil.copyfile(media["iso"], stick)  # what dd writes
    with open(stick, "ab") as f:  # a real stick is larger than the image
        f.truncate(os.path.getsize(stick) + 8 * 1024 * 1024)
    vm = machines(None, None, [Disk(stick, "usb", boot=True)], kernel=None, firmware=firmware)
    vm.wait_menu(FIRMWARE_TIMEOUT)
    screen = vm.screen()
    check_header(screen)
    assert ("Secure Boot is on" in screen) == (firmware == "uefi-sb"), screen
    # The shipped configuration searched the disks; the stick's own boot files are no target.
    assert "No boot targets were found" in screen, screen


# ---------------------------------------------------------------------------------------

def sha_of(path):
    return subprocess.run(["sha256sum", str(path)], check=True, stdout=subprocess.PIPE,
                          text=True).stdout.split()[0]


def test_two_builds_are_byte_identical(media, tmp_path):
    again = build_media(tmp_path / "again")
    for kind in ("usb", "iso"):
        assert sha_of(again[kind]) == sha_of(media[kind]), f"the {kind} image differs"
        assert os.path.getsize(again[kind]) <= 20_000_000


# ---------------------------------------------------------------------------------------
# Secure Boot: OVMF's Secure Boot build with Microsoft's keys. shim (signed by Microsoft)
# starts GRUB and the kernel signed by Debian; the kernel is then locked down.

SB_FILES = marker("secureboot/ok.txt", 7)
SB_CONF = """\
timeout off
title Signed Debian kernel
root LABEL=sbtargets
kernel /boot/signed
initrd /boot/probe.img
cmdline console=ttyS0 quiet from=signed

title Signature removed
root LABEL=sbtargets
kernel /boot/unsigned
initrd /boot/probe.img
cmdline console=ttyS0 quiet

title Multiboot kernel
root LABEL=sbtargets
kernel /boot/signed
module /boot/probe.img

title 32-bit boot protocol
root LABEL=sbtargets
kernel /boot/vmlinuz32
initrd /boot/probe.img
cmdline console=ttyS0 quiet
"""


@pytest.fixture
def sb_targets(images, probe_initrd, tmp_path):
    """Debian's signed kernel, the same with its signature removed (sbattach --remove),
    and the same again marked as loadable only below 4 GiB (xloadflags cleared), which
    kexec-loader starts with kexec_load and the 32-bit boot protocol."""
    unsigned = tmp_path / "unsigned"
    shutil.copyfile(KERNEL.resolve(), unsigned)
    subprocess.run(["sbattach", "--remove", str(unsigned)], check=True)
    listed = subprocess.run(["sbverify", "--list", str(unsigned)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True).stdout
    assert "No signature table present" in listed, listed
    low = bytearray(KERNEL.resolve().read_bytes())
    low[0x236] &= ~3  # XLF_KERNEL_64 and XLF_CAN_BE_LOADED_ABOVE_4G off
    return images.ext4({"/boot/signed": KERNEL.resolve(), "/boot/unsigned": unsigned.read_bytes(),
                        "/boot/vmlinuz32": bytes(low), "/boot/probe.img": probe_initrd(SB_FILES)},
                       label="sbtargets")


def words(text):
    """A pattern for text that the menu may have wrapped onto several lines (the raw
    console has a clear-to-end-of-line sequence before each line break)."""
    return r"(?:\s|\x1b\[K)+".join(re.escape(w) for w in text.split())


def select(vm, index):
    """Home, then Down `index` times; waits for the redrawn menu."""
    vm.send("\x1b[H", *["down"] * index)
    vm.expect(r"Keys:")


def test_secure_boot_signed_boots_unsigned_and_kexec_load_kinds_say_why(media, sb_targets,
                                                                         machines, tmp_path):
    stick = edit_conf(media["usb"], SB_CONF, tmp_path)
    vm = machines(None, None, [Disk(stick, "usb", boot=True), Disk(sb_targets)], kernel=None,
                  firmware="uefi-sb")
    vm.wait_menu(FIRMWARE_TIMEOUT)
    screen = vm.screen()
    assert re.search(r"kexec-loader \S+ \(Linux \S+\) - Secure Boot is on", screen), screen
    # Marked before the user picks it, with the reason when selected.
    assert "  Multiboot kernel  (cannot boot)" in screen, screen
    assert "  Signature removed  (cannot boot)" in screen, screen
    assert "> Signed Debian kernel\n" in screen  # bootable: no mark
    # The 32-bit kernel is signed; that it needs kexec_load shows when it is loaded.
    assert "  32-bit boot protocol\n" in screen
    select(vm, 2)
    vm.expect(words("Cannot boot: kexec_load is disabled while Secure Boot is on"))
    vm.send("enter")
    vm.expect(words("'Multiboot kernel' cannot be booted: kexec_load is disabled while Secure "
                    "Boot is on"))
    vm.expect(r"Keys:")

    select(vm, 1)
    vm.expect(words("Cannot boot: /boot/unsigned is not signed by a key this machine trusts; "
                    "Secure Boot is on"))
    vm.send("enter")
    vm.expect(words("'Signature removed' cannot be booted: /boot/unsigned is not signed by a "
                    "key this machine trusts; Secure Boot is on"))
    vm.expect(r"Keys:")

    select(vm, 3)
    vm.send("enter")
    vm.expect(words("/boot/vmlinuz32 on LABEL=sbtargets is started with the 32-bit boot "
                    "protocol, which only kexec_load can start: kexec_load is disabled while "
                    "Secure Boot is on"))
    vm.expect(r"Keys:")

    select(vm, 0)
    vm.send("enter")
    vm.expect(booting("Signed Debian kernel"))
    report = vm.wait_probe()
    assert report.cmdline == "console=ttyS0 quiet from=signed"
    assert report.files == probe_files(SB_FILES)
