"""Building blocks for kexec-loader's boot media, made without root and without loop mounts.

Used by tools/mkimage (USB image, ISO) and any other image builder of the project. Every
image is reproducible: the same inputs give the same bytes. The date stamped everywhere is
SOURCE_DATE_EPOCH (0 when unset); volume ids, serials and disk ids are given by the caller;
files go into a filesystem in sorted order; FAT timestamps that mtools and syslinux take
from the clock are rewritten afterwards (fat_fix_times).
"""

import contextlib
import hashlib
import os
import pathlib
import shutil
import struct
import subprocess
import tempfile
import time

SECTOR = 512
MIB = 1024 * 1024


class Error(Exception):
    """A problem the user can act on; the message says what to do."""


def epoch():
    value = os.environ.get("SOURCE_DATE_EPOCH", "0")
    try:
        return int(value)
    except ValueError:
        raise Error(f"SOURCE_DATE_EPOCH={value!r} is not a number of seconds") from None


def tool_env():
    """The environment for mtools, mkfs and xorriso: no mtools geometry checks, fixed date."""
    return dict(os.environ, MTOOLS_SKIP_CHECK="1", SOURCE_DATE_EPOCH=str(epoch()), TZ="UTC",
                LC_ALL="C")


def run(*cmd, stdin=None):
    """Runs a tool; a failure raises Error with the tool's own words."""
    argv = [str(c) for c in cmd]
    if shutil.which(argv[0]) is None:
        raise Error(f"{argv[0]} is not installed (Debian: apt-get install {PACKAGES.get(argv[0], argv[0])})")
    res = subprocess.run(argv, env=tool_env(), input=stdin, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True)
    if res.returncode != 0:
        raise Error(f"{' '.join(argv)} failed ({res.returncode}): {res.stdout.strip()}")
    return res.stdout


# The Debian package of each tool run here, for the "not installed" message.
PACKAGES = {"mkfs.vfat": "dosfstools", "mcopy": "mtools", "mmd": "mtools", "syslinux": "syslinux",
            "sfdisk": "fdisk", "xorriso": "xorriso"}


def content_bytes(content):
    if isinstance(content, pathlib.PurePath):
        return pathlib.Path(content).read_bytes()
    if isinstance(content, str):
        return content.encode()
    return bytes(content)


@contextlib.contextmanager
def atomic_output(path):
    """Yields a temporary path beside `path`; renames it to `path` only when the block ends
    without an error, so a failed or interrupted build never leaves a half-written file."""
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def stage(folder, files):
    """Writes files {"/path/in/image": content} under a host folder, every file and folder
    dated SOURCE_DATE_EPOCH (xorriso and mcopy -m keep those dates)."""
    folder = pathlib.Path(folder)
    for path, content in files.items():
        dest = folder / path.lstrip("/")
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(content_bytes(content))
    stamp = epoch()
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            os.utime(os.path.join(dirpath, name), (stamp, stamp))
    os.utime(folder, (stamp, stamp))
    return folder


def files_size(files):
    return sum(len(content_bytes(c)) if not isinstance(c, pathlib.PurePath)
               else os.path.getsize(c) for c in files.values())


# ---------------------------------------------------------------------------------------
# FAT

def make_fat(out, files, label, volume_id, size, fat_bits=None, reserved=None):
    """A FAT filesystem image of `size` bytes holding `files`, written in sorted order.

    volume_id is the 32-bit serial (an int); fat_bits 12, 16 or 32 (None: mkfs.vfat's
    choice for the size); reserved: sectors before the first FAT (None: mkfs.vfat's; a
    boot loader may keep its code there). A floppy's size gets a floppy's geometry."""
    if size % SECTOR:
        raise Error(f"a FAT image's size must be a multiple of {SECTOR} bytes, not {size}")
    with open(out, "wb") as f:
        f.truncate(size)
    cmd = ["mkfs.vfat", "--invariant", "-i", f"{volume_id:08x}", "-n", label]
    if fat_bits:
        cmd += ["-F", str(fat_bits)]
    if reserved:
        cmd += ["-R", str(reserved)]
    run(*cmd, out)
    fat_add(out, files)


