"""Host mode over directories that hold what a user's filesystem may hold where a file is
expected: named pipes, sockets, folders. Nothing blocks (every command runs under a
timeout), each refusal names the file, its device and what it is, and what is still valid
is listed. Runs on this machine, no virtual machine, no root.
"""

import json
import os
import socket
import subprocess

import pytest

from conftest import BUILD, KERNEL

KL = BUILD / "kexec-loader"


def kl(*args, timeout=20):
    return subprocess.run([str(KL), *args], capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def tree(tmp_path):
    """A root filesystem with a pipe for grub.cfg, a pipe among its BLS entries, a pipe
    for one entry's kernel, a socket for another's initrd, and a good entry."""
    root = tmp_path / "root"
    (root / "boot/grub").mkdir(parents=True)
    (root / "loader/entries").mkdir(parents=True)
    os.mkfifo(root / "boot/grub/grub.cfg")
    (root / "boot/vmlinuz").write_bytes(KERNEL.read_bytes())
    os.mkfifo(root / "boot/vmlinuz-pipe")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(root / "boot/initrd-sock"))
    sock.close()
    (root / "loader/entries/good.conf").write_text("title Good\nlinux /boot/vmlinuz\n")
    (root / "loader/entries/pipe-kernel.conf").write_text("title Pipe kernel\nlinux /boot/vmlinuz-pipe\n")
    (root / "loader/entries/sock-initrd.conf").write_text(
        "title Socket initrd\nlinux /boot/vmlinuz\ninitrd /boot/initrd-sock\n")
    os.mkfifo(root / "loader/entries/zz-pipe.conf")
    return root


def test_pipes_in_sources_are_named_and_the_rest_listed(tree):
    r = kl("--dev", f"{tree},name=sda2", "list")
    assert r.returncode == 0, r.stderr
    assert "/boot/grub/grub.cfg on sda2 is a named pipe, not a file" in r.stderr
    assert "/loader/entries/zz-pipe.conf on sda2 is a named pipe, not a file" in r.stderr
    for title in ("Good", "Pipe kernel", "Socket initrd"):
        assert title in r.stdout
    r = kl("--json", "--dev", f"{tree},name=sda2", "list")
    problems = [json.loads(line)["problem"] for line in r.stdout.splitlines()
                if "problem" in json.loads(line)]
    assert "/boot/grub/grub.cfg on sda2 is a named pipe, not a file" in problems


def test_plan_refuses_a_pipe_kernel_and_a_socket_initrd(tree, tmp_path):
    conf = tmp_path / "kexec-loader.conf"
    conf.write_text("title Pipe\nroot sda2\nkernel /boot/vmlinuz-pipe\n\n"
                    "title Sock\nroot sda2\nkernel /boot/vmlinuz\ninitrd /boot/initrd-sock\n")
    r = kl("--dev", f"{tree},name=sda2", "plan", str(conf), "Pipe")
    assert r.returncode == 1
    assert "/boot/vmlinuz-pipe on sda2 is a named pipe, not a file" in r.stderr
    r = kl("--dev", f"{tree},name=sda2", "plan", str(conf), "Sock")
    assert r.returncode == 1
    assert "/boot/initrd-sock on sda2 is a socket, not a file" in r.stderr


def test_a_pipe_or_a_folder_given_as_the_configuration_is_refused(tmp_path):
    pipe = tmp_path / "kexec-loader.conf"
    os.mkfifo(pipe)
    r = kl("list", str(pipe))
    assert r.returncode == 1
    assert f"{pipe} is a named pipe, not a file" in r.stderr
    r = kl("list", str(tmp_path))
    assert r.returncode == 1
    assert f"{tmp_path} is a folder, not a file" in r.stderr
    r = kl("grub-script", str(pipe))
    assert r.returncode == 1
    assert "is a named pipe, not a file" in r.stderr


GRUB_HIDDEN_5 = ("set timeout_style=hidden\nset timeout=5\nset default=0\n"
                 "menuentry 'Debian GNU/Linux' {\n\tlinux /boot/vmlinuz root=/dev/sda2\n}\n")


@pytest.mark.parametrize("conf, timeout, style, text", [
    ("timeout off\ngrub-autodetect on\n", "off", "shown", "timeout: off (the menu waits for a key)"),
    ("grub-autodetect on\n", 5, "hidden", "timeout: 5 seconds, then the default boots"),
    ("timeout 0\n", 0, "shown", "timeout: 0 (the default boots at once)"),
])
def test_list_shows_the_timeout_and_menu_style_that_apply(tmp_path, conf, timeout, style, text):
    root = tmp_path / "root"
    (root / "boot/grub").mkdir(parents=True)
    (root / "boot/grub/grub.cfg").write_text(GRUB_HIDDEN_5)
    cfg = tmp_path / "kexec-loader.conf"
    cfg.write_text(conf)
    r = kl("--json", "--dev", f"{root},name=sda2", "list", str(cfg))
    assert r.returncode == 0, r.stderr
    lines = [json.loads(line) for line in r.stdout.splitlines()]
    assert lines[0] == {"menu": {"timeout": timeout, "style": style}}
    assert lines[1]["title"] == "Debian GNU/Linux"
    r = kl("--dev", f"{root},name=sda2", "list", str(cfg))
    assert text in r.stdout.splitlines()
    menu = "hidden (shown when a key is pressed during the countdown)" if style == "hidden" else style
    assert f"menu:    {menu}" in r.stdout.splitlines()
