"""Issue 10: an admin's password reset makes the user choose a new password at their next login."""
from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from helpers.pages import csrf_of, login, post_login
from kansli import db
from kansli.config import Settings
from kansli.models import AuditEntry, LoginSession
from kansli.users import (
    SessionLimits,
    UserError,
    authenticate,
    choose_password,
    get_user,
    reset_password,
    start_session,
    user_for_session,
    user_for_token,
)


def _reset(settings: Settings, name: str) -> str:
    with db.session_scope(settings.database_url) as session:
        temporary, _ended = reset_password(session, get_user(session, name))
    return temporary


def test_a_reset_sets_a_random_temporary_password_and_ends_sessions_but_not_tokens(
        settings: Settings, tokens: dict[str, str]) -> None:
    limits = SessionLimits.of(settings)
    with db.session_scope(settings.database_url) as session:
        clerk = get_user(session, "clerk")
        session_id = start_session(session, clerk, None, limits)
        temporary, ended = reset_password(session, clerk)
        assert ended == 1 and clerk.must_change_password
        assert re.fullmatch(r"[a-z2-9]{5}-[a-z2-9]{5}-[a-z2-9]{5}", temporary) and not set(temporary) & set("01lo")
        assert temporary != reset_password(session, get_user(session, "drafter"))[0]
    with db.session_scope(settings.database_url) as session:
        assert user_for_session(session, session_id, limits) is None
        assert authenticate(session, "clerk", "losenord-clerk") is None
        assert authenticate(session, "clerk", temporary) is not None
        assert user_for_token(session, tokens["clerk"]).name == "clerk"  # the user's programs keep working


@pytest.mark.parametrize(("password", "message"), [
    ("kort", "Lösenordet måste ha minst 8 tecken."),
    (None, "Välj ett annat lösenord än det tillfälliga."),
], ids=["too-short", "the-temporary-one"])
def test_the_new_password_keeps_the_rules_and_is_not_the_temporary_one(
        settings: Settings, tokens: dict[str, str], password: str | None, message: str) -> None:
    temporary = _reset(settings, "clerk")
    with db.session_scope(settings.database_url) as session:
        with pytest.raises(UserError, match=message):
            choose_password(session, get_user(session, "clerk"), password or temporary)
    with db.session_scope(settings.database_url) as session:
        assert get_user(session, "clerk").must_change_password
        assert authenticate(session, "clerk", temporary) is not None


def test_choosing_a_password_clears_the_flag_and_ends_every_session(settings: Settings, tokens: dict[str, str]) -> None:
    limits = SessionLimits.of(settings)
    temporary = _reset(settings, "clerk")
    with db.session_scope(settings.database_url) as session:
        clerk = get_user(session, "clerk")
        first, second = (start_session(session, clerk, None, limits) for _ in range(2))
        assert choose_password(session, clerk, "mitt-eget-losenord") == 2
        assert not clerk.must_change_password
    with db.session_scope(settings.database_url) as session:
        assert not get_user(session, "clerk").must_change_password
        assert user_for_session(session, first, limits) is None and user_for_session(session, second, limits) is None
        assert authenticate(session, "clerk", temporary) is None
        assert authenticate(session, "clerk", "mitt-eget-losenord") is not None


def _reset_by_admin(client: Any, settings: Settings) -> str:
    """The admin's reset of the clerk on /users; returns the temporary password the page shows once."""
    with db.session_scope(settings.database_url) as session:
        clerk_id = get_user(session, "clerk").id
    csrf = login(client, "admin")
    html = client.post(f"/users/{clerk_id}/password", data={"csrf_token": csrf}).get_data(as_text=True)
    return re.search(r'id="temporary-password">([^<]+)</code>', html).group(1)


def test_after_a_reset_the_login_opens_only_the_page_to_choose_a_password(
        app: Any, client: Any, tokens: dict[str, str], auth: Any, settings: Settings) -> None:
    temporary = _reset_by_admin(app.test_client(), settings)
    response = post_login(client, "clerk", temporary)
    assert response.status_code == 302 and response.location == "/password"
    page = client.get("/password")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<h1>Välj ett nytt lösenord</h1>" in html
    assert 'aria-label="Huvudmeny"' not in html and "Logga ut" in html  # nothing else to go to, but out
    assert "Byt lösenord" not in html and 'id="current-password"' not in html  # the temporary one is not asked
    for path in ("/", "/registry", "/users", "/templates", "/documents/1"):
        assert client.get(path).location == "/password", path
    for call in (client.get("/api/documents"), client.post("/api/documents", headers={"X-CSRFToken": csrf_of(html)})):
        assert call.status_code == 403
        assert call.json["error"] == {"code": "password_change_required", "message":
                                      "Du behöver välja ett nytt lösenord innan du kan fortsätta; "
                                      "gå till sidan Välj ett nytt lösenord."}
    assert app.test_client().get("/api/documents", headers=auth("clerk")).status_code == 200  # tokens work
    assert client.post("/logout", data={"csrf_token": csrf_of(html)}).location == "/login"
    assert client.get("/password").location.startswith("/login")


