"""Signing in and staying signed in: server-side login sessions, accounts, throttling, CSRF, security headers."""
from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from helpers.pages import login, post_login
from kansli import db
from kansli.config import Settings
from kansli.models import LoginSession, User, utcnow


def signed_in(client: Any) -> bool:
    """Whether ``client``'s cookie still opens a page, and the API answers it."""
    page, api = client.get("/"), client.get("/api/documents")
    assert (page.status_code == 200) == (api.status_code == 200)
    if page.status_code != 200:
        assert page.status_code == 302 and page.location.startswith("/login") and api.status_code == 401
    return page.status_code == 200


def copy_of(app: Any, client: Any) -> Any:
    """Another browser holding a copy of ``client``'s session cookie."""
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    return other


def test_a_cookie_copied_before_logout_is_useless_after_it(app: Any, client: Any, tokens: Any) -> None:
    csrf = login(client, "clerk")
    copy = copy_of(app, client)
    assert signed_in(copy)
    assert client.post("/logout", data={"csrf_token": csrf}).status_code == 302
    assert not signed_in(client)
    assert not signed_in(copy)


def test_the_cookie_holds_a_random_session_id_and_the_database_its_hash(
        app: Any, client: Any, tokens: Any, settings: Settings) -> None:
    login(client, "clerk")
    cookie = app.session_interface.get_signing_serializer(app).loads(client.get_cookie("session").value)
    session_id = cookie["_user_id"]
    with db.session_scope(settings.database_url) as session:
        user = session.scalar(select(User).where(User.name == "clerk"))
        row = session.scalars(select(LoginSession)).one()
        assert row.user_id == user.id and session_id != str(user.id) and len(session_id) >= 40
        assert row.token_hash == hashlib.sha256(session_id.encode()).hexdigest()


def _age_sessions(settings: Settings, column: str, age: timedelta) -> None:
    with db.session_scope(settings.database_url) as session:
        for row in session.scalars(select(LoginSession)):
            setattr(row, column, utcnow() - age)


@pytest.mark.parametrize(("env", "column", "still_live", "ended"), [
    ({"KANSLI_SESSION_IDLE_MINUTES": "5"}, "last_seen_at", timedelta(minutes=4), timedelta(minutes=6)),
    ({}, "created_at", timedelta(hours=9, minutes=50), timedelta(hours=10, minutes=10)),
], ids=["idle", "absolute"])
def test_a_session_ends_when_idle_or_too_old(make_settings: Callable[..., Settings], database_url: str,
                                             tokens: Any, env: dict[str, str], column: str,
                                             still_live: timedelta, ended: timedelta) -> None:
    from service import create_app

    settings = make_settings(database_url, **env)
    client = create_app(settings, {"TESTING": True}).test_client()
    login(client, "drafter")
    _age_sessions(settings, column, still_live)
    assert signed_in(client)
    _age_sessions(settings, column, ended)
    assert not signed_in(client)
    with db.session_scope(settings.database_url) as session:
        assert session.scalars(select(LoginSession)).all() == []


def test_requests_keep_a_session_alive(client: Any, tokens: Any, settings: Settings) -> None:
    login(client, "clerk")
    _age_sessions(settings, "last_seen_at", timedelta(minutes=20))
    assert signed_in(client)
    with db.session_scope(settings.database_url) as session:
        recent = select(LoginSession).where(LoginSession.last_seen_at > utcnow() - timedelta(minutes=1))
        assert len(session.scalars(recent).all()) == 1


def test_signing_in_again_gives_a_new_session_and_csrf_token(client: Any, tokens: Any, settings: Settings) -> None:
    first = login(client, "clerk")
    second = login(client, "clerk")
    assert first != second
    with db.session_scope(settings.database_url) as session:
        assert len(session.scalars(select(LoginSession)).all()) == 2


def _as_user(settings: Settings, name: str, change: Callable[..., Any]) -> Any:
    """Apply a kansli.users change to user ``name`` in one committed transaction, as the CLI does."""
    from kansli.users import get_user

    with db.session_scope(settings.database_url) as session:
        return change(session, get_user(session, name))


def test_a_disabled_user_has_no_session_no_token_and_no_login(app: Any, client: Any, auth: Any,
                                                             settings: Settings) -> None:
    from kansli.users import disable_user, enable_user

    login(client, "clerk")
    assert _as_user(settings, "clerk", disable_user) == 1
    assert not signed_in(client)
    assert client.get("/api/documents", headers=auth("clerk")).status_code == 401
    assert post_login(app.test_client(), "clerk", "losenord-clerk").status_code == 401
    assert client.get("/api/documents", headers=auth("drafter")).status_code == 200  # only that user

    _as_user(settings, "clerk", lambda _session, user: enable_user(user))
    assert client.get("/api/documents", headers=auth("clerk")).status_code == 200
    assert post_login(app.test_client(), "clerk", "losenord-clerk").status_code == 302


