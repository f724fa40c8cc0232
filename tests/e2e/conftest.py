"""Fixtures of the virtual-machine tests: disk images, probe initrds and QEMU runs.

Run through `make e2e` (tools/run-e2e), which builds build/vmlinuz, build/initramfs.img and
build/probe first.
"""

import fcntl
import hashlib
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).parent))

from images import ImageCache  # noqa: E402
from vm import VM, Disk, close_all  # noqa: E402,F401  (Disk: for the tests)

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = ROOT / "build"
KERNEL = BUILD / "vmlinuz"
INITRAMFS = BUILD / "initramfs.img"
PROBE = BUILD / "probe"

# ttyS0 is the console kexec-loader draws its menu on; ttyS1 (a file) gets its debug log.
# `quiet` keeps kernel messages out of the menu.
KL_APPEND = "console=ttyS0 debug_tty=/dev/ttyS1 quiet"


def pytest_sessionstart(session):
    missing = [str(p.relative_to(ROOT)) for p in (KERNEL, INITRAMFS, PROBE) if not p.exists()]
    if missing:
        pytest.exit(f"missing {', '.join(missing)}: run `make e2e`, which builds them", 2)


@pytest.fixture(scope="session")
def images(tmp_path_factory):
    return ImageCache(tmp_path_factory.mktemp("images"))


@pytest.fixture(scope="session")
def probe_initrd(tmp_path_factory):
    """probe_initrd({"/a/x.txt": "text"}) -> an initramfs with the probe as /init and these
    files; the same files give the same image within a session."""
    folder = tmp_path_factory.mktemp("probe-initrds")
    made = {}

    def make(files=None):
        files = dict(files or {})
        key = tuple(sorted((k, v if isinstance(v, (str, bytes)) else str(v))
                           for k, v in files.items()))
        if key not in made:
            n = len(made)
            src = folder / f"src{n}"
            cmd = [str(ROOT / "tools" / "mkinitramfs"), "--init", str(PROBE),
                   "-o", str(folder / f"probe{n}.img")]
            for i, (dest, content) in enumerate(sorted(files.items())):
                host = src / str(i)
                host.parent.mkdir(parents=True, exist_ok=True)
                if isinstance(content, pathlib.Path):
                    host.write_bytes(content.read_bytes())
                else:
                    host.write_bytes(content.encode() if isinstance(content, str) else content)
                cmd += ["--add", f"{host}:{dest}"]
            subprocess.run(cmd, check=True)
            made[key] = folder / f"probe{n}.img"
        return made[key]

    return make


@pytest.fixture
def machines(tmp_path, images):
    """machines(kernel=, initrd=, append=, disks=[...]) -> a started VM.

    When the test ends every machine is stopped and every disk it had is checked against
    the checksum taken when the image was made: kexec-loader must never write a disk.
    """
    started = []

    def start(initrd, append, disks=(), kernel=KERNEL, firmware="bios", cpu=None):
        """kernel=None: the firmware boots the disk marked boot=True (see vm.VM)."""
        vm = VM(tmp_path / f"vm{len(started)}", kernel, initrd, append, disks, firmware=firmware,
                cpu=cpu)
        started.append(vm)
        return vm.start()

    yield start
    close_all(started, images)


@pytest.fixture
def kexec_loader(machines):
    """kexec_loader(disks, append="", cpu=None) -> a VM booting build/initramfs.img
    (kexec-loader), with QEMU's default CPU model or `cpu`."""
    def start(disks, append="", cpu=None):
        return machines(INITRAMFS, f"{KL_APPEND} {append}".strip(), disks, cpu=cpu)
    return start


@pytest.fixture
def boot_disk(images):
    """boot_disk(conf, files={}) -> a FAT image labelled kexecloader holding
    kexec-loader.conf (or `conf_name`), the target kernel as /vmlinuz, and `files`."""
    def make(conf, files=None, conf_name="kexec-loader.conf", label="kexecloader"):
        content = {"/vmlinuz": KERNEL.resolve()}
        if conf is not None:
            content["/" + conf_name.lstrip("/")] = conf
        content.update(files or {})
        return images.fat(content, label=label)
    return make



# The boot media the tests start through the firmware are made with this date, so that a
# rebuild from the same inputs must give the same bytes (test_media checks that it does).
MEDIA_EPOCH = "1700000000"
MEDIA_INPUTS = ["tools/mkimage", "tools/imagelib.py", "tools/mkinitramfs",
                "tools/image/kexec-loader.conf", "tools/image/modules-README.txt",
                "build/kexec-loader", "build/vmlinuz"]


def build_media(folder):
    """Writes kexec-loader-usb.img and kexec-loader.iso into `folder` with tools/mkimage."""
    folder.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, SOURCE_DATE_EPOCH=MEDIA_EPOCH)
    for name in ("kexec-loader-usb.img", "kexec-loader.iso"):
        subprocess.run([str(ROOT / "tools" / "mkimage"), "-o", str(folder / name)], env=env,
                       check=True, stdout=subprocess.DEVNULL)
    return {"usb": folder / "kexec-loader-usb.img", "iso": folder / "kexec-loader.iso"}


@pytest.fixture(scope="session")
def media():
    """{"usb": path, "iso": path}: the images `make images` writes, built once for their
    inputs and shared by every test and every test process (build/e2e-media/HASH). Tests
    that change an image work on a copy."""
    h = hashlib.sha256()
    for rel in MEDIA_INPUTS:
        h.update(rel.encode() + b"\0" + (ROOT / rel).read_bytes())
    folder = BUILD / "e2e-media" / h.hexdigest()[:16]
    folder.parent.mkdir(parents=True, exist_ok=True)
    with open(folder.parent / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / "done").exists():
            build_media(folder)
            (folder / "done").write_text("")
        # Images built from older inputs are no use any more: 40 MB each.
        for old in folder.parent.iterdir():
            if old.is_dir() and old != folder:
                shutil.rmtree(old, ignore_errors=True)
    return {"usb": folder / "kexec-loader-usb.img", "iso": folder / "kexec-loader.iso"}
