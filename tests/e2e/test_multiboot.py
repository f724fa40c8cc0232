"""Multiboot kernels: the freestanding test kernels of tests/mbkernel print every field
they receive on COM1 (`key=value` lines between MBKERNEL BEGIN and MBKERNEL END).

First QEMU's own `-kernel` Multiboot loader boots the Multiboot 1 kernels: that checks the
test kernels themselves and gives the reference. Then kexec-loader boots each variant from
a kexec-loader.conf target with modules, and its fields are checked against the
specification and compared with QEMU's.

Expected differences between QEMU's loader and kexec-loader (QEMU_ONLY / OURS_ONLY below):
- boot_device (flags bit 1): QEMU passes 0x8000ffff (first hard disk); under kexec there is
  no BIOS drive number to give, so kexec-loader leaves the bit clear.
- ELF section headers (flags bit 5): kexec-loader passes them, QEMU does not.
- boot_loader_name: "qemu" against "kexec-loader VERSION".
- the information structure: QEMU puts it below 1 MiB, kexec-loader never below 1 MiB.
- the memory map and mem_lower: kexec-loader reserves the top KiB of conventional memory
  (below the EBDA) for its BIOS disk guard, as a BIOS extension takes base memory.
- the command line starts with the kernel's path as each was given it (QEMU: the host file
  name; kexec-loader: the path in kexec-loader.conf).
- module addresses: above the kernel, not necessarily the same; QEMU aligns them to pages
  counted from the kernel's load address, which for the a.out kernel at 0x100200 is not a
  page boundary although the header asks for page-aligned modules (flags bit 0).

Both machines have the same disk attached: SeaBIOS reserves memory at the top of RAM for
each virtio disk, so the memory maps only agree on the same machine.

Xen is tested in test_xen.py. Not tested: the framebuffer fields (the harness runs without
a display), reset-vga's effect on screen.
"""

import re
import subprocess

import pytest

from conftest import BUILD, ROOT
from vm import qemu_available

MB1_MAGIC = 0x2BADB002
MB2_MAGIC = 0x36D76289
QEMU_ONLY = {"boot_device"}
OURS_ONLY = {"elf_num", "elf_size", "elf_addr", "elf_shndx"}
# The machine as it is handed over (tests/mbkernel's machine()): control registers, EFER,
# XCR0, PAT, the local APIC, the 8259s' masks, the PIT's mode, and the vector the timer's
# interrupt arrives on once the kernel turns interrupts on (0x08 from a BIOS).
HAND_OVER = ("cr0", "cr4", "efer", "xcr0", "pat", "apic_mode", "apic_svr", "apic_tpr",
             "apic_lint0", "apic_lint1", "pic_masks", "pit0_mode", "irq0_vector")
MOD1 = bytes((i * 7 + 3) % 251 for i in range(5000))
MOD2 = b"hello module two"
VERSION = (ROOT / "VERSION").read_text().strip()

pytestmark = pytest.mark.skipif(not qemu_available(), reason="qemu-system-x86_64 missing")


def fnv(data):
    h = 2166136261
    for b in data:
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return h


def parse(text):
    """The last report in console text: fields, modules, memory map, MB2 tags."""
    start = text.rfind("MBKERNEL BEGIN")
    end = text.find("MBKERNEL END", start)
    assert start >= 0 and end > start, "no complete report from the test kernel:\n" + text[-2000:]
    fields, mods, mmap, tags = {}, [], [], []
    for line in text[start:end].replace("\r", "").split("\n")[1:]:
        if line.startswith("mod "):
            m = re.match(r"mod (\d+) start=(\S+) end=(\S+) fnv=(\S+) cmdline=(.*)$", line)
            mods.append(dict(start=int(m[2], 16), end=int(m[3], 16), fnv=int(m[4], 16),
                             cmdline=m[5]))
        elif line.startswith("mmap "):
            a, n, t = line.split()[1:]
            mmap.append((int(a, 16), int(n, 16), int(t)))
        elif line.startswith("tag "):
            tags.append(int(line.split()[1]))
        elif "=" in line:
            k, v = line.split("=", 1)
            fields[k] = int(v, 16) if re.fullmatch(r"0x[0-9a-f]+", v) else v
    return fields, mods, mmap, tags


@pytest.fixture(scope="session")
def mbkernels(tmp_path_factory):
    out = tmp_path_factory.mktemp("mbkernel")
    subprocess.run([str(ROOT / "tools" / "build-mbkernels"), str(out)], check=True)
    return out


