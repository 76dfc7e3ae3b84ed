"""Issue 10: every user changes their own password at /password, giving the current one first."""
from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from helpers.pages import accessibility_problems, csrf_of, login, post_login
from kansli import db
from kansli.config import Settings
from kansli.models import AuditEntry, LoginFailure, LoginSession
from kansli.users import (
    THROTTLE_LIMIT,
    SessionLimits,
    UserError,
    authenticate,
    check_current_password,
    choose_password,
    get_user,
    start_session,
    user_for_session,
)

NEW = "ett-nytt-eget-losen"


def _fail(settings: Settings, account: str, times: int) -> None:
    """Failed logins for ``account`` from elsewhere, as the login counts them."""
    with db.session_scope(settings.database_url) as session:
        session.add_all(LoginFailure(account=account, address=f"10.9.0.{n}") for n in range(times))


def _failures(settings: Settings, account: str) -> int:
    with db.session_scope(settings.database_url) as session:
        return session.scalar(select(func.count()).select_from(LoginFailure).where(LoginFailure.account == account))


def test_the_current_password_is_checked_and_a_wrong_one_counts_as_a_failed_login(
        settings: Settings, tokens: dict[str, str]) -> None:
    with db.session_scope(settings.database_url) as session:
        drafter = get_user(session, "drafter")
        assert check_current_password(session, drafter, "losenord-drafter", "10.0.0.1").user is drafter
        wrong = check_current_password(session, drafter, "losenord-clerk", "10.0.0.1")
        assert wrong.user is None and not wrong.throttled and wrong.locked == ()
    assert _failures(settings, "drafter") == 1


def test_after_too_many_failures_the_current_password_is_not_even_looked_at(
        settings: Settings, tokens: dict[str, str]) -> None:
    _fail(settings, "drafter", THROTTLE_LIMIT - 1)
    with db.session_scope(settings.database_url) as session:
        drafter = get_user(session, "drafter")
        last = check_current_password(session, drafter, "fel", "10.0.0.1")
        assert last.locked == ("user drafter",)
        assert check_current_password(session, drafter, "losenord-drafter", "10.0.0.2").throttled
    assert _failures(settings, "drafter") == THROTTLE_LIMIT


def test_the_new_password_is_not_the_current_one(settings: Settings, tokens: dict[str, str]) -> None:
    limits = SessionLimits.of(settings)
    with db.session_scope(settings.database_url) as session:
        drafter = get_user(session, "drafter")
        with pytest.raises(UserError, match="Välj ett annat lösenord än det nuvarande."):
            choose_password(session, drafter, "losenord-drafter")
        first, second = (start_session(session, drafter, None, limits) for _ in range(2))
        assert choose_password(session, drafter, NEW) == 2 and not drafter.must_change_password
    with db.session_scope(settings.database_url) as session:
        assert user_for_session(session, first, limits) is None and user_for_session(session, second, limits) is None
        assert authenticate(session, "drafter", "losenord-drafter") is None
        assert authenticate(session, "drafter", NEW) is not None


def _form(client: Any, current: str, password: str = NEW, again: str | None = None, **kwargs: Any) -> Any:
    csrf = csrf_of(client.get("/password").get_data(as_text=True))
    return client.post("/password", data={"csrf_token": csrf, "current-password": current, "password": password,
                                          "password-again": password if again is None else again}, **kwargs)


def test_every_page_links_to_the_own_password_change(client: Any, tokens: dict[str, str], auth: Any) -> None:
    login(client, "clerk")
    html = client.get("/").get_data(as_text=True)
    assert '<a href="/password">Byt lösenord</a>' in html
    page = client.get("/password")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<title>Byt lösenord – Kansli</title>" in html and "<h1>Byt lösenord</h1>" in html
    assert 'aria-label="Huvudmeny"' in html and accessibility_problems(html) == []  # not held: the rest stays open
    assert ('id="current-password" name="current-password" type="password" value="" '
            'autocomplete="current-password" required autofocus') in html
    assert 'id="password" aria-describedby="password-hint"' in html and "inte det nuvarande lösenordet" in html
    assert client.application.test_client().get("/password", headers=auth("clerk")).status_code == 403  # no browser


