"""The service as processes: real ``kansli serve`` and ``kansli worker``, real Redis, killed workers.

These are the slow tests; they start whole process trees and wait for real work.
"""
from __future__ import annotations

import re
import signal
import socket
import time
from typing import Any

import psutil
import pytest
import redis
import requests
from sqlalchemy import func, select, update

from helpers.pdfs import plan_pdf
from helpers.processes import Processes, free_port, wait_for
from helpers.servers import Api, serve
from kansli import db
from kansli.models import Document, Revision, utcnow

pytestmark = pytest.mark.slow


@pytest.fixture
def settings(make_settings: Any, sqlite_url: str) -> Any:
    """Whole-process tests run on SQLite; the end-to-end test (test_end_to_end.py) runs on both."""
    return make_settings(sqlite_url)


def test_a_worker_killed_mid_job_still_ends_extracted(
        settings: Any, tokens: dict[str, str], processes: Processes) -> None:
    port = free_port()
    server, base = serve(processes, port, KANSLI_WORKERS="1", KANSLI_HEAVY_PAGES="1000")
    api = Api(base, tokens["clerk"])
    doc_id = api.upload(plan_pdf(filler_pages=250))
    busy = api.wait(f"/api/documents/{doc_id}", ("processing",), 30)
    wait_for(lambda: api.get(f"/api/documents/{doc_id}")["progress"] >= 5, 30, 0.2, "progress")

    with db.session_scope(settings.database_url) as session:
        horse_pid = int(session.get(Document, doc_id).worker.rsplit(":", 1)[1])
    horse = psutil.Process(horse_pid)
    worker = horse.parent()  # RQ runs each job in a forked "work horse" of its own session
    assert "workers" in " ".join(worker.cmdline())
    for process in (worker, horse):  # the whole worker, mid-page, as a crash or the OOM killer would
        process.send_signal(signal.SIGKILL)
    assert busy["status"] == "processing"

    doc = api.wait(f"/api/documents/{doc_id}", ("extracted", "failed"), 120)
    assert doc["status"] == "extracted", doc["error"]
    assert doc["attempts"] == 2 and doc["extraction"]["pages"] == 251
    with db.session_scope(settings.database_url) as session:
        assert session.scalar(select(func.count()).select_from(Revision)) == 1
    log = processes.log(server)
    # The heavy worker helps with ordinary work when it has none of its own: either may have been killed.
    assert re.search(r"(worker|heavy)-1 exited with status -9", log) and "requeued after lost worker" in log
    assert f"(document-{doc_id}-heavy)" in log  # a document that outlived its worker is read on the heavy queue


def test_serve_start_up_requeues_work_that_redis_lost(
        settings: Any, tokens: dict[str, str], processes: Processes) -> None:
    from service import create_app

    client = create_app(settings, {"TESTING": True}).test_client()
    headers = {"Authorization": f"Bearer {tokens['clerk']}"}
    import io

    ids = [client.post("/api/documents", headers=headers,
                       data={"file": (io.BytesIO(plan_pdf(filler_pages=n)), "p.pdf")}).json["id"] for n in range(3)]
    with db.session_scope(settings.database_url) as session:  # one was mid-job when all went down
        session.execute(update(Document).where(Document.id == ids[0]).values(
            status="processing", claim="dead", attempts=1, lease_until=utcnow()))
    redis.Redis.from_url(settings.redis_url).flushdb()  # Redis restarted without its data

    _server, base = serve(processes, free_port(), KANSLI_WORKERS="1")
    api = Api(base, tokens["clerk"])
    for doc_id in ids:
        assert api.wait(f"/api/documents/{doc_id}", ("extracted", "failed"))["status"] == "extracted"


def test_workers_are_restarted_after_their_job_limit(
        settings: Any, tokens: dict[str, str], processes: Processes) -> None:
    server, base = serve(processes, free_port(), KANSLI_WORKERS="1", KANSLI_HEAVY_WORKERS="0", KANSLI_WORKER_MAX_JOBS="1")
    api = Api(base, tokens["clerk"])
    ids = [api.upload(plan_pdf(filler_pages=n)) for n in range(3)]
    for doc_id in ids:
        assert api.wait(f"/api/documents/{doc_id}", ("extracted", "failed"))["status"] == "extracted"
    assert processes.log(server).count("worker-1 exited with status 0; restarting") >= 2