def test_a_password_change_ends_the_users_sessions(app: Any, client: Any, tokens: Any, settings: Settings) -> None:
    from kansli.users import set_password

    login(client, "drafter")
    other = app.test_client()
    login(other, "clerk")
    assert _as_user(settings, "drafter", lambda session, user: set_password(session, user, "nytt-losenord")) == 1
    assert not signed_in(client)
    assert signed_in(other)  # someone else's session is untouched
    assert post_login(app.test_client(), "drafter", "losenord-drafter").status_code == 401
    assert post_login(app.test_client(), "drafter", "nytt-losenord").status_code == 302


def test_an_operator_ends_a_users_sessions(app: Any, client: Any, tokens: Any, settings: Settings) -> None:
    from kansli.users import end_sessions

    login(client, "registrar")
    copy = copy_of(app, client)
    assert _as_user(settings, "registrar", end_sessions) == 1
    assert not signed_in(client) and not signed_in(copy)


def test_revoked_and_expired_tokens_are_refused(client: Any, tokens: Any, settings: Settings) -> None:
    from kansli.models import ApiToken
    from kansli.users import issue_token, revoke_tokens

    short = _as_user(settings, "drafter", lambda session, user: issue_token(session, user, timedelta(minutes=5)))
    forever = _as_user(settings, "drafter", lambda session, user: issue_token(session, user, None))
    bearer = lambda token: {"Authorization": f"Bearer {token}"}  # noqa: E731
    assert all(client.get("/api/documents", headers=bearer(t)).status_code == 200
               for t in (tokens["drafter"], short, forever))

    with db.session_scope(settings.database_url) as session:
        row = session.scalars(select(ApiToken).where(ApiToken.token_hash == hashlib.sha256(short.encode()).hexdigest())
                              ).one()
        row.expires_at = utcnow() - timedelta(seconds=1)
    assert client.get("/api/documents", headers=bearer(short)).status_code == 401
    assert client.get("/api/documents", headers=bearer(forever)).status_code == 200

    assert _as_user(settings, "drafter", revoke_tokens) == 2  # the expired one is not counted again
    assert all(client.get("/api/documents", headers=bearer(t)).status_code == 401 for t in (tokens["drafter"], forever))
    assert client.get("/api/documents", headers={"Authorization": f"Bearer {tokens['clerk']}"}).status_code == 200


THROTTLED = "För många misslyckade inloggningar; försök igen om en stund."


def _from(address: str) -> dict[str, Any]:
    return {"environ_base": {"REMOTE_ADDR": address}}


def _let_the_window_pass(settings: Settings) -> None:
    from kansli.models import LoginFailure
    from kansli.users import THROTTLE_WINDOW

    with db.session_scope(settings.database_url) as session:
        for row in session.scalars(select(LoginFailure)):
            row.at = utcnow() - THROTTLE_WINDOW - timedelta(seconds=1)


