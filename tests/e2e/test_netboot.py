"""Network boot against real servers: dnsmasq (DHCP and TFTP) and HTTP servers in a network
namespace joined to the VM by a tap device (netsite.py), trees shaped as sites serve them.

- PXELINUX: pxelinux.cfg/default with a menu of three labels and a 01-MAC file that wins;
  its default (IPAPPEND 2) boots the probe over TFTP with BOOTIF=01-MAC. The same VM's
  shell meets the faults: TFTP error 1, HTTP 404, a file cut short, a server that sends more
  than it announced, a server killed mid-transfer, a TFTP server that never answers; each
  has its message, and the menu still boots.
- GRUB: a grub-mknetdir tree (boot/grub/i386-pc/core.0, boot/grub/grub.cfg) over TFTP,
  run with GRUB's net_* variables; its default boots.
- kexec-loader.conf with http:// paths: the kernel and a 100 MB initrd over HTTP boot
  (DHCP on the card netboot-interface names by its MAC address).
- No DHCP answer: a message within 10 seconds, and the disk's target is still offered.
"""

import re
import shutil
import subprocess
import time

import pytest

from conftest import INITRAMFS, KERNEL, KL_APPEND, PROBE, ROOT
from netsite import CLIENT, DYING_PORT, HTTP_PORT, MAC, SERVER, SILENT, Site
from scenario import booting, choose, menu_list, probe_cmdline, target
from vm import VM, close_all, plain

pytestmark = pytest.mark.skipif(shutil.which("dnsmasq") is None, reason="dnsmasq is not installed")

BOOTIF = "BOOTIF=01-" + MAC.replace(":", "-")


class NetVM(VM):
    """A VM whose QEMU runs inside the site's namespace, with one virtio network card."""

    def __init__(self, site, *args, **kw):
        super().__init__(*args, **kw)
        self.site = site

    def argv(self):
        return self.site.vm_prefix() + super().argv() + self.site.qemu_net()


@pytest.fixture
def net_vm(tmp_path, images):
    started = []

    def start(site, disks=(), append=""):
        vm = NetVM(site, tmp_path / f"vm{len(started)}", KERNEL, INITRAMFS,
                   f"{KL_APPEND} {append}".strip(), disks)
        started.append(vm)
        return vm.start()

    yield start
    close_all(started, images)


def tree(path, files):
    for name, content in files.items():
        f = path / name.lstrip("/")
        f.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            f.write_bytes(content)
        elif hasattr(content, "read_bytes"):
            shutil.copyfile(content, f)
        else:
            f.write_text(content)
    return path


PROMPT = re.escape("kexec-loader> ")


def shell(vm, line, wait=PROMPT, timeout=60):
    """Types a shell line; returns the console text it produced."""
    before = len(vm.console())
    vm.send(line, "enter")
    vm.expect(re.escape(line) + r"[\s\S]*?" + wait, timeout)
    return vm.console()[before:]


# ---------------------------------------------------------------------------------------
# PXELINUX over TFTP, and the faults

PXE_DEFAULT = """\
UI menu.c32
DEFAULT one
TIMEOUT 600
LABEL one
  KERNEL debian/linux
  APPEND {args} site=default-one
LABEL two
  KERNEL debian/linux
  APPEND {args} site=default-two
LABEL three
  KERNEL debian/linux
  APPEND {args} site=default-three
"""

PXE_MAC = """\
UI menu.c32
PROMPT 0
TIMEOUT 600
DEFAULT install
MENU TITLE This machine
LABEL rescue
  MENU LABEL Rescue
  KERNEL debian/linux
  APPEND {args} site=rescue
LABEL install
  MENU LABEL Install Debian
  MENU DEFAULT
  KERNEL debian/linux
  INITRD debian/initrd.gz
  APPEND vga=788 {args}
  IPAPPEND 2
LABEL local
  MENU LABEL Boot from the first disk
  LOCALBOOT 0
"""


