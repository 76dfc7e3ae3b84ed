"""The database engine and sessions, one per process and URL.

SQLite is the default; several processes (web and workers) write to it, so it runs in WAL mode with a
busy timeout instead of failing on a lock. Schema changes go through Alembic (``kansli/migrations``).
"""
from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, exc, text
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
        path = engine.url.database or ""

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, record) -> None:  # noqa: ANN001
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()
            record.info["read_only"] = not _writable(path)

        @event.listens_for(engine, "checkout")
        def _not_read_only_for_good(_dbapi_conn, record, _proxy) -> None:  # noqa: ANN001
            # SQLite opens a file it cannot write (a read-only data folder) for reading only, and such a
            # connection stays read-only when the folder is writable again: pooled, it would fail every
            # write from then on. Once the file can be written, the pool opens a new connection instead.
            if record.info.get("read_only") and _writable(path):
                raise exc.DisconnectionError("opened while the database file was read-only")

        return engine
    return create_engine(url, pool_pre_ping=True)


def _writable(path: str) -> bool:
    return not path or path == ":memory:" or os.access(path, os.W_OK)


def read_only_error(error: BaseException) -> bool:
    """Whether ``error`` is SQLite refusing a write because its file (the data folder) is read-only."""
    orig = getattr(error, "orig", None)
    code = getattr(orig, "sqlite_errorcode", None)
    return isinstance(orig, sqlite3.Error) and code is not None and code & 0xFF == sqlite3.SQLITE_READONLY


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
