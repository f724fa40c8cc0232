"""32 disks at once, eight on each of virtio-scsi, AHCI, NVMe and USB, each an ext4
filesystem with a grub.cfg of one entry titled after its place ("scsi 1" … "usb 8").
Shared by test_many_disks.py and make bench (bench/disks)."""

from vm import Disk

BUSES = ("scsi", "sata", "nvme", "usb")
PER_BUS = 8


def title(bus, n):
    return f"{bus} {n}"


def grub_cfg(bus, n):
    return (f"set default=0\nmenuentry '{title(bus, n)}' --class debian {{\n"
            f"\tlinux\t/vmlinuz console=ttyS0 quiet disk={bus}{n}\n\tinitrd\t/probe.img\n}}\n")


def disks(images, files=None, buses=BUSES, per_bus=PER_BUS):
    """[Disk] for every bus and place; `files` {(bus, n): {path: content}} adds files to
    some of them (a kernel to boot)."""
    out = []
    for bus in buses:
        for n in range(1, per_bus + 1):
            content = {"/boot/grub/grub.cfg": grub_cfg(bus, n), **(files or {}).get((bus, n), {})}
            out.append(Disk(images.ext4(content, label=f"{bus}{n}", size_mib=8), bus=bus))
    return out


def titles(buses=BUSES, per_bus=PER_BUS):
    return [title(b, n) for b in buses for n in range(1, per_bus + 1)]
