"""``GET /api/health``: can this service do its work right now?"""
from __future__ import annotations

from typing import Any

from flask import jsonify
from rq import Worker

from kansli import db, fixity, queues
from service.api import bp
from service.database import settings


@bp.get("/health")
def health() -> Any:
    body: dict[str, Any] = {"status": "ok", "redis": "ok", "database": "ok", "workers": 0}
    try:
        redis = queues.connection(settings().redis_url or "")
        redis.ping()
        body["workers"] = Worker.count(connection=redis)
    except Exception as exc:  # any failure to reach Redis is what health must report, not raise
        body["redis"] = f"error: {type(exc).__name__}"
    try:
        db.ping(settings().database_url)
    except Exception as exc:
        body["database"] = f"error: {type(exc).__name__}"
    if body["database"] == "ok":
        run = fixity.last_run(settings().database_url)
        body["fixity"] = None if run is None else {
            "at": run.at.isoformat(), "checked": run.checked, "failures": len(run.failures)}
    if body["redis"] != "ok" or body["database"] != "ok":
        body["status"] = "error"
    elif body["workers"] == 0:
        body["status"] = "degraded"  # uploads are accepted but nothing will be read until a worker runs
    return jsonify(body), 200 if body["status"] != "error" else 503
