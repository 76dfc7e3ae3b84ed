"""Fixtures: a real Redis, a real database (SQLite and PostgreSQL), the app, users, real workers.

Database tests run once per backend through the ``database_url`` fixture; where no PostgreSQL answers,
its runs are skipped with the reason printed (``-rs``), never silently.
"""
from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from sqlalchemy import create_engine, text

from helpers.processes import Processes
from kansli import config, db
from kansli.config import Settings
from kansli.models import Base

REDIS_URL = os.environ.get("KANSLI_TEST_REDIS_URL", "redis://127.0.0.1:6379/11")
PG_ADMIN_URL = os.environ.get("KANSLI_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
#: Emptied after each PostgreSQL test: every table the models know, so a new one is never forgotten.
TABLES = tuple(table.name for table in reversed(Base.metadata.sorted_tables))


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The machine's Redis where it answers, else an embedded real one (never a fake)."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
        yield REDIS_URL
        return
    except redis.RedisError:
        pass
    from kansli.embedded_redis import EmbeddedRedis

    server = EmbeddedRedis(tmp_path_factory.mktemp("redis"))
    yield server.url
    server.shutdown()


@pytest.fixture
def redis_url(redis_server: str) -> str:
    redis.Redis.from_url(redis_server).flushdb()
    return redis_server


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this run, migrated once, dropped at the end."""
    try:
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        pytest.skip(f"PostgreSQL not reachable at {PG_ADMIN_URL} ({type(exc).__name__}); PostgreSQL runs skipped")
    name = f"kansli_test_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    db.upgrade(url)
    yield url
    db.engine_for(url).dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database migrated once per run; each test gets a copy (migrating takes about a second)."""
    path = tmp_path_factory.mktemp("sqlite") / "migrated.db"
    url = f"sqlite:///{path}"
    db.upgrade(url)
    db.engine_for(url).dispose()  # the last connection closing checkpoints the WAL into the file
    return path


def fresh_sqlite(migrated: Path, folder: Path) -> str:
    path = folder / "kansli.db"
    shutil.copyfile(migrated, path)
    return f"sqlite:///{path}"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path, migrated_sqlite: Path) -> Iterator[str]:
    if request.param == "sqlite":
        url = fresh_sqlite(migrated_sqlite, tmp_path)
        yield url
        db.engine_for(url).dispose()
        return
    url = request.getfixturevalue("postgres_url")
    yield url
    with db.engine_for(url).begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))


@pytest.fixture
def sqlite_url(tmp_path: Path, migrated_sqlite: Path) -> str:
    """For the tests that start whole processes: SQLite only, to keep the suite's time in bounds."""
    return fresh_sqlite(migrated_sqlite, tmp_path)


def _settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database_url: str, redis_url: str,
              **env: str) -> Settings:
    """Settings through the environment, so worker processes started by the test see the same."""
    values = {"KANSLI_DATA_DIR": str(tmp_path / "data"), "DATABASE_URL": database_url, "REDIS_URL": redis_url,
              "KANSLI_LEASE_SECONDS": "3", "KANSLI_RECOVERY_INTERVAL": "1", **env}
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    return config.load()


@pytest.fixture
def make_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, redis_url: str) -> Callable[..., Settings]:
    return lambda database_url, **env: _settings(monkeypatch, tmp_path, database_url, redis_url, **env)


@pytest.fixture
def settings(make_settings: Callable[..., Settings], database_url: str) -> Settings:
    return make_settings(database_url)


@pytest.fixture
def app(settings: Settings):  # noqa: ANN201
    from service import create_app

    return create_app(settings, {"TESTING": True})


@pytest.fixture
def client(app):  # noqa: ANN001, ANN201
    return app.test_client()


@pytest.fixture
def tokens(settings: Settings, password_hashes: dict[str, str]) -> dict[str, str]:
    """One user per role, named after it, password ``losenord-ROLE``; returns role → API token."""
    from kansli.models import User
    from kansli.users import issue_token

    result = {}
    with db.session_scope(settings.database_url) as session:
        for role, password_hash in password_hashes.items():
            user = User(name=role, role=role, password_hash=password_hash)
            session.add(user)
            session.flush()
            result[role] = issue_token(session, user)
    return result


@pytest.fixture(scope="session")
def password_hashes() -> dict[str, str]:
    """A real scrypt hash takes a tenth of a second: the test users' passwords are hashed once per run."""
    from werkzeug.security import generate_password_hash

    return {role: generate_password_hash(f"losenord-{role}") for role in ("clerk", "drafter", "registrar", "admin")}


@pytest.fixture
def auth(tokens: dict[str, str]) -> Callable[[str], dict[str, str]]:
    return lambda role: {"Authorization": f"Bearer {tokens[role]}"}


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[Processes]:
    procs = Processes(tmp_path)
    yield procs
    procs.stop_all()


