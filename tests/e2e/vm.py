"""Runs QEMU (software emulation) for the virtual-machine tests.

Serial port 0 (ttyS0, the console: kexec-loader's menu and the probe's report) is QEMU's
standard input and output, driven with pexpect; serial port 1 (ttyS1) goes to a file, where
kexec-loader writes its debug log when started with debug_tty=/dev/ttyS1. The QEMU monitor
is reached through QMP on a UNIX socket (VM.qmp, VM.hmp): tests plug devices in and pull
them out while the machine runs.
"""

import dataclasses
import json
import os
import pathlib
import re
import shlex
import shutil
import socket
import tempfile
import time

import pexpect

# Generous: everything is emulated, and another VM or a build may share the machine.
BOOT_TIMEOUT = 120  # kernel start until kexec-loader's menu, or kexec until the probe's end
STEP_TIMEOUT = 60   # one step inside a running system (a key press, a failed boot)

KEYS = {"down": "\x1b[B", "up": "\x1b[A", "enter": "\r"}

ANSI = re.compile(r"\x1b(\[[0-9;?]*[ -/]*[@-~]|[()][0-9A-Za-z]|[=>78cDEHM])")


def plain(text):
    """Console text without terminal control sequences and carriage returns."""
    return ANSI.sub("", text).replace("\r", "")


# USB host controllers by name: "usb" is xHCI.
USB_CONTROLLERS = {"usb": "qemu-xhci", "usb-xhci": "qemu-xhci", "usb-ehci": "usb-ehci",
                   "usb-uhci": "piix3-usb-uhci"}


@dataclasses.dataclass
class Disk:
    """A raw image and how it is attached: virtio, scsi (virtio-scsi), sata, sata-cd, nvme,
    usb (xHCI), usb-xhci, usb-ehci or usb-uhci. `boot`: the firmware's only boot device (VMs
    started by the firmware, without -kernel)."""
    path: pathlib.Path
    bus: str = "virtio"
    boot: bool = False
    # A QEMU blkdebug rules file: reads of the sectors it names fail (error injection).
    blkdebug: pathlib.Path = None


# Firmware for VMs that boot from their disks: SeaBIOS (QEMU's own), and OVMF from Debian's
# ovmf package, plain or its Secure Boot build with Microsoft's keys enrolled.
OVMF = {"uefi": ("/usr/share/OVMF/OVMF_CODE_4M.fd", "/usr/share/OVMF/OVMF_VARS_4M.fd"),
        "uefi-sb": ("/usr/share/OVMF/OVMF_CODE_4M.ms.fd", "/usr/share/OVMF/OVMF_VARS_4M.ms.fd")}


@dataclasses.dataclass
class Probe:
    """What the probe target reported."""
    cmdline: str
    files: dict  # path -> size


