"""Kernel modules from the boot disk's modules/ folder, and kmod options."""

import os
import re

from conftest import BUILD, INITRAMFS, KERNEL, Disk
from cpio import unpack
from scenario import marker, probe_cmdline, probe_files, target

FILES = marker("sq.txt", 8)


def module_file(name):
    (kver,) = os.listdir(BUILD / "kernel" / "lib" / "modules")
    base = BUILD / "kernel" / "lib" / "modules" / kver / "kernel"
    (path,) = base.rglob(f"{name}.ko")
    return path


def test_filesystem_module_from_the_boot_disk_and_a_kmod_option(
        images, boot_disk, probe_initrd, kexec_loader):
    # The point of the test: the standard initramfs cannot read squashfs by itself.
    assert not [n for n in unpack(INITRAMFS.read_bytes()) if n.endswith("/squashfs.ko")]
    conf = "kmod loop max_part=7\n\n" + target("squash", root="vdb", initrds=["/sq.img"])
    boot = boot_disk(conf, {"/modules/squashfs.ko": module_file("squashfs"),
                            "/modules/loop.ko": module_file("loop")})
    squash = images.squashfs({"/vmlinuz": KERNEL.resolve(), "/sq.img": probe_initrd(FILES)})
    vm = kexec_loader([Disk(boot), Disk(squash)], "boot_index=0")
    report = vm.wait_probe()
    assert report.cmdline == probe_cmdline("squash")
    assert report.files == probe_files(FILES)
    log = vm.debug_log()
    assert re.search(r"loaded module squashfs\b", log)
    assert re.search(r"loaded module loop\b", log)
    # The value is the one read back from /sys/module/loop/parameters/max_part.
    assert re.search(r"module loop parameter max_part = 7\b", log)
