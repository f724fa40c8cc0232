"""The entry editor (E at the menu, like GRUB's e): a changed command line boots, Esc
discards the change, and the disk is never written (the machines fixture checks every
disk's checksum after the test)."""

import re

import pytest

from scenario import booting, marker, probe_cmdline, probe_files, target

FIRST = marker("first.txt", 5)
SECOND = marker("second.txt", 7)


@pytest.fixture
def one_target(boot_disk, probe_initrd):
    return boot_disk(target("first", initrds=["/first.img"]),
                     {"/first.img": probe_initrd(FIRST), "/second.img": probe_initrd(SECOND)})


def open_editor(vm):
    vm.wait_menu()
    vm.send("e")
    vm.expect(r"Ctrl-X boots")


def test_a_changed_command_line_boots_with_ctrl_x(one_target, kexec_loader):
    vm = kexec_loader([one_target])
    open_editor(vm)
    screen = vm.console()
    for line in ("title first", "root LABEL=kexecloader", "kernel /vmlinuz",
                 "initrd /first.img", f"cmdline {probe_cmdline('first')}"):
        assert line in screen, line
    # title, root, kernel, initrd, cmdline: four lines down, to the end, one more word
    vm.send("down", "down", "down", "down", "\x1b[F", " edited=yes")
    vm.send("\x18")  # Ctrl-X
    vm.expect(booting("first"))
    report = vm.wait_probe()
    assert report.cmdline == probe_cmdline("first") + " edited=yes"
    assert report.files == probe_files(FIRST)


def test_f10_boots_and_lines_can_be_removed_and_added(one_target, kexec_loader):
    vm = kexec_loader([one_target])
    open_editor(vm)
    # The cmdline line: cut it (Ctrl-A, Ctrl-K), type a new one.
    vm.send("down", "down", "down", "down", "\x01\x0b", "cmdline console=ttyS0 quiet new=1")
    # The initrd line: cut its text, then the empty line itself.
    vm.send("up", "\x01\x0b\x0b")
    # A new line after the command line (now the line under the cursor).
    vm.send("\x1b[F", "\r", "initrd /second.img")
    vm.send("\x1b[21~")  # F10
    report = vm.wait_probe()
    assert report.cmdline == "console=ttyS0 quiet new=1"
    assert report.files == probe_files(SECOND)


def test_esc_discards_the_change(one_target, kexec_loader):
    vm = kexec_loader([one_target])
    open_editor(vm)
    vm.send("down", "down", "down", "down", "\x1b[F", " edited=yes")
    vm.send("\x1b")
    vm.wait_menu()
    vm.send("enter")
    report = vm.wait_probe()
    assert report.cmdline == probe_cmdline("first")


def test_a_broken_edit_is_explained_and_the_editor_stays(one_target, kexec_loader):
    vm = kexec_loader([one_target])
    open_editor(vm)
    vm.send("down", "down", "\x1b[F", "\x17")  # the kernel line loses its path (Ctrl-W)
    vm.send("\x18")
    vm.expect(re.escape("'kernel' needs an argument"))
    vm.send("\x1b")
    vm.wait_menu()
