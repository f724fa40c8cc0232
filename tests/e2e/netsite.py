"""A PXE site for the network-boot tests: dnsmasq (DHCP and TFTP, from Debian) and HTTP
servers in a network namespace the test creates, joined to QEMU by a tap device.

Nothing leaves the machine: the namespace has only its loopback and the tap, and it is
removed (with every process in it) when the site closes, also when a test fails.
"""

import http.server
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import threading
import time

SERVER = "10.0.2.2"        # the site's address on the tap
SILENT = "10.0.2.99"       # an address nothing answers at (no host: ARP goes unanswered)
HTTP_PORT = 8080           # files of the TFTP root, and the fault paths below
DYING_PORT = 8081          # a server that dies in the middle of its one answer
MAC = "52:54:00:4b:58:01"  # the VM's card
CLIENT = "10.0.2.15"       # the address dnsmasq gives it


def run(*cmd, check=True):
    return subprocess.run(cmd, check=check, capture_output=True, text=True)


class Site:
    """site = Site(workdir, root, dhcp_boot="pxelinux.0"); site.vm_prefix / site.qemu_net."""

    def __init__(self, workdir, root, dhcp_boot=None, dhcp=True):
        self.workdir = pathlib.Path(workdir)
        self.root = pathlib.Path(root)
        self.ns = f"kxl-net-{os.getpid()}-{int(time.monotonic() * 1000) % 100000}"
        self.tap = "kxtap0"
        self.procs = []
        self.dhcp_boot, self.dhcp = dhcp_boot, dhcp

    # -- the namespace -----------------------------------------------------------------

    def __enter__(self):
        try:
            self._start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc):
        self.close()

    def _in_ns(self, *cmd):
        return ["ip", "netns", "exec", self.ns, *cmd]

    def _start(self):
        run("ip", "netns", "add", self.ns)
        run(*self._in_ns("ip", "link", "set", "lo", "up"))
        run(*self._in_ns("ip", "tuntap", "add", "dev", self.tap, "mode", "tap"))
        run(*self._in_ns("ip", "addr", "add", f"{SERVER}/24", "dev", self.tap))
        run(*self._in_ns("ip", "link", "set", self.tap, "up"))
        log = self.workdir / "dnsmasq.log"
        cmd = ["dnsmasq", "--no-daemon", "--conf-file=/dev/null", "--port=0",
               f"--interface={self.tap}", "--bind-interfaces", "--enable-tftp",
               f"--tftp-root={self.root}", f"--log-facility={log}", "--log-dhcp",
               f"--pid-file={self.workdir / 'dnsmasq.pid'}", "--user=root", "--group=root",
               f"--dhcp-leasefile={self.workdir / 'dnsmasq.leases'}"]
        if self.dhcp:
            cmd += [f"--dhcp-range={CLIENT},{CLIENT},255.255.255.0,1h",
                    f"--dhcp-host={MAC},{CLIENT}"]
            if self.dhcp_boot:
                cmd += [f"--dhcp-boot={self.dhcp_boot}"]
        self._spawn(cmd, "dnsmasq")
        self._spawn([sys.executable, str(pathlib.Path(__file__).resolve()), "serve", SERVER,
                     str(HTTP_PORT), str(self.root)], "http")
        self._spawn([sys.executable, str(pathlib.Path(__file__).resolve()), "serve-dying",
                     SERVER, str(DYING_PORT), str(self.root)], "http-dying")
        self._wait_listening()

    def _spawn(self, cmd, name):
        out = open(self.workdir / f"{name}.out", "w")
        self.procs.append(subprocess.Popen(self._in_ns(*cmd), stdout=out, stderr=out,
                                           start_new_session=True))

    def _wait_listening(self):
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            ss = run(*self._in_ns("ss", "-lntu"), check=False).stdout
            if f"{SERVER}:{HTTP_PORT}" in ss and f"{SERVER}:{DYING_PORT}" in ss and ":69" in ss:
                return
            for p in self.procs:
                if p.poll() is not None:
                    raise RuntimeError(f"a server of the site stopped: {p.args}\n" + self.logs())
            time.sleep(0.2)
        raise RuntimeError("the site's servers did not start listening\n" + self.logs())

    def logs(self):
        text = []
        for f in sorted(self.workdir.glob("*.out")) + sorted(self.workdir.glob("*.log")):
            text.append(f"--- {f.name} ---\n{f.read_text(errors='replace')[-3000:]}")
        return "\n".join(text)

    def close(self):
        for p in self.procs:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
        # whatever else still runs in the namespace (QEMU of a failed test) goes with it
        pids = run("ip", "netns", "pids", self.ns, check=False).stdout.split()
        for pid in pids:
            try:
                os.kill(int(pid), signal.SIGKILL)
            except ProcessLookupError:
                pass
        run("ip", "netns", "del", self.ns, check=False)

    # -- what a VM needs -------------------------------------------------------------------

    def run(self, *cmd, **kw):
        """Runs a command inside the namespace (host-mode tests)."""
        return subprocess.run(self._in_ns(*map(str, cmd)), capture_output=True, **kw)

    def vm_prefix(self):
        """QEMU runs inside the namespace, where the tap is."""
        return self._in_ns()

    def qemu_net(self, model="virtio-net-pci"):
        return ["-netdev", f"tap,id=n0,ifname={self.tap},script=no,downscript=no",
                "-device", f"{model},netdev=n0,mac={MAC}"]

    def leases(self):
        log = (self.workdir / "dnsmasq.log")
        return log.read_text(errors="replace") if log.exists() else ""


# ---------------------------------------------------------------------------------------
# The HTTP servers (run as `python3 netsite.py serve ADDR PORT ROOT` inside the namespace)

class Handler(http.server.SimpleHTTPRequestHandler):
    """Files of the root, and faults: /truncated announces more than it sends, /toolong
    sends more than it announces, /redirect/X sends to /X, /chunked/X sends X in chunks."""

    protocol_version = "HTTP/1.1"

    def do_GET(self):
        if self.path == "/truncated":
            self._head(1_000_000)
            self.wfile.write(b"x" * 1000)
            self.wfile.flush()
            self.close_connection = True
            return
        if self.path == "/toolong":
            self._head(10)
            self.wfile.write(b"y" * 5000)
            self.close_connection = True
            return
        if self.path.startswith("/chunked/"):
            data = open(self.path[len("/chunked/"):], "rb").read()
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for i in range(0, len(data), 7777):  # odd sizes: chunks cut across reads
                piece = data[i:i + 7777]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\n\r\n")
            self.close_connection = True
            return
        if self.path.startswith("/redirect/"):
            self.send_response(302)
            self.send_header("Location", self.path[len("/redirect"):])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        super().do_GET()

    def _head(self, length):
        self.send_response(200)
        self.send_header("Content-Length", str(length))
        self.end_headers()

    def log_message(self, fmt, *args):
        sys.stderr.write("http: " + fmt % args + "\n")


class Dying(Handler):
    """Sends half of what it announces, then the server process dies."""

    def do_GET(self):
        self._head(4_000_000)
        self.wfile.write(b"z" * 2_000_000)
        self.wfile.flush()
        os._exit(1)


def serve(handler, addr, port, root):
    os.chdir(root)
    server = http.server.ThreadingHTTPServer((addr, int(port)), handler)
    server.serve_forever()


if __name__ == "__main__":
    what, addr, port, root = sys.argv[1:5]
    serve(Dying if what == "serve-dying" else Handler, addr, port, root)