def qemu_multiboot(kernel, append, modules, memory=1024, disk=None, cpu=None):
    """Boots kernel with QEMU's own Multiboot loader; returns the console text. `disk`
    attaches an image as kexec-loader's VMs do: SeaBIOS reserves memory for each virtio
    disk, so the memory map is only the same on the same machine."""
    argv = ["qemu-system-x86_64", "-accel", "tcg", "-m", str(memory), "-display", "none",
            *(["-cpu", cpu] if cpu else []),
            "-nodefaults", "-no-reboot", "-serial", "stdio",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=4",
            "-kernel", str(kernel), "-append", append, "-initrd", ",".join(modules)]
    if disk:
        argv += ["-drive", f"file={disk},format=raw,if=none,id=d0,readonly=on",
                 "-device", "virtio-blk-pci,drive=d0"]
    r = subprocess.run(argv, capture_output=True, timeout=120)
    assert r.returncode == 0x21, f"QEMU exited with {r.returncode}: {r.stderr.decode()}"
    return r.stdout.decode(errors="replace")


def with_disk_guard(mmap):
    """The map QEMU's loader gives, with the KiB kexec-loader's BIOS disk guard takes off
    the top of conventional memory."""
    (a, n, t), rest = mmap[0], mmap[1:]
    assert a == 0 and t == 1
    return [(0, n - 1024, 1), (n - 1024, 1024, 2)] + rest


def check_memory(fields, mmap):
    """mem_lower/mem_upper agree with the map: RAM from 0 and the RAM run from 1 MiB."""
    assert mmap, "no memory map"
    low = next(n for a, n, t in mmap if a == 0 and t == 1)
    assert fields["mem_lower"] == min(low, 640 * 1024) // 1024
    up = next(n for a, n, t in mmap if a == 0x100000 and t == 1)
    assert fields["mem_upper"] == up // 1024


def check_modules(mods, names, aligned=True):
    assert len(mods) == 2
    for m, data, cmd in zip(mods, (MOD1, MOD2), names):
        assert m["start"] % 4096 == 0 or not aligned
        assert m["end"] - m["start"] == len(data)
        assert m["fnv"] == fnv(data)
        assert m["cmdline"] == cmd
    assert mods[1]["start"] >= mods[0]["end"]


@pytest.fixture
def module_files(tmp_path):
    (tmp_path / "m1.bin").write_bytes(MOD1)
    (tmp_path / "m2.bin").write_bytes(MOD2)
    return tmp_path / "m1.bin", tmp_path / "m2.bin"


@pytest.mark.parametrize("variant", ["mb1-elf32", "mb1-aout"])
def test_qemu_own_loader_boots_the_test_kernel(mbkernels, module_files, variant):
    m1, m2 = module_files
    kernel = mbkernels / variant
    text = qemu_multiboot(kernel, "console=com1 a=b", [f"{m1} first arg", str(m2)])
    fields, mods, mmap, _ = parse(text)
    assert fields["magic"] == MB1_MAGIC
    # memory, boot device, command line, modules, memory map, loader name
    assert fields["flags"] == 0x24F
    assert fields["cmdline"] == f"{kernel} console=com1 a=b"
    assert fields["boot_loader_name"] == "qemu"
    assert fields["cr0"] & 0x80000001 == 1  # protected mode, paging off
    check_memory(fields, mmap)
    # QEMU aligns modules to pages counted from the kernel's load address, so with the
    # a.out kernel at 0x100200 they start at 0x...200 despite flags bit 0 (a QEMU bug)
    check_modules(mods, [f"{m1} first arg", str(m2)], aligned=variant != "mb1-aout")
    assert mods[0]["start"] >= fields["image_end"]
    if variant == "mb1-aout":
        assert fields["image_start"] == 0x100200  # a load address that is not page-aligned


# -- through kexec-loader ----------------------------------------------------------------

def multiboot_wired():
    """The boot path calls the Multiboot planner once its strings are in the binary."""
    binary = BUILD / "kexec-loader"
    return binary.exists() and f"kexec-loader {VERSION}".encode() in binary.read_bytes() \
        and b"Multiboot 2" in binary.read_bytes()


needs_wiring = pytest.mark.skipif(not multiboot_wired(),
                                  reason="the boot path does not call the Multiboot planner yet")


def mb_target(kernel):
    return (f"title mb\nroot LABEL=kexecloader\nkernel /{kernel}\ncmdline console=com1 a=b\n"
            "module /m1.bin first arg\nmodule /m2.bin\n")


