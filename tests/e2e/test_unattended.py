"""Unattended boots that always complete, in virtual machines.

- The countdown survives devices that appear while it runs: a USB stick plugged in (QEMU
  monitor device_add) whose grub.cfg offers the same title and names its own default, and
  a disc put into an empty SATA CD drive behind AHCI. The list is redrawn, the countdown
  goes on and boots the target it announced; no key is pressed.
- The same machine's serial lines (the console and the debug line) end lines with one
  carriage return: no "\\r\\r\\n" in their raw bytes.
- Named pipes at a grub.cfg, at a BLS entry and at a kernel path: each named with its
  device and what it is, the menu goes on, the other targets boot.
- `timeout off` in kexec-loader.conf waits for a key although an autodetected grub.cfg
  says `set timeout=2`.
"""

import os
import re
import subprocess
import time

import pytest

from conftest import INITRAMFS, KERNEL, KL_APPEND
from images import sha256
from scenario import booting, choose, marker, menu_list, probe_files, target
from vm import BOOT_TIMEOUT, VM, Disk

PROBED = marker("unattended.txt", 11)


def grub_cfg(entries, timeout=None, default=None):
    """A grub.cfg as grub-mkconfig shapes it: (title, command line) entries booting
    /vmlinuz with /probe.img."""
    head = ""
    if default is not None:
        head += f'set default="{default}"\n'
    if timeout is not None:
        head += f"set timeout={timeout}\n"
    return head + "".join(
        f"menuentry '{title}' --class debian {{\n\tlinux\t/vmlinuz console=ttyS0 quiet {args}\n"
        f"\tinitrd\t/probe.img\n}}\n" for title, args in entries)


def system_files(probe_initrd, cfg):
    return {"/boot/grub/grub.cfg": cfg, "/vmlinuz": KERNEL.resolve(),
            "/probe.img": probe_initrd(PROBED)}


def wait_titles(vm, check, what):
    """Waits for menu drawings until check(rows) holds, rows being menu_list's
    [(selected, title)]; returns them."""
    deadline = time.monotonic() + BOOT_TIMEOUT
    while True:
        rows = menu_list(vm.screen())
        if check(rows):
            return rows
        left = deadline - time.monotonic()
        assert left > 0, what + vm.tail()
        vm.wait_menu(timeout=left)


def raw(path):
    with open(path, "rb") as f:
        return f.read()


# ---------------------------------------------------------------------------------------

def test_the_countdown_boots_its_default_while_a_stick_and_a_disc_appear(
        images, boot_disk, probe_initrd, tmp_path):
    system = images.ext4(system_files(probe_initrd, grub_cfg(
        [("Debian GNU/Linux", "witness=system"), ("Debian GNU/Linux (recovery)", "single")],
        timeout=40, default=0)), label="system")
    # The stick offers the same title and names its own default, as grub-mkconfig writes.
    stick_fs = images.ext4(system_files(probe_initrd, grub_cfg(
        [("Debian GNU/Linux", "witness=stick")], timeout=5, default=0)), label="stick")
    stick = images.disk("dos", [(stick_fs, "linux")])
    disc = images.iso({"/boot/grub/grub.cfg": grub_cfg([("Live CD", "witness=disc")]),
                       "/vmlinuz": KERNEL.resolve(), "/probe.img": probe_initrd(PROBED)},
                      volid="LIVECD")
    vm = VM(tmp_path / "vm", KERNEL, INITRAMFS, KL_APPEND,
            [boot_disk("# the menus of the disks\n"), Disk(system)])
    # An AHCI controller with an empty CD drive, and an xHCI controller for the stick.
    vm.extra_args = ["-device", "ahci,id=ahci",
                     "-drive", "if=none,id=cd0,media=cdrom,readonly=on",
                     "-device", "ide-cd,drive=cd0,bus=ahci.0,id=cdrom",
                     "-device", "qemu-xhci,id=xhci"]
    with vm:
        countdown = r"Booting 'Debian GNU/Linux' in \d+ seconds"
        vm.expect(countdown, timeout=BOOT_TIMEOUT)

        vm.hmp(f"drive_add 0 if=none,id=stick,file={stick},format=raw,readonly=on")
        said = vm.hmp("device_add usb-storage,bus=xhci.0,drive=stick,id=stick")
        assert not re.search(r"[Ee]rror", said), said
        rows = wait_titles(vm, lambda r: [t for _, t in r].count("Debian GNU/Linux") == 2,
                           "the stick's target did not appear")
        # sda (the stick) comes before vdb: the selection stays on vdb's target
        assert rows[0] == (False, "Debian GNU/Linux") and rows[1] == (True, "Debian GNU/Linux")
        vm.expect(countdown)

        vm.qmp("blockdev-change-medium", id="cdrom", filename=str(disc), format="raw",
               **{"read-only-mode": "read-only"})
        rows = wait_titles(vm, lambda r: "Live CD" in [t for _, t in r],
                           "the disc's target did not appear")
        assert [t for s, t in rows if s] == ["Debian GNU/Linux"]
        assert [t for _, t in rows].index("Live CD") < [s for s, _ in rows].index(True)
        vm.expect(countdown)

        report = vm.wait_probe()
        assert "witness=system" in report.cmdline
        assert report.files == probe_files(PROBED)
        for image in (stick, disc):
            images.verify(image)

        # The raw bytes of both serial lines: every line ends in exactly "\r\n".
        console = raw(vm.console_raw_path)
        console = console[:console.find(b"PROBE cmdline")]
        debug = raw(vm.debug_path)
        for name, data in (("console", console), ("debug line", debug)):
            assert data.count(b"\r\n") > 10, f"the {name} holds no lines"
            assert b"\r\r\n" not in data, f"the {name} doubles its carriage returns"
            assert data.count(b"\n") == data.count(b"\r\n"), f"a bare line feed on the {name}"