def fat_add(image, files, offset=0):
    """Copies files into an existing FAT image (at byte `offset` of it), folders first, every
    folder's entries in sorted order, then fixes every timestamp."""
    target = f"{image}@@{offset}" if offset else str(image)
    with tempfile.TemporaryDirectory(prefix="imagelib.") as tree:
        stage(tree, files)
        dirs = sorted({str(pathlib.PurePosixPath(p.strip("/")).parent) for p in files} - {"."})
        made = set(fat_list_dirs(image, offset))
        for d in dirs:
            parts = d.split("/")
            for i in range(1, len(parts) + 1):
                sub = "/".join(parts[:i])
                if sub.upper() not in made:
                    run("mmd", "-i", target, "::/" + sub)
                    made.add(sub.upper())
        by_dir = {}
        for p in sorted(files):
            rel = p.strip("/")
            by_dir.setdefault(str(pathlib.PurePosixPath(rel).parent), []).append(rel)
        for d in sorted(by_dir):
            srcs = [os.path.join(tree, rel) for rel in by_dir[d]]
            dest = "::/" if d == "." else f"::/{d}/"
            run("mcopy", "-o", "-m", "-i", target, *srcs, dest)
    fat_fix_times(image, offset)


def fat_list_dirs(image, offset=0):
    """Upper-cased paths of the folders already in a FAT image."""
    found = []
    fat = _Fat(image, offset)
    for path, entry in fat.walk():
        if entry[11] & 0x10:
            found.append(path.upper())
    return found


