"""``/api/health`` tells the truth in each state: workers by their heartbeats, the disk, waiting work."""
from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
from rq import Queue

from helpers.api import Auth, upload
from helpers.mounts import mounted
from helpers.pdfs import text_pdf
from helpers.processes import REPO, wait_for
from kansli import db, queues
from kansli.models import Document


def test_without_workers_it_is_degraded_and_says_why(client: Any) -> None:
    response = client.get("/api/health")
    assert response.status_code == 200
    body = response.json
    assert {k: body[k] for k in ("status", "redis", "database", "storage", "workers", "fixity")} == {
        "status": "degraded", "redis": "ok", "database": "ok", "storage": "ok", "workers": 0, "fixity": None}
    assert body["reasons"] == ["Ingen worker är igång; uppladdningar tas emot men läses inte förrän en startar."]
    assert body["queues"][queues.EXTRACT] == {"waiting": 0, "oldest_seconds": None}
    assert body["free_mb"] > 0


@pytest.fixture
def two_workers(settings: Any) -> Iterator[list[subprocess.Popen]]:
    """Two bare worker processes (no supervisor that would restart a killed one)."""
    procs = [subprocess.Popen([sys.executable, "-m", "workers"], env=dict(os.environ), cwd=REPO,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(2)]
    yield procs
    for proc in procs:
        proc.kill()
        proc.wait()


def test_workers_are_counted_by_heartbeat_and_a_killed_one_stops_counting(
        client: Any, settings: Any, two_workers: list[subprocess.Popen]) -> None:
    wait_for(lambda: client.get("/api/health").json["workers"] == 2, 30, what="two live workers")
    assert client.get("/api/health").json["status"] == "ok"
    # the one running RQ's scheduler (a forked child) is killed: no goodbye, only the missing heartbeat tells
    first = wait_for(lambda: next((p for p in two_workers if psutil.Process(p.pid).children()), None), 30,
                     what="a worker with its scheduler")
    second = next(p for p in two_workers if p is not first)
    children = psutil.Process(first.pid).children()
    first.send_signal(signal.SIGKILL)
    wait_for(lambda: not any(c.is_running() and c.status() != psutil.STATUS_ZOMBIE for c in children), 10,
             what="the killed worker's children to die with it")
    wait_for(lambda: client.get("/api/health").json["workers"] == 1, queues.LIVE_FOR + 10, what="one live worker")
    queues.connection(settings.redis_url).flushdb()  # Redis restarted and empty: the live worker says so again
    wait_for(lambda: client.get("/api/health").json["workers"] == 1, queues.BEAT_EVERY + 5, what="beat again")
    assert second.poll() is None


def test_work_waiting_long_is_a_reason(client: Any, auth: Auth, settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from service.api import health

    assert upload(client, auth("clerk")).status_code == 202
    monkeypatch.setattr(health, "LONG_WAIT", -1)
    body = client.get("/api/health").json
    assert body["queues"][queues.EXTRACT]["waiting"] == 1
    assert any(reason.startswith(f"Arbete i kön {queues.EXTRACT} har väntat") for reason in body["reasons"])


def test_a_started_job_whose_worker_is_gone_is_not_taken_for_alive(settings: Any) -> None:
    redis = queues.connection(settings.redis_url)
    queues.enqueue_extraction(settings, 7)
    job = Queue(queues.EXTRACT, connection=redis).dequeue_any([Queue(queues.EXTRACT, connection=redis)], None,
                                                              connection=redis)[0]
    job.worker_name = "a-worker-that-was-killed"
    job.set_status("started")
    job.save()
    assert queues.live_job(redis, queues.document_job_id(7)) is None
    queues.beat(redis, "a-worker-that-was-killed")
    assert queues.live_job(redis, queues.document_job_id(7)) is not None


def test_a_read_only_data_folder_is_503_with_a_reason_and_nothing_half_saved(
        client: Any, auth: Auth, settings: Any) -> None:
    files = settings.files_dir
    with mounted(files, "--bind", "-o", "ro", str(files.parent.parent)):
        body = client.get("/api/health")
        assert body.status_code == 503 and body.json["status"] == "error"
        assert body.json["reasons"][0].startswith("Datamappen går inte att skriva till")
        response = upload(client, auth("clerk"), text_pdf("Ett underlag"))
        assert response.status_code == 503
        assert response.json["error"]["code"] == "storage_unavailable"
        assert "försök igen senare" in response.json["error"]["message"]
    with db.session_scope(settings.database_url) as session:
        assert session.query(Document).count() == 0
    assert client.get("/api/health").json["status"] != "error"
    assert upload(client, auth("clerk"), text_pdf("Ett underlag")).status_code == 202


def test_a_full_disk_is_507_in_swedish(client: Any, auth: Auth, settings: Any) -> None:
    with mounted(settings.files_dir, "-t", "tmpfs", "-o", "size=64k", "tmpfs"):
        noise = " ".join(secrets.token_hex(8) for _ in range(20000))  # text that does not compress away
        response = upload(client, auth("clerk"), text_pdf(noise))
        assert response.status_code == 507
        assert response.json["error"] == {"code": "storage_full", "message": (
            "Lagringsutrymmet är fullt, så inget kunde sparas; kontakta förvaltningen och försök igen senare.")}
        assert any(r.startswith("Bara ") for r in client.get("/api/health").json["reasons"])


def test_recovery_queues_again_what_a_dead_worker_took_before_claiming_it(settings: Any) -> None:
    """The kill fell between RQ taking the job and Kansli claiming the row: the row says queued, RQ started."""
    from helpers.pdfs import plan_pdf
    from kansli import recovery
    from kansli.documents import add_upload
    from kansli.storage import Store

    with db.session_scope(settings.database_url) as session:
        doc_id = add_upload(session, Store(settings.files_dir), plan_pdf(), "plan.pdf", None)[0].id
    redis = queues.connection(settings.redis_url)
    queues.enqueue_extraction(settings, doc_id)
    queue = Queue(queues.EXTRACT, connection=redis)
    job = queue.dequeue_any([queue], None, connection=redis)[0]
    job.worker_name = "killed-before-claiming"
    job.set_status("started")
    job.save()
    assert recovery.recover(settings, redis) == [f"document {doc_id}: requeued after lost queue entry"]
    assert queue.job_ids == [queues.document_job_id(doc_id)]


def test_sqlite_in_a_read_only_data_folder_is_503_and_no_connection_stays_read_only(
        make_settings: Any, migrated_sqlite: Path, password_hashes: dict[str, str], tmp_path: Path) -> None:
    """SQLite in the data folder, as a single-host install keeps it: a connection opened while the folder is
    read-only can only read, even once the folder is writable again. A write through it is the 503 of a
    read-only folder, and no such connection is kept for later requests (found by tests/faults/)."""
    import shutil
    import sqlite3

    from kansli.models import User
    from kansli.users import issue_token
    from service import create_app

    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copyfile(migrated_sqlite, folder / "kansli.db")
    settings = make_settings(f"sqlite:///{folder / 'kansli.db'}")
    with db.session_scope(settings.database_url) as session:
        user = User(name="clerk", role="clerk", password_hash=password_hashes["clerk"])
        session.add(user)
        session.flush()
        headers = {"Authorization": f"Bearer {issue_token(session, user)}"}
    client = create_app(settings, {"TESTING": True}).test_client()
    doc_id = upload(client, headers, text_pdf("Ett underlag")).json["id"]
    worker = sqlite3.connect(folder / "kansli.db")  # another process's connection keeps the WAL files there
    worker.execute("SELECT count(*) FROM documents").fetchall()
    db.engine_for(settings.database_url).dispose()  # the next request opens a connection, as a busier web would

    with mounted(folder, "--bind", "-o", "ro", str(folder)):
        response = client.get(f"/api/documents/{doc_id}/file", headers=headers)  # audited: a write
        assert response.status_code == 503, response.text
        assert response.json["error"]["code"] == "storage_unavailable"
    response = client.get(f"/api/documents/{doc_id}/file", headers=headers)
    assert response.status_code == 200, response.text
    with db.session_scope(settings.database_url) as session:
        assert session.query(Document).count() == 1
    db.engine_for(settings.database_url).dispose()
    worker.close()
