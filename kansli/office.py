"""A warm LibreOffice: one unoserver (a resident soffice behind XML-RPC) per worker process.

unoserver must run under a Python that can ``import uno`` — Debian's python3 with python3-uno — so it
lives in its own virtual environment, ``.venv-office`` (``make`` builds it). Where it is missing,
conversions start LibreOffice cold each time (kansli/convert.py), which is slower but the same result.
"""
from __future__ import annotations

import contextlib
import glob
import shutil
import socket
from pathlib import Path

import psutil

from kansli.config import Settings

#: unoserver's own limit for one conversion; our callers also have theirs.
CONVERSION_TIMEOUT = 120


def executable(settings: Settings) -> str | None:
    """The unoserver to run, if it is installed."""
    return str(settings.unoserver) if settings.unoserver.exists() else None


def argv(unoserver: str, port: int, uno_port: int, profile: Path) -> list[str]:
    profile.mkdir(parents=True, exist_ok=True)
    return [unoserver, "--interface", "127.0.0.1", "--port", str(port), "--uno-interface", "127.0.0.1",
            "--uno-port", str(uno_port), "--user-installation", str(profile.resolve()),
            "--conversion-timeout", str(CONVERSION_TIMEOUT)]


def profile_name(*parts: object) -> str:
    """A LibreOffice profile folder's name: this host and the owning process first, so that
    :func:`sweep_profiles` can tell a dead owner's folder from a live one."""
    return "-".join([socket.gethostname(), *(str(p) for p in parts)])


def sweep_profiles(root: Path) -> list[Path]:
    """Remove the profiles of this host's processes that are gone, ending any LibreOffice still using one.

    A supervisor or worker killed outright (SIGKILL, a crash, a power cut) cannot remove its profiles,
    and a new one gets a new process id: without this, every restart would leave a profile behind, and
    an orphaned soffice would hold its folder's lock for good. Called when a supervisor starts.
    """
    host = socket.gethostname()
    removed = []
    for folder in sorted(root.glob(f"{glob.escape(host)}-*")) if root.is_dir() else []:
        owner = folder.name[len(host) + 1:].split("-", 1)[0]
        if not owner.isdigit() or _alive(int(owner)):
            continue
        for process in psutil.process_iter(["cmdline"]):
            if any(str(folder) in part for part in process.info["cmdline"] or []):
                with contextlib.suppress(psutil.Error):
                    process.kill()
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
