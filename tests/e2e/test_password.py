"""The password lock: a hash made by grub-mkpasswd-pbkdf2 (Debian's grub-common) locks the
shell and the editor; a wrong password is refused, the right one opens them, and booting
the listed targets stays open."""

import re
import subprocess

import pytest

from scenario import booting, marker, probe_cmdline, probe_files, target

PASSWORD = "correct horse"


def grub_hash(password):
    out = subprocess.run(["grub-mkpasswd-pbkdf2", "--iteration-count", "1000"],
                         input=f"{password}\n{password}\n", stdout=subprocess.PIPE, text=True,
                         check=True).stdout
    m = re.search(r"(grub\.pbkdf2\.sha512\.1000\.[0-9A-F]+\.[0-9A-F]+)", out)
    assert m, out
    return m.group(1)


FIRST = marker("first.txt", 5)


@pytest.fixture
def locked(boot_disk, probe_initrd):
    return boot_disk(f"password {grub_hash(PASSWORD)}\n" + target("first", initrds=["/first.img"]),
                     {"/first.img": probe_initrd(FIRST)})


def test_the_shell_asks_refuses_a_wrong_password_and_takes_the_right_one(locked, kexec_loader):
    vm = kexec_loader([locked])
    vm.wait_menu()
    vm.send("c")
    vm.expect("Password: ")
    start = len(vm.console())
    vm.send("correct hors\r")
    vm.expect("Wrong password")
    vm.wait_menu()
    assert PASSWORD[:5] not in vm.console()[start:]  # nothing typed is echoed
    assert "kexec-loader> " not in vm.console()
    vm.send("c")
    vm.expect("Password: ")
    vm.send(PASSWORD + "\r")
    vm.expect(re.escape("kexec-loader> "))


def test_the_editor_is_locked_too_but_booting_is_not(locked, kexec_loader):
    vm = kexec_loader([locked])
    vm.wait_menu()
    vm.send("e")
    vm.expect("Password: ")
    vm.send("\r")  # an empty password is wrong too
    vm.expect("Wrong password")
    vm.wait_menu()
    assert "Ctrl-X boots" not in vm.console()
    vm.send("e")
    vm.expect("Password: ")
    vm.send(PASSWORD + "\r")
    vm.expect("Ctrl-X boots")
    vm.send("\x1b")
    vm.wait_menu()
    vm.send("enter")
    vm.expect(booting("first"))
    report = vm.wait_probe()
    assert report.cmdline == probe_cmdline("first")
    assert report.files == probe_files(FIRST)
