"""Issue 10: a new user's first password is a temporary one, as after a reset, and temporary passwords expire."""
from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from helpers.pages import csrf_of, login, post_login
from kansli import db
from kansli.config import Settings
from kansli.models import AuditEntry, LoginSession, User, utcnow
from kansli.users import (
    SessionLimits,
    create_user,
    get_user,
    log_in,
    reset_password,
    temporary_expired,
    temporary_expires_at,
    temporary_lifetime,
)

DAY = timedelta(hours=24)


def _set_back(settings: Settings, name: str, by: timedelta) -> None:
    """Make ``name``'s password as old as if it had been set ``by`` ago."""
    with db.session_scope(settings.database_url) as session:
        session.execute(update(User).where(User.name == name).values(password_set_at=utcnow() - by))


def test_a_temporary_password_expires_after_the_set_time_and_an_own_one_never(
        settings: Settings, tokens: dict[str, str]) -> None:
    assert settings.temporary_password_hours == 72 and temporary_lifetime(settings) == timedelta(hours=72)
    limits = SessionLimits.of(settings)
    with db.session_scope(settings.database_url) as session:
        anna, _token = create_user(session, "anna", "clerk", "tillfalligt-1", must_change=True)
        temporary, _ended = reset_password(session, get_user(session, "drafter"))
        expires = temporary_expires_at(anna, DAY)
        assert expires is not None and timedelta(0) < expires - utcnow().replace(tzinfo=None) <= DAY
        assert temporary_expires_at(get_user(session, "clerk"), DAY) is None  # their own password
    for name in ("anna", "drafter", "clerk"):
        _set_back(settings, name, DAY - timedelta(minutes=1))
    with db.session_scope(settings.database_url) as session:
        assert log_in(session, "anna", "tillfalligt-1", None, limits, DAY).session_id is not None
        assert log_in(session, "drafter", temporary, None, limits, DAY).session_id is not None
    for name in ("anna", "drafter", "clerk"):
        _set_back(settings, name, DAY + timedelta(minutes=1))
    with db.session_scope(settings.database_url) as session:
        for name, password in (("anna", "tillfalligt-1"), ("drafter", temporary)):
            attempt = log_in(session, name, password, None, limits, DAY)
            assert attempt.expired and attempt.user.name == name and attempt.session_id is None
            assert temporary_expired(attempt.user, DAY)
        wrong = log_in(session, "anna", "fel-losenord", None, limits, DAY)
        assert not wrong.expired and wrong.user is None  # a wrong password learns nothing of the expiry
        assert log_in(session, "clerk", "losenord-clerk", None, limits, DAY).session_id is not None
        assert not temporary_expired(get_user(session, "clerk"), DAY)


def test_an_expired_temporary_password_is_refused_plainly_and_audited(
        client: Any, tokens: dict[str, str], settings: Settings) -> None:
    with db.session_scope(settings.database_url) as session:
        temporary, _ended = reset_password(session, get_user(session, "clerk"))
    _set_back(settings, "clerk", timedelta(hours=72, minutes=1))
    response = post_login(client, "clerk", temporary)
    html = response.get_data(as_text=True)
    assert response.status_code == 403 and "Det finns 1 fel" in html
    assert ('<a href="#password">Ditt tillfälliga lösenord har slutat gälla. '
            'Be en administratör om ett nytt.</a>') in html
    assert 'id="password" aria-invalid="true" aria-describedby="password-error"' in html
    assert client.get("/password").location.startswith("/login")  # no session
    with db.session_scope(settings.database_url) as session:
        clerk = get_user(session, "clerk")
        assert session.scalars(select(LoginSession).where(LoginSession.user_id == clerk.id)).all() == []
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert (entry.actor, entry.action, entry.subject, entry.details["reason"]) == (
            None, "login_failed", "user clerk", "temporary_password_expired")

    admin = client.application.test_client()
    csrf = login(admin, "admin")
    listing = admin.get("/users").get_data(as_text=True)
    assert re.search(r'<tr data-user="clerk">.*?<td>aktivt, tillfälligt lösenord har slutat gälla</td>', listing, re.S)
    page = admin.get(f"/users/{clerk.id}").get_data(as_text=True)
    assert "det tillfälliga lösenordet har slutat gälla: återställ lösenordet för att ge clerk ett nytt" in page
    html = admin.post(f"/users/{clerk.id}/password", data={"csrf_token": csrf}).get_data(as_text=True)
    assert "det tillfälliga slutar gälla om 72 timmar" in html
    assert re.search(r"det tillfälliga lösenordet gäller till \d{4}-\d\d-\d\d \d\d:\d\d", html)
    again = re.search(r'id="temporary-password">([^<]+)</code>', html).group(1)
    assert post_login(client, "clerk", again).location == "/password"  # a new one works


