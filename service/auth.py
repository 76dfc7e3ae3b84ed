"""Signing in: login sessions (Flask-Login, CSRF by Flask-WTF) for pages, Bearer tokens for the API.

Flask's signed cookie carries only a random login session id; the session itself is a database row
(:func:`kansli.users.user_for_session`), so logging out, a password change, disabling the user or an
operator ends it for good, also in a copy of the cookie. Logins are throttled per account name and per
client address (:func:`kansli.users.log_in`), and each login, failure and lock-out is audited. After an
admin's password reset (or on a new account) the user's login session opens only ``/password`` until they
choose a new password; a temporary password past its time opens nothing. At other times ``/password`` is
where a user changes their own password, giving the current one first.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, session, url_for
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user, logout_user
from flask_wtf.csrf import CSRFProtect

from kansli import audit
from kansli.models import User
from kansli.users import (
    ROLE_NAMES,
    THROTTLE_WINDOW,
    SessionLimits,
    UserError,
    account_of,
    audit_lockouts,
    dummy_password_hash,
    end_session,
    log_in,
    temporary_lifetime,
    user_for_session,
    user_for_token,
)
from kansli.validation import Invalid, NewPassword, OwnPassword, check
from service import actions
from service.database import get_session, settings
from service.errors import api_error
from service.pages.forms import FormErrors

log = logging.getLogger("kansli.web")
bp = Blueprint("auth", __name__)
login_manager = LoginManager()
csrf = CSRFProtect()


@dataclass
class SignedIn(UserMixin):
    """The signed-in user as the web layer sees it: detached from any database session."""

    id: int
    name: str
    role: str
    #: The login session's id, or None for a caller signed in by API token.
    session_id: str | None = None
    #: After an admin's reset: the session opens only the page where the user chooses a new password.
    must_change_password: bool = False

    @classmethod
    def of(cls, user: User, session_id: str | None = None) -> SignedIn:
        return cls(user.id, user.name, user.role, session_id, user.must_change_password)

    @property
    def held_to_password_change(self) -> bool:
        """A login session (never a token: see :func:`kansli.users.reset_password`) waiting for a new password."""
        return self.must_change_password and self.session_id is not None

    def get_id(self) -> str | None:
        """What Flask-Login keeps in the cookie: the session id, never the user's id."""
        return self.session_id


@login_manager.user_loader
def load_user(session_id: str) -> SignedIn | None:
    db = get_session()
    user = user_for_session(db, session_id, SessionLimits.of(settings()))
    db.commit()  # an ended session's deletion, or its last-seen time
    return SignedIn.of(user, session_id) if user else None


@login_manager.request_loader
def load_user_from_token(req: Any) -> SignedIn | None:
    header = req.headers.get("Authorization", "")
    if not header.lower().startswith("bearer "):
        return None
    user = user_for_token(get_session(), header[7:].strip())
    return SignedIn.of(user) if user else None


