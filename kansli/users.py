"""Users, roles, API tokens and login sessions.

Passwords are stored as salted scrypt hashes (Werkzeug); API tokens and login session ids are random and
stored only as their SHA-256, so a leaked database gives away none of them. A login session is a row, so
ending it (deleting the row) works wherever its cookie was copied to.

The functions here only flush; their callers commit, with an audit entry in the same transaction.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, Result, and_, delete, func, not_, or_, select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from kansli import audit
from kansli.config import Settings
from kansli.models import ROLES, ApiToken, AuditEntry, LoginFailure, LoginSession, User, utcnow
from kansli.validation import is_plain

#: Which roles may do what (shared/contracts/api.md): "clerk+" and so on.
CLERK_PLUS = ("clerk", "drafter", "admin")
DRAFTER_PLUS = ("drafter", "admin")
REGISTRAR = ("registrar", "admin")
ROLE_NAMES = {"clerk": "registrator av underlag", "drafter": "handläggare", "registrar": "registrator",
              "admin": "administratör"}


#: How long a new API token works unless the operator says otherwise: a forgotten token stops working.
TOKEN_LIFETIME = timedelta(days=365)


class UserError(ValueError):
    """A user that cannot be created or changed as asked."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def account_of(name: str) -> str:
    """The account name a login tried, as failures are counted and audited under it: printable only (a NUL
    is refused by PostgreSQL) and not longer than a name can be."""
    return "".join(c for c in name.strip() if c.isprintable())[:100]


def _check_password(password: str) -> None:
    if len(password) < 8:
        raise UserError("Lösenordet måste ha minst 8 tecken.")


def create_user(session: Session, name: str, role: str, password: str,
                token_lifetime: timedelta | None = TOKEN_LIFETIME, must_change: bool = False) -> tuple[User, str]:
    """Create a user with one API token; returns the user and the token (shown once, never stored).

    ``must_change``: the password is a temporary one someone else chose (an admin, an operator), so the
    user's first login opens only the page where they choose their own, and it expires as a reset's does.
    """
    name = name.strip()
    if role not in ROLES:
        raise UserError(f"Okänd roll {role!r}; välj en av {', '.join(ROLES)}.")
    if not name:
        raise UserError("Användarnamnet får inte vara tomt.")
    _check_password(password)
    if session.scalar(select(User).where(User.name == name)):
        raise UserError(f"Användaren {name!r} finns redan.")
    user = User(name=name, role=role, password_hash=generate_password_hash(password),
                must_change_password=must_change)
    session.add(user)
    session.flush()
    return user, issue_token(session, user, token_lifetime)


def get_user(session: Session, name: str) -> User:
    user = session.scalar(select(User).where(User.name == name.strip()))
    if user is None:
        raise UserError(f"Användaren {name!r} finns inte.")
    return user


def set_password(session: Session, user: User, password: str, must_change: bool = False) -> int:
    """Replace the password and end the user's login sessions (someone may have used the old one);
    returns how many were ended. ``must_change``: the password was chosen by someone else, so the user's
    next login opens only the page where they choose their own."""
    _check_password(password)
    user.password_hash = generate_password_hash(password)
    user.must_change_password = must_change
    user.password_set_at = utcnow()
    return end_sessions(session, user)


#: A temporary password's letters: no 0/O, 1/l/I, so that it can be read out or copied by hand.
_TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def temporary_password() -> str:
    """A random password (about 74 bits) in three groups of five, easy to pass on by hand."""
    letters = "".join(secrets.choice(_TEMPORARY_ALPHABET) for _ in range(15))
    return "-".join(letters[i:i + 5] for i in range(0, 15, 5))


def reset_password(session: Session, user: User) -> tuple[str, int]:
    """An admin's reset: a generated temporary password, which the user must replace at their next login.

    Generated rather than typed by the admin, so it is never a guessable one an admin reuses for everyone,
    and shown once only. Login sessions end (the account may be in the wrong hands); API tokens keep
    working: they are credentials of their own, for programs, revoked one by one where needed.
    Returns the temporary password and how many sessions were ended.
    """
    temporary = temporary_password()
    return temporary, set_password(session, user, temporary, must_change=True)


