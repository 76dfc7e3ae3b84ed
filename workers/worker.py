"""One RQ worker process on both queues; it exits after ``worker_max_jobs`` jobs to bound its memory,
and whoever started it (``kansli serve``, ``kansli worker``, or compose's restart policy) starts a new one.
"""
from __future__ import annotations

import logging

from rq import Queue, Worker

from kansli import queues
from kansli.config import Settings


def run(settings: Settings) -> None:
    if not settings.redis_url:
        raise SystemExit("REDIS_URL saknas: en fristående worker behöver veta vilken Redis den ska använda.")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    redis = queues.connection(settings.redis_url)
    worker = Worker([Queue(name, connection=redis) for name in queues.QUEUES], connection=redis)
    worker.work(max_jobs=settings.worker_max_jobs, with_scheduler=True, logging_level="INFO")