def test_a_wrong_current_password_is_marked_audited_and_counted(
        client: Any, tokens: dict[str, str], settings: Settings) -> None:
    login(client, "clerk")
    response = _form(client, "losenord-drafter")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "<title>Fel: Byt lösenord – Kansli</title>" in html
    assert "Det finns 1 fel" in html
    assert '<a href="#current-password">Det nuvarande lösenordet stämmer inte; försök igen.</a>' in html
    assert 'id="current-password" aria-invalid="true" aria-describedby="current-password-error"' in html
    assert "losenord-drafter" not in html and NEW not in html  # a password is never sent back
    assert _failures(settings, "clerk") == 1
    with db.session_scope(settings.database_url) as session:
        assert authenticate(session, "clerk", "losenord-clerk") is not None
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert (entry.actor, entry.action, entry.subject) == ("clerk", "password_change_failed", "user clerk")
    assert client.get("/").status_code == 200  # still signed in


@pytest.mark.parametrize(("current", "password", "again", "errors"), [
    ("", NEW, NEW, ['<a href="#current-password">Nuvarande lösenord behöver fyllas i.</a>']),
    ("losenord-clerk", "kort", "annat", ['<a href="#password">Lösenord ska ha minst 8 tecken.</a>',
                                         '<a href="#password-again">Lösenordet igen stämmer inte med lösenordet']),
    ("losenord-clerk", "losenord-clerk", None,
     ['<a href="#password">Välj ett annat lösenord än det nuvarande.</a>']),
], ids=["no-current-password", "short-and-different", "the-current-one"])
def test_the_new_password_keeps_the_rules(client: Any, tokens: dict[str, str], settings: Settings, current: str,
                                          password: str, again: str | None, errors: list[str]) -> None:
    login(client, "clerk")
    response = _form(client, current, password, again)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and f"Det finns {len(errors)} fel" in html
    assert all(error in html for error in errors), html
    with db.session_scope(settings.database_url) as session:
        assert authenticate(session, "clerk", "losenord-clerk") is not None
        assert "password_change" not in session.scalars(select(AuditEntry.action)).all()
    assert _failures(settings, "clerk") == 0  # the current password was right, or not asked


def test_a_locked_account_cannot_change_its_password_even_with_the_right_one(
        client: Any, tokens: dict[str, str], settings: Settings) -> None:
    login(client, "clerk")
    _fail(settings, "clerk", THROTTLE_LIMIT)
    response = _form(client, "losenord-clerk")
    html = response.get_data(as_text=True)
    assert response.status_code == 429 and response.headers["Retry-After"] == "60"
    assert "För många misslyckade inloggningar; försök igen om en stund." in html
    with db.session_scope(settings.database_url) as session:
        assert authenticate(session, "clerk", "losenord-clerk") is not None


def test_a_password_change_ends_the_other_sessions_rotates_this_one_and_is_audited(
        app: Any, client: Any, tokens: dict[str, str], settings: Settings, auth: Any) -> None:
    elsewhere = app.test_client()
    login(elsewhere, "clerk")
    login(client, "clerk")
    old_cookie = client.get_cookie("session").value
    response = _form(client, "losenord-clerk", query_string={"next": "/registry"})
    assert response.status_code == 302 and response.location == "/registry"
    page = client.get("/registry")
    assert page.status_code == 200 and "Ditt nya lösenord är sparat." in page.get_data(as_text=True)
    assert elsewhere.get("/").location.startswith("/login")
    copy = app.test_client()
    copy.set_cookie("session", old_cookie)
    assert copy.get("/").location.startswith("/login")  # this browser's old session id is no more
    assert app.test_client().get("/api/documents", headers=auth("clerk")).status_code == 200  # tokens work

    with db.session_scope(settings.database_url) as session:
        clerk = get_user(session, "clerk")
        assert not clerk.must_change_password
        assert session.scalar(select(func.count()).select_from(LoginSession)
                              .where(LoginSession.user_id == clerk.id)) == 1
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert (entry.actor, entry.action, entry.subject, entry.details) == (
            "clerk", "password_change", "user clerk", {"sessions_ended": 2})
    fresh = app.test_client()
    assert post_login(fresh, "clerk", "losenord-clerk").status_code == 401
    assert post_login(fresh, "clerk", NEW).location == "/"
