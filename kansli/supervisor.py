"""``kansli serve`` and ``kansli worker``: a small process supervisor.

It starts the children (web server, workers), restarts any that exit — workers exit on purpose after
a number of jobs — runs the recovery pass on a timer, and on Ctrl-C or SIGTERM stops all of them.
"""
from __future__ import annotations

import fcntl
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO

from kansli import db, office, recovery
from kansli.config import Settings
from kansli.lifeline import die_with_parent
from kansli.queues import connection

log = logging.getLogger("kansli.supervisor")

#: A child that dies sooner than this after starting is restarted with a growing delay.
QUICK_EXIT = 5.0
#: How long a child may take to stop after SIGTERM before it is killed: a worker finishes its job if it
#: can (recovery takes over what it could not), the web server its requests.
STOP_GRACE = 20.0
#: A resident LibreOffice holds nothing worth waiting for (its conversions belong to stopping workers),
#: and its soffice lingers for many seconds after unoserver's SIGTERM.
OFFICE_GRACE = 3.0


@dataclass
class Child:
    name: str
    argv: list[str]
    env: dict[str, str] | None = None
    grace: float = STOP_GRACE
    proc: subprocess.Popen | None = None
    started: float = 0.0
    quick_exits: int = 0
    not_before: float = 0.0


def _sweep(proc: subprocess.Popen) -> None:
    """Kill what is left of a child's process group once the child itself is gone or overdue.

    LibreOffice's launcher (oosplash) has been seen to outlive unoserver's SIGTERM, orphaned; nothing
    of a stopped or restarted child may linger holding its profile.
    """
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


class Supervisor:
    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.children: list[Child] = []
        #: Folders of this supervisor's own (LibreOffice profiles), removed once its children have stopped.
        self.scratch: list[Path] = []

    def add(self, name: str, argv: list[str], env: dict[str, str] | None = None, grace: float = STOP_GRACE) -> None:
        self.children.append(Child(name, argv, env, grace))

    def _start(self, child: Child) -> None:
        # Own session per child: a signal meant for one (or its work horse) never hits the others.
        child.proc = subprocess.Popen(child.argv, env={**self.env, **(child.env or {})}, start_new_session=True,
                                      preexec_fn=die_with_parent)
        child.started = time.monotonic()
        log.info("started %s (pid %d)", child.name, child.proc.pid)

    def poll(self) -> None:
        now = time.monotonic()
        for child in self.children:
            if child.proc is None:
                if now >= child.not_before:
                    self._start(child)
                continue
            code = child.proc.poll()
            if code is None:
                continue
            _sweep(child.proc)
            quick = now - child.started < QUICK_EXIT
            child.quick_exits = child.quick_exits + 1 if quick else 0
            delay = min(2 ** child.quick_exits, 30) if quick else 0
            log.log(logging.WARNING if code else logging.INFO,
                    "%s exited with status %s; restarting in %d s", child.name, code, delay)
            child.proc, child.not_before = None, now + delay

    def stop(self) -> None:
        started = [c for c in self.children if c.proc]
        waiting = [c for c in started if c.proc and c.proc.poll() is None]
        for child in waiting:  # the whole group: a child's own children (soffice, gunicorn's) stop with it
            assert child.proc is not None
            os.killpg(child.proc.pid, signal.SIGTERM)
        asked = time.monotonic()
        while waiting:  # each child until it has stopped or its grace has run out
            time.sleep(0.1)
            elapsed = time.monotonic() - asked
            waiting = [c for c in waiting if c.proc and c.proc.poll() is None and elapsed < c.grace]
        for child in started:  # then whatever did not heed the SIGTERM, or outlived its own child
            assert child.proc is not None
            _sweep(child.proc)
            child.proc.wait()
        for folder in self.scratch:
            shutil.rmtree(folder, ignore_errors=True)

    def run(self, tick: Callable[[], None] | None = None, tick_every: float = 10.0) -> None:
        def on_signal(signum: int, _frame: object) -> None:
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, on_signal)
        last_tick = time.monotonic()
        try:
            while True:
                self.poll()
                if tick and time.monotonic() - last_tick >= tick_every:
                    last_tick = time.monotonic()
                    tick()
                time.sleep(0.2)
        except KeyboardInterrupt:
            log.info("stopping")
        finally:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            self.stop()