class VM:
    def __init__(self, workdir, kernel, initrd, append, disks=(), memory=1024, firmware="bios",
                 cpu=None, floppy=None):
        """kernel None: the firmware boots the Disk marked boot=True ("bios": SeaBIOS,
        "uefi": OVMF, "uefi-sb": OVMF with Secure Boot on). cpu: a QEMU CPU model (-cpu),
        None for QEMU's default. floppy: an image in the first floppy drive, which SeaBIOS
        boots when no disk is marked boot=True."""
        self.floppy = floppy
        self.firmware = firmware
        self.workdir = pathlib.Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.kernel, self.initrd, self.append = kernel, initrd, append
        self.disks = [d if isinstance(d, Disk) else Disk(pathlib.Path(d)) for d in disks]
        self.memory = memory
        self.cpu = cpu
        self.debug_path = self.workdir / "ttyS1.log"
        self.console_path = self.workdir / "ttyS0.log"
        # ttyS0's bytes as the machine sent them (the terminal pexpect reads through adds
        # a carriage return before each line feed of its own)
        self.console_raw_path = self.workdir / "ttyS0.raw"
        self.child = None
        self._console_log = None
        # A short path: a UNIX socket's name has room for 107 bytes only.
        self._qmp_dir = tempfile.mkdtemp(prefix="kl-qmp-")
        self.qmp_path = os.path.join(self._qmp_dir, "qmp.sock")
        self._qmp = None
        self.extra_args = []  # more QEMU arguments (controllers for devices plugged in later)

    # -- the command line -----------------------------------------------------------------

    def _disk_args(self):
        args, usb, scsi, ahci_ports = [], set(), False, 0
        for i, d in enumerate(self.disks):
            drive = f"file={d.path},format=raw,if=none,id=d{i},snapshot=off"
            if d.blkdebug:
                drive = (f"driver=raw,file.driver=blkdebug,file.config={d.blkdebug},"
                         f"file.image.filename={d.path},if=none,id=d{i}")
            boot = ",bootindex=1" if d.boot else ""
            if d.bus == "virtio":
                args += ["-drive", drive, "-device", f"virtio-blk-pci,drive=d{i}{boot}"]
            elif d.bus == "scsi":
                if not scsi:
                    args += ["-device", "virtio-scsi-pci,id=scsi"]
                    scsi = True
                args += ["-drive", drive, "-device", f"scsi-hd,drive=d{i},bus=scsi.0{boot}"]
            elif d.bus in ("sata", "sata-cd"):
                # an AHCI controller has 6 ports: a second one from the seventh disk on
                ctl, port = divmod(ahci_ports, 6)
                name = "ahci" if ctl == 0 else f"ahci{ctl}"
                if port == 0:
                    args += ["-device", f"ahci,id={name}"]
                kind = "ide-cd" if d.bus == "sata-cd" else "ide-hd"
                media = ",media=cdrom" if d.bus == "sata-cd" else ""
                args += ["-drive", drive + media,
                         "-device", f"{kind},drive=d{i},bus={name}.{port}{boot}"]
                ahci_ports += 1
            elif d.bus == "nvme":
                args += ["-drive", drive, "-device", f"nvme,drive=d{i},serial=kl{i}{boot}"]
            elif d.bus in USB_CONTROLLERS:
                if d.bus not in usb:
                    # xHCI with room for 15 sticks (a stick takes a USB 2 port)
                    ports = ",p2=15,p3=15" if USB_CONTROLLERS[d.bus] == "qemu-xhci" else ""
                    args += ["-device", f"{USB_CONTROLLERS[d.bus]},id={d.bus}{ports}"]
                    usb.add(d.bus)
                args += ["-drive", drive,
                         "-device", f"usb-storage,bus={d.bus}.0,drive=d{i}{boot}"]
            else:
                raise ValueError(f"unknown bus {d.bus!r}")
        return args

    def _boot_args(self):
        if self.kernel is not None:
            return ["-kernel", str(self.kernel), "-initrd", str(self.initrd), "-append", self.append]
        if self.floppy is not None and not any(d.boot for d in self.disks):
            return ["-drive", f"file={self.floppy},format=raw,if=floppy,index=0", "-boot", "a"]
        # The firmware boots only the disk marked boot=True.
        args = ["-boot", "strict=on"]
        if self.firmware == "bios":
            return args
        code, vars_template = OVMF[self.firmware]
        nvram = self.workdir / "OVMF_VARS.fd"  # a copy: the firmware writes its variables
        shutil.copyfile(vars_template, nvram)
        # The Secure Boot build keeps its variables safe in SMM: q35 with SMM on.
        return args + ["-machine", "q35,smm=on", "-global", "driver=cfi.pflash01,property=secure,value=on",
                       "-drive", f"if=pflash,format=raw,unit=0,readonly=on,file={code}",
                       "-drive", f"if=pflash,format=raw,unit=1,file={nvram}"]

    def argv(self):
        return ["qemu-system-x86_64", "-accel", "tcg", "-m", str(self.memory),
                *(["-cpu", self.cpu] if self.cpu else []),
                "-display", "none", "-no-reboot", "-nodefaults", "-monitor", "none",
                *self._boot_args(),
                "-chardev", f"stdio,id=s0,signal=off,logfile={self.console_raw_path}",
                "-serial", "chardev:s0",
                "-serial", f"file:{self.debug_path}",
                "-qmp", f"unix:{self.qmp_path},server=on,wait=off",
                *self._disk_args(), *self.extra_args]

    # -- running ------------------------------------------------------------------------

    def start(self):
        argv = self.argv()
        (self.workdir / "qemu.cmd").write_text(shlex.join(argv) + "\n")
        self._console_log = open(self.console_path, "w", encoding="utf-8")
        self.child = pexpect.spawn(argv[0], argv[1:], encoding="utf-8", codec_errors="replace",
                                   timeout=BOOT_TIMEOUT, dimensions=(24, 80),
                                   logfile=None)
        self.child.logfile_read = self._console_log
        return self

    def close(self):
        if self._qmp:
            self._qmp.close()
            self._qmp = None
        if self.child is not None and self.child.isalive():
            self.child.terminate(force=True)
        if self._console_log:
            self._console_log.close()
        for name in ("qmp.sock",):
            try:
                os.unlink(os.path.join(self._qmp_dir, name))
            except FileNotFoundError:
                pass
        try:
            os.rmdir(self._qmp_dir)
        except OSError:
            pass

    # -- the monitor (QMP) --------------------------------------------------------------

    def _qmp_connect(self):
        deadline = time.monotonic() + STEP_TIMEOUT
        while True:
            try:
                sock = socket.socket(socket.AF_UNIX)
                sock.connect(self.qmp_path)
                break
            except (FileNotFoundError, ConnectionRefusedError):
                sock.close()
                if time.monotonic() > deadline:
                    raise AssertionError("QEMU's monitor socket never appeared" + self.tail())
                time.sleep(0.1)
        self._qmp = sock.makefile("rw", encoding="utf-8")
        self._qmp_sock = sock
        json.loads(self._qmp.readline())  # the greeting
        self.qmp("qmp_capabilities")

    def qmp(self, command, **arguments):
        """Runs one QMP command; returns its "return" value, raises on an "error"."""
        if self._qmp is None and command != "qmp_capabilities":
            self._qmp_connect()
        msg = {"execute": command}
        if arguments:
            msg["arguments"] = arguments
        self._qmp.write(json.dumps(msg) + "\n")
        self._qmp.flush()
        while True:
            reply = json.loads(self._qmp.readline())
            if "event" in reply:
                continue
            if "error" in reply:
                raise AssertionError(f"QMP {command} {arguments}: {reply['error']}")
            return reply.get("return")

    def hmp(self, command_line):
        """Runs a human monitor command (as typed at QEMU's (qemu) prompt); returns its text."""
        return self.qmp("human-monitor-command", **{"command-line": command_line})

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()

    # -- the console --------------------------------------------------------------------

    def console(self):
        """Everything ttyS0 printed so far, without control sequences."""
        if self._console_log:
            self._console_log.flush()
        return plain(self.console_path.read_text(encoding="utf-8", errors="replace"))

    def screen(self):
        """The console since it was last cleared, without control sequences: the last full
        menu drawing and whatever followed it."""
        if self._console_log:
            self._console_log.flush()
        with open(self.console_path, encoding="utf-8", errors="replace", newline="") as f:
            raw = f.read()
        return plain(raw[max(raw.rfind("\x1b[2J"), 0):])

    def debug_log(self):
        """kexec-loader's debug log (ttyS1) so far."""
        if not self.debug_path.exists():
            return ""
        return plain(self.debug_path.read_text(encoding="utf-8", errors="replace"))

    def wait_log(self, text, timeout=BOOT_TIMEOUT):
        """Waits until the debug log contains `text`."""
        deadline = time.monotonic() + timeout
        while text not in self.debug_log():
            assert time.monotonic() < deadline, f"no {text!r} in the debug log" + self.tail()
            time.sleep(0.2)

    def tail(self, chars=3000):
        return (f"\n--- console (ttyS0), last {chars} characters ---\n{self.console()[-chars:]}"
                f"\n--- debug log (ttyS1), last {chars} characters ---\n{self.debug_log()[-chars:]}"
                f"\n--- files in {self.workdir} ---")

    def expect(self, pattern, timeout=STEP_TIMEOUT):
        """Waits for a regular expression on the console; returns the match."""
        try:
            self.child.expect(pattern, timeout=timeout)
        except pexpect.TIMEOUT:
            raise AssertionError(f"no {pattern!r} on the console within {timeout} s"
                                 + self.tail()) from None
        except pexpect.EOF:
            raise AssertionError(f"the machine stopped before {pattern!r} appeared"
                                 + self.tail()) from None
        return self.child.match

    def send(self, *keys):
        """Types keys: names from KEYS ("down", "up", "enter") or literal text."""
        self.child.send("".join(KEYS.get(k, k) for k in keys))

    def wait_menu(self, timeout=BOOT_TIMEOUT):
        """Waits until a full menu is drawn (its last line starts with 'Keys:')."""
        self.expect(r"Keys:", timeout)

    def wait_probe(self, timeout=BOOT_TIMEOUT):
        """Waits for the probe's report and for the machine to power off. A menu drawn
        meanwhile means the boot failed: that fails at once, with the menu's message."""
        try:
            menu = self.child.expect([r"PROBE end", r"Keys:"], timeout=timeout)
        except (pexpect.TIMEOUT, pexpect.EOF):
            raise AssertionError(f"no probe report within {timeout} s" + self.tail()) from None
        if menu:
            raise AssertionError("kexec-loader showed its menu instead of booting the target"
                                 + self.tail())
        try:
            self.child.expect(pexpect.EOF, timeout=STEP_TIMEOUT)
        except pexpect.TIMEOUT:
            raise AssertionError("the probe did not power the machine off" + self.tail()) from None
        return parse_probe(self.console())

    def wait_exit(self, timeout=BOOT_TIMEOUT):
        try:
            self.child.expect(pexpect.EOF, timeout=timeout)
        except pexpect.TIMEOUT:
            raise AssertionError("the machine did not stop" + self.tail()) from None


def close_all(vms, images):
    """Closes the VMs a test started, then proves none of them wrote to its disks."""
    for vm in vms:
        vm.close()
    for vm in vms:
        for disk in vm.disks:
            images.verify(disk.path)


def parse_probe(text):
    """The last probe report in console text (kernel messages may be interleaved)."""
    start = text.rfind("PROBE cmdline: ")
    assert start >= 0, "no probe report on the console"
    cmdline, files = None, {}
    for line in text[start:].split("\n"):
        if line.startswith("PROBE cmdline: "):
            cmdline = line[len("PROBE cmdline: "):]
        elif line.startswith("PROBE file: "):
            path, _, size = line[len("PROBE file: "):].rpartition(" ")
            files[path] = int(size)
        elif line.startswith("PROBE end"):
            return Probe(cmdline, files)
    raise AssertionError("the probe report has no end")


def qemu_available():
    return any(os.access(os.path.join(p, "qemu-system-x86_64"), os.X_OK)
               for p in os.environ.get("PATH", "").split(os.pathsep))
