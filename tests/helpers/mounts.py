"""File systems mounted over a folder for a test: read-only binds, a tiny tmpfs for a full disk."""
from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest


@contextmanager
def mounted(target: Path, *options: str) -> Iterator[None]:
    """A file system mounted over ``target`` for the block (needs root, as the test machines have)."""
    target.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(["mount", *options, str(target)], capture_output=True, text=True)
    if result.returncode:
        pytest.skip(f"cannot mount here ({result.stderr.strip()}); this test needs root")
    try:
        yield
    finally:
        subprocess.run(["umount", "-l", str(target)], check=True)


def read_only(folder: Path) -> AbstractContextManager[None]:
    """``folder`` read-only for the block: a bind mount over itself."""
    return mounted(folder, "--bind", "-o", "ro", str(folder))
