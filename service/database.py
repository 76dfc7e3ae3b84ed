"""One database session per request, closed when the request ends (as ``flaskr/db.py`` does)."""
from __future__ import annotations

from flask import Flask, current_app, g
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


def get_store() -> Store:
    return Store(settings().files_dir)


def close_session(_exc: BaseException | None = None) -> None:
    session = g.pop("db", None)
    if session is not None:
        session.close()


def init_app(app: Flask) -> None:
    app.teardown_appcontext(close_session)
