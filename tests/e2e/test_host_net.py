"""Host mode's `fetch` (the menu's own TFTP and HTTP clients) against the site's real
servers (dnsmasq's TFTP, Python's HTTP) in a network namespace: no virtual machine.

A file of more than 65,535 TFTP blocks (the block number wraps), one whose size is an exact
multiple of the block size (it ends with an empty block), chunked HTTP, a redirect, and the
messages for a missing file, a cut-short file and a TFTP server that never answers.
"""

import hashlib
import shutil

import pytest

from conftest import BUILD
from netsite import HTTP_PORT, SERVER, SILENT, Site

pytestmark = pytest.mark.skipif(shutil.which("dnsmasq") is None, reason="dnsmasq is not installed")

KL = BUILD / "kexec-loader"
WRAP = 65536 * 1468 + 12345      # the block number wraps once
EXACT = 3 * 1468                 # the last data block is empty


def pattern(n):
    """Bytes that differ along the file, so that a lost or repeated block shows."""
    block = hashlib.sha256(str(n).encode()).digest() * 4096
    return (block * (n // len(block) + 1))[:n]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("host-net")
    www = root / "www"
    www.mkdir()
    (www / "wrap.bin").write_bytes(pattern(WRAP))
    (www / "exact.bin").write_bytes(pattern(EXACT))
    (www / "small.txt").write_text("hello over the network\n")
    with Site(root, www, dhcp=False) as s:
        yield s


def fetch(site, what, out):
    r = site.run(KL, "fetch", what, out, text=True, timeout=120)
    return r.returncode, r.stderr


@pytest.mark.parametrize("name", ["wrap.bin", "exact.bin"])
def test_tftp_and_http_give_the_file_as_it_is(site, tmp_path, name):
    want = (site.root / name).read_bytes()
    for what in (f"(tftp,{SERVER})/{name}", f"tftp://{SERVER}/{name}",
                 f"http://{SERVER}:{HTTP_PORT}/{name}",
                 f"http://{SERVER}:{HTTP_PORT}/chunked/{name}",
                 f"(http,{SERVER}:{HTTP_PORT})/redirect/{name}"):
        out = tmp_path / "out"
        rc, err = fetch(site, what, out)
        assert rc == 0, (what, err)
        assert out.read_bytes() == want, what


def test_failures_name_the_server_and_the_file(site, tmp_path):
    out = tmp_path / "out"
    cases = [
        (f"(tftp,{SERVER})/nope", f"tftp://{SERVER}/nope: TFTP error: file not found"),
        (f"http://{SERVER}:{HTTP_PORT}/nope",
         f"http://{SERVER}:{HTTP_PORT}/nope: HTTP 404 Not Found: the server has no such file"),
        (f"http://{SERVER}:{HTTP_PORT}/truncated",
         "the connection closed after 1000 of the 1000000 bytes announced"),
        (f"http://{SERVER}:{HTTP_PORT}/toolong",
         "the server sent more than the 10 bytes it announced"),
        (f"(tftp,{SILENT})/x",
         f"tftp://{SILENT}/x: the server does not answer (is a TFTP server running there?)"),
        (f"http://{SERVER}:1/x", f"http://{SERVER}:1/x: cannot connect to the server"),
        ("http://boot.example/x", "boot.example is not an IPv4 address"),
    ]
    for what, message in cases:
        rc, err = fetch(site, what, out)
        assert rc == 1 and message in err, (what, err)
