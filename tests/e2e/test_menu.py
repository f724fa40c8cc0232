"""The menu of issue 5 on every console: two serial lines and the VGA text screen at once,
40 targets scrolling, the countdown and the hidden style, a USB stick plugged in and pulled
out while the menu is shown, Ctrl-Alt-Del, and input that must not crash PID 1.

QEMU's monitor (a unix socket) types on the keyboard, reads the VGA text memory and plugs
USB disks; the second serial line is a socket driven like the first."""

import random
import re
import socket
import time

import pexpect
import pexpect.fdpexpect
import pytest

from conftest import INITRAMFS, KERNEL
from scenario import booting, choose, marker, menu_list, probe_cmdline, probe_files, target
from vm import BOOT_TIMEOUT, STEP_TIMEOUT, VM, close_all, plain

KEYS = {"pgdn": "\x1b[6~", "pgup": "\x1b[5~", "home": "\x1b[H", "end": "\x1b[F"}
KL = "debug_tty=/dev/ttyS1 quiet"


def read_until(sock, end, timeout=30):
    sock.settimeout(timeout)
    data = b""
    while not data.endswith(end):
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data.decode(errors="replace")


class MenuVM(VM):
    """A VM with the monitor on a unix socket, a VGA adapter and an xHCI controller (for USB
    disks plugged in later). With `second_line`, ttyS1 is a socket driven like ttyS0 and the
    debug log goes to ttyS2 (a file)."""

    def __init__(self, *args, second_line=False, **kw):
        super().__init__(*args, **kw)
        self.second_line = second_line
        self.monitor_path = self.workdir / "monitor.sock"
        self.line2_path = self.workdir / "ttyS1.sock"
        self.line2_log = self.workdir / "ttyS1-console.log"
        self.child2 = self.sock2 = None
        if second_line:
            self.debug_path = self.workdir / "ttyS2.log"

    def argv(self):
        argv = super().argv()
        argv[argv.index("-monitor") + 1] = f"unix:{self.monitor_path},server=on,wait=off"
        if self.second_line:
            i = argv.index(f"file:{self.debug_path}")  # the second -serial
            argv[i:i + 1] = ["chardev:s1", "-serial", f"file:{self.debug_path}"]
            argv += ["-chardev", f"socket,id=s1,path={self.line2_path},server=on,wait=off"]
        argv += ["-device", "VGA"]
        if not any(d.bus == "usb" for d in self.disks):
            argv += ["-device", "qemu-xhci,id=xhci"]
        return argv

    def start(self):
        super().start()
        if self.second_line:
            for _ in range(100):
                if self.line2_path.exists():
                    break
                time.sleep(0.1)
            self.sock2 = socket.socket(socket.AF_UNIX)
            self.sock2.connect(str(self.line2_path))
            self.child2 = pexpect.fdpexpect.fdspawn(self.sock2.fileno(), encoding="utf-8",
                                                    codec_errors="replace",
                                                    timeout=BOOT_TIMEOUT)
            self.child2.logfile_read = open(self.line2_log, "w", encoding="utf-8", newline="")
        return self

    def close(self):
        super().close()
        if self.child2 is not None:
            self.child2.logfile_read.close()
            self.sock2.close()

    def monitor(self, command):
        """Runs a QEMU monitor command; returns what the monitor printed."""
        with socket.socket(socket.AF_UNIX) as s:
            s.connect(str(self.monitor_path))
            read_until(s, b"(qemu) ")
            s.sendall(command.encode() + b"\n")
            return read_until(s, b"(qemu) ")

    def vga_text(self):
        """The 80x25 characters of the VGA text screen, as lines."""
        dump = self.workdir / "vga.bin"
        dump.unlink(missing_ok=True)
        said = self.monitor(f'pmemsave 0xb8000 4000 "{dump}"')
        for _ in range(50):
            if dump.exists() and dump.stat().st_size == 4000:
                break
            time.sleep(0.1)
        else:
            raise AssertionError(f"pmemsave wrote no {dump}: {plain(said)[-300:]!r}")
        cells = dump.read_bytes()[0::2]
        text = cells.decode("cp437")
        return [text[i:i + 80].rstrip() for i in range(0, 2000, 80)]

    def screen2(self):
        """ttyS1's screen since it was last cleared (see VM.screen)."""
        with open(self.line2_log, encoding="utf-8", errors="replace", newline="") as f:
            raw = f.read()
        return plain(raw[max(raw.rfind("\x1b[2J"), 0):])

    def expect2(self, pattern, timeout=STEP_TIMEOUT):
        try:
            self.child2.expect(pattern, timeout=timeout)
        except (pexpect.TIMEOUT, pexpect.EOF):
            self.child2.logfile_read.flush()
            raise AssertionError(f"no {pattern!r} on ttyS1 within {timeout} s\n--- ttyS1 ---\n"
                                 + self.line2_log.read_text(errors="replace")[-3000:]
                                 + self.tail()) from None
        self.child2.logfile_read.flush()


