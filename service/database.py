"""One database session per request, closed when the request ends (as ``flaskr/db.py`` does)."""
from __future__ import annotations

from typing import TypeVar

from flask import Flask, abort, current_app, g
from sqlalchemy.orm import Session

from kansli.config import Settings
from kansli.db import sessionmaker_for
from kansli.storage import Store


def settings() -> Settings:
    return current_app.config["KANSLI"]


def get_session() -> Session:
    if "db" not in g:
        g.db = sessionmaker_for(settings().database_url)()
    return g.db


T = TypeVar("T")


def get_or_404(model: type[T], row_id: int) -> T:
    row = get_session().get(model, row_id)
    if row is None:
        abort(404)
    return row


def get_store() -> Store:
    return Store(settings().files_dir)


def close_session(_exc: BaseException | None = None) -> None:
    session = g.pop("db", None)
    if session is not None:
        session.close()


def init_app(app: Flask) -> None:
    app.teardown_appcontext(close_session)
