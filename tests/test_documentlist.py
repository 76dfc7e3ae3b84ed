"""The document list's query: full text, each filter, each order and the pages — on both databases."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.orm import Session

from kansli import db, documentlist
from kansli.models import Document, Revision, User
from kansli.registry import retention
from kansli.registry.numbering import register
from kansli.validation import DocumentQuery, Invalid, check

#: name, kind, status, uploader, uploaded at (UTC), fields, text
ROWS: list[tuple[str, str | None, str, str, datetime, dict[str, Any] | None, str | None]] = [
    ("uppsala-plan.pdf", "district_plan", "extracted", "anna", datetime(2026, 3, 2, 9, tzinfo=UTC),
     {"municipality": "Uppsala kommun"}, "Gottsunda och Valsätra ska få fler arbetstillfällen."),
    ("Botkyrka plan.pdf", "district_plan", "extracted", "bo", datetime(2026, 3, 2, 23, 30, tzinfo=UTC),
     {"municipality": "Botkyrka"}, "Alby och Fittja: förvärvsfrekvensen ska öka."),
    ("rapport.pdf", "report", "extracted", "anna", datetime(2026, 3, 3, 10, tzinfo=UTC),
     {"agency": "Försäkringskassan", "municipalities": ["Uppsala kommun"]}, "Sjukpenningtalet i stadsdelarna."),
    ("trasig.pdf", None, "failed", "bo", datetime(2026, 3, 4, 8, tzinfo=UTC), None, None),
    ("ny.pdf", None, "queued", "anna", datetime(2026, 3, 5, 8, tzinfo=UTC), None, None),
]


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    with db.session_scope(database_url) as session:
        users = {name: User(name=name, role="clerk", password_hash="x") for name in ("anna", "bo", "cilla")}
        session.add_all(users.values())
        session.flush()
        for n, (name, kind, status, who, at, fields, text) in enumerate(ROWS):
            doc = Document(filename=name, sha256=f"{n:064d}", size=1, kind=kind, status=status, text=text,
                           uploaded_by=users[who].id, created_at=at)
            session.add(doc)
            session.flush()
            if fields is not None:
                session.add(Revision(document_id=doc.id, number=1, source="extraction", fields=fields))
                documentlist.index(session, doc.id, name, fields, text)
        session.flush()
        yield session


def names(session: Session, **args: Any) -> list[str]:
    found = documentlist.listing(session, check(DocumentQuery, {k: str(v) for k, v in args.items()}), 25)
    return [d.filename for d in found.documents]


def test_newest_first_by_default(session: Session) -> None:
    assert names(session) == [r[0] for r in reversed(ROWS)]


def test_full_text_finds_words_in_the_text_and_fields_and_names(session: Session) -> None:
    assert names(session, q="Fittja") == ["Botkyrka plan.pdf"]
    assert names(session, q="sjukpenningtalet") == ["rapport.pdf"]  # any case
    assert names(session, q="Försäkringskassan") == ["rapport.pdf"]  # a field
    assert names(session, q="trasig") == ["trasig.pdf"]  # not read: found by its name
    assert names(session, q="Gottsunda Valsätra") == ["uppsala-plan.pdf"]  # every word
    assert names(session, q="Gottsunda Fittja") == []
    assert names(session, q='"; DROP') == []  # quotes are words, not syntax


def test_like_wildcards_in_a_search_are_plain_characters(session: Session) -> None:
    assert names(session, q="%") == [] and names(session, q="_") == []  # not "every document"


def test_a_municipality_longer_than_any_is_kept_and_found(session: Session) -> None:
    """A mistyped Kommun of 150 characters fits the key's column on both databases (PostgreSQL refused it)."""
    long = "Uppsala " + "x" * 142
    doc = Document(filename="lang.pdf", sha256="f" * 64, size=1, kind="district_plan", status="extracted")
    session.add(doc)
    session.flush()
    documentlist.index(session, doc.id, "lang.pdf", {"municipality": long}, None)
    session.flush()
    assert names(session, municipality=long) == ["lang.pdf"]


def test_each_filter(session: Session) -> None:
    assert names(session, kind="district_plan") == ["Botkyrka plan.pdf", "uppsala-plan.pdf"]
    assert names(session, status="failed") == ["trasig.pdf"]
    assert names(session, uploader="bo") == ["trasig.pdf", "Botkyrka plan.pdf"]
    assert names(session, uploader="cilla") == []
    assert names(session, kind="report", uploader="anna", q="stadsdelarna") == ["rapport.pdf"]


