"""Keymaps: keymap.bmap (made with `loadkeys -b` from kbd) on the boot disk is loaded into
the virtual terminals at start. The keymap here swaps the keys C and D, so QEMU's
`sendkey d` on the VGA console opens the shell (C) and `sendkey c` lists the disks (D),
while the serial line, which keymaps do not touch, keeps its letters."""

import re
import socket
import subprocess
import time

import pytest

from conftest import INITRAMFS, KERNEL
from scenario import target
from vm import VM, close_all

# keycodes of a PC keyboard for the keys the test needs; c (46) and d (32) swapped
LETTERS = dict(zip("qwertyuiop", range(16, 26)))
LETTERS.update(zip("asdfghjkl", range(30, 39)))
LETTERS.update(zip("zxcvbnm", range(44, 51)))


def keymap_source():
    codes = dict(LETTERS)
    codes["c"], codes["d"] = codes["d"], codes["c"]
    lines = ["keymaps 0-1", "keycode 28 = Return", "keycode 57 = space", "keycode 14 = Delete"]
    lines += [f"keycode {code} = {letter}" for letter, code in sorted(codes.items())]
    return "\n".join(lines) + "\n"


def bmap(tmp_path):
    src = tmp_path / "swap.map"
    src.write_text(keymap_source())
    return subprocess.run(["loadkeys", "-b", str(src)], stdout=subprocess.PIPE,
                          check=True).stdout


class MonitorVM(VM):
    """A VM with a VGA adapter (for the virtual terminal) and a monitor socket for sendkey."""

    def argv(self):
        argv = super().argv()
        i = argv.index("-monitor")
        self.monitor_path = self.workdir / "monitor.sock"
        argv[i + 1] = f"unix:{self.monitor_path},server=on,wait=off"
        return argv + ["-device", "VGA"]

    def sendkey(self, key):
        with socket.socket(socket.AF_UNIX) as s:
            s.connect(str(self.monitor_path))
            s.settimeout(10)
            s.recv(4096)  # the banner
            s.sendall(f"sendkey {key}\n".encode())
            time.sleep(0.3)
            s.recv(4096)


@pytest.fixture
def vga_machine(tmp_path, images):
    started = []

    def start(disks):
        vm = MonitorVM(tmp_path / "vm", KERNEL, INITRAMFS,
                       "console=tty0 console=ttyS0 debug_tty=/dev/ttyS1 quiet", disks)
        started.append(vm)
        return vm.start()

    yield start
    close_all(started, images)


def test_a_keymap_that_swaps_two_letters_changes_what_the_keys_type(
        tmp_path, boot_disk, vga_machine):
    disk = boot_disk(target("first"), {"/keymap.bmap": bmap(tmp_path)})
    vm = vga_machine([disk])
    vm.wait_menu()
    assert "keymap /keymap.bmap loaded" in vm.debug_log()
    vm.sendkey("c")  # types d: the disk list
    vm.expect(r"Device\s+Type\s+Label")
    vm.sendkey("ret")  # back to the menu
    vm.wait_menu()
    assert "kexec-loader> " not in vm.console()
    vm.sendkey("d")  # types c: the shell
    vm.expect(re.escape("kexec-loader> "))
    vm.send("exit\r")  # the serial line is not remapped
    vm.wait_menu()
    vm.send("d")
    vm.expect(r"Device\s+Type\s+Label")
