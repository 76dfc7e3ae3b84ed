"""A warm LibreOffice: one unoserver (a resident soffice behind XML-RPC) per worker process.

unoserver must run under a Python that can ``import uno`` — Debian's python3 with python3-uno — so it
lives in its own virtual environment, ``.venv-office`` (``make`` builds it). Where it is missing,
conversions start LibreOffice cold each time (kansli/convert.py), which is slower but the same result.
"""
from __future__ import annotations

from pathlib import Path

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
