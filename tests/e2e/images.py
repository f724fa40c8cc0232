"""Disk images for the virtual-machine tests, made without root and without loop mounts.

Every builder takes the files of the image as a dict {path inside the image: content}, where
content is bytes, str, or a pathlib.Path of a host file, and returns the path of a raw image.
An ImageCache builds each distinct image once per test session and remembers its checksum,
so that tests can prove kexec-loader never wrote to a disk.
"""

import hashlib
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

sys.path.append(str(pathlib.Path(__file__).resolve().parents[2] / "tools"))
from imagelib import sha256  # noqa: E402  (one checksum for built media and test images)

SECTOR = 512
MIB = 1024 * 1024


def run(*cmd, **kw):
    env = dict(os.environ, MTOOLS_SKIP_CHECK="1")
    res = subprocess.run([str(c) for c in cmd], env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, **kw)
    if res.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed ({res.returncode}):\n{res.stdout}")
    return res.stdout


def content_bytes(content):
    if isinstance(content, pathlib.Path):
        return content.read_bytes()
    if isinstance(content, str):
        return content.encode()
    return bytes(content)


def populate(folder, files):
    """Writes `files` into a host folder (the source tree of mkfs -d, xorriso, mksquashfs)."""
    for path, content in files.items():
        dest = pathlib.Path(folder) / path.lstrip("/")
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(content_bytes(content))


def files_size(files):
    return sum(len(content_bytes(c)) for c in files.values())


def auto_size(files, minimum_mib):
    """A filesystem size with room for the files and the filesystem's own metadata."""
    need = files_size(files) * 5 // 4 + 4 * MIB
    return max(minimum_mib * MIB, (need + MIB - 1) // MIB * MIB)


# ---------------------------------------------------------------------------------------
# Filesystems

def make_fat(out, files, label, size_mib=None, volume_id=None):
    size = size_mib * MIB if size_mib else auto_size(files, 16)
    with open(out, "wb") as f:
        f.truncate(size)
    run("mkfs.vfat", "-n", label, *(["-i", volume_id] if volume_id else []), out)
    made = set()
    for path in sorted(files):
        parts = path.strip("/").split("/")
        for i in range(1, len(parts)):
            d = "/".join(parts[:i])
            if d not in made:
                run("mmd", "-i", out, "::/" + d)
                made.add(d)
        with tempfile.NamedTemporaryFile() as tmp:
            tmp.write(content_bytes(files[path]))
            tmp.flush()
            run("mcopy", "-i", out, tmp.name, "::/" + "/".join(parts))


def make_ext4(out, files, label, uuid=None, size_mib=None):
    size = size_mib * MIB if size_mib else auto_size(files, 8)
    with tempfile.TemporaryDirectory() as tree:
        populate(tree, files)
        with open(out, "wb") as f:
            f.truncate(size)
        cmd = ["mkfs.ext4", "-q", "-F", "-d", tree, "-L", label, "-E", "root_owner=0:0"]
        if uuid:
            cmd += ["-U", uuid]
        run(*cmd, out)


def make_btrfs(out, files, label, uuid, size_mib=16):
    with tempfile.TemporaryDirectory() as tree:
        populate(tree, files)
        with open(out, "wb") as f:
            f.truncate(size_mib * MIB)
        # mixed block groups (-M): the smallest btrfs, 16 MiB
        run("mkfs.btrfs", "-q", "-f", "-M", "-L", label, "-U", uuid, "--rootdir", tree, out)


def make_iso(out, files, volid):
    with tempfile.TemporaryDirectory() as tree:
        populate(tree, files)
        run("xorriso", "-as", "mkisofs", "-quiet", "-R", "-J", "-V", volid, "-o", out, tree)


def make_squashfs(out, files):
    with tempfile.TemporaryDirectory() as tree:
        populate(tree, files)
        run("mksquashfs", tree, out, "-noappend", "-quiet", "-all-root")


# ---------------------------------------------------------------------------------------
# Partitioned disks

def make_disk(out, table, partitions):
    """A whole disk with an MBR ("dos") or GPT partition table; `partitions` is a list of
    (image path, sfdisk type) laid out in order, each at a 1 MiB boundary."""
    start = MIB
    layout = []
    for image, ptype in partitions:
        size = os.path.getsize(image)
        size = (size + MIB - 1) // MIB * MIB
        layout.append((image, ptype, start, size))
        start += size
    total = start + MIB  # room for the backup GPT
    with open(out, "wb") as f:
        f.truncate(total)
    script = f"label: {table}\n" + "".join(
        f"start={s // SECTOR}, size={n // SECTOR}, type={t}\n" for _, t, s, n in layout)
    run("sfdisk", "--no-reread", "--no-tell-kernel", "-q", out, input=script)
    with open(out, "r+b") as disk:
        for image, _, offset, _ in layout:
            disk.seek(offset)
            with open(image, "rb") as part:
                shutil.copyfileobj(part, disk, 4 * MIB)


# ---------------------------------------------------------------------------------------

class ImageCache:
    """Builds images on demand into one folder, once per distinct description.

    Each image's checksum is taken when it is made; `verify` compares it later.
    """

    def __init__(self, folder):
        self.folder = pathlib.Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.checksums = {}

    def _key(self, kind, files, params):
        h = hashlib.sha256(json.dumps([kind, sorted(params.items())], default=str).encode())
        for path in sorted(files):
            h.update(path.encode() + b"\0")
            h.update(hashlib.sha256(content_bytes(files[path])).digest())
        return h.hexdigest()[:16]

    def _build(self, kind, suffix, files, params, builder):
        out = self.folder / f"{kind}-{self._key(kind, files, params)}{suffix}"
        if not out.exists():
            tmp = out.with_suffix(".part")
            builder(tmp)
            tmp.rename(out)
            self.checksums[out] = sha256(out)
        return out

    def fat(self, files, label="kexecloader", size_mib=None, volume_id=None):
        """volume_id: eight hex digits, the UUID XXXX-XXXX; random without."""
        return self._build("fat", ".img", files,
                           {"label": label, "size": size_mib, "id": volume_id},
                           lambda out: make_fat(out, files, label, size_mib, volume_id))

    def ext4(self, files, label, uuid=None, size_mib=None):
        return self._build("ext4", ".img", files, {"label": label, "uuid": uuid, "size": size_mib},
                           lambda out: make_ext4(out, files, label, uuid, size_mib))

    def btrfs(self, files, label, uuid):
        return self._build("btrfs", ".img", files, {"label": label, "uuid": uuid},
                           lambda out: make_btrfs(out, files, label, uuid))

    def iso(self, files, volid):
        return self._build("iso", ".iso", files, {"volid": volid},
                           lambda out: make_iso(out, files, volid))

    def squashfs(self, files):
        return self._build("squashfs", ".img", files, {},
                           lambda out: make_squashfs(out, files))

    def disk(self, table, partitions):
        """partitions: [(image path, sfdisk type)], e.g. [(ext4_img, "linux")]."""
        parts = {f"{i}:{t}": pathlib.Path(p) for i, (p, t) in enumerate(partitions)}
        return self._build(f"disk{table}", ".img", {}, {"parts": sorted(parts.items())},
                           lambda out: make_disk(out, table, partitions))

    def verify(self, path):
        """Raises AssertionError when the image changed since it was made."""
        path = pathlib.Path(path)
        if path in self.checksums:
            now = sha256(path)
            assert now == self.checksums[path], f"{path.name} was written to: its checksum changed"
