"""Disks and kernels that fail, in one virtual machine: each fault gives a clear message
naming the file or the device, PID 1 stays, and the other targets still boot.

- a disk whose reads of its grub.cfg fail (QEMU blkdebug error injection): the file and
  the device are named;
- a disk whose grub.cfg reads, but whose kernel's middle fails: kexec_file_load's I/O
  error is traced to the kernel file and its device;
- an ext4 filesystem corrupted under its superblock (its group descriptors): the mount
  fails, the device is named with what to do;
- a USB stick pulled out (QEMU monitor device_del) while a 300 MB initrd is read from
  it: the initrd and the device are named, the stick's targets go away;
- a kernel kexec_file_load refuses (its header says it loads below 1 MiB) and kexec_load
  cannot start either: both reasons are given;
- a kernel kexec_file_load refuses that kexec_load starts, as GRUB would: Debian's kernel
  without XLF_5LEVEL in its header (as kernels before 4.14 are) on a machine with 5-level
  paging (QEMU's `-cpu max` has LA57, so the running kernel uses it); the debug log says
  that kexec_file_load refused it and why, and it boots through the 32-bit boot protocol
  with its command line;
- a Multiboot kernel (a small ELF made here) that must be loaded at 1 GiB, beyond the
  machine's RAM: the file, the range and the machine's RAM are named;
- a target whose initrd (1.5 GB, a sparse file) does not fit in the machine's memory: the
  file, its size and the memory available are named before anything is loaded;
- then the kernel kexec_file_load refused boots.
"""

import re
import struct
import subprocess
import time

from conftest import INITRAMFS, KERNEL, KL_APPEND
from images import make_ext4, sha256
from scenario import booting, marker, menu_list, probe_cmdline, probe_files, target
from vm import BOOT_TIMEOUT, VM, Disk

PROBED = marker("faults.txt", 6)
STICK_INITRD_MIB = 300
MENU = ["Loads low", "Four-level only", "Good", "Big initrd", "Broken kernel", "Huge initrd",
        "Too high"]
XLF_5LEVEL = 0x20
HIGH_AT, HIGH_SIZE = 0x40000000, 16 << 20  # the machine has 1 GiB: no RAM at 1 GiB


def multiboot_elf(at, memsz):
    """A Multiboot 1 ELF32 kernel loaded at `at`, `memsz` bytes long (the rest of its
    one segment is bss): ELF header, one program header, then at 0x1000 its Multiboot
    header and code that halts."""
    magic, flags = 0x1BADB002, 0x3  # page-aligned modules, memory information
    text = struct.pack("<III", magic, flags, -(magic + flags) & 0xFFFFFFFF) + b"\xfa\xf4\xeb\xfd"
    ident = b"\x7fELF" + bytes([1, 1, 1]) + bytes(9)
    header = ident + struct.pack("<HHIIIIIHHHHHH", 2, 3, 1, at + 12, 52, 0, 0, 52, 32, 1, 40, 0,
                                 0)
    program = struct.pack("<IIIIIIII", 1, 0x1000, at, at, len(text), memsz, 7, 0x1000)
    return (header + program).ljust(0x1000, b"\0") + text


def grub_cfg(title, initrd="/probe.img", kernel="/vmlinuz"):
    return (f"set timeout=0\nmenuentry '{title}' {{\n\tlinux\t{kernel} console=ttyS0 quiet\n"
            f"\tinitrd\t{initrd}\n}}\n")


