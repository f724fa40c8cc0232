"""The shell (kexec-loader(8), SHELL), typed on the serial console: its commands checked against the
test disks, history, Tab completion, a target typed in and booted, and input that must not
crash PID 1."""

import math
import os
import re

import pytest

from scenario import after, marker, probe_cmdline, probe_files, target

PROMPT = "kexec-loader> "
DATA_UUID = "3f1c6e2a-8d0b-4b6e-9a51-2c7d4e8f9a10"
MORE_UUID = "7a2b9c4d-1e3f-4a5b-8c6d-0e1f2a3b4c5d"
MOTD = "Welcome to the data partition.\n"
TYPED = marker("typed.txt", 23)


@pytest.fixture
def shell_disks(images, boot_disk, probe_initrd):
    """A boot disk with one target (so the menu shows) and a GPT disk with two ext4
    partitions holding a few files."""
    conf = target("first")
    boot = boot_disk(conf, {"/probe.img": probe_initrd(TYPED)})
    data = images.ext4({"/boot/vmlinuz-6.1.0": "k" * 100, "/boot/vmlinuz-5.10.0": "k" * 50,
                        "/boot/grub/grub.cfg": "set timeout=5\n", "/etc/motd": MOTD,
                        "/bin/tool": bytes(range(256))},
                       label="data", uuid=DATA_UUID)
    more = images.ext4({"/notes.txt": "notes\n"}, label="more", uuid=MORE_UUID)
    disk = images.disk("gpt", [(data, "linux"), (more, "linux")])
    return boot, disk, data, more


def open_shell(vm):
    vm.wait_menu()
    vm.send("c")
    vm.expect(re.escape(PROMPT))


def run(vm, line):
    """Types a command and Enter; returns what the console showed until the next prompt."""
    start = len(vm.console())
    vm.send(line + "\r")
    vm.expect(re.escape(PROMPT))
    return vm.console()[start:]


def mib(path):
    """The size text `disks` shows for a partition made from this image (whole MiB)."""
    size = math.ceil(os.path.getsize(path) / (1 << 20))
    return f"{float(size):.1f} MiB"


def test_commands_show_the_disks_and_their_files(shell_disks, kexec_loader):
    boot, disk, data, more = shell_disks
    vm = kexec_loader([boot, disk])
    open_shell(vm)

    out = run(vm, "disks")
    rows = {line.split()[0]: line for line in out.splitlines() if line.strip()}
    assert re.search(r"^vdb\s+gpt\b", rows["vdb"])
    assert re.search(rf"^vdb1\s+ext4\s+data\s+{DATA_UUID}\s+{re.escape(mib(data))}$", rows["vdb1"])
    assert re.search(rf"^vdb2\s+ext4\s+more\s+{MORE_UUID}\s+{re.escape(mib(more))}$", rows["vdb2"])
    assert re.search(r"^vda\s+vfat\s+kexecloader\s", rows["vda"])

    out = run(vm, "ls (LABEL=data)/boot")
    assert "grub/" in out and "vmlinuz-6.1.0" in out and "vmlinuz-5.10.0" in out
    assert "vmlinuz-6.1.0/" not in out
    out = run(vm, "ls")  # no root yet: the devices
    assert "(vdb1)" in out and "(vdb2)" in out

    out = run(vm, f"find vmlinuz-* (UUID={DATA_UUID})/")
    assert f"(UUID={DATA_UUID})/boot/vmlinuz-6.1.0\n" in out
    assert f"(UUID={DATA_UUID})/boot/vmlinuz-5.10.0\n" in out
    run(vm, "root LABEL=more")
    out = run(vm, "find *.t?t")  # no folder: the whole root device
    assert "/notes.txt\n" in out

    out = run(vm, "cat (vdb1)/etc/motd")
    assert MOTD in out
    out = run(vm, "cat (vdb1)/bin/tool")
    assert "^@^A^B" in out and "\\xff" in out  # escaped, never sent raw to the terminal
    out = run(vm, "cat (vdb1)/nothing")
    assert "file /nothing not found on vdb1" in out

    # History: Up recalls the last command line.
    out = run(vm, "\x1b[A")
    assert "file /nothing not found on vdb1" in out

    # Tab completes a unique path, and lists the choices of an ambiguous one.
    out = run(vm, "cat (LABEL=data)/etc/mo\t")
    assert MOTD in out
    start = len(vm.console())
    vm.send("ls (LABEL=data)/boot/vm\t")
    vm.expect(r"vmlinuz-6\.1\.0")
    listing = vm.console()[start:]
    assert "vmlinuz-5.10.0" in listing
    vm.send("\x03")  # Ctrl-C abandons the line
    vm.expect(r"\^C")  # not the prompt that the Tab listing drew again
    vm.expect(re.escape(PROMPT))

    out = run(vm, "help")
    for cmd in ("root", "kernel", "initrd", "cmdline", "boot", "disks", "ls", "find", "cat",
                "log", "exit"):
        assert re.search(rf"^\s+{cmd}\b", out, re.M), cmd
    vm.send("exit\r")
    vm.wait_menu()