@pytest.fixture
def menu_vm(tmp_path, images):
    """menu_vm(disks, append=KL, second_line=False) -> a started MenuVM booting
    kexec-loader; every disk (those plugged in later too) is checked when the test ends."""
    started, plugged = [], []

    def start(disks, append=f"console=ttyS0 {KL}", second_line=False):
        vm = MenuVM(tmp_path / f"vm{len(started)}", KERNEL, INITRAMFS, append, disks,
                    second_line=second_line)
        vm.plugged = plugged
        started.append(vm)
        return vm.start()

    yield start
    close_all(started, images)
    for path in plugged:
        images.verify(path)


def send(vm, *keys):
    vm.send(*(KEYS.get(k, k) for k in keys))


def selected(screen):
    rows = menu_list(screen)
    chosen = [t for sel, t in rows if sel]
    assert len(chosen) == 1, f"not one selected target on the screen: {rows}"
    return chosen[0]


def redrawn(vm):
    """Waits for the next full drawing of the menu; returns the selected title."""
    vm.wait_menu()
    return selected(vm.screen())


PROBED = marker("probed.txt", 8)


@pytest.fixture
def targets_disk(boot_disk, probe_initrd):
    """targets_disk(titles, header="", files={}) -> a boot disk with one target per title,
    each booting the probe with PROBED."""
    def make(titles, header="", files=None):
        conf = header + "".join(target(t, initrds=["/probe.img"]) for t in titles)
        return boot_disk(conf, {"/probe.img": probe_initrd(PROBED), **(files or {})})
    return make


THREE = ["first", "second", "third"]


# ---------------------------------------------------------------------------------------

def test_the_menu_is_on_both_serial_lines_and_on_vga_and_keys_from_either_count(
        targets_disk, menu_vm):
    vm = menu_vm([targets_disk(THREE)], "console=tty0 console=ttyS0 console=ttyS1 "
                 "debug_tty=/dev/ttyS2 quiet", second_line=True)
    vm.wait_menu()
    vm.expect2(r"Keys:")
    assert selected(vm.screen()) == selected(vm.screen2()) == "first"

    vm.send("down")  # typed on ttyS0
    assert redrawn(vm) == "second"
    vm.expect2(r"Keys:")
    assert selected(vm.screen2()) == "second"

    vm.sock2.sendall(b"\x1b[B")  # Down, typed on ttyS1
    vm.expect2(r"Keys:")
    assert selected(vm.screen2()) == "third"
    assert redrawn(vm) == "third"

    vga = vm.vga_text()
    assert vga[0].startswith("kexec-loader "), vga
    assert [line for line in vga if line.startswith(">")] == ["> third"], vga
    assert any(line.startswith("Keys: Up/Down") for line in vga), vga

    vm.sock2.sendall(b"\r")  # Enter on ttyS1 boots
    vm.expect(booting("third"))
    report = vm.wait_probe()
    assert report.cmdline == probe_cmdline("third")
    assert report.files == probe_files(PROBED)


FORTY = [f"target {i:02d}" for i in range(1, 41)]


def test_forty_targets_scroll_and_pgdn_end_reach_the_last(targets_disk, menu_vm):
    vm = menu_vm([targets_disk(FORTY)])
    vm.wait_menu()
    first = menu_list(vm.screen())
    shown = len(first)
    assert 3 <= shown < 24 and [t for _, t in first] == FORTY[:shown]
    assert "(more below)" in vm.screen()

    # PgDn moves a page (the rows shown, less one kept for context) at a time; the window
    # scrolls so that the selection stays visible; the last PgDn stops on the last target.
    page, at = shown - 1, 0
    while at < 39:
        send(vm, "pgdn")
        now = FORTY.index(redrawn(vm))
        assert now == min(at + page, 39)
        titles = [t for _, t in menu_list(vm.screen())]
        top = FORTY.index(titles[0])
        assert titles == FORTY[top:top + shown] and FORTY[now] in titles
        at = now
    assert f"> {FORTY[-1]}" in vm.screen() and "(more below)" not in vm.screen()

    send(vm, "home")
    assert redrawn(vm) == FORTY[0]
    assert [t for _, t in menu_list(vm.screen())] == FORTY[:shown]
    send(vm, "end")
    assert redrawn(vm) == FORTY[-1]
    assert [t for _, t in menu_list(vm.screen())] == FORTY[-shown:]
    send(vm, "pgup")
    assert redrawn(vm) == FORTY[39 - page]
    send(vm, "up")
    assert redrawn(vm) == FORTY[38 - page]
    send(vm, "end")
    assert redrawn(vm) == FORTY[-1]
    vm.send("enter")
    vm.expect(booting(FORTY[-1]))
    assert vm.wait_probe().cmdline == probe_cmdline(FORTY[-1])


