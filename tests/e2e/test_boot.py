"""Booting a target from the boot disk: timeout and default, keys, boot_index/boot_target,
rootdir= and the second configuration file name."""

import re

import pytest

from scenario import after, booting, marker, probe_cmdline, probe_files, target

# Quotes, '=' signs and several spaces must reach the target exactly as written.
SECOND_CMDLINE = 'console=ttyS0 quiet target=second quoted="a b=c" x==y  two  spaces'

FIRST = marker("first.txt", 3)
SECOND_A = marker("second/a.txt", 17)
SECOND_B = marker("second/b.bin", 4099)


@pytest.fixture
def two_targets(boot_disk, probe_initrd):
    """A boot disk with the targets "first" and "second"; `header` goes before them."""
    def make(header="", default_second=False):
        conf = header + "\n" + target("first", initrds=["/first.img"]) + "\n" + target(
            "second", initrds=["/second-a.img", "/boot/second-b.img"],
            cmdline=SECOND_CMDLINE, default=default_second)
        return boot_disk(conf, {"/first.img": probe_initrd(FIRST),
                                "/second-a.img": probe_initrd(SECOND_A),
                                "/boot/second-b.img": probe_initrd(SECOND_B)})
    return make


def check_second(report):
    assert report.cmdline == SECOND_CMDLINE
    assert report.files == probe_files(SECOND_A, SECOND_B)


def check_first(report):
    assert report.cmdline == probe_cmdline("first")
    assert report.files == probe_files(FIRST)


def test_default_boots_after_the_timeout_with_its_command_line_and_both_initrds(
        two_targets, kexec_loader):
    vm = kexec_loader([two_targets("timeout 1\n", default_second=True)])
    vm.expect(r"Booting 'second' in \d+ seconds?")
    vm.expect(booting("second"))
    check_second(vm.wait_probe())
    menu = after(vm.console())
    assert "first" in menu and "second" in menu


def test_down_then_enter_boots_the_second_target(two_targets, kexec_loader):
    vm = kexec_loader([two_targets()])
    vm.wait_menu()
    menu = after(vm.console())
    assert re.search(r"first", menu) and re.search(r"second", menu)
    assert "Booting 'first' in" not in menu  # no timeout: no countdown
    vm.send("down", "enter")
    vm.expect(booting("second"))
    check_second(vm.wait_probe())


def test_enter_boots_the_first_target_when_none_is_default(two_targets, kexec_loader):
    vm = kexec_loader([two_targets()])
    vm.wait_menu()
    vm.send("enter")
    vm.expect(booting("first"))
    check_first(vm.wait_probe())


@pytest.mark.parametrize("option", ["boot_index=1", "boot_target=second"])
def test_boot_option_boots_without_the_menu(two_targets, kexec_loader, option):
    vm = kexec_loader([two_targets()], option)
    check_second(vm.wait_probe())
    assert "Keys:" not in vm.console()


@pytest.mark.parametrize("option,shown", [("boot_index=5", r"\b5\b"),
                                          ("boot_target=nosuch", r"nosuch")])
def test_boot_option_naming_no_target_shows_the_menu_with_a_message(
        two_targets, kexec_loader, option, shown):
    vm = kexec_loader([two_targets()], option)
    vm.wait_menu()
    assert re.search(shown, after(vm.console())), f"the menu does not mention {option}"
    vm.send("enter")
    check_first(vm.wait_probe())


def test_rootdir_and_kxloader_cfg(boot_disk, probe_initrd, kexec_loader):
    files = marker("kx.txt", 9)
    # A decoy at the top shows that rootdir= is where the configuration is read from.
    disk = boot_disk(target("decoy", initrds=["/kl/kx.img"]), {
        "/kl/kxloader.cfg": target("kx", initrds=["/kl/kx.img"]),
        "/kl/kx.img": probe_initrd(files)})
    vm = kexec_loader([disk], "rootdir=/kl boot_index=0")
    report = vm.wait_probe()
    assert report.cmdline == probe_cmdline("kx")
    assert report.files == probe_files(files)
