"""32 disks at once, each with a grub.cfg: eight on each of virtio-scsi, AHCI (two
controllers), NVMe and USB (eight sticks on one xHCI controller). Every disk's target is
listed on the menu; the time this takes is measured in make bench (bench/disks)."""

import time

import manydisks
from conftest import INITRAMFS, KERNEL, KL_APPEND
from scenario import menu_list
from vm import BOOT_TIMEOUT, VM, Disk

PGDN = "\x1b[6~"


def test_32_disks_on_four_buses_are_all_listed(images, boot_disk, tmp_path):
    disks = manydisks.disks(images)
    vm = VM(tmp_path / "vm", KERNEL, INITRAMFS, KL_APPEND,
            [boot_disk("timeout off\n# the menus of the disks\n"), *disks])
    with vm:
        deadline = time.monotonic() + BOOT_TIMEOUT
        while "32 boot targets" not in vm.debug_log():
            assert time.monotonic() < deadline, "not every disk's target came" + vm.tail()
            time.sleep(0.5)
        # read every drawing made so far: the last one is the whole list
        vm.wait_menu()
        while True:
            try:
                vm.expect(r"Keys:", timeout=3)
            except AssertionError:
                break
        seen, screen = [], vm.screen()
        for _ in range(10):
            seen += [t for _, t in menu_list(screen) if t not in seen]
            if "(more below)" not in screen:
                break
            vm.send(PGDN)
            vm.wait_menu()
            screen = vm.screen()
        assert sorted(seen) == sorted(manydisks.titles()), seen
        log = vm.debug_log()
        for bus, prefix in (("nvme", "nvme"), ("usb", "sd"), ("scsi", "sd"), ("sata", "sd")):
            assert f"found {prefix}" in log
        # kexec-loader's default: the sticks are scanned as soon as they appear, without
        # usb-storage's second of waiting each (read back from /sys/module)
        assert "module usb_storage parameter delay_use = 0" in log
    for d in disks:
        images.verify(d.path)
