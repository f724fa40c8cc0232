"""The kexec-loader floppy (make floppy) booted by the PC firmware (SeaBIOS) from the floppy
drive, with no -kernel: its first stage loads the floppy's own kernel, kexec-loader finds
the floppy (fd0) as its boot disk, and boots a target from a USB stick on EHCI, UHCI and
xHCI, from a SATA disk through modules copied from the modules package into the floppy's
modules/ folder, and from a Debian-shaped grub.cfg. Each machine gets a copy of the floppy
edited with mtools, as a user would; the copy and the built image stay unchanged."""

import calendar
import hashlib
import os
import re
import shutil
import struct
import subprocess
import tarfile

import pytest

from conftest import BUILD, KERNEL, VM, Disk
from scenario import booting, marker, probe_files, target
from test_sources import DEB_BOOT_UUID, DEB_NEW, check_debian, debian12_grub_cfg, grubenv

# The 1.44 MB floppy, and the same parts on a 2.88 MB one (room for ext4's modules).
FLOPPIES = {1440: BUILD / "images" / "kexec-loader-floppy.img",
            2880: BUILD / "images" / "kexec-loader-floppy-2880.img"}
MODULES = BUILD / "images" / "kexec-loader-floppy-modules.tar.xz"
FLOPPY_BYTES = 1_474_560
STICK_LABEL = "KLSTICK"
# The probe's report goes to ttyS0; the words after it must arrive as written.
CMDLINE = 'console=ttyS0 quiet from=floppy quoted="a b"  two  spaces'
ON_STICK = marker("stick.txt", 23)


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="session")
def floppy_images():
    """The built floppies; at the end of the session they must still be what they were."""
    for size, path in FLOPPIES.items():
        if not path.exists():
            pytest.fail(f"{path} is missing: run `make floppy` (make e2e does)")
        assert path.stat().st_size == size * 1024
    before = {p: sha256(p) for p in FLOPPIES.values()}
    yield FLOPPIES
    for path, digest in before.items():
        assert sha256(path) == digest, f"{path.name} was written to"


@pytest.fixture
def floppy(floppy_images, tmp_path):
    """floppy(conf, modules=[], size=1440) -> a copy of that floppy with this
    kexec-loader.conf and these module files in modules/, written with mtools."""
    def make(conf, modules=(), size=1440):
        img = tmp_path / f"floppy-{size}.img"
        shutil.copyfile(floppy_images[size], img)
        conf_file = tmp_path / "kexec-loader.conf"
        conf_file.write_text(conf)
        env = {"MTOOLS_SKIP_CHECK": "1", "PATH": "/usr/bin:/bin"}
        subprocess.run(["mcopy", "-o", "-i", img, conf_file, "::kexec-loader.conf"],
                       check=True, env=env)
        for m in modules:
            subprocess.run(["mcopy", "-i", img, m, f"::modules/{m.name}"], check=True, env=env)
        assert img.stat().st_size == size * 1024
        return img
    return make


@pytest.fixture
def from_floppy(tmp_path, images):
    """from_floppy(img, disks) -> a started VM that boots from the floppy; afterwards the
    floppy and every disk must be unchanged."""
    started = []

    def start(img, disks):
        vm = VM(tmp_path / f"vm{len(started)}", None, None, None, disks, floppy=img)
        started.append((vm, img, sha256(img)))
        return vm.start()

    yield start
    for vm, _, _ in started:
        vm.close()
    for vm, img, before in started:
        assert img.stat().st_size in (FLOPPY_BYTES, 2 * FLOPPY_BYTES)
        assert sha256(img) == before, "kexec-loader wrote to the floppy"
        for disk in vm.disks:
            images.verify(disk.path)


@pytest.fixture(scope="session")
def stick(images, probe_initrd):
    """A FAT USB stick with Debian's kernel and the probe."""
    return images.fat({"/vmlinuz": KERNEL.resolve(), "/probe.img": probe_initrd(ON_STICK)},
                      label=STICK_LABEL)


def stick_conf():
    return "timeout 0\n" + target("stick", root=f"LABEL={STICK_LABEL}",
                                  initrds=["/probe.img"], cmdline=CMDLINE)


@pytest.mark.parametrize("bus", ["usb-ehci", "usb-uhci", "usb-xhci"])
def test_usb_stick_target_boots_with_its_command_line(floppy, from_floppy, stick, bus):
    vm = from_floppy(floppy(stick_conf()), [Disk(stick, bus)])
    vm.expect(booting("stick"))
    report = vm.wait_probe()
    assert report.cmdline == CMDLINE
    assert report.files == probe_files(ON_STICK)


