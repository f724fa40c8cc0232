"""A kexec-loader.conf with problems: each is reported as FILE:LINE on the menu screen and
in the debug log, and the valid targets are still listed and boot."""

import re

import pytest

from scenario import after, booting, marker, probe_cmdline, probe_files, target

FILES = marker("p.txt", 5)

LINES = [
    "# a comment, then a kernel line before any title",   # 1
    "kernel /vmlinuz",                                      # 2: before any title
    "frobnicate yes",                                       # 3: unknown directive
    "",                                                     # 4
    *target("good one", initrds=["/p.img"]).splitlines(),   # 5-9
    "   # an indented comment",                             # 10
    "",                                                     # 11
    "title no kernel",                                      # 12: a target without kernel
    "root LABEL=kexecloader",                               # 13
    f"cmdline {probe_cmdline('no kernel')}",                # 14
    "",                                                     # 15
    *target("good two", initrds=["/p.img"]).splitlines(),   # 16-20
]
PROBLEMS = {"kernel before any title": [2], "unknown directive": [3],
            "target without kernel": [12, 13, 14, 15]}


@pytest.fixture
def disk(boot_disk, probe_initrd):
    conf = "\r\n".join(LINES) + "\r\n"  # DOS line endings
    return boot_disk(conf, {"/p.img": probe_initrd(FILES)})


def reported(text, lines):
    return any(re.search(rf"kexec-loader\.conf:{n}:", text) for n in lines)


def test_problems_are_reported_with_file_and_line_and_valid_targets_boot(disk, kexec_loader):
    vm = kexec_loader([disk])
    vm.wait_menu()
    screen, log = after(vm.console()), vm.debug_log()
    for problem, lines in PROBLEMS.items():
        assert reported(screen, lines), f"{problem} (line {lines[0]}) is not on the menu screen"
        assert reported(log, lines), f"{problem} (line {lines[0]}) is not in the debug log"
    assert "good one" in screen and "good two" in screen
    vm.send("enter")
    vm.expect(booting("good one"))
    report = vm.wait_probe()
    assert report.cmdline == probe_cmdline("good one")  # no carriage return left over
    assert report.files == probe_files(FILES)


def test_the_target_after_a_skipped_one_boots(disk, kexec_loader):
    vm = kexec_loader([disk])
    vm.wait_menu()
    vm.send("down", "enter")  # the target without kernel is not in the list
    vm.expect(booting("good two"))
    assert vm.wait_probe().cmdline == probe_cmdline("good two")
