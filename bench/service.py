"""``make bench``, the whole service: a real ``kansli serve`` on loopback under concurrent callers.

Two measurements, each on a fresh data folder with the embedded Redis:

- **accept**: 50 distinct plans uploaded at once (50 client threads); each upload's time from sending to
  its 202, as p50/p99, and the time until every one is extracted — on SQLite and on PostgreSQL.
- **workers on one host**: the same drafts (agreements with PDF/A and preview) made by two and then by
  four workers, each with its own resident LibreOffice; the time until all are ready and how often a
  resident LibreOffice had to be restarted. Four must be no slower than two (issue 14 found them slower
  when they shared a profile).

Numbers are printed, never asserted.
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from helpers.load import AGENCIES, Clients, percentile, plans  # noqa: E402
from helpers.processes import free_port, wait_for  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
KANSLI = str(Path(sys.executable).with_name("kansli"))
PG_ADMIN_URL = os.environ.get("KANSLI_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
PASSWORD = "bänk-lösenord-1234"


class Server:
    """A ``kansli serve`` of its own data folder and database, with a clerk's and a drafter's token."""

    def __init__(self, folder: Path, database_url: str, workers: int) -> None:
        self.env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}  # its own embedded Redis
        self.env.update(KANSLI_DATA_DIR=str(folder), DATABASE_URL=database_url, KANSLI_WORKERS=str(workers))
        self.log = folder.parent / f"serve-{folder.name}.log"
        self.tokens = {role: self._user(role) for role in ("clerk", "drafter")}
        self.port = free_port()
        self.proc = subprocess.Popen([KANSLI, "serve", "--port", str(self.port)], env=self.env, cwd=ROOT,
                                     stdout=self.log.open("wb"), stderr=subprocess.STDOUT)
        self.base = f"http://127.0.0.1:{self.port}"
        wait_for(lambda: self._workers() == workers + 1, 120, 0.5, f"{workers} workers and the heavy one")
        self.clients = Clients(self.base, self.tokens["clerk"], self.tokens["drafter"], patience=300)

    def _user(self, role: str) -> str:
        out = subprocess.run([KANSLI, "user", "add", f"bench-{role}", "--role", role], input=PASSWORD + "\n",
                             env=self.env, cwd=ROOT, capture_output=True, text=True, check=True)
        return out.stdout.strip().splitlines()[-1]

    def _workers(self) -> int:
        assert self.proc.poll() is None, self.log.read_text(errors="replace")[-3000:]
        try:
            return requests.get(self.base + "/api/health", timeout=10).json().get("workers", 0)
        except requests.RequestException:
            return 0

    def wait_until(self, path: str, ids: list[int], done: str, timeout: float = 900) -> float:
        """Seconds until every ``path/<id>`` has status ``done`` (or failed), counted from now."""
        start, pending = time.monotonic(), set(ids)

        def settled() -> bool:
            for i in list(pending):
                if self.clients.get(f"{path}/{i}")["status"] in (done, "failed"):
                    pending.discard(i)
            return not pending

        wait_for(settled, timeout, 0.25, f"{len(ids)} of {path} to be {done}")
        return time.monotonic() - start

    def office_restarts(self) -> int:
        return len(re.findall(r"office-\d+ exited", self.log.read_text(errors="replace")))

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=120)


@contextmanager
def database(kind: str, folder: Path) -> Iterator[str | None]:
    """A fresh database of ``kind``: SQLite in the data folder, or a PostgreSQL database dropped after."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'kansli.db'}"
        return
    try:
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - the bench says so and goes on with the rest
        print(f"          PostgreSQL not reachable at {PG_ADMIN_URL} ({type(exc).__name__}): not measured")
        yield None
        return
    name = f"kansli_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def accept(kind: str, tmp: Path, uploads: int = 50) -> None:
    folder = tmp / f"accept-{kind}"
    folder.mkdir()
    with database(kind, folder) as url:
        if url is None:
            return
        server = Server(folder, url, workers=2)
        try:
            calls = server.clients.run(plans(uploads, tag=f"-{kind}"), [], threads=uploads).wait(timeout=300)
            accepted = [c for c in calls if c.accepted]
            latencies = [c.latency for c in accepted if c.latency is not None]
            extracted = server.wait_until("/api/documents", [c.id for c in accepted if c.id is not None], "extracted")
            since_first = max(c.sent_at + (c.latency or 0) for c in accepted) - min(c.sent_at for c in accepted)
            print(f"accept    {kind:10} {len(accepted)}/{uploads} uploads at once accepted: p50 "
                  f"{percentile(latencies, 50):.2f} s, p99 {percentile(latencies, 99):.2f} s "
                  f"(all answered in {since_first:.1f} s); all extracted "
                  f"{since_first + extracted:.1f} s after the first was sent")
        finally:
            server.stop()


def workers_on_one_host(tmp: Path, drafts: int = 24) -> None:
    results = {}
    for workers in (2, 4):
        folder = tmp / f"workers-{workers}"
        folder.mkdir()
        with database("sqlite", folder) as url:
            assert url is not None
            server = Server(folder, url, workers=workers)
            try:
                seed = server.clients.upload(plans(1, tag=f"-w{workers}")[0], "plan.pdf").id
                assert seed is not None
                server.wait_until("/api/documents", [seed], "extracted")
                warm = [server.clients.draft(seed, AGENCIES[n % 3]).id for n in range(workers)]
                server.wait_until("/api/outputs", [i for i in warm if i is not None], "ready")
                start = time.monotonic()
                calls = server.clients.run([], [(seed, AGENCIES[n % 3]) for n in range(drafts)], threads=8).wait(300)
                ready = server.wait_until("/api/outputs", [c.id for c in calls if c.id is not None], "ready")
                results[workers] = (time.monotonic() - start, ready, server.office_restarts())
            finally:
                server.stop()
        seconds, _, restarts = results[workers]
        print(f"workers   {workers} on one host: {drafts} agreements (Word, PDF/A, preview) ready in {seconds:.1f} s "
              f"({drafts / seconds:.2f}/s), resident LibreOffice restarts {restarts}")
    print(f"          four workers / two: {results[2][0] / results[4][0]:.2f}x the throughput")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for kind in ("sqlite", "postgresql"):
            accept(kind, Path(tmp))
        workers_on_one_host(Path(tmp))


if __name__ == "__main__":
    main()
