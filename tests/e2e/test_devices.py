"""Targets on other disks — an MBR disk (virtio), a GPT disk on NVMe, an ISO 9660 image on a
SATA CD-ROM — named by kernel name, LABEL=, UUID=, an ext4: prefix and (DEVICE)/path; and the
boot disk on a USB stick."""

import re

import pytest

from conftest import KERNEL, Disk
from scenario import marker, probe_cmdline, probe_files, target

NVME_UUID = "5b1e0c4e-8f0a-4c55-9a7e-2f3d1c6b7a10"
MBR = marker("on/mbr.txt", 21)
NVME = marker("on/nvme.txt", 33)
CD = marker("on/cd.txt", 45)

# (title, root, kernel, initrds, files the probe must list)
TARGETS = [
    ("mbr-label", "LABEL=mbrext4", "/vmlinuz", ["/mbr.img"], [MBR]),
    ("mbr-name", "vdb2", "/vmlinuz", ["/mbr.img"], [MBR]),
    ("nvme-uuid", f"UUID={NVME_UUID}", "/boot/vmlinuz", ["/boot/nvme.img"], [NVME]),
    ("nvme-ext4-prefix", "ext4:nvme0n1p1", "/boot/vmlinuz", ["/boot/nvme.img"], [NVME]),
    ("cdrom-label", "LABEL=PROBECD", "/vmlinuz", ["/cd.img"], [CD]),
    # Everything named by (DEVICE)/path, from three different disks; the root is unused.
    ("device-paths", "LABEL=kexecloader", "(LABEL=mbrext4)/vmlinuz",
     ["(sr0)/cd.img", f"(UUID={NVME_UUID})/boot/nvme.img", "(/dev/vdb2)/mbr.img"],
     [CD, NVME, MBR]),
]


@pytest.fixture
def disks(images, boot_disk, probe_initrd):
    kernel = KERNEL.resolve()
    conf = "\n".join(target(t, root, k, i) for t, root, k, i, _ in TARGETS)
    boot = boot_disk(conf)
    # The ext4 filesystem is the second partition, so that vdb2 is not just "the first".
    mbr = images.disk("dos", [
        (images.fat({"/filler.txt": "not this one"}, label="mbrfat"), "c"),
        (images.ext4({"/vmlinuz": kernel, "/mbr.img": probe_initrd(MBR)}, label="mbrext4"),
         "linux")])
    nvme = images.disk("gpt", [
        (images.ext4({"/boot/vmlinuz": kernel, "/boot/nvme.img": probe_initrd(NVME)},
                     label="nvmeext4", uuid=NVME_UUID), "linux")])
    cd = images.iso({"/vmlinuz": kernel, "/cd.img": probe_initrd(CD)}, volid="PROBECD")
    return [Disk(boot, "virtio"), Disk(mbr, "virtio"), Disk(nvme, "nvme"), Disk(cd, "sata-cd")]


@pytest.mark.parametrize("index", range(len(TARGETS)), ids=[t[0] for t in TARGETS])
def test_target_on_another_disk_boots(disks, kexec_loader, index):
    title, _, _, _, files = TARGETS[index]
    vm = kexec_loader(disks, f"boot_index={index}")
    report = vm.wait_probe()
    assert report.cmdline == probe_cmdline(title)
    assert report.files == probe_files(*files)


def test_boot_disk_on_a_usb_stick(boot_disk, probe_initrd, kexec_loader):
    files = marker("usb.txt", 12)
    disk = boot_disk(target("usb", initrds=["/usb.img"]), {"/usb.img": probe_initrd(files)})
    # A module's parameter on the kernel command line, as modprobe reads them, wins over
    # kexec-loader's own default (delay_use=0, which test_many_disks sees).
    vm = kexec_loader([Disk(disk, "usb")], "usb-storage.delay_use=2")
    vm.wait_menu()
    log = vm.debug_log()
    # Nothing names the USB drivers: the controller's modalias and then the stick's device
    # event must have brought them in.
    for module in ("xhci_pci", "usb_storage"):
        pattern = "loaded module " + module.replace("_", "[-_]") + r"\b"
        assert re.search(pattern, log), f"no 'loaded module {module}' in the debug log"
    # the value read back from /sys/module/usb_storage/parameters/delay_use
    assert "module usb_storage parameter delay_use = 2" in log
    vm.send("enter")
    report = vm.wait_probe()
    assert report.cmdline == probe_cmdline("usb")
    assert report.files == probe_files(files)