def test_a_target_typed_in_the_shell_boots(shell_disks, kexec_loader):
    boot, disk, _, _ = shell_disks
    vm = kexec_loader([boot, disk])
    open_shell(vm)
    cmdline = 'console=ttyS0 quiet typed="in the shell" x==y'
    run(vm, "root LABEL=kexecloader")
    run(vm, "kernel /vmlinuz")
    run(vm, "initrd /probe.img")
    run(vm, f"cmdline {cmdline}")
    vm.send("boot\r")
    report = vm.wait_probe()
    assert report.cmdline == cmdline
    assert report.files == probe_files(TYPED)


def test_errors_are_explained_and_the_shell_goes_on(shell_disks, kexec_loader):
    boot, disk, _, _ = shell_disks
    vm = kexec_loader([boot, disk])
    open_shell(vm)
    assert "give a kernel first" in run(vm, "boot")
    run(vm, "kernel (vdb1)/etc/motd")
    out = run(vm, "boot")
    assert re.search(r"Boot failed: \(vdb1\)/etc/motd .*not a (Linux )?kernel.*text file", out)
    assert "(null)" not in out  # a kernel on (DEVICE) with no root line: name the device
    assert "Unknown command 'frobnicate'" in run(vm, "frobnicate")


def test_nothing_typed_crashes_pid_1(shell_disks, kexec_loader):
    boot, disk, _, _ = shell_disks
    vm = kexec_loader([boot, disk])
    vm.wait_menu()
    junk = "".join(chr(c) for c in range(1, 32) if chr(c) not in "\r\n\x03\x1b")
    # At the menu every letter is a key: only sequences, which must do nothing harmful.
    vm.send("\x1b[99;99H\x1b[6n\x1b[1;5A\x1b[200~\x1bOQ\x1b[B\x1b[A")
    # With one target nothing changed, so the menu is not drawn again: C must still work.
    vm.send("c")
    vm.expect(re.escape(PROMPT))
    escapes = "\x1b[99;99H\x1b[6n\x1b]0;title\x07\x1bP\x1b[1;5A\x1b[200~\x1bOQ"
    vm.send("x" * 5000 + "\r")
    vm.expect(re.escape(PROMPT))
    vm.send(junk + escapes)
    vm.send("\x03")  # Ctrl-C abandons whatever the junk left on the line
    vm.expect(r"\^C")
    vm.expect(re.escape(PROMPT))
    # Home and End still work after all that.
    assert MOTD in run(vm, "(vdb1)/etc/motd\x1b[Hcat \x1b[F")
    assert "Unknown command" in run(vm, "\x01\x05\x0b" + "y" * 300)
    vm.send("exit\r")
    vm.wait_menu()
    # the editor
    vm.send("e")
    vm.expect("Ctrl-X boots")
    # Ctrl-X is the editor's boot key: everything else it must survive.
    vm.send("x" * 3000, junk.replace("\x18", ""), escapes, "\x1b[B" * 50, "\x1b[A" * 50, "\x0b" * 20)
    vm.send("\x1b")
    vm.wait_menu()
    assert "first" in after(vm.console())
