"""A target that cannot boot — its kernel is missing, or is a text file — shows an error that
names the path and the device, the menu comes back, and another target still boots."""

import re

import pytest

from scenario import booting, marker, probe_cmdline, probe_files, target

FILES = marker("ok.txt", 6)
KERNELS = {"missing": "/no/such/vmlinuz", "text": "/readme.txt"}
CASES = {case: target("broken", kernel=path) for case, path in KERNELS.items()}


@pytest.mark.parametrize("case", sorted(CASES))
def test_failed_boot_shows_the_error_then_the_menu(boot_disk, probe_initrd, kexec_loader, case):
    good = target("good", initrds=["/ok.img"])
    files = {"/ok.img": probe_initrd(FILES), "/readme.txt": "This is not a kernel.\n" * 20}
    # One disk, a configuration folder for each case (rootdir=).
    files.update({f"/{name}/kexec-loader.conf": conf + "\n" + good
                  for name, conf in CASES.items()})
    vm = kexec_loader([boot_disk(None, files)], f"rootdir=/{case}")
    vm.wait_menu()
    mark = len(vm.console())
    vm.send("enter")  # "broken" is first and the default
    vm.wait_menu()
    message = vm.console()[mark:]
    assert KERNELS[case] in message, f"the error does not name {KERNELS[case]}"
    assert re.search(r"vda|kexecloader", message), "the error does not name the device"
    vm.send("down", "enter")
    vm.expect(booting("good"))
    report = vm.wait_probe()
    assert report.cmdline == probe_cmdline("good")
    assert report.files == probe_files(FILES)
