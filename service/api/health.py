"""``GET /api/health``: can this service do its work right now, and if not, why not?

``ok`` means uploads are stored and read, drafts made; ``degraded`` that the service answers but work
waits or may soon fail (no live worker, work waiting long, little disk left), with the reasons in
Swedish; ``error`` (503) that it cannot take work at all (Redis, the database or the data folder).
"""
from __future__ import annotations

import shutil
import tempfile
import time
from typing import Any

from flask import jsonify
from rq import Queue
from rq.job import Job

from kansli import db, fixity, queues
from service.api import bp
from service.database import settings

#: Below this much free space in the data folder an upload or a draft may soon fail.
LOW_SPACE = 500 * 1024 * 1024
#: Work waiting longer than this means the workers do not keep up (or none takes it).
LONG_WAIT = 10 * 60


def _queues(redis: Any) -> dict[str, dict[str, Any]]:
    """Per queue: how much work waits, and for how many seconds the oldest has waited."""
    found = {}
    for name in queues.ALL_QUEUES:
        queue = Queue(name, connection=redis)
        oldest = None
        for job_id in queue.get_job_ids(0, 1):  # the oldest only
            job = Job.fetch(job_id, connection=redis)
            if job.enqueued_at:
                oldest = round(time.time() - job.enqueued_at.timestamp())
        found[name] = {"waiting": queue.count, "oldest_seconds": oldest}
    return found


def _storage(body: dict[str, Any], reasons: list[str]) -> None:
    """Whether files can be written to the data folder now, and how much room is left."""
    folder = settings().files_dir
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder, prefix=".health-") as probe:
            probe.write(b"ok")
    except OSError as exc:
        body["storage"] = f"error: {exc.strerror or type(exc).__name__}"
        reasons.append("Datamappen går inte att skriva till; uppladdningar och utkast kan inte sparas.")
        return
    free = shutil.disk_usage(folder).free
    body["free_mb"] = free // (1024 * 1024)
    if free < LOW_SPACE:
        reasons.append(f"Bara {body['free_mb']} MB ledigt i datamappen.")


@bp.get("/health")
def health() -> Any:
    body: dict[str, Any] = {"status": "ok", "redis": "ok", "database": "ok", "storage": "ok", "workers": 0}
    reasons: list[str] = []
    try:
        redis = queues.connection(settings().redis_url or "")
        redis.ping()
        body["workers"] = len(queues.live_workers(redis))
        body["queues"] = _queues(redis)
    except Exception as exc:  # any failure to reach Redis is what health must report, not raise
        body["redis"] = f"error: {type(exc).__name__}"
        reasons.append("Redis svarar inte; nya uppladdningar och utkast köas när den är tillbaka.")
    try:
        db.ping(settings().database_url)
    except Exception as exc:
        body["database"] = f"error: {type(exc).__name__}"
        reasons.append("Databasen svarar inte.")
    _storage(body, reasons)
    if body["database"] == "ok":
        run = fixity.last_run(settings().database_url)
        body["fixity"] = None if run is None else {
            "at": run.at.isoformat(), "checked": run.checked, "failures": len(run.failures)}
    if body["redis"] == "ok" and body["workers"] == 0:
        reasons.append("Ingen worker är igång; uppladdningar tas emot men läses inte förrän en startar.")
    for name, queue in body.get("queues", {}).items():
        if queue["oldest_seconds"] is not None and queue["oldest_seconds"] > LONG_WAIT:
            reasons.append(f"Arbete i kön {name} har väntat i {queue['oldest_seconds'] // 60} minuter.")
    broken = any(body[part] != "ok" for part in ("redis", "database", "storage"))
    body["status"] = "error" if broken else ("degraded" if reasons else "ok")
    body["reasons"] = reasons
    return jsonify(body), 503 if broken else 200
