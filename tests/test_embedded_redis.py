"""The embedded Redis of a single-host install (kansli/embedded_redis.py): a real server on a Unix socket."""
from __future__ import annotations

import os
import socket
import tempfile
import time
from pathlib import Path

from kansli.embedded_redis import PREFIX, STALE, EmbeddedRedis


def _aged(folder: Path) -> None:
    past = time.time() - STALE - 5
    os.utime(folder, (past, past))


def test_the_socket_folder_a_killed_server_left_is_removed_at_the_next_start_and_a_live_ones_is_not(
        tmp_path: Path) -> None:
    """SIGKILL gives ``kansli serve`` no time to remove its socket's folder; each start left one more."""
    dead = Path(tempfile.mkdtemp(prefix=PREFIX))
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(dead / "redis.sock"))  # the socket file stays; nothing listens on it any more
    listener.close()
    young = Path(tempfile.mkdtemp(prefix=PREFIX))  # perhaps a server still starting
    _aged(dead)
    live = EmbeddedRedis(tmp_path / "live")
    try:
        _aged(Path(live.url.removeprefix("unix://")).parent)
        second = EmbeddedRedis(tmp_path / "second")
        try:
            assert not dead.exists()
            assert young.exists() and Path(live.url.removeprefix("unix://")).exists()
        finally:
            second.shutdown()
    finally:
        live.shutdown()
        young.rmdir()
    assert not Path(live.url.removeprefix("unix://")).parent.exists()