def choose_password(session: Session, user: User, password: str) -> int:
    """The user's own new password, after a reset or of their own accord; not the password they have now
    (a temporary one someone else has seen, or the one they are changing because it may be known).
    Ends every login session of the user, the caller's own too (its id was used with the old password):
    the caller starts a new one. Returns how many were ended."""
    _check_password(password)
    if check_password_hash(user.password_hash, password):
        raise UserError("Välj ett annat lösenord än det tillfälliga." if user.must_change_password
                        else "Välj ett annat lösenord än det nuvarande.")
    return set_password(session, user, password)


def temporary_lifetime(settings: Settings) -> timedelta:
    return timedelta(hours=settings.temporary_password_hours)


def temporary_expires_at(user: User, lifetime: timedelta) -> datetime | None:
    """When ``user``'s temporary password stops opening new login sessions; None when their password is their
    own. A session begun in time may still choose the new password: the limits of sessions bound it."""
    return _naive(user.password_set_at) + lifetime if user.must_change_password else None


def temporary_expired(user: User, lifetime: timedelta) -> bool:
    expires = temporary_expires_at(user, lifetime)
    return expires is not None and expires <= _naive(utcnow())


def set_role(user: User, role: str) -> str:
    """Give ``user`` another role, which their sessions and tokens have from their next request; returns the
    role they had."""
    if role not in ROLES:
        raise UserError(f"Okänd roll {role!r}; välj en av {', '.join(ROLES)}.")
    previous, user.role = user.role, role
    return previous


def disable_user(session: Session, user: User) -> int:
    """Stop the user signing in or using a token, and end their sessions; returns how many were ended.

    The user row stays: documents, revisions and the audit trail still name who did what.
    """
    if user.disabled_at is None:
        user.disabled_at = utcnow()
    return end_sessions(session, user)


def enable_user(user: User) -> None:
    user.disabled_at = None


def issue_token(session: Session, user: User, lifetime: timedelta | None = TOKEN_LIFETIME) -> str:
    """A new API token for ``user``, valid for ``lifetime`` (None: until revoked); returned once, never stored."""
    token = secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=hash_token(token),
                         expires_at=utcnow() + lifetime if lifetime is not None else None))
    session.flush()
    return token


def revoke_tokens(session: Session, user: User) -> int:
    """Revoke every usable token of ``user``; returns how many."""
    return _rowcount(session.execute(
        update(ApiToken).where(ApiToken.user_id == user.id, _usable_token())
        .values(revoked_at=utcnow()).execution_options(synchronize_session=False)))


def tokens_of(session: Session, user: User) -> list[ApiToken]:
    """Every token of ``user``, revoked and expired ones too (their ids stay in the audit trail), newest first."""
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())))


def revoke_token(session: Session, user: User, token_id: int) -> bool:
    """Revoke one usable token of ``user``; False when it is not one (another's, or already revoked)."""
    return _rowcount(session.execute(
        update(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id, _usable_token())
        .values(revoked_at=utcnow()).execution_options(synchronize_session=False))) == 1


def token_state(token: ApiToken) -> str:
    """A token's state in Swedish, as the user administration page shows it."""
    if token.revoked_at is not None:
        return "återkallad"
    if token.expires_at is not None and _naive(token.expires_at) <= _naive(utcnow()):
        return "har gått ut"
    return "gäller"


def _naive(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes (in UTC), PostgreSQL aware ones: compared as naive UTC."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def last_logins(session: Session) -> dict[str, str]:
    """Each user's last login, as the audit trail recorded it (ISO time): kept there, so no column repeats it."""
    rows = session.execute(select(AuditEntry.subject, func.max(AuditEntry.at))
                           .where(AuditEntry.action == "login").group_by(AuditEntry.subject))
    return {subject.removeprefix("user "): at for subject, at in rows}


def _usable_token() -> ColumnElement[bool]:
    return and_(ApiToken.revoked_at.is_(None), or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > utcnow()))


