"""``python -m workers.cron``: RQ's cron scheduler, enqueueing the periodic fixity check.

``kansli serve`` runs one; with several web hosts, run it on one of them only.
"""
from __future__ import annotations

import logging

from rq.cron import CronScheduler

from kansli import config, queues
from workers.jobs import check_fixity


def run(settings: config.Settings) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    scheduler = CronScheduler(connection=queues.connection(settings.redis_url or ""))
    scheduler.register(check_fixity, queue_name=queues.MAINTENANCE, interval=settings.fixity_interval)
    scheduler.start()


if __name__ == "__main__":
    run(config.load())