@pytest.fixture
def pxelinux_site(tmp_path, probe_initrd):
    args = probe_cmdline("pxe")
    root = tree(tmp_path / "tftp", {
        "pxelinux.0": b"not a real pxelinux.0: kexec-loader only reads the tree beside it",
        "pxelinux.cfg/default": PXE_DEFAULT.format(args=args),
        "pxelinux.cfg/01-" + MAC.replace(":", "-"): PXE_MAC.format(args=args),
        "debian/linux": KERNEL.resolve(),
        "debian/initrd.gz": probe_initrd({"/pxe.txt": "p" * 33}),
        "big.bin": b"b" * 3_000_000,
    })
    with Site(tmp_path, root, dhcp_boot="pxelinux.0") as site:
        yield site


def test_pxelinux_mac_file_wins_faults_have_messages_and_the_default_boots_over_tftp(
        pxelinux_site, net_vm, boot_disk):
    vm = net_vm(pxelinux_site, [boot_disk(None)])  # kexec-loader's own disk, no targets on it
    vm.wait_menu()
    screen = vm.screen()
    titles = [t for _, t in menu_list(screen)]
    assert titles[:2] == ["Rescue", "Install Debian"], screen
    assert titles[2].startswith("Boot from the first disk") and len(titles) == 3, screen
    log = vm.debug_log()
    assert f"PXELINUX configuration: (tftp,{SERVER})/pxelinux.cfg/01-" in log, vm.tail()
    assert "default-one" not in screen

    vm.send("\x1b[H")  # the first key only stops the countdown
    vm.wait_menu()
    vm.send("c")
    vm.expect(PROMPT)
    out = plain(shell(vm, "net"))
    assert f"address      {CLIENT}" in out and "boot file    pxelinux.0" in out, out
    out = plain(shell(vm, f"cat (tftp,{SERVER})/debian/missing"))
    assert f"tftp://{SERVER}/debian/missing: TFTP error: file not found" in out, out
    out = plain(shell(vm, f"cat http://{SERVER}:{HTTP_PORT}/debian/missing"))
    assert (f"http://{SERVER}:{HTTP_PORT}/debian/missing: HTTP 404 Not Found: "
            "the server has no such file") in out, out
    out = plain(shell(vm, f"cat http://{SERVER}:{HTTP_PORT}/truncated"))
    assert "the connection closed after 1000 of the 1000000 bytes announced" in out, out
    out = plain(shell(vm, f"cat http://{SERVER}:{HTTP_PORT}/toolong"))
    assert "the server sent more than the 10 bytes it announced" in out, out
    out = plain(shell(vm, f"cat (http,{SERVER}:{DYING_PORT})/anything"))
    assert re.search(r"http://10\.0\.2\.2:8081/anything: the connection (closed after "
                     r"\d+ of the 4000000 bytes announced|broke after)", out), out
    started = time.monotonic()
    out = plain(shell(vm, f"cat (tftp,{SILENT})/pxelinux.cfg/default"))
    assert f"tftp://{SILENT}/pxelinux.cfg/default: the server does not answer" in out, out
    assert time.monotonic() - started < 30
    out = plain(shell(vm, f"cat (tftp,{SERVER})/big.bin", wait="(" + PROMPT + "|q to stop)"))
    assert "bbbbbbbb" in out
    vm.send("q")
    vm.expect(PROMPT)
    vm.send("exit", "enter")
    vm.wait_menu()
    choose(vm, "Install Debian")
    report = vm.wait_probe()
    assert report.cmdline == (f"BOOT_IMAGE=debian/linux vga=788 {probe_cmdline('pxe')} "
                              f"initrd=debian/initrd.gz {BOOTIF}")
    assert report.files.get("/pxe.txt") == 33
    assert "DHCPRELEASE" in pxelinux_site.leases()


# ---------------------------------------------------------------------------------------
# GRUB 2 as grub-mknetdir lays it out

GRUB_CFG = """\
set default=1
set timeout=30
menuentry 'Over HTTP, not the default' {{
    linux (http,{server}:{port})/boot/vmlinuz {args} grub=http
}}
menuentry 'Debian over TFTP' --id debian {{
    echo "from $net_default_server as $net_pxe_ip ($net_pxe_mac)"
    linux /boot/vmlinuz {args} grub=tftp server=$net_default_server ip=$net_default_ip
    initrd /boot/initrd.img
}}
"""


