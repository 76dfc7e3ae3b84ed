"""The content-addressed store: atomic, never overwriting, read-only."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from kansli.storage import Store


def test_same_bytes_are_stored_once_under_their_digest(tmp_path: Path) -> None:
    store = Store(tmp_path)
    digest = store.put(b"%PDF-1.4 hello")
    assert digest == hashlib.sha256(b"%PDF-1.4 hello").hexdigest()
    assert store.put(b"%PDF-1.4 hello") == digest
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert files == [store.path(digest)]  # no temporary files left behind
    assert store.get(digest) == b"%PDF-1.4 hello"


def test_stored_files_are_read_only(tmp_path: Path) -> None:
    store = Store(tmp_path)
    path = store.path(store.put(b"data"))
    assert not os.stat(path).st_mode & 0o222


def test_an_existing_file_is_never_replaced(tmp_path: Path) -> None:
    store = Store(tmp_path)
    digest = store.put(b"original")
    inode = store.path(digest).stat().st_ino
    store.put(b"original")
    assert store.path(digest).stat().st_ino == inode


def test_only_digests_are_paths(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        Store(tmp_path).path("../../etc/passwd")