def test_a_key_stops_the_countdown(targets_disk, menu_vm):
    vm = menu_vm([targets_disk(["first", "second"], header="timeout 4\n")])
    vm.expect(r"Booting 'first' in \d seconds")
    vm.send("down")
    assert redrawn(vm) == "second"
    # Well past the timeout: nothing boots by itself any more.
    with pytest.raises(AssertionError):
        vm.expect(r"Booting '", timeout=8)
    assert "Booting 'first' in" not in vm.screen()
    vm.send("enter")
    vm.expect(booting("second"))
    assert vm.wait_probe().cmdline == probe_cmdline("second")


def hidden_grub(timeout):
    return (f"set timeout_style=hidden\nset timeout={timeout}\nset default=0\n"
           + "".join(f"menuentry '{t}' {{\n\tlinux /vmlinuz {probe_cmdline(t)}\n"
                     "\tinitrd /probe.img\n}\n" for t in ("hidden one", "hidden two")))


@pytest.fixture
def hidden_disks(images, boot_disk, probe_initrd):
    def make(timeout):
        fs = images.ext4({"/boot/grub/grub.cfg": hidden_grub(timeout),
                          "/vmlinuz": KERNEL.resolve(), "/probe.img": probe_initrd(PROBED)},
                         label="hidden")
        return [boot_disk("# GRUB's menu only\n"), fs]
    return make


def test_hidden_style_boots_the_default_without_showing_anything(hidden_disks, menu_vm):
    vm = menu_vm(hidden_disks(2))
    vm.expect(booting("hidden one"))
    assert "Keys:" not in vm.console() and " seconds" not in vm.console()
    report = vm.wait_probe()
    assert report.cmdline == f"BOOT_IMAGE=/vmlinuz {probe_cmdline('hidden one')}"
    assert report.files == probe_files(PROBED)


def test_hidden_style_shows_nothing_until_a_key(hidden_disks, menu_vm):
    vm = menu_vm(hidden_disks(60))
    vm.wait_log("2 boot targets")
    time.sleep(4)
    assert "Keys:" not in vm.console() and " seconds" not in vm.console()
    assert "hidden one" not in vm.console()
    vm.send("down")
    assert redrawn(vm) == "hidden two"  # the key both reveals the menu and counts
    assert [t for _, t in menu_list(vm.screen())] == ["hidden one", "hidden two"]
    with pytest.raises(AssertionError):
        vm.expect(r"Booting '", timeout=5)
    vm.send("enter")
    vm.expect(booting("hidden two"))
    assert vm.wait_probe().cmdline == f"BOOT_IMAGE=/vmlinuz {probe_cmdline('hidden two')}"


def wait_titles(vm, check, what):
    """Waits for menu drawings until check(titles) holds; returns the last screen."""
    deadline = time.monotonic() + STEP_TIMEOUT
    while True:
        screen = vm.screen()
        if check([t for _, t in menu_list(screen)]):
            return screen
        assert time.monotonic() < deadline, what + vm.tail()
        vm.wait_menu(timeout=max(1, deadline - time.monotonic()))


def usb_stick(images, probe_initrd, name, files):
    """A partitioned stick with an extlinux.conf whose one target is titled `name`."""
    conf = (f"DEFAULT usb\nLABEL usb\n\tMENU LABEL {name}\n\tLINUX /boot/vmlinuz\n"
            f"\tAPPEND initrd=/boot/usb.img {probe_cmdline(name)}\n")
    fs = images.ext4({"/boot/extlinux/extlinux.conf": conf, "/boot/vmlinuz": KERNEL.resolve(),
                      "/boot/usb.img": probe_initrd(files)}, label="STICK")
    return images.disk("dos", [(fs, "linux")])


def test_a_usb_stick_plugged_in_adds_its_targets_and_pulled_out_removes_them(
        images, targets_disk, probe_initrd, menu_vm):
    second_files = marker("usb-stick.txt", 19)
    sticks = [usb_stick(images, probe_initrd, "USB one", marker("usb-one.txt", 1)),
              usb_stick(images, probe_initrd, "USB two", second_files)]
    vm = menu_vm([targets_disk(["first", "second"], header="grub-autodetect on\n")])
    vm.plugged += sticks
    vm.wait_menu()
    assert [t for _, t in menu_list(vm.screen())] == ["first", "second"]
    vm.send("down")
    assert redrawn(vm) == "second"

    def plug(n):
        for cmd in (f"drive_add 0 if=none,id=usb{n},file={sticks[n]},format=raw",
                    f"device_add usb-storage,bus=xhci.0,drive=usb{n},id=stick{n}"):
            said = plain(vm.monitor(cmd))
            assert not re.search(r"[Ee]rror|[Ff]ailed", said), said
        title = f"USB {('one', 'two')[n]}"
        return wait_titles(vm, lambda t: title in t, f"{title} did not appear")

    screen = plug(0)
    assert [t for _, t in menu_list(screen)] == ["first", "second", "USB one"]
    assert selected(screen) == "second"  # the selection stays where it was
    vm.monitor("device_del stick0")
    screen = wait_titles(vm, lambda t: "USB one" not in t, "the stick's target stayed")
    assert [t for _, t in menu_list(screen)] == ["first", "second"]
    assert selected(screen) == "second"

    plug(1)
    choose(vm, "USB two")
    report = vm.wait_probe()
    assert report.cmdline == f"BOOT_IMAGE=/boot/vmlinuz initrd=/boot/usb.img {probe_cmdline('USB two')}"
    assert report.files == probe_files(second_files)


