"""The Alembic migrations build exactly the schema the models describe, and carry data over, on SQLite and PostgreSQL."""
from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, select, text

from kansli import db, documentlist
from kansli.models import Base, Registration
from kansli.registry.numbering import open_case, register
from kansli.registry.search import search
from kansli.validation import DocumentQuery, check

YEAR = date.today().year
AT = datetime(YEAR, 3, 1, tzinfo=UTC)

#: The registry's full-text index is made by hand in a migration and not described by the models: in SQLite
#: an FTS5 virtual table (with its shadow tables), in PostgreSQL a GIN index on a tsvector expression.
FULL_TEXT = ("registry_fts", "ix_registry_search_fts", "document_fts", "ix_document_search_fts")


def _described(_obj: Any, name: str | None, _type: str, _reflected: bool, _compare_to: Any) -> bool:
    return not (name or "").startswith(FULL_TEXT)


def test_models_and_migrations_agree(database_url: str) -> None:
    with db.engine_for(database_url).connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": _described})
        assert compare_metadata(context, Base.metadata) == []


@pytest.fixture(params=["sqlite", "postgresql"])
def blank_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database to migrate step by step (the shared fixtures are migrated to head already)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'steps.db'}"
        yield url
        db.engine_for(url).dispose()
        return
    shared = request.getfixturevalue("postgres_url")  # skips, with the reason, where no PostgreSQL answers
    admin = create_engine(shared, isolation_level="AUTOCOMMIT")
    name = f"kansli_steps_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = shared.rsplit("/", 1)[0] + "/" + name
    yield url
    db.engine_for(url).dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _upgrade(url: str, revision: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(db.MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    command.upgrade(cfg, revision)


def test_registrations_made_before_cases_become_one_document_cases_keeping_their_numbers(blank_url: str) -> None:
    _upgrade(blank_url, "0008")
    with db.engine_for(blank_url).begin() as conn:
        for doc in (1, 2):
            conn.execute(text("INSERT INTO documents (id, filename, sha256, size, warnings, status, progress, attempts, "
                              "created_at, updated_at) VALUES (:id, 'plan.pdf', :sha, 1, '[]', 'extracted', 100, 1, "
                              ":at, :at)"), {"id": doc, "sha": f"{doc:02d}" * 32, "at": AT})
        for number, description in ((16, "Stadsdelsplan: Botkyrka"), (17, "Rapport")):
            conn.execute(text(
                "INSERT INTO registrations (id, dnr, year, number, direction, document_id, date, description, status, "
                "created_at, legal_hold) VALUES (:n, :dnr, :year, :n, 'incoming', :doc, :day, :description, "
                "'registered', :at, false)"),
                {"n": number, "dnr": f"KAN {YEAR}/{number:05d}", "doc": 1 if number == 16 else None, "year": YEAR,
                 "day": AT.date().isoformat(), "description": description, "at": AT})
        conn.execute(text("INSERT INTO registry_search (registration_id, body, kind, municipality) "
                          "VALUES (16, 'plan', 'district_plan', 'Botkyrka kommun')"))
        conn.execute(text("INSERT INTO registry_counters (year, last) VALUES (:year, 17)"), {"year": YEAR})
    _upgrade(blank_url, "head")

    with db.session_scope(blank_url) as session:
        old = session.scalars(select(Registration).order_by(Registration.id)).all()
        assert [(r.dnr, r.case.dnr, r.number, r.case.last_document) for r in old] == [
            (f"KAN {YEAR}/00016", f"KAN {YEAR}/16", 1, 1), (f"KAN {YEAR}/00017", f"KAN {YEAR}/17", 1, 1)]
        assert [(r.case.title, r.case.municipality, r.case.status) for r in old] == [
            ("Stadsdelsplan: Botkyrka", "Botkyrka kommun", "open"), ("Rapport", None, "open")]
        # the old numbers find their registrations, and the case's documents go on from 2
        assert search(session, f"KAN {YEAR}/17") == [old[1]]
        assert search(session, municipality="Botkyrka") == [old[0]]  # 0011: the index keeps the municipality's key
        assert register(session, "KAN", document_id=2, case=f"KAN {YEAR}/16").dnr == f"KAN {YEAR}/16-2"
    with db.session_scope(blank_url) as session:
        # a new case takes the year's next number after the migrated ones (and a new id)
        assert open_case(session, "KAN", "Nytt").dnr == f"KAN {YEAR}/18"


def test_passwords_set_before_0019_count_as_set_at_the_upgrade(blank_url: str) -> None:
    """A temporary password pending at the upgrade gets its full time from then, not none at all."""
    from kansli.models import User, utcnow
    from kansli.users import temporary_expired

    _upgrade(blank_url, "0017")
    with db.engine_for(blank_url).begin() as conn:
        conn.execute(text("INSERT INTO users (name, role, password_hash, created_at, must_change_password) "
                          "VALUES ('anna', 'clerk', 'x', :at, true)"), {"at": AT})
    before = utcnow()
    _upgrade(blank_url, "head")
    with db.session_scope(blank_url) as session:
        anna = session.scalars(select(User)).one()
        at = anna.password_set_at  # naive UTC from SQLite, aware from PostgreSQL
        assert anna.must_change_password and (at.astimezone(UTC) if at.tzinfo else at.replace(tzinfo=UTC)) >= before
        assert not temporary_expired(anna, timedelta(hours=1))


def test_documents_read_before_the_document_list_are_found_by_text_and_municipality(blank_url: str) -> None:
    _upgrade(blank_url, "0015")
    with db.engine_for(blank_url).begin() as conn:
        for doc, status in ((1, "extracted"), (2, "failed")):
            conn.execute(text("INSERT INTO documents (id, filename, sha256, size, warnings, status, progress, attempts, "
                              "created_at, updated_at, text) VALUES (:id, :name, :sha, 1, '[]', :status, 100, 1, "
                              ":at, :at, :text)"),
                         {"id": doc, "name": f"{doc}.pdf", "sha": f"{doc:02d}" * 32, "at": AT, "status": status,
                          "text": "Alby och Fittja" if doc == 1 else None})
        for number, municipality in ((1, "Botkyrka"), (2, "Uppsala kommun")):  # the latest revision counts
            conn.execute(text("INSERT INTO revisions (document_id, number, source, fields, changed, created_at) "
                              "VALUES (1, :n, 'extraction', :fields, '[]', :at)"),
                         {"n": number, "fields": f'{{"municipality": "{municipality}"}}', "at": AT})
        for doc in range(3, 253):  # more than the migration indexes at a time: every batch is indexed
            conn.execute(text("INSERT INTO documents (id, filename, sha256, size, warnings, status, progress, "
                              "attempts, created_at, updated_at, text) VALUES (:id, :name, :sha, 1, '[]', 'extracted', "
                              "100, 1, :at, :at, :text)"),
                         {"id": doc, "name": "bilaga.pdf", "sha": f"{doc:064x}", "at": AT, "text": "Bilaga"})
            conn.execute(text("INSERT INTO revisions (document_id, number, source, fields, changed, created_at) "
                              "VALUES (:id, 1, 'extraction', '{}', '[]', :at)"), {"id": doc, "at": AT})
    _upgrade(blank_url, "head")
    with db.engine_for(blank_url).begin() as conn:
        assert conn.execute(text("SELECT count(*) FROM document_search")).scalar() == 251  # all read (not 2)

    with db.session_scope(blank_url) as session:
        def found(**args: str) -> list[int]:
            return [d.id for d in documentlist.listing(session, check(DocumentQuery, args), 25).documents]

        assert found(q="Fittja") == [1] and found(municipality="Uppsala") == [1] and found(municipality="Botkyrka") == []
        assert found(q="2.pdf") == [2]  # not read: found by its name
