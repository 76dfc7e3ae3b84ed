"""Users, roles and API tokens.

Passwords are stored as salted scrypt hashes (Werkzeug); API tokens are random and stored only as
their SHA-256, so a leaked database gives away neither.
"""
from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from kansli.models import ROLES, ApiToken, User
from kansli.validation import is_plain

#: Which roles may do what (shared/contracts/api.md): "clerk+" and so on.
CLERK_PLUS = ("clerk", "drafter", "admin")
DRAFTER_PLUS = ("drafter", "admin")
REGISTRAR = ("registrar", "admin")
ROLE_NAMES = {"clerk": "registrator av underlag", "drafter": "handläggare", "registrar": "registrator",
              "admin": "administratör"}


class UserError(ValueError):
    """A user that cannot be created as asked."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_user(session: Session, name: str, role: str, password: str) -> tuple[User, str]:
    """Create a user with one API token; returns the user and the token (shown once, never stored)."""
    name = name.strip()
    if role not in ROLES:
        raise UserError(f"Okänd roll {role!r}; välj en av {', '.join(ROLES)}.")
    if not name:
        raise UserError("Användarnamnet får inte vara tomt.")
    if len(password) < 8:
        raise UserError("Lösenordet måste ha minst 8 tecken.")
    if session.scalar(select(User).where(User.name == name)):
        raise UserError(f"Användaren {name!r} finns redan.")
    user = User(name=name, role=role, password_hash=generate_password_hash(password))
    session.add(user)
    session.flush()
    return user, issue_token(session, user)


def issue_token(session: Session, user: User) -> str:
    token = secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=hash_token(token)))
    return token


def authenticate(session: Session, name: str, password: str) -> User | None:
    if not is_plain(name):  # a name no user can have (NUL, which PostgreSQL refuses) is not looked up
        return None
    user = session.scalar(select(User).where(User.name == name.strip()))
    if user and check_password_hash(user.password_hash, password):
        return user
    return None


def user_for_token(session: Session, token: str) -> User | None:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    return row.user if row else None