def _dos_datetime(stamp):
    t = time.gmtime(max(stamp, 315532800))  # FAT dates start in 1980
    date = ((t.tm_year - 1980) << 9) | (t.tm_mon << 5) | t.tm_mday
    clock = (t.tm_hour << 11) | (t.tm_min << 5) | (t.tm_sec // 2)
    return date, clock


def fat_fix_times(image, offset=0, stamp=None):
    """Sets the creation, access and modification times of every entry of a FAT image
    (the volume label included) to SOURCE_DATE_EPOCH: mkdir and syslinux use the clock."""
    date, clock = _dos_datetime(epoch() if stamp is None else stamp)
    fat = _Fat(image, offset)
    with open(image, "r+b") as f:
        for pos in fat.entry_positions():
            f.seek(pos + 13)
            f.write(struct.pack("<BHHH", 0, clock, date, date))
            f.seek(pos + 22)
            f.write(struct.pack("<HH", clock, date))


class _Fat:
    """Just enough of FAT12/16/32 to visit every directory entry."""

    def __init__(self, image, offset=0):
        self.image, self.offset = image, offset
        with open(image, "rb") as f:
            f.seek(offset)
            bs = f.read(SECTOR)
            self.bps, self.spc, reserved, nfats, root_entries, total16, _, fatsz16 = \
                struct.unpack_from("<HBHBHHBH", bs, 11)
            total32, fatsz32 = struct.unpack_from("<I", bs, 32)[0], struct.unpack_from("<I", bs, 36)[0]
            if self.bps not in (512, 1024, 2048, 4096) or not self.spc or not nfats:
                raise Error(f"{image}: no FAT filesystem at byte {offset}")
            fatsz = fatsz16 or fatsz32
            total = total16 or total32
            self.fat_start = offset + reserved * self.bps
            self.root_start = self.fat_start + nfats * fatsz * self.bps
            self.root_size = root_entries * 32
            self.data_start = self.root_start + ((self.root_size + self.bps - 1) // self.bps) * self.bps
            clusters = (total - (self.data_start - offset) // self.bps) // self.spc
            self.bits = 12 if clusters < 4085 else 16 if clusters < 65525 else 32
            self.root_cluster = struct.unpack_from("<I", bs, 44)[0] if self.bits == 32 else 0
            f.seek(self.fat_start)
            self.fat = f.read(fatsz * self.bps)
        self.cluster_size = self.bps * self.spc

    def _next(self, c):
        if self.bits == 12:
            v = struct.unpack_from("<H", self.fat, c + c // 2)[0]
            v = v >> 4 if c & 1 else v & 0xFFF
            return None if v >= 0xFF8 else v
        if self.bits == 16:
            v = struct.unpack_from("<H", self.fat, c * 2)[0]
            return None if v >= 0xFFF8 else v
        v = struct.unpack_from("<I", self.fat, c * 4)[0] & 0x0FFFFFFF
        return None if v >= 0x0FFFFFF8 else v

    def _chain(self, cluster):
        seen = set()
        while cluster and cluster >= 2 and cluster not in seen:
            seen.add(cluster)
            start = self.data_start + (cluster - 2) * self.cluster_size
            yield from range(start, start + self.cluster_size, 32)
            cluster = self._next(cluster)

    def _entries(self, f, positions, path):
        for pos in positions:
            f.seek(pos)
            e = f.read(32)
            if e[0] == 0:
                return
            if e[0] == 0xE5 or e[11] == 0x0F:  # free, or a long-name piece
                continue
            name = e[0:8].decode("latin-1").rstrip() + (
                "." + e[8:11].decode("latin-1").rstrip() if e[8:11].strip() else "")
            yield pos, e, f"{path}/{name}".lstrip("/")

    def _walk(self, f, positions, path):
        for pos, e, full in self._entries(f, positions, path):
            yield pos, e, full
            if e[11] & 0x10 and not e[11] & 0x08 and not full.endswith((".", "..")):
                cluster = struct.unpack_from("<H", e, 26)[0] | (struct.unpack_from("<H", e, 20)[0] << 16)
                yield from self._walk(f, list(self._chain(cluster)), full)

    def _root(self):
        if self.bits == 32:
            return list(self._chain(self.root_cluster))
        return list(range(self.root_start, self.root_start + self.root_size, 32))

    def walk(self):
        with open(self.image, "rb") as f:
            for _, e, full in self._walk(f, self._root(), ""):
                yield full, e

    def entry_positions(self):
        with open(self.image, "rb") as f:
            return [pos for pos, _, _ in self._walk(f, self._root(), "")]


# ---------------------------------------------------------------------------------------
# Partitioned disks

def make_mbr_disk(out, partition_image, disk_id, boot_code=None, ptype="c", start=MIB,
                  bootable=True):
    """A disk image with an MBR ("dos") table holding one partition at `start` filled with
    `partition_image`; `boot_code` (the first 440 bytes, e.g. SYSLINUX's mbr.bin) is
    written over the table's code area."""
    size = os.path.getsize(partition_image)
    if size % SECTOR:
        raise Error(f"{partition_image}: its size is not a whole number of sectors")
    with open(out, "wb") as f:
        f.truncate(start + size)
    script = (f"label: dos\nlabel-id: 0x{disk_id:08x}\nunit: sectors\n"
              f"start={start // SECTOR}, size={size // SECTOR}, type={ptype}"
              f"{', bootable' if bootable else ''}\n")
    run("sfdisk", "--no-reread", "--no-tell-kernel", "-q", out, stdin=script)
    with open(out, "r+b") as disk:
        if boot_code is not None:
            code = content_bytes(boot_code)
            if len(code) > 440:
                raise Error(f"boot code of {len(code)} bytes does not fit the MBR's 440")
            disk.write(code)
        disk.seek(start)
        with open(partition_image, "rb") as part:
            shutil.copyfileobj(part, disk, 4 * MIB)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(4 * MIB), b""):
            h.update(block)
    return h.hexdigest()


def write_sha256sums(out, paths):
    """SHA256SUMS beside the files, in sha256sum's format, names relative to its folder."""
    out = pathlib.Path(out)
    text = "".join(f"{sha256(p)}  {os.path.relpath(p, out.parent)}\n" for p in sorted(map(str, paths)))
    with atomic_output(out) as tmp:
        tmp.write_text(text)
