"""One RQ worker process, ordinary or heavy (see :mod:`kansli.queues` for what each listens on); it exits
after ``worker_max_jobs`` jobs to bound its memory, and whoever started it (``kansli serve``, ``kansli
worker``, or compose's restart policy) starts a new one.
"""
from __future__ import annotations

import logging

from rq import Queue, Worker

from kansli import queues
from kansli.config import Settings


def run(settings: Settings, heavy: bool = False) -> None:
    if not settings.redis_url:
        raise SystemExit("REDIS_URL saknas: en fristående worker behöver veta vilken Redis den ska använda.")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    redis = queues.connection(settings.redis_url)
    names = queues.HEAVY_QUEUES if heavy else queues.QUEUES
    worker = Worker([Queue(name, connection=redis) for name in names], connection=redis)
    worker.work(max_jobs=settings.worker_max_jobs, with_scheduler=True, logging_level="INFO")