def file_sectors(image, path):
    """The 512-byte sectors of the blocks holding `path` in an ext4 image, in file order."""
    out = subprocess.run(["debugfs", "-R", f"blocks {path}", str(image)], check=True,
                         capture_output=True, text=True).stdout.split()
    head = subprocess.run(["dumpe2fs", "-h", str(image)], check=True, capture_output=True,
                          text=True).stdout
    size = int(re.search(r"Block size:\s+(\d+)", head).group(1))
    return [int(b) * size // 512 for b in out]


def blkdebug_rules(path, sector):
    """Every read of `sector` fails with EIO, for as long as the machine runs."""
    path.write_text(f'[inject-error]\nevent = "read_aio"\nerrno = "5"\nsector = "{sector}"\n'
                    'once = "off"\n')
    return path


def own_ext4(out, files, label):
    """An ext4 image made here (to be changed after mkfs); register() it once done."""
    make_ext4(out, files, label)
    return out


def register(images, path):
    images.checksums[path] = sha256(path)


def select(vm, title):
    """Moves the selection to `title` and waits until the menu shows it selected. The
    messages of the failed boots take rows from the list, which then shows only part of
    the targets: one key at a time, up or down as MENU orders them."""
    deadline = time.monotonic() + BOOT_TIMEOUT
    while True:
        assert time.monotonic() < deadline, f"could not select {title!r}" + vm.tail()
        # One reading of the screen, judged only when whole: a second reading may
        # already hold the next drawing, cut short.
        screen = vm.screen()
        rows = menu_list(screen)
        selected = [t for chosen, t in rows if chosen]
        if "Keys:" not in screen or not selected:
            vm.wait_menu()
            continue
        if selected[0] == title:
            return
        vm.send("down" if MENU.index(title) > MENU.index(selected[0]) else "up")
        vm.wait_menu()


def boot_fails(vm, title, message):
    """Chooses a target; the boot fails with `message` (in the debug log, whole; on the
    menu, cut to the screen's width) and the menu comes back."""
    select(vm, title)
    vm.send("enter")
    vm.expect(booting(title))
    vm.wait_log("Boot failed: " + message)
    vm.wait_menu()
    assert ("Boot failed: " + message)[:60] in vm.screen(), vm.tail()


def test_faults_are_named_and_the_rest_boots(images, boot_disk, probe_initrd, tmp_path):
    probe = probe_initrd(PROBED)
    kernel = KERNEL.read_bytes()
    # kexec_file_load wants a kernel that loads high; so does kexec-loader's 32-bit path
    low = bytearray(kernel)
    low[0x211] &= 0xFE
    # kexec_file_load refuses a kernel that does not say it copes with 5-level paging
    # when the running kernel uses it; the 32-bit boot protocol starts it all the same
    four = bytearray(kernel)
    four[0x236] &= ~XLF_5LEVEL
    conf = ("timeout off\ngrub-autodetect on\n"
            + target("Loads low", kernel="/vmlinuz-low", initrds=["/probe.img"])
            + target("Four-level only", kernel="/vmlinuz-4level", initrds=["/probe.img"])
            + target("Good", initrds=["/probe.img"]))
    boot = boot_disk(conf, {"/probe.img": probe, "/vmlinuz-low": bytes(low),
                            "/vmlinuz-4level": bytes(four)})

    bad_cfg = own_ext4(tmp_path / "badcfg.img",
                       {"/boot/grub/grub.cfg": grub_cfg("Unreadable") + "#" * 8192 + "\n"},
                       "badcfg")
    bad_kernel = own_ext4(tmp_path / "badkernel.img",
                          {"/boot/grub/grub.cfg": grub_cfg("Broken kernel"),
                           "/vmlinuz": KERNEL.resolve(), "/probe.img": probe}, "badkernel")
    damaged = own_ext4(tmp_path / "damaged.img",
                       {"/boot/grub/grub.cfg": grub_cfg("Damaged")}, "damaged")
    subprocess.run(["debugfs", "-w", "-R", "set_bg 0 block_bitmap 0xFFFFFF", str(damaged)],
                   check=True, capture_output=True)
    # A 1.5 GB initrd as a hole: the image stays small, the machine has 1 GB.
    huge_tree = tmp_path / "huge-tree"
    (huge_tree / "boot/grub").mkdir(parents=True)
    (huge_tree / "boot/grub/grub.cfg").write_text(
        grub_cfg("Huge initrd", "/huge.img")
        + "menuentry 'Too high' {\n\tmultiboot\t/mb-high.elf console=com1\n}\n")
    (huge_tree / "mb-high.elf").write_bytes(multiboot_elf(HIGH_AT, HIGH_SIZE))
    (huge_tree / "vmlinuz").write_bytes(kernel)
    with open(huge_tree / "huge.img", "wb") as f:
        f.truncate(1536 << 20)
    huge = tmp_path / "huge.img"
    with open(huge, "wb") as f:
        f.truncate(64 << 20)
    subprocess.run(["mkfs.ext4", "-q", "-F", "-d", str(huge_tree), "-L", "huge", str(huge)],
                   check=True, capture_output=True)
    # The stick's initrd is data (mkfs.ext4 -d leaves zero blocks out): a repeated pattern.
    stick_fs = own_ext4(tmp_path / "stick-fs.img",
                        {"/boot/grub/grub.cfg": grub_cfg("Big initrd", "/big.img"),
                         "/vmlinuz": KERNEL.resolve(),
                         "/big.img": b"kexec-loader" * (STICK_INITRD_MIB * 87382)}, "stick")
    for image in (bad_cfg, bad_kernel, damaged, huge, stick_fs):
        register(images, image)

    cfg_rules = blkdebug_rules(tmp_path / "badcfg.rules",
                               file_sectors(bad_cfg, "/boot/grub/grub.cfg")[0])
    kernel_blocks = file_sectors(bad_kernel, "/vmlinuz")
    kernel_rules = blkdebug_rules(tmp_path / "badkernel.rules",
                                  kernel_blocks[len(kernel_blocks) // 2])
    vm = VM(tmp_path / "vm", KERNEL, INITRAMFS, KL_APPEND,
            [boot, Disk(bad_cfg, blkdebug=cfg_rules), Disk(bad_kernel, blkdebug=kernel_rules),
             Disk(damaged), Disk(huge)], cpu="max")
    # The stick reads at 8 MB/s, as slow sticks do: the initrd takes half a minute.
    vm.extra_args = ["-device", "qemu-xhci,id=xhci",
                     "-drive", f"file={stick_fs},format=raw,if=none,id=stick,readonly=on,"
                               "throttling.bps-read=8000000",
                     "-device", "usb-storage,bus=xhci.0,drive=stick,id=stick"]
    with vm:
        vm.wait_menu()
        shown = vm.screen() + vm.debug_log()
        assert "cannot read /boot/grub/grub.cfg on vdb: Input/output error" in shown, vm.tail()
        assert re.search(r"vdd: the filesystem cannot be read \(Structure needs cleaning", shown), \
            vm.tail()
        # the stick enumerates a moment after the menu is drawn
        deadline = time.monotonic() + BOOT_TIMEOUT
        while "Big initrd" not in [t for _, t in menu_list(vm.screen())]:
            assert time.monotonic() < deadline, "the stick's target never came" + vm.tail()
            vm.wait_menu(timeout=max(1, deadline - time.monotonic()))
        titles = [t for _, t in menu_list(vm.screen())]
        assert titles == MENU, titles

        boot_fails(vm, "Broken kernel", "cannot read (vdc)/vmlinuz: Input/output error")
        boot_fails(vm, "Loads low", "/vmlinuz-low is not a kernel this system can start with "
                                    "kexec_file_load; with kexec_load:")
        assert "that loads below 1 MiB, which kexec cannot start" in vm.debug_log()
        boot_fails(vm, "Huge initrd", "not enough memory to load (vde)/huge.img (1536 MiB)")
        boot_fails(vm, "Too high", "(vde)/mb-high.elf: the kernel needs 0x40000000-0x40ffffff "
                                   "(16 MiB), but 0x40000000-0x40ffffff is no memory at all; "
                                   "this machine's RAM is ")
        assert re.search(r"this machine's RAM is 0x0-0x9[0-9a-f]{4}, 0x100000-0x3[0-9a-f]{7} "
                         r"\(10[12]\d MiB in all\)", vm.debug_log()), vm.tail()

        # (not choose(): nothing follows "Booting 'Big initrd'" while kexec_file_load reads)
        select(vm, "Big initrd")
        vm.send("enter")
        vm.wait_log("calling kexec_file_load for (sda)/vmlinuz")
        time.sleep(3)  # the kernel is read; the initrd is on its way
        vm.qmp("device_del", id="stick")
        vm.wait_log("Boot failed: cannot read (sda)/big.img: ")
        assert re.search(r"Boot failed: cannot read \(sda\)/big.img: [^\n]*\(the disk failed or "
                         r"was removed while it was read\)", vm.debug_log()), vm.tail()
        deadline = time.monotonic() + BOOT_TIMEOUT
        while "Big initrd" in [t for _, t in menu_list(vm.screen())]:
            assert time.monotonic() < deadline, "the pulled stick's target stayed" + vm.tail()
            vm.wait_menu(timeout=max(1, deadline - time.monotonic()))

        select(vm, "Four-level only")
        vm.send("enter")
        vm.expect(booting("Four-level only"))
        report = vm.wait_probe()
        assert report.files == probe_files(PROBED)
        assert report.cmdline == probe_cmdline("Four-level only")
        log = vm.debug_log()
        assert ("kexec_file_load refused /vmlinuz-4level on LABEL=kexecloader: its header does "
                "not say it can be started with 5-level paging (XLF_5LEVEL is not set), and the "
                "running kernel uses 5-level paging; loading it with kexec_load and the 32-bit "
                "boot protocol instead") in log, vm.tail()
        assert re.search(r"loading /vmlinuz-4level as Linux 32-bit boot protocol with kexec_load",
                         log), vm.tail()
    for image in (bad_cfg, bad_kernel, damaged, huge, stick_fs):
        images.verify(image)
