"""The database engine and sessions, one per process and URL.

SQLite is the default; several processes (web and workers) write to it, so it runs in WAL mode with a
busy timeout instead of failing on a lock. Schema changes go through Alembic (``kansli/migrations``).
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).with_name("migrations")


def _forget_inherited_connections() -> None:
    """A forked child (RQ's work horse) must not reuse its parent's pooled connections."""
    for engine in _ENGINES.values():
        engine.dispose(close=False)


_ENGINES: dict[str, Engine] = {}
os.register_at_fork(after_in_child=_forget_inherited_connections)


def engine_for(url: str) -> Engine:
    if url not in _ENGINES:
        _ENGINES[url] = _create(url)
    return _ENGINES[url]


def _create(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:  # noqa: ANN001
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


@cache
def sessionmaker_for(url: str) -> sessionmaker[Session]:
    return sessionmaker(engine_for(url), expire_on_commit=False)


@contextmanager
def transaction(session: Session) -> Iterator[Session]:
    """Commit what the block did if it succeeds, roll it back if it raises: the one commit point of a step."""
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


@contextmanager
def session_scope(url: str) -> Iterator[Session]:
    """A session of its own, committed (or rolled back) and closed when the block ends."""
    session = sessionmaker_for(url)()
    try:
        with transaction(session):
            yield session
    finally:
        session.close()


def insert_for(session: Session, model: type) -> Any:
    """The dialect's INSERT for ``model``, which has ON CONFLICT (upserts, first-writer-wins inserts)."""
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


def upgrade(url: str) -> None:
    """Bring the schema to the newest migration; safe to run at every start."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    command.upgrade(cfg, "head")


def ping(url: str) -> None:
    with engine_for(url).connect() as conn:
        conn.execute(text("SELECT 1"))