def worker_argv(heavy: bool = False) -> list[str]:
    return [sys.executable, "-m", "workers", *(["--heavy"] if heavy else [])]


def web_argv(settings: Settings) -> list[str]:
    return [sys.executable, "-m", "gunicorn", "--bind", f"{settings.host}:{settings.port}",
            "--workers", "2", "--threads", "4", "--timeout", "120", "--access-logfile", "-",
            "service.wsgi:app"]


def recover_safely(settings: Settings) -> None:
    try:
        for line in recovery.recover(settings, connection(settings.redis_url or "")):
            log.info("recovery: %s", line)
    except Exception:  # Redis or the database briefly away: the next pass tries again
        log.exception("recovery pass failed")


def serve(settings: Settings) -> None:
    """Everything on one host: embedded Redis if needed, migrations, recovery, web and workers."""
    from kansli.embedded_redis import EmbeddedRedis

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    lock = hold_data_folder(settings)
    embedded = None
    if not settings.redis_url:
        embedded = EmbeddedRedis(settings.data_dir / "redis")
        settings = replace(settings, redis_url=embedded.url)
        log.info("embedded Redis at %s", embedded.url)
    try:
        db.upgrade(settings.database_url)
        env = {**os.environ, "REDIS_URL": settings.redis_url or "", "DATABASE_URL": settings.database_url,
               "KANSLI_DATA_DIR": str(settings.data_dir)}
        recover_safely(settings)  # work left queued or running when Redis or a worker was lost
        supervisor = Supervisor(env)
        supervisor.add("web", web_argv(settings))
        add_workers(supervisor, settings, settings.workers)
        if settings.fixity_interval > 0:
            supervisor.add("cron", [sys.executable, "-m", "workers.cron"])
        print(f"Kansli körs på http://{settings.host}:{settings.port} — avsluta med Ctrl-C.", flush=True)
        supervisor.run(tick=lambda: recover_safely(settings), tick_every=settings.recovery_interval)
    finally:
        if embedded:
            embedded.shutdown()
        lock.close()


def hold_data_folder(settings: Settings) -> IO[bytes]:
    """One ``kansli serve`` per data folder: a second one would fight the first for its port, its embedded
    Redis and its schedules. The lock is the kernel's, so it is released however the holder ends."""
    handle = (settings.data_dir / "serve.lock").open("a+b")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise SystemExit(f"Kansli körs redan med datamappen {settings.data_dir}; stoppa den först, "
                         "eller ange en annan KANSLI_DATA_DIR.") from None
    return handle


def run_workers(settings: Settings, count: int) -> None:
    """``kansli worker``: worker processes only, for scaling out on more hosts."""
    if not settings.redis_url:
        raise SystemExit("REDIS_URL saknas: ange samma Redis som webbservern använder.")
    supervisor = Supervisor(dict(os.environ))
    add_workers(supervisor, settings, count)
    supervisor.run()


def add_workers(supervisor: Supervisor, settings: Settings, count: int) -> None:
    """``count`` ordinary workers, each with a resident LibreOffice of its own where unoserver is installed,
    and ``settings.heavy_workers`` for the heavy queue, which only read PDFs and need no LibreOffice."""
    unoserver = office.executable(settings)
    for gone in office.sweep_profiles(settings.data_dir / "libreoffice"):
        log.info("removed %s, left by a process that is gone", gone)
    if count and not unoserver:
        log.info("unoserver not installed (.venv-office): documents are converted with a cold LibreOffice")
    for n in range(1, count + 1):
        env = None
        if unoserver:
            port, uno_port = free_port(), free_port()
            # per supervising process: two `kansli worker` on one host must never share a profile
            profile = settings.data_dir / "libreoffice" / office.profile_name(os.getpid(), "office", n)
            supervisor.add(f"office-{n}", [sys.executable, "-m", "kansli.office_host",
                                            *office.argv(unoserver, port, uno_port, profile)], grace=OFFICE_GRACE)
            supervisor.scratch.append(profile)
            env = {"KANSLI_UNOSERVER_PORT": str(port)}
        supervisor.add(f"worker-{n}", worker_argv(), env)
    for n in range(1, settings.heavy_workers + 1):
        supervisor.add(f"heavy-{n}", worker_argv(heavy=True))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
