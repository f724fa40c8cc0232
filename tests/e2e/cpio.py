"""Reads newc cpio archives (as the kernel does: concatenated, each maybe compressed) so
tests can check what an initramfs holds independently of the tools that wrote it."""

import dataclasses
import gzip
import subprocess


@dataclasses.dataclass
class Entry:
    mode: int
    rdev: tuple
    data: bytes


def unpack(image_bytes):
    """name -> Entry for every entry of the image; later archives replace earlier entries."""
    entries, pos, data = {}, 0, image_bytes
    while pos < len(data):
        if data[pos] == 0:
            pos += 1
            continue
        if data[pos:pos + 4] == b"\x28\xb5\x2f\xfd" or data[pos:pos + 2] == b"\x1f\x8b":
            # A compressed archive runs to the end or to the next one; decompress the rest
            # (zstd and gzip both decode concatenated streams of their own kind).
            rest = data[pos:]
            if rest[:2] == b"\x1f\x8b":
                raw = gzip.decompress(rest)
            else:
                raw = subprocess.run(["zstd", "-q", "-d", "-c"], input=rest, check=True,
                                     stdout=subprocess.PIPE).stdout
            entries.update(unpack(raw))
            break
        assert data[pos:pos + 6] == b"070701", f"not a newc cpio header at byte {pos}"
        f = [int(data[pos + 6 + 8 * i:pos + 14 + 8 * i], 16) for i in range(13)]
        mode, size, rmaj, rmin, namesize = f[1], f[6], f[9], f[10], f[11]
        name = data[pos + 110:pos + 110 + namesize - 1].decode()
        pos += 110 + namesize
        pos += -pos % 4
        if name != "TRAILER!!!":
            entries["/" + name.lstrip("/")] = Entry(mode, (rmaj, rmin), data[pos:pos + size])
        pos += size
        pos += -pos % 4
    return entries