def boot_through_kexec_loader(boot_disk, kexec_loader, mbkernels, kernel, cpu=None):
    disk = boot_disk(mb_target(kernel), {f"/{kernel}": mbkernels / kernel,
                                         "/m1.bin": MOD1, "/m2.bin": MOD2})
    vm = kexec_loader([disk], "boot_index=0", cpu=cpu)
    vm.expect(r"MBKERNEL END", timeout=240)
    report = parse(vm.console())
    vm.close()  # the test kernel halts; QEMU's reference run may need its disk
    return (*report, disk)


@needs_wiring
@pytest.mark.parametrize("kernel", ["mb1-elf32", "mb1-elf64", "mb1-aout", "mb1-elf32.gz"])
def test_kexec_loader_boots_multiboot1(boot_disk, kexec_loader, mbkernels, module_files,
                                       kernel):
    fields, mods, mmap, _, disk = boot_through_kexec_loader(boot_disk, kexec_loader,
                                                             mbkernels, kernel)
    assert fields["magic"] == MB1_MAGIC
    # memory, command line, modules, ELF sections (ELF kernels), memory map, loader name
    elf = 0x20 if kernel != "mb1-aout" else 0
    assert fields["flags"] == 0x1 | 0x4 | 0x8 | elf | 0x40 | 0x200
    assert fields["info"] >= 0x100000
    assert fields["cmdline"] == f"/{kernel} console=com1 a=b"
    assert fields["boot_loader_name"] == f"kexec-loader {VERSION}"
    assert fields["cr0"] & 0x80000001 == 1
    check_memory(fields, mmap)
    check_modules(mods, ["/m1.bin first arg", "/m2.bin"])
    assert mods[0]["start"] >= fields["image_end"]

    # the same kernel under QEMU's loader reports the same fields, but for the listed ones
    if kernel in ("mb1-elf32", "mb1-aout"):
        m1, m2 = module_files
        ref, ref_mods, ref_mmap, _ = parse(qemu_multiboot(
            mbkernels / kernel, "console=com1 a=b", [f"{m1} first arg", str(m2)], disk=disk))
        assert with_disk_guard(ref_mmap) == mmap
        assert fields["mem_lower"] == ref["mem_lower"] - 1
        for key in ("magic", "mem_upper", "mods_count", "image_start", "image_end",
                    "entry", *HAND_OVER):
            assert fields.get(key) == ref.get(key), key
        assert fields["mmap_length"] == 24 * len(mmap)
        assert set(ref) - set(fields) <= QEMU_ONLY
        assert set(fields) - set(ref) <= OURS_ONLY
        assert [m["fnv"] for m in mods] == [m["fnv"] for m in ref_mods]


@needs_wiring
def test_hand_over_state_with_cpu_max_is_what_qemus_loader_gives(
        boot_disk, kexec_loader, mbkernels, module_files):
    """QEMU's `max` CPU model has what recent machines have (XSAVE with AVX-512, PCID,
    SMEP/SMAP, UMIP, FSGSBASE, 5-level paging, x2APIC): the running Linux turns much of it
    on, and none of it may reach the next kernel."""
    fields, _, _, _, disk = boot_through_kexec_loader(boot_disk, kexec_loader, mbkernels,
                                                      "mb1-elf32", cpu="max")
    m1, m2 = module_files
    ref, _, _, _ = parse(qemu_multiboot(mbkernels / "mb1-elf32", "console=com1 a=b",
                                        [f"{m1} first arg", str(m2)], disk=disk, cpu="max"))
    # the reference is what a BIOS gives
    assert ref["cr4"] == 0 and ref["efer"] == 0 and ref["xcr0"] == 1
    assert ref["irq0_vector"] == 0x08
    for key in HAND_OVER:
        assert fields.get(key) == ref.get(key), key


@needs_wiring
def test_kexec_loader_boots_multiboot2(boot_disk, kexec_loader, mbkernels):
    fields, mods, mmap, tags, _ = boot_through_kexec_loader(boot_disk, kexec_loader,
                                                            mbkernels, "mb2-elf32")
    assert fields["magic"] == MB2_MAGIC
    assert fields["info_align8"] == 1
    assert fields["info"] >= 0x100000
    for t in (1, 2, 3, 4, 6, 9, 0):
        assert t in tags
    assert tags[-1] == 0
    assert fields["cmdline"] == "/mb2-elf32 console=com1 a=b"
    assert fields["boot_loader_name"] == f"kexec-loader {VERSION}"
    check_memory(fields, mmap)
    check_modules(mods, ["/m1.bin first arg", "/m2.bin"])
    # QEMU's SeaBIOS has an RSDP in the BIOS area: both ACPI tags are given
    assert 14 in tags and fields["acpi_rsdp_sig"] == "RSD PTR "
