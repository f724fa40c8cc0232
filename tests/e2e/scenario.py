"""Small helpers to write kexec-loader.conf files and what the probe should report."""

import re

from conftest import PROBE


def target(title, root="LABEL=kexecloader", kernel="/vmlinuz", initrds=(), cmdline=None,
           default=False, extra=()):
    """One target of kexec-loader.conf; cmdline None: the probe's console and the title."""
    lines = [f"title {title}", f"root {root}", f"kernel {kernel}"]
    lines += [f"initrd {i}" for i in initrds]
    lines.append(f"cmdline {cmdline if cmdline is not None else probe_cmdline(title)}")
    lines += list(extra)
    if default:
        lines.append("default")
    return "\n".join(lines) + "\n"


def probe_cmdline(title):
    """A command line that sends the probe's report to ttyS0 and names the target."""
    return f"console=ttyS0 quiet target={title.replace(' ', '_')}"


def marker(name, size):
    """A file for a probe initrd whose path and size show which initrd reached the probe."""
    return {f"/{name}": "x" * size}


def probe_files(*initrd_files):
    """The report of a probe booted with initrds made from these file dicts."""
    files = {"/init": PROBE.stat().st_size}
    for d in initrd_files:
        files.update({path: len(content) for path, content in d.items()})
    return files


def after(text, header=r"kexec-loader "):
    """The console text from kexec-loader's first header line on."""
    m = re.search(r"(^|\n)" + header, text)
    assert m, "kexec-loader printed no header line (starting 'kexec-loader ')"
    return text[m.start():]


def booting(title):
    """What kexec-loader prints just before the jump (not the countdown). The lookahead
    waits for a few more characters so that a countdown cut between two reads cannot pass."""
    return r"Booting '" + re.escape(title) + r"'(?=[\s\S]{5})(?! in \d)"


def menu_list(screen):
    """[(selected, title)] of the targets listed on a menu screen (vm.screen()): the lines
    after the header and its blank line, up to the next blank line."""
    rows = []
    for line in screen.split("\n")[2:]:
        if not line.strip() or line == "  (more below)":
            break
        rows.append((line.startswith(">"), line[2:].rstrip()))
    return rows


def choose(vm, title):
    """Selects the target with this title on the menu shown (Home, then Down as often as
    needed), presses Enter and waits until kexec-loader says it boots it."""
    titles = [t for _, t in menu_list(vm.screen())]
    assert title in titles, f"{title!r} is not on the menu: {titles}"
    vm.send("\x1b[H", *["down"] * titles.index(title), "enter")
    vm.expect(booting(title))