def test_a_refused_new_password_is_marked_on_its_field(client: Any, tokens: dict[str, str], settings: Settings) -> None:
    temporary = _reset_by_admin(client.application.test_client(), settings)
    post_login(client, "clerk", temporary)
    csrf = csrf_of(client.get("/password").get_data(as_text=True))

    response = client.post("/password", data={"csrf_token": csrf, "password": "kort", "password-again": "annat"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Det finns 2 fel" in html
    assert '<a href="#password">Lösenord ska ha minst 8 tecken.</a>' in html
    assert '<a href="#password-again">Lösenordet igen stämmer inte med lösenordet' in html
    assert 'id="password" aria-invalid="true" aria-describedby="password-hint password-error"' in html
    assert 'id="password-again" aria-invalid="true" aria-describedby="password-again-error"' in html
    assert 'value="kort"' not in html  # a password is never sent back

    response = client.post("/password", data={"csrf_token": csrf, "password": "ett-langt-losen",
                                              "password-again": "ett-langt-losem"})
    assert response.status_code == 422 and "Det finns 1 fel" in response.get_data(as_text=True)

    response = client.post("/password", data={"csrf_token": csrf, "password": temporary, "password-again": temporary})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<a href="#password">Välj ett annat lösenord än det tillfälliga.</a>' in html
    assert 'id="password" aria-invalid="true"' in html
    with db.session_scope(settings.database_url) as session:
        assert get_user(session, "clerk").must_change_password
        assert "password_change" not in session.scalars(select(AuditEntry.action)).all()
    assert client.get("/").location == "/password"


def test_a_new_password_clears_the_flag_rotates_the_session_and_is_audited(
        app: Any, client: Any, tokens: dict[str, str], settings: Settings) -> None:
    temporary = _reset_by_admin(app.test_client(), settings)
    elsewhere = app.test_client()
    post_login(elsewhere, "clerk", temporary)  # someone else who had the temporary password
    response = post_login(client, "clerk", temporary, query_string={"next": "/registry"})
    assert response.location == "/password?next=/registry"
    csrf = csrf_of(client.get(response.location).get_data(as_text=True))
    old_cookie = client.get_cookie("session").value

    response = client.post("/password?next=/registry", data={
        "csrf_token": csrf, "password": "mitt-eget-losenord", "password-again": "mitt-eget-losenord"})
    assert response.status_code == 302 and response.location == "/registry"
    page = client.get("/registry", follow_redirects=True)
    assert page.status_code == 200 and "Ditt nya lösenord är sparat." in page.get_data(as_text=True)
    assert client.get("/api/documents").status_code == 200
    assert elsewhere.get("/").location.startswith("/login")  # every other session of the user has ended
    copy = app.test_client()
    copy.set_cookie("session", old_cookie)
    assert copy.get("/").location.startswith("/login")  # the session used with the temporary password too
    assert "<h1>Byt lösenord</h1>" in client.get("/password").get_data(as_text=True)  # no longer held: the own change

    with db.session_scope(settings.database_url) as session:
        clerk = get_user(session, "clerk")
        assert not clerk.must_change_password
        assert len(session.scalars(select(LoginSession).where(LoginSession.user_id == clerk.id)).all()) == 1
        entries = session.scalars(select(AuditEntry).where(AuditEntry.subject == "user clerk")
                                  .order_by(AuditEntry.id)).all()
        trail = [(e.actor, e.action, e.details) for e in entries if e.action != "login"]
        assert trail == [("admin", "password_reset", {"sessions_ended": 0}),
                         ("clerk", "password_change", {"sessions_ended": 2})]
        assert temporary not in str([e.details for e in entries])
    fresh = app.test_client()
    assert post_login(fresh, "clerk", temporary).status_code == 401
    assert post_login(fresh, "clerk", "mitt-eget-losenord").location == "/"