def test_the_time_is_a_setting(make_settings: Any, database_url: str, tokens: dict[str, str]) -> None:
    settings = make_settings(database_url, KANSLI_TEMPORARY_PASSWORD_HOURS="1")
    with db.session_scope(settings.database_url) as session:
        temporary, _ended = reset_password(session, get_user(session, "clerk"))
    _set_back(settings, "clerk", timedelta(minutes=61))
    from service import create_app

    client = create_app(settings, {"TESTING": True}).test_client()
    assert post_login(client, "clerk", temporary).status_code == 403


def test_an_admin_adds_a_user_who_chooses_a_password_at_first_login(
        app: Any, client: Any, tokens: dict[str, str], settings: Settings) -> None:
    csrf = login(client, "admin")
    form = client.get("/users").get_data(as_text=True)
    assert 'name="password"' not in form and 'name="password-again"' not in form  # the admin types none
    assert "Ett tillfälligt lösenord skapas och visas en gång." in form and "om 72 timmar" in form
    response = client.post("/users", data={"csrf_token": csrf, "name": "anna", "role": "registrar"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Användaren anna (registrator) är skapad." in html
    temporary = re.search(r'<code class="token" id="temporary-password">([^<]+)</code>', html).group(1)
    assert re.fullmatch(r"[a-z2-9]{5}-[a-z2-9]{5}-[a-z2-9]{5}", temporary)
    assert re.search(r'<code class="token" id="api-token">[^<]+</code>', html)
    assert re.search(r'<tr data-user="anna">.*?<td>aktivt, väntar på nytt lösenord</td>', html, re.S)
    with db.session_scope(settings.database_url) as session:
        assert get_user(session, "anna").must_change_password
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "user_add")).one()
        assert entry.details == {"role": "registrar", "must_change_password": True}
        assert temporary not in str(entry.details)

    anna = app.test_client()
    response = post_login(anna, "anna", temporary)
    assert response.location == "/password"
    page = anna.get("/password").get_data(as_text=True)
    assert "<h1>Välj ett nytt lösenord</h1>" in page and 'id="current-password"' not in page
    assert anna.get("/registry").location == "/password"
    response = anna.post("/password", data={"csrf_token": csrf_of(page), "password": temporary,
                                            "password-again": temporary})
    assert response.status_code == 422 and "Välj ett annat lösenord än det tillfälliga." in response.get_data(as_text=True)
    response = anna.post("/password", data={"csrf_token": csrf_of(page), "password": "annas-eget-losen",
                                            "password-again": "annas-eget-losen"})
    assert response.location == "/" and anna.get("/registry").status_code == 200


def test_the_add_form_marks_what_is_wrong_and_keeps_what_was_typed(client: Any, tokens: dict[str, str]) -> None:
    csrf = login(client, "admin")
    response = client.post("/users", data={"csrf_token": csrf, "name": " ", "role": "chef"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Det finns 2 fel" in html
    assert '<a href="#name">Användarnamn behöver fyllas i.</a>' in html
    assert '<a href="#role">Roll ska vara en av' in html
    assert 'id="name" aria-invalid="true" aria-describedby="name-error"' in html
    assert 'id="role" aria-invalid="true" aria-describedby="role-error"' in html
    response = client.post("/users", data={"csrf_token": csrf, "name": "drafter", "role": "registrar"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and '<a href="#name">Användaren &#39;drafter&#39; finns redan.</a>' in html
    assert 'value="drafter"' in html and '<option value="registrar" selected>' in html
    assert 'id="temporary-password"' not in html


def test_a_session_begun_in_time_may_still_choose_the_new_password(
        client: Any, tokens: dict[str, str], settings: Settings) -> None:
    with db.session_scope(settings.database_url) as session:
        temporary, _ended = reset_password(session, get_user(session, "clerk"))
    assert post_login(client, "clerk", temporary).location == "/password"
    csrf = csrf_of(client.get("/password").get_data(as_text=True))
    _set_back(settings, "clerk", timedelta(hours=73))
    response = client.post("/password", data={"csrf_token": csrf, "password": "mitt-eget-losenord",
                                              "password-again": "mitt-eget-losenord"})
    assert response.location == "/" and client.get("/").status_code == 200
