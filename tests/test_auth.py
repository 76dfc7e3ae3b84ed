"""Signing in and staying signed in: server-side login sessions, accounts, throttling, CSRF, security headers."""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from helpers.pages import login
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
