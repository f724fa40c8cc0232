"""Host mode against hostile or awkward filesystem images, on this machine (no virtual machine).

A btrfs whose log was never replayed (a machine that lost power after an fsync) is read with
the log left alone, and an image mounted by kexec-loader is let go however the program ends:
even SIGKILL leaves no mount and no loop device behind. Needs root, loop devices and the
kernel's ext4 and btrfs drivers.
"""

import json
import os
import signal
import subprocess
import time

import pytest

from conftest import BUILD

KL = BUILD / "kexec-loader"


def sh(*cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def attached_loops(img):
    return subprocess.run(["losetup", "-j", str(img)], stdout=subprocess.PIPE, text=True,
                          check=True).stdout


@pytest.fixture(scope="module")
def pending_log_btrfs(tmp_path_factory):
    """A btrfs image whose super block points at a tree log: grub.cfg was committed, then
    a file was written and fsync'd, and the image copied before the next commit."""
    d = tmp_path_factory.mktemp("btrfs")
    live, img, mnt = d / "live.img", d / "pending.img", d / "mnt"
    mnt.mkdir()
    with open(live, "wb") as f:
        f.truncate(128 << 20)
    sh("mkfs.btrfs", "-q", "-f", str(live))
    sh("mount", "-o", "loop,commit=300", str(live), str(mnt))
    try:
        (mnt / "boot" / "grub").mkdir(parents=True)
        (mnt / "boot" / "grub" / "grub.cfg").write_text(
            "menuentry 'Committed' { linux /vmlinuz root=/dev/sda1; }\n")
        sh("sync")
        fd = os.open(mnt / "late.txt", os.O_WRONLY | os.O_CREAT, 0o644)
        os.write(fd, b"written after the last commit\n")
        os.fsync(fd)  # into the tree log, not yet into the trees
        os.close(fd)
        sh("cp", "--sparse=always", str(live), str(img))
    finally:
        sh("umount", str(mnt))
    dump = subprocess.run(["btrfs", "inspect-internal", "dump-super", str(img)],
                          stdout=subprocess.PIPE, text=True, check=True).stdout
    log_root = [line.split()[1] for line in dump.splitlines() if line.startswith("log_root\t")]
    assert log_root and log_root[0] != "0", "the image has no pending log"
    return img


def test_a_btrfs_with_a_pending_log_is_read_without_replaying_it(pending_log_btrfs, tmp_path):
    img = pending_log_btrfs
    before = img.read_bytes()
    res = subprocess.run([str(KL), "--json", "--dev", f"{img},name=sdb1", "list"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60,
                         env=dict(os.environ, TMPDIR=str(tmp_path)))
    assert res.returncode == 0, res.stderr
    titles = [json.loads(line).get("title") for line in res.stdout.splitlines()]
    assert "Committed" in titles, res.stdout + res.stderr
    assert img.read_bytes() == before, "the log was replayed into the image"


@pytest.fixture(scope="module")
def many_entries_ext4(tmp_path_factory):
    """An ext4 image whose grub.cfg lists enough entries to fill a pipe nobody reads."""
    d = tmp_path_factory.mktemp("ext4")
    tree, img = d / "tree", d / "many.img"
    (tree / "boot" / "grub").mkdir(parents=True)
    (tree / "boot" / "grub" / "grub.cfg").write_text("".join(
        f"menuentry 'Entry {i}' {{ linux /vmlinuz-{i} root=/dev/sda1 quiet; }}\n"
        for i in range(3000)))
    with open(img, "wb") as f:
        f.truncate(16 << 20)
    sh("mkfs.ext4", "-q", "-F", "-d", str(tree), str(img))
    return img


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGQUIT, signal.SIGUSR1])
def test_an_image_is_let_go_whatever_ends_the_program(many_entries_ext4, tmp_path, sig):
    img = many_entries_ext4
    # stdout is a pipe nobody reads: kexec-loader blocks writing the list, image mounted
    # A shell's background job ignores SIGINT and SIGQUIT, and a child inherits that: the
    # program must meet the signal with its default action, whatever started this test.
    proc = subprocess.Popen([str(KL), "--json", "--dev", f"{img},name=sdb1", "list"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            env=dict(os.environ, TMPDIR=str(tmp_path)),
                            preexec_fn=lambda: signal.signal(signal.SIGQUIT, signal.SIG_DFL))
    try:
        mounted = False
        for _ in range(200):
            with open(f"/proc/{proc.pid}/mountinfo") as f:
                mounted = str(tmp_path) in f.read()
            if mounted and attached_loops(img):
                break
            time.sleep(0.05)
        assert mounted, "the image was never mounted"
        with open("/proc/self/mountinfo") as f:
            assert str(tmp_path) not in f.read(), "the mount is visible outside kexec-loader"
        os.kill(proc.pid, sig)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
    assert proc.returncode == -sig
    with open("/proc/self/mountinfo") as f:
        assert str(tmp_path) not in f.read(), "an image is still mounted"
    for _ in range(100):  # the kernel lets go of the loop device as the namespace goes
        if not attached_loops(img):
            break
        time.sleep(0.1)
    assert attached_loops(img) == "", "a loop device still reads the image"