@cache
def dummy_password_hash() -> str:
    """A hash made as real ones are, checked when no user has the name, so that the answer takes as long
    as for a real user and its timing does not tell which names exist."""
    return generate_password_hash(secrets.token_urlsafe(16))


def authenticate(session: Session, name: str, password: str) -> User | None:
    """The user with this name and password, unless disabled; every call checks one password hash."""
    # a name no user can have (NUL, which PostgreSQL refuses) is not looked up, but answered as slowly
    user = session.scalar(select(User).where(User.name == name.strip())) if is_plain(name) else None
    matches = check_password_hash(user.password_hash if user else dummy_password_hash(), password)
    return user if user and matches and user.disabled_at is None else None


#: After this many failed logins within THROTTLE_WINDOW for one account name, or from one client address,
#: further attempts are refused without a look at the password until the oldest failures leave the window.
#: Far above what a person mistyping needs, far below what guessing needs.
THROTTLE_LIMIT = 40
THROTTLE_WINDOW = timedelta(minutes=1)


@dataclass(frozen=True)
class LoginAttempt:
    """What one login attempt came to; the caller audits it and commits."""

    user: User | None = None
    session_id: str | None = None
    #: Refused unseen: too many failures for the account or the address.
    throttled: bool = False
    #: What this failure locked, as "user NAME" or "address ADDRESS".
    locked: tuple[str, ...] = ()
    #: The right name and password, but a temporary password past its time: no session.
    expired: bool = False


def log_in(session: Session, name: str, password: str, address: str | None, limits: SessionLimits,
           temporary_lifetime: timedelta) -> LoginAttempt:
    """Check a login, counting failures per account name (known or not) and per address.

    Failures are rows in the database, so every web process counts the same ones. A temporary password
    past ``temporary_lifetime`` opens no session; that is said plainly, as only someone who typed the
    right name and password learns it, and they need to know to ask an admin for a new one.
    """
    account = account_of(name)
    if _throttled(session, account, address):
        return LoginAttempt(throttled=True)
    if user := authenticate(session, name, password):
        if temporary_expired(user, temporary_lifetime):
            return LoginAttempt(user, expired=True)
        return LoginAttempt(user, start_session(session, user, address, limits))
    return LoginAttempt(locked=_failed(session, account, address))


def check_current_password(session: Session, user: User, password: str, address: str | None) -> LoginAttempt:
    """The signed-in user's current password, asked again before they change it: checked as a login is
    (one constant-time hash check) and throttled with the logins, so that a session left open in a
    browser cannot be used to guess the password. ``user`` is set on the attempt when it is right."""
    account = account_of(user.name)
    if _throttled(session, account, address):
        return LoginAttempt(throttled=True)
    if check_password_hash(user.password_hash, password):
        return LoginAttempt(user)
    return LoginAttempt(locked=_failed(session, account, address))


def _throttled(session: Session, account: str, address: str | None) -> bool:
    return any(count >= THROTTLE_LIMIT for count in _recent_failures(session, account, address).values())


def _failed(session: Session, account: str, address: str | None) -> tuple[str, ...]:
    """Count a failure; returns what it locked."""
    session.execute(delete(LoginFailure).where(LoginFailure.at < utcnow() - THROTTLE_WINDOW)
                    .execution_options(synchronize_session=False))
    session.add(LoginFailure(account=account, address=address))
    session.flush()
    counts = _recent_failures(session, account, address)
    return tuple(key for key, count in counts.items() if count >= THROTTLE_LIMIT)