@pytest.fixture
def grub_site(tmp_path, probe_initrd):
    args = probe_cmdline("grub")
    root = tree(tmp_path / "tftp", {
        "boot/grub/i386-pc/core.0": b"not a real core.0",
        "boot/grub/grub.cfg": GRUB_CFG.format(server=SERVER, port=HTTP_PORT, args=args),
        "boot/vmlinuz": KERNEL.resolve(),
        "boot/initrd.img": probe_initrd({"/grub.txt": "g" * 44}),
    })
    with Site(tmp_path, root, dhcp_boot="boot/grub/i386-pc/core.0") as site:
        yield site


def test_grub_netdir_default_boots_with_net_variables(grub_site, net_vm, boot_disk):
    vm = net_vm(grub_site, [boot_disk(None)])
    vm.expect(booting("Debian over TFTP") + "|Booting 'Debian over TFTP' in", 180)
    log = vm.debug_log()
    assert f"GRUB configuration: (tftp,{SERVER})/boot/grub/grub.cfg" in log, vm.tail()
    vm.send("enter")
    report = vm.wait_probe()
    assert report.cmdline == (f"BOOT_IMAGE=/boot/vmlinuz {probe_cmdline('grub')} grub=tftp "
                              f"server={SERVER} ip={CLIENT}")
    assert report.files.get("/grub.txt") == 44


# ---------------------------------------------------------------------------------------
# kexec-loader.conf with http:// paths: a 100 MB initrd

BIG = 100 * 1024 * 1024


@pytest.fixture
def http_site(tmp_path):
    root = tmp_path / "www"
    root.mkdir()
    shutil.copyfile(KERNEL.resolve(), root / "vmlinuz")
    big = tmp_path / "big-src"
    big.mkdir()
    (big / "big.bin").write_bytes(b"\0" * BIG)
    # an uncompressed archive: 100 MB on the wire, nothing for the VM to decompress
    subprocess.run([str(ROOT / "tools" / "mkinitramfs"), "--init", str(PROBE), "--compress",
                    "none", "--add", f"{big / 'big.bin'}:/big.bin", "-o",
                    str(root / "initrd-100m.img")], check=True)
    with Site(tmp_path, root) as site:
        yield site


def test_kernel_and_100mb_initrd_over_http_from_kexec_loader_conf(http_site, net_vm, boot_disk):
    url = f"http://{SERVER}:{HTTP_PORT}"
    conf = f"netboot on\nnetboot-interface {MAC.upper()}\ntimeout 0\n" + target(
        "Over HTTP", root=f"http,{SERVER}:{HTTP_PORT}", kernel="/vmlinuz",
        initrds=[f"{url}/initrd-100m.img"], default=True)
    vm = net_vm(http_site, [boot_disk(conf)])
    vm.expect(booting("Over HTTP"), 180)
    report = vm.wait_probe(timeout=300)
    assert report.cmdline == probe_cmdline("Over HTTP")
    assert report.files.get("/big.bin") == BIG
    log = vm.debug_log()
    m = re.search(r"fetched http://10\.0\.2\.2:8080/initrd-100m\.img: (\d+) bytes in (\d+) ms",
                  log)
    assert m, vm.tail()


# ---------------------------------------------------------------------------------------
# No DHCP server: the disks are still offered

def test_no_dhcp_answer_says_so_within_10_seconds_and_the_disk_target_stays(
        tmp_path, net_vm, boot_disk):
    root = tmp_path / "empty"
    root.mkdir()
    conf = "netboot on\n" + target("From the disk")
    with Site(tmp_path, root, dhcp=False) as site:
        vm = net_vm(site, [boot_disk(conf)])
        vm.expect(r"Network: asking for an address \(DHCP\)", 120)
        asked = time.monotonic()
        vm.expect(r"no DHCP answer on \w+", 20)
        assert time.monotonic() - asked < 10 + 2  # the console's own delay
        vm.wait_menu()
        screen = vm.screen()
        assert "From the disk" in [t for _, t in menu_list(screen)]
        assert re.search(r"Network: no DHCP answer on \w+ after 8 seconds", screen), screen