def test_serve_without_redis_url_runs_embedded_redis_and_stops_cleanly(
        settings: Any, tokens: dict[str, str], processes: Processes, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REDIS_URL")
    server, base = serve(processes, free_port())
    health = wait_for(lambda: (h := requests.get(base + "/api/health", timeout=30).json())["workers"] == 3 and h,
                      30, 0.3, "two ordinary workers and a heavy one")
    assert {k: health[k] for k in ("status", "redis", "database", "workers")} == {
        "status": "ok", "redis": "ok", "database": "ok", "workers": 3}
    assert (settings.data_dir / "redis" / "redis.rdb").parent.is_dir()

    api = Api(base, tokens["clerk"])
    doc_id = api.upload(plan_pdf())
    assert api.wait(f"/api/documents/{doc_id}", ("extracted", "failed"))["status"] == "extracted"
    drafter = Api(base, tokens["drafter"])  # a PDF/A through the workers' resident LibreOffice
    response = drafter.post("/api/outputs", json={"kind": "agreement", "document_id": doc_id, "agency": "Polismyndigheten"})
    assert drafter.wait(f"/api/outputs/{response.json()['id']}", ("ready", "failed"))["status"] == "ready"

    embedded = redis.Redis.from_url(re.search(r"embedded Redis at (unix://\S+)", processes.log(server)).group(1))
    assert embedded.ping()
    tree = psutil.Process(server.pid).children(recursive=True)
    names = " ".join(" ".join(p.cmdline()) for p in tree)
    assert "gunicorn" in names and "workers.cron" in names and names.count("-m workers") >= 3
    assert [p.cmdline()[1:] for p in psutil.Process(server.pid).children()].count(["-m", "workers", "--heavy"]) == 1
    assert names.count("kansli.office_host") == 2  # a resident LibreOffice per ordinary worker; the heavy one only reads
    second = processes.start("serve", env={"PORT": str(free_port())})  # the same data folder: refused
    assert second.wait(timeout=60) == 1
    assert "Kansli körs redan med datamappen" in processes.log(second)
    profiles = [p.name for p in (settings.data_dir / "libreoffice").glob("*-office-*")]
    assert sorted(profiles) == [f"{socket.gethostname()}-{server.pid}-office-{n}" for n in (1, 2)]  # its own
    server.send_signal(signal.SIGTERM)
    assert server.wait(timeout=60) == 0
    gone, alive = psutil.wait_procs(tree, timeout=10)
    assert alive == [], f"still running after stop: {[p.cmdline() for p in alive]}"
    # Nor anything started later (LibreOffice and its launcher) that still works in the data folder.
    leftovers = [p.info["cmdline"] for p in psutil.process_iter(["cmdline", "status"])
                 if p.info["status"] != psutil.STATUS_ZOMBIE and str(settings.data_dir) in " ".join(p.info["cmdline"] or [])]
    assert leftovers == []
    with pytest.raises(redis.ConnectionError):
        embedded.ping()  # the embedded Redis stopped too
    assert list((settings.data_dir / "libreoffice").glob("*-office-*")) == []  # its profiles went with it


def test_nothing_outlives_a_killed_serve(settings: Any, processes: Processes, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REDIS_URL")  # its embedded Redis too
    server, base = serve(processes, free_port())
    wait_for(lambda: requests.get(base + "/api/health", timeout=30).json()["workers"] == 3, 30, 0.3, "three workers")
    tree = psutil.Process(server.pid).children(recursive=True)
    assert any("soffice" in " ".join(p.cmdline()) for p in tree)  # LibreOffice itself is up, not only unoserver
    server.kill()  # no chance to stop anything

    def ours() -> list[list[str]]:
        """Processes still working for this data folder (LibreOffice's profile, Redis's dump, the web's port)."""
        return [p.info["cmdline"] for p in psutil.process_iter(["cmdline", "status"])
                if p.info["status"] != psutil.STATUS_ZOMBIE and p.pid != server.pid
                and str(settings.data_dir) in " ".join(p.info["cmdline"] or [])]

    _, alive = psutil.wait_procs(tree, timeout=20)
    assert alive == [] and ours() == [], f"still running: {[p.cmdline() for p in alive] or ours()}"
    left = sorted((settings.data_dir / "libreoffice").glob(f"*-{server.pid}-office-*"))
    assert len(left) == 2  # a killed serve could not remove its LibreOffice profiles
    again, base = serve(processes, free_port())  # and the folder is free for a new serve at once
    wait_for(lambda: requests.get(base + "/api/health", timeout=30).json()["workers"] == 3, 30, 0.3, "restarted")
    assert [p for p in left if p.exists()] == []  # the new one removed what the dead one left


def test_a_document_that_outlasts_the_job_timeout_fails_with_a_reason(
        settings: Any, make_settings: Any, tokens: dict[str, str], processes: Processes) -> None:
    """``kansli worker`` on its own, as on a scaled-out host; the timeout travels with the job."""
    from service import create_app

    impatient = make_settings(settings.database_url, KANSLI_JOB_TIMEOUT="2")
    worker = processes.start("worker")
    client = create_app(impatient, {"TESTING": True}).test_client()
    import io

    response = client.post("/api/documents", headers={"Authorization": f"Bearer {tokens['clerk']}"},
                           data={"file": (io.BytesIO(plan_pdf(filler_pages=250)), "lang.pdf")})
    doc_id = response.json["id"]

    def settled() -> Any:
        with db.session_scope(settings.database_url) as session:
            doc = session.get(Document, doc_id)
            return doc.status in ("extracted", "failed") and (doc.status, doc.error_code, doc.error, doc.attempts)

    status, code, error, attempts = wait_for(settled, 60, 0.3, "the timeout")
    assert (status, code, attempts) == ("failed", "timeout", 1), processes.log(worker)
    assert error.startswith("Det tog för lång tid att läsa PDF-filen")
    assert worker.poll() is None  # the worker itself lives on


def test_bombs_are_refused_by_their_budget_and_ordinary_uploads_go_on_beside_them(
        settings: Any, tokens: dict[str, str], processes: Processes) -> None:
    """Issue 15: 1 MB of PDF unpacking to 1 GiB kept a worker 407 s at 2.1 GB, and uploads waited."""
    from helpers.pdfs import drawing_bomb_pdf, zip_bomb_pdf

    server, base = serve(processes, free_port(), KANSLI_WORKERS="1", KANSLI_HEAVY_PAGES="20")
    api = Api(base, tokens["clerk"])

    def workers() -> set[int]:  # the supervisor's own children; their work horses and budgeted children are theirs
        return {p.pid for p in psutil.Process(server.pid).children() if p.cmdline()[1:3] == ["-m", "workers"]}

    started_workers = wait_for(lambda: len(pids := workers()) == 2 and pids, 30, 0.2, "an ordinary and a heavy worker")

    started = time.monotonic()
    bomb = api.upload(drawing_bomb_pdf(3_500_000), "ritning.pdf")  # 31 kB; reading it takes more than a gigabyte
    plan = api.upload(plan_pdf(), "plan.pdf")  # an ordinary upload, queued beside it
    assert api.wait(f"/api/documents/{plan}", ("extracted", "failed"), 60)["status"] == "extracted"
    assert api.get(f"/api/documents/{bomb}")["status"] == "processing"  # done before the bomb's budget ran out
    refused = api.wait(f"/api/documents/{bomb}", ("extracted", "failed"), 60)
    assert (refused["status"], refused["error_code"]) == ("failed", "too_large")
    assert refused["error"].startswith("PDF-filen kräver mer än 1024 MB minne") and time.monotonic() - started < 60

    zipped = api.upload(zip_bomb_pdf(2048), "bomb.pdf")  # 2 MB inflating to 2 GiB
    refused = api.wait(f"/api/documents/{zipped}", ("extracted", "failed"), 60)
    assert (refused["status"], refused["error_code"], refused["attempts"]) == ("failed", "too_large", 1)

    long = api.upload(plan_pdf(filler_pages=30), "lang.pdf")  # past KANSLI_HEAVY_PAGES: the heavy worker's
    assert api.wait(f"/api/documents/{long}", ("extracted", "failed"), 60)["status"] == "extracted"
    log = processes.log(server)
    assert f"kansli-extract-heavy: workers.jobs.extract_document({long}, True) (document-{long}-heavy)" in log
    # The workers lived through it all: the same processes, never restarted.
    assert "exited with status" not in log
    assert workers() == started_workers


def test_serve_schedules_the_fixity_check(settings: Any, tokens: dict[str, str], processes: Processes) -> None:
    _server, base = serve(processes, free_port(), KANSLI_WORKERS="1", KANSLI_FIXITY_INTERVAL="3600")
    fixity = wait_for(lambda: requests.get(base + "/api/health", timeout=30).json().get("fixity"), 30, 0.5,
                      "the first scheduled fixity run")
    assert fixity["failures"] == 0


def test_the_supervisor_leaves_nothing_of_a_childs_process_group(tmp_path: Any) -> None:
    """LibreOffice's launcher has been seen to outlive unoserver's SIGTERM. Whatever of a child's group
    is left — when the supervisor stops, or when a child exits on its own — must not linger."""
    import os
    import sys

    from kansli.supervisor import Supervisor

    def child(name: str, lives: float) -> list[str]:
        stubborn = (f"import os, signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
                    f"open({str(tmp_path / name)!r}, 'w').write(str(os.getpid())); time.sleep(300)")
        return [sys.executable, "-c",
                f"import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', {stubborn!r}]); time.sleep({lives})"]

    def running(pid: int) -> bool:
        try:
            return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return False

    supervisor = Supervisor(dict(os.environ))
    supervisor.add("stopped", child("stopped", 300))
    supervisor.add("exits", child("exits", 0.5))
    supervisor.poll()
    pids = {name: wait_for(lambda n=name: (p := tmp_path / n).exists() and p.read_text() and int(p.read_text()),
                           30, 0.1, f"{name}'s stubborn grandchild") for name in ("stopped", "exits")}
    wait_for(lambda: supervisor.children[1].proc.poll() is not None, 30, 0.1, "the short-lived child to exit")
    supervisor.poll()  # sees the exit, and restarts the child (whose new grandchild the stop below ends)
    wait_for(lambda: not running(pids["exits"]), 10, 0.1, "the exited child's grandchild to be gone")
    supervisor.stop()
    wait_for(lambda: not running(pids["stopped"]), 10, 0.1, "the stopped child's grandchild to be gone")