def _recent_failures(session: Session, account: str, address: str | None) -> dict[str, int]:
    since = utcnow() - THROTTLE_WINDOW
    keys = {f"user {account}": LoginFailure.account == account}
    if address:
        keys[f"address {address}"] = LoginFailure.address == address
    return {key: session.scalar(select(func.count()).select_from(LoginFailure).where(match, LoginFailure.at > since)) or 0
            for key, match in keys.items()}


def user_for_token(session: Session, token: str) -> User | None:
    """The user of a token that is neither revoked nor expired, unless that user is disabled."""
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token), _usable_token()))
    return row.user if row and row.user.disabled_at is None else None


@dataclass(frozen=True)
class Account:
    """A user as an operator lists them: with the number of tokens that work and of live sessions."""

    user: User
    tokens: int
    sessions: int


def accounts(session: Session, limits: SessionLimits) -> list[Account]:
    def count(model: type, *where: ColumnElement[bool]) -> int:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0

    return [Account(user, count(ApiToken, ApiToken.user_id == user.id, _usable_token()),
                    count(LoginSession, LoginSession.user_id == user.id, limits.live()))
            for user in session.scalars(select(User).order_by(User.name))]


@dataclass(frozen=True)
class SessionLimits:
    """How long a login session lives: ``idle`` between requests, ``lifetime`` after sign-in at most."""

    idle: timedelta
    lifetime: timedelta

    @classmethod
    def of(cls, settings: Settings) -> SessionLimits:
        return cls(timedelta(minutes=settings.session_idle_minutes), timedelta(hours=settings.session_max_hours))

    def live(self) -> ColumnElement[bool]:
        """Compared in the database: SQLite hands back naive datetimes, PostgreSQL aware ones."""
        now = utcnow()
        return and_(LoginSession.last_seen_at > now - self.idle, LoginSession.created_at > now - self.lifetime)


def start_session(session: Session, user: User, address: str | None, limits: SessionLimits) -> str:
    """Open a login session; returns its id for the cookie, which is the only place the id itself is kept.

    Sessions that have run out are deleted here, so the table holds no more than the live ones and
    those that ended since the last sign-in.
    """
    session.execute(delete(LoginSession).where(not_(limits.live())).execution_options(synchronize_session=False))
    session_id = secrets.token_urlsafe(32)
    session.add(LoginSession(user_id=user.id, token_hash=hash_token(session_id), address=address))
    session.flush()
    return session_id


def user_for_session(session: Session, session_id: str, limits: SessionLimits) -> User | None:
    """The user of a live login session; a session past either limit, or of a disabled user, is ended."""
    found = session.execute(
        select(LoginSession, limits.live()).where(LoginSession.token_hash == hash_token(session_id))
    ).first()
    if found is None:
        return None
    row, live = found
    if not live or row.user.disabled_at is not None:
        session.delete(row)
        session.flush()
        return None
    # Written at most once per thirtieth of the idle time, so that most requests only read.
    session.execute(update(LoginSession)
                    .where(LoginSession.id == row.id, LoginSession.last_seen_at < utcnow() - limits.idle / 30)
                    .values(last_seen_at=utcnow()).execution_options(synchronize_session=False))
    return row.user


def end_session(session: Session, session_id: str) -> None:
    session.execute(delete(LoginSession).where(LoginSession.token_hash == hash_token(session_id)))


def end_sessions(session: Session, user: User) -> int:
    """End every login session of ``user`` (on password change, disabling, or an operator's request)."""
    return _rowcount(session.execute(delete(LoginSession).where(LoginSession.user_id == user.id)))


def _rowcount(result: Result[Any]) -> int:
    return cast(CursorResult[Any], result).rowcount


def audit_lockouts(session: Session, actor: str | None, locked: tuple[str, ...], address: str | None) -> None:
    """One audit entry per account or address that a failure has just locked, whichever door it came through
    (the login, or the current password asked on the password page)."""
    for subject in locked:
        audit.record(session, actor, "lockout", subject[:100], address=address, failures=THROTTLE_LIMIT,
                     window_seconds=int(THROTTLE_WINDOW.total_seconds()))