def module_closure(tar, names):
    """The .ko.xz members of the modules package for these modules and what they need
    (modules.dep; ext4's checksum comes through the crypto API, so crc32c is named)."""
    dep_member = next(m for m in tar.getmembers() if m.name.endswith("/modules.dep"))
    base = dep_member.name.rsplit("/", 1)[0]
    deps = {}
    for line in tar.extractfile(dep_member).read().decode().splitlines():
        mod, _, rest = line.partition(":")
        deps[mod] = rest.split()
    by_name = {re.sub(r"\.ko(\.xz)?$", "", p.rsplit("/", 1)[-1]).replace("-", "_"): p
               for p in deps}
    want, todo = set(), list(names)
    while todo:
        path = by_name[todo.pop()]
        if path not in want:
            want.add(path)
            todo += [re.sub(r"\.ko(\.xz)?$", "", d.rsplit("/", 1)[-1]).replace("-", "_")
                     for d in deps[path]]
    return [f"{base}/{p}" for p in sorted(want)]


@pytest.fixture(scope="session")
def sata_modules(tmp_path_factory):
    """ahci, ext4 and what they need, taken out of the modules package."""
    out = tmp_path_factory.mktemp("floppy-modules")
    with tarfile.open(MODULES) as tar:
        files = []
        for name in module_closure(tar, ["ahci", "ext4", "crc32c_generic"]):
            dest = out / name.rsplit("/", 1)[-1]
            dest.write_bytes(tar.extractfile(name).read())
            files.append(dest)
    return files


def test_sata_ext4_target_boots_with_modules_from_the_package(
        floppy, from_floppy, images, probe_initrd, sata_modules):
    # ahci, ext4 and their dependencies (about 280 KB) do not fit beside the kernel and
    # kexec-loader on 1.44 MB (docs/floppy.md): the 2.88 MB floppy carries them.
    on_disk = marker("sata.txt", 31)
    disk = images.ext4({"/boot/vmlinuz": KERNEL.resolve(),
                        "/boot/probe.img": probe_initrd(on_disk)}, label="SATAROOT")
    conf = "timeout 0\n" + target("sata", root="LABEL=SATAROOT", kernel="/boot/vmlinuz",
                                  initrds=["/boot/probe.img"], cmdline=CMDLINE)
    vm = from_floppy(floppy(conf, sata_modules, size=2880), [Disk(disk, "sata")])
    vm.expect(booting("sata"))
    report = vm.wait_probe()
    assert report.cmdline == CMDLINE
    assert report.files == probe_files(on_disk)


# The stick as Debian's separate /boot, but FAT: grub.cfg's `search --fs-uuid` names it.
STICK_VOLUME_ID = "4b4c5354"
STICK_UUID = "4B4C-5354"


def test_debian_grub_cfg_on_a_usb_stick_boots_its_default(
        floppy, from_floppy, images, probe_initrd):
    from test_sources import DEB_FILES
    cfg = debian12_grub_cfg().replace(DEB_BOOT_UUID, STICK_UUID)
    files = {"/grub/grub.cfg": cfg, "/grub/grubenv": grubenv(),
             f"/vmlinuz-{DEB_NEW}": KERNEL.resolve(),
             f"/initrd.img-{DEB_NEW}": probe_initrd(DEB_FILES[DEB_NEW])}
    stick_img = images.fat(files, label="DEBBOOT", volume_id=STICK_VOLUME_ID)
    vm = from_floppy(floppy("grub-autodetect on\n"), [Disk(stick_img, "usb-ehci")])
    vm.expect(r"Booting 'Debian GNU/Linux' in \d+ seconds?")
    vm.expect(booting("Debian GNU/Linux"))
    check_debian(vm.wait_probe(), DEB_NEW)


def fat_date(img):
    """The date (seconds since 1970, UTC) the image's files carry: vmlinuz's, in the root
    folder of the FAT12 floppy; make floppy stamps every entry with SOURCE_DATE_EPOCH."""
    data = img.read_bytes()
    reserved, nfats, root_entries = struct.unpack_from("<HBH", data, 14)
    fat_sectors = struct.unpack_from("<H", data, 22)[0]
    root = (reserved + nfats * fat_sectors) * 512
    for pos in range(root, root + root_entries * 32, 32):
        if data[pos:pos + 11] == b"VMLINUZ    ":
            clock, date = struct.unpack_from("<HH", data, pos + 22)
            return calendar.timegm((1980 + (date >> 9), (date >> 5) & 15, date & 31,
                                    clock >> 11, (clock >> 5) & 63, (clock & 31) * 2))
    raise AssertionError(f"{img.name} has no VMLINUZ")


def test_the_floppy_is_reproducible(floppy_images, tmp_path):
    """mkfloppy again from the same parts and date gives the very bytes make floppy wrote."""
    parts = [BUILD / "floppy-kernel" / "bzImage", BUILD / "floppy" / "boot.bin",
             BUILD / "floppy" / "initrd.img"]
    for size, built in floppy_images.items():
        again = tmp_path / f"again-{size}.img"
        env = {**os.environ, "SOURCE_DATE_EPOCH": str(fat_date(built))}
        subprocess.run([BUILD.parent / "tools" / "floppy" / "mkfloppy", "--size", str(size),
                        *parts, again], check=True, env=env)
        assert sha256(again) == sha256(built), f"{built.name} is not what its parts make"
