"""Content-addressed file store: every upload and output is kept under its SHA-256.

A file is written to a temporary name in the target folder, synced, then linked into place, so a
reader never sees half a file and an existing file is never overwritten. Stored files are read-only.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


class Store:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:]

    def put(self, data: bytes) -> str:
        """Store ``data`` and return its digest; storing the same bytes again is a no-op."""
        digest = hashlib.sha256(data).hexdigest()
        target = self.path(digest)
        if target.exists():
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o444)
            try:
                os.link(tmp, target)  # atomic, and fails instead of replacing
            except FileExistsError:
                pass
        finally:
            os.unlink(tmp)
        return digest

    def get(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).exists()

    def remove(self, sha256: str) -> None:
        """Delete a stored file: only disposal (gallring) approved by two registrars does this."""
        path = self.path(sha256)
        if path.exists():
            path.chmod(0o600)
            path.unlink()
