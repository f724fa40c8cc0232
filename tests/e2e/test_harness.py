"""The harness itself: the probe booted straight from QEMU, and the disk-image builders."""

import json
import subprocess

from conftest import BUILD, KERNEL, PROBE, ROOT

CMDLINE = 'console=ttyS0 quiet probe.words="two words" a==b x=y=z'


def blkid(path, offset=None):
    cmd = ["blkid", "-p", "-o", "export"]
    if offset is not None:
        cmd += ["-O", str(offset)]
    out = subprocess.run(cmd + [str(path)], stdout=subprocess.PIPE, text=True, check=True).stdout
    return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)


def test_probe_reports_its_command_line_and_files(machines, probe_initrd):
    initrd = probe_initrd({"/etc/one.txt": "1" * 11, "/deep/er/two.bin": b"\0" * 1234})
    vm = machines(initrd, CMDLINE)
    report = vm.wait_probe()
    assert report.cmdline == CMDLINE
    assert report.files == {"/init": PROBE.stat().st_size, "/etc/one.txt": 11,
                            "/deep/er/two.bin": 1234}


def test_probe_lists_the_files_of_concatenated_initrds(machines, probe_initrd, tmp_path):
    first = probe_initrd({"/first.txt": "a" * 5})
    second = probe_initrd({"/second/file.txt": "b" * 7})
    both = tmp_path / "both.img"
    both.write_bytes(first.read_bytes() + second.read_bytes())
    report = machines(both, "console=ttyS0 quiet").wait_probe()
    assert report.files == {"/init": PROBE.stat().st_size, "/first.txt": 5,
                            "/second/file.txt": 7}


def test_the_kernel_unpacks_what_addmod_appended(machines, tmp_path):
    img = tmp_path / "mods.img"
    subprocess.run([str(ROOT / "tools" / "mkinitramfs"), "--kernel-dir", str(BUILD / "kernel"),
                    "--modules", "isofs", "--init", str(PROBE), "-o", str(img)], check=True)
    subprocess.run([str(ROOT / "tools" / "addmod"), str(img), "loop"], check=True)
    files = machines(img, "console=ttyS0 quiet").wait_probe().files
    assert any(f.endswith("/kernel/drivers/block/loop.ko") for f in files)
    assert any(f.endswith("/kernel/fs/isofs/isofs.ko") for f in files)


def test_fat_ext4_iso_and_squashfs_images(images):
    files = {"/boot/a.txt": "hello", "/b.txt": "x"}
    fat = images.fat(files, label="kexecloader")
    assert blkid(fat)["TYPE"] == "vfat" and blkid(fat)["LABEL"] == "kexecloader"
    out = subprocess.run(["mtype", "-i", str(fat), "::/boot/a.txt"], stdout=subprocess.PIPE,
                         text=True, check=True, env={"MTOOLS_SKIP_CHECK": "1"}).stdout
    assert out == "hello"
    uuid = "0e0bd2a5-51b6-4f6b-9d0e-4c5c3d0c9a11"
    ext4 = images.ext4(files, label="probe", uuid=uuid)
    info = blkid(ext4)
    assert (info["TYPE"], info["LABEL"], info["UUID"]) == ("ext4", "probe", uuid)
    listing = subprocess.run(["debugfs", "-R", "cat /boot/a.txt", str(ext4)],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout
    assert listing == "hello"
    iso = images.iso(files, volid="PROBECD")
    assert blkid(iso)["TYPE"] == "iso9660" and blkid(iso)["LABEL"] == "PROBECD"
    assert blkid(images.squashfs(files))["TYPE"] == "squashfs"
    assert images.fat(files, label="kexecloader") == fat  # made once per session


def test_partitioned_disks(images):
    a = images.ext4({"/a": "a"}, label="part-a")
    b = images.ext4({"/b": "b"}, label="part-b")
    for table in ("dos", "gpt"):
        disk = images.disk(table, [(a, "linux"), (b, "linux")])
        layout = json.loads(subprocess.run(["sfdisk", "-J", str(disk)], stdout=subprocess.PIPE,
                                           text=True, check=True).stdout)["partitiontable"]
        assert layout["label"] == table
        parts = layout["partitions"]
        assert len(parts) == 2
        for part, label in zip(parts, ("part-a", "part-b")):
            assert blkid(disk, part["start"] * 512)["LABEL"] == label


def test_kernel_is_debian_linux_image():
    assert KERNEL.exists() and KERNEL.resolve().parent == (BUILD / "kernel" / "boot").resolve()
