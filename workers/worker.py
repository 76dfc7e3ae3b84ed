"""One RQ worker process, ordinary or heavy (see :mod:`kansli.queues` for what each listens on); it exits
after ``worker_max_jobs`` jobs to bound its memory, and whoever started it (``kansli serve``, ``kansli
worker``, or compose's restart policy) starts a new one.
"""
from __future__ import annotations

import logging
import threading
import time

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Worker

from kansli import queues
from kansli.config import Settings
from kansli.lifeline import children_die_with_this_process


def run(settings: Settings, heavy: bool = False) -> None:
    if not settings.redis_url:
        raise SystemExit("REDIS_URL saknas: en fristående worker behöver veta vilken Redis den ska använda.")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    children_die_with_this_process()
    _preload()
    redis = queues.connection(settings.redis_url)
    names = queues.HEAVY_QUEUES if heavy else queues.QUEUES
    worker = Worker([Queue(name, connection=redis) for name in names], connection=redis)
    threading.Thread(target=_beat, args=(redis, worker.name), daemon=True, name="kansli-alive").start()
    worker.work(max_jobs=settings.worker_max_jobs, with_scheduler=True, logging_level="INFO")


def _preload() -> None:
    """Import the job code here, once: RQ forks a work horse for every job, and a horse that had to import
    pdfplumber, docxtpl and the rest itself spent more time on that than on most jobs (about 1.5 s each
    on a busy machine, against 0.2 s to read a plan)."""
    import workers.jobs  # noqa: F401


def _beat(redis: Redis, name: str) -> None:
    """Until the process ends: alive, every few seconds (a Redis away for a while is simply retried)."""
    while True:
        try:
            queues.beat(redis, name)
        except RedisError:
            pass
        time.sleep(queues.BEAT_EVERY)