@pytest.mark.parametrize("where", ["menu", "shell", "editor"])
def test_ctrl_alt_del_unmounts_and_restarts(targets_disk, menu_vm, where):
    vm = menu_vm([targets_disk(["first"])])
    vm.wait_menu()
    vm.wait_log("mounted vda")
    if where == "shell":
        vm.send("c")
        vm.expect(re.escape("kexec-loader> "))
    elif where == "editor":
        vm.send("e")
        vm.expect("Ctrl-X boots")
    vm.monitor("sendkey ctrl-alt-delete")
    vm.expect(r"Ctrl-Alt-Del: unmounting")
    vm.wait_exit(STEP_TIMEOUT)  # -no-reboot: QEMU stops when the machine restarts
    assert "Ctrl-Alt-Del: every filesystem unmounted" in vm.debug_log(), vm.tail()


# At the menu every letter may be a key (C, D, E, L) and Enter boots: junk for the menu
# avoids those; escape sequences are whole CSI/SS3 sequences as terminals send them.
MENU_TEXT = "abfghijkmnopqrstuvwxyz0123456789 !@#$%^&*()-_=+[]{};:'\",.<>/?|`~"
FINALS = "ABFGHIJKMNPSTXZ@`abfghmnpqrstu~"


def escapes(rng, count):
    out = []
    for _ in range(count):
        params = ";".join(str(rng.randrange(300)) for _ in range(rng.randrange(4)))[:9]
        kind = rng.randrange(3)
        if kind == 0:
            out.append(f"\x1b[{params}{rng.choice(FINALS)}")
        elif kind == 1:
            out.append(f"\x1bO{rng.choice(FINALS)}")
        else:
            out.append(f"\x1b[?{params}{rng.choice(FINALS)}")
    return [s for s in out if s != "\x1b[21~"]  # F10 boots from the editor


def controls(*keep_out):
    return "".join(chr(c) for c in range(1, 32) if chr(c) not in "\r\n\x1b" + "".join(keep_out))


def type_junk(vm, rng, text, count=150):
    vm.send("".join(rng.choice(text) for _ in range(2000)))
    for seq in escapes(rng, count):
        vm.send(seq)
        vm.send(rng.choice(text))


def test_nothing_typed_at_the_menu_shell_or_editor_crashes_pid_1(targets_disk, menu_vm):
    rng = random.Random(5)
    vm = menu_vm([targets_disk(["first", "second"])])
    vm.wait_menu()
    type_junk(vm, rng, MENU_TEXT + controls("\x03"))
    send(vm, "end")
    vm.send("\x0c")  # Ctrl-L redraws: the menu still answers
    # The junk leaves redraws in flight: a screen read between a clear and its
    # 'Keys:' line is half drawn, so only whole drawings are judged.
    deadline = time.monotonic() + STEP_TIMEOUT
    while [t for sel, t in menu_list(vm.screen()) if sel] != ["second"]:
        assert time.monotonic() < deadline, "the menu does not answer" + vm.tail()
        vm.wait_menu()

    vm.send("c")
    vm.expect(re.escape("kexec-loader> "))
    vm.send("".join(rng.choice(MENU_TEXT + "cdelCDEL") for _ in range(2000)) + "\r")
    vm.expect("Unknown command")
    type_junk(vm, rng, MENU_TEXT + "cdel" + controls())
    vm.send("\x03")
    vm.expect(re.escape("kexec-loader> "))
    vm.send("exit\r")
    vm.wait_menu()

    vm.send("e")
    vm.expect("Ctrl-X boots")
    type_junk(vm, rng, MENU_TEXT + "cdel" + controls("\x03", "\x18"))
    vm.send("\x1b")  # discards every change
    vm.wait_menu()
    send(vm, "home")
    vm.send("enter")
    vm.expect(booting("first"))
    report = vm.wait_probe()
    assert report.cmdline == probe_cmdline("first")
    assert report.files == probe_files(PROBED)