def test_municipality_is_matched_by_its_key(session: Session) -> None:
    assert names(session, municipality="Uppsala") == ["uppsala-plan.pdf"]
    assert names(session, municipality="uppsala kommun") == ["uppsala-plan.pdf"]
    assert names(session, municipality="Botkyrka kommun") == ["Botkyrka plan.pdf"]
    assert names(session, municipality="Upp") == []


def test_dates_are_swedish_days(session: Session) -> None:
    # 23:30 UTC on 2 March is 00:30 on 3 March in Stockholm.
    assert names(session, since="2026-03-03", until="2026-03-03") == ["rapport.pdf", "Botkyrka plan.pdf"]
    assert names(session, until="2026-03-02") == ["uppsala-plan.pdf"]
    assert names(session, since="2026-03-05") == ["ny.pdf"]


def test_orders(session: Session) -> None:
    assert names(session, sort="oldest") == [r[0] for r in ROWS]
    assert names(session, sort="name") == ["Botkyrka plan.pdf", "ny.pdf", "rapport.pdf", "trasig.pdf",
                                           "uppsala-plan.pdf"]
    assert names(session, sort="status") == ["rapport.pdf", "Botkyrka plan.pdf", "uppsala-plan.pdf",
                                             "trasig.pdf", "ny.pdf"]


def test_pages(session: Session) -> None:
    def page(n: int) -> documentlist.Listing:
        return documentlist.listing(session, check(DocumentQuery, {"page": str(n), "per_page": "2"}), 25)

    first, last, beyond = page(1), page(3), page(4)
    assert [d.filename for d in first.documents] == ["ny.pdf", "trasig.pdf"]
    assert (first.total, first.pages, first.first, first.last) == (5, 3, 1, 2)
    assert documentlist.summary(first) == "Visar 1–2 av 5 dokument"
    assert [d.filename for d in last.documents] == ["uppsala-plan.pdf"] and documentlist.summary(last) == \
        "Visar 5–5 av 5 dokument"
    assert beyond.documents == [] and documentlist.summary(beyond) == "Sidan 4 är tom; listan har 5 dokument"
    one = documentlist.listing(session, check(DocumentQuery, {"q": "Fittja"}), 25)
    assert documentlist.summary(one) == "Visar 1 dokument"
    none = documentlist.listing(session, check(DocumentQuery, {"q": "Kiruna"}), 25)
    assert documentlist.summary(none) == "Inga dokument matchar."


def test_a_correction_is_found_under_its_new_municipality(session: Session) -> None:
    doc = session.query(Document).filter_by(filename="Botkyrka plan.pdf").one()
    documentlist.index(session, doc.id, doc.filename, {"municipality": "Huddinge kommun"}, doc.text)
    assert names(session, municipality="Huddinge") == ["Botkyrka plan.pdf"]
    assert names(session, municipality="Botkyrka") == []


def test_forget_removes_a_document_from_the_index(session: Session) -> None:
    doc = session.query(Document).filter_by(filename="Botkyrka plan.pdf").one()
    documentlist.forget(session, doc.id)
    assert names(session, q="Fittja") == []


def test_blank_form_fields_mean_no_filter_and_bad_ones_are_refused_in_swedish(session: Session) -> None:
    blank = {"q": "", "kind": "", "status": "", "municipality": "", "uploader": "", "since": "", "until": "",
             "sort": ""}
    assert len(documentlist.listing(session, check(DocumentQuery, blank), 25).documents) == 5
    for bad in ({"status": "borta"}, {"sort": "random"}, {"page": "0"}, {"since": "igår"}, {"per_page": "1000"}):
        with pytest.raises(Invalid):
            check(DocumentQuery, bad)


def test_a_disposed_document_is_no_longer_found_by_its_text(session: Session) -> None:
    doc = session.query(Document).filter_by(filename="Botkyrka plan.pdf").one()
    registration = register(session, "KAN", document_id=doc.id)
    registration.retain_until = "2000-01-01"
    anna, bo = (session.query(User).filter_by(name=n).one().id for n in ("anna", "bo"))
    retention.request_disposal(registration, anna, "Gallringsbeslut 2026:1")
    retention.approve_disposal(session, registration, bo)
    assert names(session, q="Fittja") == [] and names(session, municipality="Botkyrka") == []
    assert names(session, status="disposed") == ["Botkyrka plan.pdf"]  # the row stays, as the record
