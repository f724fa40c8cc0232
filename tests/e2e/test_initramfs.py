"""tools/mkinitramfs and tools/addmod, checked on the host by reading the archives back."""

import os
import pathlib
import stat
import subprocess

import pytest

from conftest import BUILD, INITRAMFS, PROBE, ROOT
from cpio import unpack

MKINITRAMFS = ROOT / "tools" / "mkinitramfs"
ADDMOD = ROOT / "tools" / "addmod"
KERNEL_DIR = BUILD / "kernel"

# Issue 2's list: the drivers and filesystems the standard initramfs must carry.
STANDARD = """virtio_blk virtio_scsi virtio_pci ahci ata_piix ata_generic nvme sd_mod sr_mod
xhci_pci xhci_hcd ehci_pci ehci_hcd ohci_pci ohci_hcd uhci_hcd usb_storage uas usbhid
hid_generic vfat fat ext4 isofs xfs btrfs nls_cp437 nls_iso8859_1 nls_utf8 nls_ascii
crc32c_generic crc32c_intel""".split()


def kver():
    (only,) = os.listdir(KERNEL_DIR / "lib" / "modules")
    return only


def modules_in(entries):
    """module name -> archive path, for every .ko file of the archive."""
    found = {}
    for name in entries:
        base = name.rsplit("/", 1)[-1]
        if base.endswith(".ko"):
            found[base[:-3].replace("-", "_")] = name
    return found


def depmod_file(entries, name):
    return entries[f"/lib/modules/{kver()}/{name}"].data.decode()


def mkinitramfs(*args, check=True):
    return subprocess.run([str(MKINITRAMFS), *map(str, args)], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, check=check)


@pytest.fixture(scope="module")
def standard():
    return unpack(INITRAMFS.read_bytes())


def test_standard_image_has_init_device_nodes_and_folders(standard):
    init = standard["/init"]
    assert stat.S_ISREG(init.mode) and stat.S_IMODE(init.mode) == 0o755
    assert init.data == (BUILD / "kexec-loader").read_bytes()
    for node, rdev in {"/dev/console": (5, 1), "/dev/null": (1, 3), "/dev/tty": (5, 0)}.items():
        assert stat.S_ISCHR(standard[node].mode), node
        assert standard[node].rdev == rdev, node
    for folder in ("/proc", "/sys", "/dev", "/tmp", "/run", "/mnt", f"/lib/modules/{kver()}"):
        assert stat.S_ISDIR(standard[folder].mode), folder
    link = standard["/sbin/modprobe"]
    assert stat.S_ISLNK(link.mode) and link.data == b"/init"


def test_standard_image_has_the_standard_modules_and_everything_they_need(standard):
    mods = modules_in(standard)
    assert not [m for m in STANDARD if m not in mods]
    for f in ("modules.dep", "modules.alias", "modules.softdep", "modules.builtin",
              "modules.builtin.modinfo", "modules.dep.bin", "modules.alias.bin"):
        assert f"/lib/modules/{kver()}/{f}" in standard, f
    deps = {}
    for line in depmod_file(standard, "modules.dep").splitlines():
        mod, _, rest = line.partition(":")
        deps[mod] = rest.split()
    # depmod's list covers exactly the modules of the archive, each dependency included.
    assert {f"/lib/modules/{kver()}/{m}" for m in deps} == set(mods.values())
    for mod, needs in deps.items():
        for need in needs:
            assert f"/lib/modules/{kver()}/{need}" in standard, f"{mod} needs {need}"
    assert "jbd2" in mods and "mbcache" in mods  # ext4's dependencies


def test_crypto_soft_dependencies_of_the_filesystems_are_included(standard):
    softdep = depmod_file(standard, "modules.softdep")
    assert "softdep ext4 pre: crypto-crc32c" in softdep
    aliases = depmod_file(standard, "modules.alias").splitlines()
    assert "alias crypto-crc32c crc32c_generic" in aliases
    mods = modules_in(standard)
    for wanted in ("crc32c_generic", "libcrc32c", "xxhash_generic", "blake2b_generic"):
        assert wanted in mods, wanted  # btrfs asks for xxhash64 and blake2b-256


def test_a_module_that_does_not_exist_is_an_error(tmp_path):
    out = tmp_path / "x.img"
    res = mkinitramfs("--kernel-dir", KERNEL_DIR, "--modules", "ext4,no_such_module",
                      "--init", PROBE, "-o", out, check=False)
    assert res.returncode != 0
    assert "no_such_module" in res.stdout
    assert not out.exists()


@pytest.mark.parametrize("compress", ["zstd", "gzip", "none"])
def test_added_files_noboot_and_compression(tmp_path, compress):
    (tmp_path / "tree" / "sub").mkdir(parents=True)
    (tmp_path / "tree" / "sub" / "b.txt").write_text("bee\n")
    (tmp_path / "a.conf").write_text("title x\n")
    out = tmp_path / "x.img"
    mkinitramfs("--init", PROBE, "--add", f"{tmp_path / 'a.conf'}:/etc/a.conf",
                "--add", f"{tmp_path / 'tree'}:/data", "--noboot", "--compress", compress,
                "-o", out)
    entries = unpack(out.read_bytes())
    assert entries["/etc/a.conf"].data == b"title x\n"
    assert entries["/data/sub/b.txt"].data == b"bee\n"
    assert stat.S_ISREG(entries["/noboot"].mode)
    assert "/sbin/modprobe" not in entries  # no modules: no helper for the kernel to call
    assert not modules_in(entries)


def test_addmod_appends_modules_and_regenerated_depmod_files(tmp_path):
    img = tmp_path / "x.img"
    mkinitramfs("--kernel-dir", KERNEL_DIR, "--modules", "ext4", "--init", PROBE, "-o", img)
    before = img.read_bytes()
    subprocess.run([str(ADDMOD), "--kernel-dir", str(KERNEL_DIR), str(img), "squashfs", "btrfs"],
                   check=True, stdout=subprocess.PIPE)
    after = img.read_bytes()
    assert after.startswith(before) and len(after) > len(before)
    entries = unpack(after)
    mods = modules_in(entries)
    for m in ("ext4", "jbd2", "squashfs", "btrfs", "libcrc32c", "xxhash_generic"):
        assert m in mods, m
    dep = depmod_file(entries, "modules.dep")
    assert "kernel/fs/squashfs/squashfs.ko:" in dep and "kernel/fs/ext4/ext4.ko:" in dep
    assert "squashfs" not in depmod_file(unpack(before), "modules.dep")


def test_fetch_kernel_left_a_stable_kernel_path():
    assert (BUILD / "vmlinuz").resolve().name == f"vmlinuz-{kver()}"
    assert pathlib.Path(BUILD / "vmlinuz").stat().st_size > 1_000_000
