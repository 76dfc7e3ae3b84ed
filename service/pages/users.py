"""The admin page for users: add them, disable and enable, reset passwords, end sessions, issue and revoke
API tokens. Every change goes through :mod:`service.actions` with an audit entry, as ``kansli user`` does.

A new user, like a reset one, gets a generated temporary password shown to the admin once: the admin never
types one (so none is reused for everyone), and the user chooses their own at the first login."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from kansli import users
from kansli.models import ROLES, ApiToken, User
from kansli.validation import Invalid, NewToken, NewUser, check
from service import actions
from service.auth import page_role
from service.database import get_or_404, get_session, settings
from service.pages.documents import count
from service.pages.forms import FormErrors

bp = Blueprint("users", __name__)


@bp.get("/users")
@page_role("admin")
def index() -> Any:
    return _list()


def _list(errors: FormErrors | None = None, typed: dict[str, str] | None = None,
          created: tuple[User, str, str] | None = None) -> Any:
    session = get_session()
    return render_template("users.html", accounts=users.accounts(session, users.SessionLimits.of(settings())),
                           last_logins=users.last_logins(session), roles=ROLES, errors=errors,
                           typed=typed or {}, created=created, **_temporary()), 422 if errors else 200


def _temporary() -> dict[str, Any]:
    """What the pages say about temporary passwords: how long one works, and whether a user's has run out."""
    lifetime = users.temporary_lifetime(settings())
    return {"temporary_hours": settings().temporary_password_hours,
            "temporary_expires": lambda user: users.temporary_expires_at(user, lifetime),
            "temporary_expired": lambda user: users.temporary_expired(user, lifetime)}


@bp.post("/users")
@page_role("admin")
def add() -> Any:
    form = {key: request.form.get(key.replace("_", "-"), "") for key in NewUser.model_fields}
    typed = {"name": form["name"], "role": form["role"]}
    try:
        created = actions.add_user(check(NewUser, form))
    except Invalid as exc:
        return _list(FormErrors.of_problems(exc.problems), typed)
    except users.UserError as exc:
        return _list(FormErrors([("name", str(exc))]), typed)
    return _list(created=created)


def _user(user_id: int) -> User:
    return get_or_404(User, user_id)


@bp.get("/users/<int:user_id>")
@page_role("admin")
def show(user_id: int) -> Any:
    return _page(_user(user_id))


def _page(user: User, errors: FormErrors | None = None, token: str | None = None,
          reset: tuple[str, str] | None = None) -> Any:
    session = get_session()
    tokens = users.tokens_of(session, user)
    return render_template("user.html", user=user, tokens=tokens, state=users.token_state, roles=ROLES,
                           last_login=users.last_logins(session).get(user.name), errors=errors, token=token,
                           reset=reset, myself=user.id == current_user.id, **_temporary()), 422 if errors else 200


def _back(user: User, message: str) -> Any:
    flash(message, "info")
    return redirect(url_for("users.show", user_id=user.id))


@bp.post("/users/<int:user_id>/disable")
@page_role("admin")
def disable(user_id: int) -> Any:
    user = _user(user_id)
    if user.id == current_user.id:
        return _page(user, FormErrors([(None, "Du kan inte stänga av ditt eget konto; be en annan administratör.")]))
    ended = actions.change_user(user, "user_disable", users.disable_user)
    return _back(user, f"{user.name} är avstängd; {_sessions(ended)} avslutade.")


@bp.post("/users/<int:user_id>/role")
@page_role("admin")
def role(user_id: int) -> Any:
    user, wanted = _user(user_id), request.form.get("role", "")
    if user.id == current_user.id:  # so that the last admin cannot lock everyone out of this page
        return _page(user, FormErrors([("role", "Du kan inte ändra din egen roll; be en annan administratör.")]))
    previous, names = user.role, users.ROLE_NAMES
    if wanted == previous:
        return _back(user, f"{user.name} har redan rollen {names[wanted]}.")
    try:
        actions.change_user(user, "user_role", lambda _session, u: users.set_role(u, wanted), role=wanted,
                            previous_role=previous)
    except users.UserError as exc:
        return _page(user, FormErrors([("role", str(exc))]))
    return _back(user, f"{user.name} har nu rollen {names[wanted]} (förut {names[previous]}).")


@bp.post("/users/<int:user_id>/enable")
@page_role("admin")
def enable(user_id: int) -> Any:
    user = _user(user_id)
    actions.change_user(user, "user_enable", lambda _session, u: users.enable_user(u))
    return _back(user, f"{user.name} kan logga in igen.")


@bp.post("/users/<int:user_id>/logout")
@page_role("admin")
def logout(user_id: int) -> Any:
    user = _user(user_id)
    ended = actions.change_user(user, "end_sessions", users.end_sessions)
    return _back(user, f"{_sessions(ended).capitalize()} för {user.name} avslutade.")


@bp.post("/users/<int:user_id>/password")
@page_role("admin")
def password(user_id: int) -> Any:
    """Reset: the temporary password is shown on this answer only (never flashed into the cookie)."""
    user = _user(user_id)
    temporary, ended = actions.reset_password(user)
    return _page(user, reset=(temporary, _sessions(ended)))


@bp.post("/users/<int:user_id>/tokens")
@page_role("admin")
def new_token(user_id: int) -> Any:
    user = _user(user_id)
    try:
        body = check(NewToken, {"days": request.form.get("days", "")})
    except Invalid as exc:
        return _page(user, FormErrors.of_problems(exc.problems))
    return _page(user, token=actions.issue_token(user, body.days))


@bp.post("/users/<int:user_id>/tokens/<int:token_id>/revoke")
@page_role("admin")
def revoke(user_id: int, token_id: int) -> Any:
    user = _user(user_id)
    token = get_session().get(ApiToken, token_id)
    if token is None or token.user_id != user.id or users.token_state(token) != "gäller":
        abort(404)
    actions.change_user(user, "revoke_tokens", lambda session, u: users.revoke_token(session, u, token_id),
                        token_id=token_id)
    return _back(user, f"API-nyckel {token_id} för {user.name} är återkallad.")


def _sessions(number: int) -> str:
    return count(number, "inloggning", "inloggningar")