def _audited(settings: Settings) -> list[tuple[str, str]]:
    from kansli.models import AuditEntry

    with db.session_scope(settings.database_url) as session:
        return [(e.action, e.subject) for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def test_the_41st_failed_login_in_a_minute_locks_the_account_even_for_the_right_password(
        client: Any, tokens: Any, settings: Settings) -> None:
    for n in range(40):  # from 40 addresses: the account's count, not an address's, locks it
        assert post_login(client, "clerk", f"fel-{n}", **_from(f"10.0.0.{n}")).status_code == 401
    refused = post_login(client, "clerk", "fel-41", **_from("10.0.1.1"))
    assert refused.status_code == 429 and THROTTLED in refused.get_data(as_text=True)
    assert refused.headers["Retry-After"] == "60"
    assert post_login(client, "clerk", "losenord-clerk", **_from("10.0.1.2")).status_code == 429
    assert post_login(client, "drafter", "losenord-drafter", **_from("10.0.1.3")).status_code == 302  # others may

    _let_the_window_pass(settings)
    assert post_login(client, "clerk", "losenord-clerk", **_from("10.0.1.4")).status_code == 302
    audited = _audited(settings)
    assert audited.count(("login_failed", "user clerk")) == 40  # the refused ones are logged, not audited
    assert audited.count(("lockout", "user clerk")) == 1
    assert ("login", "user drafter") in audited and audited[-1] == ("login", "user clerk")


def test_many_failed_logins_from_one_address_lock_that_address_out(client: Any, tokens: Any,
                                                                   settings: Settings) -> None:
    for n in range(40):  # names nobody has count as much as real ones
        assert post_login(client, f"gissning-{n}", "fel", **_from("192.0.2.9")).status_code == 401
    assert post_login(client, "clerk", "losenord-clerk", **_from("192.0.2.9")).status_code == 429
    assert post_login(client, "clerk", "losenord-clerk", **_from("192.0.2.10")).status_code == 302
    assert ("lockout", "address 192.0.2.9") in _audited(settings)


def test_an_unknown_name_is_answered_as_slowly_as_a_known_one(settings: Settings, tokens: Any) -> None:
    import statistics
    import time

    from kansli.users import authenticate

    def seconds(name: str) -> float:
        with db.session_scope(settings.database_url) as session:
            start = time.perf_counter()
            assert authenticate(session, name, "fel-losenord") is None
            return time.perf_counter() - start

    known = statistics.median(seconds("clerk") for _ in range(5))
    unknown = statistics.median(seconds("ingen-alls") for _ in range(5))
    assert unknown > known / 2, (known, unknown)  # without a dummy hash, an unknown name is ~100 times faster


@pytest.mark.parametrize("authorization", ["Bearer nonsens", "Bearer ", "bearer x.y.z", None])
def test_a_session_request_needs_the_csrf_token_whatever_authorization_it_carries(
        client: Any, tokens: Any, authorization: str | None) -> None:
    """A forged cross-site request rides on the victim's cookie; a made-up bearer header must not excuse it."""
    csrf = login(client, "clerk")
    headers = {"Authorization": authorization} if authorization else {}
    upload = lambda **extra: client.post("/api/documents", headers={**headers, **extra},  # noqa: E731
                                         data={"file": (io.BytesIO(b"%PDF-1.4 x"), "a.pdf")})
    refused = upload()
    assert refused.status_code == 400 and refused.json["error"]["code"] == "csrf"
    assert upload(**{"X-CSRFToken": csrf}).status_code == 202


def test_a_valid_token_without_a_session_needs_no_csrf_token(app: Any, auth: Any) -> None:
    response = app.test_client().post("/api/documents", headers=auth("clerk"),
                                      data={"file": (io.BytesIO(b"%PDF-1.4 y"), "b.pdf")})
    assert response.status_code == 202


def _assert_security_headers(response: Any, policy: str) -> None:
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert policy in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_api_answers_and_files_carry_the_security_headers(client: Any, auth: Any) -> None:
    from helpers.api import upload

    login_page = client.get("/login")
    _assert_security_headers(login_page, "script-src 'self'")
    assert "style-src 'self'" in login_page.headers["Content-Security-Policy"]
    _assert_security_headers(client.get("/dokument-som-inte-finns"), "script-src 'self'")  # error pages too
    _assert_security_headers(client.get("/api/documents", headers=auth("clerk")), "sandbox")
    _assert_security_headers(client.get("/api/documents"), "sandbox")  # and refusals

    doc_id = upload(client, auth("clerk")).json["id"]
    pdf = client.get(f"/api/documents/{doc_id}/file", headers=auth("clerk"))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"].startswith("inline;")  # read in the browser, see document_file
    _assert_security_headers(pdf, "sandbox")
    assert "Strict-Transport-Security" not in pdf.headers


TEMPLATES = Path(__file__).resolve().parent.parent / "service" / "templates"
INLINE = {
    "script without src": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "event handler attribute": re.compile(r"<[^>]+\son[a-z]+\s*=", re.I),
    "style attribute": re.compile(r"<[^>]+\sstyle\s*=", re.I),
    "style element": re.compile(r"<style\b", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


@pytest.mark.parametrize("template", sorted(p.name for p in TEMPLATES.glob("*.html")))
def test_no_template_has_inline_script_or_style(template: str) -> None:
    """The policy forbids them, so the browser would ignore them: script and style live in service/static."""
    html = (TEMPLATES / template).read_text()
    assert [what for what, pattern in INLINE.items() if pattern.search(html)] == []


@pytest.mark.parametrize("behind_tls", [False, True])
def test_forwarded_headers_count_only_behind_tls(make_settings: Callable[..., Settings], database_url: str,
                                                tokens: Any, behind_tls: bool) -> None:
    """Without a proxy anyone can send X-Forwarded-For: believing it would let a guesser pick a fresh
    address for every try and slip past the throttle."""
    from service import create_app

    settings = make_settings(database_url, KANSLI_BEHIND_TLS=str(behind_tls).lower())
    client = create_app(settings, {"TESTING": True}).test_client()
    # Over HTTPS, Flask-WTF also wants a same-origin Referer, which browsers send (Referrer-Policy: same-origin).
    forwarded = {"X-Forwarded-For": "203.0.113.5", "X-Forwarded-Proto": "https", "Referer": "https://localhost/login"}
    response = post_login(client, "clerk", "losenord-clerk", headers=forwarded)
    assert response.status_code == 302
    assert ("Secure" in response.headers["Set-Cookie"]) == behind_tls
    assert ("Strict-Transport-Security" in response.headers) == behind_tls
    with db.session_scope(settings.database_url) as session:
        address = session.scalars(select(LoginSession.address)).one()
    assert address == ("203.0.113.5" if behind_tls else "127.0.0.1")