def page_role(*roles: str) -> Callable:
    """For pages: sign-in required, and one of ``roles``; others get the 403 page."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorate


def _safe_next(target: str | None) -> str:
    """Only local paths: a login link must not send the user to another site."""
    if target and target.startswith("/") and "\\" not in target and not target.startswith("//") \
            and not urlsplit(target).netloc:  # browsers read "/\\evil.example" as "//evil.example"
        return target
    return url_for("documents.index")


THROTTLED = "För många misslyckade inloggningar; försök igen om en stund."
EXPIRED = "Ditt tillfälliga lösenord har slutat gälla. Be en administratör om ett nytt."


def _throttled(template: str, account: str, **context: Any) -> Any:
    """Refused unseen; logged, not audited one by one: that would let a flood fill the audit trail."""
    log.warning("%s as %r from %s refused: too many failed logins", request.path, account[:100], request.remote_addr)
    retry = str(int(THROTTLE_WINDOW.total_seconds()))
    return render_template(template, errors=FormErrors([(None, THROTTLED)]), **context), 429, {"Retry-After": retry}


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    if request.method == "POST":
        return _sign_in(request.form.get("name", ""), request.form.get("password", ""))
    return render_template("login.html", name="")


def _sign_in(name: str, password: str) -> Any:
    """Check a login and audit it, in one transaction: a login, a failure, and any lock-out it caused."""
    db, address = get_session(), request.remote_addr
    attempt = log_in(db, name, password, address, SessionLimits.of(settings()), temporary_lifetime(settings()))
    if attempt.throttled:
        return _throttled("login.html", name, name=name)
    if attempt.user and attempt.expired:
        audit.record(db, None, "login_failed", f"user {attempt.user.name}", address=address,
                     reason="temporary_password_expired")
        db.commit()
        return render_template("login.html", name=name, errors=FormErrors([("password", EXPIRED)])), 403
    if attempt.user and attempt.session_id:
        audit.record(db, attempt.user.name, "login", f"user {attempt.user.name}", address=address)
        db.commit()
        session.clear()  # a new CSRF token for the new login
        login_user(SignedIn.of(attempt.user, attempt.session_id))
        if attempt.user.must_change_password:
            return redirect(url_for("auth.choose_password", next=request.args.get("next")))
        return redirect(_safe_next(request.args.get("next")))
    audit.record(db, None, "login_failed", f"user {account_of(name)}"[:100], address=address)
    audit_lockouts(db, None, attempt.locked, address)
    db.commit()
    wrong = FormErrors([("password", "Fel användarnamn eller lösenord; försök igen.")])
    return render_template("login.html", name=name, errors=wrong), 401


@bp.post("/logout")
def logout() -> Any:
    if current_user.is_authenticated and current_user.session_id:
        db = get_session()
        end_session(db, current_user.session_id)
        audit.record(db, current_user.name, "logout", f"user {current_user.name}")
        db.commit()
    logout_user()
    flash("Du är utloggad.", "info")
    return redirect(url_for("auth.login"))


MUST_CHANGE = "Du behöver välja ett nytt lösenord innan du kan fortsätta; gå till sidan Välj ett nytt lösenord."
#: What a login session held to a password change may still open.
_OPEN_WHILE_CHANGING = ("auth.choose_password", "auth.logout", "static")
WRONG_CURRENT = "Det nuvarande lösenordet stämmer inte; försök igen."


@bp.route("/password", methods=["GET", "POST"])
@login_required
def choose_password() -> Any:
    """The user chooses their own password, twice, and gets a new login session: held here after a reset,
    or of their own accord, then with their current password first."""
    target = _safe_next(request.args.get("next"))
    if current_user.session_id is None:  # a token is no browser: it has no password page
        abort(403)
    forced = current_user.held_to_password_change
    if request.method == "GET":
        return render_template("choose_password.html", forced=forced)
    model: type[NewPassword | OwnPassword] = NewPassword if forced else OwnPassword
    form = {key: request.form.get(key.replace("_", "-"), "") for key in model.model_fields}
    try:
        body = check(model, form)
        session_id = actions.choose_password(body.password, request.remote_addr,
                                             body.current_password if isinstance(body, OwnPassword) else None)
    except Invalid as exc:
        return render_template("choose_password.html", forced=forced,
                               errors=FormErrors.of_problems(exc.problems)), 422
    except actions.WrongPassword as exc:
        if exc.throttled:
            return _throttled("choose_password.html", current_user.name, forced=forced)
        return render_template("choose_password.html", forced=forced,
                               errors=FormErrors([("current-password", WRONG_CURRENT)])), 422
    except UserError as exc:
        return render_template("choose_password.html", forced=forced,
                               errors=FormErrors([("password", str(exc))])), 422
    user = SignedIn(current_user.id, current_user.name, current_user.role, session_id)
    session.clear()  # a new CSRF token with the new session
    login_user(user)
    flash("Ditt nya lösenord är sparat.", "info")
    return redirect(target)


def _load_user_first() -> Any:
    """Load (and mark as seen) the login session before any view opens a transaction of its own; a session
    held to a password change opens nothing but that page (pages redirect there, the API answers 403)."""
    if request.endpoint == "static":
        return None
    if not current_user.is_authenticated or not current_user.held_to_password_change \
            or request.endpoint in _OPEN_WHILE_CHANGING:
        return None
    if request.path.startswith("/api/"):
        return api_error(403, MUST_CHANGE, "password_change_required")
    return redirect(url_for("auth.choose_password"))


def init_app(app: Flask) -> None:
    dummy_password_hash()  # made now, so that the first unknown name is not answered slower than later ones
    app.before_request(_load_user_first)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Logga in för att fortsätta."
    login_manager.login_message_category = "info"
    csrf.init_app(app)
    app.context_processor(lambda: {"ROLE_NAMES": ROLE_NAMES})