# ---------------------------------------------------------------------------------------

def fifo_tree(tmp_path, probe_initrd):
    """An ext4 root whose grub.cfg, one BLS entry and one kernel are named pipes
    (mkfs.ext4 -d keeps them), beside a good BLS entry."""
    tree = tmp_path / "fifo-root"
    for d in ("boot/grub", "loader/entries"):
        (tree / d).mkdir(parents=True)
    os.mkfifo(tree / "boot/grub/grub.cfg")
    os.mkfifo(tree / "loader/entries/b-pipe.conf")
    os.mkfifo(tree / "boot/vmlinuz-pipe")
    (tree / "boot/vmlinuz").write_bytes(KERNEL.read_bytes())
    (tree / "boot/probe.img").write_bytes(probe_initrd(PROBED).read_bytes())
    (tree / "loader/entries/a-good.conf").write_text(
        "title Good entry\nlinux /boot/vmlinuz\ninitrd /boot/probe.img\n"
        "options console=ttyS0 quiet witness=bls\n")
    return tree


def make_ext4_tree(tree, out, label):
    size = sum(p.stat().st_size for p in tree.rglob("*") if p.is_file()) * 5 // 4 + (8 << 20)
    with open(out, "wb") as f:
        f.truncate(size)
    subprocess.run(["mkfs.ext4", "-q", "-F", "-d", str(tree), "-L", label, str(out)],
                   check=True, capture_output=True)
    return out


def test_pipes_are_named_the_menu_waits_with_timeout_off_and_the_rest_boots(
        images, boot_disk, probe_initrd, tmp_path, machines):
    pipes = make_ext4_tree(fifo_tree(tmp_path, probe_initrd), tmp_path / "pipes.img", "pipes")
    images.checksums[pipes] = sha256(pipes)  # checked when the test ends, as the others
    # another disk's grub.cfg asks for a 2-second countdown: "timeout off" must win
    other = images.ext4(system_files(probe_initrd, grub_cfg(
        [("Other system", "witness=other")], timeout=2, default=0)), label="other")
    conf = ("timeout off\ngrub-autodetect on\n"
            + target("Pipe kernel", root="LABEL=pipes", kernel="/boot/vmlinuz-pipe"))
    vm = machines(INITRAMFS, KL_APPEND, [boot_disk(conf), Disk(pipes), Disk(other)])
    vm.wait_menu()
    screen = vm.screen()
    for message in ("/boot/grub/grub.cfg on vdb is a named pipe, not a file",
                    "/loader/entries/b-pipe.conf on vdb is a named pipe, not a file"):
        assert message in screen or message in vm.debug_log(), message + vm.tail()
    titles = [t for _, t in menu_list(screen)]
    assert titles == ["Pipe kernel", "Good entry", "Other system"], titles

    # timeout off: well past the grub.cfg's 2 seconds, nothing counts down or boots
    with pytest.raises(AssertionError):
        vm.expect(r"Booting '", timeout=6)

    choose(vm, "Pipe kernel")
    vm.expect(re.escape("/boot/vmlinuz-pipe on LABEL=pipes is a named pipe, not a file"))
    vm.wait_menu()
    assert "Boot failed: /boot/vmlinuz-pipe on LABEL=pipes is a named pipe" in vm.screen()

    choose(vm, "Good entry")
    report = vm.wait_probe()
    assert "witness=bls" in report.cmdline
    assert report.files == probe_files(PROBED)
